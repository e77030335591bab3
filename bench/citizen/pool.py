"""Pooling for the blind citizen sets: top 10 of three systems, and the pairs still to judge.

Systems (all over the whole corpus, ../shared/corpus/docs):
  engine  - govsearch as bench/quality.py calls it: index.search(Query(q=q, size=10, facets=False))
  jieba   - bench/quality.py's baseline_plan(q) (plain BM25 over jieba words) on the same index
  bigram  - bench/citizen/bigram_bm25.py (character-bigram BM25, t2s, independent of the engine)

    python3 bench/citizen/pool.py bench/citizen/set1.jsonl            # unjudged (query, doc) pairs, TSV
    python3 bench/citizen/pool.py bench/citizen/set1.jsonl --json new.jsonl   # same, as JSONL
    python3 bench/citizen/pool.py bench/citizen/set1.jsonl --ndcg     # nDCG@10 per system and kind/half

Each unjudged pair is printed once per query with the systems and ranks that retrieved it, so a
later session can read the documents and add them to "judged" (and "relevant" if graded >= 2).
Paths are relative to ../shared/corpus and start with "docs/".
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
K = 10


def _norm(path: str) -> str:
    path = str(path)
    if path.startswith(str(CORPUS) + "/"):
        path = path[len(str(CORPUS)) + 1 :]
    return path if path.startswith("docs/") else "docs/" + path


class Systems:
    def __init__(self) -> None:
        import bench.corpus_index as ci

        if not (ci.CORPUS / "docs").exists():  # worktrees live one level deeper than the corpus
            ci.CORPUS = CORPUS
        from bench.citizen.bigram_bm25 import BigramBM25

        self.index, _ = ci.corpus_index()
        from search_index import citizen_words

        citizen_words.load_lexicon(ci.OUT / "corpus")  # the lexicon mined at ingest
        self.bigram = BigramBM25()

    def engine(self, q: str) -> list[str]:
        from search_index.request import Query

        return [_norm(h.doc.path) for h in self.index.search(Query(q=q, size=K, facets=False)).hits]

    def jieba(self, q: str) -> list[str]:
        from bench.quality import baseline_plan

        raw = self.index.backend.search(baseline_plan(q), limit=K)
        docs = self.index.backend.fetch([h.id for h in raw.hits])
        return [_norm(docs[h.id].path) for h in raw.hits if h.id in docs]

    def bigram_bm25(self, q: str) -> list[str]:
        return [p for p, _ in self.bigram.search(q, K)]

    def run(self, q: str) -> dict[str, list[str]]:
        return {"engine": self.engine(q), "jieba": self.jieba(q), "bigram": self.bigram_bm25(q)}


def load(path: str) -> list[dict]:
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def titles() -> dict[str, str]:
    with open(CORPUS / "manifest.csv", encoding="utf-8") as f:
        return {r["path"]: r["title"] for r in csv.DictReader(f)}


def dcg(gains: list[float]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg(ranked: list[str], judged: dict[str, int]) -> float:
    ideal = dcg(sorted(judged.values(), reverse=True)[:K])
    return dcg([judged.get(p, 0) for p in ranked[:K]]) / ideal if ideal else 0.0


def main() -> None:
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return
    items = load(args[0])
    systems = Systems()
    if "--ndcg" in args:
        rows: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
        unjudged = 0
        for it in items:
            runs = systems.run(it["q"])
            judged = {p: int(g) for p, g in it["judged"].items()}
            unjudged += sum(1 for r in runs.values() for p in r if p not in judged)
            v = tuple(ndcg(runs[s], judged) for s in ("engine", "jieba", "bigram"))
            for key in ("all", it["kind"], it.get("half", "?")):
                rows[key].append(v)
        print("| subset | queries | engine | jieba BM25 | bigram BM25 |")
        print("|---|---:|---:|---:|---:|")
        for key, vals in sorted(rows.items(), key=lambda kv: (kv[0] == "all", kv[0])):
            m = [sum(v[i] for v in vals) / len(vals) for i in range(3)]
            print(f"| {key} | {len(vals)} | {m[0]:.3f} | {m[1]:.3f} | {m[2]:.3f} |")
        print(f"(unjudged docs in the top {K} lists: {unjudged})")
        return
    out = None
    if "--json" in args:
        out = open(args[args.index("--json") + 1], "w", encoding="utf-8")
    names = titles()
    total = 0
    for it in items:
        runs = systems.run(it["q"])
        seen: dict[str, list[str]] = {}
        for sysname, ranked in runs.items():
            for rank, p in enumerate(ranked, 1):
                seen.setdefault(p, []).append(f"{sysname}@{rank}")
        for p, where in seen.items():
            if p in it["judged"]:
                continue
            total += 1
            rec = {"id": it["id"], "q": it["q"], "path": p, "title": names.get(p, ""), "retrieved_by": where}
            if out:
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            else:
                print(f"{it['id']}\t{it['q']}\t{p}\t{names.get(p, '')}\t{' '.join(where)}")
    print(f"# {total} unjudged pairs", file=sys.stderr)


if __name__ == "__main__":
    main()
