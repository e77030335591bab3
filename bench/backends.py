"""Embedded vs Elasticsearch, side by side, in one run on one machine (issue 3).

    bash .ci/elasticsearch.sh start           # or point GOVSEARCH_ES_URL at a node
    python bench/backends.py                  # real corpus + 100k generated corpus
    python bench/backends.py gen1m --backends embedded   # one corpus, one backend

Corpora: ``real`` (../shared/corpus/docs), ``gen100k`` and ``gen1m`` (``bench/gen_corpus.py
--n 100000|1000000 --scale 0.25 --out bench/out/gen100k|gen1m``).

For each backend: ingest throughput through the real `govsearch ingest` path (files → ingest →
analysis in 2 worker processes → backend), query latency p50/p95 in-process and over HTTP (a
`govsearch serve` subprocess on 127.0.0.1, one client), and resident memory (the server process;
for Elasticsearch also the JVM). The 100k corpus is `bench/gen_corpus.py --n 100000 --scale 0.25`
in bench/out/gen100k. Ratios are Elasticsearch / embedded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus_index import CORPUS, OUT  # noqa: E402
from bench.search_bench import (  # noqa: E402
    GEN,
    folder_bytes,
    http_searches,
    pct,
    query_set,
    rss_mb,
    timed_searches,
)
from pipeline.run import run_ingest  # noqa: E402
from search_index.embedded import EmbeddedIndex  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402

ES_URL = os.environ.get("GOVSEARCH_ES_URL", "http://127.0.0.1:9200")
GEN1M = OUT / "gen1m"
CORPORA: dict[str, tuple[Path, Path | None]] = {
    "real": (CORPUS / "docs", None),
    "gen100k": (GEN / "docs", GEN / "catalog.csv"),
    "gen1m": (GEN1M / "docs", GEN1M / "catalog.csv"),
}


def es_index(prefix: str, fresh: bool):
    from elasticsearch import Elasticsearch

    from search_index.elastic import ElasticsearchIndex

    if fresh:
        es = Elasticsearch(ES_URL)
        es.options(ignore_status=404).indices.delete(index=f"{prefix}*")
    return ElasticsearchIndex(urls=(ES_URL,), index_prefix=prefix, timeout=60)


def es_jvm_rss() -> float:
    out = subprocess.run(["pgrep", "-f", "org.elasticsearch.bootstrap"], capture_output=True,
                         text=True).stdout.split()
    return sum(rss_mb(int(p)) for p in out)


def es_store_mb(prefix: str) -> float:
    from elasticsearch import Elasticsearch

    stats = Elasticsearch(ES_URL).indices.stats(index=f"{prefix}*", metric="store")
    return stats["_all"]["primaries"]["store"]["size_in_bytes"] / 1e6


def ingest(name: str, src: Path, catalog: Path | None, backends: tuple[str, ...]
           ) -> dict[str, dict[str, float]]:
    mb = folder_bytes(src) / 1e6
    out: dict[str, dict[str, float]] = {}
    for backend in backends:
        if backend == "embedded":
            data = OUT / f"cmp-{name}"
            shutil.rmtree(data, ignore_errors=True)
            index = SearchIndex(EmbeddedIndex(data))
        else:
            index = SearchIndex(es_index(f"bench-{name}", fresh=True))
        t0 = time.perf_counter()
        report = run_ingest(index, [src], catalog=catalog, workers=2)
        took = time.perf_counter() - t0
        n = len(report.ok)
        assert not report.failed, report.summary()
        size = (folder_bytes(OUT / f"cmp-{name}") if backend == "embedded"
                else es_store_mb(f"bench-{name}") * 1e6) / 1e6
        out[backend] = {"docs": n, "s": took, "docs_s": n / took, "mb_s": mb / took,
                        "size": size}
        print(f"  {name} → {backend}: {n} docs in {took:.1f} s", file=sys.stderr)
    return out


def latency(name: str, backends: tuple[str, ...]) -> dict[str, dict[str, float]]:
    result: dict[str, dict[str, float]] = {}
    # one SearchIndex per backend: each builds its own pinyin lexicon in the background, which
    # at a million documents on Elasticsearch takes minutes and would overlap the timed rounds
    indexes = {
        b: SearchIndex(EmbeddedIndex(OUT / f"cmp-{name}")) if b == "embedded"
        else SearchIndex(es_index(f"bench-{name}", fresh=False))
        for b in backends
    }
    queries = query_set(indexes["embedded" if "embedded" in backends else backends[0]])
    for backend in backends:
        index = indexes[backend]
        inproc = timed_searches(index, queries)
        http, server_rss = http_searches(
            {"GOVSEARCH_DATA_DIR": str(OUT / f"cmp-{name}"), "GOVSEARCH_BACKEND": backend,
             "GOVSEARCH_ES_URL": ES_URL, "GOVSEARCH_ES_INDEX_PREFIX": f"bench-{name}"},
            queries,
        )
        result[backend] = {
            "p50": pct(inproc, 50), "p95": pct(inproc, 95),
            "http_p50": pct(http, 50), "http_p95": pct(http, 95),
            "rss": server_rss + (es_jvm_rss() if backend == "elasticsearch" else 0.0),
            "queries": len(queries),
        }
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", nargs="*", choices=sorted(CORPORA), default=["real", "gen100k"])
    ap.add_argument("--backends", default="embedded,elasticsearch",
                    help="comma-separated: embedded, elasticsearch")
    args = ap.parse_args()
    backends = tuple(b for b in args.backends.split(",") if b)
    print("| corpus | backend | documents | ingest s | docs/s | MB/s | index MB | p50 ms | "
          "p95 ms | HTTP p50 ms | HTTP p95 ms | RSS MB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for name in args.corpora:
        src, catalog = CORPORA[name]
        ing = ingest(name, src, catalog, backends)
        lat = latency(name, backends)
        for b in backends:
            i, q = ing[b], lat[b]
            print(f"| {name} | {b} | {i['docs']:,.0f} | {i['s']:.1f} | {i['docs_s']:,.0f} | "
                  f"{i['mb_s']:.2f} | {i['size']:,.0f} | {q['p50']:.1f} | {q['p95']:.1f} | "
                  f"{q['http_p50']:.1f} | {q['http_p95']:.1f} | {q['rss']:,.0f} |", flush=True)
        if len(backends) < 2:
            continue
        e, s = (ing["embedded"], lat["embedded"]), (ing["elasticsearch"], lat["elasticsearch"])
        ratios.append((name, s[0]["s"] / e[0]["s"], s[1]["p50"] / e[1]["p50"],
                       s[1]["p95"] / e[1]["p95"], s[1]["http_p95"] / e[1]["http_p95"],
                       s[1]["rss"] / e[1]["rss"]))
    if not ratios:
        return
    print("\n| corpus | ingest time ES/embedded | p50 | p95 | HTTP p95 | RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, *r in ratios:
        print(f"| {name} | " + " | ".join(f"{x:.2f}×" for x in r) + " |")


if __name__ == "__main__":
    main()
