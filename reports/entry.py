"""One catalogue entry as the reports see it: the metadata of a document, without its text.

The reports never reach into a backend; they take an iterable of these, built from the stored
metadata every backend keeps (``StoredDocument.metadata()``'s shape), so the same numbers come
out of the embedded index and Elasticsearch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from model.document import StoredDocument


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:  # a stored date that is not a date is reported as missing, not guessed
        return None


@dataclass(frozen=True)
class CatalogEntry:
    """The fields of a document the disclosure duties are about."""

    id: str
    path: str
    title: str = ""
    agency: str = ""
    category: str = "其他"
    written_date: dt.date | None = None  # 成文日期
    publish_date: dt.date | None = None  # 发布日期
    validity: str = "valid"  # 有效性: valid | expired | repealed
    disclosure: str = "public"  # 公开方式: public | on_request | not_public | draft
    catalogued: bool = False  # a catalogue row stated its fields (the copy a text is filed by)
    doc_number: str = ""  # 文号: one number dated close together is one issue (reports.annual)
    index_no: str = ""  # 索引号
    # the dates its catalogue row left empty that the document's text gave (shown, not counted)
    dates_from_text: tuple[str, ...] = ()
    amended: int | None = None  # the year its own history says it was last amended
    # neither its catalogue row nor its text states the 有效性: filed 有效, shown as 未注明
    validity_assumed: bool = False
    source: str = ""  # the folder ingested it came from ("" for an upload): path is inside it

    @property
    def date(self) -> dt.date | None:
        """The date the catalogue files the entry under: publication, else the written date."""
        return self.publish_date or self.written_date

    def lacks_date(self, name: str) -> bool:
        """Whether the catalogue does not state the date ``name`` (written_date or
        publish_date): none, or only the text's where its row left the cell empty (a reposted
        text's own date is no 成文日期 of this posting)."""
        return getattr(self, name) is None or name in self.dates_from_text

    @property
    def date_from_text(self) -> bool:
        """Whether :attr:`date` is one the text gave where the catalogue row left it empty."""
        field = "publish_date" if self.publish_date else "written_date"
        return field in self.dates_from_text

    @classmethod
    def from_stored(cls, doc: StoredDocument) -> CatalogEntry:
        """From a stored document: its shown fields and whether a catalogue row made it."""
        return cls.from_metadata(
            {**doc.metadata(), "catalog": doc.catalog, "dates_from_text": doc.dates_from_text,
             "amended": doc.amended, "validity_assumed": doc.validity_assumed,
             "source": doc.source}  # fmt: skip
        )

    @classmethod
    def from_metadata(cls, meta: Mapping[str, Any]) -> CatalogEntry:
        """From a stored metadata mapping (ISO date strings, empty meaning "not stated")."""
        return cls(
            id=str(meta["id"]),
            path=str(meta.get("path", "")),
            title=str(meta.get("title") or ""),
            agency=str(meta.get("agency") or ""),
            category=str(meta.get("category") or "其他"),
            written_date=_day(meta.get("written_date")),
            publish_date=_day(meta.get("publish_date")),
            validity=str(meta.get("validity") or "valid"),
            disclosure=str(meta.get("disclosure") or "public"),
            catalogued=bool(meta.get("catalog")),
            doc_number=str(meta.get("doc_number") or ""),
            index_no=str(meta.get("index_no") or ""),
            dates_from_text=tuple(
                d for d in str(meta.get("dates_from_text") or "").split(",") if d
            ),
            amended=int(str(meta["amended"])) if str(meta.get("amended") or "").isdigit() else None,
            validity_assumed=bool(meta.get("validity_assumed")),
            source=str(meta.get("source") or ""),
        )
