"""The staff report pages: ``/reports`` and the four reports under it, printable HTML with CSV
and JSON exports, plus the query log's deletion form.

Like the duplicate check, these are plain forms posted to the server (no JavaScript needed):
the staff key is typed into the form (or sent as ``Authorization``), checked on every request,
never echoed back or stored, and every answer is ``Cache-Control: no-store``. Not offered on
kiosks. The numbers come from the same :class:`reports.office.Reports` as the API.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from analyzers.chars import visible
from model.errors import BadRequest, GovSearchError, Unauthorized, UnknownAgency
from model.fields import CATEGORIES, CATEGORY_VALUES
from model.viewer import Viewer
from reports.csvexport import download_name
from reports.gaps import GAP_FIELDS
from reports.office import Reports
from reports.querylog import LIST_LABELS
from reports.svg import months_chart
from reports.timeliness import ReportFilter, lacks_label
from reports.years import FIRST_YEAR, LAST_YEAR, is_report_year
from search_api import audit
from search_api.deps import ViewerDep, get_viewer
from search_api.errors import status_of
from search_index.fields import agency_key, filter_choice

NO_STORE = {"Cache-Control": "no-store"}
KINDS = (
    ("timeliness", "公开时限"), ("annual", "年度报告统计"), ("gaps", "目录缺项"),
    ("queries", "检索未果"),
)  # fmt: skip
TITLES = {"index": "工作人员报表", **dict(KINDS)}
SHOWN_ROWS = 500

router = APIRouter(include_in_schema=False)


def _page(request: Request, kind: str, context: dict[str, Any], status: int = 200) -> Response:
    from web.pages import staff_page

    ctx = {
        "kind": kind,
        "kinds": KINDS,
        "title": TITLES[kind],
        "failed": status >= 400,
        "categories": CATEGORIES,
        "lacks_label": lacks_label,
        "gap_fields": GAP_FIELDS,
        "list_labels": LIST_LABELS,  # the query report's lists, named as its CSV names them
        "form": {},
        "year_range": (FIRST_YEAR, LAST_YEAR),
        **context,
    }
    return staff_page(request, "reports.html", ctx, status)


def _staff(request: Request, viewer: Viewer, key: str) -> Viewer:
    if viewer.staff:
        return viewer
    info = request.app.state.keys.verify(key) if key else None
    if info is None:
        raise Unauthorized("需要有效的工作人员密钥。" if key else "请填写工作人员密钥。")
    request.state.key_id, request.state.key_name = info.key_id, info.name  # the audit's who
    return Viewer(staff=True, name=info.name)


def _int(form: dict[str, str], name: str) -> int | None:
    value = form.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:  # the form's own label (QA pass 45a: "year 应为整数")
        shown = {"year": "年份", "weeks": "周数"}.get(name, name)
        raise BadRequest(f"{shown}应为整数，不是“{value[:20]}”。") from None


def _year(form: dict[str, str]) -> int | None:
    """The form's year (None: not given); one no report is made for is said on the form, in
    Chinese, like its other bad inputs (QA pass 16: year=0 on the annual report was a 500)."""
    year = _int(form, "year")
    if year is not None and not is_report_year(year):
        raise BadRequest(f"年度应为 {FIRST_YEAR}–{LAST_YEAR} 之间的四位数年份：{year}。")
    return year


def _date(form: dict[str, str], name: str) -> dt.date | None:
    value = form.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"日期格式应为 YYYY-MM-DD：{value!r}") from None


def _agency(form: dict[str, str]) -> str:
    """The form's agency; one that names nothing (、, spaces) is refused as search refuses it
    (the form answered a report of 0 items)."""
    agency = form.get("agency", "").strip()
    if agency and not agency_key(agency):
        raise BadRequest(f"发布机构「{agency}」不是机构名称：请填写机构名称，或留空表示全部机构。")
    return agency


def _run(reports: Reports, kind: str, form: dict[str, str]) -> Any:
    try:
        return _report(reports, kind, form)
    except UnknownAgency as exc:  # the page speaks Chinese; the error's own words are English
        near: dict[str, list[str]] = exc.data["unknown_agencies"]
        raise BadRequest(
            "".join(
                f"没有发布机构为「{name}」的文件"
                + (f"：是否要找「{'」或「'.join(names)}」？" if names else "。")
                for name, names in near.items()
            )
        ) from None


def _filter(form: dict[str, str]) -> ReportFilter:
    """The timeliness and gaps reports' filter, each bad value said in Chinese."""
    agency, category = _agency(form), form.get("category", "").strip()
    category = filter_choice("category", category) or category  # either script
    if category and category not in CATEGORY_VALUES:  # the API's 422; it found nothing
        raise BadRequest(f"分类「{category[:20]}」不是已有的分类：请选择"
                         f"{'、'.join(CATEGORIES)}之一，或留空表示全部分类。")  # fmt: skip
    start, end = _date(form, "date_from"), _date(form, "date_to")
    if start and end and start > end:  # the page speaks Chinese; the filter's own is English
        raise BadRequest(f"起始日期（{start}）晚于截止日期（{end}）。")
    return ReportFilter(
        (agency,) if agency else (), (category,) if category else (), _year(form), start, end
    )


def _lacks(form: dict[str, str]) -> tuple[str, ...]:
    lacks = form.get("lacks", "").strip()
    if lacks and lacks not in GAP_FIELDS:
        raise BadRequest(f"「{lacks[:20]}」不是目录的字段：请从列表中选择，或选“任一项”。")
    return (lacks,) if lacks else ()


