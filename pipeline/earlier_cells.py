"""A catalogue without a column keeps what an earlier catalogue's column gave.

A catalogue given to fix one thing (titles: ``path,title,公开方式``) says nothing about the
columns it lacks. Written again from such a row, a document took those fields from its text,
and the 发布日期 an earlier catalogue had given was gone without a word (QA pass 45a: the
timeliness report then listed it as lacking a date). So, for a file the index holds *with the
same bytes*: a field of a column the new catalogue lacks whose stored value differs from what
the text gives now can only have come from the earlier catalogue, and is kept; the report says
which. A changed file is written as its new text and row say (its text may state otherwise).
An empty cell in a column the catalogue has is no absence: the row says "none".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from model.document import StoredDocument, document_from_stored, with_stated
from model.fields import BY_NAME, CATALOG_FIELDS, label
from search_index.index import SearchIndex
from search_index.prepare import prepare
from search_index.protocol import IndexedDocument

# 公开方式 has its own rules when a row leaves it out (pipeline.run: kept, held or defaulted)
_NOT_KEPT = frozenset({"disclosure"})
KEPT = "kept"  # the document's property the ingest report warns of (IngestReport.WARNED)


def absent_columns(columns: frozenset[str]) -> frozenset[str]:
    """The catalogue fields a catalogue with ``columns`` has no column for (empty for an entry
    that does not know its columns)."""
    if not columns:
        return frozenset()
    return frozenset(f.name for f in CATALOG_FIELDS if f.name not in columns) - _NOT_KEPT


def _earlier(
    old: StoredDocument, new: IndexedDocument, absent: frozenset[str]
) -> dict[str, object]:
    """The fields of ``absent`` whose stored value the new row and text would lose."""
    from_text = set(old.dates_from_text.split(",")) if old.dates_from_text else set()
    earlier, _ = document_from_stored(dataclasses.asdict(old), "")
    kept = {}
    for name in sorted(absent):
        was, now = getattr(earlier.meta, name), getattr(new.doc.meta, name)
        if name in from_text or was in (BY_NAME[name].empty, None, "", ()) or was == now:
            continue
        kept[name] = was
    return kept


def with_earlier_cells(
    index: SearchIndex, batch: Sequence[IndexedDocument], absent: Mapping[str, frozenset[str]]
) -> list[IndexedDocument]:
    """``batch`` with the cells kept that their catalogue lacks a column for (one metadata
    fetch for the batch); a document whose fields change is analysed again."""
    wanted = [r for r in batch if absent.get(r.doc.id)]
    if not wanted:
        return list(batch)
    olds = index.backend.fetch([r.doc.id for r in wanted], texts=False)
    out = []
    for r in batch:
        old = olds.get(r.doc.id)
        if old is None or not old.catalog or old.content_hash != r.doc.content_hash:
            out.append(r)
            continue
        kept = _earlier(old, r, absent[r.doc.id])
        if not kept:
            out.append(r)
            continue
        said = "; ".join(f"{label(n)} {v.isoformat() if hasattr(v, 'isoformat') else v}"
                         for n, v in kept.items())  # fmt: skip
        note = (f"{said} kept from {old.catalog}: this catalogue has no column for "
                f"{'、'.join(label(n) for n in kept)}")  # fmt: skip
        # stated by the earlier catalogue: no date from the text, no 有效性 assumed
        doc = dataclasses.replace(with_stated(r.doc, kept), extra={**r.doc.extra, KEPT: note})
        out.append(prepare(doc, r.source))
    return out


def as_catalogued(old: StoredDocument, r: IndexedDocument) -> IndexedDocument:
    """``r``, a document moved with its archive and read with no catalogue row, with the cells
    the catalogue that catalogued it (``old.catalog``) gave, and that catalogue named: as the
    same ingest of an archive never moved keeps the catalogued version (QA pass 52b: moved,
    a rule the catalogue had marked 废止 came back 有效, its 文号, title and dates gone, exit 0).
    Its level is left to the caller, which keeps the stored one. Analysed again if changed."""
    every = frozenset(f.name for f in CATALOG_FIELDS) - _NOT_KEPT
    kept = _earlier(old, r, every)
    said = "; ".join(f"{label(n)} {v.isoformat() if hasattr(v, 'isoformat') else v}"
                     for n, v in kept.items())  # fmt: skip
    note = (f"moved with its archive, and kept as catalogued by {old.catalog}"
            + (f" ({said})" if said else "")
            + ": this ingest has no catalogue row for it; ingest again with --catalog (the "
            "catalogue at its new place) to apply one")  # fmt: skip
    doc = with_stated(r.doc, kept) if kept else r.doc
    doc = dataclasses.replace(doc, catalog=old.catalog, extra={**doc.extra, KEPT: note})
    return prepare(doc, r.source)
