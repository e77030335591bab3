"""A scanned document on the web: the OCR notice for everyone, the page images for staff only.

The real one-page scan in ``samples/files/scan/`` is ingested with real OCR into a real
embedded index and served by the real app.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from ingest.ocr import engines
from model.settings import Settings
from pipeline.run import run_ingest
from search_api.keys import KeyStore
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.request import Query

SCAN = Path(__file__).resolve().parents[2] / "samples/files/scan/pdf_01_scan_p1.pdf"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if engines.default() is None:
        pytest.skip("no OCR engine installed")
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

    from govsearch.app import create_app

    root = tmp_path_factory.mktemp("scans")
    archive = root / "archive"
    archive.mkdir()
    shutil.copy(SCAN, archive / SCAN.name)
    data = root / "data"
    index = SearchIndex(EmbeddedIndex(data))
    report = run_ingest(index, [archive], workers=1)
    assert not report.failed, report.summary()
    hits = index.search(Query(q="政府网站集约化试点", size=3)).hits
    assert hits and hits[0].doc.path == SCAN.name
    doc_id = hits[0].doc.id
    index.close()
    _, key = KeyStore(data).create("archivist")
    app = create_app(Settings(data_dir=data, originals_dir=archive))
    with TestClient(app) as client:
        yield client, doc_id, {"Authorization": f"Bearer {key}"}


def test_everyone_is_told_the_text_was_recognised(served) -> None:
    client, doc_id, _ = served
    page = client.get(f"/documents/{doc_id}")
    assert page.status_code == 200
    assert "本文由扫描件识别，可能有误" in page.text and "识别置信度" in page.text
    assert "扫描页" not in page.text  # page images are for staff
    assert client.get(f"/documents/{doc_id}/scan/1").status_code == 404
    api = client.get(f"/api/documents/{doc_id}").json()
    assert api["text_source"] == "ocr" and 0.5 < api["ocr_confidence"] <= 1.0


def test_staff_see_the_scanned_page(served) -> None:
    client, doc_id, staff = served
    page = client.get(f"/documents/{doc_id}", headers=staff)
    assert f"/documents/{doc_id}/scan/1" in page.text
    image = client.get(f"/documents/{doc_id}/scan/1", headers=staff)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert client.get(f"/documents/{doc_id}/scan/2", headers=staff).status_code == 404
