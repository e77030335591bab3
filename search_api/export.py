"""``GET /api/export``: a search's results as a file to keep, CSV for a spreadsheet or JSON;
``GET /api/feed``: its newest results as an Atom feed, to subscribe to.

A researcher builds a list of documents on a topic across years and agencies and takes it
elsewhere (QA pass 42b: the only CSVs were the staff reports, behind a key). The export runs the
search the same parameters run on ``/api/search`` and the results page, for the same viewer, and
lists its results in their order, one row each (one result stands for the documents with its
text, as on the page), with the catalogue's fields and the document's address. Page and size
are not read: the file starts at the first result.
"""

from __future__ import annotations

import dataclasses
import html
import re
import xml.etree.ElementTree as ET  # noqa: N817 - ElementTree's usual name
from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Q
from fastapi.responses import JSONResponse, Response

from analyzers.chars import visible
from model.document import written_in_title_year
from model.errors import Forbidden
from model.fields import UNSTATED, label, value_label
from model.settings import Settings
from reports.csvexport import csv_text
from search_api.deps import IndexDep, SettingsDep
from search_api.limits import long_search_slot
from search_api.models import ErrorResponse, blank_is
from search_api.search import ERRORS, SearchQuery
from search_index.index import SearchIndex
from search_index.request import MAX_PAGE_SIZE, MAX_RESULT_WINDOW, Hit, Query, with_repeal

router = APIRouter(prefix="/api", tags=["search"])

# Rows a file holds at most: ten of the API's largest pages, each a search of its own, run
# while the request holds a long search's place (search_api.limits)
EXPORT_MAX = 1000
# ... and with a staff key, as many as search pages to (QA pass 45a: the 4,978 政策法规 of the
# catalogue could not be listed at once for the 现行有效 check)
STAFF_EXPORT_MAX = MAX_RESULT_WINDOW
_DATES = ("written_date", "publish_date")
COLUMNS = (
    "id", "title", "doc_number", "agency", "category", "written_date", "publish_date",
    "validity", "index_no", "url",
)  # fmt: skip
# a staff key's export may hold drafts and withheld documents: each row then says its level
# (QA pass 45a: 1,416 rows against the public's 1,413, the three others not told apart)
STAFF_COLUMNS = (*COLUMNS[:-1], "disclosure", COLUMNS[-1])
NO_STORE = {"Cache-Control": "no-store"}  # a staff key's export holds what others may not see


def rows(
    index: SearchIndex, query: Query, limit: int, base: str
) -> tuple[int, list[dict[str, str]]]:
    """The search's total and its first ``limit`` results as rows (``COLUMNS``, and
    ``disclosure`` for staff), page by page, without snippets or facets (a file needs
    neither)."""
    columns = STAFF_COLUMNS if query.viewer.staff else COLUMNS
    out: list[dict[str, str]] = []
    page, total = 1, 0
    while len(out) < limit:
        at = dataclasses.replace(query, page=page, size=MAX_PAGE_SIZE, facets=False,
                                 snippet_chars=1)  # fmt: skip
        result = index.search(at)
        total = result.total
        for hit in result.hits[: limit - len(out)]:
            d = hit.doc
            row = {c: str(getattr(d, c, "") or "") for c in columns if c != "url"}
            # a later document repeals it: 已废止, as search and the filter say (QA pass 45b:
            # 66 of 146 rows of validity=repealed said 有效, the catalogue's word)
            row["validity"] = with_repeal(dict(row), hit.repealed_by)["validity"]
            # nothing states it: 未注明 in a spreadsheet, as the page says (QA pass 48c)
            unstated = row["validity"] == "valid" and d.validity_assumed
            if written_in_title_year(d):  # the year its title names, no day (ISO 8601's
                row["written_date"] = row["written_date"][:4]  # reduced precision: 2015)
            out.append({**row, "url": f"{base}documents/{d.id}", "validity_stated": not unstated})
        if not result.hits or page * MAX_PAGE_SIZE >= min(total, limit):
            break
        page += 1
    return total, out


def public_base(request: Request, settings: Settings) -> str:
    """Where the links a file or feed carries away start: ``GOVSEARCH_PUBLIC_URL`` when set
    (what readers reach, whatever Host a request names), else the request's own address."""
    return settings.public_url or str(request.base_url)


