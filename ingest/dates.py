"""Dates as Chinese government documents write them.

Western digits (2019年3月1日, full-width ２０１９年３月１日, 2019-03-01), Chinese numerals
(二〇一九年三月一日, 二零一九年), and Taiwan's ROC calendar (中華民國108年3月1日,
中華民國一百零八年三月一日, 民國108年 → 2019). Only real calendar dates are returned.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3,
          "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN = "〇零○Ｏ一二两三四五六七八九十百"
_NUM = rf"(?:\d{{1,4}}|[{_CN}]{{1,7}})"

_DATE_RE = re.compile(
    rf"(?P<roc>(?:中華民國|中华民国|民國|民国)\s*)?(?P<y>{_NUM})\s*年\s*(?P<m>{_NUM})\s*月"
    rf"\s*(?P<d>{_NUM})\s*[日号號]"
)
_ISO_RE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")


@dataclass(frozen=True)
class FoundDate:
    """A date found in text, with where it was (offsets into the searched text)."""

    date: dt.date
    start: int
    end: int


def cn_number(s: str) -> int | None:
    """Value of a number in digits or Chinese numerals: 一百零八 → 108, 二〇一九 → 2019."""
    s = unicodedata.normalize("NFKC", s).strip()
    if s.isdigit():
        return int(s)
    if not s or any(c not in _DIGIT and c not in "十百" for c in s):
        return None
    if "十" not in s and "百" not in s:  # digit by digit: 二〇一九
        return int("".join(str(_DIGIT[c]) for c in s))
    total, current = 0, 0
    for c in s:
        if c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGIT[c]
    return total + current


def _make(year: int, month: int, day: int, roc: bool) -> dt.date | None:
    if roc:
        year += 1911
    if not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def iter_dates(text: str, *, roc: bool = False) -> Iterator[FoundDate]:
    """All dates in ``text`` in order. ``roc=True`` reads bare years < 200 as ROC years."""
    for m in _DATE_RE.finditer(text):
        y, mo, d = (cn_number(m.group(k)) for k in ("y", "m", "d"))
        if y is None or mo is None or d is None:
            continue
        is_roc = bool(m.group("roc")) or (roc and y < 200)
        if y < 200 and not is_roc:
            continue
        date = _make(y, mo, d, is_roc)
        if date is not None:
            yield FoundDate(date, m.start(), m.end())


def parse_date(value: str) -> dt.date | None:
    """One date from a catalog cell or a file property (ISO, 年月日, ROC, PDF ``D:2019…``)."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    if not value:
        return None
    if value.startswith("D:") and len(value) >= 10 and value[2:10].isdigit():
        value = f"{value[2:6]}-{value[6:8]}-{value[8:10]}"
    m = _ISO_RE.search(value)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    found = next(iter_dates(value, roc=True), None)
    return found.date if found else None


def odd_dates(written: dt.date | None, published: dt.date | None, today: dt.date) -> str:
    """What is wrong with a document's dates, said for the ingest report ("" if nothing): a
    发布日期 before its 成文日期, or a date after ``today`` (QA pass 33b: both were published
    without a word; the first showed only later, as a row the timeliness report cannot
    count). A warning, never a refusal: the catalogue may be right about a reissue."""
    said = []
    if written and published and published < written:
        said.append(f"发布日期 {published} is before 成文日期 {written}")
    future = [f"{name} {day}" for name, day in (("成文日期", written), ("发布日期", published))
              if day and day > today]  # fmt: skip
    if future:
        said.append(f"{' and '.join(future)} after today ({today})")
    return "; ".join(said)
