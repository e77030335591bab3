"""``POST /api/duplicates``: check a draft (pasted text or an uploaded file) before publishing.

One endpoint takes both JSON ``{"text": …}`` and a multipart ``file`` upload, because staff do
both: paste from a word processor, or upload the file they are about to publish. The body is
read with a hard cap (``settings.max_upload_bytes``) *before* parsing, so an oversized upload is
refused without being buffered whole. Anonymous callers are checked against public documents
only; a staff API key checks against every disclosure level (drafts not yet public included).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Q
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from duplicates.check import (
    DEFAULT_LIMIT,
    DEFAULT_THRESHOLD,
    MAX_LIMIT,
    Draft,
    check,
    draft_fields_problem,
    draft_from_file,
)
from ingest.ocr.scan import file_budget
from model.errors import (
    BadRequest,
    InvalidParameters,
    PayloadTooLarge,
    UnprocessableContent,
    UnsupportedMediaType,
)
from search_api.deps import IndexDep, SettingsDep, ViewerDep
from search_api.errors import problems_of
from search_api.json_keys import json_keys_once
from search_api.limits import client_of, count_request, heavy_gate, ocr_seconds
from search_api.models import CopyRef, ErrorResponse, blank_is
from search_api.multipart import read_form

# a draft's key given twice is refused as on every route (QA pass 40a: {"text": "a", "text":
# "b"} checked b)
router = APIRouter(prefix="/api", tags=["duplicates"], dependencies=[Depends(json_keys_once)])

_MULTIPART_OVERHEAD = 64 * 1024  # part headers and the other form fields


# -- request and response models ---------------------------------------------------------------
class DuplicateCheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt key (titel) is said, not ignored

    text: str = Field(description="the draft's full text")
    title: str = Field(default="", description="its title, if known (else its first line)")
    doc_number: str = Field(default="", description="its 文号, if known (else found in its head)")


Reason = Literal["same_text", "near_copy", "contains", "contained_in", "same_docno", "same_title"]
FactKind = Literal["docno", "date", "amount", "number", "text"]


class FactChange(BaseModel):
    kind: FactKind = Field(description="what changed: a 文号, date, amount, number or wording")
    draft: str = Field(description="as the draft has it")
    existing: str = Field(description="as the existing document has it")


class DiffEntry(BaseModel):
    op: Literal["equal", "changed", "added", "removed", "moved"]
    draft: str = Field(description="the draft's passage (first of the run for equal)")
    existing: str = Field(description="the existing document's passage")
    count: int = Field(description="passages in this entry (more than 1 only for equal runs)")
    changes: list[FactChange]


class PassageCounts(BaseModel):
    equal: int
    changed: int
    added: int = Field(description="passages only in the draft")
    removed: int = Field(description="passages only in the existing document")
    moved: int


class DuplicateDiff(BaseModel):
    summary: str = Field(examples=["只有日期不同：2023年3月1日 → 2024年3月1日（这份文件 → 草稿）"])
    only_facts_changed: bool = Field(
        description="the texts differ only in dates/numbers/amounts/文号: a new edition, "
        "not a copy"
    )
    passages: PassageCounts
    changed_kinds: dict[str, int]
    facts: list[FactChange] = Field(description="every changed date, amount, number and 文号")
    ops: list[DiffEntry]
    truncated: bool
    reordered: bool = Field(
        False, description="the same text with its passages or table cells in another order"
    )


class DuplicateCandidate(BaseModel):
    id: str
    path: str
    title: str
    doc_number: str
    agency: str
    category: str
    date: str | None
    disclosure: str
    similarity: float = Field(description="resemblance (Jaccard) of the two shingle sets")
    containment: float = Field(description="share of the draft found in this document")
    reverse_containment: float = Field(description="share of this document found in the draft")
    reason: Reason = Field(description="the strongest reason")
    reasons: list[Reason]
    label: str = Field(description="the reason in English words (near copy)")
    label_zh: str = Field(description="the reason as the duplicate page names it (高度相似)")
    summary: str
    diff: DuplicateDiff | None = Field(description="null when the texts are unrelated")
    copies: list[CopyRef] = Field(
        default_factory=list, description="other documents with exactly this text: one candidate"
    )


class DraftInfo(BaseModel):
    title: str
    doc_number: str
    chars: int = Field(description="characters compared (no whitespace, punctuation, boilerplate)")
    shingles: int
    format: str = Field(description="json for pasted text, else the detected file format")


class DuplicateCheckResponse(BaseModel):
    draft: DraftInfo
    threshold: float
    examined: int
    took_ms: float
    candidates: list[DuplicateCandidate]


_REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": DuplicateCheckRequest.model_json_schema()},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "title": {"type": "string"},
                    "doc_number": {"type": "string"},
                },
            }
        },
    },
}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 413, 415, 422, 429, 503)
}


# -- reading the draft -------------------------------------------------------------------------
async def _read_capped(request: Request, cap: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise PayloadTooLarge(
            f"the request is {int(declared):,} bytes; at most {cap:,} bytes can be checked",
            limit=cap,
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise PayloadTooLarge(f"the request is over {cap:,} bytes", limit=cap)
        chunks.append(chunk)
    return b"".join(chunks)


async def _once(data: bytes) -> AsyncGenerator[bytes, None]:
    yield data


@dataclass(frozen=True)
class DraftFile:
    """An uploaded draft not yet parsed: parsing is the expensive part, run under the gate."""

    data: bytes
    filename: str
    title: str
    doc_number: str


async def read_request(request: Request, max_bytes: int) -> Draft | DraftFile:
    """The pasted draft or the uploaded file of a JSON or multipart request (body read with a
    hard cap), or a 4xx error saying what is wrong. Files are parsed later, by :func:`parse`."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        body = await _read_capped(request, max_bytes)
        try:
            req = DuplicateCheckRequest.model_validate(json.loads(body or b"null"))
        except ValidationError as exc:
            # a field that cannot be read, as every route says it (QA pass 38b: a 400 here)
            problems = [p if p["field"] != "body" else {
                "field": "body",
                "problem": 'expected a JSON object {"text": "…"} (title, doc_number optional)',
            } for p in problems_of(exc.errors())]  # fmt: skip
            raise InvalidParameters(problems) from None
        except RecursionError:
            raise BadRequest("the body is not a JSON object: nested too deeply") from None
        except ValueError as exc:
            raise BadRequest(f"the body is not valid JSON: {exc}") from None
        if not req.text.strip():
            raise UnprocessableContent("the text is empty: paste the draft's text")
        _check_fields(req.title, req.doc_number)
        return Draft(req.text, req.title, req.doc_number)
    if ctype == "multipart/form-data":
        body = await _read_capped(request, max_bytes + _MULTIPART_OVERHEAD)
        try:
            form = await read_form(request.headers, _once(body), max_files=1, max_fields=1000)
        except MultiPartException as exc:
            raise BadRequest(f"malformed multipart request: {exc.message}") from None
        try:  # the parts' temporary files are closed whatever the draft turns out to be
            unknown = sorted(set(form.keys()) - _PARTS)
            if unknown:  # a misspelt part is said, as a JSON key is (QA pass 27c)
                raise InvalidParameters([{"field": unknown[0][:40], "problem": (
                    f"unknown part {unknown[0][:40]!r}: the parts are " + ", ".join(sorted(_PARTS))
                )}])  # fmt: skip
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise BadRequest("the multipart request needs a 'file' part with the draft")
            data = await upload.read()
            title, number = form.get("title", ""), form.get("doc_number", "")
        finally:
            await form.close()
        title = title if isinstance(title, str) else ""
        number = number if isinstance(number, str) else ""
        _check_fields(title, number)
        return DraftFile(data, upload.filename or "", title, number)
    raise UnsupportedMediaType(
        "send the draft as application/json {\"text\": …} or as multipart/form-data with a "
        f"'file' part; got {ctype or 'no content type'}",
        content_type=ctype,
    )


