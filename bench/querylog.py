"""Does the query log slow search? Search latency over HTTP (in process) with the log on and
off, in the same run, requests interleaved so both arms see the same machine noise.

    python bench/querylog.py [--rounds 5] [--data DIR]

DIR is a data folder with an index (default: bench/out/samples-data, ingested from samples/ if
missing). Both apps share that index; the "on" app logs to a throw-away SQLite query log. Prints
a Markdown table (medians, p95, ratio) for bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from govsearch.app import create_app  # noqa: E402
from model.settings import Settings  # noqa: E402
from pipeline.run import run_ingest  # noqa: E402
from search_index.embedded import EmbeddedIndex  # noqa: E402
from search_index.index import SearchIndex  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--data", type=Path, default=REPO / "bench" / "out" / "samples-data")
    args = ap.parse_args()
    if not (args.data / "index").exists():
        idx = SearchIndex(EmbeddedIndex(args.data))
        run_ingest(idx, [REPO / "samples"], catalog=REPO / "samples" / "catalog.csv", workers=2)
        idx.close()
    queries = [json.loads(line)["q"] for line in open(REPO / "bench" / "queries.jsonl")]
    index = SearchIndex(EmbeddedIndex(args.data))
    with tempfile.TemporaryDirectory() as logdir:
        off = create_app(Settings(data_dir=args.data, query_log=False), index=index)
        on_settings = Settings(data_dir=Path(logdir), query_log=True)
        on = create_app(on_settings, index=index)
        times: dict[str, list[float]] = {"off": [], "on": []}
        with TestClient(off) as c_off, TestClient(on) as c_on:
            clients = {"off": c_off, "on": c_on}
            for q in queries[:5]:  # warm both
                for c in clients.values():
                    c.get("/api/search", params={"q": q})
            for r in range(args.rounds):
                for i, q in enumerate(queries):
                    order = ("off", "on") if (i + r) % 2 == 0 else ("on", "off")
                    for arm in order:
                        t0 = time.perf_counter()
                        resp = clients[arm].get("/api/search", params={"q": q})
                        times[arm].append((time.perf_counter() - t0) * 1000)
                        assert resp.status_code == 200
            store = on.state.reports.querylog
            store.flush(30)
            stats = store.stats()
    index.close()
    n = len(times["off"])
    med_off, med_on = statistics.median(times["off"]), statistics.median(times["on"])
    p95_off, p95_on = pct(times["off"], 95), pct(times["on"], 95)
    print(
        f"{n} searches per arm ({len(queries)} judged queries × {args.rounds} rounds), "
        f"interleaved; index: {args.data.name}; log: {stats['rows']} rows written, "
        f"{stats['dropped']} dropped, {stats['failed']} failed\n"
    )
    print("| query log | median ms | p95 ms |")
    print("|---|---:|---:|")
    print(f"| off | {med_off:.2f} | {p95_off:.2f} |")
    print(f"| on (SQLite, writer thread) | {med_on:.2f} | {p95_on:.2f} |")
    print(f"| ratio on/off | {med_on / med_off:.3f} | {p95_on / p95_off:.3f} |")


if __name__ == "__main__":
    main()
