"""The document, as ingest produces it and as the index gives it back.

Three frozen classes, all built from :data:`model.fields.FIELDS`:

- :class:`CatalogMeta`: the catalogue fields (标题, 文号, 发布机构, 分类, dates, 有效性, 公开方式 …)
  as Python values (dates are ``datetime.date``);
- :class:`Document`: a file's extracted text, its ``CatalogMeta`` and the file's own fields
  (format, size, hash). Frozen so that nothing edits a document between extraction and indexing;
- :class:`StoredDocument`: what a backend returns, every field as displayed (dates as ISO
  strings, "" when not stated), plus the text.

:func:`to_stored` / :func:`from_stored` are the one stored form, shared by both backends (the
embedded index keeps it as JSON bytes, Elasticsearch in ``_source``); fields missing from an
older index read as their empty value, so a stored-only field needs no rebuild.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, make_dataclass, replace
from typing import Any

from model.fields import (
    CATALOG_FIELDS,
    CATEGORIES,
    DISCLOSURES,
    FIELDS,
    FILE_FIELDS,
    VALIDITIES,
    Field,
)

__all__ = [
    "CATEGORIES",
    "DISCLOSURES",
    "VALIDITIES",
    "CatalogMeta",
    "Document",
    "StoredDocument",
    "document_from_stored",
    "with_stated",
    "from_stored",
    "to_stored",
]

_PY_TYPES = {"text": str, "choice": str, "date": "dt.date | None", "list": "tuple[str, ...]",
             "int": int, "float": "float | None"}  # fmt: skip


def _default(f: Field) -> Any:
    return field(default=f.empty)


def _date(self: Any) -> dt.date | None:
    """The date a citizen sorts and filters by: publication, else the written date."""
    return self.publish_date or self.written_date


CatalogMeta = make_dataclass(
    "CatalogMeta",
    [(f.name, _PY_TYPES[f.kind], _default(f)) for f in CATALOG_FIELDS],
    frozen=True,
    namespace={
        "__doc__": "Catalogue metadata (政府信息公开目录 fields); empty means not stated.",
        "__module__": __name__,
        "date": property(_date),
    },
)


@dataclass(frozen=True)
class _DocumentBase:
    id: str
    path: str
    text: str
    meta: CatalogMeta  # type: ignore[valid-type]


Document = make_dataclass(
    "Document",
    [(f.name, _PY_TYPES[f.kind], _default(f)) for f in FILE_FIELDS]
    + [("extra", dict[str, str], field(default_factory=dict, compare=False, hash=False))],
    bases=(_DocumentBase,),
    frozen=True,
    namespace={
        "__doc__": "A file's extracted text plus its catalogue metadata and file fields.\n\n"
        "``id`` is derived from the ingested folder and the path inside it "
        "(:func:`model.ids.document_id`), so it is stable across re-ingests.",
        "__module__": __name__,
    },
)


def _stored_value(f: Field, value: Any) -> Any:
    if f.kind == "date":
        return value.isoformat() if value else ""
    if f.kind == "list":
        return list(value or ())
    return value


def _shown_value(f: Field, value: Any) -> Any:
    """A stored value as the API shows it (a missing date is null, not "")."""
    if f.kind == "date":
        return value or None
    if f.kind == "list":
        return list(value)
    return value


def _metadata(self: Any) -> dict[str, Any]:
    """The shown fields, as the JSON API answers them."""
    out: dict[str, Any] = {"id": self.id, "path": self.path}
    for f in FIELDS:
        if f.shown:
            out[f.name] = _shown_value(f, getattr(self, f.name))
        if f.name == "publish_date":
            out["date"] = self.date or None
            # the day of that date is made up (the year of a report's title): said, so that an
            # export records no 1 January (QA pass 42b: only the life events' API said it)
            out["year_only"] = year_only(self)
        if f.name == "validity":
            # filed 有效 where nothing states it, as search and the filter take it; said, so
            # that an export or an app shows 未注明 as the page does (QA pass 48c: the export
            # wrote 有效 for every text saying nothing of it, the page 未注明)
            out["validity_stated"] = not self.validity_assumed
    return out


@dataclass(frozen=True)
class _StoredBase:
    id: str
    path: str
    source: str
    text: str


_STORED_TYPES = {"date": str, "list": tuple[str, ...]}

StoredDocument = make_dataclass(
    "StoredDocument",
    [
        (f.name, _STORED_TYPES.get(f.kind, _PY_TYPES[f.kind]), field(default=_stored_empty))
        for f in FIELDS
        for _stored_empty in ["" if f.kind == "date" else f.empty]
    ]
    + [
        ("date", str, field(default="")),
        # The normalised text when it is aligned with ``text`` (same length), for fast snippets;
        # None where the backend keeps none (Elasticsearch): readers normalise ``text`` then.
        ("normalized", "str | None", field(default=None, compare=False, repr=False)),
    ],
    bases=(_StoredBase,),
    frozen=True,
    namespace={
        "__doc__": "A document as a backend returns it: display values plus the text.",
        "__module__": __name__,
        "metadata": _metadata,
    },
)


def to_stored(doc: Document, source: str) -> dict[str, Any]:  # type: ignore[valid-type]
    """The JSON-safe stored form of a document's fields (its text is stored beside it)."""
    out: dict[str, Any] = {"id": doc.id, "path": doc.path, "source": source}
    for f in CATALOG_FIELDS:
        out[f.name] = _stored_value(f, getattr(doc.meta, f.name))
    for f in FILE_FIELDS:
        out[f.name] = _stored_value(f, getattr(doc, f.name))
    date = doc.meta.date
    out["date"] = date.isoformat() if date else ""
    return out


