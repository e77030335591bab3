"""The content keys two or more documents share, listed in the cluster beside their index.

Grouping copies asks, on every search, which content keys among the matches two or more
documents hold. Counting the key of every match is what made searches slow at a million
documents (a terms aggregation over 604k matches of 条例: 3.3 s, against 152 ms for the search
itself). The embedded backend keeps the keys known to have copies in ``govsearch-copies.json``;
this is that list in the cluster, so every API server behind a balancer reads the same one, a
search counts only matches holding a listed key, and a search of an index without copies counts
nothing at all.

One document per key (``_id`` = key) in ``<physical index>-copies``, reached through the alias
``<prefix>-copies`` that ``reindex`` moves in the same atomic call as the documents' alias, so a
server opened before a reindex reads the list of the index it searches. The list is created
*before* its index, so any process that finds the index finds the list; an index made before
lists existed has none, and its searches count every match as before (:meth:`CopyList.keys`
answers ``None``) until ``govsearch reindex`` gives it one. Keys are only ever added: a key whose
copies were deleted since costs a little time, never a wrong answer, because the counts are taken
on the index itself.

A writer records keys after its refresh, so of two processes writing copies of one text at once,
the one refreshing later sees both documents and lists the key (a document is visible to every
search after the first refresh that follows its indexing).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from elasticsearch import Elasticsearch, helpers

from model.errors import BackendUnavailable

# A search re-reads the list at most this often (its count first, the keys only when that or the
# list behind the alias changed):
# the same delay as the index's default refresh interval, after which a write is searchable.
CHECK_EVERY = 1.0
# Keys checked per request when recording (a terms query takes up to index.max_terms_count,
# 65,536 by default, and the aggregation one bucket per key).
CHECK_BATCH = 10_000
# A search filters by the listed keys only up to this many: the keys travel in every search
# request (~23 bytes each; the real corpus has 8 such keys in 6,337 documents). With more it
# counts every match, as an index without a list does.
MAX_KEYS = 10_000

_MAPPINGS = {"dynamic": "strict", "properties": {}}
# The list also holds one document that is no content key (keys are hex digests): written again
# after every refresh that follows a write of the documents, so its sequence number is the
# documents' generation, the same on every server (see :meth:`CopyList.generation`)
GENERATION_ID = "~generation"


def list_name(index: str) -> str:
    """The list of the physical index ``index`` (and the alias of a prefix's current list)."""
    return f"{index}-copies"


class CopyList:
    """Read and extend a copy list (see the module doc). ``docs`` is where the documents are
    and ``name`` the list, each an alias or a physical index."""

    def __init__(self, es: Elasticsearch, docs: str, name: str) -> None:
        self.es, self.docs, self.name = es, docs, name
        self._lock = threading.Lock()
        self._checked = float("-inf")
        self._seen: tuple[str, int] = ("", -1)  # (physical list, count) the keys were read at
        self._keys: tuple[str, ...] | None = None

    @staticmethod
    def create(es: Elasticsearch, index: str, alias: str | None = None) -> None:
        """Make the (empty) list of an index about to be created; one that exists is kept."""
        es.options(ignore_status=400).indices.create(  # 400: another process made it
            index=list_name(index),
            mappings=_MAPPINGS,
            # small and read by every server: one shard, a copy on a second node
            settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
            # the write index: a list left behind by an index deleted by hand may still hold
            # the alias; reading both is a superset, writes go to this one
            aliases={alias: {"is_write_index": True}} if alias else None,
        )

    def keys(self, wait: float = 10.0) -> tuple[str, ...] | None:
        """The listed keys, or ``None`` when the index has no list (count every match).

        One search reads the list while the others go on with the last reading; a search that
        has none waits at most ``wait`` seconds for it (QA pass 32a: with the cluster hung, the
        lock held through each reader's own 10 s timeout answered twenty searches one after
        another, at 10, 20 … 110 s)."""
        if time.monotonic() - self._checked < CHECK_EVERY:
            return self._keys
        if not self._lock.acquire(blocking=False):
            if self._checked != float("-inf"):
                return self._keys  # being read again: the last reading will do
            if not self._lock.acquire(timeout=wait):
                raise BackendUnavailable("the copy list could not be read in time")
        try:
            if time.monotonic() - self._checked >= CHECK_EVERY:
                # which physical list and how many keys, in one request
                res = self.es.options(ignore_status=404).search(
                    index=self.name, size=0, track_total_hits=True,
                    aggs={"i": {"terms": {"field": "_index", "size": 2}}},
                )  # fmt: skip
                if res.meta.status == 404:
                    self._keys, self._seen = None, ("", -1)
                else:
                    buckets = res["aggregations"]["i"]["buckets"]
                    seen = (buckets[0]["key"] if buckets else "", res["hits"]["total"]["value"])
                    if seen != self._seen:
                        hits = helpers.scan(
                            self.es, index=self.name, query={"_source": False}, size=5000
                        )
                        ids = (h["_id"] for h in hits)
                        self._keys = tuple(sorted(i for i in ids if i != GENERATION_ID))
                        self._seen = seen
                self._checked = time.monotonic()
        finally:
            self._lock.release()
        return self._keys

    def bump(self) -> None:
        """Count a write of the documents (after the refresh that made it visible): every
        server's :meth:`generation` moves, and with it what it built from the documents (the
        pinyin lexicon: QA pass 35a, a word withdrawn through one server was still read from
        letters on the other for a minute, and for good where the count of public documents
        came out the same). An index made before lists has none: nothing to count. ``name``
        is the list's alias, whose write index takes the count."""
        self.es.options(ignore_status=404).index(  # never creates a list: 404 where none is
            index=self.name, id=GENERATION_ID, document={}, refresh=True, require_alias=True
        )

    def generation(self) -> str:
        """The documents' generation as the cluster has it (the list's physical name, the
        counter's primary term and sequence number; ``""`` where none was counted yet). Read
        through a search of the alias, so a reindex by another process, which moves it to a
        new list, changes it too."""
        res = self.es.options(ignore_status=404).search(
            index=self.name, query={"ids": {"values": [GENERATION_ID]}}, size=2,
            seq_no_primary_term=True, source=False,
        )  # fmt: skip
        if res.meta.status == 404:
            return ""
        hits = sorted(res["hits"]["hits"], key=lambda h: h["_index"])
        if not hits:
            return ""
        # the lists' uuids too: an index dropped and made again under the same name counts
        # from 0 again, and a table kept for the old one must not pass for the new one's (the
        # review: a pinyin lexicon of deleted documents loaded); every list the alias reaches
        # (one left behind by an index deleted by hand may still hold it)
        settings = self.es.indices.get_settings(index=self.name, name="index.uuid").body
        return ",".join(
            f"{h['_index']}:{_uuid(settings, h['_index'])}:{h['_primary_term']}:{h['_seq_no']}"
            for h in hits
        )

    def forget(self) -> None:
        """Read the list again on the next :meth:`keys` (it was just changed or moved)."""
        self._checked = float("-inf")

    def record(self, keys: Iterable[str]) -> int:
        """List those of ``keys`` that two or more documents now hold (call after the refresh
        that made the written documents visible); returns how many were new."""
        self.forget()
        known = self.keys()
        if known is None:  # an index made before lists: its searches count every match
            return 0
        todo = sorted({k for k in keys if k} - set(known))
        new: list[str] = []
        for start in range(0, len(todo), CHECK_BATCH):
            batch = todo[start : start + CHECK_BATCH]
            res = self.es.search(
                index=self.docs,
                size=0,
                track_total_hits=False,
                query={"terms": {"content_key": batch}},
                aggs={"g": {"terms": {"field": "content_key", "size": len(batch),
                                      "min_doc_count": 2, "shard_size": len(batch)}}},
            )  # fmt: skip
            buckets = (res.get("aggregations") or {}).get("g", {}).get("buckets", [])
            new += [str(b["key"]) for b in buckets]
        if new:
            for ok, info in helpers.streaming_bulk(
                self.es,
                ({"_op_type": "index", "_index": self.name, "_id": k, "_source": {}} for k in new),
                chunk_size=5000,
                raise_on_error=False,
            ):
                if not ok:
                    raise BackendUnavailable(
                        f"could not list a shared content key in '{self.name}': {info}"
                    )
            self.es.indices.refresh(index=self.name)
            self.forget()  # this process sees its own keys at once
        return len(new)


def _uuid(settings: dict, index: str) -> str:
    """An index's uuid from a ``get_settings(name="index.uuid")`` answer ("" if absent)."""
    return str(settings.get(index, {}).get("settings", {}).get("index", {}).get("uuid", ""))
