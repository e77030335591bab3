"""Where a search's time goes at 100k documents: the slowest queries, and what each part of
their plan costs inside tantivy.

    python bench/plan_costs.py [--rounds 3] [--data DIR]   # default bench/out/idx100k
                                                           # (search_bench.py gen100k)

Issue 12 asks for in-process p95 ≤ 10 ms at 100k. The whole search is timed per query
(`SearchIndex.search`, a page of 10 with facets), then only tantivy's part (the compiled plan,
`Searcher.search`), and then the same plan with one kind of clause taken out, so that each
kind's share is a difference measured in the same pass over the same queries:

* the plan as the embedded backend runs it (`embedded.cheaper_bonuses`: the mainland's bonus
  taken from Taiwan's documents when they are fewer), against the plan as planned;
* the total count (`count=False` against `count=True`);
* the constant bonuses the top level adds to every matching document (legal level, the
  script's side);
* the top level's other bonuses (exact title, whole-query phrases, all words present);
* each word's bigram phrase (its recall as a substring: 信息公开 inside 政府信息公开, which
  search-mode jieba never cuts out), inside the words' own clauses.

Taking a clause out changes what matches or how it ranks; these variants are measurements, not
candidates (bench/README.md says which were tried as changes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.search_bench import IDX100K, pct, query_set  # noqa: E402
from search_index.embedded import EmbeddedIndex, cheaper_bonuses, fewer_in  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402
from search_index.request import Query  # noqa: E402
from search_index.tree import Bool, Constant, Node, Phrase, Plan, Term  # noqa: E402


def _without(node: Node, drop: Callable[[Node], bool], top_only: bool) -> Node:
    """``node`` with the should-clauses ``drop`` selects removed (at the top level only, or at
    every depth below it)."""
    if not isinstance(node, Bool):
        return node

    def keep(children: tuple[Node, ...]) -> tuple[Node, ...]:
        return tuple(c if top_only else _without(c, drop, False) for c in children)

    should = tuple(c for c in node.should if not drop(c))
    if top_only:
        return replace(node, should=should)
    return replace(node, must=keep(node.must), should=keep(should))


def _is_constant(n: Node) -> bool:
    return isinstance(n, Constant)


def _word_bigram_phrase(n: Node) -> bool:
    return isinstance(n, Phrase) and n.field == "body_bi" and len(n.tokens) > 1


def variants(plan: Plan, fewer: Callable[[Term], bool]) -> dict[str, Plan]:
    top = plan.query
    out = {"plan": plan}
    searched, _ = cheaper_bonuses(top, fewer)
    out["the plan as searched (the mainland bonus on Taiwan's documents)"] = replace(
        plan, query=searched
    )
    if isinstance(top, Bool) and top.must:
        out["without the constant bonuses"] = replace(plan, query=_without(top, _is_constant, True))
        out["without any top-level bonus"] = replace(plan, query=replace(top, should=()))
        words = tuple(_without(m, _word_bigram_phrase, False) for m in top.must)
        out["without the words' bigram phrases"] = replace(plan, query=replace(top, must=words))
    return out


def summary(ms: list[float]) -> str:
    return f"{pct(ms, 50):.2f} | {pct(ms, 95):.2f} | {statistics.fmean(ms):.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--slowest", type=int, default=10)
    ap.add_argument("--data", type=Path, default=IDX100K, help="an embedded data folder")
    args = ap.parse_args()
    backend = EmbeddedIndex(args.data)
    index = SearchIndex(backend)
    queries = query_set(index)
    for q in queries[:20]:
        index.search(Query(q=q))
    wait = getattr(index.lexicon, "wait", None)
    if wait is not None:
        wait()
    plans = [index._plan(Query(q=q, size=10))[0] for q in queries]
    searcher = backend._searcher()
    fewer = fewer_in(searcher)  # as EmbeddedIndex.search decides
    whole: dict[str, list[float]] = {q: [] for q in queries}
    parts: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for q, plan in zip(queries, plans, strict=True):
            t0 = time.perf_counter()
            index.search(Query(q=q, size=10))
            whole[q].append((time.perf_counter() - t0) * 1000)
            for name, p in variants(plan, fewer).items():
                compiled = backend._full_query(p)
                counts = (True, False) if name == "plan" else (True,)
                for count in counts:
                    label = name if count else "plan, no total count"
                    t0 = time.perf_counter()
                    searcher.search(compiled, limit=10, count=count)
                    parts.setdefault(label, []).append((time.perf_counter() - t0) * 1000)
    every = [x for v in whole.values() for x in v]
    n = len(queries)
    print(f"{n} queries × {args.rounds} rounds, {searcher.num_docs:,} documents\n")
    print("| part | p50 ms | p95 ms | mean ms |")
    print("|---|---:|---:|---:|")
    print(f"| whole search (`SearchIndex.search`, page of 10, facets) | {summary(every)} |")
    for label, ms in parts.items():
        what = "tantivy: the plan as planned" if label == "plan" else f"tantivy: {label}"
        print(f"| {what} | {summary(ms)} |")
    print(f"\nslowest {args.slowest} (median ms of the whole search):\n")
    for q, ms in sorted(whole.items(), key=lambda kv: -statistics.median(kv[1]))[: args.slowest]:
        print(f"  {statistics.median(ms):6.1f}  {q}")


if __name__ == "__main__":
    main()
