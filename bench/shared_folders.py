"""What the stateless API tier pays to share the query-side folders through Elasticsearch
(search_index.elastic_shared): publishing the lexicon and the vectors of an index, a server's
first fetch into an empty data folder, and the check every ``GOVSEARCH_SHARED_POLL`` seconds
when nothing changed.

    python bench/shared_folders.py [--data bench/out/corpus] [--runs 3]

Needs a cluster (``GOVSEARCH_ES_URL``, default http://127.0.0.1:9200) and a data folder with
``lexicon/`` and ``vectors/`` (``govsearch ingest`` + ``govsearch embed``). Prints a markdown
table of medians (ms) for bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from elasticsearch import Elasticsearch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search_index.elastic_shared import ElasticFolders  # noqa: E402
from search_index.shared_folders import NAMES, local_files  # noqa: E402


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in local_files(folder)) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("bench/out/corpus"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    url = os.environ.get("GOVSEARCH_ES_URL", "http://127.0.0.1:9200").split(",")[0]
    es = Elasticsearch(url, request_timeout=120)
    index = f"bench-shared-{os.getpid()}-files"
    times: dict[tuple[str, str], list[float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            writer = Path(tmp) / "writer"
            for name in NAMES:
                shutil.copytree(args.data / name, writer / name)
            shared = ElasticFolders(es, index, url)
            for run in range(args.runs):
                server = Path(tmp) / f"server{run}"
                for name in NAMES:
                    for step, act in (
                        ("publish", lambda n=name: shared.push(writer, n, force=True)),
                        ("first fetch", lambda n=name, s=server: shared.pull(s, n)),
                        ("check, nothing new", lambda n=name, s=server: shared.pull(s, n)),
                    ):
                        t0 = time.perf_counter()
                        act()
                        times.setdefault((name, step), []).append(
                            (time.perf_counter() - t0) * 1000
                        )
                for name in NAMES:
                    a = {p.name: p.read_bytes() for p in local_files(writer / name)}
                    b = {p.name: p.read_bytes() for p in local_files(server / name)}
                    assert a == b, f"{name}: the fetched copy differs"
            print(f"| folder | MB | step | median ms ({args.runs} runs) | runs |")
            print("|---|---:|---|---:|---|")
            for (name, step), ts in times.items():
                print(
                    f"| {name} | {size_mb(writer / name):.1f} | {step} | "
                    f"{statistics.median(ts):,.1f} | {' / '.join(f'{t:,.0f}' for t in ts)} |"
                )
    finally:
        es.options(ignore_status=404).indices.delete(index=index)
        es.close()


if __name__ == "__main__":
    main()
