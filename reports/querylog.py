"""What citizens look for and do not find: the query log's records, its store seam, the
background writer every store uses, and the weekly report.

Privacy by construction: a logged search is the query text (long digit runs and e-mail
addresses masked), the day (no time), its result count, the engine's "understood as" and an
opaque random token; no IP address, no key, no user agent, nothing linking two searches. Only
anonymous searches are logged (staff testing queries would drown what citizens typed). Result
links carry the token, so opening a result marks its search as opened: the "nobody opened"
signal, without knowing who.

Logging must never slow a search: the request thread only puts a record on a bounded queue
(dropped, and counted, when full) and one writer thread per process batches them into the store.
"""

from __future__ import annotations

import datetime as dt
import queue
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from reports.csvexport import csv_text
from search_index.request import Understanding

TOKEN_BYTES = 9
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{12}")
_LONG_DIGITS = re.compile(r"\d{7,}")  # phone, ID card and account numbers; years and 文号 stay
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
MAX_QUERY_CHARS = 200


def new_token() -> str:
    """An opaque token for one logged search (12 URL-safe characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def valid_token(token: str | None) -> bool:
    return bool(token) and _TOKEN_RE.fullmatch(token or "") is not None


def scrub(query: str) -> str:
    """The query as it may be stored: personal numbers and addresses masked, length capped."""
    q = " ".join(query.split())[:MAX_QUERY_CHARS]
    q = _EMAIL.sub("［邮箱］", q)
    return _LONG_DIGITS.sub(lambda m: "#" * len(m.group()), q)


def understood_summary(u: Understanding) -> str:
    """One line of how the engine read the query, kept beside it in the log."""
    parts = []
    if u.words:
        parts.append("分词：" + " / ".join(u.words))
    if u.converted_script:
        parts.append("已按简体：" + u.normalized)
    if u.phrases:
        parts.append("短语：" + "、".join(u.phrases))
    if u.doc_numbers:
        parts.append("文号：" + "、".join(u.doc_numbers))
    if u.synonyms:
        parts.append("同义：" + "、".join(f"{a}→{'/'.join(t)}" for a, t in u.synonyms))
    if u.pinyin:
        parts.append("拼音：" + " ".join(u.pinyin))
    if u.ignored:
        parts.append("忽略：" + "、".join(dict.fromkeys(u.ignored)))
    return "；".join(parts)


@dataclass(frozen=True)
class LoggedSearch:
    """One anonymous search, as stored."""

    token: str
    day: dt.date
    query: str
    total: int
    understood: str = ""
    opened: bool = False


@runtime_checkable
class QueryLogStore(Protocol):
    """Where logged searches live: SQLite in the data folder, or an index in the cluster.

    ``record_*`` must return at once (they queue); ``flush`` waits until what was queued is
    stored (tests, shutdown).
    """

    def record_search(self, search: LoggedSearch) -> None: ...

    def record_open(self, token: str) -> None: ...

    def searches(self, since: dt.date, until: dt.date) -> Iterator[LoggedSearch]:
        """Stored searches of these days (inclusive)."""
        ...

    def clear(self, before: dt.date | None = None) -> int:
        """Delete searches of days before ``before`` (all when None); returns how many."""
        ...

    def flush(self, timeout: float = 10.0) -> bool: ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


Op = tuple[str, Any]  # ("search", LoggedSearch) | ("open", token)


class QueuedWriter:
    """A bounded queue drained by one daemon thread that hands batches to ``sink``.

    ``put`` never blocks: when the queue is full the record is dropped and counted (a burst of
    searches must not queue up memory or time). A failing sink is counted too and the thread
    goes on; the log is a statistic, never a reason for a search to fail.
    """

    def __init__(
        self,
        sink: Callable[[list[Op]], None],
        *,
        maxsize: int = 10_000,
        batch: int = 500,
        name: str = "querylog",
    ) -> None:
        self._sink = sink
        self._batch = batch
        self._queue: queue.Queue[Op | None] = queue.Queue(maxsize=maxsize)
        self.dropped = 0
        self.failed = 0
        self.written = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, op: Op) -> None:
        try:
            self._queue.put_nowait(op)
        except queue.Full:
            self.dropped += 1  # a lost count is harmless; a racy increment undercounts at worst

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            ops = [first]
            while len(ops) < self._batch:
                try:
                    ops.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = None in ops
            work = [o for o in ops if o is not None]
            try:
                if work:
                    self._sink(work)
                    self.written += len(work)
            except Exception:  # noqa: BLE001 - counted and shown in stats(), never raised
                self.failed += len(work)
            finally:
                for _ in ops:
                    self._queue.task_done()
            if stop:
                return

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far went to the sink (False on timeout)."""
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        return done.wait(timeout)

    def close(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            try:
                self._queue.put(None, timeout=timeout)
            except queue.Full:
                return
            self._thread.join(timeout)

    def stats(self) -> dict[str, int]:
        return {
            "queued": self._queue.qsize(),
            "written": self.written,
            "dropped": self.dropped,
            "failed": self.failed,
        }


# -- the report ---------------------------------------------------------------------------
@dataclass(frozen=True)
class QueryStat:
    query: str
    searches: int
    zero_results: int  # searches that found nothing
    opened: int  # searches whose results someone opened
    understood: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "searches": self.searches,
            "zero_results": self.zero_results,
            "opened": self.opened,
            "understood": self.understood,
        }


