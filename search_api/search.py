"""``GET /api/search``, ``GET /api/suggest`` and ``GET /api/pinyin``: thin routes over
:class:`SearchIndex`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Q
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from analyzers.normalize import other_script, to_traditional
from model.errors import BadRequest, Forbidden
from model.fields import BY_NAME, DISCLOSURE_VALUES, VALIDITY_VALUES
from model.viewer import Viewer
from search_api.deps import IndexDep, ReportsDep, ViewerDep
from search_api.limits import long_search_slot
from search_api.models import (
    ErrorResponse,
    IsoDate,
    PinyinResponse,
    SearchResponse,
    SuggestResponse,
    blank_is,
)
from search_index import life_events
from search_index.fields import NAMES_SOMETHING, filter_choice
from search_index.index import MAX_PINYIN_CHARS
from search_index.request import (
    MAX_FILTER_CHARS,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_YEAR,
    MIN_YEAR,
    UNDATED_YEAR,
    Query,
    is_filter_year,
)
from search_index.suggest import MAX_TYPED

router = APIRouter(prefix="/api", tags=["search"])

ERRORS = {
    400: {"model": ErrorResponse},
    401: {"model": ErrorResponse},
    422: {"model": ErrorResponse},
    503: {"model": ErrorResponse},
}


# what the schema allows besides a value: nothing (``validity=``, a form's empty select)
BLANK = "\\s*"


def _blank_is_none(value: Any) -> Any:
    """An empty value (``validity=``, ``agency=``: what an HTML form sends for an empty select
    or box) is no filter, as an empty ``date_from=`` is no date (QA pass 13: a 422)."""
    return None if isinstance(value, str) and not value.strip() else value


def filter_param(read: Callable[[Any], Any], schema: dict[str, Any]) -> Any:
    """The type of one value of a filter: blank is None (dropped by :func:`given`), anything
    else is ``read`` (its ValueError a 422 naming the parameter)."""
    return Annotated[
        Any,
        BeforeValidator(_blank_is_none),
        AfterValidator(lambda v: None if v is None else read(v)),
        WithJsonSchema(schema),
    ]


def given(values: list[Any] | None) -> list[Any]:
    """The values of a repeated filter parameter, without the blank ones."""
    return [v for v in values or () if v is not None]


def _choice_reader(name: str) -> Callable[[Any], str]:
    """A query value of the enumerated filter ``name`` read by :func:`filter_choice` (its code
    or a label, in either script), or the 422 naming the values."""
    accepted = "/".join(dict.fromkeys(BY_NAME[name].choices or {}))

    def read(value: Any) -> str:
        found = filter_choice(name, str(value))
        if found is None:
            raise ValueError(f"unknown {name} {str(value)[:40]!r}; use one of {accepted}")
        return found

    return read


def _choice_schema(name: str) -> dict[str, Any]:
    """The values the schema lists, so a client (and schemathesis) knows them: the codes and
    the labels the page shows (valid or 有效), and their Traditional forms (QA pass 8: 有效
    worked on the page and was a 422 here; disclosure=bogus filtered everything out)."""
    values = list(BY_NAME[name].choices or {})
    values = list(dict.fromkeys([*values, *map(other_script, values)]))
    return {
        "type": "string",
        "maxLength": MAX_FILTER_CHARS,
        "pattern": f"^({BLANK}|" + "|".join(map(re.escape, values)) + ")$",
    }


# a category is one of the catalogue's (QA pass 13: category=bogus answered nothing with a 200
# where validity=bogus was a 422), in either script (QA pass 13: 政策法規 was a 422)
Category = filter_param(_choice_reader("category"), _choice_schema("category"))
Validity = filter_param(_choice_reader("validity"), _choice_schema("validity"))
Disclosure = filter_param(_choice_reader("disclosure"), _choice_schema("disclosure"))


def _agency(value: Any) -> str:
    # agency=、 filtered nothing and answered every document (QA pass 10)
    value = str(value)
    if len(value) > MAX_FILTER_CHARS:
        raise ValueError(f"an agency is at most {MAX_FILTER_CHARS} characters")
    if re.search(NAMES_SOMETHING, value) is None:
        raise ValueError(f"{value[:40]!r} names no agency (it needs a letter, digit or Han "
                         "character)")  # fmt: skip
    return value


Agency = filter_param(
    _agency,
    {"type": "string", "maxLength": MAX_FILTER_CHARS, "pattern": f"^{BLANK}$|{NAMES_SOMETHING}"},
)


def _filter_year(year: Any) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValueError(f"a year is a number, got {str(year)[:20]!r}") from None
    if not is_filter_year(year):
        raise ValueError(
            f"a year is four digits ({MIN_YEAR}–{MAX_YEAR}), or {UNDATED_YEAR} for the documents "
            f"with no date; got {year}"
        )
    return year


# a year of four digits or 0 (no date), as two ranges the schema states (so that every value
# the schema allows is one the search takes), checked as one value so that a bad one gets one
# clear message (QA pass 13: year=20190 was told "less than or equal to 0; … 9999")
FilterYear = filter_param(_filter_year, {"anyOf": [
    {"type": "integer", "minimum": UNDATED_YEAR, "maximum": UNDATED_YEAR},
    {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
    {"type": "string", "pattern": f"^{BLANK}$"},
]})  # fmt: skip


def _date(name: str, value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} must be a date YYYY-MM-DD, got {value!r}", field=name) from None


def build_query(
    viewer: Viewer,
    q: str = "",
    page: int = 1,
    size: int = 10,
    sort: str = "relevance",
    category: list[str] | None = None,
    agency: list[str] | None = None,
    validity: list[str] | None = None,
    year: list[int] | None = None,
    disclosure: list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    script: str = "",
) -> Query:
    """The same request → Query translation for the API and the web pages.

    A ``disclosure`` level the viewer may not see is refused (:class:`Forbidden`), before any
    search runs or is logged: anonymous callers see public documents only."""
    levels = tuple(DISCLOSURE_VALUES.get(v, v) for v in disclosure or ())
    unseen = viewer.unseen(levels)
    if unseen:
        raise Forbidden(
            f"documents that are not public ({', '.join(unseen)}) are visible to staff only: "
            "send a staff key (Authorization: Bearer gs_…), or leave out disclosure to search "
            "the public documents",
            field="disclosure",
            levels=list(unseen),
        )
    return Query(
        q=q,
        page=page,
        size=size,
        sort=sort,
        categories=tuple(category or ()),
        agencies=tuple(agency or ()),
        validity=tuple(VALIDITY_VALUES.get(v, v) for v in validity or ()),
        years=tuple(year or ()),
        disclosure=levels,
        date_from=_date("date_from", date_from),
        date_to=_date("date_to", date_to),
        viewer=viewer,
        script=script,
    )


def search_query(
    viewer: ViewerDep,
    q: Annotated[str, Q(max_length=MAX_QUERY_CHARS, description="query (see README)")] = "",
    # the page's limit is the result window (page × size ≤ 10,000): one 400 whatever the size
    page: Annotated[int, Q(ge=1, description="page × size ≤ 10,000"), blank_is(1)] = 1,
    size: Annotated[int, Q(ge=1, le=MAX_PAGE_SIZE), blank_is(10)] = 10,
    # sort= left empty (a form's empty select) is the default order, as an empty filter is no
    # filter (QA pass 14: a 422)
    sort: Annotated[
        str, Q(pattern=f"^(relevance|date_desc|date_asc|{BLANK})$", description="default relevance")
    ] = "relevance",
    category: Annotated[list[Category] | None, Q(max_length=20)] = None,
    # an agency names something: a letter, a digit or a Han character (agency=、 filtered
    # nothing and answered every document; QA pass 10)
    agency: Annotated[list[Agency] | None, Q(max_length=20)] = None,
    validity: Annotated[list[Validity] | None, Q(max_length=5)] = None,
    year: Annotated[
        list[FilterYear] | None,
        Q(max_length=50, description=f"{MIN_YEAR}–{MAX_YEAR}, or 0: documents with no date"),
    ] = None,
    disclosure: Annotated[
        list[Disclosure] | None,
        Q(max_length=4, description="staff only: without a key, any level but public is a 403"),
    ] = None,
    # Typed as dates so the OpenAPI spec says ``format: date`` and a bad one is a 422.
    date_from: Annotated[IsoDate, Q(description="YYYY-MM-DD")] = None,
    date_to: Annotated[IsoDate, Q(description="YYYY-MM-DD")] = None,
    script: Annotated[
        Literal["", "hans", "hant", "hant-hk"],
        Q(description="the script the reader reads (hant: traditional, as a kiosk's 繁體 key "
                      "sets it): whose documents rank a little ahead where the query's own "
                      "characters do not say (letters, characters both scripts share); "
                      "hant-hk: a Hong Kong or Macau reader, for whom neither side's rank "
                      "ahead, whatever the script typed"),
    ] = "",
) -> Query:
    """The search's parameters as a Query: one list for ``/api/search`` and ``/api/export``."""
    return build_query(
        viewer, q, page, size, sort.strip() or "relevance", given(category), given(agency),
        given(validity), given(year), given(disclosure),
        date_from.isoformat() if date_from else None, date_to.isoformat() if date_to else None,
        script,
    )  # fmt: skip


