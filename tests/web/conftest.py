"""A real index of real corpus documents for the web page tests (TestClient and browser).

The documents are chosen so every page state has something to show: gov.cn policies with
文号, Traditional-script documents, titles with 政府信息公开 / 政务 (pinyin search), a spread of
sources for facets, two hidden (non-public) documents with a canary string, and two public
documents with hostile markup in their title and text. One document has an original file in
``originals_dir`` (a DOCX rendering from the corpus) so the download can be tested.
"""

from __future__ import annotations

import dataclasses
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI

from govsearch.settings import Settings
from ingest.document import Document
from search_api.app import create_app
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.prepare import prepare
from tests.corpus import CORPUS, corpus_document, manifest, require_corpus, sample_paths

with warnings.catch_warnings():
    # Starlette 1.x warns (at import) that its TestClient will need the ``httpx2`` package
    # instead of ``httpx``; the client works with httpx, which the dev extras install.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

CANARY = "庚辛壬癸机密字串"
HOSTILE_TITLE = '<script>alert("title")</script>关于<b>加强</b>网络安全的通知'
HOSTILE_TEXT = (
    '正文开始 <img src=x onerror="alert(1)"> <script>alert("text")</script> 网络安全 结束'
)
DOCNO_PATH = "docs/govcn_policy/govcn_001.txt"
ORIGINAL_NAME = "国务院办公厅关于印发国家组织药品集中采购和使用试点方案的通知.docx"


@dataclasses.dataclass(frozen=True)
class WebCorpus:
    index: SearchIndex
    documents: list[Document]
    hidden: list[Document]
    hostile: list[Document]
    docno_doc: Document
    original_doc: Document | None
    originals_dir: Path
    data_dir: Path


def _documents() -> tuple[list[Document], list[Document], list[Document], Document | None]:
    rows = manifest()
    wanted = [
        p
        for word in ("政府信息公开", "政务", "绿化", "个人资料", "個人資料")
        for p in [p for p, r in rows.items() if word in r["title"]][:8]
    ]
    govcn = [p for p in rows if p.startswith("docs/govcn_policy/")][:25]
    trad = [p for p in rows if rows[p]["script"] == "traditional"][:15]
    paths = list(dict.fromkeys([DOCNO_PATH, *sample_paths(150), *govcn, *trad, *wanted]))
    docs = [corpus_document(p) for p in paths]
    # one document is declared expired and one repealed, so the validity facet has values
    docs[3] = dataclasses.replace(
        docs[3], meta=dataclasses.replace(docs[3].meta, validity="expired")
    )
    docs[4] = dataclasses.replace(
        docs[4], meta=dataclasses.replace(docs[4].meta, validity="repealed")
    )
    hidden = []
    for i, level in ((5, "on_request"), (6, "not_public")):
        d = docs[i]
        hidden.append(
            dataclasses.replace(
                d,
                meta=dataclasses.replace(d.meta, disclosure=level),
                text=d.text + "\n" + CANARY,
            )
        )
    base = docs[7]
    hostile = [
        dataclasses.replace(
            base,
            id="e" * 15 + "1",
            path="hostile/one.txt",
            text=HOSTILE_TEXT,
            meta=dataclasses.replace(base.meta, title=HOSTILE_TITLE, doc_number="<i>号</i>"),
        ),
        dataclasses.replace(
            base,
            id="e" * 15 + "2",
            path="../../etc/passwd",
            text="路径穿越测试文件 网络安全",
            meta=dataclasses.replace(
                base.meta, title="路径穿越测试", agency='"><script>x</script>'
            ),
        ),
    ]
    original = None
    title = ORIGINAL_NAME.removesuffix(".docx")
    match = [p for p, r in rows.items() if r["title"] == title]
    if match and (CORPUS / "files" / "docx" / ORIGINAL_NAME).exists():
        d = corpus_document(match[0])
        original = dataclasses.replace(d, path=f"docx/{ORIGINAL_NAME}", format="docx")
        docs = [x for x in docs if x.id != d.id]
    public = [d for i, d in enumerate(docs) if i not in (5, 6)]
    extra = [original] if original else []
    return public + extra, hidden, hostile, original


@pytest.fixture(scope="session")
def web_corpus(tmp_path_factory) -> WebCorpus:
    require_corpus()
    documents, hidden, hostile, original = _documents()
    data_dir = tmp_path_factory.mktemp("web-index")
    backend = EmbeddedIndex(data_dir)
    results = list(backend.write(prepare(d, "corpus") for d in [*documents, *hidden, *hostile]))
    assert all(r.ok for r in results), [r for r in results if not r.ok][:3]
    originals = tmp_path_factory.mktemp("originals")
    if original is not None:
        (originals / "docx").mkdir()
        shutil.copy(CORPUS / "files" / "docx" / ORIGINAL_NAME, originals / "docx" / ORIGINAL_NAME)
    (originals.parent / "secret-outside.txt").write_text("outside", encoding="utf-8")
    docno_doc = next(d for d in documents if d.path == DOCNO_PATH)
    return WebCorpus(
        SearchIndex(backend),
        documents,
        hidden,
        hostile,
        docno_doc,
        original,
        originals,
        data_dir,
    )


@pytest.fixture(scope="session")
def make_app(web_corpus: WebCorpus) -> Callable[..., FastAPI]:
    """An app over the shared index; keyword arguments override settings."""

    def make(**overrides: object) -> FastAPI:
        settings = Settings(data_dir=web_corpus.data_dir, originals_dir=web_corpus.originals_dir)
        settings = dataclasses.replace(settings, **overrides)  # type: ignore[arg-type]
        return create_app(settings, index=web_corpus.index)

    return make


@pytest.fixture(scope="session")
def client(make_app) -> TestClient:
    return TestClient(make_app())


@pytest.fixture(scope="session")
def kiosk_client(make_app) -> TestClient:
    return TestClient(make_app(kiosk=True))
