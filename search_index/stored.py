"""How a document's display data is stored, identically for every backend."""

from __future__ import annotations

import json
from typing import Any

from ingest.document import Document
from search_index.query import StoredDocument


def _iso(d: Any) -> str:
    return d.isoformat() if d else ""


def stored_metadata(doc: Document, source: str) -> dict[str, Any]:
    m = doc.meta
    return {
        "id": doc.id,
        "path": doc.path,
        "source": source,
        "title": m.title,
        "doc_number": m.doc_number,
        "agency": m.agency,
        "category": m.category,
        "date": _iso(m.date),
        "written_date": _iso(m.written_date),
        "publish_date": _iso(m.publish_date),
        "index_no": m.index_no,
        "keywords": list(m.keywords),
        "validity": m.validity,
        "disclosure": m.disclosure,
        "format": doc.format,
        "content_hash": doc.content_hash,
        "size": doc.size,
    }


def encode_metadata(doc: Document, source: str) -> bytes:
    return json.dumps(stored_metadata(doc, source), ensure_ascii=False).encode("utf-8")


def stored_document(
    meta: dict[str, Any], text: str, normalized: str | None = None
) -> StoredDocument:
    return StoredDocument(
        id=meta["id"],
        path=meta["path"],
        source=meta.get("source", ""),
        title=meta.get("title", ""),
        text=text,
        doc_number=meta.get("doc_number", ""),
        agency=meta.get("agency", ""),
        category=meta.get("category", "其他"),
        date=meta.get("date", ""),
        written_date=meta.get("written_date", ""),
        publish_date=meta.get("publish_date", ""),
        index_no=meta.get("index_no", ""),
        keywords=tuple(meta.get("keywords", ())),
        validity=meta.get("validity", "valid"),
        disclosure=meta.get("disclosure", "public"),
        format=meta.get("format", ""),
        content_hash=meta.get("content_hash", ""),
        size=int(meta.get("size", 0)),
        normalized=normalized,
    )
