"""Staff uploads through the real app (``POST /api/documents``): the type check of
``ingest.upload`` and the metadata a text upload gets from ``ingest.metadata``.

Real bytes only: a screenshot of this repository, the sample PDFs and DOCX, the sample scan's
recognised text, each uploaded under a name that is or is not what the bytes are.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.formats import registry
from ingest.ocr import engines
from model.settings import Settings
from model.viewer import STAFF
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from tests.security.conftest import Served, serve

REPO = Path(__file__).resolve().parents[2]
PNG = REPO / "docs/screenshots/kiosk-keyboard.png"
PDF = REPO / "samples/files/pdf/pdf_02.pdf"
DOCX = REPO / "samples/files/docx/doc_17.docx"
SCAN = REPO / "samples/files/scan/pdf_01_scan_p1.pdf"
TXT = REPO / "samples/files/txt/城市公共交通条例.txt"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    settings = Settings(data_dir=tmp_path / "data", max_upload_bytes=20_000_000)
    s = serve(settings, SearchIndex(EmbeddedIndex(settings.data_dir)))
    yield s
    s.client.close()


def _upload(s: Served, *files: tuple[str, bytes]):
    parts = [("file", (name, data, "application/octet-stream")) for name, data in files]
    return s.client.post("/api/documents", files=parts, headers=s.staff)


@pytest.mark.parametrize(
    ("name", "path", "what"),
    [
        ("fake.txt", PNG, "a PNG image"),  # the QA report's repro: a screenshot renamed
        ("fake.html", PNG, "a PNG image"),
        ("notice.txt", PDF, "a PDF"),
        ("notice.htm", SCAN, "a PDF"),
        ("draft.txt", DOCX, "a ZIP archive"),
    ],
)
def test_a_text_name_on_binary_bytes_is_a_415(served: Served, name: str, path: Path, what: str):
    """README (Staff endpoints): "a text name on binary bytes is refused (a PNG or PDF named
    .txt or .html is a 415 …)"; nothing is stored or published."""
    r = _upload(served, (name, path.read_bytes()))
    assert r.status_code == 415, r.text
    error = r.json()["error"]
    assert error["code"] == "unsupported_media_type" and error["data"]["file"] == name
    assert f"content is {what}" in error["message"]
    # ... and its reason as a code with its particulars, for a caller that says it in its own
    # words (the duplicate page: QA pass 50c, it read the message, file name and all)
    assert error["data"]["reason"] == "misnamed"
    assert error["data"]["named"] == name.rsplit(".", 1)[1]
    assert error["data"]["content"].startswith(what)
    uploads = Path(served.settings.data_dir) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())  # nothing stored …
    assert served.index.count(STAFF) == 0  # … nor published


