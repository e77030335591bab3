"""A law's own history, above its first article: when it was last amended.

A revised law is published as a whole new text (2019年12月28日…第二次修订 heads the 证券法
in force), so a catalogue files it as that year's item like any new one, and the yearly
disclosure report counted it 新制发 (QA pass 45a: 46 of 385 政策法规 items of 2019 said in
their own history lines that they were revised that year). The history is read as dated
events: each date up to the next, an amendment when its words say 修订, 修正 or 修改.
"""

from __future__ import annotations

import re

from analyzers.docno import first_article

_DATE = re.compile(r"(\d{4})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_AMENDED = re.compile(r"修订|修正|修改")
_HEAD = 3000  # characters: a history longer than this is no history


def amended_year(text: str) -> int | None:
    """The year of the last amendment a text's history states, or None (no articles, no
    history, or a history of enactment only)."""
    cut = first_article(text[:_HEAD])
    if cut is None:
        return None
    head = text[:cut]
    dates = list(_DATE.finditer(head))
    ends = [d.start() for d in dates[1:]] + [len(head)] if dates else []
    years = [
        int(m.group(1)) for m, end in zip(dates, ends, strict=True)
        if _AMENDED.search(head[m.end() : end])
    ]  # fmt: skip
    return max(years, default=None)
