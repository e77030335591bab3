"""Character-bigram BM25 over the shared corpus texts (third pooling system for bench/citizen/set2.jsonl).

Text → OpenCC t2s (Traditional to Simplified) → lower-case → runs of word characters (\\w, so CJK,
Latin letters and digits; punctuation and whitespace split runs) → overlapping 2-character grams
inside each run (a 1-character run gives that character). Title and body are one text (the title is
the first line of every corpus file anyway). BM25 with k1=1.2, b=0.75, idf = ln(1 + (N-df+0.5)/(df+0.5)).
Query terms are the distinct grams of the query (each counted once).

The index is built once and cached in bench/out/bigram_bm25_set2.npz (+ .vocab.json).

    python3 bench/citizen/bigram_bm25_set2.py "闯红灯罚多少钱"
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
if not (CORPUS / "docs").exists():
    CORPUS = REPO.parent / "shared" / "corpus"
OUT = REPO / "bench" / "out"
CACHE = OUT / "bigram_bm25_set2.npz"
VOCAB = OUT / "bigram_bm25_set2.vocab.json"
K1, B = 1.2, 0.75

_RUN = re.compile(r"\w+")
_cc = None


def _t2s(text: str) -> str:
    global _cc
    if _cc is None:
        import opencc

        _cc = opencc.OpenCC("t2s")
    return _cc.convert(text)


def grams(text: str) -> list[str]:
    out: list[str] = []
    for run in _RUN.findall(_t2s(text).lower()):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _doc_paths() -> list[str]:
    import csv

    with open(CORPUS / "manifest.csv", encoding="utf-8") as f:
        return [row["path"] for row in csv.DictReader(f)]


def build() -> None:
    paths = _doc_paths()
    vocab: dict[str, int] = {}
    t_parts, d_parts, f_parts = [], [], []
    lengths = np.zeros(len(paths), dtype=np.int32)
    for d, p in enumerate(paths):
        g = grams((CORPUS / p).read_text(encoding="utf-8"))
        lengths[d] = len(g)
        if not g:
            continue
        ids = np.fromiter((vocab.setdefault(x, len(vocab)) for x in g), dtype=np.int32, count=len(g))
        u, c = np.unique(ids, return_counts=True)
        t_parts.append(u)
        d_parts.append(np.full(len(u), d, dtype=np.int32))
        f_parts.append(c.astype(np.int32))
    t = np.concatenate(t_parts)
    d = np.concatenate(d_parts)
    f = np.concatenate(f_parts)
    order = np.argsort(t, kind="stable")
    t, d, f = t[order], d[order], f[order]
    offsets = np.searchsorted(t, np.arange(len(vocab) + 1)).astype(np.int64)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(CACHE, docs=d, tfs=f, offsets=offsets, lengths=lengths)
    VOCAB.write_text(json.dumps({"paths": paths, "vocab": vocab}, ensure_ascii=False), encoding="utf-8")


class BigramBM25:
    def __init__(self) -> None:
        if not CACHE.exists() or not VOCAB.exists():
            build()
        z = np.load(CACHE)
        self.docs, self.tfs, self.offsets, self.lengths = z["docs"], z["tfs"], z["offsets"], z["lengths"]
        meta = json.loads(VOCAB.read_text(encoding="utf-8"))
        self.paths: list[str] = meta["paths"]
        self.vocab: dict[str, int] = meta["vocab"]
        self.n = len(self.paths)
        self.avgdl = float(self.lengths.mean())

    def search(self, q: str, k: int = 10) -> list[tuple[str, float]]:
        scores = np.zeros(self.n, dtype=np.float64)
        norm = K1 * (1 - B + B * self.lengths / self.avgdl)
        for g in dict.fromkeys(grams(q)):
            tid = self.vocab.get(g)
            if tid is None:
                continue
            lo, hi = self.offsets[tid], self.offsets[tid + 1]
            docs, tfs = self.docs[lo:hi], self.tfs[lo:hi].astype(np.float64)
            df = hi - lo
            idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
            scores[docs] += idf * tfs * (K1 + 1) / (tfs + norm[docs])
        top = np.argsort(-scores, kind="stable")[:k]
        return [(self.paths[i], float(scores[i])) for i in top if scores[i] > 0]


if __name__ == "__main__":
    bm = BigramBM25()
    for q in sys.argv[1:]:
        print(q)
        for p, s in bm.search(q):
            print(f"  {s:7.2f}  {p}")
