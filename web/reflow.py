"""Paragraphs out of a page's lines, for the document page.

A PDF's text layer and a scan's recognised text break at every printed line (QA pass 40b:
"…征缴的失业保 / 险基金总额…"), so at the kiosk's large type, at 200 % zoom or on a phone the
text was ragged and words were split across lines. Lines are joined only where the text shows
a measure: most of its long lines are one width (± one character), nothing long exceeds it,
and a line of that width neither ends a sentence nor is followed by an article, an item or a
table. A text whose lines are its paragraphs (a TXT, a DOCX, an HTML page) has no such width
and is shown as it was. The stored text, its snippets and its matches are unchanged: only the
page's line breaks are taken out, so a mark across a break reads as one word.

Written by hand: text reflow libraries (``textwrap``, ``unwrap`` of Markdown tools) wrap or join
English at spaces; none measures a CJK page's line width.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

LONG = 40  # display columns (a CJK character is two): lines this long can be a page's measure
BAND = 2  # columns either side of the measure that count as that width
SHORT_BY = 4  # a wrapped line can end two characters short (a word kept whole, punctuation)
MIN_MEASURED = 5  # lines of the measure's width before a text is reflowed (a scan's one page)
MIN_SHARE = 0.3  # of its long lines
MAX_OVER = 0.1  # long lines wider than the measure: paragraphs, not a page

_ENDS = frozenset("。！？：；…")
_STARTS = re.compile(
    r"(?:第\s*[一二三四五六七八九十百千零〇\d]+\s*[条條章节節编編款项項]"
    r"|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+\s*[.、．]"
    r"|附件|附：|[●○■□◆·•—－-])"
)
_LISTING = frozenset("、，,")
_TABLE = re.compile(r"[\u2500-\u257f]")  # box drawing: a table's rows stay rows
_BREAK = re.compile(r"[ \t\u3000]*\n[ \t\u3000]*")


# East Asian Wide and Fullwidth (Unicode's EastAsianWidth W and F) in the blocks a Chinese
# text uses, as one regex: a line's width is its length plus its wide characters
# (``unicodedata.east_asian_width`` per character took 0.2 s for a text of 2 million)
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe6b\uff00-\uff60\uffe0-\uffe6"
    "\U00020000-\U0003fffd]"
)


def _columns(line: str) -> int:
    return len(line) + len(_WIDE.findall(line))


LOOSE_BAND = 6  # characters either side: a line of the measure holds digits or not


def _may_have_a_measure(lengths: list[int]) -> bool:
    """Whether enough long lines have about one length (in characters, which is cheap) for the
    text to have a measure at all: most texts are one paragraph a line, and measuring every
    line's columns took 0.2 s of a text of 2 million characters."""
    long = Counter(n for n in lengths if n >= LONG // 2)
    total = sum(long.values())
    if total < MIN_MEASURED:
        return False
    top = max(long)
    held = max(sum(long[x] for x in range(n - LOOSE_BAND, n + LOOSE_BAND + 1))
               for n in range(LONG // 2, top + 1))  # fmt: skip
    return held >= MIN_MEASURED and held >= MIN_SHARE * total


def _measure(widths: list[int]) -> int:
    """The page's line width in columns, or 0 where its lines are paragraphs."""
    long = [w for w in widths if w >= LONG]
    if len(long) < MIN_MEASURED:
        return 0
    counts = Counter(long)

    def near(w: int) -> int:
        return sum(counts[x] for x in range(w - BAND, w + BAND + 1))

    measure = max(range(LONG, max(long) + 1), key=lambda w: (near(w), w))
    held = near(measure)
    over = sum(1 for w in long if w > measure + SHORT_BY)
    if held < MIN_MEASURED or held < MIN_SHARE * len(long) or over > MAX_OVER * len(long):
        return 0
    return measure


def joins(text: str) -> dict[int, str]:
    """Which line breaks of ``text`` wrap a paragraph (by their order among its ``\\n``), and
    what replaces each: nothing between Chinese characters or digits (a number split by the
    wrap), a space between two Latin letters."""
    lines = text.split("\n")
    stripped = [line.strip(" \t\u3000") for line in lines]
    if not _may_have_a_measure([len(s) for s in stripped]):
        return {}
    widths = [_columns(s) for s in stripped]
    measure = _measure(widths)
    if not measure:
        return {}
    out: dict[int, str] = {}
    for i in range(len(lines) - 1):
        a, b = stripped[i], stripped[i + 1]
        if not a or not b or not measure - SHORT_BY <= widths[i] <= measure + BAND:
            continue
        if a[-1] in _ENDS or _TABLE.search(a) or _TABLE.search(b):
            continue
        # a list or a number going on past the line's end is no new item (…49、 / 53、56 条;
        # 第 12、2 / 8、48 条)
        if _STARTS.match(b) and a[-1] not in _LISTING and not (a[-1].isdigit() and b[0].isdigit()):
            continue
        latin = a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha()
        out[i] = " " if latin else ""
    return out


def _joined(marked: str, breaks: Mapping[int, str]) -> str:
    count = -1

    def one(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return breaks[count] if count in breaks else m.group(0)

    return _BREAK.sub(one, marked)


def reflowed(html_text: str, text: str) -> tuple[str, str]:
    """The page's marked-up ``text`` (escaped, matches marked: no line break added or taken)
    and ``text`` itself (what the page prints), each with the wrapped lines joined, the text
    measured once; the marked-up text as it was if its line breaks are not the text's."""
    breaks = joins(text)
    if not breaks:
        return html_text, text
    plain = _joined(text, breaks)
    if html_text.count("\n") != text.count("\n"):
        return html_text, plain
    return _joined(html_text, breaks), plain
