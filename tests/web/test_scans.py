"""A scanned document on the web: the OCR notice for everyone, the page images for staff only.

The real one-page scan in ``samples/files/scan/`` is ingested with real OCR into a real
embedded index and served by the real app.
"""

from __future__ import annotations

import math
import re
import shutil
import warnings
from pathlib import Path

import pytest

from ingest.ocr import engines
from model.document import from_stored
from model.settings import Settings
from pipeline.run import run_ingest
from search_api.keys import KeyStore
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.request import Query
from tests.ingest.test_ocr import (
    SIMPLIFIED,
    TRADITIONAL,
    _corrupt_second_frame,
    _text,
    encoded,
    small_page,
)
from web import views

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
    # a two-page scan whose second page is damaged: ingested with its first page only
    first, _ = small_page(_text(SIMPLIFIED), "simplified", lines=2)
    second, _ = small_page(_text(TRADITIONAL), "traditional", lines=2)
    (archive / "damaged.tif").write_bytes(_corrupt_second_frame(encoded([first, second], "TIFF")))
    data = root / "data"
    index = SearchIndex(EmbeddedIndex(data))
    report = run_ingest(index, [archive], workers=1)
    assert not report.failed, report.summary()
    assert [w.path for w in report.warned] == ["damaged.tif"], report.summary()
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
    # rounded down to a tenth of a percent: 0.995 read "100%" (QA pass 18)
    shown = re.search(r"识别置信度 (\d+\.\d)%", page.text)
    assert shown and float(shown.group(1)) == math.floor(api["ocr_confidence"] * 1000) / 10


def test_a_recognised_page_reads_as_paragraphs(served) -> None:
    """QA pass 40b L15: every line of the scan was a hard break on the page ("推 / 进政府网站"),
    ragged at the kiosk's large type; the text and its matches are unchanged."""
    client, doc_id, _ = served
    stored = client.get(f"/api/documents/{doc_id}").json()["text"]
    assert "推\n进政府网站" in stored
    page = client.get(f"/documents/{doc_id}", params={"q": "推进政府网站"}).text
    body = page[page.index('class="document__text"'):]
    body = body[: body.index("</div>")]
    assert "推进政府网站" in body.replace("<mark>", "").replace("</mark>", "")
    assert "\n一、总体要求\n" in body  # a heading keeps its line
    assert body.count("\n") < stored.count("\n")


def test_a_recognised_scan_is_marked_in_the_results(served) -> None:
    """QA pass 23a: the results list did not say which texts came from scans (the document
    page does); a patron read OCR errors as the text."""
    client, doc_id, _ = served
    page = client.get("/", params={"q": "政府网站集约化试点"}).text
    item = page[page.index(f"/documents/{doc_id}"):]
    item = item[: item.index("</li>")]
    assert '<span class="badge badge--ocr"' in item and "扫描件识别" in item
    # said on the page, not in a tooltip, which a touch screen never shows (QA pass 46b)
    assert "扫描件识别，可能有误</span>" in item and 'title="本文由扫描件识别' not in item


def test_staff_see_the_scanned_page(served) -> None:
    client, doc_id, staff = served
    page = client.get(f"/documents/{doc_id}", headers=staff)
    assert f"/documents/{doc_id}/scan/1" in page.text
    image = client.get(f"/documents/{doc_id}/scan/1", headers=staff)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert client.get(f"/documents/{doc_id}/scan/2", headers=staff).status_code == 404


def test_every_reader_is_told_which_pages_are_missing(served) -> None:
    """QA pass 7: a page OCR could not read was only in the ingest report; the API had no
    ``ocr_failed`` (README: "listed in the document's ocr_failed property") and the page
    said nothing, so a reader took the text for the whole document."""
    client, _, _ = served
    hits = [h for h in client.get("/api/search", params={"q": "", "size": 10}).json()["hits"]
            if h["path"] == "damaged.tif"]
    assert hits
    api = client.get(f"/api/documents/{hits[0]['id']}").json()
    assert api["ocr_pages"] == "1" and api["ocr_failed"].startswith("page 2: ")
    page = client.get(f"/documents/{hits[0]['id']}").text
    assert "扫描件第 2 页未能识别，本文不含其内容" in page


def test_a_pdf_with_one_scanned_page_names_that_page() -> None:
    """QA pass 7: a PDF of three text pages and one scanned page said its whole text was
    recognised."""
    stored = {"id": "a" * 16, "path": "mixed.pdf", "text_source": "ocr", "ocr_pages": "4"}
    notice = views.ocr_notice(from_stored(stored, "正文"), "本文由扫描件识别，可能有误")
    assert notice == "本文第 4 页由扫描件识别，可能有误"
    later = {**stored, "ocr_pages": "10-12"}  # not taken for pages from the first on
    assert views.ocr_notice(from_stored(later, "正文"), "本文由扫描件识别，可能有误") == (
        "本文第 10-12 页由扫描件识别，可能有误")
    whole = {**stored, "ocr_pages": "1-2"}
    assert views.ocr_notice(from_stored(whole, "正文"), "本文由扫描件识别，可能有误") == (
        "本文由扫描件识别，可能有误")


def test_a_text_pdfs_scanned_page_not_read_is_said_to_every_reader() -> None:
    """QA pass 42a: a text PDF's scanned page, loaded with OCR off, is missing from the text;
    the page says so as it does for a page OCR failed on (its text source is the text)."""
    stored = {"id": "a" * 16, "path": "mixed.pdf",
              "ocr_failed": "page 4: not read, OCR is off (--no-ocr or GOVSEARCH_OCR=0)"}
    assert views.ocr_missing(from_stored(stored, "正文")) == (
        "扫描件第 4 页未能识别，本文不含其内容；需要时请查阅原件。")
