"""Shared by the security tests: apps over real indexes, staff keys, hostile and canary files.

Everything goes through the real code paths: files are written to disk and ingested with
:func:`pipeline.run.run_ingest` (or uploaded over HTTP), the app is the one
``create_app`` builds, and the Elasticsearch variant runs against a real cluster.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI

from govsearch.app import create_app
from model.settings import Settings
from search_api.keys_elastic import open_keys
from search_index.index import SearchIndex
from tests.search_index.elastic_support import reachable

with warnings.catch_warnings():
    # Starlette warns at import that its TestClient will want ``httpx2``; httpx works.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient


@dataclass
class Served:
    """An app over an index, a client for it and a staff key (``headers`` for staff calls)."""

    app: FastAPI
    client: TestClient
    index: SearchIndex
    settings: Settings
    key: str
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def staff(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def serve(settings: Settings, index: SearchIndex) -> Served:
    """Build the real app over ``index``; a staff key is created in ``settings.data_dir``."""
    _, key = open_keys(settings, index.backend).create("security-tests")
    app = create_app(settings, index=index)
    client = TestClient(app, raise_server_exceptions=False)
    return Served(app, client, index, settings, key)


def elasticsearch_url() -> str:
    """The cluster of ``GOVSEARCH_ES_URL``; skipped without it, a failure in CI if unreachable."""
    raw = os.environ.get("GOVSEARCH_ES_URL", "")
    in_ci = os.environ.get("CI", "").lower() == "true"
    if not raw:
        msg = "GOVSEARCH_ES_URL is not set: the Elasticsearch variant of this test is skipped"
        if in_ci:
            pytest.fail(msg + " (CI=true must test both backends)")
        pytest.skip(msg)
    url = raw.split(",")[0].strip()
    if reachable(url):
        return url
    msg = f"Elasticsearch at {url} is unreachable"
    if in_ci:
        pytest.fail(msg)
    pytest.skip(msg)
    raise AssertionError("unreachable")  # pragma: no cover


def open_backend_index(kind: str, data_dir: Path, tag: str) -> Iterator[SearchIndex]:
    """A fresh empty index of ``kind`` (embedded | elasticsearch); dropped afterwards."""
    if kind == "embedded":
        from search_index.embedded import EmbeddedIndex

        index = SearchIndex(EmbeddedIndex(data_dir))
        yield index
        index.close()
        return
    url = elasticsearch_url()
    from elasticsearch import Elasticsearch

    try:
        from search_index.elastic import ElasticsearchIndex  # lazily: written concurrently
    except ImportError as exc:
        pytest.skip(f"no Elasticsearch backend in this build ({exc})")

    prefix = f"gssec-{tag}-{os.getpid()}-{os.urandom(3).hex()}"
    index = SearchIndex(ElasticsearchIndex([url], index_prefix=prefix))
    try:
        yield index
    finally:
        index.close()
        es = Elasticsearch(url)
        try:
            es.options(ignore_status=404).indices.delete(index=f"{prefix}*", expand_wildcards="all")
        finally:
            es.close()


@pytest.fixture(params=["embedded", "elasticsearch"])
def backend_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)