def _report(reports: Reports, kind: str, form: dict[str, str]) -> Any:
    if kind == "timeliness":
        return reports.timeliness(_filter(form))
    if kind == "gaps":
        return reports.gaps(_filter(form), _lacks(form))
    if kind == "annual":
        year = _year(form)
        if year is None:
            raise BadRequest("请填写年度。")
        return reports.annual(year, _agency(form) or None)
    return reports.queries(min(53, max(1, _int(form, "weeks") or 4)))


def _extra(kind: str, report: Any) -> dict[str, Any]:
    if kind == "annual":
        status = dict(report.status)
        return {
            "chart": months_chart(report.year, report.by_month),
            "status": status,
            "in_force_total": sum(r.in_force for r in report.by_category),
            "superseded_total": sum(r.superseded for r in report.by_category),
        }
    if kind in ("timeliness", "gaps"):
        return {"shown": SHOWN_ROWS}
    return {}


# the forms read no key, yet a key header there but unusable is refused, as on every other page
# (QA pass 24a: a revoked key was answered 200 here, 401 elsewhere)
@router.api_route(  # HEAD as every page answers it (QA pass 24c: 405, its allow naming HEAD)
    "/reports", methods=["GET", "HEAD"], response_class=HTMLResponse,
    dependencies=[Depends(get_viewer)],
)
def reports_index(request: Request) -> Response:
    return _page(request, "index", {})


@router.api_route(
    "/reports/{kind}", methods=["GET", "HEAD"], response_class=HTMLResponse,
    dependencies=[Depends(get_viewer)],
)
def report_form(request: Request, kind: str) -> Response:
    if kind not in dict(KINDS):
        from web.pages import not_found_page

        return not_found_page(request)
    # the form starts from what its address says (/reports/annual?year=2019&agency=…: a link
    # staff share; QA pass 12: it showed last year whatever the address said); a value that
    # is no year is left out, never an error page before the form is even shown
    shown = ("year", "agency", "weeks", "category", "date_from", "date_to", "lacks")
    asked = {k: visible(v) for k, v in request.query_params.items() if k in shown}
    year = asked.get("year", "").strip()
    if not (year.isdigit() and len(year) == 4 and is_report_year(int(year))):
        year = str(dt.date.today().year - 1) if kind == "annual" else ""
    return _page(request, kind, {"form": {**asked, "year": year or None}, "from_link": bool(asked)})


@router.post("/reports/{kind}", response_class=HTMLResponse)
async def report_run(request: Request, kind: str, viewer: ViewerDep) -> Response:
    if kind not in dict(KINDS):
        from web.pages import not_found_page

        return not_found_page(request)
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str) and k != "key"}
    key = raw.get("key", "")
    reports: Reports = request.app.state.reports
    try:
        await run_in_threadpool(_staff, request, viewer, key if isinstance(key, str) else "")
        # the report reads the index (on Elasticsearch, the cluster): off the event loop, so
        # a slow cluster holds no other request of this server (the review)
        report = await run_in_threadpool(_run, reports, kind, form)
    except GovSearchError as exc:
        status = status_of(exc)  # a wrong key: its field takes the focus (QA pass 41a)
        return _page(request, kind, {"form": form, "error": exc.message,
                                     "invalid": "key" if status == 401 else ""}, status)
    fmt = form.get("format", "html")
    year = form.get("year")
    name = download_name(kind, *([year] if year else [form.get("date_from"), form.get("date_to")]))
    if fmt == "csv":
        return Response(
            report.to_csv(),
            media_type="text/csv; charset=utf-8",
            headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt == "json":
        return Response(
            json.dumps(report.to_dict(), ensure_ascii=False, indent=1),
            media_type="application/json",
            headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{name}.json"'},
        )
    agencies = await run_in_threadpool(reports.agencies) if kind != "queries" else []
    ctx = {"form": form, "report": report, "agencies": agencies, **_extra(kind, report)}
    return _page(request, kind, ctx)


@router.post("/reports/queries/delete", response_class=HTMLResponse)
async def queries_delete(request: Request, viewer: ViewerDep) -> Response:
    raw = await request.form()
    key = raw.get("key", "")
    reports: Reports = request.app.state.reports
    try:
        await run_in_threadpool(_staff, request, viewer, key if isinstance(key, str) else "")
        form = {k: v for k, v in raw.items() if isinstance(v, str)}
        before, everything = _date(form, "before"), bool(form.get("all", "").strip())
        # deleting everything is its own choice, never what an empty date means (QA pass 13:
        # a date of one space deleted the whole log)
        if before is None and not everything:
            raise BadRequest("未删除任何记录：请填写日期（删除此日期之前的记录），"
                             "或勾选「删除全部记录」确认全部删除。")
        if before is not None and everything:
            raise BadRequest("未删除任何记录：填写日期与勾选「删除全部记录」只能选一项。")
        n = await run_in_threadpool(reports.clear_queries, before, everything=everything)
        await run_in_threadpool(
            audit.query_log_deleted, request, request.app.state.settings, before, everything, n
        )
    except GovSearchError as exc:
        return _page(request, "queries", {"error": exc.message}, status_of(exc))
    return _page(request, "queries", {"error": f"已删除 {n} 条检索记录。"})
