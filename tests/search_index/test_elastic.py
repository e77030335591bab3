"""What only the Elasticsearch backend has: retries, failures, the alias lifecycle, health.

Everything runs against the real cluster at ``GOVSEARCH_ES_URL``. Network faults are the only
thing simulated: a TCP proxy that can be cut (the cluster "going away") and a transport node that
answers some bulk requests with 429/503 or a dropped connection before passing them on.
"""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, Urllib3HttpNode
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport._node._base import NodeApiResponse
from elasticsearch import Elasticsearch

import search_index.elastic as elastic_module
from model.errors import BackendUnavailable, ConfigError, Conflict
from model.settings import Settings
from model.version import version_tag
from model.viewer import STAFF
from search_index.elastic import ElasticsearchIndex
from search_index.elastic_dsl import mappings, source_of
from search_index.index import SearchIndex
from search_index.prepare import prepare
from search_index.request import Query
from tests.corpus import corpus_document, sample_paths
from tests.search_index.elastic_support import cluster_url, drop, unique_prefix

QUERIES = ("条例", '"人民政府"', "管理 办法", "個人資料")


@pytest.fixture(scope="module")
def url() -> str:
    return cluster_url()


@pytest.fixture(scope="module")
def documents():
    return [corpus_document(p) for p in sample_paths(40, seed=1)]


@pytest.fixture
def prefixes(url):
    made: list[str] = []
    yield made
    drop(url, made)


def fresh(url: str, prefixes: list[str], tag: str, **kwargs) -> ElasticsearchIndex:
    prefix = kwargs.pop("index_prefix", None) or unique_prefix(tag)
    if prefix not in prefixes:
        prefixes.append(prefix)
    return ElasticsearchIndex([url], index_prefix=prefix, **kwargs)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- a cuttable network path ---------------------------------------------------------------
