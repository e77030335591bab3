"""Publication timeliness: working days from a document's formation to its publication.

The 政府信息公开条例 (art. 26) asks that information be published within 20 working days of being
made or changed. For every 主动公开 document with both a written (成文) and a publish (发布) date
this counts the working days between them on the official calendar and flags those over 20.
A document lacking either date is listed as lacking it, never given a guessed delay; one the
calendar cannot count (a year outside its data, published before it was formed) is listed with
the reason.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from model.errors import BadRequest
from model.fields import label
from reports.csvexport import csv_text
from reports.entry import CatalogEntry
from reports.items import UNNAMED, agency_filter, by_agency, is_of, items, row_agencies
from reports.workdays import (
    CalendarUnknown,
    WorkdayCalendar,
    calendar_version,
    official_calendar,
)
from reports.years import check_report_year

DEADLINE_WORKING_DAYS = 20
# a 成文日期 this long before the 发布日期 is no delay of one posting but two versions of a text:
# the law's first 通过 line beside its revision's date (QA pass 39a: 北京市实施《水法》办法,
# 2004-05-27 → 2019-07-26, "3,793 working days late"; 国务院's 2019 median 763). Such a row is
# listed to check, out of the late count and the medians, never dropped.
VERSIONS_APART_DAYS = 366


@dataclass(frozen=True)
class ReportFilter:
    """Which entries a report covers. Empty tuples and ``None`` mean "all"."""

    agencies: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def __post_init__(self) -> None:
        # the same check, code and message as a search's (search_index.index): an empty
        # report for an impossible period would read as "nothing was published"
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise BadRequest("date_from is after date_to")
        if self.year is not None:  # the one range every surface takes (QA pass 16)
            check_report_year(self.year)

    @cached_property
    def _agency_keys(self) -> frozenset[str]:
        return agency_filter(self.agencies)

    def covers_catalog(self, e: CatalogEntry) -> bool:
        """Agency and category only (the period needs a date, which not every entry has). An
        agency is found as search's filter finds it: a joint issue (国务院、中央军事委员会) is
        each issuer's (QA pass 16: ``agency=国务院`` left it out)."""
        if not is_of(e, self._agency_keys):
            return False
        return not (self.categories and e.category not in self.categories)

    def covers(self, e: CatalogEntry) -> bool:
        """An entry of the filter's agencies and categories, in its period; one with no date
        cannot be placed in a period and is covered whatever the period, so that the reports
        list it as lacking a date, never drop it silently."""
        if not self.covers_catalog(e):
            return False
        return e.date is None or not self.has_period or self.covers_day(e.date)

    def covers_day(self, day: dt.date) -> bool:
        if self.year is not None and day.year != self.year:
            return False
        if self.date_from and day < self.date_from:
            return False
        return not (self.date_to and day > self.date_to)

    @property
    def has_period(self) -> bool:
        return self.year is not None or self.date_from is not None or self.date_to is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": list(self.agencies),
            "category": list(self.categories),
            "year": self.year,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


