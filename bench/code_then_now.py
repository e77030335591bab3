"""Search latency and server memory of two checkouts of govsearch, side by side, in one run.

    git worktree add ../old 0389a20                     # the code to compare with
    (cd ../old && python bench/search_bench.py gen100k) # its own index (schemas differ)
    python bench/code_then_now.py ../old ../old/bench/out/idx100k bench/out/idx100k \
        --rounds 3 --passes 3 [--http]
    python bench/code_then_now.py ../old bench/out/corpus bench/out/corpus --leg  # with the leg

A figure measured weeks ago on a shared machine cannot tell a slower program from a slower
machine: the 2-core machine of these benchmarks ran the same code 2.3–3.4× slower on
2026-12-01 than on 2026-11-29 (bench/README.md, issue-2 table). So both checkouts run here,
in alternating child processes (each imports only its own code), on the same queries (this
checkout's `search_bench.query_set`, saved to ``bench/out/then_now_queries.json`` and
reused), and the answer is a ratio measured in the same run: the median over queries of the
per-query ratio, beside each side's p50/p95/mean.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.search_bench import http_searches, pct  # noqa: E402

QUERIES = HERE / "out" / "then_now_queries.json"
LEG_QUERIES = HERE / "out" / "then_now_leg_queries.json"  # the blind sets' 175 queries

# run inside a child whose sys.path starts with the checkout under test
_CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
try:
    from search_index.request import Query
except ImportError:  # a checkout from before the re-layering (2026-11-30)
    from search_index.query import Query
data, qfile, rounds, leg = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "leg"
index = SearchIndex(EmbeddedIndex(Path(data)))
if leg:  # the data folder's lexicon and vectors: searches run the semantic leg
    from search_index import citizen_words
    citizen_words.load_lexicon(Path(data))
queries = json.load(open(qfile, encoding="utf-8"))
for q in queries[:20]:
    index.search(Query(q=q))
lexicon = getattr(index, "lexicon", None)  # built in the background after the first query
if hasattr(lexicon, "wait"):
    lexicon.wait()
per = [[] for _ in queries]
for _ in range(rounds):
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        index.search(Query(q=q, size=10))
        per[i].append((time.perf_counter() - t0) * 1000)
print(json.dumps(per))
"""


def ensure_queries(new_data: Path, leg: bool = False) -> list[str]:
    if leg:
        from bench.citizen.eval import load

        LEG_QUERIES.parent.mkdir(parents=True, exist_ok=True)
        queries = [it["q"] for it in load()]
        LEG_QUERIES.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
        return queries
    if not QUERIES.exists():
        from bench.search_bench import query_set
        from search_index.embedded import EmbeddedIndex
        from search_index.index import SearchIndex

        QUERIES.parent.mkdir(parents=True, exist_ok=True)
        queries = query_set(SearchIndex(EmbeddedIndex(new_data)))
        QUERIES.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    return json.loads(QUERIES.read_text(encoding="utf-8"))


def in_process(repo: Path, data: Path, rounds: int, leg: bool = False) -> list[list[float]]:
    """Per-query milliseconds (one list per query) from a child running ``repo``'s code."""
    env = dict(os.environ, PYTHONPATH=str(repo))
    qfile, mode = (LEG_QUERIES, "leg") if leg else (QUERIES, "words")
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(data), str(qfile), str(rounds), mode],
        cwd=repo, env=env, capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout)


def summary(per: list[list[float]]) -> tuple[float, float, float]:
    flat = [t for ts in per for t in ts]
    return pct(flat, 50), pct(flat, 95), statistics.mean(flat)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old_repo", type=Path)
    ap.add_argument("old_data", type=Path, help="an index built by the old checkout")
    ap.add_argument("new_data", type=Path, help="an index built by this checkout")
    ap.add_argument("--rounds", type=int, default=3, help="rounds over the queries per pass")
    ap.add_argument("--passes", type=int, default=3, help="alternated passes per side")
    ap.add_argument("--http", action="store_true", help="also GET /api/search and server RSS")
    ap.add_argument(
        "--leg", action="store_true",
        help="in process with the data folder's semantic leg, on the blind sets' queries "
        "(e.g. bench/out/corpus of bench/corpus_index.py)",
    )  # fmt: skip
    args = ap.parse_args()
    queries = ensure_queries(args.new_data, args.leg)
    sides = {"then": (args.old_repo.resolve(), args.old_data.resolve()),
             "now": (REPO, args.new_data.resolve())}  # fmt: skip
    runs: dict[str, list[list[list[float]]]] = {k: [] for k in sides}
    http: dict[str, list[tuple[float, float, float]]] = {k: [] for k in sides}
    for p in range(args.passes):
        for name, (repo, data) in sides.items():
            runs[name].append(in_process(repo, data, args.rounds, args.leg))
            p50, p95, mean = summary(runs[name][-1])
            line = f"pass {p + 1} {name}: p50/p95/mean {p50:.1f} / {p95:.1f} / {mean:.1f} ms"
            if args.http:
                env = {"GOVSEARCH_DATA_DIR": str(data), "PYTHONPATH": str(repo)}
                os.chdir(repo)  # `python -m` puts the working directory first on sys.path
                try:
                    times, rss = http_searches(env, queries, args.rounds)
                finally:
                    os.chdir(REPO)
                http[name].append((pct(times, 50), pct(times, 95), rss))
                h50, h95, rss = http[name][-1]
                line += f" · HTTP p50/p95 {h50:.1f} / {h95:.1f} ms, RSS {rss:.0f} MB"
            print(line, file=sys.stderr, flush=True)

    def med_per_query(name: str) -> list[float]:
        return [statistics.median(t for run in runs[name] for t in run[i])
                for i in range(len(queries))]  # fmt: skip

    then, now = med_per_query("then"), med_per_query("now")
    ratio = statistics.median(b / a for a, b in zip(then, now, strict=True) if a > 0)
    print(f"| {len(queries)} queries × {args.rounds} rounds × {args.passes} passes | "
          "p50 ms | p95 ms | mean ms |" + (" HTTP p50 | HTTP p95 | RSS MB |" if args.http else ""))
    print("|---|---:|---:|---:|" + ("---:|---:|---:|" if args.http else ""))
    for name, (repo, _) in sides.items():
        cells = [statistics.median(summary(r)[j] for r in runs[name]) for j in range(3)]
        row = f"| {name} ({repo.name}) | " + " | ".join(f"{c:.1f}" for c in cells) + " |"
        if args.http:
            row += " " + " | ".join(
                f"{statistics.median(h[j] for h in http[name]):.{1 if j < 2 else 0}f}"
                for j in range(3)) + " |"  # fmt: skip
        print(row)
    print(f"\nnow / then, median over queries of the per-query ratio: {ratio:.2f}×")


if __name__ == "__main__":
    main()
