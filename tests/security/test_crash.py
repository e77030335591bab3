"""Crash safety and concurrency: nothing lost, nothing doubled, nothing half-written.

``govsearch ingest`` runs as a real subprocess over a few hundred real corpus files (TXT plus
the PDF, DOCX and HTML renderings) and is killed with SIGKILL (its whole process group, worker
processes included, like a power cut) at random moments, several times; then it is run to the
end. Throughout, ``govsearch serve`` answers searches on 127.0.0.1 from the same data folder,
and every hit it returns is fetched and compared with its source file. At the end the index
must hold every document exactly once, each with the text extracted from its file and the
file's SHA-256.

A second test re-ingests *changed* files while threads search the same index in process: each
fetched hit must be one whole version (its text and its hash belong together).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from analyzers.signatures import signature_of
from ingest.files import FileTask, ingest_file
from model.ids import document_id, fingerprint
from model.viewer import STAFF
from pipeline.run import run_ingest
from search_api.keys import KeyStore
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.request import Query
from tests.corpus import CORPUS, require_corpus, sample_paths

pytestmark = pytest.mark.slow

N_TEXTS = 240
KILLS = 4
QUERIES = ("通知", "管理", "规定", "条例", "委员会", "政府信息公开", "办法", "人民法院", "国务院",
           "实施", "保护", "財政", "第一条", "年度报告", "工作")  # fmt: skip


@dataclass(frozen=True)
class Expected:
    text: str
    sha256: str


def _corpus_folder(dst: Path) -> dict[str, Expected]:
    """A few hundred real files under ``dst``; what each must become (path → text, hash)."""
    require_corpus()
    for p in sample_paths(N_TEXTS, seed=9):
        target = dst / "docs" / p.split("/", 1)[1]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / p, target)
    for sub in ("pdf", "docx", "html", "original"):
        for f in sorted((CORPUS / "files" / sub).iterdir())[:12]:
            (dst / sub).mkdir(parents=True, exist_ok=True)
            shutil.copy(f, dst / sub / f.name)
    expected = _expectations(dst)
    assert len(expected) >= 250, len(expected)
    return expected


def _expectations(dst: Path) -> dict[str, Expected]:
    """What each file must become in the index: the extracted text and the file's hash."""
    expected: dict[str, Expected] = {}
    for f in sorted(dst.rglob("*")):
        if not f.is_file():
            continue
        rel = f.relative_to(dst).as_posix()
        doc = ingest_file(FileTask(f, rel, "public"))
        if hasattr(doc, "text") and doc.text.strip():
            expected[rel] = Expected(doc.text, hashlib.sha256(f.read_bytes()).hexdigest())
    return expected


def _expect_file(src: Path, rel: str) -> Expected:
    f = src / rel
    doc = ingest_file(FileTask(f, rel, "public"))
    assert hasattr(doc, "text"), doc
    return Expected(doc.text, hashlib.sha256(f.read_bytes()).hexdigest())


def _pending(data: Path, src: Path, current: dict[str, Expected]) -> int:
    """How many files differ from what the index has committed (what a run will write)."""
    committed = EmbeddedIndex(data).fingerprints()
    return sum(
        committed.get(document_id(src.resolve(), rel)) != e.sha256[:16]
        for rel, e in current.items()
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GOVSEARCH_DATA_DIR=str(data), GOVSEARCH_BACKEND="embedded", PYTHONUNBUFFERED="1")
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "govsearch.cli", *args]


@dataclass
class Watcher:
    """Searches a live server the whole time and checks every hit against its source file."""

    base: str
    key: str
    expected: dict[str, Expected]
    accept: dict[str, set[str]] = field(default_factory=dict)  # path → every known text
    problems: list[str] = field(default_factory=list)
    requests: int = 0
    hits_checked: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        rng = random.Random(3)
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=self.base, timeout=30, headers=headers) as client:
            while not self.stop.is_set():
                q = rng.choice(QUERIES)
                try:
                    r = client.get("/api/search", params={"q": q, "size": 10})
                except httpx.TransportError as exc:
                    self.problems.append(f"search {q}: {exc!r}")
                    continue
                self.requests += 1
                if r.status_code >= 500 or r.status_code != 200:
                    self.problems.append(f"search {q}: {r.status_code} {r.text[:200]}")
                    continue
                for hit in r.json()["hits"][:3]:
                    d = client.get(f"/api/documents/{hit['id']}")
                    self.requests += 1
                    if d.status_code == 404:
                        continue  # deleted between search and fetch: not a half-written one
                    if d.status_code != 200:
                        self.problems.append(f"fetch {hit['id']}: {d.status_code}")
                        continue
                    body = d.json()
                    want = self.expected.get(body["path"])
                    texts = self.accept.get(body["path"]) or ({want.text} if want else set())
                    if body["text"] not in texts:
                        self.problems.append(f"fetch {body['path']}: text differs from its file")
                    self.hits_checked += 1


