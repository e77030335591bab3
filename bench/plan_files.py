"""How long ingest takes to find its files and match them to catalogue rows, before any reading.

    python bench/gen_corpus.py --n 1000000 --scale 0.25 --out bench/out/gen1m
    python bench/plan_files.py bench/out/gen1m [--limit 100000] [--runs 3] [--repo PATH]

``--limit`` hard-links the first N files (and their catalogue rows) into a folder of their own,
so that a 100k plan can be timed without a 100k corpus; ``--repo`` imports ``ingest`` from
another checkout (the code before a change), so two versions are timed in the same run.
Prints the median seconds of ``ingest.files.tasks`` over all files.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path


def subset(src: Path, n: int) -> Path:
    out = src.parent / f"{src.name}-first{n}"
    if (out / "catalog.csv").is_file():
        return out
    (out / "docs").mkdir(parents=True, exist_ok=True)
    with (src / "catalog.csv").open(encoding="utf-8", newline="") as f, (
        out / "catalog.csv").open("w", encoding="utf-8", newline="") as g:
        rows = csv.reader(f)
        w = csv.writer(g)
        w.writerow(next(rows))
        for i, row in enumerate(rows):
            if i >= n:
                break
            w.writerow(row)
            name = Path(row[0]).name
            target = out / "docs" / name
            if not target.exists():
                os.link(src / "docs" / name, target)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="a folder with docs/ and catalog.csv")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    args = ap.parse_args()
    sys.path.insert(0, str(args.repo.resolve()))
    from ingest.catalog import load_catalog
    from ingest.files import tasks

    corpus = subset(args.corpus, args.limit) if args.limit else args.corpus
    catalog = load_catalog(corpus / "catalog.csv")
    took, count = [], 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        count = sum(1 for t in tasks([corpus / "docs"], catalog, "public") if t.entry is not None)
        took.append(time.perf_counter() - t0)
    print(f"{args.repo}: {count:,} files matched to rows; median {statistics.median(took):.2f} s "
          f"({', '.join(f'{t:.2f}' for t in took)})")


if __name__ == "__main__":
    main()
