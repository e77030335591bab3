"""The texts an index holds hidden, and which new document copies one of them.

A file renamed or moved (into another folder, out of a ``不予公开/`` folder, a folder renamed,
a parent folder ingested after its catalogued sub-folder) was written at the default level
while its old document, with the level an earlier ingest gave, was removed as moved (QA pass
24a); renamed *and* edited, its text key changed and it was published (QA pass 24c). So a new
document whose level the ingest leaves to the default keeps the level of a hidden document
with the same text or a near copy of it (:data:`NEAR_HIDDEN` alike or more).

The hidden documents' keys are read once per ingest, when there are at most
:data:`IN_MEMORY` of them (one lookup, then dictionaries: asking the index per batch for
~3,400 band terms cost 4% of an ingest of the corpus with 300 hidden texts,
``bench/hidden_copies.py``); past that they are looked up per batch. The documents this ingest
writes hidden are added as it writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from analyzers.normalize import normalize
from analyzers.signatures import (
    BANDS,
    StoredSignature,
    band_keys,
    estimate,
    overlap,
    signature,
    stored_content_key,
)
from ingest.files import is_held
from model.fields import DISCLOSURES, MOST_RESTRICTIVE
from model.viewer import ANONYMOUS
from search_index.index import SearchIndex
from search_index.protocol import IndexedDocument
from search_index.request import MAX_RESULT_WINDOW
from search_index.tree import Bool, MatchAll, Plan, Term

# the levels anonymous readers cannot see, most restrictive first: a text held at several
# takes the first
HIDDEN_LEVELS = tuple(
    sorted((d for d in DISCLOSURES if not ANONYMOUS.can_see(d)),
           key=lambda d: (d != MOST_RESTRICTIVE, d == "on_request"))
)  # fmt: skip
_RANK = {d: n for n, d in enumerate(HIDDEN_LEVELS)}
# hidden documents read once per ingest (~0.5 KB each), as many as one search may list (an
# Elasticsearch index's result window); more are looked up per batch
IN_MEMORY = MAX_RESULT_WINDOW - 1
MAX_PER_BATCH = 10_000  # hidden documents sharing the texts of one batch, looked up at once
TERMS_PER_SEARCH = 1_000  # terms of one such lookup (Elasticsearch caps a query's clauses)
# an edited copy of a hidden text keeps its level from this resemblance on (the duplicate
# check's own default for "the same document, edited": duplicates.defaults.DEFAULT_THRESHOLD),
# and so does a text holding this much of a hidden one (the whole notice, a few lines added)
NEAR_HIDDEN = 0.8
# MinHash's 64 values estimate a resemblance within ~±0.1: from this estimate on, the texts
# are compared exactly (QA pass 25a: at 0.8 on the estimate, 7 of 200 edits 82–99.9% alike
# were published)
NEAR_ESTIMATE = 0.5
# a hidden text inside a much longer new one (QA pass 25a: a restricted notice pasted into a
# long public file was published: their resemblance is far below NEAR_ESTIMATE) is found by
# its kept anchors (analyzers.signatures.STORED_ANCHORS) among the new text's: from this share
# of them on, the two are compared exactly
HELD_ANCHORS = 0.5
# ... if it is long enough to be a text of its own: a hidden text of a few lines (a standard
# sentence, a letterhead) sits inside many public ones
MIN_CONTAINED_SHINGLES = 200
# an anchor kept by more hidden texts than this is boilerplate (a court's standard sentence),
# no sign of one text inside another: it is not counted, and a text left with fewer than
# MIN_ANCHORS others is not looked for inside longer ones (counting such anchors for every new
# text cost 3% of a corpus ingest with 300 hidden court cases)
BOILERPLATE = 20
MIN_ANCHORS = 8


@dataclass(frozen=True)
class HiddenCopy:
    """The hidden document a new one copies: its path, level, how alike the texts are (1.0:
    the same text; a near copy is never said to be 100%) and how much of the hidden text the
    new one holds."""

    path: str
    level: str
    alike: float
    holds: float = 1.0

    @property
    def inside(self) -> bool:
        """The new text holds the hidden one within a longer text, rather than copying it."""
        return self.alike < NEAR_HIDDEN

    def said(self) -> str:
        """What the index holds, as the held file's reason says it."""
        if self.alike >= 1.0:
            return "this text"
        if not self.inside:
            return f"a near copy of this text ({min(self.alike, 0.99):.0%} alike)"
        return f"a text that this file holds {min(self.holds, 0.99):.0%} of, within a longer one,"


