"""What a query of one character costs: typed alone (the documents writing it, through a prefix
walk of the bigram dictionary), quoted (every bigram holding it, a walk of the whole
dictionary), and a two-character word beside them for scale.

    python bench/single_char.py [--rounds 15] [--data DIR]   # default: the corpus index
                                                             # (bench/corpus_index.py)

Each round runs every query once, in the same order, through ``SearchIndex.search`` (a page of
10 with snippets and facets), so the kinds are compared as ratios measured in the same pass.
The walks alone are timed too: tantivy's search of the one Regex node each kind compiles to.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model.settings import Settings  # noqa: E402
from search_index.backends import open_index  # noqa: E402
from search_index.request import Query  # noqa: E402
from search_index.tree import Regex  # noqa: E402

CHARS = ("税", "车", "房", "法", "婚")
WORDS = ("税收", "车辆", "房屋", "法律", "婚姻")


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--data", type=Path, default=Path(__file__).parent / "out" / "corpus")
    args = ap.parse_args()
    index = open_index(Settings(data_dir=args.data), create=False)
    kinds = {
        "alone (税)": list(CHARS),
        'quoted ("税")': [f'"{c}"' for c in CHARS],
        "word (税收)": list(WORDS),
    }
    times: dict[str, list[float]] = {k: [] for k in kinds}
    totals: dict[str, list[int]] = {k: [] for k in kinds}
    for qs in kinds.values():  # warm: lexicons, caches, the searcher
        for q in qs:
            index.search(Query(q=q))
    for r in range(args.rounds):
        for kind, qs in kinds.items():
            for q in qs:
                t = time.perf_counter()
                res = index.search(Query(q=q))
                times[kind].append(time.perf_counter() - t)
                if r == 0:
                    totals[kind].append(res.total)
    backend = index.backend
    walks = {"prefix walk 税.": [], "whole walk 税.|.税": []}
    searcher = backend._searcher()  # noqa: SLF001 - the walk alone, without the rest of a search
    for _ in range(args.rounds):
        for c in CHARS:
            patterns = (("prefix walk 税.", f"{c}."), ("whole walk 税.|.税", f"{c}.|.{c}"))
            for name, pattern in patterns:
                q = backend._compile(Regex("body_bi", pattern))  # noqa: SLF001
                t = time.perf_counter()
                searcher.search(q, limit=10)
                walks[name].append(time.perf_counter() - t)
    base = _median_ms(times["word (税收)"])
    print(f"{backend.count()} documents, {args.rounds} rounds × {len(CHARS)} queries each\n")
    print("| query | results (mean) | median ms | × the word |")
    print("|---|---:|---:|---:|")
    for kind in kinds:
        m = _median_ms(times[kind])
        mean = sum(totals[kind]) / len(totals[kind])
        print(f"| {kind} | {mean:,.0f} | {m:.1f} | {m / base:.2f}× |")
    print("\n| the body's walk alone | median ms |")
    print("|---|---:|")
    for name, samples in walks.items():
        print(f"| {name} | {_median_ms(samples):.2f} |")


if __name__ == "__main__":
    main()