@pytest.mark.parametrize(
    ("name", "data", "status", "reason"),
    [
        ("空.pdf", b"", 422, "empty"),
        ("草稿.docx", b"{\\rtf1\\ansi x}", 415, "rtf"),
        ("旧.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, 415, "ole2"),
        ("半.pdf", PDF.read_bytes()[:-2000], 422, "truncated_pdf"),
        ("坏.docx", b"PK\x03\x04" + b"\x00" * 200, 422, "corrupt_docx"),
        ("not a DOCX.docx", b"plain words, not a zip" * 20, 422, "not_docx"),
    ],
)
def test_a_refused_drafts_reason_is_a_code(served: Served, name, data, status, reason):
    """Every fault of a draft file that a caller may say in its own words has its code in the
    error's data, the same whatever the file is named."""
    r = served.client.post("/api/duplicates", files={"file": (name, data)}, headers=served.staff)
    assert r.status_code == status, r.text
    assert r.json()["error"]["data"]["reason"] == reason, r.text


def test_one_refused_file_in_a_batch_is_reported_and_the_others_ingested(served: Served):
    """QA pass 4: one misnamed or empty file in a batch refused the whole request, and none of
    the good files was ingested ("one bad file never stops a run"). It is listed in the
    report; the request is refused with its status only when every file is refused."""
    r = _upload(served, ("ok.txt", TXT.read_bytes()), ("fake.txt", PNG.read_bytes()),
                ("empty.txt", b""))  # fmt: skip
    assert r.status_code == 201, r.text
    report = r.json()["report"]
    assert [d["format"] for d in r.json()["documents"]] == ["txt"]
    assert [f["path"] for f in report["skipped_files"]] == ["fake.txt"]
    assert "a PNG image" in report["skipped_files"][0]["reason"]
    assert [f["path"] for f in report["failed_files"]] == ["empty.txt"]
    assert served.index.count(STAFF) == 1
    r = _upload(served, ("fake.txt", PNG.read_bytes()), ("empty.txt", b""))
    assert r.status_code == 415 and r.json()["error"]["data"]["file"] == "fake.txt"
    assert served.index.count(STAFF) == 1
    r = _upload(served, ("ok.txt", TXT.read_bytes()), ("notice.pdf", PDF.read_bytes()),
                ("draft.docx", DOCX.read_bytes()))  # fmt: skip
    assert r.status_code == 201, r.text
    assert sorted(d["format"] for d in r.json()["documents"]) == ["docx", "pdf", "txt"]


def test_the_scans_text_uploaded_as_txt_gets_its_labelled_metadata(served: Served):
    """The QA report: the sample scan's recognised text, uploaded as a .txt, came out with a
    doubled title and agency, 国办函〔2018]71号 and no publication date, although its head
    states 发文机关, 发文字号 and 发布日期 on labelled lines."""
    if engines.default() is None:
        pytest.skip("no OCR engine installed: the scan's text cannot be read")
    _, extracted = registry.extract(SCAN.read_bytes(), SCAN.name)
    assert extracted.text.startswith("国务院办公厅\n国务院办公厅关于")  # the organ above the title
    r = _upload(served, ("通知.txt", extracted.text.encode("utf-8")))
    assert r.status_code == 201, r.text
    (doc,) = r.json()["documents"]
    got = served.client.get(f"/api/documents/{doc['id']}", headers=served.staff).json()
    assert got["title"] == "国务院办公厅关于印发《政府网站集约化试点工作方案》的通知"
    assert got["agency"] == "国务院办公厅"
    assert got["doc_number"] == "国办函〔2018〕71号"
    assert got["publish_date"] == "2018-11-09" and got["written_date"] == "2018-10-27"
    found = served.client.get(
        "/api/search", params={"q": "", "agency": "国务院办公厅"}, headers=served.staff
    ).json()
    assert doc["id"] in {h["id"] for h in found["hits"]}


def test_an_upload_that_copies_a_document_says_so(served: Served):
    """QA pass 4: the same file uploaded twice (or a copy of a document already there) became
    another document with no word; search hides the copy, so staff never learnt it. It is
    ingested, and the response and the report name the document it copies."""
    first = _upload(served, ("a.txt", TXT.read_bytes()))
    assert first.status_code == 201, first.text
    (a,) = first.json()["documents"]
    assert a["same_text_as"] == [] and first.json()["report"]["warned_files"] == []
    again = _upload(served, ("again.txt", TXT.read_bytes()), ("other.pdf", PDF.read_bytes()))
    assert again.status_code == 201, again.text
    docs = {d["file"]: d for d in again.json()["documents"]}
    assert docs["again.txt"]["same_text_as"] == [a["id"]]
    assert docs["other.pdf"]["same_text_as"] == []
    (warning,) = again.json()["report"]["warned_files"]
    assert warning["path"] == "again.txt"
    assert f"{a['id']} ({a['path']}, 主动公开)" in warning["reason"]  # one level: no more said
    assert "another level" not in warning["reason"]
    assert served.index.count(STAFF) == 3  # ingested all the same


def test_an_upload_that_copies_a_hidden_document_names_its_level(served: Served):
    """QA 23b: a 不予公开 notice's text uploaded as public was warned of as "the same text as
    a2cfaba135f8f97e" only; the README says the warning names the other copies' levels, and
    the text is public from then on (as visible as its most open copy)."""
    secret = _upload_as(served, "不予公开", ("secret.txt", TXT.read_bytes()))
    (hidden,) = secret.json()["documents"]
    assert secret.json()["report"]["warned_files"] == []
    again = _upload_as(served, "public", ("copy.txt", TXT.read_bytes()))
    assert again.status_code == 201, again.text
    (doc,) = again.json()["documents"]
    assert doc["same_text_as"] == [hidden["id"]]
    (warning,) = again.json()["report"]["warned_files"]
    assert warning["path"] == "copy.txt"
    reason = warning["reason"]
    assert f"{hidden['id']} ({hidden['path']}, 不予公开)" in reason
    assert "at another level than this upload's (主动公开)" in reason


def test_an_upload_with_no_level_keeps_the_level_of_the_hidden_text_it_copies(served: Served):
    """QA pass 24c: uploaded with no level, a 不予公开 notice's text was written at the
    server's default (public), with a warning only: the default was taken as a level. As an
    ingest with no --disclosure, the text keeps the level the index holds it at, said as held;
    a level given publishes it."""
    _upload_as(served, "不予公开", ("secret.txt", TXT.read_bytes()))
    again = _upload(served, ("copy.txt", TXT.read_bytes()))
    assert again.status_code == 201, again.text
    report = again.json()["report"]
    (held,) = report["held_files"]
    assert held["path"] == "copy.txt" and "held as not_public" in held["reason"], held
    assert served.client.get("/api/search", params={"q": "城市公共交通"}).json()["total"] == 0
    other = _upload(served, ("other.docx", DOCX.read_bytes()))  # a text the index has not
    assert other.json()["report"]["held_files"] == [], other.text
    assert served.client.get("/api/search", params={"q": ""}).json()["total"] == 1
    given = _upload_as(served, "public", ("public.txt", TXT.read_bytes()))
    assert given.json()["report"]["held_files"] == [], given.text
    assert served.client.get("/api/search", params={"q": "城市公共交通"}).json()["total"] == 1


def _upload_as(s: Served, level: str, *files: tuple[str, bytes]):
    parts = [("file", (name, data, "application/octet-stream")) for name, data in files]
    return s.client.post("/api/documents", files=parts, data={"disclosure": level}, headers=s.staff)


def test_an_upload_on_a_full_disk_is_a_507_and_leaves_no_file(
    served: Served, tmp_path: Path, monkeypatch
):
    """QA pass 44b: an upload onto a full disk answered 500 internal_error and left a 0-byte
    file in uploads/ for good. The disk's refusal (ENOSPC, raised here by the write of the
    second file: a fault of the disk, not of what the files say) is a 507 naming it, and no file
    of the request stays; after it, the same upload goes in."""
    import errno
    import os

    real = os.fdopen
    writes = []

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            writes.append(len(data))
            if len(writes) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.fh.write(data)

    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: Full(real(fd, mode, *a, **k)))
    text = TXT.read_bytes()
    r = _upload(served, ("a.txt", text), ("b.txt", text.replace("公共".encode(), "城市".encode())))
    assert r.status_code == 507, r.text
    assert r.json()["error"]["code"] == "insufficient_storage"
    assert "is full" in r.json()["error"]["message"]
    uploads = tmp_path / "data" / "uploads"
    assert list(uploads.iterdir()) == []
    monkeypatch.setattr(os, "fdopen", real)
    assert _upload(served, ("a.txt", text)).status_code == 201