def _shown(e: CatalogEntry, *names: str) -> dict[str, Any]:
    """An entry's fields as the report's JSON shows them (dates as ISO text, or null)."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(e, name)
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    return out


@dataclass(frozen=True)
class Delay:
    entry: CatalogEntry
    working_days: int
    late: bool
    agencies: tuple[str, ...] = ()  # the issuers the row's agency names (items.row_agencies)

    def to_dict(self) -> dict[str, Any]:
        shown = _shown(self.entry, "id", "path", "title", "agency", "written_date",
                       "publish_date")  # fmt: skip
        return {**shown, "working_days": self.working_days, "late": self.late}


@dataclass(frozen=True)
class Unmeasured:
    """A document whose delay is not stated: ``lacks`` names the missing date(s), or ``reason``
    says why the dates it has cannot be counted."""

    entry: CatalogEntry
    lacks: str = ""  # "written_date" | "publish_date" | "written_date,publish_date"
    reason: str = ""
    agencies: tuple[str, ...] = ()  # as a Delay's

    def to_dict(self) -> dict[str, Any]:
        out = _shown(self.entry, "id", "path", "title")
        if self.lacks:
            out["lacks"] = self.lacks
        else:
            out.update(_shown(self.entry, "written_date", "publish_date"), reason=self.reason)
        return out


@dataclass(frozen=True)
class Pending:
    """A draft (草稿) with a 成文日期 and no 发布日期 yet: how many working days have passed
    since, the last day it is on time, and whether that day has passed (QA pass 33b: a draft
    written on 2025-09-01 and never published was in no list)."""

    entry: CatalogEntry
    working_days: int | None  # None: the calendar does not reach today (``reason``)
    due: dt.date | None  # None: the calendar does not reach the deadline (``reason``)
    overdue: bool
    reason: str = ""  # what the calendar cannot count, and why

    def to_dict(self) -> dict[str, Any]:
        return {
            **_shown(self.entry, "id", "path", "title", "agency", "written_date"),
            "working_days": self.working_days,
            "due": self.due.isoformat() if self.due else None,
            "overdue": self.overdue,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class AgencyTimeliness:
    """One agency's line: ``missing`` counts its documents lacking a date (the report's
    ``missing`` list), ``uncountable`` those whose dates the calendar cannot count (its
    ``uncountable`` list); the two are never added together."""

    agency: str
    count: int
    late: int
    median_working_days: float | None
    missing: int
    uncountable: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "count": self.count,
            "late": self.late,
            "median_working_days": self.median_working_days,
            "missing": self.missing,
            "uncountable": self.uncountable,
        }


@dataclass(frozen=True)
class TimelinessReport:
    documents: tuple[Delay, ...]
    missing: tuple[Unmeasured, ...]
    uncountable: tuple[Unmeasured, ...]
    by_agency: tuple[AgencyTimeliness, ...]
    filter: ReportFilter = field(default_factory=ReportFilter)
    deadline: int = DEADLINE_WORKING_DAYS
    calendar_years: tuple[int, int] = (0, 0)
    pending: tuple[Pending, ...] = ()
    today: dt.date | None = None

    @property
    def late_count(self) -> int:
        return sum(1 for d in self.documents if d.late)

    @property
    def overdue_count(self) -> int:
        return sum(1 for p in self.pending if p.overdue)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": [d.to_dict() for d in self.documents],
            "missing": [m.to_dict() for m in self.missing],
            "uncountable": [u.to_dict() for u in self.uncountable],
            "by_agency": [a.to_dict() for a in self.by_agency],
            "deadline_working_days": self.deadline,
            "calendar_years": list(self.calendar_years),
            "filter": self.filter.to_dict(),
            "pending": [p.to_dict() for p in self.pending],
            "today": self.today.isoformat() if self.today else None,
        }

    def to_csv(self) -> str:
        """One row per document: measured ones first, then those without a delay (and why)."""
        header = (
            "id",
            "path",
            "title",
            "agency",
            "written_date",
            "publish_date",
            "working_days",
            "late",
            "note",
        )
        rows: list[list[Any]] = []
        for d in self.documents:
            x = d.to_dict()
            rows.append([*(x[k] for k in header[:-1]), ""])
        for m in (*self.missing, *self.uncountable):
            e = m.entry
            note = "缺" + lacks_label(m.lacks) if m.lacks else m.reason
            # a date the row lacks is blank, not the text's (QA pass 23c: a row said "lacks
            # written_date" beside the date the text gave)
            written = None if "written_date" in e.dates_from_text else e.written_date
            published = None if "publish_date" in e.dates_from_text else e.publish_date
            rows.append([e.id, e.path, e.title, e.agency, written, published, None, None, note])
        for p in self.pending:
            e = p.entry
            note = (f"草稿，未发布；应于 {p.due} 前发布" if p.due else "草稿，未发布") + (
                "，已逾期" if p.overdue else ""
            ) + (f"（{p.reason}）" if p.reason else "")
            rows.append([e.id, e.path, e.title, e.agency, e.written_date, None,
                         p.working_days, p.overdue, note])  # fmt: skip
        return csv_text(header, rows)


def lacks_label(lacks: str) -> str:
    """The dates ``lacks`` names as staff read them (``written_date,publish_date``:
    成文日期、发布日期)."""
    return "、".join(label(x) for x in lacks.split(",") if x)


def _lacks(e: CatalogEntry) -> str:
    """The dates the entry does not state: none, or only the text's where its catalogue row
    left the cell empty (a reposted text's own date is no 成文日期 of this posting)."""
    return ",".join(name for name in ("written_date", "publish_date") if e.lacks_date(name))


def _covered(e: CatalogEntry, flt: ReportFilter) -> bool:
    """A 主动公开 entry the filter covers (:meth:`ReportFilter.covers`)."""
    return e.disclosure == "public" and flt.covers(e)


def _measure(
    e: CatalogEntry, agencies: tuple[str, ...], cal: WorkdayCalendar, deadline: int,
    today: dt.date,
) -> Delay | Unmeasured:
    """The entry's delay, or why it has none: a date it lacks, a 发布日期 yet to come (a
    typo, or a date set ahead: no publication to measure; QA pass 35b: one in next year was
    told to wait for the next year's holiday calendar), or dates the calendar cannot count."""
    lacks = _lacks(e)
    if lacks:
        return Unmeasured(e, lacks=lacks, agencies=agencies)
    if e.publish_date is not None and e.publish_date > today:
        reason = f"发布日期（{e.publish_date}）晚于今天（{today}）：请核对发布日期"
        return Unmeasured(e, reason=reason, agencies=agencies)
    if (e.written_date is not None and e.publish_date is not None
            and (e.publish_date - e.written_date).days > VERSIONS_APART_DAYS):  # fmt: skip
        years = (e.publish_date - e.written_date).days / 365.25
        reason = (f"成文日期（{e.written_date}）早于发布日期（{e.publish_date}）约 {years:.0f} 年："
                  "多半是修订、修正或转载后的文本（成文日期可能是初次通过的日期）；请核对成文日期")
        return Unmeasured(e, reason=reason, agencies=agencies)
    try:
        days = cal.working_days(e.written_date, e.publish_date)
    except CalendarUnknown:
        return Unmeasured(e, reason=_outside_calendar(e, cal), agencies=agencies)
    except ValueError:
        reason = f"发布日期（{e.publish_date}）早于成文日期（{e.written_date}）"
        return Unmeasured(e, reason=reason, agencies=agencies)
    return Delay(e, days, days > deadline, agencies)


def timeliness(
    entries: Iterable[CatalogEntry],
    flt: ReportFilter = ReportFilter(),
    *,
    calendar: WorkdayCalendar | None = None,
    deadline: int = DEADLINE_WORKING_DAYS,
    copies: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> TimelinessReport:
    """The timeliness report over the 主动公开 entries ``flt`` covers.

    The period filters by publication date, else the written date; an entry with no date at all
    cannot be placed in a period and is listed as missing whatever the period, so it is never
    silently dropped. Rows are sorted by delay, longest first. ``pending``: the drafts
    written and not published yet, each with its last day on time as of ``today``.

    With ``copies`` (``SearchIndex.same_texts`` of the index the entries come from) one text
    filed as several files is measured once, as the annual report counts it once (QA pass 16:
    a law filed under two folders weighed twice in its agency's median and late count): the
    copies of one text are one publication, posted once with one pair of dates, those of the
    copy search shows, whatever years the copies are dated in (QA pass 20: dated in two years,
    one text was measured twice, once on time and once late). Without it every entry is
    measured.
    """
    cal = calendar or official_calendar()
    today = today or dt.date.today()
    entries = list(entries)  # read twice: the published, then the drafts (``pending``)
    measured: list[Delay] = []
    missing: list[Unmeasured] = []
    uncountable: list[Unmeasured] = []
    covered = (e for e in entries if _covered(e, flt))
    for item in items(covered, copies, UNNAMED, by_year=False):
        # the text's line is the agency its row shows, so that an agency's rows (JSON, CSV,
        # page) add up to its line: a text two agencies filed is the shown copy's publication
        row = _measure(item.entry, row_agencies(item.entry, UNNAMED), cal, deadline, today)
        if isinstance(row, Delay):
            measured.append(row)
        else:
            (missing if row.lacks else uncountable).append(row)
    pending = _pending(entries, flt, cal, deadline, today)
    measured.sort(key=lambda d: (-d.working_days, d.entry.agency, d.entry.path))
    missing.sort(key=lambda m: (m.entry.agency, m.entry.path))
    uncountable.sort(key=lambda m: (m.entry.agency, m.entry.path))
    return TimelinessReport(
        documents=tuple(measured),
        missing=tuple(missing),
        uncountable=tuple(uncountable),
        by_agency=_by_agency(measured, missing, uncountable),
        filter=flt,
        deadline=deadline,
        calendar_years=cal.years,
        pending=pending,
        today=today,
    )


def _pending(
    entries: Iterable[CatalogEntry], flt: ReportFilter, cal: WorkdayCalendar, deadline: int,
    today: dt.date,
) -> tuple[Pending, ...]:
    """The drafts the filter's agencies and categories cover that state a 成文日期: overdue
    first, the longest waiting first. A draft has no publication to place in a period, so the
    period does not narrow them, as it does not narrow undated rows; a 发布日期 it states is no
    publication either (QA pass 34b: a draft published and returned to draft kept the date its
    publication set, and was in no list of the report)."""
    out: list[Pending] = []
    for e in entries:
        if e.disclosure != "draft" or not flt.covers_catalog(e):
            continue
        if e.written_date is None or "written_date" in e.dates_from_text:
            continue
        # the last day and the days passed apart: a calendar that ends before today still
        # dates a deadline it covers (the review: on 1 January past its last year every
        # draft lost its due day and its overdue flag)
        due: dt.date | None = None
        days: int | None = None
        reason = ""
        try:
            due = cal.after(e.written_date, deadline)
        except CalendarUnknown as exc:
            reason = exc.message
        try:
            days = cal.working_days(e.written_date, today) if today >= e.written_date else 0
        except CalendarUnknown as exc:
            reason = reason or exc.message
        overdue = due is not None and today > due
        out.append(Pending(e, days, due, overdue, reason=reason))
    # overdue first, the longest waiting (the earliest deadline, where days cannot be counted)
    out.sort(key=lambda p: (not p.overdue, -(p.working_days or 0), p.due or dt.date.max,
                            p.entry.agency, p.entry.path))  # fmt: skip
    return tuple(out)


def _outside_calendar(e: CatalogEntry, cal: WorkdayCalendar) -> str:
    """Why a document's working days cannot be counted, for the Chinese page and the CSV: its
    own dates, the years the official calendar covers, and an upgrade only where it can help."""
    first, last = cal.years
    text = (
        f"成文日期 {e.written_date}、发布日期 {e.publish_date}："
        f"官方节假日安排（chinesecalendar {calendar_version()}）只有 {first}–{last} 年"
    )
    if e.publish_date is not None and e.publish_date.year > last:
        return text + "，新年度的安排公布后升级 chinesecalendar 即可计算"
    return text + "，更早的年份无法按工作日计算"


def _by_agency(
    measured: list[Delay], missing: list[Unmeasured], uncountable: list[Unmeasured]
) -> tuple[AgencyTimeliness, ...]:
    """One line per agency as search's facet has it: 總統府 and 总统府 are one line (QA pass
    16: two), and a joint issue is in each issuer's line, as the agency filter finds it."""
    rows: list[tuple[Delay | Unmeasured, tuple[str, ...]]] = [
        (r, r.agencies or (r.entry.agency,)) for r in (*measured, *missing, *uncountable)
    ]
    lines = [_agency_line(g.label, g.rows) for g in by_agency(rows)]
    lines.sort(key=lambda a: (-a.late, -a.count, a.agency))
    return tuple(lines)


def _agency_line(agency: str, rows: tuple[Delay | Unmeasured, ...]) -> AgencyTimeliness:
    ds = [r for r in rows if isinstance(r, Delay)]
    median = statistics.median(d.working_days for d in ds) if ds else None
    return AgencyTimeliness(
        agency=agency,
        count=len(ds),
        late=sum(1 for d in ds if d.late),
        median_working_days=float(median) if median is not None else None,
        missing=sum(1 for r in rows if isinstance(r, Unmeasured) and r.lacks),
        uncountable=sum(1 for r in rows if isinstance(r, Unmeasured) and not r.lacks),
    )