@dataclass
class _Table:
    """Hidden documents by content key and by MinHash band."""

    where: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (path, level)
    key_of: dict[str, str] = field(default_factory=dict)
    sigs: dict[str, StoredSignature] = field(default_factory=dict)
    by_key: dict[str, set[str]] = field(default_factory=dict)
    by_band: dict[str, set[str]] = field(default_factory=dict)
    by_anchor: dict[str, set[str]] = field(default_factory=dict)  # kept anchors of long texts
    anchors_of: dict[str, int] = field(default_factory=dict)  # kept anchors not boilerplate
    anchor_set: set[str] = field(default_factory=set)  # by_anchor's keys not boilerplate

    def add(self, doc_id: str, path: str, level: str, key: str, sig: StoredSignature | None,
            bands: Iterable[str] = ()) -> None:  # fmt: skip
        self.where[doc_id] = (path, level)
        if key:
            self.key_of[doc_id] = key
            self.by_key.setdefault(key, set()).add(doc_id)
        if sig is not None and sig.size:
            self.sigs[doc_id] = sig
            for b in bands or band_keys(sig.minhash):
                self.by_band.setdefault(b, set()).add(doc_id)
            if sig.size >= MIN_CONTAINED_SHINGLES:
                self._add_anchors(doc_id, set(sig.anchor_keys()))

    def _add_anchors(self, doc_id: str, anchors: set[str]) -> None:
        self.anchors_of[doc_id] = 0
        for a in anchors:
            bucket = self.by_anchor.setdefault(a, set())
            bucket.add(doc_id)
            if len(bucket) <= BOILERPLATE:
                self.anchor_set.add(a)
                self.anchors_of[doc_id] += 1
            elif a in self.anchor_set:  # boilerplate from now on: counted for none
                self.anchor_set.discard(a)
                for i in bucket - {doc_id}:
                    self.anchors_of[i] -= 1

    @classmethod
    def read(cls, index: SearchIndex, ids: Sequence[str]) -> _Table:
        table = cls()
        ids = sorted(ids)
        extras = index.backend.stored_extra(ids)
        for doc in index.backend.fetch(ids, texts=False).values():
            if is_held(doc.ingest_key):
                continue  # hidden by a hold, no one's decision (a copy of it held the other)
            extra = (extras.get(doc.id) or {}).get("dup") or {}
            table.add(doc.id, doc.path, doc.disclosure, stored_content_key(extras.get(doc.id)),
                      StoredSignature.from_stored(extra))  # fmt: skip
        return table

    def candidates(self, r: IndexedDocument) -> list[tuple[str, float, float]]:
        """Hidden documents ``r`` may copy, with their estimated resemblance and share of the
        hidden text ``r`` holds (1.0 for the same text; never ``r`` itself: a rewritten
        document)."""
        key = _key(r)
        found = [(i, 1.0, 1.0) for i in self.by_key.get(key, ()) if i != r.doc.id] if key else []
        mine = _signature(r)
        if mine is not None:
            for i in {i for b in _bands(r, mine) for i in self.by_band.get(b, ())}:
                if i in self.sigs and i != r.doc.id and self.key_of.get(i) != key:
                    other = self.sigs[i]
                    j = estimate(mine.minhash, mine.size, other.minhash, other.size).resemblance
                    if j >= NEAR_ESTIMATE:
                        found.append((i, j, j))
        found += self._held(r, key, {c[0] for c in found})
        return found

    def _held(
        self, r: IndexedDocument, key: str, seen: set[str]
    ) -> list[tuple[str, float, float]]:
        """Long hidden texts most of whose kept anchors ``r`` holds, with that share (below
        1.0: compared exactly, as for a near copy)."""
        if not self.by_anchor:
            return []
        shared: dict[str, int] = {}
        # the intersection runs in C over the text's terms as they are (a long law has
        # thousands of anchors; a set of them built per text cost 2% of a corpus ingest)
        for a in self.anchor_set.intersection(r.keywords.get("sig_band") or ()):
            for i in self.by_anchor[a]:
                shared[i] = shared.get(i, 0) + 1
        return [
            (i, 0.0, min(n / self.anchors_of[i], 0.999))
            for i, n in shared.items()
            if n >= MIN_ANCHORS and n >= HELD_ANCHORS * self.anchors_of[i]
            and i not in seen and i != r.doc.id and self.key_of.get(i) != key
        ]  # fmt: skip

    def first(self, copies: list[tuple[str, HiddenCopy]]) -> HiddenCopy | None:
        """The most restrictive level, then the closest text, then the path."""
        if not copies:
            return None
        return min(copies, key=lambda c: (_RANK[c[1].level], -c[1].alike, c[1].path))[1]


def _key(r: IndexedDocument) -> str:
    return (r.keywords.get("content_key") or ("",))[0]


def _signature(r: IndexedDocument) -> StoredSignature | None:
    sig = StoredSignature.from_stored(r.stored.get("dup") or {})
    return sig if sig is not None and sig.size else None


def _bands(r: IndexedDocument, sig: StoredSignature) -> tuple[str, ...]:
    """The band keys prepare indexed first in ``sig_band`` (computed again only if absent)."""
    indexed = r.keywords.get("sig_band") or ()
    return tuple(indexed[:BANDS]) if len(indexed) >= BANDS else band_keys(sig.minhash)


