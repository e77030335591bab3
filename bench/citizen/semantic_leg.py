"""Measurement only: a semantic leg from the `general` word vectors, fused with the engine.

    pip install --no-deps simplechinese==0.2.15
    python3 bench/citizen/semantic_leg.py --grid     # tune half only: fusion settings
    python3 bench/citizen/semantic_leg.py            # the chosen setting on both halves

Issue 12's optional semantic leg asks for a text-embedding model installed from the registries
with its weights inside the package. No sentence-embedding model was found packaged so; the
closest thing installed is the 64-dimensional word vectors of the `simplechinese` wheel (the
`general` method's source). A text is embedded as the IDF-weighted mean of its jieba words'
vectors (title twice, then the first :data:`BODY_CHARS` characters), a query likewise; the
leg's ranking is the cosine over the whole corpus, fused with the engine's ranking by weighted
reciprocal-rank fusion (score = Σ weight / (60 + rank)). nDCG@10 of the fused top 10 against
the judged sets; the fused lists can hold documents nobody judged (counted 0, and reported).
Nothing here changes the engine.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import pickle
import statistics
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import bench.corpus_index as ci  # noqa: E402
from analyzers.normalize import normalize  # noqa: E402
from analyzers.segment import index_words, query_words  # noqa: E402
from bench.citizen import eval as ev  # noqa: E402
from search_index import citizen_words as cw  # noqa: E402
from search_index.request import Query  # noqa: E402

BODY_CHARS = 1500
RRF_K = 60
DEPTH = 100  # of each ranking fused
GRID_WEIGHTS = (0.1, 0.2, 0.3, 0.5, 1.0)
CHOSEN_WEIGHT = 0.1  # best of --grid on the tune half


class Embedder:
    def __init__(self, n_docs: int) -> None:
        spec = importlib.util.find_spec("simplechinese")
        if spec is None or not spec.submodule_search_locations:
            sys.exit("pip install --no-deps simplechinese==0.2.15 first")
        data = Path(list(spec.submodule_search_locations)[0]) / "data"
        with (data / "all_words.pickle").open("rb") as f:
            words: list[str] = pickle.load(f)  # the installed package's own data file
        self.row = {w: i for i, w in enumerate(words)}
        self.vectors = np.load(data / "all_weights_64.npy").astype(np.float32)
        self.vectors /= np.maximum(np.linalg.norm(self.vectors, axis=1, keepdims=True), 1e-9)
        self.vocab = cw.vocabulary()
        self.n = n_docs

    def embed(self, words: list[str]) -> np.ndarray | None:
        acc = np.zeros(self.vectors.shape[1], dtype=np.float32)
        for w in words:
            i = self.row.get(w)
            if i is not None and len(w) > 1:
                acc += math.log(1 + self.n / (1 + self.vocab.get(w, 0))) * self.vectors[i]
        norm = float(np.linalg.norm(acc))
        return acc / norm if norm else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--grid", action="store_true", help="tune half only, one row per weight")
    args = ap.parse_args()
    index, _ = ci.corpus_index()
    cw.load_lexicon(ci.OUT / "corpus")
    docs = list(index.backend.catalog())
    embedder = Embedder(len(docs))
    paths, rows = [], []
    for start in range(0, len(docs), 500):
        batch = index.backend.fetch([d.id for d in docs[start : start + 500]])
        for d in batch.values():
            title = normalize(d.title)
            text = title + "\n" + title + "\n" + normalize(d.text[:BODY_CHARS])
            v = embedder.embed(index_words(text))
            if v is not None:
                paths.append(ev._path(d.path))
                rows.append(v)
    matrix = np.stack(rows)
    print(f"{len(paths):,} documents embedded", file=sys.stderr)

    items = ev.load()
    if args.grid:
        items = [it for it in items if it["half"] == "tune"]
    engine, leg = {}, {}
    for it in items:
        hits = index.search(Query(q=it["q"], size=DEPTH, facets=False)).hits
        engine[it["id"]] = [ev._path(h.doc.path) for h in hits]
        q = embedder.embed(query_words(normalize(it["q"])))
        if q is None:
            leg[it["id"]] = []
            continue
        scores = matrix @ q
        leg[it["id"]] = [paths[i] for i in np.argsort(-scores)[:DEPTH]]

    def fused(weight: float) -> dict[str, list[str]]:
        out = {}
        for it in items:
            score: dict[str, float] = {}
            for rank, p in enumerate(engine[it["id"]]):
                score[p] = score.get(p, 0.0) + 1.0 / (RRF_K + rank + 1)
            for rank, p in enumerate(leg[it["id"]]):
                score[p] = score.get(p, 0.0) + weight / (RRF_K + rank + 1)
            out[it["id"]] = sorted(score, key=lambda p: -score[p])[: ev.K]
        return out

    def ndcg(ranked: dict[str, list[str]], half: str, kind: str | None = None) -> float:
        sel = [it for it in items if it["half"] == half and kind in (None, it["kind"])]
        return statistics.fmean(
            ev.ndcg(ranked[it["id"]], {p: int(g) for p, g in it["judged"].items()}) for it in sel
        )

    def unjudged(ranked: dict[str, list[str]], half: str) -> int:
        return sum(p not in it["judged"] for it in items if it["half"] == half
                   for p in ranked[it["id"]])  # fmt: skip

    base = {k: v[: ev.K] for k, v in engine.items()}
    halves = ("tune",) if args.grid else ("tune", "heldout")
    print("| configuration | " + " | ".join(f"{h} nDCG@10 | {h} unjudged" for h in halves) + " |")
    print("|---|" + "---:|---:|" * len(halves))
    print("| engine alone | " + " | ".join(
        f"{ndcg(base, h):.3f} | {unjudged(base, h)}" for h in halves) + " |")  # fmt: skip
    alone = {k: v[: ev.K] for k, v in leg.items()}
    print("| semantic leg alone | " + " | ".join(
        f"{ndcg(alone, h):.3f} | {unjudged(alone, h)}" for h in halves) + " |")  # fmt: skip
    for w in GRID_WEIGHTS if args.grid else (CHOSEN_WEIGHT,):
        f = fused(w)
        print(f"| fused, leg weight {w} | " + " | ".join(
            f"{ndcg(f, h):.3f} | {unjudged(f, h)}" for h in halves) + " |")  # fmt: skip


if __name__ == "__main__":
    main()
