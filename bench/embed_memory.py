"""Peak memory and time of embedding passages, by batch size (``govsearch embed``'s model step).

    python3 bench/embed_memory.py [--docs 40] [--runs 3] [--batches 32 16 8 4]

Batch 1 is what ``govsearch embed`` does (each passage alone, so that its vector depends on
it only); larger batches sort the passages by length and embed that many per call. Each run is
a fresh process (peak RSS is per process) embedding the whole texts of the first
``--docs`` laws of the corpus's ``lawrefbook/xingzhengfa`` (long texts: ~19 passages each) with
the model as ``govsearch embed`` loads it (2 threads); batch sizes alternate within each run, so
a loaded machine slows them alike. Prints the median seconds and peak RSS per batch size.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "docs" / "lawrefbook" / "xingzhengfa"

_CHILD = r"""
import resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from analyzers import embedding
model = embedding.embedder(2)
files = sorted(Path(sys.argv[2]).glob("*.txt"))[: int(sys.argv[3])]
docs = [(f.stem, f.read_text(encoding="utf-8")) for f in files]
t0 = time.perf_counter()
b = int(sys.argv[4])
if b == 1:  # what govsearch embed does: each passage alone
    n = sum(len(r) for r in model.embed_documents(docs))
else:  # passages of similar length together, b per call (the code before 2026-12-02)
    texts = sorted((p for t, x in docs for p in embedding.passages(t, x)), key=len)
    n = sum(len(model.embed(texts[i : i + b])) for i in range(0, len(texts), b))
took = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(n, took, peak)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--batches", type=int, nargs="+", default=[32, 16, 8, 4])
    args = ap.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    got: dict[int, list[tuple[float, float]]] = {b: [] for b in args.batches}
    passages = 0
    for r in range(args.runs):
        for b in args.batches:
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, str(REPO), str(CORPUS), str(args.docs), str(b)],
                capture_output=True, text=True, check=True,
            ).stdout.split()
            passages, took, peak = int(out[0]), float(out[1]), float(out[2])
            got[b].append((took, peak))
            print(f"run {r + 1}, batch {b}: {took:.1f} s, {peak:.0f} MB", file=sys.stderr)
    print(f"| batch | median s ({passages} passages) | runs (s) | peak RSS MB (median) |")
    print("|---:|---:|---|---:|")
    for b in args.batches:
        runs = ", ".join(f"{t:.1f}" for t, _ in got[b])
        print(f"| {b} | {statistics.median(t for t, _ in got[b]):.1f} | {runs} | "
              f"{statistics.median(p for _, p in got[b]):.0f} |")


if __name__ == "__main__":
    main()