def _read(f: Field, stored: dict[str, Any]) -> Any:
    value = stored.get(f.name)
    if value is None or value == "":
        return "" if f.kind == "date" else f.empty
    if f.kind == "list":
        return tuple(value)
    if f.kind == "int":
        return int(value)
    return value


def from_stored(
    stored: dict[str, Any], text: str, normalized: str | None = None
) -> StoredDocument:  # type: ignore[valid-type]
    """A :class:`StoredDocument` from the stored form (any older index's subset of fields)."""
    values = {f.name: _read(f, stored) for f in FIELDS}
    return StoredDocument(
        id=stored["id"],
        path=stored["path"],
        source=stored.get("source", ""),
        text=text,
        date=stored.get("date", "") or "",
        normalized=normalized,
        **values,
    )


def _python(f: Field, value: Any) -> Any:
    if f.kind == "date":
        return dt.date.fromisoformat(value) if value else None
    return value


def with_stated(doc: Document, values: Mapping[str, Any]) -> Document:  # type: ignore[valid-type]
    """``doc`` with these catalogue fields (``CatalogMeta``'s values) stated: none of them is a
    date read from the text any longer (``dates_from_text``), nor a validity assumed — what a
    staff correction (PATCH) and a cell kept from an earlier catalogue both are."""
    dates = [d for d in doc.dates_from_text.split(",") if d and d not in values]
    assumed = doc.validity_assumed
    if "validity" in values:  # stated; or cleared (None): filed 有效 and shown 未注明 again
        assumed = "1" if values["validity"] is None else ""
        if values["validity"] is None:
            values = {**values, "validity": "valid"}
    return replace(
        doc, meta=replace(doc.meta, **values), dates_from_text=",".join(dates),
        validity_assumed=assumed,
    )  # fmt: skip


def document_from_stored(stored: dict[str, Any], text: str) -> tuple[Document, str]:  # type: ignore[valid-type]
    """The :class:`Document` (and its ingest source) a stored form was made from; a rebuild
    (``reindex``) analyses it again without the original file."""
    values = {f.name: _read(f, stored) for f in FIELDS}
    meta = CatalogMeta(**{f.name: _python(f, values[f.name]) for f in CATALOG_FIELDS})
    doc = Document(
        id=stored["id"],
        path=stored["path"],
        text=text,
        meta=meta,
        **{f.name: values[f.name] for f in FILE_FIELDS},
    )
    return doc, stored.get("source", "")


# in ``dates_from_text``: the 成文日期 is the year a report's title names, its day unknown
# (ingest.metadata.title_year_date gives 1 January or 31 December, for the order of dates)
TITLE_YEAR = "title_year"


def written_in_title_year(doc: StoredDocument) -> bool:  # type: ignore[valid-type]
    """Whether ``doc``'s 成文日期 is the year of its title, no day (:data:`TITLE_YEAR`)."""
    return TITLE_YEAR in doc.dates_from_text.split(",")


def year_only(doc: StoredDocument) -> bool:  # type: ignore[valid-type]
    """Whether ``doc``'s date is the year of its title, no day: its 成文日期 so written, and no
    发布日期 before it."""
    return bool(doc.date) and doc.date == doc.written_date and written_in_title_year(doc)


def as_year(date: str) -> str:
    """An ISO date shown as its year alone (2015年)."""
    return f"{date[:4]}年"


def shown_date(doc: StoredDocument) -> str:  # type: ignore[valid-type]
    """The date a page shows for ``doc``: its date, or the year alone (2015年) where that
    date is the year of its title (QA pass 38a: 2015年…政府工作报告 said 2015-01-01, a day no
    source gives, and led a sort by date)."""
    return as_year(doc.date) if year_only(doc) else doc.date or ""
