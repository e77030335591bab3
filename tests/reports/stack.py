"""The hand-counted fixtures as real documents in a real index (either backend), and an app."""

from __future__ import annotations

import hashlib
import warnings

from govsearch.app import create_app
from model.document import CatalogMeta, Document
from model.settings import Settings
from reports.entry import CatalogEntry
from search_api.keys_elastic import open_keys
from search_index.index import SearchIndex
from search_index.prepare import prepare
from tests.reports.fixtures import ANNUAL, TIMELINESS

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient


def hex_id(fixture_id: str) -> str:
    return hashlib.sha1(fixture_id.encode()).hexdigest()[:16]


def as_document(e: CatalogEntry) -> Document:
    text = f"{e.title}\n本文件用于报表测试，编号 {e.id}。养老保险待遇按规定发放。"
    meta = CatalogMeta(
        title=e.title,
        agency=e.agency,
        category=e.category,
        written_date=e.written_date,
        publish_date=e.publish_date,
        validity=e.validity,
        disclosure=e.disclosure,
    )
    return Document(
        id=hex_id(e.id),
        path=e.path,
        text=text,
        meta=meta,
        format="txt",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        size=len(text.encode()),
    )


def fixture_documents() -> list[Document]:
    """Both fixture sets; the annual ones are 2020–2024 entries of other agencies' paths."""
    return [as_document(e) for e in TIMELINESS] + [as_document(e) for e in ANNUAL]


def fill(index: SearchIndex) -> None:
    results = list(index.write(prepare(d, "fixtures") for d in fixture_documents()))
    assert all(r.ok for r in results), [r for r in results if not r.ok]


def client_for(index: SearchIndex, settings: Settings) -> tuple[TestClient, str]:
    _, key = open_keys(settings, index.backend).create("disclosure office")
    return TestClient(create_app(settings, index=index)), key
