"""What the lookup of hidden copies costs an ingest (issue 13's budget; QA pass 24c's fix).

    python3 bench/hidden_copies.py [--hidden] [--per-batch]

Ingests the corpus's 6,337 texts into a new folder with two workers, timing every call of
``HiddenCopies.of`` (one per batch of new documents at the default level: their content keys
and MinHash band keys matched against the hidden documents'). ``--hidden`` first ingests 300
of the texts as 不予公开, so there is something to match; ``--per-batch`` looks the hidden
documents up per batch (as past ``IN_MEMORY`` of them) instead of reading them once. Prints
the calls, their total and median, and their share of the ingest's wall time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pipeline.hidden_copies as hc  # noqa: E402
import pipeline.run as pr  # noqa: E402
from search_index.embedded import EmbeddedIndex  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "docs"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hidden", action="store_true", help="300 texts held 不予公开 first")
    ap.add_argument("--per-batch", action="store_true", help="look them up per batch")
    ap.add_argument("--list-held", action="store_true", help="print the first 40 held back")
    args = ap.parse_args()
    spent: list[float] = []
    original = hc.HiddenCopies.of

    def timed(self, batch):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return original(self, batch)
        finally:
            spent.append(time.perf_counter() - t)

    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(EmbeddedIndex(Path(tmp)))
        if args.hidden:
            first = sorted(CORPUS.glob("lawrefbook/*/*.txt"))[:300]
            pr.run_ingest(index, first, default_disclosure="not_public",
                          disclosure_given=True, workers=2)  # fmt: skip
        hc.HiddenCopies.of = timed  # type: ignore[method-assign]
        if args.per_batch:
            hc.IN_MEMORY = 0
        t0 = time.perf_counter()
        report = pr.run_ingest(index, [CORPUS], workers=2)
        wall = time.perf_counter() - t0
        index.close()
    total = sum(spent)
    median = statistics.median(spent) * 1000 if spent else 0.0
    print("| documents written | held back | wall s | lookups | lookup s | median ms | share |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(report.ok):,} | {len(report.held):,} | {wall:.1f} | {len(spent)} | "
          f"{total:.2f} | {median:.1f} | {total / wall:.1%} |")
    for h in report.held[:40] if args.list_held else ():
        print(f"  {h.path}: {h.reason}")


if __name__ == "__main__":
    main()
