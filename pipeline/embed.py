"""Sentence vectors of the indexed documents, for the semantic leg (issue 12, method
``semantic``): ``govsearch embed`` after an ingest.

Why a separate step and not part of ingest: the model costs ~70 ms of CPU per document (three
passages of 400 characters; bench/README.md), 10–20× what the rest of ingest costs, so an
ingest stays fast and the vectors follow in the background, for new and changed documents
only: a document keeps its vectors while its ``content_hash`` is unchanged, and the vectors of
documents no longer in the index are dropped. Every document is embedded, public or not: a
vector is never shown, and the search plan's filters decide who sees what the leg finds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from analyzers.embedding import DIMENSIONS, MODEL_NAME, Embedder, embedder
from model.errors import ConfigError
from search_index import vectors
from search_index.index import SearchIndex
from search_index.shared_folders import update

BATCH = 64  # documents embedded at a time (their passages sorted by length within)


def embed(
    index: SearchIndex,
    data_dir: Path,
    threads: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int, float]:
    """Bring ``<data_dir>/vectors`` up to date with the index; (documents embedded now,
    documents in the store, seconds)."""
    t0 = time.perf_counter()
    model = embedder(threads)
    if model is None:
        raise ConfigError(
            "the sentence-embedding model is not installed (bash .ci/fetch-model.sh)"
        )
    counts = [0, 0]

    def write() -> None:
        counts[:] = _embed(index, data_dir, model, progress)

    # with Elasticsearch: from the cluster's copy, published for the other servers when done
    # (a writer who published meanwhile makes this one start again from theirs, embedding
    # only what theirs lacks)
    update(index.backend.shared_folders(), Path(data_dir), vectors.STORE_DIR, write)
    return counts[0], counts[1], time.perf_counter() - t0


def _embed(
    index: SearchIndex,
    data_dir: Path,
    model: Embedder,
    progress: Callable[[int, int], None] | None,
) -> tuple[int, int]:
    """Embed what the local store lacks and write it; (documents embedded, documents stored)."""
    old = vectors.read(data_dir)
    if old is not None and old.model != MODEL_NAME:
        old = None  # another model's vectors cannot be compared with this one's
    current = {d.id: d.content_hash for d in index.backend.catalog()}
    keep_rows: list[np.ndarray] = []
    ids: list[str] = []
    hashes: list[str] = []
    owner: list[np.ndarray] = []
    if old is not None:
        # a document's rows are consecutive (vectors.StoredVectors): slice, never mask
        bounds = np.searchsorted(old.owner, np.arange(len(old.ids) + 1))
        for n, (i, h) in enumerate(zip(old.ids, old.hashes, strict=True)):
            if current.get(i) == h:
                rows = old.matrix[bounds[n] : bounds[n + 1]]
                owner.append(np.full(len(rows), len(ids), dtype=np.int64))
                keep_rows.append(rows)
                ids.append(i)
                hashes.append(h)
    known = set(ids)
    todo = [i for i in current if i not in known]
    done = 0
    for start in range(0, len(todo), BATCH):
        docs = index.backend.fetch(todo[start : start + BATCH])
        batch = [d for d in (docs.get(i) for i in todo[start : start + BATCH]) if d is not None]
        for d, rows in zip(batch, model.embed_documents([(d.title, d.text) for d in batch]),
                           strict=True):  # fmt: skip
            owner.append(np.full(len(rows), len(ids), dtype=np.int64))
            keep_rows.append(rows)
            ids.append(d.id)
            hashes.append(d.content_hash)
        done += len(batch)
        if progress is not None:
            progress(done, len(todo))
    matrix = (
        np.concatenate(keep_rows).astype(np.float32)
        if keep_rows
        else np.zeros((0, DIMENSIONS), dtype=np.float32)
    )
    store = vectors.StoredVectors(
        model=MODEL_NAME,
        ids=tuple(ids),
        hashes=tuple(hashes),
        owner=np.concatenate(owner) if owner else np.zeros(0, dtype=np.int64),
        matrix=matrix,
    )
    if done or old is None or len(old.ids) != len(ids):
        vectors.write(data_dir, store)
    return done, len(ids)
