"""The embedded query log: SQLite in the data folder (``querylog.sqlite``), WAL.

Written only by the :class:`~reports.querylog.QueuedWriter` thread of each process (WAL lets
several API processes write in turn and the report read meanwhile); rows are capped and older
days dropped at every batch, so the file stays small whatever the traffic.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from model.errors import StorageReadOnly
from reports.querylog import LoggedSearch, Op, QueuedWriter

_SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT NOT NULL UNIQUE,
    day TEXT NOT NULL,
    query TEXT NOT NULL,
    total INTEGER NOT NULL,
    understood TEXT NOT NULL DEFAULT '',
    opened INTEGER NOT NULL DEFAULT 0,
    filters TEXT NOT NULL DEFAULT '',
    partial INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS searches_day ON searches(day);
"""
# Row keys from here up are random (see _sink); below, an earlier version's, in the searches'
# order, given random ones when a recording process opens the file
ORDERED_BELOW = 1 << 40
# Columns added since the first release, added to an older file when it is opened (its rows
# read as the default: no filters recorded).
_ADDED_COLUMNS = (
    ("filters", "TEXT NOT NULL DEFAULT ''"),
    ("partial", "INTEGER NOT NULL DEFAULT 0"),  # read as 0: the best result held every word
)


class SqliteQueryLog:
    """``QueryLogStore`` on a SQLite file, bounded by ``max_rows`` and ``retention_days``.

    ``record=False`` opens an existing file to report on and delete from (a staff command, a
    server with the log off): no writer thread, and ``record_*`` store nothing.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        retention_days: int = 90,
        max_rows: int = 200_000,
        queue_size: int = 10_000,
        today: Any = dt.date.today,
        record: bool = True,
    ) -> None:
        self.path = Path(path)
        if not record and not self.path.is_file():
            raise FileNotFoundError(f"no query log at {self.path}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if record and not self.path.exists():
            # readable by the server's user only, like the staff keys (it holds what citizens
            # typed; SQLite gives its -wal and -shm files the same mode; QA pass 8: 0644)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        self.recording = record
        self.retention_days = retention_days
        self.max_rows = max_rows
        self._today = today
        with self._session() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            have = {row[1] for row in db.execute("PRAGMA table_info(searches)")}
            for name, decl in _ADDED_COLUMNS:
                if name not in have:
                    try:
                        db.execute(f"ALTER TABLE searches ADD COLUMN {name} {decl}")
                    except sqlite3.OperationalError as exc:  # another process added it just now
                        if "duplicate column" not in str(exc):
                            raise
            if record:  # rows an earlier version numbered in the order of the searches
                db.execute(
                    "UPDATE OR IGNORE searches SET seq = (random() & 0x3fffffffffffffff) | ? "
                    "WHERE seq < ?", (ORDERED_BELOW, ORDERED_BELOW),
                )
        self._writer_db: sqlite3.Connection | None = None
        self._writer = QueuedWriter(self._sink, maxsize=queue_size) if record else None

    @classmethod
    def existing(cls, path: Path | str, **kwargs: Any) -> SqliteQueryLog | None:
        """The log at ``path`` opened to read (``record=False``), or None when there is none:
        no search was ever recorded in this data folder."""
        try:
            return cls(path, **kwargs, record=False)
        except FileNotFoundError:
            return None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @contextmanager
    def _session(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection for a reader or a purge: committed, then closed."""
        db = self._connect()
        try:
            with db:
                yield db
        except sqlite3.OperationalError as exc:
            if os.access(Path(self.path).parent, os.W_OK):
                raise
            raise StorageReadOnly(
                f"the query log {self.path} cannot be changed: its folder is read-only now "
                f"({exc}); make the data folder writable again", path=str(self.path),
            ) from exc  # fmt: skip
        finally:
            db.close()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A connection to read, also where the folder turned read-only under the server
        (QA pass 47b: the report was a 500). SQLite's log mode writes a shared-memory file even
        to read; on storage nothing can change, the file is read as it is (``immutable``)."""
        if os.access(Path(self.path).parent, os.W_OK):
            with self._session() as db:
                yield db
            return
        db = self._connect()
        try:  # its shared-memory file may be there already (a server wrote the log)
            db.execute("SELECT count(*) FROM searches").fetchone()
        except sqlite3.OperationalError:
            db.close()
            wal = Path(f"{self.path}-wal")
            if wal.is_file() and wal.stat().st_size:  # (QA pass 47c: read as it is, the file
                # without its log's recent searches answered an empty report)
                raise StorageReadOnly(
                    f"the query log {self.path} cannot be read while its folder is read-only: "
                    "its latest searches are in its write-ahead log; make the data folder "
                    "writable again", path=str(self.path),
                ) from None  # fmt: skip
            db = sqlite3.connect(f"{Path(self.path).absolute().as_uri()}?immutable=1",
                                 uri=True, check_same_thread=False)  # fmt: skip
        try:
            yield db
        finally:
            db.close()

    # -- the writer thread ---------------------------------------------------------------
    def _sink(self, ops: list[Op]) -> None:
        if self._writer_db is None:
            self._writer_db = self._connect()
        db = self._writer_db
        # each row's key is random: the searches' order, which links one reader's searches of
        # a day (QA pass 35a found it stored as time on Elasticsearch), is kept nowhere
        rows = [
            (secrets.randbits(62) | ORDERED_BELOW, s.token, s.day.isoformat(), s.query, s.total,
             s.understood, int(s.opened), s.filters, int(s.partial))
            for kind, s in ops
            if kind == "search"
        ]  # fmt: skip
        opens = [(token,) for kind, token in ops if kind == "open"]
        with db:
            db.executemany(
                "INSERT OR IGNORE INTO searches"
                "(seq, token, day, query, total, understood, opened, filters, partial) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.executemany("UPDATE searches SET opened = 1 WHERE token = ?", opens)
            self._prune(db)

    def _prune(self, db: sqlite3.Connection) -> None:
        cutoff = self._today() - dt.timedelta(days=self.retention_days)
        db.execute("DELETE FROM searches WHERE day < ?", (cutoff.isoformat(),))
        # over the cap, the oldest days go first; within a day, rows in no order of the searches
        row = db.execute(
            "SELECT day, seq FROM searches ORDER BY day DESC, seq DESC LIMIT 1 OFFSET ?",
            (self.max_rows,),
        ).fetchone()
        if row is not None:
            db.execute(
                "DELETE FROM searches WHERE day < ? OR (day = ? AND seq <= ?)",
                (row[0], row[0], row[1]),
            )

    # -- QueryLogStore -------------------------------------------------------------------
    def record_search(self, search: LoggedSearch) -> None:
        if self._writer is not None:
            self._writer.put(("search", search))

    def record_open(self, token: str) -> None:
        if self._writer is not None:
            self._writer.put(("open", token))

    def searches(self, since: dt.date, until: dt.date) -> Iterator[LoggedSearch]:
        with self._reading() as db:
            cur = db.execute(
                "SELECT token, day, query, total, understood, opened, filters, partial "
                "FROM searches "
                "WHERE day BETWEEN ? AND ? ORDER BY day, seq",
                (since.isoformat(), until.isoformat()),
            )
            for token, day, q, total, understood, opened, filters, partial in cur:
                yield LoggedSearch(
                    token, dt.date.fromisoformat(day), q, total, understood, bool(opened), filters,
                    bool(partial),
                )

    def clear(self, before: dt.date | None = None) -> int:
        self.flush()
        with self._session() as db:
            if before is None:
                cur = db.execute("DELETE FROM searches")
            else:
                cur = db.execute("DELETE FROM searches WHERE day < ?", (before.isoformat(),))
            return cur.rowcount

    def flush(self, timeout: float = 10.0) -> bool:
        return self._writer is None or self._writer.flush(timeout)

    def stats(self) -> dict[str, Any]:
        with self._reading() as db:
            rows = db.execute("SELECT count(*) FROM searches").fetchone()[0]
        return {
            "store": "sqlite",
            "rows": rows,
            "max_rows": self.max_rows,
            "retention_days": self.retention_days,
            "recording": self.recording,
            **(self._writer.stats() if self._writer is not None else {}),
        }

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._writer_db is not None:
            self._writer_db.close()
            self._writer_db = None
