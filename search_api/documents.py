"""``GET /api/documents/{id}``: metadata and full text (a hidden document is a 404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as P
from fastapi import Query as Q

from model.document import StoredDocument
from model.viewer import Viewer
from reports.office import Reports
from search_api.deps import IndexDep, ReportsDep, ViewerDep
from search_api.models import DocumentResponse, ErrorResponse
from search_index.highlight import highlight_all
from search_index.index import SearchIndex
from search_index.request import with_repeal

router = APIRouter(prefix="/api", tags=["documents"])


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentResponse,
    # 429: an anonymous view of a very long document waits its turn (README, "Security")
    responses={
        **{code: {"model": ErrorResponse} for code in (401, 404, 429, 503)},
        302: {"description": "an id the document had before its file moved: `Location` is "
              "this address with its id now (README, \"Old ids lead on\")"},
    },
)
def get_document(
    request: Request,
    index: IndexDep,
    viewer: ViewerDep,
    reports: ReportsDep,
    doc_id: Annotated[str, P(max_length=64)],
    q: Annotated[str, Q(max_length=500, description="highlight these query terms")] = "",
    lt: Annotated[
        str | None, Q(max_length=32, description="the log_token of the search it was found by")
    ] = None,
) -> dict:
    doc = index.get(doc_id, viewer)
    with request.app.state.large_text_gate.slot(len(doc.text), viewer.staff):
        return _document_body(index, viewer, reports, doc, q, lt)


def _document_body(
    index: SearchIndex, viewer: Viewer, reports: Reports, doc: StoredDocument, q: str,
    lt: str | None,
) -> dict:
    reports.opened(lt, viewer)
    body = doc.metadata()
    body["text"] = doc.text
    body["copies"] = [c.to_dict() for c in index.copies_of_document(doc, viewer)]
    body["versions"] = [
        {"id": v.id, "title": v.title, "date": v.date, "agency": v.agency,
         "validity": v.validity}
        for v in index.versions_of(doc, viewer)
    ]  # fmt: skip
    repeal = index.repeal_of(doc)
    body["repealed_by"] = repeal.to_dict() if repeal else None
    body = with_repeal(body, repeal)
    if q:
        marking = index.highlight_plan(q, doc.title)  # as the page marks it, answers too
        body["text_html"] = highlight_all(doc.text, marking.terms, doc.normalized, marking)
    return body
