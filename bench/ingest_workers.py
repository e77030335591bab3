"""Does ingest scale with its workers? `govsearch ingest --workers 1` against `--workers 2`,
alternated, same corpus, same run (issue 13: "measure 1 vs 2 workers as a ratio").

    python bench/gen_corpus.py --n 20000 --scale 0.25 --out bench/out/gen20k
    python bench/ingest_workers.py --corpus bench/out/gen20k --runs 3 [--workers 1 2]
    git worktree add ../then HEAD~1         # another checkout's code, same runs alternated:
    python bench/ingest_workers.py --then ../then --workers 2 --runs 3

Each run is the real command in its own process on a fresh embedded data folder, so its wall
time and the CPU of the command and everything it started (``RUSAGE_CHILDREN``) are one
ingest's. Prints the median docs/s and CPU ms per document of each worker count and the speed-up
of each against the first, pair by pair. On a shared machine compare the ratio, not the rates.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus_index import OUT  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def one(corpus: Path, workers: int, root: Path = ROOT) -> dict[str, float]:
    data = Path(tempfile.mkdtemp(prefix="ingest-workers-", dir=OUT))
    env = {**os.environ, "GOVSEARCH_DATA_DIR": str(data), "GOVSEARCH_BACKEND": "embedded",
           "PYTHONPATH": str(root)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "govsearch.cli", "ingest", str(corpus / "docs"), "--catalog",
         str(corpus / "catalog.csv"), "--workers", str(workers), "--quiet", "--no-ocr"],
        env=env, cwd=root, capture_output=True, text=True,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    index_mb = sum(p.stat().st_size for p in (data / "index").rglob("*") if p.is_file()) / 2**20
    shutil.rmtree(data, ignore_errors=True)
    if done.returncode != 0:
        sys.exit(f"ingest --workers {workers} failed: {done.stderr[-2000:]}")
    docs = sum(1 for p in (corpus / "docs").rglob("*") if p.is_file())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "docs_s": docs / wall, "cpu_ms": 1000 * cpu / docs, "docs": docs,
            "index_mb": index_mb}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=OUT / "gen20k")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--then", type=Path, help="another checkout: its code against this one's")
    args = ap.parse_args()
    if args.then:
        then_and_now(args.corpus, args.then.resolve(), args.workers[-1], args.runs)
        return
    rows: dict[int, list[dict[str, float]]] = {w: [] for w in args.workers}
    for r in range(args.runs):
        for w in args.workers:
            rows[w].append(one(args.corpus, w))
            print(f"run {r + 1}, --workers {w}: {rows[w][-1]['wall']:.1f} s", file=sys.stderr,
                  flush=True)
    first = args.workers[0]
    docs = int(rows[first][0]["docs"])
    print(f"| --workers | runs (wall s) | median docs/s | median CPU ms/doc | speed-up vs "
          f"{first} (median) | pair by pair |")
    print("|---:|---|---:|---:|---:|---|")
    for w in args.workers:
        pairs = [a["wall"] / b["wall"] for a, b in zip(rows[first], rows[w], strict=True)]
        walls = " / ".join(f"{x['wall']:.0f}" for x in rows[w])
        print(f"| {w} | {walls} | {statistics.median(x['docs_s'] for x in rows[w]):,.0f} | "
              f"{statistics.median(x['cpu_ms'] for x in rows[w]):.2f} | "
              f"{statistics.median(pairs):.2f}× | {', '.join(f'{p:.2f}' for p in pairs)} |")
    print(f"\n{docs:,} documents, {os.cpu_count()} cores")


def then_and_now(corpus: Path, then: Path, workers: int, runs: int) -> None:
    """The same ingest with the code of ``then`` and of this checkout, alternated."""
    rows: dict[str, list[dict[str, float]]] = {"then": [], "now": []}
    for r in range(runs):
        for name, root in (("then", then), ("now", ROOT)):
            rows[name].append(one(corpus, workers, root))
            print(f"run {r + 1}, {name}: {rows[name][-1]['wall']:.1f} s", file=sys.stderr,
                  flush=True)
    print("| code | runs (wall s) | median docs/s | median CPU ms/doc | index MB | "
          "now / then, wall (pair by pair) |")
    print("|---|---|---:|---:|---:|---|")
    pairs = [b["wall"] / a["wall"] for a, b in zip(rows["then"], rows["now"], strict=True)]
    for name, root in (("then", then), ("now", ROOT)):
        rs = rows[name]
        ratio = (f"{statistics.median(pairs):.2f}× ({', '.join(f'{p:.2f}' for p in pairs)})"
                 if name == "now" else "")  # fmt: skip
        walls = " / ".join(f"{x['wall']:.0f}" for x in rs)
        print(f"| {name} ({root.name}) | {walls} | "
              f"{statistics.median(x['docs_s'] for x in rs):,.0f} | "
              f"{statistics.median(x['cpu_ms'] for x in rs):.2f} | "
              f"{statistics.median(x['index_mb'] for x in rs):.0f} | {ratio} |")
    print(f"\n{int(rows['now'][0]['docs']):,} documents, --workers {workers}, "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
