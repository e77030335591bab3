"""One node vs a 3-node cluster, and the refresh interval during bulk loads, in one run.

    # both started with the same JVM flags, so only the layout differs
    export GOVSEARCH_ES_CLUSTER_HEAP_OPTS="-Xms512m -Xmx512m"
    ONE=$(GOVSEARCH_ES_CLUSTER_STATE=/tmp/bench-one GOVSEARCH_ES_CLUSTER_PORT=9280 \\
          bash .ci/es-cluster.sh start 1)
    THREE=$(bash .ci/es-cluster.sh start 3)
    python bench/cluster.py --single "$ONE" --cluster "$THREE" [--docs N]

Every document of the corpus manifest (or the first ``--docs``) is prepared once; then the same
prepared documents are written (``ElasticsearchIndex.write``, chunks of 200) into four fresh
indexes: one node with 1 shard and 0 replicas, the cluster with 3 shards and 1 replica, each
once with the refresh interval relaxed to ``-1`` during the load (the default) and once left at
``1s``. Search latency (the bench query set, top 10 with snippets and facets, through
``SearchIndex`` from this process, after a warm-up) is then measured on the relaxed indexes,
alternating one node and the cluster query by query so that machine noise hits both alike.
Ratios are cluster / one node. All nodes share this machine's cores: this measures what the
layout costs, not what more machines would add.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tests.corpus as corpus  # noqa: E402
from analyzers.normalize import normalize  # noqa: E402
from analyzers.segment import query_words  # noqa: E402
from search_index.elastic import ElasticsearchIndex  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402
from search_index.prepare import prepare  # noqa: E402
from search_index.protocol import IndexedDocument  # noqa: E402
from search_index.request import Query  # noqa: E402
from tests.search_index.elastic_support import drop, unique_prefix  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def query_set(index: SearchIndex, n_words: int = 150, seed: int = 3) -> list[str]:
    """The bench query set of ``bench/search_bench.py``: the judged queries, title words and
    quoted title words (kept here so this bench does not import the ingest benchmarks)."""
    lines = (REPO / "bench" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    judged = [json.loads(x)["q"] for x in lines if x.strip()]
    rng = random.Random(seed)
    titles = [
        h.doc.title for q in ("条例", "通知") for h in index.search(Query(q=q, size=100)).hits
    ]
    words = [w for t in titles for w in query_words(normalize(t)) if len(w) >= 2]
    picked = rng.sample(words, min(n_words, len(words)))
    phrases = [f'"{w}"' for w in rng.sample(words, min(30, len(words)))]
    return judged + picked + phrases


def write(urls: list[str], prefix: str, items: list[IndexedDocument], shards: int,
          replicas: int, relaxed: bool) -> tuple[ElasticsearchIndex, float]:
    """A fresh index written with ``items``; seconds until the last document is searchable."""
    index = ElasticsearchIndex(
        urls, index_prefix=prefix, shards=shards, replicas=replicas, timeout=60,
        bulk_refresh_interval="-1" if relaxed else None,
    )
    t0 = time.perf_counter()
    failed = [r for r in index.write(items) if not r.ok]
    took = time.perf_counter() - t0
    assert not failed, failed[:3]
    assert index.count() == len({i.doc.id for i in items})
    return index, took


def wait_green(index: ElasticsearchIndex) -> None:
    """Replicas copied before searching, so the cluster is measured whole."""
    index.es.cluster.health(index=index.alias, wait_for_status="green", timeout="120s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--single", default=os.environ.get("GOVSEARCH_ES_URL", "http://127.0.0.1:9200"))
    ap.add_argument("--cluster", default=os.environ.get("GOVSEARCH_ES_CLUSTER_URLS", ""))
    ap.add_argument("--docs", type=int, default=0, help="only the first N manifest documents")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    single = [u.strip() for u in args.single.split(",") if u.strip()]
    cluster = [u.strip() for u in args.cluster.split(",") if u.strip()]
    if len(cluster) < 2:
        sys.exit("--cluster (or GOVSEARCH_ES_CLUSTER_URLS) needs the URLs of a running cluster")

    t0 = time.perf_counter()
    paths = sorted(corpus.manifest())[: args.docs or None]
    items = [prepare(corpus.corpus_document(p), "corpus") for p in paths]
    mb = sum(len(i.doc.text.encode()) for i in items) / 1e6
    print(f"{len(items)} documents ({mb:.0f} MB of text) prepared in "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)

    layouts = {
        "one node, 1 shard": (single, 1, 0),
        "3 nodes, 3 shards + 1 replica": (cluster, 3, 1),
    }
    made: list[tuple[list[str], str]] = []
    writes: dict[tuple[str, bool], float] = {}
    searchable: dict[str, SearchIndex] = {}
    try:
        for relaxed in (True, False):
            for name, (urls, shards, replicas) in layouts.items():
                prefix = unique_prefix("bench-cluster")
                made.append((urls, prefix))
                index, took = write(urls, prefix, items, shards, replicas, relaxed)
                writes[name, relaxed] = took
                print(f"  {name}, refresh {'-1' if relaxed else '1s'} during the load: "
                      f"{took:.1f} s", file=sys.stderr)
                if relaxed:
                    wait_green(index)
                    searchable[name] = SearchIndex(index)
                else:
                    index.close()

        names = list(layouts)
        queries = query_set(searchable[names[0]])
        for q in queries[:20]:
            for name in names:
                searchable[name].search(Query(q=q))
        ms: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(args.rounds):
            for q in queries:
                for name in names:
                    t = time.perf_counter()
                    searchable[name].search(Query(q=q, size=10))
                    ms[name].append((time.perf_counter() - t) * 1000)
    finally:
        for ix in searchable.values():
            ix.close()
        for urls, prefix in made:
            drop(urls[0], [prefix])

    n = len(items)
    print(f"\n{n:,} documents, {len(queries)} queries × {args.rounds} rounds\n")
    print("| layout | write s (refresh -1) | docs/s | write s (refresh 1s) | refresh -1 saves "
          "| search p50 ms | search p95 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in names:
        fast, slow = writes[name, True], writes[name, False]
        print(f"| {name} | {fast:.1f} | {n / fast:.0f} | {slow:.1f} | {1 - fast / slow:.0%} "
              f"| {pct(ms[name], 50):.1f} | {pct(ms[name], 95):.1f} |")
    a, b = names
    print(f"| **ratio** 3 nodes / one | {writes[b, True] / writes[a, True]:.2f}× | "
          f"| {writes[b, False] / writes[a, False]:.2f}× | "
          f"| {pct(ms[b], 50) / pct(ms[a], 50):.2f}× | {pct(ms[b], 95) / pct(ms[a], 95):.2f}× |")


if __name__ == "__main__":
    main()
