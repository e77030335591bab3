"""A PDFium text page's text, with the characters it places apart on the page kept apart.

PDFium writes a page's characters in content order and adds a space or a line break only where
its own heuristics see one. Where they do not, characters far apart on the page come out as one
run (QA pass 16): the cells of 洪泽区's 2024 report (pdf_27), one per line at a tight line
pitch, became ``0900100110`` and a 45-digit ``3100…0``, so 54 of the figures pdfminer reads
were missing from the text, unsearchable, and wrong in the duplicate check's number comparison.

Here every pair of neighbouring characters with no whitespace between them is checked against
their boxes (the *loose* boxes: the font's em box at the glyph's advance, so two glyphs set one
after the other touch however narrow their ink is, and full-width punctuation shows no gap):

* on different lines (the boxes share less than half the smaller height) → a line break;
* on one line with a gap wider than ``WORD_GAP`` of the glyph height (a table column, a tab
  stop) → a space.

Running Chinese text sets its glyphs edge to edge, so it gets neither: no space is put inside a
word, where it would change how jieba cuts it. Two Han characters stacked edge to edge are
read as vertical writing (or a narrow cell's wrap) and stay together. Text turned by a quarter
turn is measured along its own baseline; text at other angles is left as PDFium wrote it. Only
the places found are touched; the text between them is PDFium's own (``get_text_range``).
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF units

# Share of the smaller box height two boxes must have in common to be on one line: a
# superscript (m², a footnote mark) keeps most of it, the next line none.
LINE_OVERLAP = 0.5
# A horizontal gap wider than this share of the glyph height separates: Chinese text sets its
# glyphs edge to edge (justified lines add a little), table cells are padded on both sides.
WORD_GAP = 0.6
# Han characters stacked in one column closer than this share of their height follow each
# other (vertical writing); lines of horizontal text keep more leading than that.
STACK_GAP = 0.15
# Closer than this (PDF units, 1/72 inch) a box starts where the last ended, on its baseline:
# nothing to check (most characters of a page; the full check is for the others).
ABUT = 0.5
# Pages with more characters keep PDFium's text as it is: the check costs about a microsecond
# a character in Python, and a page of a million characters (a hostile or generated file) must
# not take a large share of the PDF time limit. A dense A3 table page has about 20,000.
MAX_CHECKED_CHARS = 100_000
_QUARTER = math.pi / 2
_ANGLE_TOLERANCE = 0.05  # radians: a baseline this close to a quarter turn is one


def page_text(textpage: Any) -> str:
    """The text of a ``pypdfium2.PdfTextPage``, separated where the page layout separates."""
    count = textpage.count_chars()
    text = textpage.get_text_range()
    if count > MAX_CHECKED_CHARS:
        return text
    places = separations(textpage.raw, page_chars(textpage.raw, count, text))
    if not places:
        return text
    parts = []
    start = 0
    for index, sep in places:
        parts.append(textpage.get_text_range(start, index - start))
        parts.append(sep)
        start = index
    parts.append(textpage.get_text_range(start))
    return "".join(parts)


def page_chars(raw: Any, count: int, text: str) -> str:
    """The page's characters, one per character index ("\\0" for none). Taken from the page
    text when it has one character per index (every corpus page: it saves a call into PDFium
    per character), else read character by character."""
    if len(text) == count:
        return text
    import pypdfium2.raw as pdfium_c

    return "".join(_char(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))


def _char(code: int) -> str:
    """The character of a code PDFium reports; "\\0" for none or one out of Unicode's range."""
    return chr(code) if 0 < code <= 0x10FFFF else "\0"


def separations(raw: Any, chars: str) -> list[tuple[int, str]]:
    """(character index, separator to put before it) for every place where PDFium wrote two
    characters apart on the page with no whitespace between them."""
    import pypdfium2.raw as pdfium_c

    loose_box = pdfium_c.FPDFText_GetLooseCharBox
    rect = pdfium_c.FS_RECTF()
    ref = ctypes.byref(rect)
    places: list[tuple[int, str]] = []
    prev: Box | None = None
    for index, ch in enumerate(chars):
        if ch.isspace() or ch == "\0" or not loose_box(raw, index, ref):
            prev = None
            continue
        box = (rect.left, rect.bottom, rect.right, rect.top)
        if prev is not None and not _abuts(prev, box):
            sep = separator(prev, box, _both_han(chars, index))
            if sep and (sep := _turned(raw, index, prev, box, sep, chars)):
                places.append((index, sep))
        prev = box
    return places


