"""Response schemas: the OpenAPI contract of the JSON API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)

from model.fields import BY_NAME, CATALOG_FIELDS, DISCLOSURE_VALUES, FIELDS

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic also reads a number as Unix time (1546300800 was 2019-01-01
    and 20190101 a confusing "datetime with a time" error)."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value.strip()):
        raise ValueError(f"must be a date YYYY-MM-DD, got {value[:20]!r}")
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError:  # 2025-02-30: pydantic's own words were "day value is outside …"
            raise ValueError(f"not a date: {value[:20]!r} (no such day; YYYY-MM-DD)") from None
    return value


def _iso_date_or_blank(value: Any) -> Any:
    """An empty parameter (``date_from=``, a form's empty box) is no date, not a bad one."""
    if isinstance(value, str) and not value.strip():
        return None
    return _iso_date(value)


# A date query parameter: ``format: date`` in the OpenAPI spec, a 422 unless written YYYY-MM-DD
# or left empty.
IsoDate = Annotated[dt.date | None, BeforeValidator(_iso_date_or_blank)]


def blank_is(default: int) -> BeforeValidator:
    """An empty number parameter (``page=``, a form's empty box) is its default, as an empty
    filter is no filter (QA pass 38b: page= and size= were a 422 where sort= was ignored)."""
    return BeforeValidator(
        lambda value: default if isinstance(value, str) and not value.strip() else value
    )


def listed(description: str) -> Any:
    """A list field, empty unless given, with what it lists said in the API's schema."""
    return Field(default_factory=list, description=description)


class ErrorBody(BaseModel):
    code: str = Field(examples=["bad_request"])
    message: str
    status: int
    data: dict[str, Any] = {}


class ErrorResponse(BaseModel):
    error: ErrorBody


_API_TYPES: dict[str, Any] = {
    "text": str, "choice": str, "date": str | None, "list": list[str], "int": int,
    "float": float | None,
}  # fmt: skip


def _document_fields() -> dict[str, Any]:
    """The shown fields of the field table as pydantic fields (``date`` after publish_date)."""
    out: dict[str, Any] = {"id": (str, ...), "path": (str, ...)}
    for f in FIELDS:
        if f.shown:
            kind: Any = _API_TYPES[f.kind]
            if f.kind == "choice" and f.choices:  # the canonical values, an enum in the spec
                kind = Literal[tuple(dict.fromkeys(f.choices.values()))]  # (QA pass 38b)
            out[f.name] = (kind, Field(..., description=f.label))
        if f.name == "validity":
            out["validity_stated"] = (bool, Field(..., description=(
                "false where neither the catalogue nor the text states the 有效性: the "
                "document is filed valid (searched and filtered as in force) and the pages "
                "show 未注明")))  # fmt: skip
        if f.name == "publish_date":
            out["date"] = (str | None, Field(..., description="发布日期, else 成文日期"))
            out["year_only"] = (bool, Field(..., description=(
                "the date is the year its title names, its day unknown (2015年…政府工作报告: "
                "given as 2015-01-01, a report looking back as 12-31, so dates still sort); "
                "show the year alone, as the pages do")))  # fmt: skip
    return out


DocumentMeta = create_model("DocumentMeta", **_document_fields())  # type: ignore[call-overload]


class CopyRef(BaseModel):
    """Another document with exactly the same normalised text (one result stands for all)."""

    id: str
    path: str
    format: str
    agency: str
    disclosure: str = Field(
        "public", description="its 公开方式: staff see copies the public does not"
    )


class RepealRef(BaseModel):
    id: str = Field(description="the document that states the repeal")
    title: str
    date: str
    statement: str = Field(description="its words: the article and the clause (…同时废止)")
    applied: str = Field(
        default="", description="when the law this document applies is what was repealed "
        "(an interpretation of 婚姻法, repealed by 民法典): that law's title"
    )


class Repealed(BaseModel):
    catalogue_validity: str = Field(
        default="", description="the catalogue's 有效性 where a later document repeals this one "
        "(``validity`` then says repealed, as the validity filter reads it); empty otherwise",
    )


class SearchHit(DocumentMeta, Repealed):
    score: float
    snippet: str = Field(description="HTML-escaped text with <mark> around matches")
    title_html: str
    copies: list[CopyRef] = listed(
        "other documents with the same text (other formats, "
        "folders or agencies' postings): they are not separate results",
    )
    newer_version: str = Field(
        default="", description="the date of a newer version of this text (the same title and "
        "issuer) among the first 20 results, when this is an older one; empty otherwise",
    )
    repealed_by: RepealRef | None = Field(
        default=None, description="a later document's statement that this one is repealed "
        "(whatever the catalogue's validity says), or null; repealed results rank after the "
        "document that repeals them when both are among the first 20",
    )


class FacetCount(BaseModel):
    value: str
    count: int


class FieldScope(BaseModel):
    field: str
    text: str


class Expansion(BaseModel):
    word: str
    other: str
    source: str


class Understood(BaseModel):
    normalized: str
    converted_script: bool
    words: list[str]
    ignored: list[str]
    phrases: list[str]
    excluded: list[str]
    synonyms: dict[str, list[str]]
    expansions: list[Expansion] = Field(
        default=[], description="other wordings also searched (mined from the corpus, "
        "thesaurus, cross-strait), each weighing less than the typed word"
    )
    doc_numbers: list[str]
    index_numbers: list[str] = Field(
        default=[], description="索引号 (catalogue index numbers) read in the query: each finds "
        "the document catalogued under it, and any text printing it"
    )
    fields: list[FieldScope]
    min_should_match: int
    fewer_than: int = Field(
        default=0, description="no document held this many of the words, the usual count: the "
        "query was searched again requiring min_should_match of them; 0 when it was not"
    )
    all_words: bool = Field(
        default=False, description="sorted by date, a document must hold every word (or "
        "another wording of it): nothing would rank those holding only some of them last"
    )
    partial_left_out: bool = Field(
        default=False, description="documents holding only some of the words, or found by "
        "meaning alone, were left out of this date-sorted list; sort=relevance lists them "
        "after the others"
    )
    pinyin: list[str] = Field(
        default=[], description="letters also searched as pinyin / initials of titles and key terms"
    )
    pinyin_words: dict[str, list[str]] = Field(
        default={}, description="letters → the Chinese words of the index they were searched as"
    )
    # (QA pass 45b: the two lists below were answered and not in the schema)
    as_written: list[str] = Field(
        default=[], description="letters the documents write as a word (pdf, tainan beside 台南), "
        "searched as that word"
    )
    not_pinyin: list[str] = Field(
        default=[], description="letters no pinyin is typed as, searched as typed text only"
    )
    prefers: str = Field(
        default="", description="mainland or taiwan: that side's documents rank a little higher, "
        "from the script the query was typed in (simplified or traditional); empty for neither"
    )
    semantic: bool = Field(
        default=False, description="also ranked by meaning: documents whose meaning is near "
        "the query (a sentence-embedding model) join the word matches"
    )


class SearchResponse(BaseModel):
    total: int
    took_ms: float
    page: int
    size: int
    pages: int = Field(
        default=0, description="how many pages of `size` the results fill, as far as paging "
        "reaches (10,000 results): a `page` past it answers no hits"
    )
    hits: list[SearchHit]
    facets: dict[str, list[FacetCount]]
    understood: Understood
    did_you_mean: str = Field(
        default="",
        description="您是不是要找: the query with likely typos replaced, or \"\" (only offered: "
        "the hits are those of the words typed)",
    )
    log_token: str | None = Field(
        default=None,
        description="when the query log is on: pass it as lt= when opening a result, so the "
        "log knows this search's results were opened (no personal data is kept)",
    )
    life_event_question: LifeEventQuestion | None = Field(
        default=None,
        description="present when q is word for word a life event's question: the search the "
        "web pages run for it instead, in the documents' words (the hits here are those of q)",
    )


class VersionRef(BaseModel):
    """Another dated version of a document: the same title and issuer, another date."""

    id: str
    title: str
    date: str
    agency: str
    validity: str


class DocumentResponse(DocumentMeta, Repealed):
    text: str
    copies: list[CopyRef] = listed(
        "other documents with the same text, as a search "
        "lists them under this one",
    )
    versions: list[VersionRef] = listed(
        "other versions: the same title and issuer with "
        "another date (a law as revised), newest first; the text does not say it was replaced, "
        "so each keeps the validity its own text or catalogue gives",
    )
    repealed_by: RepealRef | None = Field(
        default=None, description="a later public document's statement that this one is "
        "repealed (as a search's hit says it), or null",
    )
    text_html: str | None = Field(
        default=None,
        description="the text HTML-escaped with the query terms in <mark>, when q is given",
    )


class HealthResponse(BaseModel):
    status: str
    backend: dict[str, Any]
    # (staff) the data folder takes writes (uploads, deletions, the query log): searches
    # answer either way, so ``status`` stays ``ok``; a monitor alerts on this (QA pass 47b)
    writable: bool | None = None


class StatsResponse(BaseModel):
    backend: str
    documents: int
    facets: dict[str, dict[str, int]]


class SuggestResponse(BaseModel):
    q: str
    suggestions: list[str]


class PinyinResponse(BaseModel):
    q: str
    words: list[str] = Field(
        description="Chinese words of public documents the letters can stand for (full pinyin, "
        "initials, the last syllable half typed), most documents first"
    )
    letters: int = Field(
        0,
        description="how many of the letters typed (a–z, apostrophes not counted) the words "
        "stand for: all of them, or only the first stretch (fangdongyajin: 房东 for fangdong), "
        "so an input method replaces those and keeps the rest",
    )


# -- staff endpoints (search_api.admin) ----------------------------------------------------
class OcrReadModel(BaseModel):
    files: int = Field(description="documents written whose text was recognised from a scan")
    pages: int = Field(description="their pages read")
    turned: int = Field(description="of those, pages read turned upright")
    lowest_confidence: float | None = Field(description="the lowest document confidence")
    lowest_path: str | None = Field(description="the file of that lowest confidence")


class IngestFailureModel(BaseModel):
    path: str
    reason: str
    skipped: bool = False


class IngestedFileModel(BaseModel):
    path: str
    id: str


class IngestReportModel(BaseModel):
    """The same report ``govsearch ingest --report`` writes (``IngestReport.to_dict``)."""

    total: int
    interrupted: bool = False
    stopped: str = Field("", description="what stopped the run before its end (a full disk)")
    recounted: int = Field(0, description=(
        "documents an earlier ingest killed outright had written, counted into the lexicon by "
        "this one (README, Ingest)"))
    ok: int
    skipped: int
    failed: int
    unchanged: int
    pruned: list[str]
    moved: list[str] = listed(
        "'old path → new path': files moved, old copy removed"
    )
    held: int = Field(0, description="documents held at not_public: their level was undecided")
    formats: dict[str, int]
    levels: dict[str, int] = Field(
        default_factory=dict, description="documents written, by disclosure level"
    )
    ocr: OcrReadModel | None = Field(
        None, description="what OCR read of the documents written"
    )
    skipped_files: list[IngestFailureModel]
    skipped_folders: list[IngestFailureModel] = listed(
        "folders given inside another one given: their "
        "files are read with that folder (not counted among the files)"
    )
    failed_files: list[IngestFailureModel]
    not_updated: int = Field(0, description="changed files whose new version was not written: "
                             "the index keeps the catalogued version (no catalogue row now)")
    not_updated_files: list[IngestFailureModel] = Field(default_factory=list)
    held_files: list[IngestFailureModel] = Field(default_factory=list)
    warned: int = Field(0, description="documents ingested without part of their text "
                        "(scanned pages OCR could not read)")
    warned_files: list[IngestFailureModel] = Field(default_factory=list)
    pruned_paths: list[IngestFailureModel] = listed(
        "paths given with prune that are gone from disk, "
        "with how many documents ingested from each were removed"
    )
    ingested_files: list[IngestedFileModel] = listed(
        "each document written (the first 10,000): its "
        "path and id (GET /api/documents/{id})"
    )
    gone_files: list[IngestFailureModel] = listed(
        "documents of a folder read whole whose files are "
        "gone from disk, still in the index (prune removes them)"
    )
    catalog_problems: list[IngestFailureModel] = listed(
        "catalogue lines not applied, each with its line "
        "and what is wrong (an impossible date, a row naming no file): the files are "
        "ingested without them"
    )
    catalog_notes: list[IngestFailureModel] = listed(
        "what a catalogue holds that is no problem to fix "
        "(a column that is no catalogue field, ignored)"
    )
    lexicon_not_merged: list[IngestFailureModel] = listed(
        "the lexicon this ingest counted, when it could not "
        "be merged (a full disk): the documents are in, the next ingest merges their counts"
    )
    folders: list[IngestFailureModel] = listed(
        "indexed folders that need their keeper"
    )


class UploadedDocument(BaseModel):
    id: str
    path: str = Field(description="the generated name the file is stored under in uploads/")
    file: str = Field(description="the name the client gave (display only, never a path)")
    format: str
    size: int
    same_text_as: list[str] = Field(
        default_factory=list,
        description="documents already in the index with the same text (search shows them as "
        "one result); the upload is in, and the report warns",
    )


class UploadResponse(BaseModel):
    report: IngestReportModel
    documents: list[UploadedDocument]
    embedded: int = Field(
        0,
        description="documents also embedded for search by meaning at once (0 where that "
        "method is not in use: no model, or `govsearch embed` never ran)",
    )


def _read_disclosure(value: str) -> str:
    """A level as uploads read it, with their words when it is none (QA pass 26a: the API
    answered with its raw pattern)."""
    found = DISCLOSURE_VALUES.get(value.strip())
    if found is None:
        raise ValueError(f"unknown disclosure {value[:40]!r}; use one of "
                         + "/".join(DISCLOSURE_VALUES))  # fmt: skip
    return found


def _one_level(data: Any) -> Any:
    """The level under any of the catalogue's names for it (公开方式, 公开属性 …), read as
    ``disclosure``; a name given twice with different values, or a level written ``null``, is
    refused. QA pass 27b: ``{"公开方式": "不予公开"}`` and ``{"disclosre": …}`` were ignored and
    the folder published at the default level; ``"disclosure": null`` did the same."""
    if not isinstance(data, dict):
        return data
    names = [n for n in BY_NAME["disclosure"].columns if n in data]
    if any(data[n] is None for n in names):
        raise ValueError("disclosure is null: give a level, or leave the key out for the "
                         "server's default (GOVSEARCH_DEFAULT_DISCLOSURE)")  # fmt: skip
    if len({str(data[n]).strip() for n in names}) > 1:
        raise ValueError("the level is given twice with different values: "
                         + ", ".join(f"{n}={data[n]!r}" for n in names))  # fmt: skip
    if names and names != ["disclosure"]:
        data = {k: v for k, v in data.items() if k not in names} | {"disclosure": data[names[0]]}
    return data


class IngestRequest(BaseModel):
    """Unknown keys are refused (a misspelt level would ingest at the default)."""

    model_config = ConfigDict(extra="forbid")
    _level = model_validator(mode="before")(_one_level)
    paths: list[Annotated[str, Field(min_length=1, max_length=4096, pattern=r"^[^\x00]+$")]] = (
        Field(
            min_length=1,
            max_length=50,
            description="files or folders inside GOVSEARCH_INGEST_ROOTS (relative paths are "
            "taken relative to the first root)",
        )
    )
    # the code or its label (依申请公开), as uploads and GOVSEARCH_DEFAULT_DISCLOSURE take it
    # a string or left out, never null (a null level is refused: _one_level); the default,
    # None, is the server's own level
    disclosure: Annotated[
        str, Field(json_schema_extra={"enum": list(DISCLOSURE_VALUES)}),
        AfterValidator(_read_disclosure),
    ] = Field(  # type: ignore[assignment]
        default=None, description="for documents no catalog or folder name classifies: "
        "public, on_request, not_public, draft or their labels (主动公开 …); leave it out "
        "for the server's default level",
    )
    prune: bool = Field(default=False, description="remove documents whose files are gone")
    # QA pass 28a: a folder's catalogue held its files back (not_public) and the only way to
    # apply it was the command line's --catalog
    catalog: str | None = Field(
        default=None, min_length=1, max_length=4096, pattern=r"^[^\x00]+$",
        description="a catalogue CSV inside GOVSEARCH_INGEST_ROOTS whose rows give the files "
        "their fields (公开方式, dates, 文号 …), as `govsearch ingest --catalog` does",
    )


class IngestResponse(BaseModel):
    report: IngestReportModel


# the longest value a PATCH may write, by the field's kind
_CHANGE_CHARS = {"text": 500, "choice": 32, "date": 32, "list": 1000}


def _change_fields() -> dict[str, Any]:
    """Every catalogue field of the field table, optional: a field added there is one a PATCH
    writes (QA pass 48a: the fields were listed here by hand, and a new one was refused as an
    extra input)."""
    out: dict[str, Any] = {}
    for f in CATALOG_FIELDS:
        described: dict[str, Any] = {"description": f.label}
        if f.name == "disclosure":
            described = {"description": "the new 公开方式: public/on_request/not_public/draft or "
                         "主动公开/依申请公开/不予公开/草稿 (either script)",
                         "json_schema_extra": {"enum": list(DISCLOSURE_VALUES)}}  # fmt: skip
        out[f.name] = (str | None, Field(default=None, max_length=_CHANGE_CHARS.get(f.kind, 500),
                                         **described))  # fmt: skip
    return out


DisclosureChange = create_model(  # type: ignore[call-overload]
    "DisclosureChange",
    __config__=ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1}),
    __doc__="""Unknown keys are refused, as an ingest request's: a misspelt key changed
    nothing. Each field given is written as a catalogue cell of it is read (QA pass 45a: an
    upload's 文号 could be corrected only by uploading again, under a new id).""",
    **_change_fields(),
)


