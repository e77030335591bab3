"""Pages of a paged document (a PDF, a multi-page scan): the lines that are layout, not content.

A printed page repeats a running header or footer (the organ, 国务院 or 總統; the title) and
carries its number. Left in, they split sentences at every page break, make the organ in a
header match every page of every document, and put the header above the title of the first
page. PDF text layers and recognised scans have the same pages, so they share this rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PAGE_NO_RE = re.compile(
    r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/共]\s*\d{1,4}\s*页?)?[-—–－\s]*$"
)


# a page number set off by dashes at either end of a running line: 国办函〔2018〕71号 — 1 —
_NUMBER_AT_END = re.compile(r"\s*[-—–－]+\s*\d{1,4}\s*[-—–－]+\s*$")
_NUMBER_AT_START = re.compile(r"^\s*[-—–－]+\s*\d{1,4}\s*[-—–－]+\s*")


def _without_number(line: str) -> str | None:
    """The line with its dashed page number replaced by ``#``, or None if it carries none."""
    if (m := _NUMBER_AT_END.search(line)) and m.start() > 0:
        return line[: m.start()] + "#"
    if (m := _NUMBER_AT_START.match(line)) and m.end() < len(line):
        return "#" + line[m.end() :]
    return None


def strip_running_lines(pages: Sequence[str]) -> list[str]:
    """Drop page numbers and running headers/footers repeated at the top/bottom of pages.

    Only lines repeated *verbatim* among the first or last two lines of more than half the
    pages (and of three at least) count as running lines: numbered lines such as "第 3 條" that
    often open a page differ from page to page and are content, and a body line that happens
    to end two pages (合计, 刑。) is no header. Page numbers are recognised by pattern, alone or
    set off by dashes in a running line that is otherwise the same on every page (the 文号 and
    the number of a 国务院 footer: QA pass 7).
    """
    split = [[ln.rstrip() for ln in p.split("\n")] for p in pages]
    edges: dict[str, int] = {}
    for lines in split:
        body = [ln.strip() for ln in lines if ln.strip()]
        for ln in set(body[:2] + body[-2:]):
            for key in (ln, _without_number(ln)):
                if key is not None:
                    edges[key] = edges.get(key, 0) + 1
    threshold = max(3, len(pages) // 2 + 1)
    out = []
    for lines in split:
        idx = [i for i, ln in enumerate(lines) if ln.strip()]
        edge = set(idx[:2] + idx[-2:])
        keep = []
        for i, ln in enumerate(lines):
            s = ln.strip()
            numbered = _without_number(s) if i in edge else None
            if i in edge and (
                PAGE_NO_RE.match(s)
                or edges.get(s, 0) >= threshold
                or (numbered is not None and edges.get(numbered, 0) >= threshold)
            ):
                continue
            keep.append(ln)
        out.append("\n".join(keep).strip("\n"))
    return out