def test_upload_files_that_became_no_document_are_swept_at_start(served: Served, tmp_path: Path):
    """QA pass 44b: a server killed between storing an upload's files and writing them left
    them in uploads/ for good. A starting server removes those older than an hour that no
    document holds; a document's file, and a fresh one another worker may be writing, stay."""
    import os
    import time

    from search_api.admin import ORPHAN_SECONDS, sweep_orphan_uploads

    assert _upload(served, ("a.txt", TXT.read_bytes())).status_code == 201
    uploads = tmp_path / "data" / "uploads"
    (kept,) = list(uploads.iterdir())
    orphan, fresh = uploads / "20261207-0123456789abcdef.txt", uploads / "20261207-fedcba.txt"
    orphan.write_bytes(b"x")
    fresh.write_bytes(b"y")
    long_ago = time.time() - ORPHAN_SECONDS - 60
    for path in (kept, orphan):
        os.utime(path, (long_ago, long_ago))
    settings = Settings(data_dir=tmp_path / "data")
    index = served.client.app.state.index
    assert sweep_orphan_uploads(index, settings) == 1
    assert sorted(p.name for p in uploads.iterdir()) == sorted([kept.name, fresh.name])


def test_an_upload_with_a_stray_nul_is_read_as_govsearch_ingest_reads_it(served: Served):
    """QA pass 44c: a notice with one NUL byte in its first 64 KB was a 415 "binary content"
    as an upload, though ``govsearch ingest`` read the same file with a warning. Both read it
    now, the report saying what was removed; a short text with a NUL is still binary."""
    text = TXT.read_bytes()
    one = text[:300] + b"\x00" + text[300:]
    r = _upload(served, ("stray.txt", one))
    assert r.status_code == 201, r.text
    assert any("stray NUL byte removed" in w["reason"] for w in r.json()["report"]["warned_files"])
    assert _upload(served, ("b.txt", "政府信息\x00公开".encode())).status_code == 415
