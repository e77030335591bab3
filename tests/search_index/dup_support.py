"""Shared by the duplicate-check tests: real corpus documents, drafts made from them, backends.

The backends are the embedded index and, when a cluster is reachable, Elasticsearch (same
skip-locally / fail-in-CI rule as the Elasticsearch contract tests).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from model.document import Document
from search_index.embedded import EmbeddedIndex
from search_index.prepare import prepare
from search_index.protocol import Backend
from tests.corpus import corpus_document, sample_paths

CANARY = "癸壬辛庚己戊丁丙乙甲查重机密字串"
GOVCN = "docs/govcn_policy/govcn_002.txt"  # 国办发〔2019〕6号, dated 2019年1月22日
LAW_A = "docs/lawrefbook/shehuifa/lrb_02517.txt"  # the same text as LAW_B (duplicates.csv)
LAW_B = "docs/lawrefbook/xingzhengfa/lrb_02655.txt"
TAINAN = "docs/tainan/tainan_2020-10-06_7732839.txt"
SHORT_NOTICE = "docs/tainan/tainan_2020-10-26_7732839.txt"
VERSIONS = (
    "docs/lawrefbook/difang_shanghai/lrb_00005.txt",
    "docs/lawrefbook/difang_shanghai/lrb_00006.txt",
)
HIDDEN = "docs/govcn_policy/govcn_010.txt"  # indexed as not_public, with the canary
BACKENDS = ["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]
_counter = itertools.count()


def text_of(path: str) -> str:
    return corpus_document(path).text


def documents() -> list[Document]:
    """~70 real documents: a spread of sources plus the ones the tests draft from."""
    wanted = [GOVCN, LAW_A, LAW_B, TAINAN, SHORT_NOTICE, *VERSIONS]
    paths = list(dict.fromkeys(wanted + sample_paths(60)))
    paths = [p for p in paths if p != HIDDEN]
    docs = [corpus_document(p) for p in paths]
    hidden = corpus_document(HIDDEN)
    hidden = dataclasses.replace(
        hidden,
        text=hidden.text + "\n" + CANARY,
        meta=dataclasses.replace(hidden.meta, disclosure="not_public"),
    )
    return docs + [hidden]


@contextlib.contextmanager
def backend(kind: str, tmp: Path) -> Iterator[Backend]:
    """An empty backend of this kind; Elasticsearch indexes are dropped afterwards."""
    if kind == "embedded":
        b = EmbeddedIndex(tmp / f"dup{next(_counter)}")
        try:
            yield b
        finally:
            b.close()
        return
    if importlib.util.find_spec("search_index.elastic") is None or (
        importlib.util.find_spec("tests.search_index.elastic_support") is None
    ):
        pytest.skip("the Elasticsearch backend (search_index.elastic) is not in this tree")
    from search_index.elastic import ElasticsearchIndex
    from tests.search_index.elastic_support import cluster_url, drop, unique_prefix

    url = cluster_url()  # skips locally, fails in CI, when no cluster answers
    prefix = unique_prefix("dupes")
    b = ElasticsearchIndex([url], index_prefix=prefix)
    try:
        yield b
    finally:
        b.close()
        drop(url, [prefix])


def load(b: Backend, docs: list[Document]) -> None:
    results = list(b.write(prepare(d, "corpus") for d in docs))
    assert all(r.ok for r in results), [r for r in results if not r.ok][:3]


def date_changed(text: str) -> str:
    """The next year's edition: only the dates differ."""
    assert "2019年1月22日" in text
    return text.replace("2019年1月22日", "2020年1月22日")
