"""Build (once) and open an embedded index of the whole shared corpus for benchmarks."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline.run import run_ingest
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
OUT = REPO / "bench" / "out"


def corpus_index(rebuild: bool = False, workers: int = 2) -> tuple[SearchIndex, float | None]:
    """The corpus index under bench/out/corpus; returns (index, build seconds or None if cached)."""
    data = OUT / "corpus"
    marker = data / "built"
    if rebuild and data.exists():
        import shutil

        shutil.rmtree(data)
    index = SearchIndex(EmbeddedIndex(data))
    if marker.exists():
        return index, None
    t0 = time.perf_counter()
    report = run_ingest(
        index, [CORPUS / "docs"], workers=workers, progress=True, lexicon_dir=data
    )
    took = time.perf_counter() - t0
    print(report.summary().splitlines()[0])
    marker.write_text(f"{took:.1f}\n")
    return index, took