_PARTS = frozenset(("file", "title", "doc_number"))  # of a multipart request


def _check_fields(title: str, doc_number: str) -> None:
    problem = draft_fields_problem(title, doc_number)
    if problem:
        raise InvalidParameters([{"field": problem.split()[0],
                                  "problem": f"{problem}; nothing was checked"}])  # fmt: skip


async def parse(
    sent: Draft | DraftFile, max_bytes: int, ocr_budget: float | None = None
) -> tuple[Draft, str]:
    """``(draft, format)``: a pasted draft as it is, a file through the bounded extractors,
    a scan's pages within ``ocr_budget`` seconds in all (:func:`search_api.limits.ocr_seconds`)."""
    if isinstance(sent, Draft):
        return sent, "json"

    def read() -> tuple[Draft, str]:
        with file_budget(ocr_budget):
            return draft_from_file(sent.data, sent.filename, max_bytes=max_bytes,
                                   title=sent.title, doc_number=sent.doc_number)  # fmt: skip

    return await run_in_threadpool(read)



# -- the route ---------------------------------------------------------------------------------
@router.post(
    "/duplicates",
    response_model=DuplicateCheckResponse,
    responses=ERRORS,
    openapi_extra={"requestBody": _REQUEST_BODY},
    summary="Find existing exact and near duplicates of a draft, and what differs",
)
async def check_duplicates(
    request: Request,
    index: IndexDep,
    viewer: ViewerDep,
    settings: SettingsDep,
    threshold: Annotated[
        float,
        Q(gt=0, le=1, description="minimum resemblance or containment (0–1) to report a copy"),
    ] = DEFAULT_THRESHOLD,
    limit: Annotated[
        int, Q(ge=1, le=MAX_LIMIT, description="at most this many"), blank_is(DEFAULT_LIMIT)
    ] = DEFAULT_LIMIT,
) -> dict[str, Any]:
    count_request(request, viewer.staff)
    sent = await read_request(request, settings.max_upload_bytes)
    async with heavy_gate(request, viewer.staff).slot(client_of(request)):
        draft, fmt = await parse(
            sent, settings.max_upload_bytes, ocr_seconds(settings, viewer.staff)
        )
        result = await run_in_threadpool(
            check, index, draft, viewer=viewer, threshold=threshold, limit=limit
        )
    body = result.to_dict()
    body["draft"]["format"] = fmt
    return body
