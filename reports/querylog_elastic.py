"""The query log on Elasticsearch: an index ``<prefix>-querylog`` in the cluster, so every API
process behind a load balancer writes to, and reports from, the same log.

Only what the official test distribution has is used (no painless, no ``_delete_by_query``):
opens are partial-document updates, retention and the row cap delete by id in bulk.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from reports.querylog import LoggedSearch, Op, QueuedWriter

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "token": {"type": "keyword"},
        "day": {"type": "date", "format": "strict_date"},
        "query": {"type": "keyword", "ignore_above": 1000},
        "total": {"type": "integer"},
        "understood": {"type": "keyword", "index": False, "doc_values": False},
        "opened": {"type": "boolean"},
        "filters": {"type": "keyword", "index": False, "doc_values": False},
        "partial": {"type": "boolean"},
    },
}
PRUNE_BATCH = 2000  # records of an earlier version rewritten without their time, per prune
# Fields added since the first release: put into an older index's (strict) mapping when a
# process opens it, so new records can be written; its documents read as having none.
ADDED_FIELDS = ("filters", "partial")


class ElasticQueryLog:
    """``QueryLogStore`` on an index in the cluster, bounded like the SQLite one.

    ``record=False`` opens an existing index to report on and delete from (a staff command, a
    server with the log off): nothing is created or changed, no writer thread, and
    ``record_*`` store nothing.
    """

    def __init__(
        self,
        client: Elasticsearch,
        index: str,
        *,
        retention_days: int = 90,
        max_rows: int = 200_000,
        queue_size: int = 10_000,
        today: Any = dt.date.today,
        prune_every: float = 60.0,
        record: bool = True,
    ) -> None:
        self.es = client
        self.index = index
        self.recording = record
        self.retention_days = retention_days
        self.max_rows = max_rows
        self._today = today
        self._prune_every = prune_every
        self._last_prune = 0.0
        self._writer: QueuedWriter | None = None
        if not record:
            if not client.indices.exists(index=index):
                raise FileNotFoundError(f"no query log index {index}")
            return  # an index of an earlier version reads as it is (its records lack filters)
        es = client.options(ignore_status=400)  # already there (another process made it)
        if not client.indices.exists(index=index):
            es.indices.create(
                index=index,
                mappings=MAPPINGS,
                settings={"number_of_shards": 1, "number_of_replicas": 0},
            )
        else:  # adding a field to a mapping is allowed and idempotent
            client.indices.put_mapping(
                index=index, properties={f: MAPPINGS["properties"][f] for f in ADDED_FIELDS}
            )
        self._writer = QueuedWriter(self._sink, maxsize=queue_size)

    @classmethod
    def existing(cls, client: Elasticsearch, index: str, **kwargs: Any) -> ElasticQueryLog | None:
        """The log ``index`` opened to read (``record=False``), or None when the cluster has
        none: no search was ever recorded under this prefix."""
        try:
            return cls(client, index, **kwargs, record=False)
        except FileNotFoundError:
            return None

    # -- the writer thread ---------------------------------------------------------------
    def _sink(self, ops: list[Op]) -> None:
        actions: list[dict[str, Any]] = []
        for kind, value in ops:
            if kind == "search":
                s: LoggedSearch = value
                actions.append(
                    {
                        "_op_type": "create",
                        "_index": self.index,
                        "_id": s.token,
                        "_source": {
                            "token": s.token,
                            "day": s.day.isoformat(),
                            "query": s.query,
                            "total": s.total,
                            "understood": s.understood,
                            "opened": s.opened,
                            "filters": s.filters,
                            "partial": s.partial,
                        },
                    }
                )
            else:
                actions.append(
                    {
                        "_op_type": "update",
                        "_index": self.index,
                        "_id": value,
                        "doc": {"opened": True},
                    }
                )
        # an open of an expired (or forged) token is a 404, a repeated token a 409: both ignored
        for _ok, _info in helpers.streaming_bulk(
            self.es,
            actions,
            raise_on_error=False,
            raise_on_exception=False,
            max_retries=3,
            chunk_size=500,
            refresh=False,
        ):
            pass
        if time.monotonic() - self._last_prune >= self._prune_every:
            self._last_prune = time.monotonic()
            self._prune()

    def _delete_ids(self, ids: list[str]) -> int:
        if not ids:
            return 0
        actions = ({"_op_type": "delete", "_index": self.index, "_id": i} for i in ids)
        ok = sum(
            1
            for good, _ in helpers.streaming_bulk(
                self.es, actions, raise_on_error=False, chunk_size=1000
            )
            if good
        )
        self.es.indices.refresh(index=self.index)
        return ok

    def _ids(self, query: dict[str, Any]) -> list[str]:
        self.es.indices.refresh(index=self.index)
        return [
            h["_id"]
            for h in helpers.scan(
                self.es, index=self.index, query={"query": query, "_source": False}, size=2000
            )
        ]

    def _prune(self) -> int:
        cutoff = self._today() - dt.timedelta(days=self.retention_days)
        gone = self._delete_ids(self._ids({"range": {"day": {"lt": cutoff.isoformat()}}}))
        gone += self._drop_times()
        excess = int(self.es.count(index=self.index)["count"]) - self.max_rows
        while excess > 0:  # the oldest days first; within a day, in no order of the searches
            res = self.es.search(
                index=self.index, size=min(excess, 10_000), source=False,
                sort=[{"day": "asc"}, {"token": "asc"}],
            )  # fmt: skip
            batch = [h["_id"] for h in res["hits"]["hits"]]
            if not batch:
                break
            gone += self._delete_ids(batch)
            excess -= len(batch)
        return gone

    def _drop_times(self) -> int:
        """Rewrite records an earlier version stored with ``seq``, the time of the search in
        nanoseconds (QA pass 35a: the time of day, which the README says is never stored, and
        each search's order), without it: a batch per prune, so an upgraded log is clean
        within minutes. Returns 0 (nothing is deleted)."""
        res = self.es.search(
            index=self.index, size=PRUNE_BATCH, query={"exists": {"field": "seq"}},
            seq_no_primary_term=True,
        )  # fmt: skip
        # written only over the version read: an open marked by another server meanwhile
        # wins (a conflict), and the record is rewritten at the next prune (the review)
        actions = [
            {"_op_type": "index", "_index": self.index, "_id": h["_id"],
             "if_seq_no": h["_seq_no"], "if_primary_term": h["_primary_term"],
             "_source": {k: v for k, v in h["_source"].items() if k != "seq"}}
            for h in res["hits"]["hits"]
        ]  # fmt: skip
        for _ok, _info in helpers.streaming_bulk(
            self.es, actions, raise_on_error=False, chunk_size=500
        ):
            pass
        if actions:
            self.es.indices.refresh(index=self.index)
        return 0

    # -- QueryLogStore -------------------------------------------------------------------
    def record_search(self, search: LoggedSearch) -> None:
        if self._writer is not None:
            self._writer.put(("search", search))

    def record_open(self, token: str) -> None:
        if self._writer is not None:
            self._writer.put(("open", token))

    def searches(self, since: dt.date, until: dt.date) -> Iterator[LoggedSearch]:
        self.es.indices.refresh(index=self.index)
        query = {"range": {"day": {"gte": since.isoformat(), "lte": until.isoformat()}}}
        for h in helpers.scan(self.es, index=self.index, query={"query": query}, size=2000):
            s = h["_source"]
            yield LoggedSearch(
                s["token"],
                dt.date.fromisoformat(s["day"]),
                s["query"],
                int(s["total"]),
                s.get("understood", ""),
                bool(s.get("opened")),
                s.get("filters", ""),
                bool(s.get("partial")),
            )

    def clear(self, before: dt.date | None = None) -> int:
        self.flush()
        query: dict[str, Any] = (
            {"match_all": {}} if before is None else {"range": {"day": {"lt": before.isoformat()}}}
        )
        return self._delete_ids(self._ids(query))

    def prune(self) -> int:
        """Apply retention and the row cap now (the writer does it at most every minute)."""
        self.flush()
        return self._prune()

    def flush(self, timeout: float = 10.0) -> bool:
        return self._writer is None or self._writer.flush(timeout)

    def stats(self) -> dict[str, Any]:
        try:
            self.es.indices.refresh(index=self.index)
            rows: int | None = int(self.es.count(index=self.index)["count"])
        except (ApiError, TransportError):
            rows = None
        return {
            "store": "elasticsearch",
            "index": self.index,
            "rows": rows,
            "max_rows": self.max_rows,
            "retention_days": self.retention_days,
            "recording": self.recording,
            **(self._writer.stats() if self._writer is not None else {}),
        }

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
