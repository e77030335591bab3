"""The semantic leg's vectors: every document's passage vectors, beside the index, and the
documents nearest a query.

One store for both backends, read by the query side like the lexicon: the leg's candidates
come from the same scan of the same file whichever backend answers, so the two give the same
matches (an approximate kNN inside Elasticsearch would not). The store is written by
``govsearch embed`` (:mod:`pipeline.embed`) into ``<data_dir>/vectors/`` and read whole into
memory: float16 on disk, float32 in memory for a BLAS product (a document's whole text, up to
100 passages: 6,337 documents are 71,576 passages).
Past :data:`EXACT_MAX_ROWS` passages the exact scan costs too much (23 ms and 586 MB at 300k
passages, bench/README.md), so ``govsearch embed`` also writes an approximate index (faiss
HNSW over 8-bit scalar-quantised vectors, ``passages-<n>.faiss``) and the query side loads that
instead of the matrix: on the real corpus it finds 98% of the exact scan's first 100
documents in ~4 ms. Both backends still read the same file, so their candidates are the same.
Stale rows (a document deleted or changed since) are harmless: the leg's candidates are
admitted only through the search plan, which matches documents that exist and the viewer may
see, and ``govsearch embed`` drops them on its next run.

Documents uploaded through the API (``POST /api/documents``) are embedded as they arrive, into
a small second file (``recent.npz``, always scanned exactly) rather than the main one:
rewriting the main file and its approximate index for one upload would cost seconds to minutes
at scale, and with Elasticsearch would publish the whole store to every server. A search reads
both (a document in both answers from the newer rows); ``govsearch embed`` folds the recent
rows into the main file and removes them from the recent one.
"""

from __future__ import annotations

import dataclasses
import fcntl
import functools
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from search_index import shared_folders

