"""The query log: privacy of what is stored, the weekly report on a hand-made log, and the
embedded store's bounds (retention, row cap, deletion, a full queue, concurrent writers)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

import pytest

from reports.querylog import (
    LoggedSearch,
    QueryLogStore,
    QueuedWriter,
    new_token,
    queries_report,
    scrub,
    understood_summary,
    valid_token,
)
from reports.querylog_sqlite import SqliteQueryLog
from search_index.request import Understanding

D = dt.date


def s(query: str, day: dt.date, total: int = 5, opened: bool = False) -> LoggedSearch:
    return LoggedSearch(new_token(), day, query, total, f"分词：{query}", opened)


# Week 2025-W02 is Monday 6 – Sunday 12 January 2025; W03 starts on the 13th.
LOG = [
    s("养老金", D(2025, 1, 6), opened=True),
    s("养老金", D(2025, 1, 7)),
    s("养老金", D(2025, 1, 12)),
    s("人社局", D(2025, 1, 8)),
    s("人社局", D(2025, 1, 9)),
    s("火星移民", D(2025, 1, 10), total=0),
    s("低保", D(2025, 1, 10), total=0),
    s("低保", D(2025, 1, 11), total=3, opened=True),
    s("养老金", D(2025, 1, 13)),
]


def test_tokens_and_scrubbing() -> None:
    t = new_token()
    assert valid_token(t) and len(t) == 12 and t != new_token()
    assert not valid_token("") and not valid_token("x' OR 1=1 --") and not valid_token(None)
    assert scrub("  张三   13912345678  身份证 110101199003071234 ") == (
        "张三 ########### 身份证 ##################"
    )
    assert scrub("国办发〔2019〕5号 2024年") == "国办发〔2019〕5号 2024年"
    assert scrub("联系 a.b@example.cn 谢谢") == "联系 ［邮箱］ 谢谢"
    assert len(scrub("字" * 1000)) == 200


def test_understood_summary() -> None:
    u = Understanding(
        words=("人力资源", "社保"),
        synonyms=(("人社局", ("人力资源和社会保障局",)),),
        converted_script=True,
        normalized="社保",
        ignored=("怎么", "怎么"),
    )
    assert understood_summary(u) == (
        "分词：人力资源 / 社保；已按简体：社保；同义：人社局→人力资源和社会保障局；忽略：怎么"
    )


def test_weekly_report_counted_by_hand() -> None:
    rep = queries_report(LOG, D(2025, 1, 1), D(2025, 1, 31), top=10)
    assert [w.week for w in rep.weeks] == ["2025-W03", "2025-W02"]  # newest first
    w2 = rep.weeks[1]
    assert w2.start == D(2025, 1, 6) and w2.searches == 8
    assert [(q.query, q.searches, q.opened) for q in w2.top] == [
        ("养老金", 3, 1),
        ("人社局", 2, 0),
        ("低保", 2, 1),
        ("火星移民", 1, 0),
    ]
    # 低保 found nothing once but something the next day: not a zero-result query
    assert [q.query for q in w2.zero_results] == ["火星移民"]
    assert [q.query for q in w2.unopened] == ["人社局"]
    assert w2.top[0].understood == "分词：养老金"
    assert rep.weeks[0].searches == 1
    assert queries_report(LOG, D(2025, 1, 13), D(2025, 1, 13)).weeks[0].week == "2025-W03"
    rows = rep.to_csv().splitlines()
    assert rows[0].lstrip("\ufeff") == "week,list,query,searches,zero_results,opened,understood"


@pytest.fixture
def store(tmp_path):
    log = SqliteQueryLog(tmp_path / "querylog.sqlite", today=lambda: D(2025, 1, 31))
    yield log
    log.close()


def test_sqlite_store_round_trip_with_opens(store) -> None:
    assert isinstance(store, QueryLogStore)
    for x in LOG:
        store.record_search(LoggedSearch(x.token, x.day, x.query, x.total, x.understood))
    for x in LOG:
        if x.opened:
            store.record_open(x.token)
    store.record_open(new_token())  # unknown (expired) token: nothing happens
    assert store.flush()
    got = sorted(store.searches(D(2025, 1, 1), D(2025, 1, 31)), key=lambda x: x.token)
    assert got == sorted(LOG, key=lambda x: x.token)
    assert queries_report(got, D(2025, 1, 1), D(2025, 1, 31)) == queries_report(
        LOG, D(2025, 1, 1), D(2025, 1, 31)
    )
    assert [x.day for x in store.searches(D(2025, 1, 13), D(2025, 1, 20))] == [D(2025, 1, 13)]


def test_nothing_personal_is_stored(store, tmp_path) -> None:
    store.record_search(s("养老金", D(2025, 1, 6)))
    store.flush()
    db = sqlite3.connect(tmp_path / "querylog.sqlite")
    try:
        cols = [r[1] for r in db.execute("PRAGMA table_info(searches)")]
    finally:
        db.close()
    assert cols == ["seq", "token", "day", "query", "total", "understood", "opened"]


def test_retention_and_row_cap(tmp_path) -> None:
    log = SqliteQueryLog(
        tmp_path / "q.sqlite", retention_days=30, max_rows=5, today=lambda: D(2025, 3, 1)
    )
    try:
        log.record_search(s("旧", D(2025, 1, 1)))  # 59 days old: beyond retention
        for i in range(8):
            log.record_search(s(f"新{i}", D(2025, 2, 20)))
        log.flush()
        kept = [x.query for x in log.searches(D(2000, 1, 1), D(2030, 1, 1))]
        assert kept == [f"新{i}" for i in range(3, 8)]  # the newest five
        assert log.stats()["rows"] == 5
    finally:
        log.close()


def test_clear_deletes_everything_or_older_days(store) -> None:
    for x in LOG:
        store.record_search(x)
    store.flush()
    assert store.clear(before=D(2025, 1, 10)) == 4
    assert store.stats()["rows"] == 5
    assert store.clear() == 5
    assert list(store.searches(D(2000, 1, 1), D(2030, 1, 1))) == []


def test_full_queue_drops_instead_of_blocking() -> None:
    gate = threading.Event()
    got: list[object] = []

    def slow_sink(ops):
        gate.wait(5)
        got.extend(ops)

    w = QueuedWriter(slow_sink, maxsize=2, batch=1)
    try:
        for i in range(10):
            w.put(("open", str(i)))  # returns at once even though the sink is stuck
        assert w.dropped >= 7
        gate.set()
        assert w.flush(5)
        assert len(got) + w.dropped == 10
    finally:
        gate.set()
        w.close()


def test_failing_sink_is_counted_not_raised() -> None:
    def broken(ops):
        raise sqlite3.OperationalError("disk full")

    w = QueuedWriter(broken)
    try:
        w.put(("open", "x"))
        assert w.flush(5)
        assert w.stats()["failed"] == 1
    finally:
        w.close()


def test_concurrent_writers_lose_nothing(tmp_path) -> None:
    # two "processes" (stores on the same file) and eight request threads each
    logs = [SqliteQueryLog(tmp_path / "q.sqlite", today=lambda: D(2025, 1, 31)) for _ in range(2)]
    try:

        def work(log, n):
            for i in range(250):
                log.record_search(s(f"q{n}-{i % 7}", D(2025, 1, 20)))

        threads = [threading.Thread(target=work, args=(logs[n % 2], n)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for log in logs:
            assert log.flush(30)
        written = sum(log.stats()["written"] for log in logs)
        dropped = sum(log.stats()["dropped"] for log in logs)
        assert written + dropped == 2000 and dropped == 0
        assert logs[0].stats()["rows"] == 2000
    finally:
        for log in logs:
            log.close()
