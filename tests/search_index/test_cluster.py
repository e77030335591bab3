"""A real 3-node Elasticsearch cluster, not one node.

The bundled ``samples/`` are ingested with the real ``govsearch ingest`` command into a
3-shard/1-replica index on the cluster at ``GOVSEARCH_ES_CLUSTER_URLS`` (started by
``.ci/es-cluster.sh``) and into a single-node index at ``GOVSEARCH_ES_URL``, and checked:

* the same match sets (and facet counts) as one node on generated queries: shards change
  scores, never which documents match;
* two ingest processes on different folders, started at the same moment, give exactly the
  documents one process gives (including the race to create the first index);
* one node SIGKILLed in the middle of a search load: every search answers, and answers right,
  after the client's retries; no document is lost; the node's return heals the cluster (green).

Without a cluster the module skips on a developer machine and fails in CI (``CI=true``).
Start one with ``bash .ci/es-cluster.sh start 3`` and export what it prints as
``GOVSEARCH_ES_CLUSTER_URLS``; the kill and the restart go through the same script.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch, helpers

from model.document import document_from_stored
from model.viewer import STAFF
from search_index.citizen_words import (
    LEXICON_DIR,
    MINED_FILE,
    TITLES_FILE,
    VOCABULARY_FILE,
    parse_rules,
)
from search_index.elastic import ElasticsearchIndex
from search_index.index import SearchIndex
from search_index.request import Query
from tests.search_index.elastic_support import cluster_url, drop, reachable, unique_prefix
from tests.search_index.parity_queries import compare, generate

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "es-cluster.sh"
SAMPLES = ROOT / "samples"
FOLDERS = ("samples/docs", "samples/files")
N_QUERIES = 84  # six of each generated kind
LOAD_THREADS = 2
LOAD_MAX_SEARCHES = 3000  # per thread: the load is bounded even if the clock misbehaves


def cluster_urls() -> list[str]:
    """The cluster's node URLs, else skip (or fail in CI: an untested cluster is untested)."""
    urls = [u.strip() for u in os.environ.get("GOVSEARCH_ES_CLUSTER_URLS", "").split(",")]
    urls = [u for u in urls if u]
    if len(urls) >= 3 and all(reachable(u) for u in urls):
        return urls
    message = (
        f"no 3-node cluster at GOVSEARCH_ES_CLUSTER_URLS={','.join(urls) or '(unset)'}; "
        "start one with: export GOVSEARCH_ES_CLUSTER_URLS=$(bash .ci/es-cluster.sh start 3)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError("unreachable")  # pragma: no cover - skip raises


def start_ingest(
    urls: list[str], prefix: str, folders: tuple[str, ...], data_dir: Path
) -> subprocess.Popen:
    """``govsearch ingest`` in its own process, on this checkout's code, into ``prefix``, with a
    data folder of its own (as on a loader machine of its own)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GOVSEARCH_DATA_DIR": str(data_dir),
        "GOVSEARCH_BACKEND": "elasticsearch",
        "GOVSEARCH_ES_URL": ",".join(urls),
        "GOVSEARCH_ES_INDEX_PREFIX": prefix,
        "GOVSEARCH_ES_SHARDS": "3" if len(urls) > 1 else "1",
        "GOVSEARCH_ES_REPLICAS": "1" if len(urls) > 1 else "0",
    }
    cmd = [sys.executable, "-m", "govsearch.cli", "ingest", *folders,
           "--catalog", "samples/catalog.csv", "--quiet", "--workers", "1"]
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(proc: subprocess.Popen, timeout: float = 600) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"ingest failed ({proc.returncode}): {out}\n{err[-2000:]}"
    return out


def script(*args: str, timeout: float = 300) -> str:
    """Run ``.ci/es-cluster.sh`` (the same one that started the cluster)."""
    done = subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"es-cluster.sh {' '.join(args)}: {done.stderr[-2000:]}"
    return done.stdout.strip()


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Three indexes of the same samples, ingested at the same time: ``one`` on the cluster by
    one process, ``two`` on the cluster by two processes (one folder each), ``single`` on the
    single node."""
    urls, single_url = cluster_urls(), cluster_url()
    names = {k: unique_prefix(f"cluster-{k}") for k in ("one", "two", "single")}
    data = [tmp_path_factory.mktemp(f"loader{i}") for i in range(2 + len(FOLDERS))]
    procs = [
        start_ingest(urls, names["one"], FOLDERS, data[0]),
        start_ingest([single_url], names["single"], FOLDERS, data[1]),
        *(start_ingest(urls, names["two"], (folder,), data[2 + i])
          for i, folder in enumerate(FOLDERS)),
    ]
    try:
        outputs = [finish(p) for p in procs]
        yield {"urls": urls, "single_url": single_url, "names": names, "outputs": outputs}
    finally:
        for p in procs:  # a failed one leaves the others running: stop them, close pipes
            if p.poll() is None:
                p.kill()
            p.wait()
            for pipe in (p.stdout, p.stderr):
                if pipe is not None:
                    pipe.close()
        drop(urls[0], [names["one"], names["two"]])
        drop(single_url, [names["single"]])


@pytest.fixture(scope="module")
def indexes(loaded):
    one = ElasticsearchIndex(loaded["urls"], index_prefix=loaded["names"]["one"])
    two = ElasticsearchIndex(loaded["urls"], index_prefix=loaded["names"]["two"])
    single = ElasticsearchIndex([loaded["single_url"]], index_prefix=loaded["names"]["single"])
    yield {k: SearchIndex(b) for k, b in (("one", one), ("two", two), ("single", single))}
    for b in (one, two, single):
        b.close()


def test_index_is_spread_over_three_nodes(loaded, indexes):
    url, name = loaded["urls"][0], loaded["names"]["one"]
    settings = get_json(f"{url}/{name}/_settings")
    layout = next(iter(settings.values()))["settings"]["index"]
    assert (layout["number_of_shards"], layout["number_of_replicas"]) == ("3", "1")
    assert layout["refresh_interval"] == "1s"  # restored after the bulk load
    health = get_json(f"{url}/_cluster/health/{name}")
    assert health["status"] == "green" and health["number_of_nodes"] == 3
    shards = get_json(f"{url}/_cat/shards/{name}?format=json")
    assert len(shards) == 6 and len({s["node"] for s in shards}) == 3
    n = indexes["single"].count(STAFF)
    assert n == indexes["one"].count(STAFF) > 150


def test_same_match_sets_as_one_node(loaded, indexes):
    es = Elasticsearch(loaded["single_url"])
    try:
        query = {"_source": ["meta", "text"]}
        hits = helpers.scan(es, index=loaded["names"]["single"], query=query)
        docs = [document_from_stored(h["_source"]["meta"], h["_source"]["text"])[0] for h in hits]
    finally:
        es.close()
    rows = [compare(indexes["single"], indexes["one"], q) for q in generate(docs, N_QUERIES)]
    assert sum(1 for r in rows if r.total[0]) > N_QUERIES * 0.8
    differing = [(r.query.q, r.detail) for r in rows if not (r.same_set and r.same_facets)]
    assert not differing, differing[:5]


def test_two_ingest_processes_equal_one(loaded, indexes):
    one, two = indexes["one"], indexes["two"]
    made = get_json(f"{loaded['urls'][0]}/_cat/indices/{loaded['names']['two']}-*?format=json")
    # (the lexicon both published, merged, is <prefix>-files: test below)
    names = sorted(m["index"] for m in made if not m["index"].endswith("-files"))
    # both processes raced to create the index: one index is left, with its copy list
    assert len(names) == 2 and names[1] == f"{names[0]}-copies", names
    # the 洪泽区 2023 report is in both folders (TXT and the published PDF): each process wrote
    # one copy, and the one that refreshed later listed the text
    listed = one.backend.copy_list.keys()
    assert listed and two.backend.copy_list.keys() == listed
    fp = one.fingerprints()
    assert two.fingerprints() == fp and len(fp) == one.count(STAFF)
    ids = sorted(fp)
    assert two.backend.fetch(ids) == one.backend.fetch(ids)
    assert two.backend.stored_extra(ids) == one.backend.stored_extra(ids)
    for q in ("条例", '"人民政府"', "個人資料 保護", "zfxxgk"):
        a, b = one.search(Query(q=q, size=50)), two.search(Query(q=q, size=50))
        assert a.total == b.total and {h.doc.id for h in a.hits} == {h.doc.id for h in b.hits}


def test_two_ingest_processes_merge_their_lexicons(loaded, indexes, tmp_path):
    """Each loader merged its short forms and titles into the cluster's lexicon, neither
    overwriting the other's: the same rules and the same counts as one process (each loader
    adds the documents new to the index; they were merged by maximum, so a word's count was
    at most one process's)."""
    copies = {}
    for k in ("one", "two"):
        shared = indexes[k].backend.shared_folders()
        assert shared.pull(tmp_path / k, LEXICON_DIR) is True
        copies[k] = tmp_path / k / LEXICON_DIR

    def rules(folder: Path) -> dict[str, set[str]]:
        parsed = parse_rules((folder / MINED_FILE).read_text(encoding="utf-8"))
        return {short: set(longs) for short, longs in parsed.items()}

    def counts(folder: Path, name: str) -> dict[str, int]:
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        return {"\t".join(line.split("\t")[:-1]): int(line.split("\t")[-1]) for line in lines}

    assert rules(copies["two"]) == rules(copies["one"]) and rules(copies["one"])
    assert counts(copies["two"], TITLES_FILE) == counts(copies["one"], TITLES_FILE)
    one, two = (counts(copies[k], VOCABULARY_FILE) for k in ("one", "two"))
    assert two and two == one


def _master_node(url: str) -> int:
    """Which node (1-based, as es-cluster.sh counts) is the elected master."""
    name = get_json(f"{url}/_cat/master?format=json")[0]["node"]
    return int(name.rsplit("-", 1)[1])


def test_node_killed_during_search_load(loaded, indexes):
    urls = loaded["urls"]
    ix = indexes["one"]
    queries = [Query(q=q, size=50) for q in
               ("条例", '"人民政府"', "管理 办法", "個人資料", "预算 报告", "台南市", "宪法")]
    expected = {}
    for q in queries:
        res = ix.search(q)
        expected[q.q] = (res.total, {h.doc.id for h in res.hits})
    assert sum(1 for total, _ in expected.values() if total) >= 5
    documents = ix.count(STAFF)

    stop = threading.Event()
    done: list[int] = []
    failures: list[str] = []
    slowest: list[float] = []
    answered: list[float] = []  # when each search came back (list.append is thread-safe)

    def load(worker: int) -> None:
        n, worst = 0, 0.0
        while not stop.is_set() and n < LOAD_MAX_SEARCHES:
            q = queries[(worker + n) % len(queries)]
            n += 1
            t0 = time.perf_counter()
            try:
                res = ix.search(q)
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                failures.append(f"{q.q}: {type(exc).__name__}: {exc}")
                continue
            finally:
                worst = max(worst, time.perf_counter() - t0)
                answered.append(time.monotonic())
            got = (res.total, {h.doc.id for h in res.hits})
            if got != expected[q.q]:
                failures.append(f"{q.q}: {got[0]} hits, expected {expected[q.q][0]}")
        done.append(n)
        slowest.append(worst)

    victim = _master_node(urls[0])  # the hardest case: the cluster also elects a new master
    threads = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(LOAD_THREADS)]
    for t in threads:
        t.start()
    try:
        time.sleep(2)
        script("node-kill", str(victim))
        killed_at = time.monotonic()
        # keep searching while the cluster notices and elects a new master: at least 6 s and
        # 20 searches after the kill (a busy machine answers slowly), at most a minute
        while time.monotonic() - killed_at < 60:
            after = sum(1 for t in answered if t > killed_at)
            if time.monotonic() - killed_at >= 6 and after >= 20:
                break
            time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    after = sum(1 for t in answered if t > killed_at)
    print(f"searches under load: {sum(done)} ({after} after the kill), "
          f"failures: {len(failures)}, slowest {max(slowest):.2f} s")
    assert not failures, failures[:5]
    assert after >= 20

    survivor = next(u for i, u in enumerate(urls, 1) if i != victim)
    assert get_json(f"{survivor}/_cluster/health")["number_of_nodes"] == 2
    assert ix.count(STAFF) == documents  # nothing lost with a node gone

    script("node-start", str(victim))  # waits until 3 nodes are green again
    healed = time.monotonic() - killed_at
    health = get_json(f"{urls[victim - 1]}/_cluster/health?wait_for_status=green&timeout=60s")
    assert health["status"] == "green" and health["number_of_nodes"] == 3, health
    print(f"killed node-{victim}, cluster green again {healed:.0f} s later")
    assert ix.count(STAFF) == documents
    for q in queries:
        res = ix.search(q)
        assert (res.total, {h.doc.id for h in res.hits}) == expected[q.q]
