"""Response schemas: the OpenAPI contract of the JSON API."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    code: str = Field(examples=["bad_request"])
    message: str
    status: int
    data: dict[str, Any] = {}


class ErrorResponse(BaseModel):
    error: ErrorBody


class DocumentMeta(BaseModel):
    id: str
    path: str
    title: str
    doc_number: str
    agency: str
    category: str
    date: str | None
    written_date: str | None
    publish_date: str | None
    index_no: str
    keywords: list[str]
    validity: str
    disclosure: str
    format: str
    size: int


class SearchHit(DocumentMeta):
    score: float
    snippet: str = Field(description="HTML-escaped text with <mark> around matches")
    title_html: str


class FacetCount(BaseModel):
    value: str
    count: int


class FieldScope(BaseModel):
    field: str
    text: str


class Understood(BaseModel):
    normalized: str
    converted_script: bool
    words: list[str]
    ignored: list[str]
    phrases: list[str]
    excluded: list[str]
    synonyms: dict[str, list[str]]
    doc_numbers: list[str]
    fields: list[FieldScope]
    min_should_match: int
    pinyin: list[str] = Field(
        default=[], description="letters also searched as pinyin / initials of titles and key terms"
    )


class SearchResponse(BaseModel):
    total: int
    took_ms: float
    page: int
    size: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetCount]]
    understood: Understood
    log_token: str | None = Field(
        default=None,
        description="when the query log is on: pass it as lt= when opening a result, so the "
        "log knows this search's results were opened (no personal data is kept)",
    )


class DocumentResponse(DocumentMeta):
    text: str
    text_html: str | None = Field(
        default=None,
        description="the text HTML-escaped with the query terms in <mark>, when q is given",
    )


class HealthResponse(BaseModel):
    status: str
    backend: dict[str, Any]


class StatsResponse(BaseModel):
    backend: str
    documents: int
    facets: dict[str, dict[str, int]]


class SuggestResponse(BaseModel):
    q: str
    suggestions: list[str]


# -- staff endpoints (search_api.admin) ----------------------------------------------------
class IngestFailureModel(BaseModel):
    path: str
    reason: str
    skipped: bool = False


class IngestReportModel(BaseModel):
    """The same report ``govsearch ingest --report`` writes (``IngestReport.to_dict``)."""

    total: int
    ok: int
    skipped: int
    failed: int
    unchanged: int
    pruned: list[str]
    formats: dict[str, int]
    skipped_files: list[IngestFailureModel]
    failed_files: list[IngestFailureModel]


class UploadedDocument(BaseModel):
    id: str
    path: str = Field(description="the generated name the file is stored under in uploads/")
    file: str = Field(description="the name the client gave (display only, never a path)")
    format: str
    size: int


class UploadResponse(BaseModel):
    report: IngestReportModel
    documents: list[UploadedDocument]


class IngestRequest(BaseModel):
    paths: list[Annotated[str, Field(min_length=1, max_length=4096, pattern=r"^[^\x00]+$")]] = (
        Field(
            min_length=1,
            max_length=50,
            description="files or folders inside GOVSEARCH_INGEST_ROOTS (relative paths are "
            "taken relative to the first root)",
        )
    )
    disclosure: Literal["public", "on_request", "not_public", "draft"] | None = Field(
        default=None, description="for documents no catalog or folder name classifies"
    )
    prune: bool = Field(default=False, description="remove documents whose files are gone")


class IngestResponse(BaseModel):
    report: IngestReportModel


class DeleteResponse(BaseModel):
    id: str
    deleted: bool


class ReindexResponse(BaseModel):
    backend: str
    result: dict[str, Any]
