"""Pages of a paged document (a PDF, a multi-page scan): the lines that are layout, not content.

A printed page repeats a running header or footer (the organ, 国务院 or 總統; the title) and
carries its number. Left in, they split sentences at every page break, make the organ in a
header match every page of every document, and put the header above the title of the first
page. PDF text layers and recognised scans have the same pages, so they share this rule.

A bare number at a page's edge is a page number only when the document numbers its pages with
it: a table cut by a page break puts its cells there too (QA pass 16: the 95 applications of
洪泽区's 2024 report and 14 of its table's cells were dropped as page numbers).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

# A number written as a page mark: - 3 -, — 3 —, 第3页, 第3页 共12页, 3/12, Page 3 (of 12).
# A dash on one side only is a signed number (-3, a decrease in a budget table), not a mark.
PAGE_MARK_RE = re.compile(
    r"^(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+"
    r"|(?:第\s*)?\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|(?:第\s*)?(?P<n>\d{1,4})\s*(?:/|共)\s*(?P<of>\d{1,4})\s*页?"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_BARE_NUMBER_RE = re.compile(r"^\d{1,4}$")
_LETTER_RE = re.compile(r"[^\W\d_]")

# a page number set off by dashes at either end of a running line: 国办函〔2018〕71号 — 1 —
_NUMBER_AT_END = re.compile(r"\s*[-—–－]+\s*\d{1,4}\s*[-—–－]+\s*$")
_NUMBER_AT_START = re.compile(r"^\s*[-—–－]+\s*\d{1,4}\s*[-—–－]+\s*")


# the characters of a line's end or start a dashed page number is looked for in: a mark is a
# few characters long, and a search anchored at the end of a long run of dashes tried every
# start in it (QA pass 51b: a 1 KB PDF whose page edges held 10,000 dashes stalled the server
# for 13 s)
MARK_REACH = 40


def _without_number(line: str) -> str | None:
    """The line with its dashed page number replaced by ``#``, or None if it carries none."""
    cut = max(0, len(line) - MARK_REACH)
    if (m := _NUMBER_AT_END.search(line, cut)) and m.start() > 0:
        return line[: m.start()] + "#"
    if (m := _NUMBER_AT_START.match(line[:MARK_REACH])) and m.end() < len(line):
        return "#" + line[m.end() :]
    return None


def is_page_mark(line: str) -> bool:
    """Whether the line is a number written as a page mark, so a page number wherever it
    stands at a page's edge. "3/12" counts only when 3 ≤ 12: a page of a count, not 12/3."""
    m = PAGE_MARK_RE.match(line.strip())
    if m is None:
        return False
    return m["n"] is None or int(m["n"]) <= int(m["of"])


def _edges(lines: Sequence[str]) -> tuple[list[int], list[int]]:
    """Indices of the first two and the last two non-blank lines, outermost first: where a
    running header, footer or page number stands."""
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    return idx[:2], idx[::-1][:2]


def _side(lines: Sequence[str], side: int) -> list[int]:
    """The top (0) or bottom (1) edge lines of a page, the bottom without those at the top."""
    top, bottom = _edges(lines)
    return top if side == 0 else [i for i in bottom if i not in top]


def _bare_numbers(lines: Sequence[str], edge: list[int]) -> list[tuple[int, int]]:
    """(line index, value) of the bare numbers among the edge lines, outermost first."""
    return [(i, int(lines[i].strip())) for i in edge if _BARE_NUMBER_RE.match(lines[i].strip())]


def _numbering_offset(
    found: Sequence[list[tuple[int, int]]], index: Sequence[int], *, at_least: int
) -> int | None:
    """The constant c for which page i carries the bare number i + c on ``at_least`` pages.

    Page numbers follow the page index (a cover or contents page without one only shifts c);
    the cells of a table cut by page breaks (0, 0, 95) do not, however often they repeat.
    """
    votes: Counter[int] = Counter()
    for page, numbers in zip(index, found, strict=True):
        votes.update({value - page for _, value in numbers})
    if not votes:
        return None
    offset, count = votes.most_common(1)[0]
    return offset if count >= at_least else None


def page_number_lines(
    split: Sequence[Sequence[str]], index: Sequence[int] | None = None
) -> set[tuple[int, int]]:
    """(page, line) of the bare numbers that number the pages, at the top or the bottom.

    One number per page and edge, the outermost one that is i + c (a table cell equal to the
    page number stays); on a page of three lines or fewer the edges overlap, and a line counts
    at the top only. A document of one page has no sequence to tell its number from a cell.
    ``index`` is each page's place in the document when some are missing (an illegible scan).
    """
    index = list(range(len(split))) if index is None else index
    at_least = max(2, len(split) // 2 + 1)
    out: set[tuple[int, int]] = set()
    for side in (0, 1):  # top, bottom
        found = [_bare_numbers(lines, _side(lines, side)) for lines in split]
        offset = _numbering_offset(found, index, at_least=at_least)
        if offset is None:
            continue
        for page, numbers in enumerate(found):
            hit = next((i for i, value in numbers if value == index[page] + offset), None)
            if hit is not None:
                out.add((page, hit))
    return out


def _running_keys(split: Sequence[Sequence[str]]) -> Counter[str]:
    """On how many pages each edge line (and each with its dashed number masked) stands.

    Only lines with a letter count: a number, 0.00 or — repeated at page edges is a table's
    cell, not a running head (QA pass 16: the 0 cells of a table on five of eight pages).
    """
    counts: Counter[str] = Counter()
    for lines in split:
        top, bottom = _edges(lines)
        for ln in {lines[i].strip() for i in top + bottom}:
            if _LETTER_RE.search(ln):
                counts.update(k for k in (ln, _without_number(ln)) if k is not None)
    return counts


def strip_running_lines(pages: Sequence[str], index: Sequence[int] | None = None) -> list[str]:
    """Drop page numbers and running headers/footers repeated at the top/bottom of pages.

    Only lines repeated *verbatim* among the first or last two lines of more than half the
    pages (and of three at least) count as running lines: numbered lines such as "第 3 條" that
    often open a page differ from page to page and are content, and a body line that happens
    to end two pages (合计, 刑。) is no header. Page numbers are recognised as page marks
    (- 3 -, 第3页, 3/12), set off by dashes in a running line that is otherwise the same on
    every page (the 文号 and the number of a 国务院 footer: QA pass 7), or as bare numbers
    that follow the page index (QA pass 16: any bare number was dropped, table cells too).
    ``index`` numbers the pages given when some of the document's are left out (0, 1, 3).
    """
    split = [[ln.rstrip() for ln in p.split("\n")] for p in pages]
    counts = _running_keys(split)
    numbers = page_number_lines(split, index)
    threshold = max(3, len(pages) // 2 + 1)
    out = []
    for page, lines in enumerate(split):
        top, bottom = _edges(lines)
        edge = set(top + bottom)
        keep = []
        for i, ln in enumerate(lines):
            s = ln.strip()
            numbered = _without_number(s) if i in edge else None
            if i in edge and (
                (page, i) in numbers
                or is_page_mark(s)
                or counts.get(s, 0) >= threshold
                or (numbered is not None and counts.get(numbered, 0) >= threshold)
            ):
                continue
            keep.append(ln)
        out.append("\n".join(keep).strip("\n"))
    return out