@dataclass(frozen=True)
class WeekQueries:
    week: str  # ISO week, e.g. 2025-W07
    start: dt.date  # its Monday
    searches: int
    top: tuple[QueryStat, ...]
    zero_results: tuple[QueryStat, ...]  # every search of the query found nothing
    unopened: tuple[QueryStat, ...]  # it found something, nobody opened any of it

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "start": self.start.isoformat(),
            "searches": self.searches,
            "top": [s.to_dict() for s in self.top],
            "zero_results": [s.to_dict() for s in self.zero_results],
            "unopened": [s.to_dict() for s in self.unopened],
        }


@dataclass(frozen=True)
class QueriesReport:
    since: dt.date
    until: dt.date
    weeks: tuple[WeekQueries, ...]  # newest first
    enabled: bool = True
    retention_days: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "retention_days": self.retention_days,
            "weeks": [w.to_dict() for w in self.weeks],
        }

    def to_csv(self) -> str:
        header = ("week", "list", "query", "searches", "zero_results", "opened", "understood")
        rows = []
        for w in self.weeks:
            for name, stats in (
                ("top", w.top),
                ("zero_results", w.zero_results),
                ("unopened", w.unopened),
            ):
                for s in stats:
                    rows.append(
                        [w.week, name, s.query, s.searches, s.zero_results, s.opened, s.understood]
                    )
        return csv_text(header, rows)


def _week(day: dt.date) -> tuple[str, dt.date]:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}", day - dt.timedelta(days=day.weekday())


def queries_report(
    searches: Iterable[LoggedSearch],
    since: dt.date,
    until: dt.date,
    *,
    top: int = 20,
    retention_days: int = 0,
) -> QueriesReport:
    """Per ISO week: the most frequent queries, those that found nothing and those whose
    results nobody opened, each with the engine's latest reading of it."""
    weeks: dict[str, tuple[dt.date, dict[str, list[LoggedSearch]]]] = {}
    for s in searches:
        if not since <= s.day <= until:
            continue
        name, start = _week(s.day)
        weeks.setdefault(name, (start, {}))[1].setdefault(s.query, []).append(s)
    out = []
    for name, (start, by_query) in sorted(weeks.items(), reverse=True):
        stats = []
        for q, group in by_query.items():
            latest = max(group, key=lambda s: s.day)
            stats.append(
                QueryStat(
                    query=q,
                    searches=len(group),
                    zero_results=sum(1 for s in group if s.total == 0),
                    opened=sum(1 for s in group if s.opened),
                    understood=latest.understood,
                )
            )
        stats.sort(key=lambda s: (-s.searches, s.query))
        out.append(
            WeekQueries(
                week=name,
                start=start,
                searches=sum(s.searches for s in stats),
                top=tuple(stats[:top]),
                zero_results=tuple([s for s in stats if s.zero_results == s.searches][:top]),
                unopened=tuple(
                    [s for s in stats if s.zero_results < s.searches and s.opened == 0][:top]
                ),
            )
        )
    return QueriesReport(since, until, tuple(out), retention_days=retention_days)
