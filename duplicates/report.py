"""The corpus-wide duplicate report: clusters of documents that duplicate each other.

For cleaning an existing catalogue, not for one draft: every document is compared with every
other in one pass. Checking each document against the index in turn would cost one query per
document; instead the signatures of all documents are computed once and grouped in memory by
their LSH bands, anchors and content keys (the same signatures the check uses), and only
the pairs that meet in a group are verified exactly, with the same rules as the check.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzers.chars import strip_skippable
from analyzers.docno import keys_for_value
from analyzers.normalize import normalize
from analyzers.signatures import Overlap, Signature, band_keys, estimate, overlap
from analyzers.spreadsheet import csv_document
from duplicates.check import (
    DEFAULT_THRESHOLD,
    REASON_LABELS,
    REASON_NAMES,
    TEXT_REASONS,
    doc_signature,
    reasons_for,
)
from duplicates.textdiff import KIND_LABELS, diff
from model.document import StoredDocument
from model.viewer import STAFF, Viewer
from search_index.index import SearchIndex
from search_index.protocol import Backend

BUCKET_CAP = 100  # a band or anchor shared by more documents is boilerplate, not a copy
ESTIMATE_MARGIN = 0.25  # pairs whose estimated overlap is this far below the threshold are dropped
_FETCH_CHUNK = 256

# the reasons of a pair of published documents: no draft, 甲 (the newer) stands where a check's
# draft does (QA pass 31a: 87 of 170 rows said 草稿包含该文件 of two published texts)
PAIR_REASON_NAMES = {**REASON_NAMES, "contains": "甲包含乙", "contained_in": "甲是乙的一部分"}


@dataclass(frozen=True)
class ReportDoc:
    id: str
    path: str
    title: str
    doc_number: str
    date: str
    disclosure: str

    def to_dict(self) -> dict[str, str]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class ReportPair:
    """Two documents that duplicate each other; ``a`` is the newer one, so facts read b → a."""

    a: ReportDoc
    b: ReportDoc
    overlap: Overlap  # a as the "draft", b as the existing document
    reasons: tuple[str, ...]
    summary: str
    facts: tuple[tuple[str, str, str], ...]  # (kind, in b, in a)

    def to_dict(self) -> dict[str, Any]:
        o = self.overlap
        return {
            "a": self.a.id,
            "b": self.b.id,
            "reason": self.reasons[0],
            "reasons": list(self.reasons),
            "label": REASON_LABELS[self.reasons[0]],
            "label_zh": PAIR_REASON_NAMES[self.reasons[0]],  # as the CSV names it
            "similarity": round(o.resemblance, 4),
            "containment_a_in_b": round(o.containment, 4),
            "containment_b_in_a": round(o.reverse_containment, 4),
            "differences": self.summary,
            "facts": [{"kind": k, "b": old, "a": new} for k, old, new in self.facts],
        }


@dataclass(frozen=True)
class Cluster:
    number: int
    docs: tuple[ReportDoc, ...]
    pairs: tuple[ReportPair, ...]


@dataclass(frozen=True)
class Report:
    clusters: tuple[Cluster, ...]
    documents: int
    pairs_verified: int
    threshold: float
    took_s: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "threshold": self.threshold,
            "pairs_verified": self.pairs_verified,
            "took_s": round(self.took_s, 2),
            "clusters": [
                {
                    "cluster": c.number,
                    "size": len(c.docs),
                    "documents": [d.to_dict() for d in c.docs],
                    "pairs": [p.to_dict() for p in c.pairs],
                }
                for c in self.clusters
            ],
        }

    def to_csv(self) -> str:
        """One row per duplicate pair, with its cluster number, in Chinese (甲 and 乙 are the
        pair's two files; QA pass 30c: the reasons and facts were codes under Chinese
        headings); no byte-order mark: the command line adds it, as the reports' exports start
        with one."""
        pair = ("编号", "路径", "标题", "文号", "日期")
        headings = (
            "组号", "组内文件数", "判断", "依据", "相似度", "甲在乙中的比例", "乙在甲中的比例",
            *("甲" + h for h in pair), *("乙" + h for h in pair),
            "不同之处（甲为较新的一份）", "改动的事实（乙 → 甲）",
        )  # fmt: skip
        rows = []
        for c in self.clusters:
            for p in c.pairs:
                d = p.to_dict()
                rows.append(
                    [
                        c.number, len(c.docs), PAIR_REASON_NAMES[d["reason"]],
                        "、".join(PAIR_REASON_NAMES[r] for r in p.reasons),
                        d["similarity"], d["containment_a_in_b"], d["containment_b_in_a"],
                        p.a.id, p.a.path, p.a.title, p.a.doc_number, p.a.date,
                        p.b.id, p.b.path, p.b.title, p.b.doc_number, p.b.date,
                        p.summary,
                        "；".join(
                            f"{KIND_LABELS.get(k, k)}：{old} → {new}" for k, old, new in p.facts
                        ),
                    ]
                )  # fmt: skip
        return csv_document(headings, rows, bom=False)


@dataclass
class _Entry:
    doc: ReportDoc
    content_key: str
    minhash: np.ndarray
    size: int
    anchors: np.ndarray
    title_key: str
    docnos: frozenset[str]


class _Docs:
    """Stored documents and their signatures, fetched on demand with a small LRU cache."""

    def __init__(self, backend: Backend, size: int = 256) -> None:
        self.backend = backend
        self.cache: OrderedDict[str, tuple[StoredDocument, Signature]] = OrderedDict()
        self.size = size

    def get(self, doc_id: str) -> tuple[StoredDocument, Signature]:
        if doc_id in self.cache:
            self.cache.move_to_end(doc_id)
            return self.cache[doc_id]
        doc = self.backend.fetch([doc_id])[doc_id]
        value = (doc, doc_signature(doc))
        self.cache[doc_id] = value
        if len(self.cache) > self.size:
            self.cache.popitem(last=False)
        return value


def _report_doc(doc: StoredDocument) -> ReportDoc:
    return ReportDoc(doc.id, doc.path, doc.title, doc.doc_number, doc.date, doc.disclosure)


def _scan(
    backend: Backend, viewer: Viewer, progress: Callable[[int, int], None] | None
) -> dict[str, _Entry]:
    ids = sorted(backend.fingerprints())
    entries: dict[str, _Entry] = {}
    for start in range(0, len(ids), _FETCH_CHUNK):
        docs = backend.fetch(ids[start : start + _FETCH_CHUNK])
        for doc_id, doc in docs.items():
            if not viewer.can_see(doc.disclosure):
                continue
            sig = doc_signature(doc)
            if not sig.size:
                continue
            number = normalize(doc.doc_number) if doc.doc_number else ""
            entries[doc_id] = _Entry(
                doc=_report_doc(doc),
                content_key=sig.content_key,
                minhash=sig.minhash,
                size=sig.size,
                anchors=sig.anchors,
                title_key=strip_skippable(normalize(doc.title)),
                docnos=frozenset(keys_for_value(number)[:1]) if number else frozenset(),
            )
        if progress:
            progress(min(start + _FETCH_CHUNK, len(ids)), len(ids))
    return entries


def _pairs(groups: Iterable[list[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for members in groups:
        if 1 < len(members) <= BUCKET_CAP:
            out.update(itertools.combinations(sorted(members), 2))
    return out


def _candidates(
    entries: dict[str, _Entry], threshold: float, metadata: bool
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """``(pairs to verify, pairs that share an exact key)``."""
    by_key: dict[str, list[str]] = defaultdict(list)
    by_band: dict[str, list[str]] = defaultdict(list)
    by_anchor: dict[int, list[str]] = defaultdict(list)
    by_meta: dict[str, list[str]] = defaultdict(list)
    for doc_id, e in entries.items():
        by_key[e.content_key].append(doc_id)
        for b in band_keys(e.minhash):
            by_band[b].append(doc_id)
        for a in e.anchors.tolist():
            by_anchor[a].append(doc_id)
        if metadata:
            by_meta["t:" + e.title_key].append(doc_id)
            for k in e.docnos:
                by_meta["d:" + k].append(doc_id)
    exact = {p for members in by_key.values() for p in itertools.combinations(sorted(members), 2)}
    meta = _pairs(by_meta.values())
    sketch = _pairs(by_band.values())
    shared: Counter[tuple[str, str]] = Counter()
    for members in by_anchor.values():
        if 1 < len(members) <= BUCKET_CAP:
            shared.update(itertools.combinations(sorted(members), 2))
    for (a, b), n in shared.items():
        smaller = min(len(entries[a].anchors), len(entries[b].anchors))
        if n >= 2 or smaller <= 3:
            if n / smaller >= threshold - ESTIMATE_MARGIN - 0.1:
                sketch.add((a, b))
    keep = set()
    for a, b in sketch - exact:
        ea, eb = entries[a], entries[b]
        est = estimate(ea.minhash, ea.size, eb.minhash, eb.size)
        share = shared.get((a, b), 0) / max(1, min(len(ea.anchors), len(eb.anchors)))
        best = max(est.resemblance, est.containment, est.reverse_containment, share)
        if best >= threshold - ESTIMATE_MARGIN:
            keep.add((a, b))
    return keep | exact | meta, exact


def corpus_report(
    index: SearchIndex | Backend,
    *,
    viewer: Viewer = STAFF,
    threshold: float = DEFAULT_THRESHOLD,
    metadata: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Clusters of duplicate documents visible to ``viewer``.

    Pairs are reported for textual reasons (same text, near copy, contains/contained in); with
    ``metadata`` also for a shared 文号 or title alone (versions of a law, re-used numbers).
    """
    t0 = time.perf_counter()
    backend = index.backend if isinstance(index, SearchIndex) else index
    entries = _scan(backend, viewer, progress)
    to_verify, exact = _candidates(entries, threshold, metadata)
    store = _Docs(backend)
    found: list[ReportPair] = []
    for a_id, b_id in sorted(to_verify):
        ea, eb = entries[a_id], entries[b_id]
        if (ea.doc.date, ea.doc.path) < (eb.doc.date, eb.doc.path):
            ea, eb = eb, ea  # a = the newer document
        doc_a, sig_a = store.get(ea.doc.id)
        doc_b, sig_b = store.get(eb.doc.id)
        o = overlap(sig_a.shingles, sig_b.shingles)
        reasons = reasons_for(
            o,
            threshold,
            same_key=(a_id, b_id) in exact,
            same_docno=metadata and bool(ea.docnos & eb.docnos),
            same_title=metadata and ea.title_key == eb.title_key and bool(ea.title_key),
            draft_size=sig_a.size,
            doc_size=sig_b.size,
        )
        if not reasons or (not metadata and not TEXT_REASONS & set(reasons)):
            continue
        if reasons[0] == "same_text":
            summary, facts = "正文相同", ()
        elif max(o.resemblance, o.containment, o.reverse_containment) < 0.2:
            summary, facts = "正文不同", ()
        else:
            d = diff(doc_a.text, doc_b.text)
            summary = d.summary(new="较新的一份", old="较旧的一份")  # two published texts
            facts = tuple((c.kind, c.existing, c.draft) for c in d.facts[:20])
        found.append(ReportPair(ea.doc, eb.doc, o, reasons, summary, facts))
    return Report(
        clusters=_clusters(found),
        documents=len(entries),
        pairs_verified=len(to_verify),
        threshold=threshold,
        took_s=time.perf_counter() - t0,
    )


def _clusters(pairs: list[ReportPair]) -> tuple[Cluster, ...]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    docs: dict[str, ReportDoc] = {}
    for p in pairs:
        docs[p.a.id], docs[p.b.id] = p.a, p.b
        parent[find(p.a.id)] = find(p.b.id)
    groups: dict[str, list[ReportPair]] = defaultdict(list)
    for p in pairs:
        groups[find(p.a.id)].append(p)
    members: dict[str, set[str]] = defaultdict(set)
    for doc_id in docs:
        members[find(doc_id)].add(doc_id)
    ordered = sorted(
        groups, key=lambda r: (-len(members[r]), min(docs[i].path for i in members[r]))
    )
    return tuple(
        Cluster(
            number=n,
            docs=tuple(sorted((docs[i] for i in members[root]), key=lambda d: d.path)),
            pairs=tuple(groups[root]),
        )
        for n, root in enumerate(ordered, start=1)
    )