class Proxy:
    """Forwards 127.0.0.1:<port> to the cluster until :meth:`cut`; :meth:`restore` reopens it."""

    def __init__(self, target: str) -> None:
        host, port = target.split("//", 1)[1].rstrip("/").rsplit(":", 1)
        self.target = (host, int(port))
        self.port = closed_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self._frozen = threading.Event()  # connections accepted, nothing answered: hung
        self.delay = 0.0  # seconds each piece of a request waits before it is passed on: slow
        self.restore()

    def freeze(self) -> None:
        self._frozen.set()

    def thaw(self) -> None:
        self._frozen.clear()

    def restore(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(16)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._socks += [client, upstream]
            for a, b, out in ((client, upstream, True), (upstream, client, False)):
                threading.Thread(target=self._pipe, args=(a, b, out), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, out: bool = False) -> None:
        try:
            while data := src.recv(65536):
                while self._frozen.is_set():
                    time.sleep(0.01)
                if self.delay and out:  # a request waits; its answer flows
                    time.sleep(self.delay)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        if self._server is not None:
            try:
                self._server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
            except OSError:
                pass
            self._server.close()
            self._server = None
        with self._lock:
            socks, self._socks = self._socks, []
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


# -- a transport node that injects bulk faults ----------------------------------------------
def faulty_client(url: str, faults: list[str], victim: str | None = None) -> Elasticsearch:
    """A client whose ``_bulk`` requests meet ``faults`` in order ("503": the whole request
    refused, "429": every item rejected, "drop": connection lost), then pass; ``victim``: that
    document's item is rejected with 429 on every attempt while the others are indexed."""

    class FaultyNode(Urllib3HttpNode):
        calls: list[str] = []

        def perform_request(self, method, target, body=None, headers=None, **kw):
            if "_bulk" not in target:
                return super().perform_request(method, target, body, headers, **kw)
            fault = faults.pop(0) if faults else "pass"
            FaultyNode.calls.append(fault)
            if fault == "drop":
                raise TransportConnectionError("injected: connection reset by peer")
            lines = [json.loads(x) for x in body.decode().splitlines() if x.strip()]
            pairs = list(zip(lines[::2], lines[1::2], strict=True))
            if fault == "503":
                error = {"error": {"type": "unavailable_shards_exception", "reason": "injected"},
                         "status": 503}
                return _response(self, 503, error)
            if fault == "429":
                return _response(self, 200, _rejected(pairs, [True] * len(pairs)))
            hit = [victim is not None and a["index"]["_id"] == victim for a, _ in pairs]
            if not any(hit):
                return super().perform_request(method, target, body, headers, **kw)
            rest = b"".join(
                json.dumps(x).encode() + b"\n"
                for (a, s), h in zip(pairs, hit, strict=True) if not h for x in (a, s)
            )
            items = iter([])
            if rest:
                res = super().perform_request(method, target, rest, headers, **kw)
                items = iter(json.loads(res.body)["items"])
            rejected = _rejected(pairs, hit)["items"]
            merged = [rejected[i] if h else next(items) for i, h in enumerate(hit)]
            return _response(self, 200, {"took": 1, "errors": True, "items": merged})

    client = Elasticsearch(url, node_class=FaultyNode)
    client.fault_calls = FaultyNode.calls  # type: ignore[attr-defined]
    return client


def _rejected(pairs, which) -> dict:
    items = []
    for (action, _), rejected in zip(pairs, which, strict=True):
        meta = action["index"]
        if rejected:
            err = {"type": "es_rejected_execution_exception", "reason": "injected rejection"}
            items.append({"index": {"_index": meta["_index"], "_id": meta["_id"],
                                    "status": 429, "error": err}})
        else:
            items.append(None)
    return {"took": 1, "errors": True, "items": items}


def _response(node: Urllib3HttpNode, status: int, body: dict) -> NodeApiResponse:
    headers = HttpHeaders(
        {"content-type": "application/json", "x-elastic-product": "Elasticsearch"}
    )
    meta = ApiResponseMeta(status=status, http_version="1.1", headers=headers, duration=0.0,
                           node=node.config)
    return NodeApiResponse(meta, json.dumps(body).encode())


# -- failures -------------------------------------------------------------------------------
def test_unreachable_cluster_names_the_url():
    port = closed_port()
    with pytest.raises(BackendUnavailable) as err:
        ElasticsearchIndex([f"http://admin:s3cret@127.0.0.1:{port}"], timeout=2)
    assert f"127.0.0.1:{port}" in err.value.message
    assert "s3cret" not in err.value.message and "s3cret" not in str(err.value.data)
    assert err.value.code == "backend_unavailable"


def test_https_to_a_plain_http_node_names_the_scheme():
    """"[SSL: WRONG_VERSION_NUMBER]" alone sent an operator to debug the network (QA 38c)."""
    import http.server
    import threading

    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(BackendUnavailable) as err:
            ElasticsearchIndex([f"https://127.0.0.1:{server.server_port}"], timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert "is it http://" in err.value.message, err.value.message


def test_bad_prefix_is_a_configuration_error():
    with pytest.raises(ConfigError):
        ElasticsearchIndex(["http://127.0.0.1:1"], index_prefix="Bad*Name")


@pytest.mark.parametrize("suffix", ["-copies", "-files", "-keys", "-querylog", "-moves"])
def test_a_prefix_naming_another_prefix_s_managed_index_is_refused(suffix):
    """QA pass 7: ``GOVSEARCH_ES_INDEX_PREFIX=qame-copies`` was told to rebuild with
    ``govsearch reindex``, which replaced qame's copy index with an empty one. Refused before
    any request (the URL here is closed)."""
    with pytest.raises(ConfigError) as err:
        ElasticsearchIndex([f"http://127.0.0.1:{closed_port()}"], index_prefix="qame" + suffix)
    assert suffix in err.value.message and "without" in err.value.message


@pytest.mark.elasticsearch
def test_cluster_going_away_is_503_not_a_stack_trace(url, prefixes, documents):
    proxy = Proxy(url)
    try:
        backend = fresh(proxy.url, prefixes, "down", initial_backoff=0.01, max_retries=2)
        assert all(r.ok for r in backend.write(prepare(d, "s") for d in documents[:5]))
        ix = SearchIndex(backend)
        assert ix.search(Query(q="", viewer=STAFF)).total == 5
        proxy.cut()
        for call in (
            lambda: ix.search(Query(q="条例")),
            lambda: backend.fetch([documents[0].id]),
            lambda: backend.fingerprints(),
            lambda: backend.count(),
        ):
            with pytest.raises(BackendUnavailable) as err:
                call()
            assert proxy.url in err.value.message and err.value.code == "backend_unavailable"
        health = backend.health()
        assert health["status"] == "unavailable" and health["backend"] == "elasticsearch"
        results = []
        with pytest.raises(BackendUnavailable):
            for r in backend.write(prepare(d, "s") for d in documents[5:8]):
                results.append(r)
        assert results and not any(r.ok for r in results) and proxy.url in results[0].error
        proxy.restore()
        assert ix.search(Query(q="", viewer=STAFF)).total == 5
        backend.close()
    finally:
        proxy.cut()


@pytest.mark.elasticsearch
def test_a_hung_cluster_fails_each_search_on_its_own_timeout(url, prefixes, documents, monkeypatch):
    """QA pass 32a: with the cluster hung (its JVM stopped), twenty searches were answered one
    after another, at 10, 20 … 110 s (a lock held through each reader's timeout, a pool of 10
    connections), and /api/health after 20 s. Now they fail together on their own timeout;
    after one timed out, reads fail at once for a few seconds, saying so; health waits at most
    its own few seconds; the thawed cluster answers again."""
    monkeypatch.setattr(elastic_module, "HUNG_HOLD", 1.0)
    proxy = Proxy(url)
    try:
        backend = fresh(proxy.url, prefixes, "hung", timeout=1.0)
        assert all(r.ok for r in backend.write(prepare(d, "s") for d in documents[:5]))
        ix = SearchIndex(backend)
        assert ix.search(Query(q="", viewer=STAFF)).total == 5
        proxy.freeze()
        backend.copy_list.forget()  # due to be read again: every search wants it
        failed: list[BackendUnavailable] = []

        def one(i: int) -> None:
            try:
                ix.search(Query(q=f"条例 {i}"))
            except BackendUnavailable as exc:
                failed.append(exc)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(16)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        took = time.monotonic() - start
        assert len(failed) == 16
        assert took < 4 * backend.timeout, took  # together: one after another took 16 s
        with pytest.raises(BackendUnavailable) as err:  # within the hold: at once, said so
            backend.count()
        assert "moments ago" in err.value.message
        # a search within the hold fails at once too: its stamp's reading (the documents'
        # generation) is held back as the search is (the review: 2-3 timeouts per search)
        time.sleep(elastic_module.HUNG_HOLD / 2)
        began = time.monotonic()
        with pytest.raises(BackendUnavailable):
            SearchIndex(backend).search(Query(q="条例"))
        assert time.monotonic() - began < backend.timeout / 2
        assert backend.health()["status"] == "unavailable"
        proxy.thaw()
        time.sleep(elastic_module.HUNG_HOLD)
        assert ix.search(Query(q="", viewer=STAFF)).total == 5
        backend.close()
    finally:
        proxy.thaw()
        proxy.cut()


@pytest.mark.elasticsearch
def test_a_slow_cluster_fails_health_in_seconds_and_holds_no_search_back(url, prefixes, documents):
    """The review of QA pass 32a's fix: /api/health's shorter timeout (3 s) on a slow but
    answering cluster must not hold the searches back, which still answer within theirs."""
    proxy = Proxy(url)
    try:
        backend = fresh(proxy.url, prefixes, "slow", timeout=10.0)
        assert all(r.ok for r in backend.write(prepare(d, "s") for d in documents[:3]))
        ix = SearchIndex(backend)
        ix.search(Query(q="", viewer=STAFF))  # the copy list read while fast
        proxy.delay = elastic_module.HEALTH_SECONDS + 0.5
        assert backend.health()["status"] == "unavailable"
        assert ix.search(Query(q="", viewer=STAFF)).total == 3  # slow, answered, not held
        backend.close()
    finally:
        proxy.delay = 0.0
        proxy.cut()


def test_an_index_deleted_under_a_server_is_503_for_documents_too(url, prefixes, documents):
    """QA pass 18: with the index deleted behind the alias, searches said 503 but a document
    page said 404 "no document with id" (mget answers a missing index per document)."""
    backend = fresh(url, prefixes, "gone")
    assert all(r.ok for r in backend.write(prepare(d, "s") for d in documents[:3]))
    assert documents[0].id in backend.fetch([documents[0].id])
    drop(url, [backend.alias])
    for call in (
        lambda: backend.fetch([documents[0].id]),
        lambda: backend.fetch([documents[0].id], texts=False),
        lambda: SearchIndex(backend).search(Query(q="条例")),
    ):
        with pytest.raises(BackendUnavailable) as err:
            call()
        assert "missing" in err.value.message, err.value.message
    backend.close()


# -- retries --------------------------------------------------------------------------------
@pytest.mark.elasticsearch
def test_bulk_retries_503_429_and_dropped_connections_then_succeeds(
    url, prefixes, documents, monkeypatch
):
    faults = ["503", "429", "drop", "503"]
    client = faulty_client(url, faults)
    prefix = unique_prefix("retry")
    backend = fresh(url, prefixes, "retry", index_prefix=prefix, client=client,
                    initial_backoff=0.05, max_retries=5, chunk_docs=100)
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)  # both retry layers sleep through it
    results = list(backend.write(prepare(d, "s") for d in documents))
    assert [r.ok for r in results] == [True] * len(documents), results[:2]
    assert client.fault_calls[:5] == ["503", "429", "drop", "503", "pass"]
    # streaming_bulk backs off 0.05 then 0.1 (503, 429); the dropped connection restarts the
    # chunk after 0.05, whose 503 costs another 0.05
    assert slept == [0.05, 0.1, 0.05, 0.05]
    assert backend.count() == len(documents)  # nothing twice
    assert backend.fingerprints() == {d.id: d.content_hash[:16] for d in documents}


@pytest.mark.elasticsearch
def test_refresh_interval_is_restored_when_the_first_try_meets_no_answer(
    url, prefixes, documents, monkeypatch
):
    """A bulk load relaxes the refresh interval; restoring it is tried again when the busy
    node does not answer, so the index is not left at ``-1`` (never refreshing)."""

    class DroppingNode(Urllib3HttpNode):
        restores = 0

        def perform_request(self, method, target, body=None, headers=None, **kw):
            if method == "PUT" and "_settings" in target and b'"1s"' in (body or b""):
                DroppingNode.restores += 1
                if DroppingNode.restores == 1:
                    raise TransportConnectionError("injected: no answer")
            return super().perform_request(method, target, body, headers, **kw)

    client = Elasticsearch(url, node_class=DroppingNode, max_retries=0)
    backend = fresh(url, prefixes, "restore", client=client, chunk_docs=10,
                    initial_backoff=0.01)
    monkeypatch.setattr(time, "sleep", lambda s: None)
    results = list(backend.write(prepare(d, "s") for d in documents[:30]))
    assert [r.ok for r in results] == [True] * 30
    assert DroppingNode.restores == 2
    settings = Elasticsearch(url).indices.get_settings(index=backend.alias)
    (found,) = (v["settings"]["index"]["refresh_interval"] for v in settings.body.values())
    assert found == "1s" and backend.count() == 30


@pytest.mark.elasticsearch
def test_failed_document_is_reported_and_a_rerun_writes_it(url, prefixes, documents):
    docs = documents[:12]
    victim = docs[4]
    client = faulty_client(url, [], victim=victim.id)
    prefix = unique_prefix("partial")
    backend = fresh(url, prefixes, "partial", index_prefix=prefix, client=client,
                    initial_backoff=0.01, max_retries=2)
    first = list(backend.write(prepare(d, "s") for d in docs))
    assert sorted(r.id for r in first) == sorted(d.id for d in docs)  # one result per document
    failed = [r for r in first if not r.ok]
    assert [r.id for r in failed] == [victim.id] and "429" in failed[0].error
    assert failed[0].path == victim.path
    assert backend.count() == len(docs) - 1

    # a document Elasticsearch itself refuses: reported with its reason, the others written
    bad = prepare(documents[20], "s")
    bad = dataclasses.replace(bad, ints={"date": 2**40, "year": 0})
    plain = ElasticsearchIndex([url], index_prefix=prefix)
    second = list(plain.write([bad, prepare(documents[21], "s")]))
    assert [r.ok for r in second] == [False, True]
    assert "parsing_exception" in second[0].error and "[date]" in second[0].error
    assert len(second[0].error) < 600  # the document's JSON quoted by Elasticsearch is cut

    rerun = list(plain.write(prepare(d, "s") for d in docs))  # the fault has passed
    assert all(r.ok for r in rerun)
    assert plain.count() == len(docs) + 1
    assert set(plain.fingerprints()) == {d.id for d in docs} | {documents[21].id}


# -- lifecycle ------------------------------------------------------------------------------
@pytest.mark.elasticsearch
def test_from_settings_health_and_versioned_alias(url, prefixes):
    prefix = unique_prefix("settings")
    prefixes.append(prefix)
    settings = Settings(backend="elasticsearch", es_urls=(url,), es_index_prefix=prefix)
    backend = ElasticsearchIndex.from_settings(settings)
    health = backend.health()
    assert health["backend"] == "elasticsearch" and health["status"] in ("green", "yellow")
    assert health["documents"] == 0 and health["url"] == url
    assert health["index"] == backend.physical
    assert backend.physical.startswith(f"{prefix}-{version_tag()}-")
    raw = Elasticsearch(url)
    assert list(raw.indices.get_alias(name=prefix)) == [backend.physical]
    again = ElasticsearchIndex.from_settings(settings)  # opening twice reuses the index
    assert again.physical == backend.physical
    raw.close()


@pytest.mark.elasticsearch
def test_reindex_keeps_serving_searches_and_swaps_the_alias(
    url, prefixes, documents, monkeypatch
):
    backend = fresh(url, prefixes, "reindex")
    prefix = backend.alias
    items = [prepare(d, "s") for d in documents]
    items[0] = dataclasses.replace(items[0], stored={**items[0].stored, "note": [1, 2, 3]})
    assert all(r.ok for r in backend.write(items))
    reader = SearchIndex(ElasticsearchIndex([url], index_prefix=prefix))
    before = {q: [h.doc.id for h in reader.search(Query(q=q, size=50)).hits] for q in QUERIES}
    old = backend.physical

    seen: dict[str, object] = {}
    real_prepare = elastic_module.prepare

    def watching_prepare(doc, source):
        seen["n"] = int(seen.get("n", 0)) + 1  # type: ignore[arg-type]
        if seen["n"] == len(documents) // 2:  # half-way through the rebuild
            seen["during"] = {
                q: [h.doc.id for h in reader.search(Query(q=q, size=50)).hits] for q in QUERIES
            }
            writer = ElasticsearchIndex([url], index_prefix=prefix)
            seen["write"] = list(writer.write([prepare(documents[0], "s")]))
        return real_prepare(doc, source)

    monkeypatch.setattr(elastic_module, "prepare", watching_prepare)
    report = backend.reindex()
    assert seen["during"] == before  # searches were served from the old index meanwhile
    blocked = seen["write"][0]  # type: ignore[index]
    assert not blocked.ok and "reindex" in blocked.error  # refused loudly, not lost
    assert report["documents"] == len(documents) and report["old_index"] == old
    raw = Elasticsearch(url)
    assert list(raw.indices.get_alias(name=prefix)) == [report["index"]] != [old]
    assert not raw.indices.exists(index=old)
    raw.close()
    after = {q: [h.doc.id for h in reader.search(Query(q=q, size=50)).hits] for q in QUERIES}
    assert after == before
    assert backend.fingerprints() == {d.id: d.content_hash[:16] for d in documents}
    # what prepare computes is recomputed, what other stages stored is carried over
    extra = backend.stored_extra([documents[0].id])[documents[0].id]
    assert extra == {**prepare(documents[0], "s").stored, "note": [1, 2, 3]}
    assert all(r.ok for r in backend.write([prepare(documents[0], "s")]))  # writable again


@pytest.mark.elasticsearch
def test_schema_mismatch_is_refused_until_reindexed(url, prefixes, documents):
    prefix = unique_prefix("stale")
    prefixes.append(prefix)
    raw = Elasticsearch(url)
    old_mapping = mappings()
    old_mapping["_meta"] = {"govsearch": {"schema": "0", "analysis": "0"}}
    raw.indices.create(index=f"{prefix}-0-old", mappings=old_mapping, aliases={prefix: {}})
    for d in documents[:10]:
        raw.index(index=prefix, id=d.id, document=source_of(prepare(d, "s")))
    raw.indices.refresh(index=prefix)

    with pytest.raises(Conflict) as err:
        ElasticsearchIndex([url], index_prefix=prefix)
    assert "govsearch reindex" in err.value.message and err.value.code == "conflict"

    report = ElasticsearchIndex([url], index_prefix=prefix, allow_stale=True).reindex()
    assert report["documents"] == 10
    fresh_ix = SearchIndex(ElasticsearchIndex([url], index_prefix=prefix))
    assert fresh_ix.count(STAFF) == 10
    assert fresh_ix.search(Query(q=documents[0].meta.title)).hits[0].doc.id == documents[0].id
    raw.close()


@pytest.mark.elasticsearch
def test_a_rebuild_counts_the_lexicon_again(url, prefixes, documents, tmp_path):
    """QA pass 45b: after ``govsearch reindex`` (the upgrade path of a changed analysis) the
    lexicon stayed the old analysis's: 身份证 lost the 222 documents its expansion to Taiwan's
    身分证 finds. A rebuild counts it again from the documents, as a fresh ingest would."""
    from pipeline.lexicon import LexiconBuilder
    from pipeline.run import rebuild
    from search_index.citizen_words import LEXICON_DIR

    backend = fresh(url, prefixes, "recount")
    items = [prepare(d, "s") for d in documents]
    assert all(r.ok for r in backend.write(items))
    expected = LexiconBuilder()
    for item in items:
        expected.add(item)
    want = tmp_path / "want"
    expected.write(want, whole_index=True)
    lexicon = tmp_path / "data" / LEXICON_DIR
    lexicon.mkdir(parents=True)
    (lexicon / "vocabulary.tsv").write_text("旧分析的词\t999\n", encoding="utf-8")
    result = rebuild(SearchIndex(backend), tmp_path / "data")
    assert result["documents"] == len(documents)
    assert result["lexicon"] == {"counted": len(documents), "failed": []}
    got = (lexicon / "vocabulary.tsv").read_text(encoding="utf-8")
    assert "旧分析的词" not in got
    assert got == (want / LEXICON_DIR / "vocabulary.tsv").read_text(encoding="utf-8")


@pytest.mark.elasticsearch
def test_a_plain_index_named_like_the_alias_is_refused(url, prefixes):
    prefix = unique_prefix("plain")
    raw = Elasticsearch(url)
    raw.indices.create(index=prefix)
    try:
        with pytest.raises(Conflict):
            ElasticsearchIndex([url], index_prefix=prefix)
    finally:
        raw.indices.delete(index=prefix)
        raw.close()


@pytest.mark.elasticsearch
def test_the_lexicon_needs_no_fielddata(url, prefixes, documents, tmp_path, monkeypatch):
    """The pinyin lexicon and term suggestions read the words' doc-values copies: with the
    fielddata breaker at one byte (at a million documents ``body_w``'s fielddata outgrew a 2 GB
    heap's breaker) they list exactly the words, with the counts, of the embedded backend."""
    from search_index.embedded import EmbeddedIndex
    from search_index.lexicon import build
    from search_index.tree import MatchAll, Plan

    mapped = mappings()["properties"]
    assert "fielddata" not in mapped["body_w"] and "fielddata" not in mapped["title_w"]
    items = [prepare(d, "corpus") for d in documents[:12]]
    embedded = EmbeddedIndex(tmp_path)
    try:
        assert all(r.ok for r in embedded.write(items))
        expected = build(embedded).counts
        expected_top = embedded.terms("body_w", "", Plan(query=MatchAll()), limit=5)
    finally:
        embedded.close()
    es = Elasticsearch([url])
    backend = fresh(url, prefixes, "nofd")
    try:
        assert all(r.ok for r in backend.write(items))  # refreshed when the write ends
        es.cluster.put_settings(transient={"indices.breaker.fielddata.limit": "1b"})
        monkeypatch.setattr(elastic_module, "_TERMS_PAGE", 300)  # many composite pages
        lexicon = build(backend)
        top = backend.terms("body_w", "", Plan(query=MatchAll()), limit=5)
    finally:
        es.cluster.put_settings(transient={"indices.breaker.fielddata.limit": None})
        backend.close()
    assert len(expected) > 500 and lexicon.counts == expected
    assert top == expected_top


@pytest.mark.elasticsearch
def test_an_index_made_before_the_word_copies_keeps_working(url, prefixes, documents):
    """An index of the same version made before the keyword copies (its word fields walked
    through fielddata) still takes writes, which must not send the copies its strict mapping
    refuses, and still lists its words; ``reindex`` moves it to the copies, same words."""
    from search_index.elastic_dsl import WORD_TERM_FIELDS, terms_field
    from search_index.lexicon import build

    prefix = unique_prefix("precopy")
    prefixes.append(prefix)
    old = mappings()
    for name in WORD_TERM_FIELDS:
        del old["properties"][terms_field(name)]
        old["properties"][name]["fielddata"] = True
    raw = Elasticsearch(url)
    raw.indices.create(index=f"{prefix}-0-old", mappings=old, aliases={prefix: {}})
    backend = ElasticsearchIndex([url], index_prefix=prefix)
    try:
        results = list(backend.write(prepare(d, "s") for d in documents[:10]))
        assert all(r.ok for r in results), results[:1]
        before = build(backend).counts
        assert len(before) > 300
        backend.reindex()
        props = raw.indices.get_mapping(index=prefix)
        (mapping,) = (m["mappings"]["properties"] for m in props.body.values())
        assert terms_field("body_w") in mapping and "fielddata" not in mapping["body_w"]
        assert build(backend).counts == before
    finally:
        backend.close()
        raw.close()


# -- the list of texts with copies (search_index.elastic_copies) ----------------------------
def _copy_pair():
    from tests.search_index.contract import sample_document

    law = "docs/lawrefbook/xianfa_xiangguan/lrb_02404.txt"  # = xingzhengfa/lrb_02680
    a = sample_document(law)
    b = sample_document("docs/lawrefbook/xingzhengfa/lrb_02680.txt", fmt="html", agency="公安部")
    other = sample_document("docs/govcn_policy/govcn_002.txt")
    assert a.text == b.text
    return a, b, other


def test_copies_written_by_two_processes_are_one_result_on_every_server(url, prefixes):
    """Two ingests each write one copy of a text and a third server, open before either wrote,
    searches: the copies are one result there as soon as its list is re-read (at most
    ``CHECK_EVERY`` later), and an index without copies counts nothing at all."""
    from search_index.elastic_copies import CHECK_EVERY

    a, b, other = _copy_pair()
    prefix = unique_prefix("copylist")
    prefixes.append(prefix)
    first, second, server = (ElasticsearchIndex([url], index_prefix=prefix) for _ in range(3))
    try:
        assert all(r.ok for r in first.write(prepare(d, "s") for d in (a, other)))
        assert server.copy_list.keys() == ()
        assert server.copy_groups(SearchIndex(server)._plan(Query(q="居民身份证"))[0]) == {}
        assert all(r.ok for r in second.write([prepare(b, "s")]))
        key = prepare(a, "s").keywords["content_key"][0]
        assert second.copy_list.keys() == (key,)  # the writer sees its own list at once
        time.sleep(CHECK_EVERY + 0.1)
        res = SearchIndex(server).search(Query(q='"居民身份证"'))
        assert res.total == 1 and len(res.hits) == 1
        assert {res.hits[0].doc.id, *(c.id for c in res.hits[0].copies)} == {a.id, b.id}
    finally:
        for backend in (first, second, server):
            backend.close()


def test_an_index_made_before_the_copy_list_still_groups_copies(url, prefixes, monkeypatch):
    """An index without a list (made by an earlier version) counts the copies among every
    match, as before; ``reindex`` gives the new index a list holding the shared text (listed
    on its way: ``_LIST_EVERY`` is lowered so the rebuild refreshes and lists mid-load)."""
    from search_index.elastic_copies import list_name

    a, b, other = _copy_pair()
    monkeypatch.setattr(elastic_module, "_LIST_EVERY", 2)
    backend = fresh(url, prefixes, "nolist")
    raw = Elasticsearch(url)
    try:
        assert all(r.ok for r in backend.write(prepare(d, "s") for d in (a, b, other)))
        raw.indices.delete(index=list_name(backend.physical))
        old = ElasticsearchIndex([url], index_prefix=backend.alias)
        assert old.copy_list.keys() is None
        res = SearchIndex(old).search(Query(q='"居民身份证"'))
        assert res.total == 1 and len(res.hits[0].copies) == 1
        before = old.physical
        old.reindex()
        assert not raw.indices.exists(index=list_name(before))
        key = prepare(a, "s").keywords["content_key"][0]
        assert old.copy_list.keys() == (key,)
        assert raw.indices.exists(index=list_name(old.physical))
        res = SearchIndex(old).search(Query(q='"居民身份证"'))
        assert res.total == 1 and len(res.hits[0].copies) == 1
        old.close()
    finally:
        backend.close()
        raw.close()


def test_a_bulk_load_lists_copies_as_it_goes(url, prefixes, documents, monkeypatch):
    """A load longer than ``_LIST_EVERY`` keys refreshes and lists the copies found so far
    on its way (memory stays bounded), copies written in chunks far apart included, and the
    keys of the last stretch at the end."""
    a, b, _ = _copy_pair()
    monkeypatch.setattr(elastic_module, "_LIST_EVERY", 3)
    backend = fresh(url, prefixes, "listing", chunk_docs=2)
    try:
        items = [prepare(d, "s") for d in (a, *documents[:6], b, *documents[6:9])]
        assert all(r.ok for r in backend.write(items))
        key = items[0].keywords["content_key"][0]
        assert backend.copy_list.keys() == (key,)
        res = SearchIndex(backend).search(Query(q='"居民身份证"', size=50))
        groups = [{h.doc.id, *(c.id for c in h.copies)} for h in res.hits]
        assert {a.id, b.id} in groups and res.total == len(res.hits)  # one result, not two
    finally:
        backend.close()


@pytest.mark.elasticsearch
def test_a_hung_cluster_holds_no_request_behind_a_staff_key_check(
    url, prefixes, documents, tmp_path
):
    """QA pass 35a: with the cluster hung, three staff requests answered 503 at 10, 20 and
    30 s and /api/health at 30 s: the key check, a request to the cluster, ran on the event
    loop (the middleware that checks keys before bodies). Now it runs off the loop: the staff
    requests fail together on their own timeout and health answers within its own."""
    import asyncio

    import httpx

    from govsearch.app import create_app

    proxy = Proxy(url)
    try:
        backend = fresh(proxy.url, prefixes, "hungkey", timeout=2.0)
        assert all(r.ok for r in backend.write(prepare(d, "s") for d in documents[:3]))
        settings = Settings(data_dir=tmp_path / "data", backend="elasticsearch",
                            es_urls=(proxy.url,), es_index_prefix=backend.alias)  # fmt: skip
        app = create_app(settings, index=SearchIndex(backend))
        _, key = app.state.keys.create("operator")
        staff = {"Authorization": f"Bearer {key}"}
        start = 0.0  # set when the load begins

        async def done(client: httpx.AsyncClient, path: str, headers: dict) -> tuple[int, float]:
            r = await client.get(path, headers=headers)
            return r.status_code, time.monotonic() - start  # answered this long after the load

        async def load() -> list[tuple[int, float]]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                staffs = [done(client, "/api/stats", staff) for _ in range(3)]

                async def health() -> tuple[int, float]:
                    await asyncio.sleep(0.2)  # once the key checks are waiting
                    return await done(client, "/api/health", {})

                return await asyncio.gather(*staffs, health())

        proxy.freeze()
        start = time.monotonic()
        *checks, (health_status, health_at) = asyncio.run(load())
        assert all(status == 503 for status, _ in checks), checks
        # together: one after another they answered at 2, 4 and 6 s
        assert max(at for _, at in checks) < 2 * backend.timeout, checks
        assert health_status == 503, health_status
        assert health_at < elastic_module.HEALTH_SECONDS + 1, health_at
        backend.close()
    finally:
        proxy.thaw()
        proxy.cut()


@pytest.mark.elasticsearch
def test_an_upload_while_reindex_holds_the_index_read_only_is_a_409(
    url, prefixes, documents, tmp_path
):
    """QA pass 35a: an upload during `reindex` was a 422 ("content holds nothing to work on"),
    which a script takes for a bad file and does not retry; the file was fine. A 409 with
    Retry-After says to upload again, as a second reindex is told."""
    from fastapi.testclient import TestClient

    from govsearch.app import create_app

    backend = fresh(url, prefixes, "blocked")
    assert all(r.ok for r in backend.write(prepare(d, "s") for d in documents[:2]))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "b.txt").write_text("关于路灯维护的通知\n请各单位落实。\n", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", backend="elasticsearch", es_urls=(url,),
                        es_index_prefix=backend.alias, ingest_roots=(inbox,))  # fmt: skip
    app = create_app(settings, index=SearchIndex(backend))
    _, key = app.state.keys.create("staff")
    client = TestClient(app)
    backend.es.indices.add_block(index=backend.alias, block="write")  # as reindex holds it
    try:
        r = client.post("/api/documents", headers={"Authorization": f"Bearer {key}"},
                        files={"file": ("a.txt", "关于绿地养护的通知\n请各单位落实。\n".encode())})
        assert r.status_code == 409, r.text
        assert "reindex" in r.json()["error"]["message"] and r.headers["Retry-After"] == "60"
        assert not list((tmp_path / "data" / "uploads").iterdir())  # no orphan kept
        # a deletion meanwhile is told the same (QA pass 35c: a 503, as if the cluster were down)
        (doc,) = list(SearchIndex(backend).catalog(STAFF))[:1]
        r = client.delete(f"/api/documents/{doc.id}", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 409 and r.headers["Retry-After"] == "60", r.text
        # and an ingest of a folder on the server (QA pass 35c: a 200 with every file failed)
        r = client.post("/api/ingest", headers={"Authorization": f"Bearer {key}"},
                        json={"paths": [str(inbox)]})  # fmt: skip
        assert r.status_code == 409 and r.headers["Retry-After"] == "60", r.text
        assert r.json()["error"]["data"]["report"]["failed_files"][0]["path"].endswith("b.txt")
    finally:
        backend.es.indices.put_settings(index=backend.alias,
                                        settings={"index.blocks.write": None})  # fmt: skip
        backend.close()



@pytest.mark.elasticsearch
def test_the_stamp_of_an_index_made_again_under_its_name_is_another(url, prefixes, documents):
    """The review: the stamp (list name, term, sequence number) of an index dropped and made
    again under the same prefix came out the same, and a pinyin lexicon kept for the first
    index's documents was loaded for the second's. The lists' uuids tell them apart."""
    first = fresh(url, prefixes, "again")
    prefix = first.alias
    assert all(r.ok for r in first.write([prepare(documents[0], "s")]))
    before = first.stamp()
    first.close()
    drop(url, [prefix])
    second = fresh(url, prefixes, "again", index_prefix=prefix)
    try:
        assert all(r.ok for r in second.write([prepare(documents[1], "s")]))
        assert before and second.stamp() and second.stamp() != before
    finally:
        second.close()


@pytest.mark.elasticsearch
def test_a_slow_cluster_costs_a_search_its_deadline_not_the_sum_of_its_calls(
    url, prefixes, documents, tmp_path
):
    """QA pass 35a: a cluster slow but not hung answered each call within its timeout, and a
    search page that asks several times took 30-50 s. A read request now gives up at the
    first call past three per-call timeouts in all, with the 503 of a cluster that does not
    answer; a write is never cut short by it."""
    from fastapi.testclient import TestClient

    from govsearch.app import create_app
    from search_api.request_time import REQUEST_TIMEOUTS

    proxy = Proxy(url)
    try:
        backend = fresh(proxy.url, prefixes, "slow", timeout=5.0)
        assert all(r.ok for r in backend.write(prepare(d, "s") for d in documents[:3]))
        per_call = 0.5  # the server's setting; the backend's own calls wait up to 5 s
        settings = Settings(data_dir=tmp_path / "data", backend="elasticsearch",
                            es_urls=(proxy.url,), es_index_prefix=backend.alias,
                            es_timeout=per_call)  # fmt: skip
        app = create_app(settings, index=SearchIndex(backend))
        client = TestClient(app)
        assert client.get("/api/search", params={"q": "通知"}).status_code == 200
        proxy.delay = 0.6  # each call answers, after a while
        start = time.monotonic()
        r = client.get("/api/search", params={"q": "管理办法 通知"})
        took = time.monotonic() - start
        assert r.status_code == 503, (r.status_code, took)
        assert took < REQUEST_TIMEOUTS * per_call + 2 * proxy.delay + 1, took
        proxy.delay = 0.0
        assert client.get("/api/search", params={"q": "管理办法 通知"}).status_code == 200
    finally:
        backend.close()
        proxy.cut()
