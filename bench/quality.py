"""Ranking quality: nDCG@10 on judged citizen/staff queries over the whole corpus.

Compares the engine with the baseline the issue names — plain BM25 over jieba words, matching
any word (no stop words, synonyms, 文号 keys, bigram recall or phrase/title boosts) — on the
same index, so field statistics are identical and only the query side differs.

    python bench/quality.py            # prints a table; copy it into bench/README.md
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzers.normalize import normalize  # noqa: E402
from analyzers.segment import query_words  # noqa: E402
from bench.corpus_index import REPO, corpus_index  # noqa: E402
from search_index.request import Query  # noqa: E402
from search_index.tree import Bool, Plan, Term  # noqa: E402

K = 10


def dcg(gains: list[float]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg(ranked: list[str], judged: dict[str, int]) -> float:
    ideal = dcg(sorted(judged.values(), reverse=True)[:K])
    return dcg([judged.get(p, 0) for p in ranked[:K]]) / ideal if ideal else 0.0


def baseline_plan(q: str) -> Plan:
    words = [w for w in query_words(normalize(q)) if w.strip()]
    should = tuple(Term(f, w) for w in words for f in ("body_w", "title_w"))
    return Plan(query=Bool(should=should, min_should=1), filters=(Term("disclosure", "public"),))


def main() -> None:
    index, _ = corpus_index()
    path = REPO / "bench" / "queries.jsonl"
    queries = [json.loads(line) for line in path.open(encoding="utf-8")]
    rows: dict[str, list[tuple[float, float]]] = defaultdict(list)
    per_query = []
    for item in queries:
        judged = {p.removeprefix("docs/"): int(g) for p, g in item["relevant"].items()}
        ours = [h.doc.path for h in index.search(Query(q=item["q"], size=K, facets=False)).hits]
        raw = index.backend.search(baseline_plan(item["q"]), limit=K)
        base_docs = index.backend.fetch([h.id for h in raw.hits])
        base = [base_docs[h.id].path for h in raw.hits if h.id in base_docs]
        a, b = ndcg(ours, judged), ndcg(base, judged)
        rows[item.get("kind", "other")].append((a, b))
        rows["all"].append((a, b))
        per_query.append((item["q"], item.get("kind", ""), a, b))
    print(f"| query kind | queries | govsearch nDCG@{K} | BM25 over jieba words | difference |")
    print("|---|---:|---:|---:|---:|")
    for kind in sorted(rows, key=lambda k: (k == "all", k)):
        vals = rows[kind]
        a = sum(v[0] for v in vals) / len(vals)
        b = sum(v[1] for v in vals) / len(vals)
        name = f"**{kind}**" if kind == "all" else kind
        print(f"| {name} | {len(vals)} | {a:.3f} | {b:.3f} | {a - b:+.3f} |")
    if "-v" in sys.argv:
        for q, kind, a, b in sorted(per_query, key=lambda r: r[2] - r[3]):
            print(f"{a - b:+.2f}  {a:.2f} {b:.2f}  [{kind}] {q}")


if __name__ == "__main__":
    main()
