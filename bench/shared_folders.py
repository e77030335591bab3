"""What the stateless API tier pays to share the query-side folders through Elasticsearch
(search_index.elastic_shared): publishing the lexicon and the vectors of an index, a server's
first fetch into an empty data folder, the check every ``GOVSEARCH_SHARED_POLL`` seconds
when nothing changed, and what one uploaded document's vectors cost (``recent.npz``: only
that file is published and fetched again).

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
from collections.abc import Callable
from pathlib import Path

from elasticsearch import Elasticsearch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from pipeline.embed import UPLOAD_PASSAGES  # noqa: E402
from search_index import vectors  # noqa: E402
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
    prefix = f"bench-shared-{os.getpid()}"
    times: dict[tuple[str, str], list[float]] = {}

    def timed(name: str, step: str, act: Callable[..., object], *args: object) -> None:
        t0 = time.perf_counter()
        act(*args)
        times.setdefault((name, step), []).append((time.perf_counter() - t0) * 1000)

    try:
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(args.runs):
                # a cluster that holds nothing yet, a writer's folder, an empty server folder
                shared = ElasticFolders(es, f"{prefix}-{run}-files", url)
                writer, server = Path(tmp) / f"writer{run}", Path(tmp) / f"server{run}"
                for name in NAMES:
                    shutil.copytree(args.data / name, writer / name)
                    (writer / name / "recent.npz").unlink(missing_ok=True)
                for name in NAMES:
                    timed(name, "publish", shared.push, writer, name)
                    timed(name, "first fetch", shared.pull, server, name)
                    timed(name, "check, nothing new", shared.pull, server, name)
                # one uploaded document: its first passages (embed.UPLOAD_PASSAGES) into
                # recent.npz, published, fetched
                rows = np.random.default_rng(run).normal(size=(UPLOAD_PASSAGES, 512))
                rows = rows.astype(np.float32)
                with vectors.locked(writer):
                    vectors.add_recent(writer, vectors.build("bench", [("u", "h", rows)], 512))
                timed("vectors", "publish after one upload", shared.push, writer, "vectors")
                timed("vectors", "fetch after one upload", shared.pull, server, "vectors")
                for name in NAMES:
                    a = {p.name: p.read_bytes() for p in local_files(writer / name)}
                    b = {p.name: p.read_bytes() for p in local_files(server / name)}
                    assert a == b, f"{name}: the fetched copy differs"
            print(f"| folder | MB | step | median ms ({args.runs} runs) | runs |")
            print("|---|---:|---|---:|---|")
            for (name, step), ts in times.items():
                print(
                    f"| {name} | {size_mb(args.data / name):.1f} | {step} | "
                    f"{statistics.median(ts):,.1f} | {' / '.join(f'{t:,.0f}' for t in ts)} |"
                )
    finally:
        es.options(ignore_status=404).indices.delete(
            index=f"{prefix}-*", expand_wildcards="all"
        )
        es.close()


if __name__ == "__main__":
    main()
