"""Pool the top 10 of three systems for a JSONL query set and list what is not judged yet.

Systems (all over the whole shared corpus):
  engine  – govsearch as bench/quality.py runs it: index.search(Query(q=q, size=10, facets=False))
  bm25w   – plain BM25 over jieba words: bench/quality.py's baseline_plan(q) on the same index
  bigram  – bench/citizen/bigram_bm25_set2.py (character-bigram BM25, t2s-normalised)

    python3 bench/citizen/pool_set2.py bench/citizen/set2.jsonl            # unjudged (query, doc) pairs
    python3 bench/citizen/pool_set2.py bench/citizen/set2.jsonl --all      # every pooled pair
    python3 bench/citizen/pool_set2.py bench/citizen/set2.jsonl --json out.jsonl   # machine-readable
    python3 bench/citizen/pool_set2.py --q "闯红灯罚多少钱"                 # one ad-hoc query
    python3 bench/citizen/pool_set2.py bench/citizen/set2.jsonl --ndcg     # nDCG@10 per system

Paths are printed relative to the corpus root ("docs/…"), as in the set's "judged"/"relevant".
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

K = 10
_systems = None


def systems():
    global _systems
    if _systems is None:
        from bench.citizen._engine_set2 import open_index
        from bench.citizen.bigram_bm25_set2 import BigramBM25
        from bench.quality import baseline_plan
        from search_index.request import Query

        index = open_index()
        bigram = BigramBM25()

        def engine(q):
            return ["docs/" + h.doc.path for h in index.search(Query(q=q, size=K, facets=False)).hits]

        def bm25w(q):
            raw = index.backend.search(baseline_plan(q), limit=K)
            docs = index.backend.fetch([h.id for h in raw.hits])
            return ["docs/" + docs[h.id].path for h in raw.hits if h.id in docs]

        def bigr(q):
            return [p for p, _ in bigram.search(q, K)]

        _systems = {"engine": engine, "bm25w": bm25w, "bigram": bigr}
    return _systems


def titles() -> dict[str, str]:
    from bench.citizen.bigram_bm25_set2 import CORPUS

    with open(CORPUS / "manifest.csv", encoding="utf-8") as f:
        return {r["path"]: r["title"] for r in csv.DictReader(f)}


def run(q: str) -> dict[str, list[str]]:
    return {name: fn(q) for name, fn in systems().items()}


def dcg(gains):
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg(ranked, judged):
    ideal = dcg(sorted(judged.values(), reverse=True)[:K])
    return dcg([judged.get(p, 0) for p in ranked[:K]]) / ideal if ideal else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("set", nargs="?")
    ap.add_argument("--q", action="append", default=[])
    ap.add_argument("--all", action="store_true", help="list judged pairs too")
    ap.add_argument("--json", help="write pooled pairs as JSONL here")
    ap.add_argument("--ndcg", action="store_true")
    a = ap.parse_args()
    items = []
    if a.set:
        items = [json.loads(x) for x in Path(a.set).open(encoding="utf-8") if x.strip()]
    items += [{"id": f"adhoc-{i}", "q": q, "judged": {}} for i, q in enumerate(a.q)]
    tt = titles()
    out = open(a.json, "w", encoding="utf-8") if a.json else None
    scores = defaultdict(lambda: defaultdict(list))
    n_new = 0
    for it in items:
        res = run(it["q"])
        judged = it.get("judged", {})
        if a.ndcg:
            rel = {p: g for p, g in judged.items()}
            for name, ranked in res.items():
                v = ndcg(ranked, rel)
                scores[name][it.get("kind", "")].append(v)
                scores[name]["all"].append(v)
            continue
        pooled: dict[str, list[str]] = {}
        for name, ranked in res.items():
            for r, p in enumerate(ranked, 1):
                pooled.setdefault(p, []).append(f"{name}#{r}")
        todo = [(p, s) for p, s in pooled.items() if a.all or p not in judged]
        if not todo:
            continue
        print(f"== {it['id']}  {it['q']}")
        for p, s in todo:
            g = judged.get(p, "?")
            print(f"  [{g}] {p}  {tt.get(p, '')[:50]}  ({', '.join(s)})")
            n_new += p not in judged
            if out:
                out.write(json.dumps({"id": it["id"], "q": it["q"], "path": p, "systems": s,
                                      "grade": judged.get(p)}, ensure_ascii=False) + "\n")
    if a.ndcg:
        kinds = sorted({k for s in scores.values() for k in s}, key=lambda k: (k == "all", k))
        print("| kind | n | " + " | ".join(scores) + " |")
        for k in kinds:
            vals = [sum(scores[s][k]) / len(scores[s][k]) for s in scores]
            print(f"| {k} | {len(scores['engine'][k])} | " + " | ".join(f"{v:.3f}" for v in vals) + " |")
    else:
        print(f"# unjudged pooled pairs: {n_new}", file=sys.stderr)


if __name__ == "__main__":
    main()
