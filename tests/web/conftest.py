"""A real index of real documents for the web page tests (TestClient and browser).

``samples/`` (real documents from the shared corpus, with ``catalog.csv``) is ingested through
the real pipeline (:func:`ingest.files.iter_documents`: TXT, HTML, PDF and DOCX files,
catalog metadata, its non-public and repealed rows) and indexed with the real ``prepare``.
Two synthetic public documents are added with hostile markup in their title, agency and text,
one of them with a stored path that tries to climb out of the originals folder; the non-public
sample documents get a canary string so a leak would be visible. ``originals_dir`` is
``samples/`` itself, so the original PDF/DOCX files can be downloaded.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI

from govsearch.app import create_app
from ingest.files import iter_documents
from model.document import Document
from model.settings import Settings
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.prepare import prepare

with warnings.catch_warnings():
    # Starlette 1.x warns (at import) that its TestClient will need the ``httpx2`` package
    # instead of ``httpx``; the client works with httpx, which the dev extras install.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
CANARY = "庚辛壬癸机密字串"
HOSTILE_TITLE = '<script>alert("title")</script>关于<b>加强</b>网络安全的通知'
HOSTILE_TEXT = (
    '正文开始 <img src=x onerror="alert(1)"> <script>alert("text")</script> 网络安全 结束'
)
DOCNO_PREFERRED = "docs/govcn_policy/govcn_005.txt"  # 国发〔2019〕3号, no rendering beside it
ORIGINAL_PATH = "files/docx/国务院办公厅关于印发国家组织药品集中采购和使用试点方案的通知.docx"


@dataclasses.dataclass(frozen=True)
class WebCorpus:
    index: SearchIndex
    documents: list[Document]  # public
    hidden: list[Document]  # non-public (with the canary)
    hostile: list[Document]
    docno_doc: Document  # public, with a 文号 like 国发〔2019〕3号
    original_doc: Document | None  # ingested from a DOCX file under samples/
    originals_dir: Path
    data_dir: Path


def _hostile(base: Document) -> list[Document]:
    meta = dataclasses.replace(base.meta, disclosure="public", validity="valid")
    return [
        dataclasses.replace(
            base,
            id="e" * 15 + "1",
            path="hostile/one.txt",
            text=HOSTILE_TEXT,
            meta=dataclasses.replace(meta, title=HOSTILE_TITLE, doc_number="<i>号</i>"),
        ),
        dataclasses.replace(
            base,
            id="e" * 15 + "2",
            path="../../etc/passwd",
            text="路径穿越测试文件 网络安全",
            meta=dataclasses.replace(meta, title="路径穿越测试", agency='"><script>x</script>'),
        ),
    ]


def _documents() -> tuple[list[Document], list[Document], list[Document]]:
    """(public, non-public with canary, hostile) documents of ``samples/``."""
    if not (SAMPLES / "catalog.csv").exists():
        pytest.skip(f"no samples at {SAMPLES}")
    results = list(iter_documents([SAMPLES], catalog=SAMPLES / "catalog.csv"))
    docs = [r for r in results if isinstance(r, Document)]
    assert len(docs) >= 150, [r for r in results if not isinstance(r, Document)][:3]
    public = [d for d in docs if d.meta.disclosure == "public"]
    hidden = [
        dataclasses.replace(d, text=d.text + "\n" + CANARY)
        for d in docs
        if d.meta.disclosure != "public"
    ]
    assert hidden, "samples/catalog.csv marks some documents non-public"
    return public, hidden, _hostile(public[0])


def _docno_doc(public: list[Document]) -> Document:
    by_path = {d.path: d for d in public}
    if DOCNO_PREFERRED in by_path:
        return by_path[DOCNO_PREFERRED]
    return next(
        d
        for d in public
        if d.path.startswith("docs/") and re.fullmatch(r".+〔2019〕\d+号", d.meta.doc_number)
    )


@pytest.fixture(scope="session")
def web_corpus(tmp_path_factory) -> WebCorpus:
    public, hidden, hostile = _documents()
    data_dir = tmp_path_factory.mktemp("web-index")
    backend = EmbeddedIndex(data_dir)
    results = list(backend.write(prepare(d, "samples") for d in [*public, *hidden, *hostile]))
    assert all(r.ok for r in results), [r for r in results if not r.ok][:3]
    original = next((d for d in public if d.path == ORIGINAL_PATH), None)
    return WebCorpus(
        SearchIndex(backend),
        public,
        hidden,
        hostile,
        _docno_doc(public),
        original,
        SAMPLES,
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
