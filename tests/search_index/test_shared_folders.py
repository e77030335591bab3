"""The query-side folders kept in the cluster (search_index.elastic_shared) for API servers on
other machines: what one data folder publishes, another fetches byte for byte; two writers
racing both keep their additions; a hand edit is never overwritten silently."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from model.errors import BackendUnavailable, Conflict
from search_index import elastic_shared
from search_index.elastic_shared import ElasticFolders
from search_index.shared_folders import (
    STATE_FILE,
    FolderMoved,
    Follower,
    LocalFolders,
    update,
)
from tests.search_index.elastic_support import cluster_url, drop, unique_prefix

NAME = "lexicon"


@pytest.fixture
def folders():
    url = cluster_url()
    prefix = unique_prefix("shared")
    es = Elasticsearch(url)
    try:
        yield ElasticFolders(es, f"{prefix}-files", url), es, f"{prefix}-files"
    finally:
        es.close()
        drop(url, [prefix])


def files_of(data: Path, name: str = NAME) -> dict[str, bytes]:
    folder = data / name
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def put(data: Path, rel: str, text: str | bytes, name: str = NAME) -> None:
    path = data / name / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def stored(es: Elasticsearch, index: str) -> set[tuple[str, str]]:
    """(generation, path) of every file's chunks in the cluster."""
    es.indices.refresh(index=index)
    res = es.search(index=index, size=1000, query={"term": {"kind": "chunk"}})
    return {(h["_source"]["generation"], h["_source"]["path"]) for h in res["hits"]["hits"]}


def test_what_one_folder_publishes_another_fetches_byte_for_byte(folders, tmp_path, monkeypatch):
    shared, es, index = folders
    monkeypatch.setattr(elastic_shared, "CHUNK", 1000)  # several chunks per file, and a remainder
    a, b = tmp_path / "a", tmp_path / "b"
    put(a, "mined.txt", "房东 => 出租人  # 3 篇, x.txt\n" * 200)
    put(a, "sub/big.bin", bytes(range(256)) * 40)
    put(a, "empty.tsv", b"")
    put(a, ".mined.txt.123.tmp", "a writer's temporary file: never published")
    assert shared.pull(b, NAME) is False  # nothing published yet
    generation = shared.push(a, NAME)
    assert generation and shared.status(a, NAME).shared_generation == generation
    assert shared.pull(b, NAME) is True
    assert files_of(b) == files_of(a) and len(files_of(b)) == 3
    assert not (b / NAME / ".mined.txt.123.tmp").exists()
    assert (b / NAME / STATE_FILE).is_file()
    assert shared.pull(b, NAME) is False  # the same generation: nothing read again
    st = shared.status(b, NAME)
    assert (st.local_generation, st.shared_generation, st.edited) == (generation, generation, ())

    # a file removed at the source goes away at the next fetch; unchanged files are not
    # stored again; chunks nothing refers to any more go
    (a / NAME / "sub" / "big.bin").unlink()
    shared.push(a, NAME)
    assert stored(es, index) == {(generation, "mined.txt"), (generation, "sub/big.bin"),
                                 (generation, "empty.tsv")}  # fmt: skip
    shared.push(a, NAME)  # replaces the one that still had big.bin in it
    assert stored(es, index) == {(generation, "mined.txt"), (generation, "empty.tsv")}
    assert shared.pull(b, NAME) is True
    assert not (b / NAME / "sub" / "big.bin").exists()
    assert files_of(b) == files_of(a)

    put(a, "mined.txt", "消法 => 消费者权益保护法\n")
    changed = shared.push(a, NAME)  # only the changed file is written
    assert stored(es, index) - {(generation, "mined.txt")} == {
        (changed, "mined.txt"), (generation, "empty.tsv")
    }
    shared.push(a, NAME)  # the old mined.txt was the replaced generation's: now it goes
    assert stored(es, index) == {(changed, "mined.txt"), (generation, "empty.tsv")}
    assert shared.pull(b, NAME) is True and files_of(b) == files_of(a)


