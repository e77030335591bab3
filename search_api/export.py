"""``GET /api/export``: a search's results as a file to keep, CSV for a spreadsheet or JSON.

A researcher builds a list of documents on a topic across years and agencies and takes it
elsewhere (QA pass 42b: the only CSVs were the staff reports, behind a key). The export runs the
search the same parameters run on ``/api/search`` and the results page, for the same viewer, and
lists its results in their order, one row each (one result stands for the documents with its
text, as on the page), with the catalogue's fields and the document's address. Page and size
are not read: the file starts at the first result.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Q
from fastapi.responses import JSONResponse, Response

from model.fields import value_label
from reports.csvexport import csv_text
from search_api.deps import IndexDep
from search_api.limits import long_search_slot
from search_api.models import ErrorResponse
from search_api.search import ERRORS, SearchQuery
from search_index.index import SearchIndex
from search_index.request import MAX_PAGE_SIZE, Query

router = APIRouter(prefix="/api", tags=["search"])

# Rows a file holds at most: ten of the API's largest pages, each a search of its own, run
# while the request holds a long search's place (search_api.limits)
EXPORT_MAX = 1000
COLUMNS = (
    "id", "title", "doc_number", "agency", "category", "written_date", "publish_date",
    "validity", "index_no", "url",
)  # fmt: skip
NO_STORE = {"Cache-Control": "no-store"}  # a staff key's export holds what others may not see


def rows(
    index: SearchIndex, query: Query, limit: int, base: str
) -> tuple[int, list[dict[str, str]]]:
    """The search's total and its first ``limit`` results as rows (``COLUMNS``), page by
    page, without snippets or facets (a file needs neither)."""
    out: list[dict[str, str]] = []
    page, total = 1, 0
    while len(out) < limit:
        at = dataclasses.replace(query, page=page, size=MAX_PAGE_SIZE, facets=False,
                                 snippet_chars=1)  # fmt: skip
        result = index.search(at)
        total = result.total
        for hit in result.hits[: limit - len(out)]:
            d = hit.doc
            row = {c: str(getattr(d, c, "") or "") for c in COLUMNS if c != "url"}
            out.append({**row, "url": f"{base}documents/{d.id}"})
        if not result.hits or page * MAX_PAGE_SIZE >= min(total, limit):
            break
        page += 1
    return total, out


@router.get(
    "/export",
    responses={
        **ERRORS, 403: {"model": ErrorResponse}, 429: {"model": ErrorResponse},
        200: {"content": {"text/csv": {}, "application/json": {}},
              "description": "the results as CSV (UTF-8 with BOM) or JSON"},
    },  # fmt: skip
    dependencies=[Depends(long_search_slot)],
)
def export(
    request: Request,
    index: IndexDep,
    query: SearchQuery,
    format: Annotated[
        Literal["csv", "json"], Q(description="csv: for a spreadsheet, headed in Chinese")
    ] = "csv",
    limit: Annotated[
        int, Q(ge=1, le=EXPORT_MAX, description=f"results listed from the first, ≤ {EXPORT_MAX}")
    ] = EXPORT_MAX,
) -> Response:
    """The search's results, from the first, as a file (page and size are not read)."""
    total, found = rows(index, query, limit, str(request.base_url))
    if format == "json":
        return JSONResponse({"total": total, "exported": len(found), "documents": found},
                            headers=NO_STORE)  # fmt: skip
    table = [
        [value_label(c, r[c]) if c == "validity" else r[c] for c in COLUMNS] for r in found
    ]
    return Response(
        csv_text(COLUMNS, table),
        media_type="text/csv; charset=utf-8",
        headers={**NO_STORE, "Content-Disposition": 'attachment; filename="govsearch-export.csv"'},
    )