_HIDDEN = (Bool(should=tuple(Term("disclosure", d) for d in HIDDEN_LEVELS), min_should=1),)


class HiddenCopies:
    """Which new documents copy a text the index holds hidden, over one ingest."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._table: _Table | None = None
        self._many = False  # more hidden documents than IN_MEMORY: looked up per batch
        # hidden ones this ingest wrote before the table was read: their keys only (an ingest
        # of 100,000 restricted files must not keep their texts)
        self._written: list[tuple[str, str, str, str, StoredSignature | None, tuple[str, ...]]]
        self._written = []
        self._shingles: dict[str, np.ndarray] = {}  # hidden texts compared exactly so far

    def wrote(self, r: IndexedDocument) -> None:
        """``r`` is written: remembered when it is hidden (a later copy keeps its level)."""
        if ANONYMOUS.can_see(r.doc.meta.disclosure) or is_held(r.doc.ingest_key):
            return
        sig = _signature(r)
        entry = (r.doc.id, r.doc.path, r.doc.meta.disclosure, _key(r), sig,
                 _bands(r, sig) if sig is not None else ())  # fmt: skip
        if self._table is not None:
            self._table.add(*entry)
        else:
            self._written.append(entry)

    def of(self, batch: Sequence[IndexedDocument]) -> dict[str, HiddenCopy]:
        """The hidden copy of each document of ``batch`` that has one, by id."""
        if self._table is None and not self._many:
            plan = Plan(query=MatchAll(), filters=_HIDDEN)
            ids = [h.id for h in self.index.backend.search(plan, limit=IN_MEMORY + 1).hits]
            self._many = len(ids) > IN_MEMORY
            if not self._many:
                self._table = _Table.read(self.index, ids)
                for entry in self._written:
                    self._table.add(*entry)
                self._written = []
        table = self._table if self._table is not None else self._looked_up(batch)
        if not table.where:
            return {}
        found = {r.doc.id: table.candidates(r) for r in batch}
        near = sorted({c[0] for cands in found.values() for c in cands if c[1] < 1.0})
        self._read_shingles(near)
        out = {}
        for r in batch:
            copies = []
            mine: np.ndarray | None = None
            for i, *estimated in found[r.doc.id]:
                path, level = table.where[i]
                if estimated[0] >= 1.0:
                    copies.append((i, HiddenCopy(path, level, 1.0)))
                    continue
                if mine is None and r.normalized is not None:
                    mine = signature(r.normalized).shingles
                alike, holds = self._compared(mine, i, (estimated[0], estimated[1]))
                if alike >= NEAR_HIDDEN or holds >= NEAR_HIDDEN:
                    copies.append((i, HiddenCopy(path, level, alike, holds)))
            copy = table.first(copies)
            if copy is not None:
                out[r.doc.id] = copy
        return out

    def _read_shingles(self, ids: Sequence[str]) -> None:
        """The shingle sets of hidden texts about to be compared, read once an ingest."""
        wanted = [i for i in ids if i not in self._shingles]
        # (one this ingest wrote may not be searchable yet: compared by its estimate)
        for i, doc in (self.index.backend.fetch(wanted) if wanted else {}).items():
            self._shingles[i] = signature(doc.normalized or normalize(doc.text)).shingles

    def _compared(
        self, mine: np.ndarray | None, i: str, estimated: tuple[float, float]
    ) -> tuple[float, float]:
        """Exact resemblance of a new text's shingles and hidden document ``i``'s, and how
        much of ``i`` it holds; the estimates where a text is not at hand."""
        theirs = self._shingles.get(i)
        if theirs is None or mine is None:
            return estimated
        o = overlap(mine, theirs)
        return o.resemblance, o.reverse_containment

    def _looked_up(self, batch: Sequence[IndexedDocument]) -> _Table:
        """The hidden documents sharing a content key or a band with ``batch``."""
        wanted = sorted({Term("content_key", k) for r in batch if (k := _key(r))},
                        key=lambda t: t.value)  # fmt: skip
        bands = {b for r in batch if (s := _signature(r)) is not None for b in _bands(r, s)}
        wanted += [Term("sig_band", b) for b in sorted(bands)]
        ids: set[str] = set()
        for start in range(0, len(wanted), TERMS_PER_SEARCH):
            query = Bool(should=tuple(wanted[start : start + TERMS_PER_SEARCH]), min_should=1)
            hits = self.index.backend.search(Plan(query=query, filters=_HIDDEN),
                                             limit=MAX_PER_BATCH).hits  # fmt: skip
            ids.update(h.id for h in hits)
        table = _Table.read(self.index, sorted(ids))
        for entry in self._written:
            table.add(*entry)
        return table