def _abuts(a: Box, b: Box) -> bool:
    """The common case, decided before the full check: ``b`` starts where ``a`` ends, on the
    same baseline (glyph after glyph in one run of upright text)."""
    return abs(b[0] - a[2]) < ABUT and abs(b[1] - a[1]) < ABUT


def _both_han(chars: str, index: int) -> bool:
    """Whether the character at ``index`` and the one before it are Han characters."""
    return _is_han(chars[index - 1]) and _is_han(chars[index])


def _is_han(ch: str) -> bool:
    """CJK unified ideographs (the basic block, extension A, and the supplementary planes)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch >= "\U00020000"


def _turned(raw: Any, index: int, a: Box, b: Box, sep: str, chars: str) -> str:
    """The separator found on the page, checked against the characters' angle: upright text
    keeps it; text turned by a quarter turn is measured again along its own baseline (a
    landscape table on a portrait page); other or differing angles keep PDFium's text."""
    import pypdfium2.raw as pdfium_c

    turns = [_quarter_turns(pdfium_c.FPDFText_GetCharAngle(raw, i)) for i in (index - 1, index)]
    if turns[0] is None or turns[0] != turns[1]:
        return ""
    if turns[0] == 0:
        return sep
    return separator(turn(a, turns[0]), turn(b, turns[0]), _both_han(chars, index))


def _quarter_turns(angle: float) -> int | None:
    """0–3 for a baseline angle (radians, counter-clockwise) near a multiple of 90°; None for
    other angles and for PDFium's -1 (no angle)."""
    if angle < 0:
        return None
    quarters = round(angle / _QUARTER)
    if abs(angle - quarters * _QUARTER) > _ANGLE_TOLERANCE:
        return None
    return quarters % 4


def turn(box: Box, quarters: int) -> Box:
    """A page box seen in the frame of text turned ``quarters`` quarter turns
    counter-clockwise, where that text's baseline runs left to right."""
    left, bottom, right, top = box
    if quarters == 1:
        return (bottom, -right, top, -left)
    if quarters == 2:
        return (-right, -top, -left, -bottom)
    if quarters == 3:
        return (-top, left, -bottom, right)
    return box


def separator(a: Box, b: Box, han: bool = False) -> str:
    """What goes between a character in box ``a`` and the next one in box ``b`` (upright
    text): a line break, a space, or nothing. ``han``: both characters are Han characters."""
    if min(a[3] - a[1], b[3] - b[1]) <= 0:
        return ""  # a zero-height box (a space-like glyph, a broken font) tells nothing
    if _other_line(a, b):
        return "" if han and _stacked(a, b) else "\n"
    if b[0] - a[2] > WORD_GAP * max(a[3] - a[1], b[3] - b[1]):
        return " "
    return ""


def _other_line(a: Box, b: Box) -> bool:
    """Whether the boxes share less than ``LINE_OVERLAP`` of the smaller height."""
    height = min(a[3] - a[1], b[3] - b[1])
    return min(a[3], b[3]) - max(a[1], b[1]) < LINE_OVERLAP * height


def _stacked(a: Box, b: Box) -> bool:
    """Whether ``b`` sits right above or below ``a``: their columns overlap and there is no
    more than ``STACK_GAP`` of their height between the boxes (vertical writing)."""
    width = min(a[2] - a[0], b[2] - b[0])
    shared_x = min(a[2], b[2]) - max(a[0], b[0])
    gap = max(b[1] - a[3], a[1] - b[3])
    return shared_x > 0.5 * width and gap <= STACK_GAP * min(a[3] - a[1], b[3] - b[1])