def _check_index(
    data: Path,
    src: Path,
    known: dict[str, dict[str, str]],
    latest: dict[str, Expected] | None,
    newest: dict[str, Expected] | None = None,
) -> int:
    """Every document present is one whole known version of its file (text and hash of the
    same version); with ``latest`` every file is there, exactly once, in that version.
    Returns how many documents there are (or, given ``newest``, how many are that version)."""
    backend = EmbeddedIndex(data)
    index = SearchIndex(backend)
    try:
        ids = {document_id(src.resolve(), rel): rel for rel in known}
        fingerprints = index.fingerprints()
        assert set(fingerprints) <= set(ids), "documents that no file produced"
        assert index.count(STAFF) == len(fingerprints)  # no id is there twice
        docs = backend.fetch(list(fingerprints))
        assert set(docs) == set(fingerprints)
        for doc_id, doc in docs.items():
            rel = ids[doc_id]
            assert doc.path == rel
            assert fingerprints[doc_id] == fingerprint(doc.content_hash, doc.ingest_key), rel
            text = known[rel].get(doc.content_hash)
            assert text is not None, f"{rel}: a hash no version of the file has"
            assert doc.text == text, f"{rel}: text of another version, or half-written"
            if latest is not None:
                assert doc.content_hash == latest[rel].sha256, f"{rel}: not the latest version"
        if latest is not None:
            missing = sorted(set(ids) - set(fingerprints))
            assert not missing, f"missing: {missing[:5]}"
            total = index.search(Query(q="", size=1, viewer=STAFF)).total
            texts = {signature_of(e.text).content_key or rel for rel, e in latest.items()}
            assert total == len(texts)  # files with the same text are one result
        if newest is not None:
            return sum(1 for i, d in docs.items() if d.content_hash == newest[ids[i]].sha256)
        return len(fingerprints)
    finally:
        index.close()


def _committing(data: Path, since: float) -> bool:
    """True once the running ingest flushes its texts: it does so just before the index
    commit (tantivy writes its segment files all along, so they say nothing)."""
    for name in ("texts.sqlite", "texts.sqlite-wal"):
        try:
            st = (data / name).stat()
        except FileNotFoundError:
            continue
        if st.st_mtime >= since and st.st_size > 0:
            return True
    return False