def test_two_writers_racing_both_keep_their_additions(folders, tmp_path):
    shared, _, _ = folders
    a, b, reader = tmp_path / "a", tmp_path / "b", tmp_path / "r"
    put(a, "mined.txt", "基础 => 基础规则\n")
    shared.push(a, NAME)
    shared.pull(b, NAME)

    def adding(data: Path, line: str):
        def write() -> None:  # merges, as LexiconBuilder.write does
            path = data / NAME / "mined.txt"
            lines = path.read_text(encoding="utf-8").splitlines()
            if line not in lines:
                path.write_text("\n".join([*lines, line]) + "\n", encoding="utf-8")

        return write

    raced: list[int] = []

    def b_writes_while_a_publishes() -> None:
        adding(b, "医保 => 医疗保障")()
        if not raced:  # a publishes between b's fetch and b's publication
            raced.append(1)
            update(shared, a, NAME, adding(a, "消法 => 消费者权益保护法"))

    # b's first publication is refused (FolderMoved); the update starts again from a's copy
    update(shared, b, NAME, b_writes_while_a_publishes)
    shared.pull(reader, NAME)
    lines = (reader / NAME / "mined.txt").read_text(encoding="utf-8").splitlines()
    assert lines == ["基础 => 基础规则", "消法 => 消费者权益保护法", "医保 => 医疗保障"]
    assert raced


def test_concurrent_updates_in_threads_lose_nothing(folders, tmp_path):
    shared, _, _ = folders
    writers = [tmp_path / f"w{i}" for i in range(4)]
    put(writers[0], "mined.txt", "")
    shared.push(writers[0], NAME)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        data = writers[i]

        def write() -> None:
            path = data / NAME / "mined.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            old = path.read_text(encoding="utf-8") if path.is_file() else ""
            if f"w{i}" not in old:
                path.write_text(old + f"w{i} => writer {i}\n", encoding="utf-8")

        try:
            update(shared, data, NAME, write)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    shared.pull(tmp_path / "r", NAME)
    got = sorted((tmp_path / "r" / NAME / "mined.txt").read_text(encoding="utf-8").splitlines())
    assert got == [f"w{i} => writer {i}" for i in range(4)]


def test_a_hand_edit_is_published_or_refused_never_lost(folders, tmp_path):
    shared, _, _ = folders
    staff, server = tmp_path / "staff", tmp_path / "server"
    put(staff, "mined.txt", "医保 => 医疗保障\n")
    shared.push(staff, NAME)
    shared.pull(server, NAME)

    # staff comment a rule out; nothing else moved: an update keeps and publishes the edit
    put(staff, "mined.txt", "# 医保 => 医疗保障\n")
    assert shared.status(staff, NAME).edited == ("mined.txt",)
    update(shared, staff, NAME, lambda: None)
    assert shared.pull(server, NAME) is True
    assert (server / NAME / "mined.txt").read_text(encoding="utf-8") == "# 医保 => 医疗保障\n"

    # an edit on the server while the cluster moved on: refused, with both ways out named
    put(server, "mined.txt", "server edit\n")
    put(staff, "mined.txt", "staff edit\n")
    shared.push(staff, NAME)
    with pytest.raises(Conflict, match="push --force.*pull --force"):
        shared.pull(server, NAME)
    assert (server / NAME / "mined.txt").read_text(encoding="utf-8") == "server edit\n"
    with pytest.raises(FolderMoved):
        shared.push(server, NAME)
    assert shared.pull(server, NAME, force=True) is True
    assert (server / NAME / "mined.txt").read_text(encoding="utf-8") == "staff edit\n"

    # a folder from before any fetch (no record of its origin) is not overwritten either,
    # unless it holds exactly what the cluster holds
    fresh = tmp_path / "fresh"
    put(fresh, "mined.txt", "staff edit\n")
    assert shared.pull(fresh, NAME) is False  # the same bytes: adopted, nothing to change
    adopted = shared.status(fresh, NAME).local_generation
    assert adopted == shared.status(staff, NAME).local_generation
    other = tmp_path / "other"
    put(other, "mined.txt", "an older lexicon\n")
    with pytest.raises(Conflict):
        shared.pull(other, NAME)


def test_a_generation_gone_while_read_is_a_clear_error_and_leaves_the_copy(
    folders, tmp_path, monkeypatch
):
    shared, es, index = folders
    a, b = tmp_path / "a", tmp_path / "b"
    put(a, "mined.txt", "v1\n")
    shared.push(a, NAME)
    shared.pull(b, NAME)
    put(a, "mined.txt", "v2\n")
    shared.push(a, NAME)
    real_mget = es.mget

    def mget_after_deletion(**kw):  # the generation is deleted just before its chunks are read
        shared._delete_where({"term": {"kind": "chunk"}})
        return real_mget(**kw)

    monkeypatch.setattr(es, "mget", mget_after_deletion)
    with pytest.raises(BackendUnavailable, match="fetch again"):
        shared.pull(b, NAME)
    assert (b / NAME / "mined.txt").read_text(encoding="utf-8") == "v1\n"
    assert [p.name for p in (b / NAME).iterdir() if p.name.startswith(".pull")] == []


