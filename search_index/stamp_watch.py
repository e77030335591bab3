"""Noticing another process's commit without asking the backend on every search.

Two caches of a serving process depend on what the public documents say (the mention counts of
law titles, the pinyin lexicon); both were told of writes through this process, but a
``govsearch ingest`` elsewhere changed nothing they looked at for up to their time-to-live (QA
passes 24c, 25a, 25b: words of a document made 不予公开 by another process still offered). The
embedded backend's stamp (tantivy's meta.json, rewritten at each commit) is cheap to read but
not free, so it is looked at no more than once per :data:`RECHECK_SECONDS`. Elasticsearch's
is the generation every write through govsearch moves after its refresh, kept in the copy list
(:meth:`~search_index.elastic_copies.CopyList.generation`), one small search; an index older
than its copy list has none (``""``): there a watcher never reports a change and the callers'
own limits hold.
"""

from __future__ import annotations

import time

from search_index.protocol import Backend

RECHECK_SECONDS = 2.0


class StampWatcher:
    """Whether the backend's stamp moved since this watcher last saw it."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._seen = ""
        self._checked = float("-inf")

    def saw(self, stamp: str) -> None:
        """The caller read the stamp itself (a table was built for it): changes count from it."""
        self._seen = stamp

    def changed(self) -> bool:
        """True once per change, at most one look at the backend per :data:`RECHECK_SECONDS`."""
        now = time.monotonic()
        if now - self._checked < RECHECK_SECONDS:
            return False
        self._checked = now
        stamp = self.backend.stamp()
        if stamp == self._seen:
            return False
        self._seen = stamp
        return True
