"""The semantic leg on both backends: same answers, and its cost on each (issue 12).

    bash .ci/elasticsearch.sh start
    python3 bench/citizen/semantic_backends.py [--rounds 3]

Ingests the whole corpus into Elasticsearch (the same folder as ``bench/corpus_index.py``, so
the same document ids) and searches both backends with the vectors of the embedded corpus
index (``bench/out/corpus/vectors``, from ``govsearch embed``): the 175 blind queries, the leg
on and off alternately. Prints whether each query's top-10 ids are the same on both backends,
nDCG@10 per backend, and the median ms per query with the leg on and off on each.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import bench.corpus_index as ci  # noqa: E402
from bench.citizen import eval as ev  # noqa: E402
from pipeline.run import run_ingest  # noqa: E402
from search_index import citizen_words  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402
from search_index.request import Query  # noqa: E402

ES_URL = os.environ.get("GOVSEARCH_ES_URL", "http://127.0.0.1:9200")
PREFIX = "bench-semantic"


def es_index() -> SearchIndex:
    from search_index.elastic import ElasticsearchIndex

    index = SearchIndex(ElasticsearchIndex(urls=(ES_URL,), index_prefix=PREFIX, timeout=60))
    if index.backend.count() == 0:
        t0 = time.perf_counter()
        run_ingest(index, [ci.CORPUS / "docs"], workers=2, progress=True)
        print(f"ingested into Elasticsearch in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return index


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    embedded, _ = ci.corpus_index()
    elastic = es_index()
    citizen_words.load_lexicon(ci.OUT / "corpus")
    items = ev.load()
    base = citizen_words.METHODS

    def top(index: SearchIndex, q: str) -> list[str]:
        return [h.doc.id for h in index.search(Query(q=q, size=10, facets=False)).hits]

    same = sum(top(embedded, it["q"]) == top(elastic, it["q"]) for it in items)
    print(f"queries with the same top-10 ids on both backends, leg on: {same} / {len(items)}")
    print("| backend | nDCG@10 tune | held-out | median ms, leg off | leg on | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, index in (("embedded", embedded), ("elasticsearch", elastic)):
        scores = ev.score(index, items, ev.engine)
        tune, held = ev.means(items, scores)
        times: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(args.rounds):
            for on in (False, True):
                citizen_words.use(dataclasses.replace(base, semantic=on))
                ev.score(index, items, ev.engine)
                times[on].append(ev.median_ms())
        citizen_words.use(base)
        off, on = statistics.median(times[False]), statistics.median(times[True])
        print(f"| {name} | {tune:.3f} | {held:.3f} | {off:.2f} | {on:.2f} | {on / off:.2f}× |")


if __name__ == "__main__":
    main()
