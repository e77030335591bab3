"""What the semantic leg's exact scan costs as the index grows (issue 12, method ``semantic``).

    python3 bench/semantic_scale.py [--docs 6337 100000 240000] [--runs 3]

The store of :mod:`search_index.vectors` holds 3 passage vectors of 512 float32 per document
and scans them all per query (one BLAS product and a max per document). The scan's cost does
not depend on the vectors' values, so random unit vectors of the real shape measure it; the
query's own embedding (the model, ~2.6 ms on this machine) is measured once on real text.
Prints the median ms per query of several runs and the matrix's memory.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyzers.embedding import DIMENSIONS, PASSAGES, embedder  # noqa: E402
from search_index.vectors import StoredVectors  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[6_337, 100_000, 240_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", type=int, default=50)
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    model = embedder()
    if model is not None:
        times = []
        for _ in range(args.queries):
            t0 = time.perf_counter()
            model.embed_query("房东不退押金怎么办")
            times.append(time.perf_counter() - t0)
        print(f"query embedding: median {statistics.median(times) * 1000:.2f} ms")
    print("| documents | passages | matrix MB (float32) | scan median ms (runs) |")
    print("|---:|---:|---:|---|")
    for n in args.docs:
        rows = n * PASSAGES
        matrix = rng.standard_normal((rows, DIMENSIONS), dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        store = StoredVectors("bench", tuple(str(i) for i in range(n)), ("",) * n,
                              np.repeat(np.arange(n), PASSAGES), matrix)  # fmt: skip
        queries = rng.standard_normal((args.queries, DIMENSIONS), dtype=np.float32)
        store.nearest(queries[0], 100)  # warm
        medians = []
        for _ in range(args.runs):
            times = []
            for q in queries:
                t0 = time.perf_counter()
                store.nearest(q, 100)
                times.append(time.perf_counter() - t0)
            medians.append(statistics.median(times) * 1000)
        shown = " / ".join(f"{m:.1f}" for m in medians)
        print(f"| {n:,} | {rows:,} | {matrix.nbytes / 2**20:,.0f} | "
              f"**{statistics.median(medians):.1f}** ({shown}) |")  # fmt: skip
        del store, matrix


if __name__ == "__main__":
    main()
