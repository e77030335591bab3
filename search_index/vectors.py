"""The semantic leg's vectors: every document's passage vectors, beside the index, and the
documents nearest a query.

One store for both backends, read by the query side like the lexicon: the leg's candidates
come from the same scan of the same file whichever backend answers, so the two give the same
matches (an approximate kNN inside Elasticsearch would not). The store is written by
``govsearch embed`` (:mod:`pipeline.embed`) into ``<data_dir>/vectors/`` and read whole into
memory: float16 on disk, float32 in memory for a BLAS product (6,337 documents: 17,860
passages, 37 MB).
Past :data:`EXACT_MAX_ROWS` passages the exact scan costs too much (23 ms and 586 MB at 100k
documents, bench/README.md), so ``govsearch embed`` also writes an approximate index (faiss
HNSW over 8-bit scalar-quantised vectors, ``passages-<n>.faiss``) and the query side loads that
instead of the matrix: on the real corpus it finds 97% of the exact scan's first 100
documents in 0.5 ms. Both backends still read the same file, so their candidates are the same.
Stale rows (a document deleted or changed since) are harmless: the leg's candidates are
admitted only through the search plan, which matches documents that exist and the viewer may
see, and ``govsearch embed`` drops them on its next run.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

STORE_DIR = "vectors"
_FILE = "passages.npz"
_META = "store.json"
EXACT_MAX_ROWS = 50_000  # ~17,000 documents: the exact scan stays under ~4 ms
HNSW_M = 32
EF_SEARCH = 256  # recall@100 0.97 against the exact scan on the real corpus (0.90 at 128)


@dataclass(frozen=True)
class StoredVectors:
    """``ids[owner[i]]`` owns row ``i`` of ``matrix``; ``hashes`` the content each id had.
    A document's rows are consecutive, in the order of ``ids`` (``owner`` never decreases)."""

    model: str
    ids: tuple[str, ...]
    hashes: tuple[str, ...]
    owner: np.ndarray
    matrix: np.ndarray  # empty when ``ann`` answers instead
    ann: Any = field(default=None, compare=False, repr=False)

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` documents whose best passage is nearest ``query`` (cosine), best first."""
        if not len(self.ids):
            return []
        if self.ann is not None:
            return self._nearest_approximately(query, k)
        best = np.maximum.reduceat(self.matrix @ query, self._starts)
        k = min(k, len(best))
        top = np.argpartition(-best, k - 1)[:k]
        top = top[np.argsort(-best[top], kind="stable")]
        return [(self.ids[i], float(best[i])) for i in top]

    def _nearest_approximately(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        import faiss

        want = k * 3  # passages: a document has up to three
        params = faiss.SearchParametersHNSW(efSearch=max(EF_SEARCH, want))
        sims, rows = self.ann.search(query.reshape(1, -1).astype(np.float32), want, params=params)
        out: dict[str, float] = {}
        for sim, row in zip(sims[0], rows[0], strict=True):
            if row >= 0:
                out.setdefault(self.ids[self.owner[row]], float(sim))  # best passage first
        return sorted(out.items(), key=lambda x: -x[1])[:k]

    @functools.cached_property
    def _starts(self) -> np.ndarray:
        """Each document's first row (``reduceat`` is ~10× faster than ``maximum.at``)."""
        if len(self.owner) and np.any(np.diff(self.owner) < 0):
            raise ValueError("a document's passage rows must be consecutive")
        return np.searchsorted(self.owner, np.arange(len(self.ids)))


def read(data_dir: Path | None, with_matrix: bool = True) -> StoredVectors | None:
    """The store of a data folder, or None when ``govsearch embed`` has not written one.
    Without ``with_matrix`` the approximate index is loaded instead of the matrix where there
    is one (what searches need; ``govsearch embed`` needs the matrix)."""
    if data_dir is None:
        return None
    folder = Path(data_dir) / STORE_DIR
    if not (folder / _FILE).is_file():
        return None
    with np.load(folder / _FILE, allow_pickle=False) as z:
        owner = z["owner"].astype(np.int64)
        ann = None if with_matrix else _read_ann(folder / str(z["ann"]), len(owner))
        matrix = (
            z["matrix"].astype(np.float32)
            if ann is None
            else np.zeros((0, ann.d), dtype=np.float32)  # the matrix is not even read
        )
        return StoredVectors(
            model=str(z["model"]),
            ids=tuple(z["ids"].tolist()),
            hashes=tuple(z["hashes"].tolist()),
            owner=owner,
            matrix=matrix,
            ann=ann,
        )


def _read_ann(path: Path, rows: int) -> Any:
    """The approximate index the matrix names, if it is there (a reader that opened the
    previous matrix may find its index already replaced: it then scans the matrix)."""
    if path.suffix != ".faiss" or not path.is_file():
        return None
    import faiss

    ann = faiss.read_index(str(path))
    return ann if ann.ntotal == rows else None


def write(data_dir: Path, store: StoredVectors) -> Path:
    """Replace the store atomically: readers see the old one or the new one, never a mix. An
    approximate index gets a name of its own that the new matrix file records, so a reader
    never pairs one generation's index with another's rows."""
    folder = Path(data_dir) / STORE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    ann_name = ""
    if len(store.matrix) > EXACT_MAX_ROWS:
        import faiss

        ann = faiss.IndexHNSWSQ(
            store.matrix.shape[1], faiss.ScalarQuantizer.QT_8bit, HNSW_M,
            faiss.METRIC_INNER_PRODUCT,
        )  # fmt: skip
        ann.train(store.matrix)
        ann.add(store.matrix)
        ann_name = f"passages-{time.time_ns()}.faiss"
        faiss.write_index(ann, str(folder / ann_name))
    tmp = folder / f".{_FILE}.{os.getpid()}.tmp.npz"
    np.savez(
        tmp,
        model=np.array(store.model),
        ann=np.array(ann_name),
        ids=np.array(store.ids, dtype=str),
        hashes=np.array(store.hashes, dtype=str),
        owner=store.owner.astype(np.int32),
        matrix=store.matrix.astype(np.float16),
    )
    os.replace(tmp, folder / _FILE)
    for old in folder.glob("passages*.faiss"):
        if old.name != ann_name:
            old.unlink(missing_ok=True)
    meta = {"model": store.model, "documents": len(store.ids), "passages": len(store.matrix),
            "approximate_index": ann_name or None}  # fmt: skip
    tmp_meta = folder / f".{_META}.{os.getpid()}.tmp"  # for people; readers use the matrix file
    tmp_meta.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp_meta, folder / _META)
    return folder


_lock = threading.Lock()
_cache: dict[Path, tuple[float, StoredVectors | None]] = {}


def store(data_dir: Path | None) -> StoredVectors | None:
    """The data folder's store, re-read when ``govsearch embed`` has replaced it."""
    if data_dir is None:
        return None
    path = Path(data_dir) / STORE_DIR / _FILE
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    with _lock:
        hit = _cache.get(Path(data_dir))
        if hit is None or hit[0] != mtime:
            hit = (mtime, read(data_dir, with_matrix=False))
            _cache[Path(data_dir)] = hit
        return hit[1]
