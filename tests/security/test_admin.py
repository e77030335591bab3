"""Staff endpoints over HTTP: who may call them, and what hostile uploads and paths they refuse.

Real files are uploaded (generated PDFs, DOCX, a zip bomb, a PNG named .txt) to the real app
over a real embedded index; nothing is mocked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.formats import pdf
from model.settings import Settings
from model.viewer import STAFF
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.request import Query
from tests.corpus import CORPUS, require_corpus
from tests.security.conftest import Served, serve
from tests.security.files import make_docx, make_docx_bomb, make_pdf, make_png

ERROR_KEYS = {"code", "message", "status", "data"}


@pytest.fixture
def served(tmp_path: Path) -> Served:
    roots = tmp_path / "roots"
    (roots / "inbox").mkdir(parents=True)
    settings = Settings(
        data_dir=tmp_path / "data",
        max_upload_bytes=2_000_000,
        ingest_roots=(roots / "inbox",),
    )
    s = serve(settings, SearchIndex(EmbeddedIndex(settings.data_dir)))
    s.extra["inbox"] = roots / "inbox"
    s.extra["outside"] = tmp_path / "outside"
    yield s
    s.client.close()


def _error(r, status: int) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS, body
    assert body["error"]["status"] == status
    return body["error"]


def _upload(s: Served, files: list[tuple[str, bytes]], staff: bool = True, **fields: str):
    parts = [("file", (name, data, "application/octet-stream")) for name, data in files]
    return s.client.post(
        "/api/documents", files=parts, data=fields, headers=s.staff if staff else {}
    )


TXT = "关于开展城市绿化养护检查的通知\n各区县：为做好城市绿化养护工作，现将有关事项通知如下。\n"

ADMIN_CALLS = [
    ("post", "/api/documents", {"files": [("file", ("a.txt", TXT.encode(), "text/plain"))]}),
    ("post", "/api/ingest", {"json": {"paths": ["x"]}}),
    ("delete", "/api/documents/0123456789abcdef", {}),
    ("patch", "/api/documents/0123456789abcdef", {"json": {"disclosure": "不予公开"}}),
    ("post", "/api/reindex", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), ADMIN_CALLS)
def test_admin_endpoints_refuse_anonymous_and_bad_keys(served, method, path, kwargs):
    for headers in (
        {},
        {"Authorization": "Bearer gs_nope_nope"},
        {"X-API-Key": "wrong"},
        {"Authorization": f"Bearer {served.key}x"},
    ):
        r = served.client.request(method.upper(), path, headers=headers, **kwargs)
        err = _error(r, 401)
        assert err["code"] == "unauthorized"
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert not (Path(served.settings.data_dir) / "uploads").exists()  # nothing was stored


JSON = {"Content-Type": "application/json"}
# Bodies each staff route would refuse with a 422 once the key passes: not JSON, the wrong
# shape, a lone surrogate (escaped, and as its UTF-8 bytes), and query values out of bounds.
BAD_BODIES = [
    ("post", "/api/ingest", {"content": b"{not json", "headers": JSON}),
    ("post", "/api/ingest", {"json": {"paths": "not a list"}}),
    ("post", "/api/ingest", {"content": b'{"paths": ["\\ud800"]}', "headers": JSON}),
    ("post", "/api/ingest", {"content": b'{"paths": ["\xed\xa0\x80"]}', "headers": JSON}),
    ("post", "/api/documents", {"content": b'{"title": "\\udfff"}', "headers": JSON}),
    ("post", "/api/reindex", {"content": b'{"a": "\\ud800"}', "headers": JSON}),
    ("delete", "/api/documents/" + "x" * 100, {}),
    ("get", "/api/reports/queries?weeks=999", {}),
    ("get", "/api/reports/timeliness?category=bogus", {}),
    ("delete", "/api/reports/queries?before=bogus", {"content": b"{", "headers": JSON}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), BAD_BODIES)
def test_key_is_checked_before_the_body(served, method, path, kwargs):
    """QA pass 13: an anonymous request with a bad body was a 422 (FastAPI parses a JSON body,
    and the surrogate check reads it, before the route's key dependency): the key comes first,
    whatever the body; with a valid key the same request is still refused for its body."""
    extra = kwargs.pop("headers", {})
    for headers in ({}, {"Authorization": "Bearer gs_nope_nope"}, {"X-API-Key": ""}):
        r = served.client.request(method.upper(), path, headers={**extra, **headers}, **kwargs)
        assert _error(r, 401)["code"] == "unauthorized", (headers, r.text)
        assert r.headers["www-authenticate"].startswith("Bearer")
    r = served.client.request(method.upper(), path, headers={**extra, **served.staff}, **kwargs)
    assert r.status_code in (400, 415, 422), r.text  # the body's own answer, as before
    assert not (Path(served.settings.data_dir) / "uploads").exists()


def test_every_staff_route_is_gated(served):
    """The gate finds staff routes by their dependency on ``require_staff``: every such API
    route is covered, and routes open to the public are not."""
    from search_api import admin, reports, search
    from search_api.staff_gate import needs_staff

    staff = {(m, r.path) for rt in (admin.router, reports.router) for r in rt.routes
             for m in r.methods}  # fmt: skip
    assert all(needs_staff(r) for rt in (admin.router, reports.router) for r in rt.routes)
    assert not any(needs_staff(r) for r in search.router.routes)
    for method, path in staff:
        url = path.replace("{doc_id}", "0123456789abcdef")
        r = served.client.request(method, url, content=b"[", headers=JSON)
        assert _error(r, 401)["code"] == "unauthorized", (method, url)


def test_revoked_key_is_refused(served):
    from search_api.keys import KeyStore

    store = KeyStore(served.settings.data_dir)
    info, key = store.create("leaver")
    assert served.client.post("/api/reindex", headers={"X-API-Key": key}).status_code == 501
    store.revoke(info.key_id)
    _error(served.client.post("/api/reindex", headers={"X-API-Key": key}), 401)


def _malformed_key_headers(key: str) -> list[dict[str, str]]:
    return [
        {"Authorization": f"Token {key}"},  # another scheme
        {"Authorization": key},  # no scheme at all
        {"Authorization": "Bearer "},  # an unset $KEY
        {"Authorization": "Bearer"},
        {"Authorization": ""},
        {"X-API-Key": ""},
        {"X-API-Key": "  "},
        {"Authorization": f"Bearer {key}", "X-API-Key": ""},
        {"Authorization": f"Bearer {key}", "X-API-Key": "gs_000000000000_other"},
    ]


def test_malformed_or_empty_key_header_is_401_not_anonymous(served):
    """QA pass 2, item 7: a key header that is present but malformed or empty is a 401, never
    the anonymous answer (a 404 for a draft would tell staff the document does not exist)."""
    r = _upload(served, [("草稿.txt", TXT.encode())], disclosure="draft")
    assert r.status_code == 201, r.text
    doc_id = r.json()["documents"][0]["id"]
    paths = (f"/api/documents/{doc_id}", "/api/search?q=绿化养护", f"/documents/{doc_id}")
    assert served.client.get(paths[0]).status_code == 404  # no key header: anonymous
    assert served.client.get(paths[2]).status_code == 404
    for headers in _malformed_key_headers(served.key):
        for path in paths:
            r = served.client.get(path, headers=headers)
            assert r.headers["www-authenticate"].startswith("Bearer")
            if not path.startswith("/api/"):  # a page answers with a page (QA pass 15)
                assert r.status_code == 401 and "密钥无效" in r.text, (headers, path)
                continue
            err = _error(r, 401)
            assert err["code"] == "unauthorized", (headers, path)
    for headers in (
        {"Authorization": f"bearer {served.key}"},  # the scheme is case-insensitive
        {"X-API-Key": served.key},
        {"Authorization": f"Bearer {served.key}", "X-API-Key": served.key},
    ):
        for path in paths:
            assert served.client.get(path, headers=headers).status_code == 200, (headers, path)


def test_upload_ingests_with_metadata_and_disclosure(served):
    r = _upload(
        served,
        [("通知.txt", TXT.encode())],
        title="城市绿化养护检查通知",
        disclosure="draft",
        category="业务文件",
        date="2024-05-06",
        keywords="绿化;养护",
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["report"]["ok"] == 1 and body["report"]["failed"] == 0
    (doc,) = body["documents"]
    assert doc["file"] == "通知.txt" and doc["format"] == "txt"
    stored = Path(served.settings.data_dir).resolve() / "uploads" / doc["path"]
    assert stored.read_bytes() == TXT.encode()
    got = served.index.get(doc["id"], STAFF)
    assert (got.title, got.disclosure, got.category, got.date) == (
        "城市绿化养护检查通知",
        "draft",
        "业务文件",
        "2024-05-06",
    )
    # draft: invisible to the public, found by staff
    assert served.client.get(f"/api/documents/{doc['id']}").status_code == 404
    staff = served.client.get("/api/search", params={"q": "绿化养护"}, headers=served.staff)
    assert doc["id"] in {h["id"] for h in staff.json()["hits"]}
    assert served.client.get("/api/search", params={"q": "绿化养护"}).json()["total"] == 0


def test_upload_several_files_of_every_format(served):
    require_corpus()
    files = [
        ("a.pdf", make_pdf(["Urban greening inspection notice"], title="greening")),
        ("b.docx", make_docx("城市绿化养护", ["第一条 为了加强城市绿化养护管理。"])),
        (
            "c.html",
            "<html><head><title>绿化通知</title></head><body><p>绿化养护通知正文。</p>"
            "</body></html>".encode(),
        ),
        ("d.txt", TXT.encode("gb18030")),
        ("e.pdf", (CORPUS / "files" / "pdf").glob("*.pdf").__next__().read_bytes()),
    ]
    r = _upload(served, files)
    assert r.status_code == 201, r.text
    assert r.json()["report"]["ok"] == 5
    assert sorted(d["format"] for d in r.json()["documents"]) == [
        "docx",
        "html",
        "pdf",
        "pdf",
        "txt",
    ]
    assert served.index.count(STAFF) == 5


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "..\\..\\windows\\win.ini",
        "a/../../b.txt",
        "\x00evil.txt",
        ".htaccess",
        "x" * 600 + ".txt",
    ],
)
def test_upload_file_names_never_become_paths(served, name, tmp_path):
    r = _upload(served, [(name, TXT.encode())])
    assert r.status_code == 201, r.text
    (doc,) = r.json()["documents"]
    uploads = Path(served.settings.data_dir).resolve() / "uploads"
    assert [p.name for p in uploads.iterdir()] == [doc["path"]]
    assert "/" not in doc["path"] and ".." not in doc["path"]
    assert "/" not in doc["file"] and "\\" not in doc["file"] and "\x00" not in doc["file"]
    assert not (tmp_path / "etc").exists() and not (tmp_path / "b.txt").exists()


def test_unsupported_content_is_refused_by_content_not_name(served):
    for name, data in (
        ("photo.txt", make_png()),
        ("photo.pdf", make_png()),
        ("binary.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 200),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 100),
    ):
        r = _upload(served, [(name, data)])
        assert r.status_code in (415, 422), (name, r.text)
        _error(r, r.status_code)
    # A PNG is a scan now (OCR): a blank one is a 422; a GIF is no document format at all.
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    assert _upload(served, [("photo.txt", gif)]).status_code == 415
    uploads = Path(served.settings.data_dir) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())  # nothing refused is stored
    # In a batch the bad file is refused alone (QA pass 4: one bad file lost the whole batch):
    # it is reported and neither stored nor indexed; the good file is ingested.
    r = _upload(served, [("ok.txt", TXT.encode()), ("photo.txt", gif)])
    assert r.status_code == 201, r.text
    assert [f["path"] for f in r.json()["report"]["skipped_files"]] == ["photo.txt"]
    assert [p.suffix for p in uploads.iterdir()] == [".txt"]  # only ok.txt's bytes
    assert served.index.count(STAFF) == 1


def test_upload_size_limit(served):
    big = ("big.txt", ("绿化养护" * 200_000).encode())  # 2.4 MB > 2,000,000
    err = _error(_upload(served, [big]), 413)
    assert "larger" in err["message"]

    # Streamed without Content-Length: refused while counting.
    def chunks():
        boundary = b"--xyz"
        yield (
            boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        )
        for _ in range(300):
            yield "绿化养护".encode() * 1000
        yield b"\r\n" + boundary + b"--\r\n"

    r = served.client.post(
        "/api/documents",
        content=chunks(),
        headers={**served.staff, "Content-Type": "multipart/form-data; boundary=xyz"},
    )
    _error(r, 413)
    assert served.index.count(STAFF) == 0
    # Other endpoints are capped too.
    r = served.client.post(
        "/api/ingest",
        content=b"{" + b" " * 2_200_000 + b"}",
        headers={**served.staff, "Content-Type": "application/json"},
    )
    _error(r, 413)
    # ... and the key before the size: a caller without a valid key learns nothing of the
    # limit (QA pass 27b: 413 to anonymous and wrong-key requests, where the README says 401)
    payload = b"x" * 2_200_000
    for headers in ({}, {"Authorization": "Bearer gs_000000000000_wrong"}):
        for path in ("/api/documents", "/api/ingest"):
            r = served.client.post(path, content=payload, headers=headers)
            assert _error(r, 401)["code"] == "unauthorized", (path, headers)
    r = served.client.post("/api/duplicates", content=payload,
                           headers={"Content-Type": "application/json"})  # fmt: skip
    _error(r, 413)  # open to anyone: its limit is what it answers


def test_zip_bomb_docx_is_refused(served):
    bomb = make_docx_bomb(inflated_mb=16)
    assert len(bomb) < 100_000
    err = _error(_upload(served, [("bomb.docx", bomb)]), 422)
    assert "zip bomb" in err["message"]
    assert err["data"]["report"]["failed"] == 1
    assert not any((Path(served.settings.data_dir) / "uploads").iterdir())


def test_pdf_that_keeps_the_parser_busy_is_stopped(served):
    slow = make_pdf(["Lorem ipsum dolor sit amet"] * 30, pages=10_000)  # ~3.5 s to parse
    before = pdf.options()
    pdf.configure(timeout=0.5)
    try:
        r = _upload(served, [("slow.pdf", slow)])
    finally:
        pdf.configure(timeout=before.timeout)
    err = _error(r, 422)
    assert "time limit" in err["message"]
    # and the server is still answering
    assert served.client.get("/api/health").status_code == 200


def test_non_multipart_and_empty_uploads(served):
    r = served.client.post("/api/documents", json={"file": "x"}, headers=served.staff)
    _error(r, 415)
    r = served.client.post("/api/documents", files={"other": ("a.txt", b"x")}, headers=served.staff)
    _error(r, 422)  # a field it cannot read, as every route says one (QA pass 38b)
    _error(_upload(served, [("empty.txt", b"")]), 422)
    # every file of a batch refused: each is named, not the first alone (QA pass 20)
    err = _error(_upload(served, [("empty.txt", b""), ("rand.bin", bytes(range(256)) * 8)]), 422)
    assert "empty.txt" in err["message"] and "rand.bin" in err["message"], err
    assert [f["path"] for f in err["data"]["refused_files"]] == ["empty.txt", "rand.bin"]
    _error(_upload(served, [("a.txt", TXT.encode())], disclosure="secret"), 422)
    _error(_upload(served, [("a.txt", TXT.encode())], date="yesterday"), 422)


# -- server-side ingest ----------------------------------------------------------------------
def test_ingest_paths_only_inside_the_roots(served, tmp_path):
    inbox: Path = served.extra["inbox"]
    outside: Path = served.extra["outside"]
    outside.mkdir()
    (outside / "secret.txt").write_text("机密文件：外部目录的内容", encoding="utf-8")
    (inbox / "docs").mkdir()
    (inbox / "docs" / "a.txt").write_text(TXT, encoding="utf-8")

    def ingest(*paths: str, **extra):
        return served.client.post(
            "/api/ingest", json={"paths": list(paths), **extra}, headers=served.staff
        )

    for bad in (
        str(outside),
        str(outside / "secret.txt"),
        "/etc/passwd",
        "../outside",
        "docs/../../outside",
        str(inbox / ".." / "outside"),
        "/",
        str(tmp_path),
    ):
        assert _error(ingest(bad), 403)["code"] == "forbidden", bad
    # the answer for an outside path does not depend on whether it exists
    a, b = ingest(str(outside / "nope.txt")), ingest(str(outside / "secret.txt"))
    assert a.json()["error"]["message"].replace("nope.txt", "X") == b.json()["error"][
        "message"
    ].replace("secret.txt", "X")
    _error(ingest("docs/missing.txt"), 404)
    _error(ingest("docs\x00.txt"), 422)

    # a symlink inside the root leading out of it: refused when it is the path given
    os.symlink(outside / "secret.txt", inbox / "docs" / "link.txt")
    assert "symlink" in _error(ingest("docs/link.txt"), 403)["message"]
    os.symlink(outside, inbox / "out")
    _error(ingest("out"), 403)
    (inbox / "out").unlink()
    # inside a folder given, such links are skipped and reported, the rest is ingested, as
    # the CLI does (QA pass 13: one stray link made the whole folder a 403)
    os.symlink(outside, inbox / "docs" / "out-dir")
    r = ingest("docs", disclosure="依申请公开")
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert report["ok"] == 1 and report["skipped"] == 2 and report["failed"] == 0
    skipped = {f["path"]: f["reason"] for f in report["skipped_files"]}
    assert skipped["link.txt"].startswith(
        f"a symlink to a file outside the ingested folder ({outside / 'secret.txt'}): not followed"
    )
    assert skipped["out-dir"].startswith("a symlink to a folder outside the ingested folder")
    served.index.delete([d.id for d in served.index.backend.catalog()])  # start over, below
    (inbox / "docs" / "link.txt").unlink()
    (inbox / "docs" / "out-dir").unlink()

    _error(ingest("docs", disclosure="secret"), 422)
    # the label as uploads take it (QA pass 8: 依申请公开 was refused here)
    r = ingest("docs", disclosure="依申请公开")
    assert r.status_code == 200, r.text
    assert r.json()["report"]["ok"] == 1
    assert served.index.count(STAFF) == 1
    assert served.client.get("/api/search", params={"q": "绿化养护"}).json()["total"] == 0
    again = ingest(str(inbox / "docs"), disclosure="on_request")
    assert again.json()["report"]["unchanged"] == 1
    # no level named is no decision to publish (QA pass 23b): it stays held, and says how
    plain = ingest("docs").json()["report"]
    assert plain["ok"] == 0 and '"disclosure": "public"' in plain["held_files"][0]["reason"]
    assert served.client.get("/api/search", params={"q": "绿化养护"}).json()["total"] == 0
    # another level is another decision: applied although the bytes are the same (issue 10)
    public = ingest("docs", disclosure="public")
    assert public.json()["report"]["ok"] == 1
    assert served.client.get("/api/search", params={"q": "绿化养护"}).json()["total"] == 1
    # prune given one file removes only what is gone: the folder's other files stay (QA pass
    # 20: the CLI emptied the folder, so this route refused a file with prune)
    (inbox / "docs" / "b.txt").write_text("关于道路保洁的通知\n保洁作业规范。", encoding="utf-8")
    assert ingest("docs").json()["report"]["ok"] == 1
    one = ingest("docs/a.txt", prune=True)
    assert one.status_code == 200, one.text
    assert one.json()["report"]["pruned"] == [] and served.index.count(STAFF) == 2
    assert served.index.search  # nothing outside was ever read:
    assert not served.client.get(
        "/api/search", params={"q": "机密文件"}, headers=served.staff
    ).json()["total"]


def test_a_folder_inside_another_given_is_answered_as_a_skipped_folder(served):
    """QA pass 11: the report counted it among the files; the answer keeps it apart."""
    inbox: Path = served.extra["inbox"]
    (inbox / "docs").mkdir()
    (inbox / "docs" / "a.txt").write_text(TXT, encoding="utf-8")
    r = served.client.post("/api/ingest", json={"paths": [str(inbox), "docs"]},
                           headers=served.staff)  # fmt: skip
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert (report["total"], report["ok"], report["skipped"]) == (1, 1, 0)
    assert [f["path"] for f in report["skipped_folders"]] == [str(inbox / "docs")]


def test_the_ingest_answer_names_every_catalogue_problem(served):
    """QA pass 31a: the answer of POST /api/ingest said nothing of an impossible date, an
    unknown column or a row naming no file (the CLI's report listed them): the response
    model dropped ``catalog_problems``. Every key of the report is in the answer."""
    inbox: Path = served.extra["inbox"]
    (inbox / "batch").mkdir()
    for name in ("r1.txt", "r2.txt"):
        (inbox / "batch" / name).write_text(TXT + name, encoding="utf-8")
    (inbox / "batch" / "catalog.csv").write_text(
        "path,title,成文日期,公开方式,备注\n"
        "r1.txt,一号,2024-03-01,主动公开,\n"
        "r2.txt,二号,2024-13-01,主动公开,\n"
        "missing.txt,三号,2024-03-02,主动公开,\n",
        encoding="utf-8",
    )
    r = served.client.post(
        "/api/ingest", json={"paths": ["batch"], "catalog": "batch/catalog.csv"},
        headers=served.staff,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert report["ok"] == 2
    problems = " | ".join(f"{p['path']}: {p['reason']}" for p in report["catalog_problems"])
    assert "2024-13-01" in problems and "missing.txt" in problems
    assert "line 3" in problems  # where to mend it
    # a column that is no field is a note, said apart (QA pass 47b: no exit code of its own)
    notes = " | ".join(f"{p['path']}: {p['reason']}" for p in report["catalog_notes"])
    assert "'备注' is no catalogue field" in notes and "备注" not in problems
    from ingest.report import IngestReport

    assert set(IngestReport().to_dict()) <= set(report)  # nothing the CLI says is dropped


def test_ingest_disabled_without_roots(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    s = serve(settings, SearchIndex(EmbeddedIndex(settings.data_dir)))
    r = s.client.post("/api/ingest", json={"paths": [str(tmp_path)]}, headers=s.staff)
    assert "GOVSEARCH_INGEST_ROOTS" in _error(r, 403)["message"]


# -- delete, reindex -------------------------------------------------------------------------
def test_delete_removes_document_and_uploaded_file(served):
    r = _upload(served, [("a.txt", TXT.encode())])
    (doc,) = r.json()["documents"]
    stored = Path(served.settings.data_dir).resolve() / "uploads" / doc["path"]
    assert stored.exists()
    r = served.client.delete(f"/api/documents/{doc['id']}", headers=served.staff)
    assert r.status_code == 200 and r.json() == {"id": doc["id"], "deleted": True, "warning": ""}
    assert not stored.exists()
    assert served.index.count(STAFF) == 0
    _error(served.client.delete(f"/api/documents/{doc['id']}", headers=served.staff), 404)
    _error(served.client.delete("/api/documents/..%2F..%2Fetc", headers=served.staff), 404)


def test_an_upload_published_at_once_is_dated_today_as_one_published_later(served):
    # QA pass 35b: uploaded at 主动公开 it had no 发布日期 (缺少日期 in the timeliness report,
    # undated in the annual one, last newest-first) where PATCH dated a draft today
    today = dt.date.today().isoformat()
    texts = {name: TXT.replace("城市", town) for name, town in
             (("public", "青松"), ("draft", "白石"), ("dated", "红岭"))}  # fmt: skip
    fields = {"public": {"disclosure": "主动公开"}, "draft": {"disclosure": "draft"},
              "dated": {"disclosure": "public", "date": "2025-01-05"}}  # fmt: skip
    got = {}
    for name, text in texts.items():
        (doc,) = _upload(served, [(f"{name}.txt", text.encode())], **fields[name]).json()[
            "documents"
        ]
        got[name] = served.client.get(f"/api/documents/{doc['id']}", headers=served.staff).json()
    assert got["public"]["publish_date"] == today
    assert got["draft"]["publish_date"] is None  # not published: no date until it is
    assert got["dated"]["publish_date"] == "2025-01-05"  # the form's date is kept
    year = served.client.get("/api/search", params={"q": "青松绿化", "year": today[:4]}).json()
    assert [h["id"] for h in year["hits"]] == [got["public"]["id"]]


def test_an_upload_is_withdrawn_and_published_again_and_staff_keep_it(served):
    # QA pass 33b: an upload could only be deleted (staff lost it too) or uploaded again at
    # another level (a second document, the first still public)
    r = _upload(served, [("通知.txt", TXT.encode())], title="城市绿化养护检查通知")
    (doc,) = r.json()["documents"]
    public = served.client.get("/api/search", params={"q": "绿化养护"})
    assert doc["id"] in {h["id"] for h in public.json()["hits"]}
    url = f"/api/documents/{doc['id']}"
    r = served.client.patch(url, json={"disclosure": "不予公开"}, headers=served.staff)
    assert r.status_code == 200, r.text
    today = dt.date.today().isoformat()  # uploaded public: published today
    assert r.json() == {"id": doc["id"], "disclosure": "not_public", "before": "public",
                        "changed": {"disclosure": "not_public"}, "publish_date": today,
                        "still_public_copies": [], "warning": ""}  # fmt: skip
    assert served.client.get(url).status_code == 404
    assert served.client.get("/api/search", params={"q": "绿化养护"}).json()["total"] == 0
    kept = served.client.get(url, headers=served.staff).json()
    assert kept["disclosure"] == "not_public" and kept["title"] == "城市绿化养护检查通知"
    assert "绿化" in kept["text"]  # the text, the title, the rest: as they were
    staff = served.client.get("/api/search", params={"q": "绿化养护"}, headers=served.staff)
    assert doc["id"] in {h["id"] for h in staff.json()["hits"]}
    assert served.index.count(STAFF) == 1  # the same document, not a second one
    r = served.client.patch(url, json={"disclosure": "主動公開"}, headers=served.staff)
    assert r.json()["disclosure"] == "public" and served.client.get(url).status_code == 200
    # published here without a 发布日期: published today (the timeliness report counts it)
    assert r.json()["publish_date"] == dt.date.today().isoformat()
    # a public copy of the same text stays public: withdrawing one copy is said not to hide it
    (copy,) = _upload(served, [("again.txt", TXT.encode())]).json()["documents"]
    r = served.client.patch(url, json={"disclosure": "草稿"}, headers=served.staff)
    assert r.json()["still_public_copies"] == [copy["id"]], r.json()
    # a level that is none, anonymously, an unknown id: refused, nothing changed
    err = _error(served.client.patch(url, json={"disclosure": "秘密"}, headers=served.staff), 422)
    assert "disclosure" in err["message"] and err["code"] == "invalid_parameters"  # (QA 38b)
    assert err["data"]["problems"][0]["field"] == "disclosure"
    assert _error(served.client.patch(url, json={"disclosure": "draft"}), 401)
    typo = served.client.patch(url, json={"disclosre": "主动公开"}, headers=served.staff)
    assert typo.status_code == 422  # a misspelt key changes nothing
    assert served.client.get(url, headers=served.staff).json()["disclosure"] == "draft"
    missing = "/api/documents/0123456789abcdef"
    _error(served.client.patch(missing, json={"disclosure": "draft"}, headers=served.staff), 404)
    assert served.client.get(url).status_code == 404  # a draft still
    # a level given twice: refused, not read as its last (QA pass 34b: this one published)
    twice = '{"disclosure": "不予公开", "disclosure": "主动公开"}'
    json_body = {**served.staff, "Content-Type": "application/json"}
    err = _error(served.client.patch(url, content=twice, headers=json_body), 422)
    assert err["message"].startswith("disclosure is given more than once"), err
    for kind in ("application/JSON", "Application/Json; charset=utf-8", "application/x+json"):
        sent = {**served.staff, "Content-Type": kind}  # the review: these slipped by
        _error(served.client.patch(url, content=twice, headers=sent), 422)
    no_type = served.client.patch(url, content=twice.encode(), headers=served.staff)
    assert no_type.status_code == 422, no_type.text
    assert served.client.get(url).status_code == 404  # nothing changed
    same = '{"disclosure": "主动公开", "disclosure": "主动公开"}'  # the same value twice is it
    assert served.client.patch(url, content=same, headers=json_body).status_code == 200
    inbox = served.extra["inbox"]
    (inbox / "b.txt").write_text(TXT, encoding="utf-8")
    body = f'{{"paths": ["{inbox}"], "disclosure": "not_public", "disclosure": "public"}}'
    _error(served.client.post("/api/ingest", content=body, headers=json_body), 422)
    assert served.index.count(STAFF) == 2  # the folder was not ingested


def test_an_uploads_catalogue_fields_are_corrected_in_place(served):
    """QA pass 45a: an upload's 文号 could be corrected only by uploading it again and deleting
    the first, under a new id (its links dead). PATCH writes the fields given, as a catalogue
    cell of each is read; the id, text and other fields stay; search finds the new 文号."""
    r = _upload(served, [("通知.txt", TXT.encode())], title="城市绿化养护检查通知",
                doc_number="青政办发〔2025〕15号")  # fmt: skip
    (doc,) = r.json()["documents"]
    url = f"/api/documents/{doc['id']}"
    fix = {"doc_number": "青政办发〔2025〕16号", "written_date": "2025年3月4日", "validity": "有效"}
    r = served.client.patch(url, json=fix, headers=served.staff)
    assert r.status_code == 200, r.text
    assert r.json()["changed"] == {"doc_number": "青政办发〔2025〕16号",
                                   "written_date": "2025-03-04", "validity": "valid"}
    assert r.json()["disclosure"] == r.json()["before"] == "public"
    now = served.client.get(url).json()
    assert (now["id"], now["doc_number"], now["title"]) == (
        doc["id"], "青政办发〔2025〕16号", "城市绿化养护检查通知"
    )
    found = served.client.get("/api/search", params={"q": "青政办发〔2025〕16号"}).json()
    assert found["hits"][0]["id"] == doc["id"]
    old = served.client.get("/api/search", params={"q": "青政办发〔2025〕15号"}).json()
    assert doc["id"] not in {h["id"] for h in old["hits"][:1]}
    # a value no cell could hold, an empty title, nothing given: 422, nothing changed
    err = _error(served.client.patch(url, json={"written_date": "昨天", "category": "x",
                                                "agency": "、"}, headers=served.staff), 422)
    assert {p["field"] for p in err["data"]["problems"]} == {"written_date", "category", "agency"}
    # a list's separator left at an end is no part of the name (QA pass 49c: 、测试局 stored)
    r = served.client.patch(url, json={"agency": "、测试局"}, headers=served.staff)
    assert r.status_code == 200 and r.json()["changed"] == {"agency": "测试局"}, r.text
    _error(served.client.patch(url, json={"title": " "}, headers=served.staff), 422)
    _error(served.client.patch(url, json={}, headers=served.staff), 422)
    assert served.client.get(url).json()["doc_number"] == "青政办发〔2025〕16号"
    assert served.index.count(STAFF) == 1
    # an empty value clears a field, as a catalogue's empty cell states none (QA pass 46c: a
    # date or an 有效性 could only be replaced); the 有效性 is 未注明 again, filed as 有效
    r = served.client.patch(url, json={"written_date": "", "validity": " ", "doc_number": ""},
                            headers=served.staff)  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["changed"] == {"written_date": None, "validity": "valid", "doc_number": ""}
    got = served.index.get(doc["id"], STAFF)
    assert (got.written_date, got.doc_number, got.validity, got.validity_assumed) == (
        "", "", "valid", "1"
    )
    page = served.client.get(f"/documents/{doc['id']}").text
    assert "未注明（未见废止或失效的记载）" in page
    # a date an upload would be warned of is warned of here too, and written (QA pass 46c)
    r = served.client.patch(url, json={"written_date": "2025-03-04", "publish_date": "2025-03-01"},
                            headers=served.staff)  # fmt: skip
    assert r.status_code == 200 and "发布日期 2025-03-01 is before 成文日期" in r.json()["warning"]
    r = served.client.patch(url, json={"doc_number": "青政办发〔2025〕17号"}, headers=served.staff)
    assert r.json()["warning"] == ""  # no date changed: nothing said
    _error(served.client.patch(url, json={"title": ""}, headers=served.staff), 422)


def test_a_folder_documents_level_is_changed_in_its_catalogue_not_here(served):
    inbox = served.extra["inbox"]
    (inbox / "a.txt").write_text(TXT, encoding="utf-8")
    r = served.client.post("/api/ingest", json={"paths": [str(inbox)]}, headers=served.staff)
    assert r.status_code == 200, r.text
    (doc,) = list(served.index.catalog(STAFF))
    url = f"/api/documents/{doc.id}"
    r = served.client.patch(url, json={"disclosure": "不予公开"}, headers=served.staff)
    err = _error(r, 409)
    assert "catalogue" in err["message"] and "a.txt" in err["message"]
    assert served.client.get(url).status_code == 200  # still as its folder says


def test_an_upload_in_mojibake_is_read_again_and_the_report_says_so(served):
    # QA pass 33b: UTF-8 once read as Latin-1 and saved again was a 201 with the title éæ¾…
    mangled = TXT.encode("utf-8").decode("latin-1").encode("utf-8")
    r = _upload(served, [("通知.txt", mangled)])
    assert r.status_code == 201, r.text
    (doc,) = r.json()["documents"]
    (warned,) = r.json()["report"]["warned_files"]
    assert warned["path"] == "通知.txt" and "repaired" in warned["reason"], warned
    got = served.index.get(doc["id"], STAFF)
    assert got.text.strip() == TXT.strip() and got.title == TXT.strip().splitlines()[0]


def test_an_upload_reusing_a_number_is_published_with_a_warning(served):
    # QA pass 33b: 索引号 QS-2025-0034 and 文号 青政办发〔2025〕34号 reused, no word said, and a
    # staff search for the 索引号 answered two documents
    first = _upload(served, [("a.txt", TXT.encode())], index_no="QS-2025-0034",
                    doc_number="青政办发〔2025〕34号", disclosure="not_public")  # fmt: skip
    (one,) = first.json()["documents"]
    assert not first.json()["report"]["warned_files"]
    other = "关于开展道路照明设施检查的通知\n各区县：现将道路照明设施检查有关事项通知如下。\n"
    second = _upload(served, [("b.txt", other.encode())], index_no="QS/2025/0034",
                     doc_number="青政办发[2025]34号")  # fmt: skip
    assert second.status_code == 201, second.text
    (warned,) = second.json()["report"]["warned_files"]
    assert warned["path"] == "b.txt"
    assert "索引号 QS-2025-0034 is also that of " + one["id"] in warned["reason"], warned
    assert "文号 青政办发〔2025〕34号" in warned["reason"] and "不予公开" in warned["reason"]
    third = _upload(served, [("c.txt", "关于绿地认养的公告\n欢迎认养。\n".encode())],
                    doc_number="青政办发〔2025〕35号")  # fmt: skip
    assert not third.json()["report"]["warned_files"]  # another number: nothing to say
    # another issuer's 34号 of 2025 is another number (the index keys both by 办发2025-34)
    fourth = _upload(served, [("d.txt", "关于河道保洁的通知\n请各单位落实。\n".encode())],
                     doc_number="国办发〔2025〕34号")  # fmt: skip
    assert not fourth.json()["report"]["warned_files"], fourth.json()["report"]


NOTICE = (
    "青松县人民政府办公室关于开展城镇老旧小区配套幼儿园专项整治的通知\n"
    "各乡镇人民政府，县政府各部门：\n"
    "为贯彻落实学前教育有关规定，切实解决城镇老旧小区配套幼儿园规划、建设、移交、使用中的"
    "突出问题，经县政府同意，决定在全县范围内开展专项整治工作。现将有关事项通知如下。\n"
    "一、整治范围。二〇一〇年以来建成的城镇住宅小区配套幼儿园，未按规定规划、建设、移交或"
    "改作他用的，均纳入整治范围。\n"
    "二、工作步骤。各乡镇于三月底前完成摸底排查，建立问题台账，逐园制定整改方案，明确责任"
    "单位和完成时限，六月底前完成整改。\n"
    "三、工作要求。各有关部门要加强协调配合，定期通报进展情况，确保整治工作取得实效。\n"
)


def test_an_upload_alike_a_document_already_there_is_in_with_a_warning(served):
    # QA pass 35b: an edit of a public notice (94% alike) was uploaded without a word, where
    # the duplicate check found it; the upload names what it is alike, with its level
    (first,) = _upload(served, [("a.txt", NOTICE.encode())], disclosure="not_public").json()[
        "documents"
    ]
    edited = NOTICE.replace("三月底前", "四月底前").replace("六月底前", "九月底前")
    checked = served.client.post("/api/duplicates", json={"text": edited}, headers=served.staff)
    (found,) = [c for c in checked.json()["candidates"] if c["id"] == first["id"]]
    r = _upload(served, [("b.txt", edited.encode())])
    assert r.status_code == 201, r.text
    (warned,) = r.json()["report"]["warned_files"]
    assert warned["path"] == "b.txt" and first["id"] in warned["reason"], warned
    assert "alike" in warned["reason"] and "不予公开" in warned["reason"], warned
    # the figure the check gives the pair (QA pass 37a: 99.2% here, 相似度 97.5% there)
    share = f"{found['similarity'] * 100:.1f}".removesuffix(".0")
    assert f"near copy {share}%" in warned["reason"] and f"相似度 {share}%" in found["summary"]
    # an exact copy is named once (as the same text), not again as a 100% near copy
    (second,) = r.json()["documents"]
    r = _upload(served, [("copy.txt", edited.encode())])
    reasons = [w["reason"] for w in r.json()["report"]["warned_files"]]
    assert any("the same text as " + second["id"] in w for w in reasons), reasons
    assert not any(second["id"] in w for w in reasons if "alike" in w), reasons
    # a text the check has nothing to compare in is in, as before (the review: a 422)
    r = _upload(served, [("dashes.txt", "——————\n。。。。。。\n……".encode())])
    assert r.status_code in (201, 422), r.text
    assert "alike" not in r.text and "the draft has no text" not in r.text, r.text
    # a text of its own: nothing to say
    own = "关于开展河道保洁志愿服务活动的倡议\n请各村居组织志愿者参加河道保洁。\n"
    assert not _upload(served, [("c.txt", own.encode())]).json()["report"]["warned_files"]


def test_an_uploads_short_forms_are_mined_as_an_ingests_are(served):
    # QA pass 35a: an upload defining （以下简称“鲲监中心”） never made 鲲监中心 expand, where
    # the same file ingested from a folder did; one not public defines nothing for the public
    text = ("关于设立梼杌县鲲鹏湿地监测中心的通知\n"
            "设立梼杌县鲲鹏湿地监测中心（以下简称“鲲监中心”）。"
            "鲲监中心负责湿地监测。鲲监中心每年发布监测报告。\n")  # fmt: skip
    hidden = text.replace("鲲鹏", "貔貅").replace("鲲监", "貔监")
    assert _upload(served, [("h.txt", hidden.encode())], disclosure="not_public").status_code == 201
    assert _upload(served, [("k.txt", text.encode())]).status_code == 201
    mined = (served.settings.data_dir / "lexicon" / "mined.txt").read_text("utf-8")
    assert "鲲监中心" in mined and "貔监中心" not in mined
    understood = served.client.get("/api/search", params={"q": "鲲监中心"}).json()["understood"]
    assert any(e["word"] == "鲲监中心" and e["source"] == "mined"
               for e in understood["expansions"]), understood  # fmt: skip


def test_an_upload_with_several_bad_fields_is_told_of_each_and_odd_dates_are_warned(served):
    # QA pass 33b: a 400 named the first bad field only; a 发布日期 before the 成文日期, and
    # dates to come, were published without a word
    # (QA pass 49a: an agency of punctuation alone was stored, and the annual report listed a
    # row no filter could open)
    r = _upload(served, [("a.txt", TXT.encode())], date="2024-13-45", category="公告栏",
                validity="maybe", agency="、")  # fmt: skip
    err = _error(r, 422)  # invalid_parameters, each in data.problems (QA pass 38b)
    assert err["code"] == "invalid_parameters", err
    assert sorted(p["field"] for p in err["data"]["problems"]) == [
        "agency", "category", "date", "validity"
    ]  # fmt: skip
    assert all(f in err["message"] for f in ("date", "category", "validity", "names no agency"))
    uploads = Path(served.settings.data_dir) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())  # nothing stored
    r = _upload(served, [("b.txt", TXT.encode())], written_date="2024-05-06", date="2024-05-01")
    assert r.status_code == 201, r.text
    (warned,) = r.json()["report"]["warned_files"]
    assert "发布日期 2024-05-01 is before 成文日期 2024-05-06" in warned["reason"], warned
    other = "关于道路照明检查的通知\n各区县：现将道路照明检查有关事项通知如下。\n"
    soon = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    r = _upload(served, [("c.txt", other.encode())], date=soon)
    (warned,) = r.json()["report"]["warned_files"]
    assert f"发布日期 {soon} after today" in warned["reason"], warned
    # QA 35c: a 发布日期 line of the text itself, and a stated 成文日期 to come on a public
    # upload dated today, were published without a word
    labelled = f"关于桥梁检测的通知\n发布日期：{soon}\n各区县：现将桥梁检测有关事项通知如下。\n"
    r = _upload(served, [("d.txt", labelled.encode())])
    (warned,) = r.json()["report"]["warned_files"]
    assert f"发布日期 {soon} after today" in warned["reason"], warned
    later = "关于隧道巡查的通知\n各区县：现将隧道巡查有关事项通知如下。\n"
    r = _upload(served, [("e.txt", later.encode())], written_date=soon)
    (warned,) = r.json()["report"]["warned_files"]
    today = dt.date.today().isoformat()
    assert f"发布日期 {today} is before 成文日期 {soon}" in warned["reason"], warned
    assert f"成文日期 {soon} after today" in warned["reason"], warned
    assert "given as today's" in warned["reason"], warned


def test_reindex_without_backend_support_is_501(served):
    err = _error(served.client.post("/api/reindex", headers=served.staff), 501)
    assert "cannot reindex" in err["message"]


# -- original-file downloads -----------------------------------------------------------------
def test_original_download_cannot_leave_the_originals_folder(tmp_path):
    """Stored paths are crafted to escape: absolute, ``..``, a symlink out. Each is a 404."""
    import dataclasses

    from search_index.prepare import prepare
    from tests.corpus import corpus_document, sample_paths

    require_corpus()
    originals = tmp_path / "originals"
    (originals / "sub").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    (originals / "sub" / "ok.txt").write_text("原件内容", encoding="utf-8")
    os.symlink(secret, originals / "sub" / "link.txt")
    settings = Settings(data_dir=tmp_path / "data", originals_dir=originals)
    backend = EmbeddedIndex(settings.data_dir)
    base = corpus_document(sample_paths(1, seed=1)[0])
    crafted = {
        "ok": "sub/ok.txt",
        "dotdot": "../secret.txt",
        "deep": "sub/../../secret.txt",
        "abs": str(secret),
        "link": "sub/link.txt",
        "backslash": "..\\secret.txt",
        "nul": "sub/ok.txt\x00.pdf",
    }
    ids = {}
    for n, (name, path) in enumerate(crafted.items()):
        doc_id = f"{n:016x}"
        # the hash of the file the path would reach, so only the path rules refuse it
        reached = originals / "sub" / "ok.txt" if name in ("ok", "nul") else secret
        digest = hashlib.sha256(reached.read_bytes()).hexdigest()
        doc = dataclasses.replace(base, id=doc_id, path=path, content_hash=digest)
        assert all(r.ok for r in backend.write([prepare(doc, "crafted")]))
        ids[name] = doc_id
    s = serve(settings, SearchIndex(backend))
    if s.client.get("/").status_code == 404:
        pytest.skip("no web pages in this build")
    ok = s.client.get(f"/documents/{ids['ok']}/original")
    if ok.status_code == 404:
        pytest.skip("no original-file download in this build")
    assert ok.status_code == 200 and "原件内容" in ok.text
    for name, doc_id in ids.items():
        if name == "ok":
            continue
        r = s.client.get(f"/documents/{doc_id}/original")
        assert r.status_code == 404, (name, r.status_code)
        assert "SECRET-CONTENT" not in r.text
    for probe in (
        "/documents/..%2F..%2Fsecret.txt/original",
        "/static/..%2F..%2Fsecret.txt",
        "/static/../../secret.txt",
        "/documents/%2e%2e/original",
    ):
        r = s.client.get(probe)
        assert r.status_code in (400, 404, 422) and "SECRET-CONTENT" not in r.text, probe


def test_upload_while_another_ingest_writes_is_409_and_leaves_no_file(served):
    other = EmbeddedIndex(served.settings.data_dir)  # like a CLI ingest in another process
    writer = other.index.writer(heap_size=15_000_000, num_threads=1)
    try:
        err = _error(_upload(served, [("a.txt", TXT.encode())]), 409)
        assert "another process" in err["message"]
    finally:
        writer.rollback()
        del writer
    uploads = Path(served.settings.data_dir) / "uploads"
    assert not any(uploads.iterdir())
    assert _upload(served, [("a.txt", TXT.encode())]).status_code == 201


def test_prune_takes_a_path_gone_from_disk_inside_the_roots(served, tmp_path):
    """QA pass 14: a deleted file or a renamed folder's old name was a 404 "does not exist",
    while ``govsearch ingest --prune OLD_PATH`` prunes it. Inside the roots (judged by the
    path's letters and by where its existing part leads) it is pruned; without prune, still a
    404; outside the roots or behind a link out, a 403 whether or not it exists."""
    inbox: Path = served.extra["inbox"]
    outside: Path = served.extra["outside"]
    outside.mkdir()
    (inbox / "ing" / "sub").mkdir(parents=True)
    (inbox / "ing" / "f62.txt").write_text(TXT, encoding="utf-8")
    (inbox / "ing" / "keep.txt").write_text("关于道路保洁的通知\n保洁作业规范。", encoding="utf-8")
    (inbox / "ing" / "sub" / "s.txt").write_text("关于河道清淤的通知\n清淤工作安排。",
                                                 encoding="utf-8")  # fmt: skip

    def ingest(*paths: str, **extra):
        return served.client.post(
            "/api/ingest", json={"paths": list(paths), **extra}, headers=served.staff
        )

    assert ingest("ing").json()["report"]["ok"] == 3
    (inbox / "ing" / "f62.txt").unlink()
    # without prune the report says what stays searchable (QA pass 23c: the CLI did, not the API)
    gone = ingest("ing").json()["report"]["gone_files"]
    assert [g["path"] for g in gone] == ["f62.txt"] and "prune" in gone[0]["reason"]
    (inbox / "ing" / "sub").rename(inbox / "ing" / "renamed")
    _error(ingest(str(inbox / "ing" / "f62.txt")), 404)  # without prune: not there
    r = ingest(str(inbox / "ing" / "f62.txt"), "ing/sub", prune=True)
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert len(report["pruned"]) == 2
    assert [p["path"] for p in report["pruned_paths"]] == [
        str(inbox / "ing" / "f62.txt"), str(inbox / "ing" / "sub")]  # fmt: skip
    assert served.index.count(STAFF) == 1  # keep.txt stays
    # gone and outside, or gone behind a link out of the roots: refused, as if it existed
    for flag in (False, True):
        a = ingest(str(outside / "nope.txt"), prune=flag)
        assert "outside the ingest roots" in _error(a, 403)["message"]
        assert _error(ingest("ing/../../outside/nope.txt", prune=flag), 403)
    os.symlink(outside, inbox / "out")
    for flag in (False, True):
        assert "symlink" in _error(ingest("out/nope.txt", prune=flag), 403)["message"]
    os.symlink(outside / "gone.txt", inbox / "dangling.txt")
    assert "symlink" in _error(ingest("dangling.txt", prune=True), 403)["message"]
    assert served.index.count(STAFF) == 1


def test_staff_changes_are_in_the_audit_log(served):
    """QA pass 21: who uploaded or deleted a document was recorded nowhere (the server logs
    warnings only). One JSON line per change, the key's id and name but never its secret."""
    import json

    r = _upload(served, [("a.txt", TXT.encode())], disclosure="不予公开", title="审计测试")
    assert r.status_code == 201, r.text
    doc_id = r.json()["documents"][0]["id"]
    assert served.client.delete(f"/api/documents/{doc_id}", headers=served.staff).status_code == 200
    served.client.delete("/api/documents/0123456789abcdef", headers=served.staff)  # 404: no line
    _upload(served, [("b.txt", TXT.encode())], staff=False)  # 401: no line
    path = served.settings.data_dir / "audit.log"
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [x["action"] for x in lines] == ["upload", "delete"]
    key_id = served.key.split("_")[1]
    assert all(x["key_id"] == key_id and x["key_name"] and x["time"] for x in lines)
    assert lines[0]["disclosure"] == "not_public" and lines[0]["documents"][0]["id"] == doc_id
    assert lines[1]["id"] == doc_id and lines[1]["title"] == "审计测试"
    assert served.key.split("_")[2] not in path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o077 == 0
    uploads = served.settings.data_dir / "uploads"  # QA pass 34b: its names were listable
    assert uploads.is_dir() and uploads.stat().st_mode & 0o077 == 0
    uploads.chmod(0o755)  # as an earlier version made it: tightened at the next upload
    _upload(served, [("c.txt", TXT.encode())], title="审计测试二")
    assert uploads.stat().st_mode & 0o077 == 0


def test_an_unknown_level_or_a_day_that_is_not_says_so_in_words(served):
    """QA pass 26a: /api/ingest answered an unknown level with its raw pattern
    (String should match pattern '^(主动公开|…)$'), a report's 2025-02-30 with pydantic's "day
    value is outside expected range"; an upload already said `unknown disclosure '保密'`."""
    (served.extra["inbox"] / "a.txt").write_text(TXT, encoding="utf-8")
    r = served.client.post("/api/ingest", json={"paths": ["a.txt"], "disclosure": "保密"},
                           headers=served.staff)  # fmt: skip
    message = _error(r, 422)["message"]
    assert "unknown disclosure '保密'; use one of 主动公开/" in message, message
    assert "pattern" not in message
    for url in ("/api/reports/timeliness", "/api/search?q=x"):
        r = served.client.get(url, params={"date_from": "2025-02-30"}, headers=served.staff)
        message = _error(r, 422)["message"]
        assert "not a date: '2025-02-30' (no such day; YYYY-MM-DD)" in message, (url, message)
    assert served.index.search(Query(q="的", viewer=STAFF)).total == 0  # nothing ingested


def test_a_level_misspelt_named_as_catalogues_do_or_null_never_publishes(served):
    """QA pass 27b: /api/ingest ignored unknown keys, so {"disclosre": "不予公开"} and
    {"公开方式": "不予公开"} ingested the folder at the default level (public), as did
    "disclosure": null. An unknown key is refused and nothing is ingested; the catalogue's
    names for the level are read as uploads read them; null is refused."""
    (served.extra["inbox"] / "a.txt").write_text(TXT, encoding="utf-8")

    def ingest(**extra):
        return served.client.post("/api/ingest", json={"paths": ["a.txt"], **extra},
                                   headers=served.staff)  # fmt: skip

    message = _error(ingest(disclosre="不予公开"), 422)["message"]
    assert "disclosre" in message, message
    message = _error(ingest(disclosure=None), 422)["message"]
    assert "disclosure is null" in message, message
    message = _error(ingest(disclosure="public", 公开方式="不予公开"), 422)["message"]
    assert "given twice with different values" in message, message
    assert served.index.search(Query(q="绿化", viewer=STAFF)).total == 0  # nothing ingested
    r = ingest(公开方式="不予公开")
    assert r.status_code == 200, r.text
    assert served.index.search(Query(q="绿化", viewer=STAFF)).total == 1
    assert served.index.search(Query(q="绿化")).total == 0  # anonymous: held back
    assert served.client.get("/api/search", params={"q": "绿化"}).json()["total"] == 0


def test_utf16_text_is_uploaded_as_ingest_reads_it(served):
    """QA pass 27b: the corpus's UTF-16 text file was refused by uploads as binary content
    (its bytes hold NULs), while govsearch ingest and /api/duplicates read it."""
    require_corpus()
    data = (CORPUS / "files/txt/txt_17_utf16.txt").read_bytes()
    assert data.startswith(b"\xff\xfe") and b"\x00" in data
    r = _upload(served, [("txt_17_utf16.txt", data)])
    assert r.status_code == 201, r.text
    res = served.index.search(Query(q="挪用公款", viewer=STAFF))
    assert res.total == 1 and "挪用公款" in res.hits[0].doc.title
    binary = b"\x00\x01\x02\x03" * 64  # NULs that no wide encoding reads are still refused
    assert _error(_upload(served, [("b.txt", binary)]), 415)["code"] == "unsupported_media_type"


def test_a_body_that_is_no_json_is_answered_as_the_duplicate_check_answers_it(served):
    """QA pass 27b: malformed JSON was a 400 at /api/duplicates and a 422 naming a field "1"
    at /api/ingest; JSON sent as text/plain a 415 there and a 422 here."""
    for path, headers in (("/api/ingest", served.staff), ("/api/duplicates", {})):
        r = served.client.post(path, content=b"{not json",
                               headers={**headers, "Content-Type": "application/json"})  # fmt: skip
        assert _error(r, 400)["message"].startswith("the body is not valid JSON"), path
        r = served.client.post(path, content=b'{"paths": ["a.txt"], "text": "x"}',
                               headers={**headers, "Content-Type": "text/plain"})  # fmt: skip
        assert _error(r, 415)["code"] == "unsupported_media_type", path
    r = served.client.post("/api/ingest", json=[1, 2], headers=served.staff)
    assert _error(r, 422)["data"]["problems"][0]["field"] == "body"


def test_ingest_applies_a_catalogue_inside_the_roots(served, tmp_path):
    """QA pass 28a: files a folder's catalogue names were held back (not_public) when the
    folder was ingested over the API, and the only way to apply the catalogue was the command
    line's --catalog: its 主动公开 row could not be published, its 不予公开 row stayed hidden."""
    inbox: Path = served.extra["inbox"]
    folder = inbox / "catalogued"
    folder.mkdir()
    (folder / "public.txt").write_text(TXT, encoding="utf-8")
    (folder / "secret.txt").write_text(TXT.replace("通知", "内部意见"), encoding="utf-8")
    sheet = folder / "catalog.csv"
    sheet.write_text(
        "文件名,标题,发布机构,发布日期,公开方式\n"
        "public.txt,青松县关于冬季森林防火的通知,青松县人民政府,2026-11-20,主动公开\n"
        "secret.txt,青松县信访件处理意见,青松县人民政府,2026-11-21,不予公开\n",
        encoding="utf-8",
    )

    def ingest(**body):
        return served.client.post("/api/ingest", json=body, headers=served.staff)

    held = ingest(paths=["catalogued"]).json()["report"]
    assert held["held"] == 2 and all('"catalog"' in f["reason"] for f in held["held_files"])
    assert served.client.get("/api/search", params={"q": "森林防火"}).json()["total"] == 0
    r = ingest(paths=["catalogued"], catalog="catalogued/catalog.csv")
    assert r.status_code == 200, r.text
    assert r.json()["report"]["held"] == 0
    by_title = {d.title: d.disclosure for d in served.index.backend.catalog()}
    assert by_title["青松县关于冬季森林防火的通知"] == "public"
    assert by_title["青松县信访件处理意见"] == "not_public"
    assert served.client.get("/api/search", params={"q": "森林防火"}).json()["total"] == 1
    # the answer names each document it wrote, by path and id (QA pass 28a: counts only)
    written = r.json()["report"]["ingested_files"]
    assert sorted(f["path"] for f in written) == ["public.txt", "secret.txt"]
    for f in written:
        got = served.client.get(f"/api/documents/{f['id']}", headers=served.staff)
        assert got.status_code == 200 and got.json()["path"] == f["path"]
    # the catalogue is a path like the others: inside the roots, a file, readable
    outside = tmp_path / "outside.csv"
    outside.write_text(sheet.read_text(encoding="utf-8"), encoding="utf-8")
    _error(ingest(paths=["catalogued"], catalog=str(outside)), 403)
    _error(ingest(paths=["catalogued"], catalog="catalogued/missing.csv"), 404)
    _error(ingest(paths=["catalogued"], catalog="catalogued"), 400)
    (folder / "broken.csv").write_bytes(b"\\x00\\x01\\x02 not a catalogue")
    _error(ingest(paths=["catalogued"], catalog="catalogued/broken.csv"), 400)


def test_a_folder_swapped_for_a_link_after_its_check_is_not_read(served, monkeypatch):
    """QA pass 30b: the API checked each path, then read a large catalogue (seconds) before
    walking the folder; a folder swapped for a symlink out of the roots in that gap was walked
    and its file published. The swap is made here at that moment (a catalogue read that
    swaps, standing in for the other process's timing); what is read is checked when opened."""
    import search_api.admin as admin

    inbox: Path = served.extra["inbox"]
    outside: Path = served.extra["outside"]
    (outside / "secretdir").mkdir(parents=True)
    (outside / "secretdir" / "secret.txt").write_text(
        "机密文件：外部目录的内容，绝不能公开", encoding="utf-8"
    )
    folder = inbox / "t5"
    folder.mkdir()
    (folder / "a.txt").write_text(TXT, encoding="utf-8")
    (inbox / "cat.csv").write_text("path,title\nt5/a.txt,通知\n", encoding="utf-8")
    real_read = admin.read_catalog

    def read_then_swap(*args, **kwargs):
        cat = real_read(*args, **kwargs)
        folder.rename(inbox / "t5.orig")
        os.symlink(outside / "secretdir", folder)
        return cat

    monkeypatch.setattr(admin, "read_catalog", read_then_swap)
    r = served.client.post(
        "/api/ingest", json={"paths": ["t5"], "catalog": "cat.csv"}, headers=served.staff
    )
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert report["ok"] == 0, report
    skipped = {f["path"]: f["reason"] for f in report["skipped_files"]}
    assert "leads outside" in skipped["secret.txt"] and "not read" in skipped["secret.txt"]
    assert served.client.get("/api/search", params={"q": "机密文件"}).json()["total"] == 0
    assert served.client.get(
        "/api/search", params={"q": "机密文件"}, headers=served.staff
    ).json()["total"] == 0  # not even hidden: never read


def test_a_fifo_or_a_catalogue_linked_from_outside_is_never_read(served):
    """A FIFO in a folder would block the reader for ever; a catalogue linked from outside the
    folder decided how its files were held (QA pass 30b), though the walk reads no such link:
    now it is not read, and holds its folder back as an unreadable one does."""
    inbox: Path = served.extra["inbox"]
    outside: Path = served.extra["outside"]
    outside.mkdir()
    folder = inbox / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text(TXT, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    (outside / "secret.csv").write_text("path,公开方式\na.txt,不予公开\n", encoding="utf-8")
    os.symlink(outside / "secret.csv", folder / "cat.csv")
    r = served.client.post("/api/ingest", json={"paths": ["mixed"]}, headers=served.staff)
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    skipped = {f["path"]: f["reason"] for f in report["skipped_files"]}
    assert "not a regular file" in skipped["pipe.txt"]
    assert "outside" in skipped["cat.csv"]
    # the outside rows are unread, and what they may say is not guessed: the folder is held
    # back as for a catalogue unreadable (QA pass 31c: published, the rows' 不予公开 unknown)
    assert report["ok"] == 1 and report["held"] == 1, report
    assert "cannot be known" in report["held_files"][0]["reason"] + str(report)
    assert served.client.get("/api/search", params={"q": "绿化养护"}).json()["total"] == 0


@contextlib.contextmanager
def _nested(folder: Path, depth: int) -> Iterator[None]:
    """``folder/d/d/…/x.txt``, ``depth`` levels deep (deeper than a path can name from the
    root: made one folder at a time), taken apart the same way afterwards, whatever happened:
    shutil.rmtree recurses once per level, and pytest's clean-up of a tree left behind failed."""
    start = os.getcwd()
    try:
        os.chdir(folder)
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        Path("x.txt").write_text("深目录测试文件\n\n很深的目录里的文件。\n", encoding="utf-8")
        os.chdir(start)
        yield
    finally:
        os.chdir(folder)
        made = 0
        while os.path.isdir("d"):
            os.chdir("d")
            made += 1
        for name in os.listdir("."):
            os.remove(name)
        for _ in range(made):
            os.chdir("..")
            os.rmdir("d")
        os.chdir(start)


def test_a_folder_nested_too_deep_is_reported_and_the_rest_ingested(served):
    """QA pass 36b: a folder 1,800 levels deep in a drop folder ended the whole ingest (a
    RecursionError, told as "the request body is nested too deeply"); a FIFO named directly
    was dropped without a word. Each is a reported skip, and the rest goes in."""
    from ingest.files import MAX_FOLDER_DEPTH

    inbox: Path = served.extra["inbox"]
    folder = inbox / "deep"
    folder.mkdir()
    (folder / "a.txt").write_text(TXT, encoding="utf-8")
    with _nested(folder, 1800):
        r = served.client.post("/api/ingest", json={"paths": ["deep"]}, headers=served.staff)
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert report["ok"] == 1, report
    (deep,) = [f for f in report["skipped_files"] if "nested deeper" in f["reason"]]
    assert deep["path"].count("/") == MAX_FOLDER_DEPTH, deep
    os.mkfifo(inbox / "pipe.txt")
    r = served.client.post("/api/ingest", json={"paths": ["pipe.txt"]}, headers=served.staff)
    assert r.status_code == 200, r.text
    (skipped,) = r.json()["report"]["skipped_files"]
    assert "not a regular file" in skipped["reason"], skipped


def test_a_hard_link_in_a_drop_folder_is_never_read(served):
    """QA pass 30b: a hard link in the drop folder to a file outside the roots (the server's
    API key file) was ingested and its salts and digests searchable by anyone: only symlinks
    were checked. A file with other names is not read by a server-side ingest."""
    inbox: Path = served.extra["inbox"]
    outside: Path = served.extra["outside"]
    outside.mkdir()
    (outside / "secret.txt").write_text("关于内部密钥的说明 盐值 摘要 机密", encoding="utf-8")
    folder = inbox / "drop"
    folder.mkdir()
    (folder / "a.txt").write_text(TXT, encoding="utf-8")
    os.link(outside / "secret.txt", folder / "keys.txt")
    (outside / "rows.csv").write_text("path,公开方式\na.txt,主动公开\n", encoding="utf-8")
    r = served.client.post("/api/ingest", json={"paths": ["drop"]}, headers=served.staff)
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    skipped = {f["path"]: f["reason"] for f in report["skipped_files"]}
    assert "hard links" in skipped["keys.txt"] and report["ok"] == 1, report
    assert served.client.get("/api/search", params={"q": "盐值 摘要"}).json()["total"] == 0
    # a catalogue so linked is not read either, and what it may say holds its folder back
    other = inbox / "drop2"
    other.mkdir()
    (other / "b.txt").write_text(TXT.replace("绿化", "环卫"), encoding="utf-8")
    os.link(outside / "rows.csv", other / "catalog.csv")
    r = served.client.post("/api/ingest", json={"paths": ["drop2"]}, headers=served.staff)
    assert r.status_code == 200 and r.json()["report"]["held"] == 1, r.text


def test_a_catalogue_over_the_servers_limit_is_refused_or_holds_its_folder(tmp_path):
    """QA pass 30b: a 13.9 MB catalogue grew the server from 374 MB to 1.27 GB; the API reads
    catalogues up to GOVSEARCH_MAX_CATALOG_MB. One given is a 413; one lying in a folder is
    unreadable and holds the files of its folder back, as an unreadable one always did."""
    inbox = tmp_path / "inbox"
    folder = inbox / "big"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(TXT, encoding="utf-8")
    rows = "".join(f"x{i}.txt,通知{i},主动公开\n" for i in range(60_000))
    (folder / "catalog.csv").write_text("path,title,公开方式\n" + rows, encoding="utf-8")
    assert (folder / "catalog.csv").stat().st_size > 1024 * 1024
    settings = Settings(
        data_dir=tmp_path / "data", ingest_roots=(inbox,), max_catalog_bytes=1024 * 1024
    )
    s = serve(settings, SearchIndex(EmbeddedIndex(settings.data_dir)))
    try:
        r = s.client.post(
            "/api/ingest", json={"paths": ["big"], "catalog": "big/catalog.csv"}, headers=s.staff
        )
        assert "GOVSEARCH_MAX_CATALOG_MB" in _error(r, 413)["message"]
        r = s.client.post("/api/ingest", json={"paths": ["big"]}, headers=s.staff)
        assert r.status_code == 200, r.text
        report = r.json()["report"]
        assert report["held"] == 1 and "too large" in report["held_files"][0]["reason"], report
        # the limit is the ingest's, not each catalogue's: QA pass 30c put six of 7.9 MB (under
        # 8 MB each) in one folder's sub-folders and the server grew to 3.6 GB
        rows = "".join(f"x{i}.txt,通知{i},主动公开\n" for i in range(12_000))
        for part in ("one", "two", "three"):
            sub = inbox / "parts" / part
            sub.mkdir(parents=True)
            (sub / "a.txt").write_text(TXT, encoding="utf-8")
            (sub / "catalog.csv").write_text("path,title,公开方式\n" + rows, encoding="utf-8")
            assert 400_000 < (sub / "catalog.csv").stat().st_size < 1024 * 1024
        r = s.client.post("/api/ingest", json={"paths": ["parts"]}, headers=s.staff)
        assert r.status_code == 200, r.text
        held = r.json()["report"]["held_files"]
        assert [h for h in held if "together" in h["reason"]], held  # the third is over
    finally:
        s.client.close()


def test_control_and_bidi_characters_never_reach_a_title(served):
    """QA pass 36b: an upload's form title, and an HTML <title>, kept ESC, BEL and U+202E:
    a title shown reversed in the result lists, a terminal rung by govsearch search."""
    r = _upload(served, [("a.txt", TXT.encode())], title="标题\x1b[2J\x07\u202e反转\t通知")
    assert r.status_code == 201, r.text
    doc_id = r.json()["documents"][0]["id"]
    title = served.client.get(f"/api/documents/{doc_id}", headers=served.staff).json()["title"]
    assert title == "标题[2J反转 通知", repr(title)
    page = "<html><head><title>关于\u202etxt.exe\u202c的通知\x07</title></head><body><p>" \
           "各区县：现将路灯检修有关事项通知如下。</p></body></html>"
    r = _upload(served, [("b.html", page.encode())])
    doc_id = r.json()["documents"][0]["id"]
    title = served.client.get(f"/api/documents/{doc_id}", headers=served.staff).json()["title"]
    assert title == "关于txt.exe的通知", repr(title)


def test_control_characters_never_break_the_atom_feed(served):
    """QA pass 47a: a BEL in a document's text (a Word table's cell mark), a title PATCHed
    with \\x01 and ESC, or a query holding \\x01 went into the feed as they were, and XML 1.0
    has no such characters: every feed reader refused the site-wide feed. PATCH reads a field
    as one line without control characters, as the upload form does; the feed writes none."""
    import xml.etree.ElementTree as ET

    text = "关于青松县表格填报的通知\n第一条 表格单元\x07结束，按期填报表格。\n"
    r = _upload(served, [("表格.txt", text.encode())], title="青松县表格填报通知")
    (doc,) = r.json()["documents"]
    r = served.client.patch(f"/api/documents/{doc['id']}",
                            json={"title": "青松县表格\x01填报\x1b[31m通知"},
                            headers=served.staff)  # fmt: skip
    assert r.status_code == 200, r.text
    assert served.client.get(f"/api/documents/{doc['id']}").json()["title"] == (
        "青松县表格填报[31m通知"
    )
    atom = "{http://www.w3.org/2005/Atom}"
    for params in ({}, {"q": "表格"}, {"q": "表格\x01"}):
        r = served.client.get("/api/feed", params=params)
        assert r.status_code == 200, (params, r.text)
        feed = ET.fromstring(r.content)  # well-formed: a reader can read it
        (entry,) = feed.findall(f"{atom}entry")
        assert entry.findtext(f"{atom}title") == "青松县表格填报[31m通知"
        assert "\x07" not in ET.tostring(feed, encoding="unicode")


@pytest.fixture
def read_only(tmp_path: Path):
    """A data folder a running server used, then remounted read-only under it (a bind mount
    as root, as an operator's storage does; skipped where mounting is not permitted)."""
    import subprocess

    data = tmp_path / "data"
    data.mkdir()
    probe = subprocess.run(["mount", "--bind", str(data), str(data)], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"this machine does not let the tests mount: {probe.stderr.decode()}")
    subprocess.run(["umount", str(data)], check=True)
    mounted: list[Path] = []

    def remount() -> None:
        subprocess.run(["mount", "--bind", str(data), str(data)], check=True)
        mounted.append(data)
        subprocess.run(["mount", "-o", "remount,ro,bind", str(data)], check=True)

    yield data, remount
    for path in mounted:  # lazily: the server's files may still be open
        subprocess.run(["umount", "-l", str(path)], check=True)


def test_a_data_folder_gone_read_only_under_the_server_is_said_not_a_500(read_only):
    """QA pass 47b: storage remounted read-only under a running server made an upload a 500,
    a deletion wait 30 s and blame an ingest that was not running, the query report a 500;
    the searches it could not log were lost without a line, and /api/health said nothing."""
    data, remount = read_only
    settings = Settings(data_dir=data, max_upload_bytes=2_000_000, query_log=True)
    s = serve(settings, SearchIndex(EmbeddedIndex(data)))
    try:
        (doc,) = _upload(s, [("通知.txt", TXT.encode())]).json()["documents"]
        assert s.client.get("/api/search", params={"q": "绿化"}).json()["total"] == 1
        assert s.client.get("/api/health", headers=s.staff).json()["writable"] is True
        remount()
        up = _error(_upload(s, [("b.txt", TXT.replace("绿化", "养护").encode())]), 503)
        assert up["code"] == "storage_read_only", up
        start = time.monotonic()
        gone = _error(s.client.delete(f"/api/documents/{doc['id']}", headers=s.staff), 503)
        assert gone["code"] == "storage_read_only" and time.monotonic() - start < 10, gone
        assert "read-only" in gone["message"] and "ingest" not in gone["message"]
        # searching goes on; the health check says what a monitor must see
        assert s.client.get("/api/search", params={"q": "绿化"}).json()["total"] == 1
        health = s.client.get("/api/health", headers=s.staff)
        assert health.status_code == 200 and health.json()["writable"] is False
        assert "writable" not in s.client.get("/api/health").json()  # (staff's business)
        report = s.client.get("/api/reports/queries", headers=s.staff)
        assert report.status_code == 200, report.text
        # ... with the searches made before (QA pass 47c: read without its write-ahead log,
        # the report was empty)
        assert "绿化" in report.text, report.text
    finally:
        s.client.close()
        s.index.close()


def test_a_withdrawn_or_deleted_upload_leaves_the_lexicons_counts(served):
    """QA pass 47a: a withdrawn upload's 文号 prefix stayed in the lexicon (counts dropped
    only at a run over the whole index), so everyone's ``青松梼发 2026 5`` was still read as a
    文号, telling that such a number had been published. Withdrawn (PATCH) or deleted, a
    public document's counts are taken off at once; another document's stay."""
    prefixes = served.settings.data_dir / "lexicon" / "docno_prefixes.tsv"

    def read_as_number(q: str) -> list[str]:
        return served.client.get("/api/search", params={"q": q}).json()["understood"][
            "doc_numbers"]

    docs = {}
    for name, agency, number in (("a", "青松县梼杌办", "青松梼发〔2026〕5号"),
                                 ("b", "青松县饕餮办", "青松饕发〔2026〕7号")):  # fmt: skip
        text = f"关于{agency}开展湿地巡护工作的通知\n{number}\n各乡镇：现就湿地巡护工作通知如下。\n"
        r = _upload(served, [(f"{name}.txt", text.encode())], agency=agency, doc_number=number)
        assert r.status_code == 201, r.text
        docs[name] = r.json()["documents"][0]["id"]
    assert "青松梼发" in prefixes.read_text(encoding="utf-8")
    assert read_as_number("青松梼发 2026 5") and read_as_number("青松饕发 2026 7")
    r = served.client.patch(f"/api/documents/{docs['a']}", json={"disclosure": "不予公开"},
                            headers=served.staff)  # fmt: skip
    assert r.status_code == 200, r.text
    assert "青松梼发" not in prefixes.read_text(encoding="utf-8")
    assert read_as_number("青松梼发 2026 5") == []
    assert read_as_number("青松饕发 2026 7")  # the other's stays
    r = served.client.delete(f"/api/documents/{docs['b']}", headers=served.staff)
    assert r.status_code == 200, r.text
    assert "青松饕发" not in prefixes.read_text(encoding="utf-8")
    assert read_as_number("青松饕发 2026 7") == []


def test_an_upload_published_again_or_renumbered_is_counted_again(served):
    """QA pass 47c: an upload withdrawn, then published again, got its words back at once but
    its 文号 prefix only at a run over the whole index (``qiongce`` no longer read as 琼测).
    Published by a PATCH, a document enters the lexicon's counts at once; renumbered while
    public, its old prefix leaves them and its new one enters."""
    prefixes = served.settings.data_dir / "lexicon" / "docno_prefixes.tsv"

    def read_as_number(q: str) -> list[str]:
        return served.client.get("/api/search", params={"q": q}).json()["understood"][
            "doc_numbers"]

    text = ("关于青松县梼杌办开展湿地巡护工作的通知\n青松梼发〔2026〕5号\n"
            "各乡镇：现就湿地巡护工作通知如下。\n")
    r = _upload(served, [("a.txt", text.encode())], agency="青松县梼杌办",
                doc_number="青松梼发〔2026〕5号")  # fmt: skip
    assert r.status_code == 201, r.text
    doc = r.json()["documents"][0]["id"]

    def patch(**change: str) -> None:
        r = served.client.patch(f"/api/documents/{doc}", json=change, headers=served.staff)
        assert r.status_code == 200, r.text

    patch(disclosure="不予公开")
    assert read_as_number("青松梼发 2026 5") == []
    patch(disclosure="主动公开")
    assert "青松梼发" in prefixes.read_text(encoding="utf-8")
    assert read_as_number("青松梼发 2026 5")
    patch(doc_number="青松杌发〔2026〕6号")
    assert "青松梼发" not in prefixes.read_text(encoding="utf-8")
    assert "青松杌发" in prefixes.read_text(encoding="utf-8")
    assert read_as_number("青松杌发 2026 6")
