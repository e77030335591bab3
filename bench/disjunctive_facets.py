"""What a chosen facet costs now that it is counted without its own filter (disjunctive facets).

    python3 bench/disjunctive_facets.py [--rounds 5]

Twelve everyday queries with category=政策法规 on the whole-corpus index of
``bench/corpus_index.py``, each round timed with the facet counted as it is and with that
count left out (the extra backend calls replaced by nothing), alternately in one run; prints
the median per round and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench.corpus_index as ci  # noqa: E402
from search_index import citizen_words  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402
from search_index.request import Query  # noqa: E402

QUERIES = ("政务公开", "养老保险", "房屋租赁", "个人所得税", "交通事故", "食品安全", "退休", "工伤",
           "最低工资", "环境保护", "教育", "住房公积金")  # fmt: skip
CATEGORY = "政策法规"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    index, _ = ci.corpus_index()
    index.lexicon.wait()
    citizen_words.load_lexicon(ci.OUT / "corpus")
    counted = SearchIndex._facet_without_its_filter

    def one_round() -> float:
        times = []
        for q in QUERIES:
            t0 = time.perf_counter()
            index.search(Query(q=q, categories=(CATEGORY,)))
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times)

    for q in QUERIES:  # warm: caches, the lexicon's counts
        index.search(Query(q=q, categories=(CATEGORY,)))
    on: list[float] = []
    off: list[float] = []
    for _ in range(args.rounds):
        SearchIndex._facet_without_its_filter = counted  # type: ignore[method-assign]
        on.append(one_round())
        SearchIndex._facet_without_its_filter = lambda self, p, f, c: ()  # type: ignore[method-assign]
        off.append(one_round())
    SearchIndex._facet_without_its_filter = counted  # type: ignore[method-assign]
    print(f"| `category={CATEGORY}` facet | median ms per query | rounds: {args.rounds} |")
    print("|---|---:|---|")
    print(f"| counted without its filter | {statistics.median(on):.2f} | "
          + ", ".join(f"{x:.1f}" for x in on) + " |")
    print(f"| not counted | {statistics.median(off):.2f} | "
          + ", ".join(f"{x:.1f}" for x in off) + " |")
    print(f"| ratio | {statistics.median(on) / statistics.median(off):.2f}× | |")


if __name__ == "__main__":
    main()
