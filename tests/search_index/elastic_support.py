"""Shared by the Elasticsearch tests: find the cluster (or skip / fail), name and drop indexes.

A missing cluster skips the tests on a developer machine but fails them in CI (``CI=true``): a
silently skipped backend is an untested backend.
"""

from __future__ import annotations

import itertools
import os
import secrets
import urllib.error
import urllib.request

import pytest
from elasticsearch import Elasticsearch

_counter = itertools.count()
DEFAULT_URL = "http://127.0.0.1:9200"


def reachable(url: str) -> bool:
    """Whether the cluster at ``url`` answers its health endpoint (``GET /`` is 405 on the test
    distribution, so the client's ``ping()`` cannot tell)."""
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=5) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def cluster_url() -> str:
    """The URL of a reachable cluster (``GOVSEARCH_ES_URL``), else skip (or fail in CI)."""
    url = os.environ.get("GOVSEARCH_ES_URL", DEFAULT_URL).split(",")[0].strip()
    if reachable(url):
        return url
    message = (
        f"no Elasticsearch at {url}; start one with: bash .ci/elasticsearch.sh start, "
        "then export GOVSEARCH_ES_URL=$(bash .ci/elasticsearch.sh url)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError("unreachable")  # pragma: no cover - skip raises


def unique_prefix(tag: str) -> str:
    """An alias name no other test (or test run) uses."""
    return f"gstest-{tag}-{os.getpid()}-{next(_counter)}-{secrets.token_hex(2)}"


def drop(url: str, prefixes: list[str]) -> None:
    """Delete every index created under these prefixes (physical names are ``<prefix>-…``)."""
    es = Elasticsearch(url)
    try:
        for prefix in prefixes:
            es.options(ignore_status=404).indices.delete(
                index=f"{prefix}-*", expand_wildcards="all"
            )
    finally:
        es.close()
