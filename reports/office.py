"""The disclosure office's reports as the API, the CLI and the web pages ask for them, and the
query log's two hooks (a search was made, a result was opened).

One object per app (``app.state.reports``) so that routes and pages share the log's writer
thread; it reads the catalogue through :meth:`SearchIndex.catalog` as staff, because the
reports are for staff only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from analyzers.agencies import issuers
from analyzers.normalize import normalize
from model.document import StoredDocument
from model.errors import BadRequest, UnknownAgency
from model.viewer import STAFF, Viewer
from reports.annual import AnnualReport, annual
from reports.entry import CatalogEntry
from reports.gaps import GapsReport, gaps
from reports.items import by_agency, closest_agencies, unknown_agencies
from reports.querylog import (
    QueriesReport,
    QueryLogStore,
    filters_text,
    held_every_word,
    logged_search,
    new_token,
    queries_report,
    valid_token,
)
from reports.timeliness import ReportFilter, TimelinessReport, timeliness
from search_index.index import SearchIndex, validate_agencies
from search_index.request import Query, SearchResult, Understanding

HELD_CHARS = 100_000  # of the best result's text, read for the words a search typed
# ... of which normalised on the request when no normalised copy came with it: 100,000
# characters took 7 ms, 20,000 take ~1.4 (a text in simplified needs none: read as it is)
NORMALISED_CHARS = 20_000


def _holds(understood: Understanding, best: StoredDocument) -> bool:
    """Whether the best result holds every word the search read (:func:`held_every_word`):
    in its text as it is first (a text in simplified holds the words as the query reads
    them), else in its normalised copy, or its head normalised here."""
    raw = f"{best.title}\n{best.text[:HELD_CHARS]}"
    if held_every_word(understood, raw):
        return True
    copy = best.normalized[:HELD_CHARS] if best.normalized else normalize(raw[:NORMALISED_CHARS])
    return held_every_word(understood, f"{normalize(best.title)}\n{copy}")


def open_querylog(
    settings: Any, backend: Any, *, record: bool | None = None
) -> QueryLogStore | None:
    """The query log: to record searches to when ``record`` (default: the settings'
    ``query_log``, opt-in), made if need be; otherwise the existing log opened to report on and
    delete from, never made — None when there is none (no search was ever recorded there).

    The variable decides whether searches are recorded, not whether a report can read them: a
    staff shell without it (``record=False`` always: a command records nothing) and a server
    with the log off still read what was recorded. On Elasticsearch the log is an index beside
    the documents (``<prefix>-querylog``), so every API process shares it; on the embedded
    backend it is ``querylog.sqlite`` in the data folder.
    """
    record = settings.query_log if record is None else record
    bounds = {
        "retention_days": settings.query_log_retention_days,
        "max_rows": settings.query_log_max_rows,
    }
    if getattr(backend, "name", "") == "elasticsearch":
        from reports.querylog_elastic import ElasticQueryLog

        name = f"{backend.alias}-querylog"
        if record:
            return ElasticQueryLog(backend.es, name, **bounds)
        return ElasticQueryLog.existing(backend.es, name, **bounds)
    from reports.querylog_sqlite import SqliteQueryLog

    path = settings.data_dir / "querylog.sqlite"
    return SqliteQueryLog(path, **bounds) if record else SqliteQueryLog.existing(path, **bounds)


class Reports:
    """``querylog`` is the log searches are recorded to when its ``recording`` is set, else
    only read (None: there is none). ``server`` is False for the command line, whose own
    settings say nothing about whether the server records searches."""

    def __init__(
        self,
        index: SearchIndex,
        querylog: QueryLogStore | None = None,
        *,
        retention_days: int = 90,
        today: Callable[[], dt.date] = dt.date.today,
        server: bool = True,
    ) -> None:
        self.index = index
        self.querylog = querylog
        self.retention_days = retention_days
        self._today = today
        self._server = server

    @property
    def recording(self) -> bool:
        """Whether this process records anonymous searches."""
        return self.querylog is not None and self.querylog.recording

    # -- the catalogue reports -----------------------------------------------------------
    def entries(self) -> list[CatalogEntry]:
        return [CatalogEntry.from_stored(d) for d in self.index.catalog(STAFF)]

    def agencies(self, entries: list[CatalogEntry] | None = None) -> list[str]:
        """The report form's agency suggestions: one per agency a report has a row for, each
        issuer of a joint issue apart, one spelling per agency however written (QA pass 16:
        the list offered 最高人民法院、最高人民检察院 whole, and 總統府 beside 总统府)."""
        rows = self.entries() if entries is None else entries
        named = ((e, issuers(e.agency)) for e in rows if e.agency)
        return sorted(group.label for group in by_agency(named))

    def _entries_of(self, agencies: tuple[str, ...]) -> list[CatalogEntry]:
        """The catalogue, once each of ``agencies`` is known to be some document's: a report
        for a name no document has (a character short, 青松县人民政府办公) is refused with the
        agencies nearest it, not answered with a table of zeros that reads as "nothing was
        published" (QA 23b). An agency with documents, none in the period, is no error."""
        entries = self.entries()
        unknown = unknown_agencies(entries, agencies)
        if not unknown:
            return entries
        known = self.agencies(entries)
        near = {a: closest_agencies(a, known) for a in unknown}
        said = "; ".join(
            f"no document of this index is of agency {a!r}"
            + (f" (did you mean {' or '.join(near[a])}?)" if near[a] else "")
            for a in unknown
        )
        raise UnknownAgency(
            said, agency=unknown[0], did_you_mean=near[unknown[0]], unknown_agencies=near
        )

    # An agency that names nothing once folded (、, spaces) is refused here, where the CLI,
    # the API and the web form all arrive: the form took it and answered a report of 0 items.
    def timeliness(self, flt: ReportFilter | None = None) -> TimelinessReport:
        flt = flt or ReportFilter()
        validate_agencies(flt.agencies)
        entries = self._entries_of(flt.agencies)
        # one text filed as several files is measured once, as the annual report counts it
        return timeliness(entries, flt, copies=self.index.same_texts())

    def gaps(self, flt: ReportFilter | None = None, fields: tuple[str, ...] = ()) -> GapsReport:
        flt = flt or ReportFilter()
        validate_agencies(flt.agencies)
        return gaps(self._entries_of(flt.agencies), flt, fields)

    def annual(self, year: int, agency: str | None = None) -> AnnualReport:
        validate_agencies((agency,) if agency else ())
        entries = self._entries_of((agency,) if agency else ())
        return annual(entries, year, agency or None, index=self.index)

    # -- the query log -------------------------------------------------------------------
    def queries(self, weeks: int = 4, top: int = 20) -> QueriesReport:
        """The last ``weeks`` ISO weeks, this one included."""
        until = self._today()
        since = until - dt.timedelta(days=until.weekday() + 7 * (max(1, weeks) - 1))
        recording = self.recording if self._server else None
        if self.querylog is None:
            return QueriesReport(since, until, (), recorded=False, recording=recording)
        self.querylog.flush(5)
        report = queries_report(
            self.querylog.searches(since, until),
            since,
            until,
            top=top,
            retention_days=self.retention_days,
        )
        return replace(report, recording=recording)

    def clear_queries(self, before: dt.date | None = None, *, everything: bool = False) -> int:
        """Delete the logged searches of the days before ``before``, or the whole log when
        ``everything`` says so: deleting all is never what a missing date means (QA pass 13:
        a blank date field deleted the whole log)."""
        if before is None and not everything:
            raise BadRequest("no day given: nothing was deleted (confirm deleting all of it)")
        if before is not None and everything:
            raise BadRequest("a day and deleting all of it: nothing was deleted (one of them)")
        return 0 if self.querylog is None else self.querylog.clear(before)

    def searched(self, query: Query, result: SearchResult) -> str | None:
        """Log an anonymous search (first page, non-empty query) with its filters, so that a
        filtered search that found nothing is not taken for words that find nothing; returns
        the token result links carry, or None when nothing was logged."""
        log = self.querylog
        if log is None or not log.recording:
            return None
        if query.viewer.staff or query.page != 1 or not query.q.strip():
            return None
        token = new_token()
        filters = filters_text(
            categories=query.categories,
            agencies=query.agencies,
            validity=query.validity,
            disclosure=query.disclosure,
            years=query.years,
            date_from=query.date_from,
            date_to=query.date_to,
        )
        best = result.hits[0].doc if result.hits else None
        partial = best is not None and not _holds(result.understood, best)
        log.record_search(
            logged_search(token, self._today(), query.q, result.understood, result.total, filters,
                          partial)  # fmt: skip
        )
        return token

    def opened(self, token: str | None, viewer: Viewer) -> None:
        """A result of a logged search was opened (by anyone not using a staff key)."""
        log = self.querylog
        if log is not None and log.recording and not viewer.staff and valid_token(token):
            log.record_open(token or "")

    def close(self) -> None:
        if self.querylog is not None:
            self.querylog.close()