STORE_DIR = shared_folders.VECTORS
_FILE = "passages.npz"
_RECENT = "recent.npz"  # uploads embedded as they arrive, until the next ``govsearch embed``
_LOCK = ".lock"  # one writer of recent.npz at a time, across processes
_META = "store.json"
# Appended to the content hash of rows that hold only a text's first passages (an upload, see
# pipeline.embed): no document has that hash, so the next ``govsearch embed`` embeds it whole.
PARTIAL = "~partial"
EXACT_MAX_ROWS = 50_000  # ~4,400 documents of the corpus's length: the exact scan stays < ~4 ms
HNSW_M = 32
EF_SEARCH = 256  # recall@100 0.97 against the exact scan on the real corpus (0.90 at 128)
# Passages fetched per document wanted: the nearest passages bunch in a few long documents.
# Whole texts of the corpus (71,576 passages), documents found among the exact scan's first
# 100: 0.83 fetching 3 per document, 0.98 at 10 (4.3 ms), 0.99 at 20 (8 ms).
ANN_PASSAGES_PER_DOCUMENT = 10


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
    recent: StoredVectors | None = field(default=None, compare=False, repr=False)

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` documents whose best passage is nearest ``query`` (cosine), best first;
        with :attr:`recent` rows, a document there answers from them only."""
        if self.recent is None or not len(self.recent.ids):
            return self._nearest(query, k)
        newer = set(self.recent.ids)
        old = [x for x in self._nearest(query, k + len(newer)) if x[0] not in newer]
        return sorted(old + self.recent._nearest(query, k), key=lambda x: -x[1])[:k]

    def _nearest(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
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

        want = k * ANN_PASSAGES_PER_DOCUMENT  # passages: a long law has many near the query
        params = faiss.SearchParametersHNSW(efSearch=max(EF_SEARCH, want))
        sims, rows = self.ann.search(query.reshape(1, -1).astype(np.float32), want, params=params)
        found = rows[0] >= 0
        owners, sims = self.owner[rows[0][found]], sims[0][found]
        # each document's first passage in the answer (a loop over the 1,000 took 0.6 ms)
        first = np.sort(np.unique(owners, return_index=True)[1])
        first = first[np.argsort(-sims[first], kind="stable")][:k]
        return [(self.ids[owners[i]], float(sims[i])) for i in first]

    def holds(self, doc_id: str) -> bool:
        """Whether the document has vectors here (or in :attr:`recent`)."""
        return doc_id in self._held

    @functools.cached_property
    def _held(self) -> frozenset[str]:
        return frozenset(self.ids) | (self.recent._held if self.recent is not None else frozenset())

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
    return _read(Path(data_dir) / STORE_DIR / _FILE, with_matrix)


def read_recent(data_dir: Path | None) -> StoredVectors | None:
    """The rows of documents uploaded since the last ``govsearch embed`` (None: none)."""
    return None if data_dir is None else _read(Path(data_dir) / STORE_DIR / _RECENT, True)


def _read(path: Path, with_matrix: bool) -> StoredVectors | None:
    folder = path.parent
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as z:
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
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # 不予公开 passages: the user's
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
    _save(folder / _FILE, store, ann_name)
    for old in folder.glob("passages*.faiss"):
        if old.name != ann_name:
            old.unlink(missing_ok=True)
    meta = {"model": store.model, "documents": len(store.ids), "passages": len(store.matrix),
            "approximate_index": ann_name or None}  # fmt: skip
    tmp_meta = folder / f".{_META}.{os.getpid()}.tmp"  # for people; readers use the matrix file
    tmp_meta.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(tmp_meta, folder / _META)
    return folder


def _save(path: Path, store: StoredVectors, ann_name: str = "") -> None:
    tmp = path.parent / f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp.npz"
    np.savez(
        tmp,
        model=np.array(store.model),
        ann=np.array(ann_name),
        ids=np.array(store.ids, dtype=str),
        hashes=np.array(store.hashes, dtype=str),
        owner=store.owner.astype(np.int32),
        matrix=store.matrix.astype(np.float16),
    )
    os.replace(tmp, path)


@contextmanager
def locked(data_dir: Path) -> Iterator[None]:
    """Hold the store's writer lock (several server processes may take uploads at once)."""
    folder = Path(data_dir) / STORE_DIR
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # 不予公开 passages: the user's
    with (folder / _LOCK).open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def exists(data_dir: Path | None) -> bool:
    """Whether ``govsearch embed`` has written a store here (the leg is in use)."""
    return data_dir is not None and (Path(data_dir) / STORE_DIR / _FILE).is_file()


def rows_of(store: StoredVectors) -> dict[str, tuple[str, np.ndarray]]:
    """id → (content hash, its rows); a document's rows are consecutive (slice, never mask)."""
    bounds = np.searchsorted(store.owner, np.arange(len(store.ids) + 1))
    return {
        i: (h, store.matrix[bounds[n] : bounds[n + 1]])
        for n, (i, h) in enumerate(zip(store.ids, store.hashes, strict=True))
    }


def build(model: str, docs: list[tuple[str, str, np.ndarray]], width: int) -> StoredVectors:
    """A store of (id, content hash, rows), in that order."""
    owner = [np.full(len(rows), n, dtype=np.int64) for n, (_, _, rows) in enumerate(docs)]
    return StoredVectors(
        model=model,
        ids=tuple(d[0] for d in docs),
        hashes=tuple(d[1] for d in docs),
        owner=np.concatenate(owner) if owner else np.zeros(0, dtype=np.int64),
        matrix=(
            np.concatenate([d[2] for d in docs]).astype(np.float32)
            if docs
            else np.zeros((0, width), dtype=np.float32)
        ),
    )


def add_recent(data_dir: Path, added: StoredVectors) -> None:
    """Put ``added`` (documents just uploaded) into the recent file, replacing their earlier
    rows; the caller holds :func:`locked`."""
    old, replaced = read_recent(data_dir), set(added.ids)
    kept = [] if old is None or old.model != added.model else [
        (i, h, rows) for i, (h, rows) in rows_of(old).items() if i not in replaced
    ]
    new = [(i, h, rows) for i, (h, rows) in rows_of(added).items()]
    _save(Path(data_dir) / STORE_DIR / _RECENT,
          build(added.model, kept + new, added.matrix.shape[1]))  # fmt: skip


def fold_recent(data_dir: Path, main: StoredVectors) -> None:
    """Drop from the recent file the rows the main store now holds (same id and content):
    rows of uploads that arrived while ``govsearch embed`` ran stay."""
    with locked(data_dir):
        recent = read_recent(data_dir)
        if recent is None:
            return
        held = set(zip(main.ids, main.hashes, strict=True))
        rest = [
            (i, h, r) for i, (h, r) in rows_of(recent).items()
            if (i, h.removesuffix(PARTIAL)) not in held
        ]  # fmt: skip
        path = Path(data_dir) / STORE_DIR / _RECENT
        if rest:
            _save(path, build(recent.model, rest, recent.matrix.shape[1]))
        else:
            path.unlink(missing_ok=True)


_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[float, float], StoredVectors | None]] = {}


def store(data_dir: Path | None) -> StoredVectors | None:
    """The data folder's store with its recent rows, re-read when ``govsearch embed`` or an
    upload has replaced either file."""
    if data_dir is None:
        return None
    folder = Path(data_dir) / STORE_DIR
    try:
        mtime = (folder / _FILE).stat().st_mtime
    except FileNotFoundError:
        return None
    try:
        recent_mtime = (folder / _RECENT).stat().st_mtime
    except FileNotFoundError:
        recent_mtime = 0.0
    with _lock:
        hit = _cache.get(Path(data_dir))
        if hit is None or hit[0] != (mtime, recent_mtime):
            main = read(data_dir, with_matrix=False)
            recent = read_recent(data_dir) if recent_mtime else None
            if main is not None and recent is not None and recent.model == main.model:
                main = dataclasses.replace(main, recent=recent)
            hit = ((mtime, recent_mtime), main)
            _cache[Path(data_dir)] = hit
        return hit[1]
