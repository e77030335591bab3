"""Full texts of the embedded index, in one SQLite file beside the tantivy index.

Measured: fetching ten hits from tantivy's compressed doc store with their texts cost ~5 ms
(whole blocks of large laws are decompressed); a primary-key read from SQLite costs tens of
microseconds. A file per document was tried first and lost: creating two files per document
cost 0.1–0.8 ms each on these disks, more than analysing the document. The normalised text is
kept too when it is aligned with the original (same length, the common case), so snippets
need no normalisation at query time.

Rows are keyed by document id *and* content version, and a batch is committed before the
index commit that refers to it: a crash between the two leaves the committed version's text
in place. Superseded versions are removed by :meth:`TextStore.collect_superseded` after the
index commit. WAL mode lets the server read while an ingest writes.

The table is a rowid table: texts are kilobytes long, and a ``WITHOUT ROWID`` table (the
first layout) keeps whole rows in its key B-tree, which measured 1.4–1.8× slower to read by key,
1.3× slower to write and 12% larger on 5,000 generated documents. A store created with the old
layout keeps it (``CREATE TABLE IF NOT EXISTS`` leaves it alone) and works unchanged: both
layouts take the same statements, only new stores get the new one.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from analyzers.normalize import normalize

_SCHEMA = """
CREATE TABLE IF NOT EXISTS texts (
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    text TEXT NOT NULL,
    norm TEXT,
    PRIMARY KEY (id, version)
)
"""
# Ids that left for another (a folder renamed, a file moved): old id → the id its text has now.
# Kept in the same file so a backup of the store carries them (SearchIndex.get follows them).
_MOVES = """
CREATE TABLE IF NOT EXISTS moves (old TEXT PRIMARY KEY, new TEXT NOT NULL)
"""


class TextStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # readable by the server's user only: it holds the text of every document, 不予公开
            # ones too (QA pass 20: 0644 under the usual umask; SQLite gives its -wal and -shm
            # files the same mode)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        self._local = threading.local()
        self._pending: list[tuple[str, str, str, str | None]] = []
        with self._conn() as conn:
            conn.execute(_SCHEMA)
            conn.execute(_MOVES)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            # a deleted (withdrawn, pruned) text is overwritten, not left in free pages for
            # whoever copies the file: said, not left to how SQLite happened to be built
            conn.execute("PRAGMA secure_delete=ON")
            self._local.conn = conn
        return conn

    def checkpoint(self) -> None:
        """Move what the write-ahead log holds into the file itself and empty the log: after
        an ingest, ``texts.sqlite`` alone is a whole copy (a backup that left out
        ``texts.sqlite-wal`` lost the texts of the last ingest, and the next ingest, finding
        the index unchanged, never wrote them again; QA pass 9)."""
        self._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def stage(self, doc_id: str, version: str, text: str, normalized: str | None = None) -> None:
        """Queue a text for the next :meth:`flush`."""
        norm = normalized if normalized is not None else normalize(text)
        self._pending.append((doc_id, version[:16], text, norm if len(norm) == len(text) else None))
        if len(self._pending) >= 500:  # rows are keyed by version: writing early is harmless
            self.flush()

    def flush(self) -> None:
        """Write the queued texts in one transaction (call before the index commit)."""
        if not self._pending:
            return
        conn = self._conn()
        conn.execute("BEGIN")
        conn.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?, ?)", self._pending)
        conn.execute("COMMIT")
        self._pending = []

    def discard(self) -> None:
        self._pending = []

    def get(self, doc_id: str, version: str) -> tuple[str, str | None] | None:
        """``(text, aligned normalised text or None)`` of one version, or None."""
        row = self._conn().execute(
            "SELECT text, norm FROM texts WHERE id = ? AND version = ?", (doc_id, version[:16])
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def delete(self, ids: Iterable[str]) -> None:
        conn = self._conn()
        conn.execute("BEGIN")
        conn.executemany("DELETE FROM texts WHERE id = ?", [(i,) for i in ids])
        conn.execute("COMMIT")

    def collect_superseded(self, written: dict[str, str]) -> int:
        """Remove the other versions of documents just committed (id → content version).

        Only the ids of the write are touched, so an upload of one document into a large
        index costs one indexed delete, not a scan of every text. A version orphaned by a
        crash before its commit is replaced when that file is ingested again, or removed with
        the document by :meth:`delete`.
        """
        if not written:
            return 0
        conn = self._conn()
        conn.execute("BEGIN")
        before = conn.total_changes
        conn.executemany(
            "DELETE FROM texts WHERE id = ? AND version != ?",
            [(i, v[:16]) for i, v in written.items()],
        )
        removed = conn.total_changes - before
        conn.execute("COMMIT")
        return removed

    def record_moves(self, moves: dict[str, str]) -> None:
        """Remember where ids went (:meth:`Backend.record_moves`)."""
        if not moves:
            return
        conn = self._conn()
        conn.execute("BEGIN")
        conn.executemany("INSERT OR REPLACE INTO moves VALUES (?, ?)", list(moves.items()))
        conn.execute("COMMIT")

    def moved(self, ids: list[str]) -> dict[str, str]:
        """Where each of ``ids`` that left went, as recorded."""
        conn = self._conn()
        out: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows = conn.execute(f"SELECT old, new FROM moves WHERE old IN ({marks})", batch)
            out.update(rows.fetchall())
        return out

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
