"""The disclosure office's reports as the API, the CLI and the web pages ask for them, and the
query log's two hooks (a search was made, a result was opened).

One object per app (``app.state.reports``) so that routes and pages share the log's writer
thread; it reads the catalogue through :meth:`SearchIndex.catalog` as staff, because the
reports are for staff only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from model.viewer import STAFF, Viewer
from reports.annual import AnnualReport, annual
from reports.entry import CatalogEntry
from reports.querylog import (
    QueriesReport,
    QueryLogStore,
    filters_text,
    logged_search,
    new_token,
    queries_report,
    valid_token,
)
from reports.timeliness import ReportFilter, TimelinessReport, timeliness
from search_index.index import SearchIndex
from search_index.request import Query, SearchResult


def open_querylog(settings: Any, backend: Any) -> QueryLogStore | None:
    """The configured store, or None when the log is off (the default: it is opt-in).

    On Elasticsearch the log is an index beside the documents (``<prefix>-querylog``), so every
    API process shares it; on the embedded backend it is ``querylog.sqlite`` in the data folder.
    """
    if not settings.query_log:
        return None
    bounds = {
        "retention_days": settings.query_log_retention_days,
        "max_rows": settings.query_log_max_rows,
    }
    if getattr(backend, "name", "") == "elasticsearch":
        from reports.querylog_elastic import ElasticQueryLog

        return ElasticQueryLog(backend.es, f"{backend.alias}-querylog", **bounds)
    from reports.querylog_sqlite import SqliteQueryLog

    return SqliteQueryLog(settings.data_dir / "querylog.sqlite", **bounds)


class Reports:
    def __init__(
        self,
        index: SearchIndex,
        querylog: QueryLogStore | None = None,
        *,
        retention_days: int = 90,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.index = index
        self.querylog = querylog
        self.retention_days = retention_days
        self._today = today

    # -- the catalogue reports -----------------------------------------------------------
    def entries(self) -> list[CatalogEntry]:
        return [CatalogEntry.from_metadata(d.metadata()) for d in self.index.catalog(STAFF)]

    def agencies(self) -> list[str]:
        return sorted({e.agency for e in self.entries() if e.agency})

    def timeliness(self, flt: ReportFilter | None = None) -> TimelinessReport:
        return timeliness(self.entries(), flt or ReportFilter())

    def annual(self, year: int, agency: str | None = None) -> AnnualReport:
        return annual(self.entries(), year, agency or None, index=self.index)

    # -- the query log -------------------------------------------------------------------
    def queries(self, weeks: int = 4, top: int = 20) -> QueriesReport:
        """The last ``weeks`` ISO weeks, this one included."""
        until = self._today()
        since = until - dt.timedelta(days=until.weekday() + 7 * (max(1, weeks) - 1))
        if self.querylog is None:
            return QueriesReport(since, until, (), enabled=False)
        self.querylog.flush(5)
        return queries_report(
            self.querylog.searches(since, until),
            since,
            until,
            top=top,
            retention_days=self.retention_days,
        )

    def clear_queries(self, before: dt.date | None = None) -> int:
        return 0 if self.querylog is None else self.querylog.clear(before)

    def searched(self, query: Query, result: SearchResult) -> str | None:
        """Log an anonymous search (first page, non-empty query) with its filters, so that a
        filtered search that found nothing is not taken for words that find nothing; returns
        the token result links carry, or None when nothing was logged."""
        if self.querylog is None or query.viewer.staff or query.page != 1 or not query.q.strip():
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
        self.querylog.record_search(
            logged_search(token, self._today(), query.q, result.understood, result.total, filters)
        )
        return token

    def opened(self, token: str | None, viewer: Viewer) -> None:
        """A result of a logged search was opened (by anyone not using a staff key)."""
        if self.querylog is not None and not viewer.staff and valid_token(token):
            self.querylog.record_open(token or "")

    def close(self) -> None:
        if self.querylog is not None:
            self.querylog.close()
