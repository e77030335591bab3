"""Backend parity on the whole corpus: the embedded index and Elasticsearch, same queries.

Usage: python bench/parity.py [--corpus PATH] [--es-url URL] [--queries N] [--seed S]

Every document of the corpus manifest is prepared once and written into a fresh embedded index
(temporary folder) and a fresh Elasticsearch index (a throw-away alias on the cluster at
``--es-url`` / ``$GOVSEARCH_ES_URL``, deleted at the end). Then ``N`` generated queries (words,
phrases, both scripts, 文号 variants, titles, fields, filters, exclusions, OR, single characters,
staff view; see ``tests/search_index/parity_queries.py``) run through ``SearchIndex`` on both.

Prints one row per query kind and a total row: queries, share with identical match sets (every
id, paged through), share with equal facet counts, mean top-10 overlap, and the mean time of a
first-page search (with snippets and facets) on each backend. Start a cluster with
``bash .ci/elasticsearch.sh start``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import tests.corpus as corpus  # noqa: E402
from search_index.elastic import ElasticsearchIndex  # noqa: E402
from search_index.embedded import EmbeddedIndex  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402
from search_index.prepare import prepare  # noqa: E402
from tests.search_index.elastic_support import drop, unique_prefix  # noqa: E402
from tests.search_index.parity_queries import KINDS, Comparison, compare, generate  # noqa: E402


def _timed_search(index: SearchIndex, query) -> float:
    t0 = time.perf_counter()
    index.search(query)
    return (time.perf_counter() - t0) * 1000


def _row(name: str, rows: list[Comparison], ms_a: list[float], ms_b: list[float]) -> str:
    n = len(rows)
    return (
        f"| {name} | {n} | {sum(r.same_set for r in rows) / n:.1%} "
        f"| {sum(r.same_facets for r in rows) / n:.1%} "
        f"| {sum(r.overlap for r in rows) / n:.3f} "
        f"| {sum(1 for r in rows if r.total[0]) / n:.0%} "
        f"| {sorted(ms_a)[n // 2]:.1f} | {sorted(ms_b)[n // 2]:.1f} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=corpus.CORPUS)
    ap.add_argument("--es-url", default=os.environ.get("GOVSEARCH_ES_URL", "http://127.0.0.1:9200"))
    ap.add_argument("--queries", type=int, default=700)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    corpus.CORPUS = args.corpus

    t0 = time.perf_counter()
    docs = [corpus.corpus_document(p) for p in sorted(corpus.manifest())]
    items = [prepare(d, "corpus") for d in docs]
    print(f"{len(docs)} documents loaded and prepared in {time.perf_counter() - t0:.0f} s")

    prefix = unique_prefix("bench-parity")
    with tempfile.TemporaryDirectory() as tmp:
        embedded = EmbeddedIndex(Path(tmp))
        elastic = ElasticsearchIndex([args.es_url], index_prefix=prefix, timeout=60)
        try:
            for backend in (embedded, elastic):
                t0 = time.perf_counter()
                failed = [r for r in backend.write(items) if not r.ok]
                took = time.perf_counter() - t0
                print(f"{backend.name}: wrote {len(items) - len(failed)} in {took:.0f} s"
                      + (f", {len(failed)} failed: {failed[0]}" if failed else ""))
            a, b = SearchIndex(embedded), SearchIndex(elastic)
            queries = generate(docs, args.queries, seed=args.seed)
            by_kind: dict[str, list[Comparison]] = defaultdict(list)
            ms: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
            for i, q in enumerate(queries):
                kind = KINDS[i % len(KINDS)]
                ms[kind][0].append(_timed_search(a, q))
                ms[kind][1].append(_timed_search(b, q))
                by_kind[kind].append(compare(a, b, q))
        finally:
            elastic.close()
            drop(args.es_url, [prefix])

    print()
    print("| queries | n | identical sets | facets equal | mean top-10 overlap | match any "
          "| embedded p50 ms | elasticsearch p50 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        print(_row(kind, by_kind[kind], *ms[kind]))
    every = [r for k in KINDS for r in by_kind[k]]
    all_a = [x for k in KINDS for x in ms[k][0]]
    all_b = [x for k in KINDS for x in ms[k][1]]
    print(_row("**all**", every, all_a, all_b))
    for r in every:
        if not (r.same_set and r.same_facets):
            print(f"differs: {r.query.q!r} {r.detail[:200]}")


if __name__ == "__main__":
    main()
