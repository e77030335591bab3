"""The embedded index's text store: new stores use a rowid table, old ones keep working."""

import sqlite3
from pathlib import Path

from search_index.textstore import TextStore

_OLD_LAYOUT = """
CREATE TABLE texts (
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    text TEXT NOT NULL,
    norm TEXT,
    PRIMARY KEY (id, version)
) WITHOUT ROWID
"""


def _without_rowid(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'texts'").fetchone()[0]
    finally:
        conn.close()
    return "WITHOUT ROWID" in sql.upper()


def _round_trip(store: TextStore) -> None:
    store.stage("a" * 32, "v1" * 8, "第一条　本法。", "第一条 本法。")
    store.stage("b" * 32, "v1" * 8, "ＡＢＣ㈠", "abc(一)")  # not aligned: no normalised copy
    store.flush()
    assert store.get("a" * 32, "v1" * 8) == ("第一条　本法。", "第一条 本法。")
    assert store.get("b" * 32, "v1" * 8) == ("ＡＢＣ㈠", None)
    store.stage("a" * 32, "v2" * 8, "第一条　新法。", "第一条 新法。")
    store.flush()
    assert store.collect_superseded({"a" * 32: "v2" * 8}) == 1
    assert store.get("a" * 32, "v1" * 8) is None
    assert store.get("a" * 32, "v2" * 8) == ("第一条　新法。", "第一条 新法。")
    store.delete(["b" * 32])
    assert store.get("b" * 32, "v1" * 8) is None


def test_new_store_is_a_rowid_table(tmp_path: Path) -> None:
    store = TextStore(tmp_path / "texts.sqlite")
    _round_trip(store)
    store.close()
    assert not _without_rowid(tmp_path / "texts.sqlite")


def test_store_of_the_old_layout_opens_and_keeps_working(tmp_path: Path) -> None:
    path = tmp_path / "texts.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(_OLD_LAYOUT)
    conn.execute("INSERT INTO texts VALUES (?, ?, ?, ?)", ("c" * 32, "v0" * 8, "旧文本", "旧文本"))
    conn.commit()
    conn.close()
    store = TextStore(path)
    assert store.get("c" * 32, "v0" * 8) == ("旧文本", "旧文本")
    _round_trip(store)
    store.close()
    assert _without_rowid(path)  # left as it was: no rebuild needed
