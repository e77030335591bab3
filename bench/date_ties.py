"""What breaking date-sort ties by id costs the embedded backend (eighteenth session).

    python bench/date_ties.py bench/out/corpus [--rounds 5]

Ten queries × both date sorts × pages 1 and 3, with ``EmbeddedIndex._ties_by_id`` switched on
and off in one process, alternated round by round; prints p50 and p95 of each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model.settings import Settings  # noqa: E402
from search_index import embedded  # noqa: E402
from search_index.backends import open_index  # noqa: E402
from search_index.request import Query  # noqa: E402

QUERIES = ("", "通知", "社保", "养老保险", "条例", "教育", "国务院", "疫情防控", "住房公积金",
           "环境保护")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    index = open_index(Settings(data_dir=args.data_dir, backend="embedded"), create=False)
    real = embedded.EmbeddedIndex._ties_by_id
    times: dict[str, list[float]] = {"with": [], "without": []}
    for rnd in range(args.rounds):
        for name in ("without", "with") if rnd % 2 else ("with", "without"):
            embedded.EmbeddedIndex._ties_by_id = (  # type: ignore[method-assign]
                real if name == "with" else (lambda self, s, p, addrs, *rest: addrs)
            )
            for q in QUERIES:
                for sort in ("date_desc", "date_asc"):
                    for page in (1, 3):
                        t = time.perf_counter()
                        index.search(Query(q=q, sort=sort, page=page))
                        times[name].append((time.perf_counter() - t) * 1000)
    embedded.EmbeddedIndex._ties_by_id = real  # type: ignore[method-assign]
    print("| tie order | p50 ms | p95 ms | searches |\n|---|---:|---:|---:|")
    for name, v in times.items():
        v.sort()
        print(f"| {name} | {statistics.median(v):.1f} | {v[int(len(v) * 0.95)]:.1f} | {len(v)} |")


if __name__ == "__main__":
    main()
