"""The semantic leg's vectors: every document's passage vectors, beside the index, and the
documents nearest a query.

One store for both backends, read by the query side like the lexicon: the leg's candidates
come from the same exact scan whichever backend answers, so the two give the same matches (an
approximate kNN inside Elasticsearch would not). The store is written by ``govsearch embed``
(:mod:`pipeline.embed`) into ``<data_dir>/vectors/`` and read whole into memory: float16 on
disk, float32 in memory for a BLAS product (6,337 documents: 17,860 passages, 37 MB).
Stale rows (a document deleted or changed since) are harmless: the leg's candidates are
admitted only through the search plan, which matches documents that exist and the viewer may
see, and ``govsearch embed`` drops them on its next run.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

STORE_DIR = "vectors"
_FILE = "passages.npz"
_META = "store.json"


@dataclass(frozen=True)
class StoredVectors:
    """``ids[owner[i]]`` owns row ``i`` of ``matrix``; ``hashes`` the content each id had.
    A document's rows are consecutive, in the order of ``ids`` (``owner`` never decreases)."""

    model: str
    ids: tuple[str, ...]
    hashes: tuple[str, ...]
    owner: np.ndarray
    matrix: np.ndarray

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` documents whose best passage is nearest ``query`` (cosine), best first."""
        if not len(self.ids):
            return []
        best = np.maximum.reduceat(self.matrix @ query, self._starts)
        k = min(k, len(best))
        top = np.argpartition(-best, k - 1)[:k]
        top = top[np.argsort(-best[top], kind="stable")]
        return [(self.ids[i], float(best[i])) for i in top]


    @functools.cached_property
    def _starts(self) -> np.ndarray:
        """Each document's first row (``reduceat`` is ~10× faster than ``maximum.at``)."""
        if len(self.owner) and np.any(np.diff(self.owner) < 0):
            raise ValueError("a document's passage rows must be consecutive")
        return np.searchsorted(self.owner, np.arange(len(self.ids)))


def read(data_dir: Path | None) -> StoredVectors | None:
    """The store of a data folder, or None when ``govsearch embed`` has not written one."""
    if data_dir is None:
        return None
    folder = Path(data_dir) / STORE_DIR
    if not (folder / _META).is_file() or not (folder / _FILE).is_file():
        return None
    meta = json.loads((folder / _META).read_text(encoding="utf-8"))
    with np.load(folder / _FILE, allow_pickle=False) as z:
        return StoredVectors(
            model=meta["model"],
            ids=tuple(z["ids"].tolist()),
            hashes=tuple(z["hashes"].tolist()),
            owner=z["owner"].astype(np.int64),
            matrix=z["matrix"].astype(np.float32),
        )


def write(data_dir: Path, store: StoredVectors) -> Path:
    """Replace the store atomically: readers see the old one or the new one, never a mix."""
    folder = Path(data_dir) / STORE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{_FILE}.{os.getpid()}.tmp.npz"
    np.savez(
        tmp,
        ids=np.array(store.ids, dtype=str),
        hashes=np.array(store.hashes, dtype=str),
        owner=store.owner.astype(np.int32),
        matrix=store.matrix.astype(np.float16),
    )
    os.replace(tmp, folder / _FILE)
    meta = {"model": store.model, "documents": len(store.ids), "passages": len(store.matrix)}
    (folder / _META).write_text(json.dumps(meta), encoding="utf-8")
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
            hit = (mtime, read(data_dir))
            _cache[Path(data_dir)] = hit
        return hit[1]
