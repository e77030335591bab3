"""Equivalences a document states about its own words: ``（以下简称“X”）`` and the like.

Laws define their short forms once (``本市行政区域内的居民委员会（以下简称居委会）``) and use them
afterwards; citizens type the short form, other documents the long one. Mining them at ingest
(pure text → pairs, here) lets a query for either find both, with the document that stated the
pair as provenance. The long form is the noun phrase before the parenthesis, cut back to the
last character where the short form begins and still fits: every character of the short form
must occur in the long one in order and the two must end alike, which is how Chinese
abbreviations are made
(居民委员会 → 居委会, 人力资源社会保障部门 → 人社部门). A short form that is a plain
substring of its long form (用人单位 inside 本市用人单位) adds nothing: the engine's
substring recall finds it.
Works on normalised (Simplified) text.
"""

from __future__ import annotations

import re

from analyzers.chars import is_han

_DEFINES = re.compile(
    r"[（(]\s*(?:以下|下文)?(?:简称|称|统称)\s*[:：]?\s*[“\"‘「『]?([^”\"’」』（）()，,。；;\s]{2,10})[”\"’」』]?\s*[）)]"
)
_STOP = re.compile(r"[，,。；;：:、“”\"‘’「」『』（）()\n\s《》]")
MAX_LONG = 24
_ANAPHORA = frozenset("本该此上前其")  # 本法, 该条例: a reference, not a name


def is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def abbreviation_pairs(text: str) -> list[tuple[str, str]]:
    """``(short, long)`` pairs the text defines, in order of appearance (duplicates kept once)."""
    out: dict[tuple[str, str], None] = {}
    for m in _DEFINES.finditer(text):
        short = m.group(1)
        if not all(is_han(c) for c in short) or short[0] in _ANAPHORA:
            continue
        before = text[max(0, m.start() - 60) : m.start()]
        stop = [s.end() for s in _STOP.finditer(before)]
        chunk = before[stop[-1] if stop else 0 :]
        # the last start the short form still fits: 成效评估委员会于每年提出前一年度之成效评估报告
        # （以下简称年度报告） defines 年度之成效评估报告, not 年提出前一…, which every query
        # for 年度报告 searched as well (QA pass 39a)
        starts = [i for i, ch in enumerate(chunk) if ch == short[0]
                  and is_subsequence(short, chunk[i:])]  # fmt: skip
        if not starts:
            continue
        long = chunk[starts[-1] :]
        if (
            len(long) <= len(short)
            or len(long) > MAX_LONG
            or long[-1] != short[-1]
            or short in long
            or not is_subsequence(short, long)
            or not all(is_han(c) for c in long)
        ):
            continue
        out[(short, long)] = None
    return list(out)
