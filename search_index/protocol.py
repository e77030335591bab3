"""The backend seam: what every index engine must do, and the values that cross it.

Both the embedded default and Elasticsearch receive the same :class:`IndexedDocument` (token
streams already produced by ``analyzers``) and the same :class:`~search_index.plan.Plan`, so
they match the same documents; ``tests/search_index/contract.py`` is the one suite both pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from model.document import Document, StoredDocument
from search_index.shared_folders import SharedFolders
from search_index.tree import Plan


@dataclass(frozen=True)
class IndexedDocument:
    """A document plus everything the index needs, computed once by ``search_index.prepare``."""

    doc: Document
    source: str  # the folder the document was ingested from (scope of --prune)
    tokens: dict[str, str] = field(default_factory=dict)  # token field → whitespace-joined
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ints: dict[str, int] = field(default_factory=dict)
    stored: dict[str, Any] = field(default_factory=dict)  # small extra stored data (signatures)
    normalized: str | None = None  # normalised body, reused by stores that keep it


@dataclass(frozen=True)
class WriteResult:
    id: str
    path: str
    ok: bool
    error: str = ""


SCORE_NOISE = 1e-5  # relative: the engines sum float32 scores (~7 significant digits)


def same_score(a: float, b: float) -> bool:
    """Whether two hits' scores are equal but for float noise: tantivy summed one copy of a
    text to 250.3118 and another, in another segment, to 250.31178 (QA pass 18b). Such hits
    tie, and a tie goes to the smaller id, as Elasticsearch's sort breaks it."""
    return abs(a - b) <= SCORE_NOISE * max(abs(a), abs(b))


@dataclass(frozen=True)
class BackendHit:
    id: str
    score: float
    # The stored document, when the backend read it while searching (saves a second lookup).
    doc: StoredDocument | None = None


@dataclass(frozen=True)
class BackendResult:
    total: int
    hits: tuple[BackendHit, ...]
    facets: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)


@runtime_checkable
class Backend(Protocol):
    name: str

    def write(self, docs: Iterable[IndexedDocument]) -> Iterator[WriteResult]:
        """Upsert documents by id, streaming one result per document; durable when exhausted."""
        ...

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; returns how many distinct ids were given (held or not)."""
        ...

    def search(
        self,
        plan: Plan,
        *,
        offset: int = 0,
        limit: int = 10,
        sort: str = "relevance",
        facets: tuple[str, ...] = (),
        facet_size: int = 30,
    ) -> BackendResult: ...

    def fetch(self, ids: list[str], *, texts: bool = True) -> dict[str, StoredDocument]:
        """Stored documents by id; with ``texts=False`` metadata only (``text`` is ""), for
        callers that show titles or list copies and would otherwise read every full text."""
        ...

    def record_moves(self, moves: dict[str, str]) -> None:
        """Remember ``old id → new id`` for documents whose file moved (a folder renamed, a
        file moved into another folder): a link cited in an article, a bookmark, a citation
        keeps leading to the document (QA pass 42b: ids come from the folder's name and the
        file's path, and a rename broke every permalink). Kept apart from the documents, so
        it survives the old document's removal."""
        ...

    def moved(self, ids: list[str]) -> dict[str, str]:
        """``old id → new id`` as recorded, for those of ``ids`` that moved."""
        ...

    def copy_groups(self, plan: Plan, limit: int = 10_000) -> dict[str, int]:
        """``content_key → n`` for every normalised text that two or more documents matching
        ``plan`` share (exact copies: the same text as TXT and HTML, say), at most ``limit``
        keys. Exact counts: search collapses each group into one result."""
        ...

    def stored_extra(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The ``IndexedDocument.stored`` data of documents (e.g. duplicate signatures)."""
        ...

    def fingerprints(self, source: str | None = None) -> dict[str, str]:
        """``id → fingerprint`` of every document (of one source), to skip unchanged files:
        :func:`model.ids.fingerprint` of its content hash and ingest decisions (``ingest_key``),
        which is the content hash's first 16 digits for a document without decisions."""
        ...

    def sources(self) -> dict[str, int]:
        """``source folder → documents`` for every folder the index holds documents of: an
        ingest checks a folder given against them (one inside another, one renamed)."""
        ...

    def catalog(self) -> Iterator[StoredDocument]:
        """Every document's stored metadata, without its text (``text`` is ""), in no particular
        order: what the disclosure office's reports count. Streams, so memory stays flat."""
        ...

    def count(self) -> int: ...

    def stamp(self) -> str:
        """What changes whenever the documents do (a write, a delete, another process's
        commit), or "" when the backend cannot tell cheaply: a table derived from every
        document (the pinyin lexicon) is kept on disk and reused while the stamp is the same."""
        ...

    def terms(
        self, field: str, prefix: str, plan: Plan, limit: int | None = 10
    ) -> list[tuple[str, int]]:
        """Indexed terms of ``field`` starting with ``prefix`` in documents matching ``plan``,
        most documents first (all of them with ``limit=None``: the pinyin lexicon). A backend
        that cannot walk its term dictionary raises
        :class:`~model.errors.NotSupported` (suggestions then offer titles only)."""
        ...

    def reindex(self, progress: bool = False) -> dict[str, Any]:
        """Rebuild the index from what it stores, without downtime; raises
        :class:`~model.errors.NotSupported` where a rebuild means ingesting the files again."""
        ...

    def health(self) -> dict[str, Any]: ...

    def shared_folders(self) -> SharedFolders:
        """Where the query-side folders (lexicon, vectors) every server must hold alike live
        (:mod:`search_index.shared_folders`)."""
        ...

    def close(self) -> None: ...
