"""What the semantic leg's exact scan costs as the index grows (issue 12, method ``semantic``).

    python3 bench/semantic_scale.py [--docs 6337 100000 240000] [--runs 3]

The store of :mod:`search_index.vectors` holds ``--passages`` vectors of 512 float32 per document
(3, what documents were embedded as until 2026-12-01; whole documents average 11.3 on the real
corpus, so a row of this table for N documents is one for ~N/3.8 documents now) and scans them
all per query (one BLAS product and a max per document). The scan's cost does
not depend on the vectors' values, so random unit vectors of the real shape measure it; the
query's own embedding (the model, ~2.6 ms on this machine) is measured once on real text.
Prints the median ms per query of several runs and the matrix's memory; with ``--ann`` also
the approximate index that ``govsearch embed`` writes past ``EXACT_MAX_ROWS`` passages (its
build time, size and query time; its recall is measured on the real corpus, not here: random
vectors have no neighbourhoods to find).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzers.embedding import DIMENSIONS, embedder  # noqa: E402
from search_index import vectors  # noqa: E402
from search_index.vectors import StoredVectors  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[6_337, 100_000, 240_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--ann", action="store_true", help="also the faiss index of vectors.write")
    ap.add_argument("--passages", type=int, default=3, help="passage vectors per document")
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    model = embedder()
    if model is not None:
        times = []
        for i in range(args.queries):
            t0 = time.perf_counter()
            model.embed_query(f"房东不退押金怎么办{i}")  # each new: repeated queries are cached
            times.append(time.perf_counter() - t0)
        print(f"query embedding: median {statistics.median(times) * 1000:.2f} ms")
    head = "| documents | passages | matrix MB (float32) | scan median ms (runs) |"
    rule = "|---:|---:|---:|---|"
    if args.ann:
        head += " approximate: build s | index MB | query median ms (runs) |"
        rule += "---:|---:|---|"
    print(head)
    print(rule)
    for n in args.docs:
        rows = n * args.passages
        matrix = rng.standard_normal((rows, DIMENSIONS), dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        store = StoredVectors("bench", tuple(str(i) for i in range(n)), ("",) * n,
                              np.repeat(np.arange(n), args.passages), matrix)  # fmt: skip
        queries = rng.standard_normal((args.queries, DIMENSIONS), dtype=np.float32)
        medians = _medians(store, queries, args.runs)
        shown = " / ".join(f"{m:.1f}" for m in medians)
        line = (f"| {n:,} | {rows:,} | {matrix.nbytes / 2**20:,.0f} | "
                f"**{statistics.median(medians):.1f}** ({shown}) |")  # fmt: skip
        if args.ann:
            line += _approximate(store, queries, args.runs)
        print(line, flush=True)
        del store, matrix


def _medians(store: StoredVectors, queries: np.ndarray, runs: int) -> list[float]:
    """Median ms per query of each run (after one warm-up query)."""
    store.nearest(queries[0], 100)
    out = []
    for _ in range(runs):
        times = []
        for q in queries:
            t0 = time.perf_counter()
            store.nearest(q, 100)
            times.append(time.perf_counter() - t0)
        out.append(statistics.median(times) * 1000)
    return out


def _approximate(store: StoredVectors, queries: np.ndarray, runs: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        saved, vectors.EXACT_MAX_ROWS = vectors.EXACT_MAX_ROWS, 0
        t0 = time.perf_counter()
        vectors.write(Path(tmp), store)
        build = time.perf_counter() - t0
        vectors.EXACT_MAX_ROWS = saved
        size = next((Path(tmp) / vectors.STORE_DIR).glob("passages*.faiss")).stat().st_size
        ann = vectors.read(Path(tmp), with_matrix=False)
    medians = _medians(ann, queries, runs)
    shown = " / ".join(f"{m:.2f}" for m in medians)
    return f" {build:.0f} | {size / 2**20:,.0f} | **{statistics.median(medians):.2f}** ({shown}) |"


if __name__ == "__main__":
    main()
