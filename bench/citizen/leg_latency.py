"""What the semantic leg costs a search, and what keeping recent query vectors saves.

    python3 bench/citizen/leg_latency.py --rounds 5

The whole-corpus embedded index of ``bench/corpus_index.py`` with its vectors; the blind sets'
175 queries, each configuration once per round, alternated, so a loaded machine slows all of
them alike. Configurations:

* ``off``: the leg switched off (the word search alone);
* ``on``: the leg, every query's vector computed (the code before the cache);
* ``on, query asked before``: the query's vector kept from its last asking.

Medians over rounds of each round's median and 95th percentile, in ms per search.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import bench.corpus_index as ci  # noqa: E402
from analyzers.embedding import embedder  # noqa: E402
from bench.citizen.eval import load  # noqa: E402
from search_index import citizen_words, semantic  # noqa: E402
from search_index.request import Query  # noqa: E402


def _times(index, queries: list[str], repeat: bool) -> list[float]:
    model = embedder()
    out = []
    for q in queries:
        if repeat:
            semantic.nearest(q, citizen_words.data_dir())  # asked before
        else:
            model._queries.clear()
        t0 = time.perf_counter()
        index.search(Query(q=q, size=10))
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    index, _ = ci.corpus_index()
    citizen_words.load_lexicon(ci.OUT / "corpus")
    semantic.warm(citizen_words.data_dir())
    if embedder() is None or semantic.nearest("护照", citizen_words.data_dir()) is None:
        sys.exit("no model or no vectors: run .ci/fetch-model.sh and bench/corpus_index.py")
    queries = [it["q"] for it in load()]
    base = citizen_words.METHODS
    names = ("off", "on", "on, query asked before")
    p50: dict[str, list[float]] = {n: [] for n in names}
    p95: dict[str, list[float]] = {n: [] for n in names}
    _times(index, queries, repeat=False)  # warm caches
    for _ in range(args.rounds):
        for name in names:
            citizen_words.use(replace(base, semantic=name != "off"))
            t = sorted(_times(index, queries, repeat=name.endswith("before")))
            p50[name].append(statistics.median(t))
            p95[name].append(t[int(0.95 * (len(t) - 1))])
    citizen_words.use(base)
    ref = statistics.median(p50["on"])
    print("| configuration | p50 ms | p95 ms | p50 / on | rounds (p50) |")
    print("|---|---:|---:|---:|---|")
    for n in names:
        m = statistics.median(p50[n])
        print(f"| {n} | {m:.2f} | {statistics.median(p95[n]):.2f} | {m / ref:.2f}× | "
              f"{', '.join(f'{x:.1f}' for x in p50[n])} |")  # fmt: skip


if __name__ == "__main__":
    main()