def _kill_runs(
    cmd: list[str], data: Path, rng: random.Random, full: float, prepare, check
) -> list[str]:
    """``KILLS`` runs of ``cmd``, each SIGKILLed with its worker processes. Even runs die at a
    random moment of the run; odd ones within 0.25 s of flushing their texts: while the index
    commits and cleans up, the moment most likely to tear."""
    log = []
    for i in range(KILLS):
        to_write = prepare(i)
        started = time.time()
        proc = subprocess.Popen(
            cmd, env=_env(data), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        if i % 2 == 0 or not to_write:
            delay = rng.uniform(0.2, full)
            when = f"at {delay:.1f}s"
        else:
            while proc.poll() is None and time.time() - started < 3 * full:
                if _committing(data, started):
                    break
                time.sleep(0.01)
            delay = time.time() - started + rng.uniform(0.0, 0.25)
            when = f"at {delay:.1f}s, near the commit"
        try:
            proc.wait(timeout=max(0.0, delay - (time.time() - started)))
            full = time.time() - started
            outcome = "finished"
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            outcome = "killed"
        log.append(f"{outcome} {when}: {check()} documents (of the version being written)")
    return log


def test_sigkilled_ingest_loses_and_doubles_nothing_while_serving(tmp_path: Path) -> None:
    src, data = tmp_path / "archive", tmp_path / "data"
    src.mkdir()
    expected = _corpus_folder(src)
    known = {rel: {e.sha256: e.text} for rel, e in expected.items()}
    ingest_cmd = _cli("ingest", str(src), "--workers", "2", "--quiet")

    # How long a whole run takes here, in a scratch folder, so kills land across a run.
    started = time.monotonic()
    subprocess.run(ingest_cmd, env=_env(tmp_path / "scratch"), capture_output=True, timeout=600)
    full = time.monotonic() - started
    shutil.rmtree(tmp_path / "scratch")

    data.mkdir()
    _, key = KeyStore(data).create("crash-test")
    EmbeddedIndex(data)  # an empty index for the server to open
    port = _free_port()
    server = subprocess.Popen(
        _cli("serve", "--host", "127.0.0.1", "--port", str(port)),
        env=_env(data), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    watcher = Watcher(f"http://127.0.0.1:{port}", key, expected)
    thread = threading.Thread(target=watcher.run, daemon=True)
    rng = random.Random(int(os.environ.get("GOVSEARCH_CRASH_SEED", "20240601")))
    log: list[str] = [f"a whole run takes {full:.1f}s"]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{watcher.base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "server exited"
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        thread.start()

        # 1. From an empty index: killed several times, then run to the end.
        def pending(_: int) -> int:
            return _pending(data, src, current)

        current = dict(expected)
        log += _kill_runs(ingest_cmd, data, rng, full, pending,
                          lambda: _check_index(data, src, known, None))  # fmt: skip
        final = subprocess.run(ingest_cmd, env=_env(data), capture_output=True, text=True)
        assert final.returncode in (0, 1), final.stderr
        assert _check_index(data, src, known, current) == len(current)

        # 2. Files change before every run: killed re-ingests must leave, for every document,
        # one whole version (old or new), never a mix and never none.
        texts = sorted(r for r in expected if r.endswith(".txt"))

        def change(i: int) -> int:
            for rel in texts[i::KILLS]:
                f = src / rel
                f.write_text(
                    current[rel].text + f"\n（第{i}次修订）本条自发布之日起施行。\n", "utf-8"
                )
                current[rel] = _expect_file(src, rel)
                known[rel][current[rel].sha256] = current[rel].text
                watcher.accept[rel] = set(known[rel].values())
            return _pending(data, src, current)

        watcher.accept = {rel: set(v.values()) for rel, v in known.items()}
        log += _kill_runs(ingest_cmd, data, rng, full * 0.6, change,
                          lambda: _check_index(data, src, known, None, current))  # fmt: skip
        final = subprocess.run(ingest_cmd, env=_env(data), capture_output=True, text=True)
        assert final.returncode in (0, 1), final.stderr
        assert _check_index(data, src, known, current) == len(current)
        again = subprocess.run(ingest_cmd, env=_env(data), capture_output=True, text=True)
        assert f"{len(current)} unchanged" in again.stdout, again.stdout
        time.sleep(1.0)  # let the watcher see the final state too
    finally:
        watcher.stop.set()
        if thread.is_alive():
            thread.join(timeout=60)
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    print("\n".join(log))
    assert any(line.startswith("killed") for line in log), log
    assert not watcher.problems, watcher.problems[:10]
    assert watcher.requests > 50 and watcher.hits_checked > 20, watcher


def test_searches_during_reingest_of_changed_files_see_whole_versions(tmp_path: Path) -> None:
    src, data = tmp_path / "archive", tmp_path / "data"
    require_corpus()
    paths = sample_paths(120, seed=13)
    versions: dict[str, dict[str, str]] = {}  # rel → {sha256: text}
    for p in paths:
        target = src / Path(p).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / p, target)
    index = SearchIndex(EmbeddedIndex(data))

    def remember() -> None:
        for f in src.iterdir():
            raw = f.read_bytes()
            versions.setdefault(f.name, {})[hashlib.sha256(raw).hexdigest()] = raw.decode()

    remember()
    assert not run_ingest(index, [src], workers=1).failed
    problems: list[str] = []
    checked = [0]
    stop = threading.Event()

    def search_loop(seed: int) -> None:
        rng = random.Random(seed)
        reader = SearchIndex(EmbeddedIndex(data))  # its own reader, like a server process
        while not stop.is_set():
            try:
                res = reader.search(Query(q=rng.choice(QUERIES), size=10, viewer=STAFF))
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                problems.append(f"search failed: {exc!r}")
                continue
            for hit in res.hits:
                known = versions.get(hit.doc.path, {})
                text = known.get(hit.doc.content_hash)
                if text is None or text.replace("\r\n", "\n") != hit.doc.text:
                    problems.append(f"{hit.doc.path}: text and hash of different versions")
                checked[0] += 1

    threads = [threading.Thread(target=search_loop, args=(s,)) for s in range(2)]
    for t in threads:
        t.start()
    try:
        for round_no in range(3):
            for f in sorted(src.iterdir())[round_no::2]:
                f.write_text(f.read_text(encoding="utf-8") + f"\n修订第{round_no}次。\n", "utf-8")
            remember()
            report = run_ingest(index, [src], workers=1)
            assert not report.failed and report.ok
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not problems, problems[:10]
    assert checked[0] > 100


def test_fetch_during_constant_reingest_never_returns_a_torn_text(tmp_path: Path) -> None:
    """A reader that looks a document up just before a new version is committed (and the old
    text collected) must get the new version whole, never an empty text."""
    import dataclasses

    from search_index.prepare import prepare
    from tests.corpus import corpus_document

    require_corpus()
    writer = EmbeddedIndex(tmp_path)
    base = [corpus_document(p) for p in sample_paths(5, seed=21)]
    assert all(r.ok for r in writer.write(prepare(d, "s") for d in base))
    texts: dict[str, str] = {d.content_hash: d.text for d in base}
    stop = threading.Event()
    torn: list[str] = []
    fetched = [0]

    def reader() -> None:
        ix = EmbeddedIndex(tmp_path)
        ids = [d.id for d in base]
        while not stop.is_set():
            for doc in ix.fetch(ids).values():
                fetched[0] += 1
                if not doc.text or texts.get(doc.content_hash, doc.text) != doc.text:
                    torn.append(doc.id)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for k in range(120):
            batch = []
            for d in base:
                text = d.text + f"\n第{k}次修订。"
                digest = hashlib.sha256(text.encode()).hexdigest()
                texts[digest] = text
                batch.append(dataclasses.replace(d, text=text, content_hash=digest))
            assert all(r.ok for r in writer.write(prepare(d, "s") for d in batch))
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert fetched[0] > 1000
    assert not torn, f"{len(torn)} torn reads of {fetched[0]}"
