"""Hit ids from doc values against ``_id`` from stored fields, on Elasticsearch (issue 13).

    bash .ci/elasticsearch.sh start
    python bench/backends.py real gen100k     # leaves the indexes bench-real, bench-gen100k
    python bench/es_ids.py real gen100k [--rounds 3]

``ElasticsearchIndex.search`` used to read each hit's ``_id``, a stored field: Lucene then
decompresses the hit's stored block, which holds its whole ``_source``. It now reads the ``id``
field's doc values. This runs the issue-2 query set (249 queries, top 10 with snippets and
facets, through ``SearchIndex.search``) with the old and the new way alternated round by round
in one process, and prints the medians and the pairwise ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.backends import es_index  # noqa: E402
from bench.search_bench import pct, query_set  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402
from search_index.request import Query  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpora", nargs="+")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print("| corpus | hit ids from | p50 ms | p95 ms | rounds (median ms) |")
    print("|---|---|---:|---:|---|")
    for name in args.corpora:
        backend = es_index(f"bench-{name}", fresh=False)
        index = SearchIndex(backend)
        queries = query_set(index)
        es = backend.es
        real_search = es.search

        def stored_ids(real=real_search, **kw):  # the old request: ids from _id
            kw.pop("stored_fields", None)
            kw.pop("docvalue_fields", None)
            res = real(**kw)
            for h in res["hits"]["hits"]:
                h["fields"] = {"id": [h["_id"]]}
            return res
        times: dict[str, list[float]] = {"_id (stored fields)": [], "id (doc values)": []}
        for q in queries[:20]:
            index.search(Query(q=q))
        for _ in range(args.rounds):
            for way in times:
                es.search = stored_ids if way.startswith("_id") else real_search
                for q in queries:
                    t0 = time.perf_counter()
                    index.search(Query(q=q))
                    times[way].append((time.perf_counter() - t0) * 1000)
        es.search = real_search
        n = len(queries)
        for way, ts in times.items():
            rounds = [statistics.median(ts[i * n : (i + 1) * n]) for i in range(args.rounds)]
            print(f"| {name} | {way} | {pct(ts, 50):.1f} | {pct(ts, 95):.1f} | "
                  f"{' / '.join(f'{r:.1f}' for r in rounds)} |")
        old, new = times["_id (stored fields)"], times["id (doc values)"]
        ratio = statistics.median(o / n for o, n in zip(old, new, strict=True))
        print(f"| {name} | median per-query ratio old/new | {ratio:.2f}× | | |")
        backend.close()


if __name__ == "__main__":
    main()