def test_a_server_follows_new_generations(folders, tmp_path):
    shared, _, _ = folders
    writer, server = tmp_path / "writer", tmp_path / "server"
    seen: list[list[str]] = []
    follower = Follower(shared, server, seen.append, interval=0.2)
    assert follower.sync() == []  # nothing published: nothing to do
    put(writer, "mined.txt", "消法 => 消费者权益保护法\n")
    shared.push(writer, NAME)
    follower.start()
    try:
        for _ in range(100):
            if seen:
                break
            threading.Event().wait(0.1)
    finally:
        follower.stop()
    assert seen == [[NAME]]
    assert (server / NAME / "mined.txt").read_text(encoding="utf-8").startswith("消法")

    # two server processes on one data folder (serve --workers 2): the one that did not fetch
    # the new generation must reload it too
    first, second = [], []
    a = Follower(shared, server, first.append, interval=0)
    b = Follower(shared, server, second.append, interval=0)
    put(writer, "mined.txt", "医保 => 医疗保障\n")
    shared.push(writer, NAME)
    assert a.sync() == [NAME] and b.sync() == [NAME]
    assert first == second == [[NAME]]
    assert a.sync() == b.sync() == []  # nothing new: no reload


def test_the_embedded_backend_has_nothing_to_follow(tmp_path):
    local = LocalFolders()
    put(tmp_path, "mined.txt", "x\n")
    assert not local.remote
    assert local.pull(tmp_path, NAME) is False and local.push(tmp_path, NAME) == ""
    calls: list[int] = []
    update(local, tmp_path, NAME, lambda: calls.append(1))
    assert calls == [1]


def test_a_forged_manifest_cannot_write_outside_the_folder(folders, tmp_path):
    shared, es, index = folders
    a = tmp_path / "a"
    put(a, "mined.txt", "x\n")
    shared.push(a, NAME)
    for bad in ("../escaped.txt", "/tmp/escaped.txt", "sub/../../escaped.txt", ".cluster.json"):
        es.index(index=index, id=f"manifest:{NAME}", refresh=True, document={
            "kind": "manifest", "name": NAME, "generation": "forged", "written": "",
            "files": [{"path": bad, "size": 2, "sha256": "0" * 64, "chunks": 1,
                       "stored_in": "forged"}],
        })  # fmt: skip
        server = tmp_path / "server"
        with pytest.raises(BackendUnavailable, match="bad path"):
            shared.pull(server, NAME)
        assert not (tmp_path / "escaped.txt").exists()
        assert not Path("/tmp/escaped.txt").exists()


def test_a_dead_writers_chunks_are_swept_hours_later(folders, tmp_path):
    shared, es, index = folders
    a = tmp_path / "a"
    put(a, "mined.txt", "v1\n")
    first = shared.push(a, NAME)
    for gen, written in (("dead0000", "2020-01-01T00:00:00+00:00"),  # died long ago
                         ("busy0000", elastic_shared._now())):  # a writer at work now
        es.index(index=index, id=f"chunk:{NAME}:{gen}:0:mined.txt", refresh=True, document={
            "kind": "chunk", "name": NAME, "generation": gen, "path": "mined.txt",
            "written": written, "data": "",
        })  # fmt: skip
    put(a, "mined.txt", "v2\n")
    second = shared.push(a, NAME)
    assert {g for g, _ in stored(es, index)} == {first, second, "busy0000"}


def test_a_follower_ends_when_its_backend_is_closed(tmp_path):
    """An app made and dropped without its lifespan (no shutdown handler) left its follower
    polling a closed client every 30 s for the rest of the CI run, logging failed retries."""
    from search_index.elastic import ElasticsearchIndex

    url = cluster_url()
    prefix = unique_prefix("follow")
    backend = ElasticsearchIndex([url], index_prefix=prefix)
    try:
        follower = Follower(backend.shared_folders(), tmp_path, lambda _names: None, interval=0.05)
        follower.start()
        thread = follower._thread
        assert thread is not None and thread.is_alive()
        backend.close()
        thread.join(5)
        assert not thread.is_alive()
    finally:
        backend.close()
        drop(url, [prefix])
