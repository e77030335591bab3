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

from analyzers.embedding import (
    DIMENSIONS,
    MODEL_NAME,
    Embedder,
    default_model_dir,
    embedder,
    model_dir,
    passages,
)
from model.errors import ConfigError
from search_index import vectors
from search_index.index import SearchIndex
from search_index.shared_folders import update

BATCH = 64  # documents fetched at a time (each passage is embedded alone)
# An upload is embedded inside its request: its first passages only (4,000 characters, ~0.25 s
# of CPU), not a long law's hundred (~2.5 s each, twenty files to a request); the next
# ``govsearch embed`` embeds it whole, because its rows carry a hash no document has.
UPLOAD_PASSAGES = 10


class EmbedInterrupted(Exception):  # noqa: N818 - a stop, not an error
    """Ctrl-C during ``govsearch embed``: what was embedded is kept (and published), and the
    next run embeds only the rest (QA pass 32a: 35 CPU-minutes stopped were 35 lost)."""

    def __init__(self, done: int, stored: int) -> None:
        super().__init__(f"interrupted: {done} documents embedded and kept ({stored} have vectors)")
        self.done, self.stored = done, stored


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
        where = model_dir()
        if where != default_model_dir():  # GOVSEARCH_EMBED_MODEL names it (QA pass 38c)
            raise ConfigError(
                f"no sentence-embedding model in {where} (GOVSEARCH_EMBED_MODEL): it needs "
                "model.onnx and tokenizer.json there; unset it for the installed model"
            )
        raise ConfigError(
            "the sentence-embedding model is not installed (bash .ci/fetch-model.sh)"
        )
    counts = [0, 0, 0]

    def write() -> None:
        counts[:] = _embed(index, data_dir, model, progress)

    # with Elasticsearch: from the cluster's copy, published for the other servers when done
    # (a writer who published meanwhile makes this one start again from theirs, embedding
    # only what theirs lacks)
    update(index.backend.shared_folders(), Path(data_dir), vectors.STORE_DIR, write)
    if counts[2]:
        raise EmbedInterrupted(counts[0], counts[1])
    return counts[0], counts[1], time.perf_counter() - t0


def _embed(
    index: SearchIndex,
    data_dir: Path,
    model: Embedder,
    progress: Callable[[int, int], None] | None,
) -> tuple[int, int, int]:
    """Embed what the local store lacks and write it; (documents embedded, documents stored,
    1 if Ctrl-C stopped it, which keeps what was done). Rows of the main file and of uploads'
    recent file are reused while a document's content is unchanged; the recent rows folded in
    are then removed from the recent file."""
    old = vectors.read(data_dir)
    if old is not None and old.model != MODEL_NAME:
        old = None  # another model's vectors cannot be compared with this one's
    recent = vectors.read_recent(data_dir)
    if recent is not None and recent.model != MODEL_NAME:
        recent = None
    reusable: dict[str, tuple[str, np.ndarray]] = {}
    for store in (old, recent):  # the newer rows win
        if store is not None:
            reusable.update(vectors.rows_of(store))
    current = {d.id: d.content_hash for d in index.backend.catalog()}
    docs = [(i, h, rows) for i, (h, rows) in reusable.items() if current.get(i) == h]
    known = {d[0] for d in docs}
    todo = [i for i in current if i not in known]
    done = stopped = 0
    try:
        for start in range(0, len(todo), BATCH):
            fetched = index.backend.fetch(todo[start : start + BATCH])
            ids = todo[start : start + BATCH]
            batch = [d for d in (fetched.get(i) for i in ids) if d is not None]
            rows_of = model.embed_documents([(d.title, d.text) for d in batch])
            for d, rows in zip(batch, rows_of, strict=True):
                docs.append((d.id, d.content_hash, rows))
            done += len(batch)
            if progress is not None:
                progress(done, len(todo))
    except KeyboardInterrupt:  # the batches embedded are written; the rest waits for a rerun
        stopped = 1
    store = vectors.build(MODEL_NAME, docs, DIMENSIONS)
    if done or old is None or recent is not None or len(old.ids) != len(docs):
        vectors.write(data_dir, store)
    vectors.fold_recent(data_dir, store)
    return done, len(docs), stopped


def embed_uploaded(index: SearchIndex, data_dir: Path, ids: list[str]) -> int:
    """Vectors for documents just uploaded, into the store's recent rows, so that search by
    meaning finds them at once rather than after the next ``govsearch embed``. Nothing where
    the leg is not in use (no model, or no store yet). Returns the documents embedded."""
    model = embedder(1)
    if not ids or model is None:
        return 0
    shared = index.backend.shared_folders()
    shared.pull(Path(data_dir), vectors.STORE_DIR)  # the store may be newer elsewhere
    if not vectors.exists(data_dir):
        return 0
    fetched = index.backend.fetch(ids)
    docs = [fetched[i] for i in ids if i in fetched]
    rows = model.embed_documents([(d.title, d.text) for d in docs], n=UPLOAD_PASSAGES)
    whole = [len(passages(d.title, d.text, n=UPLOAD_PASSAGES + 1)) <= UPLOAD_PASSAGES for d in docs]
    added = vectors.build(
        MODEL_NAME,
        # a text cut short is stored under another hash: the next run embeds it whole
        [(d.id, d.content_hash if w else d.content_hash + vectors.PARTIAL, r)
         for d, r, w in zip(docs, rows, whole, strict=True)],  # fmt: skip
        DIMENSIONS,
    )

    def write() -> None:
        with vectors.locked(data_dir):
            vectors.add_recent(data_dir, added)

    # with Elasticsearch only the small recent file is published (unchanged files are reused)
    update(shared, Path(data_dir), vectors.STORE_DIR, write)
    return len(docs)