@router.get(
    "/export",
    responses={
        **ERRORS, 403: {"model": ErrorResponse}, 429: {"model": ErrorResponse},
        200: {"content": {"text/csv": {"schema": {"type": "string"}},
                          "application/json": {"schema": {"type": "object"}}},
              "description": "the results as CSV (UTF-8 with BOM) or JSON"},
    },  # fmt: skip
    dependencies=[Depends(long_search_slot)],
)
def export(
    request: Request,
    index: IndexDep,
    settings: SettingsDep,
    query: SearchQuery,
    format: Annotated[
        Literal["csv", "json"], Q(description="csv: for a spreadsheet, headed in Chinese")
    ] = "csv",
    limit: Annotated[
        int,
        Q(ge=1, le=STAFF_EXPORT_MAX, description=f"results listed from the first, ≤ "
          f"{EXPORT_MAX} ({STAFF_EXPORT_MAX} with a staff key)"),
        blank_is(EXPORT_MAX),  # an empty limit= is the default, as page= is (QA pass 45b)
    ] = EXPORT_MAX,
) -> Response:
    """The search's results, from the first, as a file (page and size are not read). The
    headers say how many the search found and how many the file lists (``X-Total-Count``,
    ``X-Exported-Count``): a file cut at its limit says so."""
    if limit > EXPORT_MAX and not query.viewer.staff:  # staff's, as a level but public is
        raise Forbidden(f"limit is at most {EXPORT_MAX} without a staff key "
                        f"({STAFF_EXPORT_MAX} with one)", limit=EXPORT_MAX)  # fmt: skip
    total, found = rows(index, query, limit, public_base(request, settings))
    counts = {"X-Total-Count": str(total), "X-Exported-Count": str(len(found))}
    if format == "json":  # a date not stated is null, as search says it (QA pass 45b: "")
        found = [{**r, **{k: r[k] or None for k in _DATES}} for r in found]
        return JSONResponse({"total": total, "exported": len(found), "documents": found},
                            headers={**NO_STORE, **counts})  # fmt: skip
    columns = STAFF_COLUMNS if query.viewer.staff else COLUMNS
    table = [
        [UNSTATED if c == "validity" and not r["validity_stated"]
         else value_label(c, r[c]) if c in ("validity", "disclosure") else r[c]
         for c in columns]
        for r in found
    ]  # fmt: skip
    return Response(
        csv_text(columns, table),
        media_type="text/csv; charset=utf-8",
        headers={**NO_STORE, **counts,
                 "Content-Disposition": 'attachment; filename="govsearch-export.csv"'},
    )


FEED_ENTRIES = 20  # the newest results a feed lists: what a reader polls for
_ATOM = "http://www.w3.org/2005/Atom"
_MARKS = re.compile(r"</?mark>")


def _instant(day: str) -> str:
    """An ISO date as Atom's date-time (a document's day, read as its start in UTC)."""
    return f"{day}T00:00:00Z"


def _narrowed(query: Query) -> str:
    """The filters of a feed's search as its title says them (QA pass 45a: a feed of one
    agency's documents was titled 全部文件), "" for none."""
    parts = [
        f"{label(name)}：{'、'.join(value_label(name, str(v)) for v in values)}"
        for name, values in (
            ("category", query.categories), ("agency", query.agencies),
            ("validity", query.validity), ("year", query.years),
        )
        if values
    ]  # fmt: skip
    if query.date_from or query.date_to:
        parts.append(f"日期：{query.date_from or ''}至{query.date_to or ''}")
    return "（" + "；".join(parts) + "）" if parts else ""


def atom(query: Query, hits: Sequence[Hit], base: str, self_url: str) -> bytes:
    """The Atom document of ``hits``: each entry the document's title, address, issuer, date
    and snippet (text; its marks dropped). Built with the standard library's ElementTree,
    which escapes every text it writes: a title is a document's, untrusted."""
    ET.register_namespace("", _ATOM)
    feed = ET.Element(f"{{{_ATOM}}}feed")

    def add(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
        # XML 1.0 has no control characters but tab and line breaks, and ElementTree writes
        # them as they are: one BEL in a document's text (a Word table's cell mark) made the
        # whole feed unreadable to every reader (QA pass 47a)
        el = ET.SubElement(parent, f"{{{_ATOM}}}{tag}", {k: visible(v) for k, v in attrs.items()})
        if text:
            el.text = visible(text, keep="\t\n")
        return el

    add(feed, "id", self_url)
    add(feed, "title", f"govsearch：{query.q.strip() or '全部文件'}{_narrowed(query)}（最新）")
    add(feed, "link", rel="self", href=self_url)
    add(feed, "link", rel="alternate", type="text/html",
        href=self_url.replace("/api/feed", "/", 1))  # fmt: skip
    days = [h.doc.date for h in hits if h.doc.date]
    add(feed, "updated", _instant(max(days)) if days else "1970-01-01T00:00:00Z")
    add(add(feed, "author"), "name", "govsearch")
    for hit in hits:
        d = hit.doc
        entry = add(feed, "entry")
        url = f"{base}documents/{d.id}"
        add(entry, "id", url)
        add(entry, "title", d.title or "（无标题）")
        add(entry, "link", rel="alternate", type="text/html", href=url)
        add(entry, "updated", _instant(d.date) if d.date else "1970-01-01T00:00:00Z")
        if d.agency:
            add(add(entry, "author"), "name", d.agency)
        summary = html.unescape(_MARKS.sub("", hit.snippet)).strip()
        if summary:
            add(entry, "summary", summary)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


@router.get(
    "/feed",
    response_class=Response,  # Atom only: no application/json beside it (QA pass 45b)
    responses={
        **ERRORS, 403: {"model": ErrorResponse}, 429: {"model": ErrorResponse},
        200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}},
              "description": "an Atom feed"},
    },  # fmt: skip
    dependencies=[Depends(long_search_slot)],
)
def feed(
    request: Request, index: IndexDep, settings: SettingsDep, query: SearchQuery
) -> Response:
    """The search's newest results as an Atom feed, to subscribe to: a feed reader polls it
    and shows what is new on a topic (QA pass 42b). Newest first whatever ``sort`` says;
    page and size are not read."""
    newest = dataclasses.replace(query, page=1, size=FEED_ENTRIES, sort="date_desc",
                                 facets=False)  # fmt: skip
    result = index.search(newest)
    base = public_base(request, settings)
    here = request.url.path.lstrip("/") + (f"?{request.url.query}" if request.url.query else "")
    body = atom(newest, result.hits, base, base + here)
    return Response(body, media_type="application/atom+xml; charset=utf-8", headers=NO_STORE)
