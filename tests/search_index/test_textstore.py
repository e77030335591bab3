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


def test_after_an_ingest_the_text_file_alone_holds_every_text(tmp_path: Path) -> None:
    """QA pass 9: a backup of the data folder without ``texts.sqlite-wal`` (taken while a
    server held the store open) lost the last ingest's texts; the next ingest found the index
    unchanged and never wrote them again. An ingest ends with the log moved into the file."""
    import shutil

    from model.viewer import STAFF
    from pipeline.run import run_ingest
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex
    from tests.corpus import CORPUS, require_corpus

    require_corpus()
    folder = tmp_path / "docs"
    shutil.copytree(CORPUS / "docs" / "govcn_policy", folder)
    data = tmp_path / "data"
    index = SearchIndex(EmbeddedIndex(data))
    reader = TextStore(data / "texts.sqlite")  # a server's connection, open throughout
    assert reader.get("x", "y") is None
    run_ingest(index, [folder], workers=1)
    backup = tmp_path / "backup"
    backup.mkdir()
    shutil.copytree(data / "index", backup / "index")
    shutil.copy(data / "texts.sqlite", backup / "texts.sqlite")  # without -wal and -shm
    reader.close()
    index.close()
    restored = SearchIndex(EmbeddedIndex(backup))
    ids = sorted(restored.fingerprints())
    assert len(ids) == len(list(folder.iterdir()))
    assert all(restored.get(i, STAFF).text for i in ids)


def test_a_data_folder_on_read_only_storage_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    """QA pass 9: every command on a read-only data folder (a backup mounted read-only) died
    in an SQLite traceback. tantivy takes lock files even to search, so it is refused, named,
    with what to do (the storage's answer is simulated: tests run as root, for whom no
    permission is read-only)."""
    import os

    from click.testing import CliRunner

    from govsearch.cli import main
    from search_index import embedded

    data = tmp_path / "data"
    embedded.EmbeddedIndex(data).close()
    made = CliRunner().invoke(main, ["--data-dir", str(data), "keys", "create", "staff"])
    assert made.exit_code == 0, made.output
    real = os.access
    monkeypatch.setattr(
        embedded.os, "access", lambda p, mode: False if mode == os.W_OK else real(p, mode)
    )
    result = CliRunner().invoke(main, ["--data-dir", str(data), "search", "政府"])
    assert result.exit_code == 2
    assert f"the data folder {data} is not writable" in result.output
    assert "Traceback" not in result.output
    # listing keys only reads their file: a read-only copy lists them (QA pass 38c)
    listed = CliRunner().invoke(main, ["--data-dir", str(data), "keys", "list"])
    assert listed.exit_code == 0, listed.output
    assert "\tstaff\t" in listed.output and "active" in listed.output
    refused = CliRunner().invoke(main, ["--data-dir", str(data), "keys", "create", "other"])
    assert refused.exit_code == 2 and "not writable" in refused.output


def test_a_text_store_another_user_owns_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    """QA pass 38c: texts.sqlite left read-only by a restore or a `cp -a` as another user was
    a traceback ("attempt to write a readonly database") part-way through an ingest. It is
    refused, named, with what to do (simulated as above: tests run as root)."""
    import os

    from click.testing import CliRunner

    from govsearch.cli import main
    from search_index import embedded

    data = tmp_path / "data"
    embedded.EmbeddedIndex(data).close()
    texts = data / "texts.sqlite"
    real = os.access
    monkeypatch.setattr(embedded.os, "access", lambda p, mode: False if Path(p) == texts
                        else real(p, mode))  # fmt: skip
    result = CliRunner().invoke(main, ["--data-dir", str(data), "search", "政府"])
    assert result.exit_code == 2, result.output
    assert f"the text store {texts} is not writable by this user" in result.output
    assert "Traceback" not in result.output


def test_a_deleted_text_leaves_no_bytes_and_a_vacuum_returns_its_space(tmp_path: Path) -> None:
    """QA pass 51f: a prune freed no disk in texts.sqlite, the README silent. A deleted text
    is overwritten (secure_delete, set by the store, not left to SQLite's build), and the
    README's VACUUM, run with the store closed, shrinks the file and leaves the rest readable."""
    path = tmp_path / "texts.sqlite"
    store = TextStore(path)
    secret = "不予公开的内部意见稿" * 2000
    for n in range(20):
        store.stage(f"{n:032d}", "v1" * 8, f"{n}{secret}", None)
    store.stage("k" * 32, "v1" * 8, "留下的文本", None)
    store.flush()
    store.delete([f"{n:032d}" for n in range(20)])
    store.checkpoint()
    store.close()
    assert "内部意见稿".encode() not in path.read_bytes()
    size = path.stat().st_size
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    conn.close()
    assert path.stat().st_size < size / 4
    assert TextStore(path).get("k" * 32, "v1" * 8)[0] == "留下的文本"
