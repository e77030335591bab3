"""Third pooling system for the citizen set: BM25 over overlapping character bigrams.

Independent of the engine: reads ../shared/corpus/docs/**.txt directly, converts Traditional
to Simplified with OpenCC t2s, lowercases, splits the text into runs of CJK / letters / digits and
indexes every overlapping 2-character gram (a run of one character is indexed as itself).
The title (manifest.csv) is prepended to the body once. BM25 with k1=1.2, b=0.75.

The index is cached as bench/out/bigram_bm25.npz (+ .vocab.json); build once:

    nice python3 bench/citizen/bigram_bm25.py --build
    python3 bench/citizen/bigram_bm25.py 房东不退押金怎么办
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
from array import array
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent.parent / "shared" / "corpus"
if not CORPUS.exists():
    CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
OUT = REPO / "bench" / "out"
NPZ = OUT / "bigram_bm25.npz"
META = OUT / "bigram_bm25.meta.json"
K1, B = 1.2, 0.75

_RUN = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]+")
_FW = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"}

_cc = None


def _t2s(text: str) -> str:
    global _cc
    if _cc is None:
        import opencc

        _cc = opencc.OpenCC("t2s")
    return _cc.convert(text)


def grams(text: str) -> list[str]:
    text = _t2s(text.translate(_FW)).lower()
    out: list[str] = []
    for run in _RUN.findall(text):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _titles() -> dict[str, str]:
    with open(CORPUS / "manifest.csv", encoding="utf-8") as f:
        return {r["path"]: r["title"] for r in csv.DictReader(f)}


def build() -> None:
    titles = _titles()
    paths = sorted(titles)
    vocab: dict[str, int] = {}
    rows, cols, vals = array("i"), array("i"), array("f")
    lengths = []
    for d, p in enumerate(paths):
        text = titles[p] + "\n" + (CORPUS / p).read_text(encoding="utf-8")
        g = grams(text)
        lengths.append(len(g))
        for w, tf in Counter(g).items():
            i = vocab.setdefault(w, len(vocab))
            rows.append(i)
            cols.append(d)
            vals.append(tf)
        if d % 500 == 0:
            print(d, len(vocab), file=sys.stderr)
    m = sparse.csr_matrix(
        (np.frombuffer(vals, dtype=np.float32), (np.frombuffer(rows, dtype=np.int32), np.frombuffer(cols, dtype=np.int32))),
        shape=(len(vocab), len(paths)),
    )
    OUT.mkdir(parents=True, exist_ok=True)
    sparse.save_npz(NPZ, m)
    META.write_text(json.dumps({"paths": paths, "lengths": lengths, "vocab": vocab}, ensure_ascii=False), encoding="utf-8")


class BigramBM25:
    def __init__(self) -> None:
        if not NPZ.exists():
            build()
        self.m = sparse.load_npz(NPZ).tocsr()
        meta = json.loads(META.read_text(encoding="utf-8"))
        self.paths = meta["paths"]
        self.vocab = meta["vocab"]
        self.len = np.asarray(meta["lengths"], dtype=np.float32)
        self.avg = float(self.len.mean())
        self.n = len(self.paths)
        self.df = np.diff(self.m.indptr)

    def search(self, q: str, k: int = 10) -> list[tuple[str, float]]:
        scores = np.zeros(self.n, dtype=np.float32)
        norm = K1 * (1 - B + B * self.len / self.avg)
        for w in set(grams(q)):
            i = self.vocab.get(w)
            if i is None:
                continue
            lo, hi = self.m.indptr[i], self.m.indptr[i + 1]
            docs, tf = self.m.indices[lo:hi], self.m.data[lo:hi]
            df = hi - lo
            idf = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
            scores[docs] += idf * tf * (K1 + 1) / (tf + norm[docs])
        top = np.argsort(-scores)[:k]
        return [(self.paths[d], float(scores[d])) for d in top if scores[d] > 0]


if __name__ == "__main__":
    if "--build" in sys.argv:
        build()
    else:
        s = BigramBM25()
        for p, sc in s.search(" ".join(sys.argv[1:])):
            print(f"{sc:7.2f} {p}")
