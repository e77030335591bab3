"""The Elasticsearch query-log store: the same behaviour as the SQLite one, shared by processes."""

from __future__ import annotations

import datetime as dt

import pytest
from elasticsearch import Elasticsearch

from reports.querylog import LoggedSearch, QueryLogStore, new_token, queries_report
from reports.querylog_elastic import MAPPINGS, ElasticQueryLog
from tests.reports.test_querylog import (
    FILTERED,
    LOG,
    D,
    check_filtered_report,
    check_read_only,
    s,
)
from tests.search_index.elastic_support import cluster_url, drop, unique_prefix

pytestmark = pytest.mark.elasticsearch


@pytest.fixture
def es_index():
    url = cluster_url()
    prefix = unique_prefix("qlog")
    client = Elasticsearch(url)
    yield client, f"{prefix}-querylog"
    client.close()
    drop(url, [prefix])


def test_round_trip_opens_and_two_processes(es_index) -> None:
    client, index = es_index
    a = ElasticQueryLog(client, index, today=lambda: D(2025, 1, 31))
    b = ElasticQueryLog(client, index, today=lambda: D(2025, 1, 31))  # a second API process
    try:
        assert isinstance(a, QueryLogStore)
        for i, x in enumerate(LOG):
            (a if i % 2 else b).record_search(
                LoggedSearch(x.token, x.day, x.query, x.total, x.understood)
            )
        assert a.flush() and b.flush()
        for x in LOG:
            if x.opened:
                b.record_open(x.token)  # opened through the other process
        b.record_open(new_token())  # expired or forged: ignored
        assert b.flush()
        got = list(a.searches(D(2025, 1, 1), D(2025, 1, 31)))
        assert sorted(got, key=lambda x: x.token) == sorted(LOG, key=lambda x: x.token)
        stored = {k for h in client.search(index=index, size=100)["hits"]["hits"]
                  for k in h["_source"]}  # fmt: skip
        assert stored <= set(MAPPINGS["properties"]) and "seq" not in stored  # no time of day
        assert queries_report(got, D(2025, 1, 1), D(2025, 1, 31)) == queries_report(
            LOG, D(2025, 1, 1), D(2025, 1, 31)
        )
        assert a.stats()["rows"] == len(LOG) and a.stats()["failed"] == 0
        assert a.clear(before=D(2025, 1, 10)) == 4
        assert a.clear() == 5
    finally:
        a.close()
        b.close()


def test_retention_and_row_cap(es_index) -> None:
    client, index = es_index
    log = ElasticQueryLog(
        client,
        index,
        retention_days=30,
        max_rows=5,
        today=lambda: dt.date(2025, 3, 1),
        prune_every=float("inf"),  # only when asked, below
    )
    try:
        log.record_search(s("旧", D(2025, 1, 1)))
        for i in range(8):
            log.record_search(s(f"新{i}", D(2025, 2, 20)))
        assert log.prune() == 4
        kept = sorted(x.query for x in log.searches(D(2000, 1, 1), D(2030, 1, 1)))
        # the oldest day first; within a day no order is kept to go by (QA pass 35a: the order
        # was each search's time in nanoseconds)
        assert len(kept) == 5 and set(kept) <= {f"新{i}" for i in range(8)}
        # the oldest day goes first: over the cap by two, the two of the earlier day go
        for i in range(2):
            log.record_search(s(f"早{i}", D(2025, 2, 10)))
        log.record_search(s("晚", D(2025, 2, 25)))
        log.flush()
        assert log.prune() == 3
        kept = {x.query for x in log.searches(D(2000, 1, 1), D(2030, 1, 1))}
        assert "晚" in kept and not {"早0", "早1"} & kept, kept
    finally:
        log.close()


def test_filters_kept_and_an_index_of_an_earlier_version_reopened(es_index) -> None:
    client, index = es_index
    old = {**MAPPINGS, "properties": dict(MAPPINGS["properties"])}
    del old["properties"]["filters"]  # the strict mapping before filters were logged
    old["properties"]["seq"] = {"type": "long"}  # and with each search's time (QA pass 35a)
    client.indices.create(index=index, mappings=old)
    client.index(
        index=index,
        id="oldtoken0000",
        document={"token": "oldtoken0000", "day": "2025-01-27", "query": "火星", "total": 0,
                  "understood": "分词：火星", "opened": False, "seq": 1},
        refresh=True,
    )  # fmt: skip
    log = ElasticQueryLog(client, index, today=lambda: D(2025, 1, 31))
    try:
        for x in FILTERED:
            log.record_search(x)
        assert log.flush() and log.stats()["failed"] == 0
        got = {x.token: x for x in log.searches(D(2025, 1, 1), D(2025, 1, 31))}
        assert got.pop("oldtoken0000") == LoggedSearch(
            "oldtoken0000", D(2025, 1, 27), "火星", 0, "分词：火星"
        )
        assert sorted(got.values(), key=lambda x: x.token) == sorted(
            FILTERED, key=lambda x: x.token
        )
        check_filtered_report(list(got.values()))
        log.prune()  # the earlier version's time of the search is rewritten away
        client.indices.refresh(index=index)
        assert client.count(index=index, query={"exists": {"field": "seq"}})["count"] == 0
        assert "oldtoken0000" in {x.token for x in log.searches(D(2025, 1, 1), D(2025, 1, 31))}
    finally:
        log.close()


def test_an_index_opened_to_read_is_never_made_and_records_nothing(es_index) -> None:
    client, index = es_index
    assert ElasticQueryLog.existing(client, index) is None  # never recorded under this prefix
    assert not client.indices.exists(index=index)
    writer = ElasticQueryLog(client, index, today=lambda: D(2025, 1, 31))
    try:
        check_read_only(writer, lambda: ElasticQueryLog.existing(client, index))
    finally:
        writer.close()
