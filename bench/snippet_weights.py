"""What the snippet weights (``SearchIndex._rarity``) cost a query, with caches cleared before
each: by count searches alone (a server whose pinyin lexicon is not loaded yet) and with the
lexicon's counts.

    python bench/snippet_weights.py                    # the embedded whole-corpus index
    python bench/snippet_weights.py --elasticsearch    # ingests the corpus into GOVSEARCH_ES_URL

Queries: the 175 of the blind citizen sets.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpus_index import CORPUS, corpus_index  # noqa: E402
from pipeline.run import run_ingest  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402
from search_index.request import Query  # noqa: E402


class _NoLexicon:
    def peek(self) -> None:
        return None


def _queries() -> list[str]:
    qs: list[str] = []
    for name in ("set1.jsonl", "set2.jsonl"):
        path = REPO / "bench" / "citizen" / name
        qs += [json.loads(line)["q"] for line in path.read_text("utf-8").splitlines() if line]
    return qs


def _timed(index: SearchIndex, qs: list[str], label: str) -> None:
    took = []
    for q in qs:
        plan, _ = index._plan(Query(q=q))
        index._mention_counts.clear()
        t0 = time.perf_counter()
        index._rarity(plan.highlight, dict(plan.groups))
        took.append((time.perf_counter() - t0) * 1000)
    took.sort()
    p95 = took[int(len(took) * 0.95) - 1]
    print(f"| {label} | {len(qs)} | {statistics.median(took):.2f} | {p95:.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--elasticsearch", action="store_true")
    args = ap.parse_args()
    if args.elasticsearch:
        from bench.backends import es_index

        index = SearchIndex(es_index("bench-weights", fresh=True))
        run_ingest(index, [CORPUS / "docs"], workers=2)
    else:
        index, _ = corpus_index()
    qs = _queries()
    print("| counts from | queries | median ms | p95 ms |\n|---|---:|---:|---:|")
    lexicon = index.lexicon
    index.lexicon = _NoLexicon()  # type: ignore[assignment]
    _timed(index, qs, "count searches alone")
    index.lexicon = lexicon
    lexicon.wait()
    _timed(index, qs, "the lexicon, count searches for the rest")


if __name__ == "__main__":
    main()