class DisclosureChanged(BaseModel):
    id: str
    disclosure: str
    before: str
    changed: dict[str, Any] = Field(
        default_factory=dict, description="each field the change wrote, with its value now"
    )
    publish_date: str | None = Field(
        default=None, description="its 发布日期: today's where a document without one is "
        "published",
    )
    still_public_copies: list[str] = listed(
        "documents with the same text that the public "
        "still sees (search shows the text as one result): withdraw those too to hide it",
    )
    warning: str = Field(
        default="", description="where a date was changed: a 发布日期 before the 成文日期, or a "
        "date after today, as an upload's report says it (written all the same)",
    )


class DeleteResponse(BaseModel):
    id: str
    deleted: bool
    # a document ingested from a folder: what brings it back, and how to keep it out
    warning: str = ""


class ReindexResponse(BaseModel):
    backend: str
    result: dict[str, Any]


class LifeEventQuestion(BaseModel):
    text: str = Field(description="the question as people ask it")
    q: str = Field(description="the search it leads to, in the documents' words")
    total: int | None = Field(
        None, description="results of that search for the caller (only for one event)"
    )
    top: list[dict[str, str | bool]] | None = Field(
        None,
        description="its first results for the caller, {id, title, date, validity, year_only, "
        "format} (only for one event; validity as a search's results say it: repealed when a "
        "later document repeals it; year_only: the date is the year of the title, its day "
        "unknown; title empty for a document without one, its format said instead)",
    )


class LifeEventModel(BaseModel):
    id: str = Field(examples=["retirement"])
    name: str = Field(examples=["退休养老"])
    summary: str
    questions: list[LifeEventQuestion]


class LifeEventsResponse(BaseModel):
    events: list[LifeEventModel]
