"""``GET /api/reports/{timeliness,annual,queries,gaps}`` and ``DELETE /api/reports/queries``: the
disclosure office's reports, staff key only, as JSON or CSV (``format=csv``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Query as Q
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator, WithJsonSchema

from model.errors import BadRequest
from reports.csvexport import download_name
from reports.gaps import GAP_FIELDS
from reports.timeliness import ReportFilter
from reports.years import FIRST_YEAR, LAST_YEAR, is_report_year
from search_api import audit
from search_api.deps import ReportsDep, SettingsDep, StaffDep
from search_api.models import ErrorResponse, IsoDate
from search_api.search import BLANK, Agency, Category, filter_param, given

router = APIRouter(prefix="/api/reports", tags=["reports"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse},
    401: {"model": ErrorResponse},
    422: {"model": ErrorResponse},
    503: {"model": ErrorResponse},
}
REPORT = {
    **ERRORS,
    200: {
        "description": "the report as JSON, or as CSV with format=csv",
        "content": {"application/json": {}, "text/csv": {"schema": {"type": "string"}}},
    },
}
NO_STORE = {"Cache-Control": "no-store"}
Format = Annotated[str, Q(pattern="^(json|csv)$", description="json (default) or csv")]


def _gap_field(value: Any) -> str:
    text = str(value).strip()
    if text not in GAP_FIELDS:
        raise ValueError(
            f"unknown catalogue field {text[:40]!r}; use one of {', '.join(GAP_FIELDS)}"
        )
    return text


# a field the gaps list knows; blank (a form's empty select) is none, as a blank filter is
GapField = filter_param(
    _gap_field, {"type": "string", "pattern": f"^({BLANK}|{'|'.join(GAP_FIELDS)})$"}
)


def _report_year(value: Any) -> int:
    """A report's year, with a message a person can act on (QA pass 14: ``year=`` was told
    "unable to parse string as an integer")."""
    text = str(value).strip()
    if not text:
        raise ValueError(f"name the report's year: four digits, {FIRST_YEAR}–{LAST_YEAR}")
    year = int(text) if text.isascii() and text.isdigit() else None
    if year is None or not is_report_year(year):
        raise ValueError(f"a year is four digits, {FIRST_YEAR}–{LAST_YEAR}; got {text[:20]!r}")
    return year


YEAR_SCHEMA = {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}
# the annual report's year: required, and said so when left empty
ReportYear = Annotated[Any, AfterValidator(_report_year), WithJsonSchema(YEAR_SCHEMA)]
# the timeliness report's: empty is every year, as an empty filter is no filter
Year = filter_param(
    _report_year, {"anyOf": [YEAR_SCHEMA, {"type": "string", "pattern": f"^{BLANK}$"}]}
)


def csv_response(text: str, name: str) -> Response:
    """A CSV download (UTF-8 with BOM, formula cells neutralised by ``reports.csvexport``)."""
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _answer(report: Any, name: str, fmt: str) -> Response:
    if fmt == "csv":
        return csv_response(report.to_csv(), name)
    return JSONResponse(report.to_dict(), headers=NO_STORE)


def report_filter(
    year: Year = None,
    # an agency naming nothing (、) is a 422 the schema states, as search's (QA pass 11: the
    # command line refused it and the API answered an all-zero report)
    agency: Annotated[list[Agency] | None, Q(max_length=50)] = None,
    category: Annotated[list[Category] | None, Q(max_length=10)] = None,
    date_from: Annotated[
        IsoDate, Q(description="publish date (else the written date) from, YYYY-MM-DD")
    ] = None,
    date_to: Annotated[IsoDate, Q(description="publish date (else the written date) to")] = None,
) -> ReportFilter:
    """The timeliness and gaps reports' filter: one list of parameters for both."""
    return ReportFilter(tuple(given(agency)), tuple(given(category)), year, date_from, date_to)


FilterDep = Annotated[ReportFilter, Depends(report_filter)]


def _named(kind: str, flt: ReportFilter) -> str:
    """A filtered report's file, named after its period, as the annual report's file is (QA
    pass 20: always timeliness.csv)."""
    return download_name(kind, *((flt.year,) if flt.year else (flt.date_from, flt.date_to)))


@router.get("/timeliness", responses=REPORT)
def timeliness_report(
    _staff: StaffDep, reports: ReportsDep, flt: FilterDep, format: Format = "json"
) -> Response:
    """Working days from written to publish date (official calendar), late over 20."""
    return _answer(reports.timeliness(flt), _named("timeliness", flt), format)


@router.get("/gaps", responses=REPORT)
def gaps_report(
    _staff: StaffDep,
    reports: ReportsDep,
    flt: FilterDep,
    lacks: Annotated[list[GapField] | None, Q(max_length=len(GAP_FIELDS))] = None,
    format: Format = "json",
) -> Response:
    """The files whose catalogue entry lacks a field (any of ``lacks``; none: any field), with
    how many lack each; an undated file is in every period."""
    return _answer(reports.gaps(flt, tuple(given(lacks))), _named("gaps", flt), format)


@router.get("/annual", responses=REPORT)
def annual_report(
    _staff: StaffDep,
    reports: ReportsDep,
    year: Annotated[ReportYear, Q()],
    agency: Annotated[Agency | None, Q()] = None,
    format: Format = "json",
) -> Response:
    """The annual report's statistics of 主动公开 items (by category, agency, month, status)."""
    return _answer(reports.annual(year, agency or None), download_name("annual", year), format)


@router.get("/queries", responses=REPORT)
def queries_report(
    _staff: StaffDep,
    reports: ReportsDep,
    weeks: Annotated[int, Q(ge=1, le=53)] = 4,
    top: Annotated[int, Q(ge=1, le=200)] = 20,
    format: Format = "json",
) -> Response:
    """Per week: top queries, zero-result queries, queries whose results nobody opened."""
    return _answer(reports.queries(weeks, top), "queries", format)


@router.delete("/queries", responses=ERRORS)
def delete_queries(
    _staff: StaffDep,
    reports: ReportsDep,
    settings: SettingsDep,
    request: Request,
    before: Annotated[
        IsoDate, Q(description="delete the days before this one (YYYY-MM-DD)")
    ] = None,
    everything: Annotated[
        bool, Q(alias="all", description="delete the whole log: required when no day is given")
    ] = False,
) -> JSONResponse:
    """Delete the query log's days before ``before``, or all of it with ``all=true``; neither
    (or a blank ``before``) is a 400 that deletes nothing, and so is both."""
    if before is None and not everything:
        raise BadRequest(
            "no day given (before=YYYY-MM-DD): nothing was deleted; to delete the whole log "
            "send all=true"
        )
    if before is not None and everything:
        raise BadRequest("give before=YYYY-MM-DD or all=true, not both: nothing was deleted")
    deleted = reports.clear_queries(before, everything=everything)
    audit.query_log_deleted(request, settings, before, everything, deleted)
    return JSONResponse({"deleted": deleted}, headers=NO_STORE)