SearchQuery = Annotated[Query, Depends(search_query)]


@router.get(
    "/search",
    response_model=SearchResponse,
    responses={**ERRORS, 403: {"model": ErrorResponse}, 429: {"model": ErrorResponse}},
    dependencies=[Depends(long_search_slot)],
)
def search(
    request: Request, index: IndexDep, reports: ReportsDep, query: SearchQuery
) -> JSONResponse:
    # Serialised directly: the dict already has the SearchResponse shape (schemathesis checks it
    # against the schema in tests/security), and validating it again through pydantic cost
    # ~1 ms per request at 100k documents.
    result = index.search(query)
    body = result.to_dict()
    token = reports.searched(query, result)
    if token:
        body["log_token"] = token
    # a life event's question typed word for word: the site searches it in the documents'
    # words; an app is told so, rather than the question searched behind its back (QA pass
    # 46a: 在外地看病能报销吗, 10 results on the site, 130 here, and nothing said why)
    asked = life_events.typed_question(request.app.state.life_events, query.q)
    if asked is not None and asked.q != query.q:
        body["life_event_question"] = {"text": asked.text, "q": asked.q}
    return JSONResponse(body)


@router.get("/suggest", response_model=SuggestResponse, responses=ERRORS)
def suggest(
    index: IndexDep,
    viewer: ViewerDep,
    q: Annotated[str, Q(max_length=MAX_TYPED)] = "",
    limit: Annotated[int, Q(ge=1, le=20), blank_is(8)] = 8,
) -> dict:
    return {"q": q, "suggestions": index.suggest(q, viewer, limit)}


@router.get("/pinyin", response_model=PinyinResponse, responses=ERRORS)
def pinyin(
    index: IndexDep,
    q: Annotated[str, Q(max_length=MAX_PINYIN_CHARS)] = "",
    limit: Annotated[int, Q(ge=1, le=30), blank_is(10)] = 10,
    script: Annotated[
        Literal["hans", "hant", "hant-hk"],
        Q(description="hant: the words in traditional characters (a Taiwan reader's; the "
                      "search then ranks Taiwan's documents a little ahead); hant-hk: in "
                      "traditional characters for a Hong Kong or Macau reader"),
    ] = "hans",
) -> dict:
    """The kiosk's input method: candidate words for the pinyin typed so far (``shebao`` →
    社保…, ``zwgk`` → 政务公开), drawn from the words of public documents only."""
    words, letters = index.pinyin_for(q, limit)
    if script != "hans":  # QA pass 23a: a Taiwan visitor was offered 身分证, never 身分證
        words = list(dict.fromkeys(to_traditional(w) for w in words))
    return {"q": q, "words": words, "letters": letters}
