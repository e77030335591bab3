"""``POST /api/duplicates`` through the real app, over a real index of corpus documents."""

from __future__ import annotations

import base64
import json
import warnings

import pytest

from model.settings import Settings
from search_api.keys import KeyStore
from search_index.index import SearchIndex
from tests.corpus import CORPUS, corpus_document, require_corpus
from tests.search_index.dup_support import (
    BACKENDS,
    CANARY,
    GOVCN,
    HIDDEN,
    backend,
    date_changed,
    documents,
    load,
    text_of,
)

MAX_UPLOAD = 2_000_000  # above every corpus file (the scanned PDF is the largest broken one)


@pytest.fixture(scope="module", params=BACKENDS)
def api(request, tmp_path_factory):
    require_corpus()
    # Starlette warns at import that its TestClient will want ``httpx2``; httpx works.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

    from govsearch.app import create_app

    data = tmp_path_factory.mktemp("api")
    with backend(request.param, data) as b:
        load(b, documents())
        # the anonymous rate limit off: this module's checks are one client's, more than 30 a
        # minute (the limit has tests of its own)
        settings = Settings(data_dir=data, max_upload_bytes=MAX_UPLOAD, rate_limit="0")
        _, key = KeyStore(data).create("publisher")
        app = create_app(settings, index=SearchIndex(b))
        with TestClient(app) as client:
            yield client, {"Authorization": f"Bearer {key}"}


def _post(client, headers=None, **kw):
    return client.post("/api/duplicates", headers=headers or {}, **kw)


def _error(resp, status: int, code: str) -> str:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "status", "data"}
    assert body["error"]["code"] == code and body["error"]["status"] == status
    return body["error"]["message"]


def test_pasted_draft_with_a_changed_date(api):
    client, _ = api
    resp = _post(client, json={"text": date_changed(text_of(GOVCN))})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["draft"]["format"] == "json" and body["draft"]["doc_number"] == "国办发〔2019〕6号"
    top = body["candidates"][0]
    assert top["path"] == GOVCN and top["reason"] == "near_copy"
    # the reason as the page names it, beside the English label (QA pass 39a L4)
    assert (top["label"], top["label_zh"]) == ("near copy", "高度相似")
    assert top["similarity"] > 0.99 and "same_text" not in top["reasons"]
    diff = top["diff"]
    assert diff["only_facts_changed"] is True
    assert {"kind": "date", "draft": "2020年1月22日", "existing": "2019年1月22日"} in diff["facts"]
    changed = [op for op in diff["ops"] if op["op"] == "changed"]
    assert changed and changed[0]["changes"][0]["kind"] == "date"
    # the question staff must answer, not an all-clear (QA pass 31a)
    assert top["summary"].endswith("只有日期不同：请核对是新的一期或新版本，还是改了日期的重复发布")


def test_a_misspelt_key_is_said_not_ignored(api):
    """QA pass 27b: unknown JSON keys were accepted silently (a title sent as titel was
    checked as no title)."""
    client, _ = api
    message = _error(_post(client, json={"text": "关于做好绿化工作的通知", "titel": "通知"}),
                     422, "invalid_parameters")  # fmt: skip
    assert "titel" in message, message
    files = {"file": ("draft.txt", "关于做好绿化工作的通知".encode())}
    message = _error(_post(client, files=files, data={"titel": "通知"}), 422,
                     "invalid_parameters")  # fmt: skip
    assert "unknown part 'titel'" in message, message
    # a key given twice with different values is refused, as on every route (QA pass 40a:
    # {"text": "a", "text": "b"} checked b); the same value twice is that value
    twice = '{"text": "关于做好绿化工作的通知", "text": "关于做好林业工作的通知"}'
    json_headers = {"Content-Type": "application/json"}
    message = _error(_post(client, headers=json_headers, content=twice.encode()), 422,
                     "unprocessable_content")  # fmt: skip
    assert "text is given more than once" in message, message
    same = '{"text": "关于做好绿化工作的通知", "text": "关于做好绿化工作的通知"}'
    assert _post(client, headers=json_headers, content=same.encode()).status_code == 200


def test_uploaded_files_in_every_format(api):
    client, _ = api
    indexed = {d.path for d in documents()}
    import csv

    with open(CORPUS / "files" / "manifest.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["source_doc"] in indexed]
    seen = set()
    for r in rows:
        name = r["path"].rsplit("/", 1)[-1]
        resp = _post(client, files={"file": (name, (CORPUS / r["path"]).read_bytes())})
        assert resp.status_code == 200, (r["path"], resp.text)
        body = resp.json()
        assert body["draft"]["format"] == r["format"]
        assert body["candidates"][0]["path"] == r["source_doc"]
        seen.add(r["format"])
    assert "html" in seen


def test_upload_with_title_and_docno_fields(api):
    client, _ = api
    text = "关于做好今年春季植树造林工作的通知\n各区县：请认真组织实施，确保按期完成任务。"
    resp = _post(
        client,
        files={"file": ("draft.txt", text.encode("gb18030"))},
        data={"doc_number": "国办发〔2019〕6号"},
    )
    assert resp.status_code == 200, resp.text
    top = resp.json()["candidates"][0]
    assert top["path"] == GOVCN and top["reasons"] == ["same_docno"] and top["diff"] is None


def test_unrelated_draft_finds_nothing(api):
    client, _ = api
    text = "本市将继续推进老旧小区改造，计划改造小区一百个，惠及居民两万户。"
    resp = _post(client, json={"text": text})
    assert resp.status_code == 200 and resp.json()["candidates"] == []


def test_anonymous_never_sees_a_non_public_document_staff_does(api):
    client, staff = api
    hidden = corpus_document(HIDDEN)
    for payload in (
        {"text": hidden.text + "\n" + CANARY},
        {"text": hidden.text[:800]},
        {"text": "通知正文。", "title": hidden.meta.title, "doc_number": hidden.meta.doc_number},
    ):
        resp = _post(client, json=payload)
        assert resp.status_code == 200
        body = resp.json()
        assert all(c["disclosure"] == "public" for c in body["candidates"])
        assert HIDDEN not in resp.text
        shown = json.dumps(body["candidates"], ensure_ascii=False)
        assert CANARY not in shown and hidden.meta.title not in shown
    resp = _post(client, staff, json={"text": hidden.text + "\n" + CANARY})
    top = resp.json()["candidates"][0]
    assert top["path"] == HIDDEN and top["reason"] == "same_text"
    assert top["disclosure"] == "not_public"
    _error(_post(client, {"Authorization": "Bearer gs_nope_nope"}, json={"text": "x"}), 401,
           "unauthorized")


def test_bad_uploads_say_why(api):
    client, _ = api
    broken = CORPUS / "files" / "broken"
    for name, words in (
        ("broken_empty.txt", "empty"),
        ("broken_empty.pdf", "empty"),
        ("broken_truncated.pdf", "PDF"),
        ("broken_not_a_zip.docx", "DOCX"),
        ("broken_truncated.docx", "DOCX"),
    ):
        resp = _post(client, files={"file": (name, (broken / name).read_bytes())})
        assert words in _error(resp, 422, "unprocessable_content"), name
    # scans are recognised now (tests/ingest/test_ocr.py); a damaged image says so
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    assert "PNG" in _error(_post(client, files={"file": ("scan.png", png)}), 422,
                           "unprocessable_content")
    big = ("正文" * MAX_UPLOAD).encode()
    said = _error(_post(client, files={"file": ("big.txt", big)}), 413, "payload_too_large")
    # the setting as configured, not with the framing allowance added (QA pass 20)
    assert said.startswith(f"request body is larger than GOVSEARCH_MAX_UPLOAD_BYTES ({MAX_UPLOAD} "
                           "bytes) plus 65536 bytes of form framing"), said  # fmt: skip
    _error(_post(client, json={"text": "正文" * MAX_UPLOAD}), 413, "payload_too_large")


def _rtf(text: str) -> bytes:
    """``text`` as Word and WordPad save RTF: GBK bytes written as \\'xx escapes."""
    body = "".join(f"\\'{b:02x}" for b in text.encode("gbk")).replace("\\'0a", "\\par\n")
    return ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0 SimSun;}}\\f0 " + body + "}").encode()


def test_a_draft_in_a_format_not_read_is_refused_never_compared_as_its_markup(api):
    """QA pass 49a: an RTF draft (as Word saves one) of a published notice, and an e-mail
    message carrying one, were compared as their markup: "no duplicates", where ingest and
    upload refuse both. The check answers 415 with what the file is, and never an all-clear."""
    client, _ = api
    text = text_of(GOVCN)
    assert _post(client, json={"text": text}).json()["candidates"]  # published: found
    # ... nor after a BOM or a blank line an editor left before it (QA pass 49c)
    for data in (_rtf(text), b"\r\n" + _rtf(text), b"\xef\xbb\xbf" + _rtf(text)):
        said = _error(_post(client, files={"file": ("draft.rtf", data)}), 415,
                      "unsupported_media_type")  # fmt: skip
        assert "RTF" in said and ".docx" in said, said
    mail = (b"From: a@b.c\nSubject: x\nContent-Type: text/plain; charset=utf-8\n"
            b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(text.encode()))
    for name in ("draft.eml", "draft.txt"):
        said = _error(_post(client, files={"file": (name, mail)}), 415, "unsupported_media_type")
        assert "e-mail" in said, said


def test_a_draft_longer_than_any_document_is_refused_at_once(api):
    """An 18 MB file of one line (6 million characters) held the only slot of the duplicate
    check for minutes (QA pass 5): a draft is at most MAX_DRAFT_CHARS, 5× the corpus's longest
    text, and a longer one is a 413 before any analysis."""
    from duplicates.check import MAX_DRAFT_CHARS

    client, _ = api
    long_line = ("政务公开条例" * (MAX_DRAFT_CHARS // 6 + 1)).encode()
    message = _error(_post(client, files={"file": ("one_line.txt", long_line)}), 413,
                     "payload_too_large")  # fmt: skip
    assert f"{MAX_DRAFT_CHARS:,}" in message
    ok = _post(client, json={"text": "政务公开条例" * (MAX_DRAFT_CHARS // 6 - 1)})
    assert ok.status_code == 200


def test_bad_requests_say_why(api):
    client, _ = api
    _error(_post(client, content=b"plain", headers={"content-type": "text/plain"}), 415,
           "unsupported_media_type")
    _error(_post(client, content=b"{not json", headers={"content-type": "application/json"}),
           400, "bad_request")
    # a field that cannot be read is a 422 naming it, as on every route (QA pass 38b: a 400)
    message = _error(_post(client, json={"txt": "x"}), 422, "invalid_parameters")
    assert "text" in message and "txt" in message
    wrong = _post(client, json={"text": 5})
    assert _error(wrong, 422, "invalid_parameters") and wrong.json()["error"]["data"] == {
        "problems": [{"field": "text", "problem": "Input should be a valid string"}]}
    assert 'expected a JSON object {"text"' in _error(_post(client, json=[1]), 422,
                                                       "invalid_parameters")  # fmt: skip
    _error(_post(client, json={"text": " \n "}), 422, "unprocessable_content")
    _error(_post(client, json={"text": "。，！"}), 422, "unprocessable_content")
    _error(_post(client, files={"other": ("a.txt", b"x")}), 422, "invalid_parameters")
    _error(_post(client), 415, "unsupported_media_type")
    for query in ("threshold=0", "threshold=1.5", "limit=0", "limit=51", "threshold=x"):
        resp = client.post(f"/api/duplicates?{query}", json={"text": "正文"})
        _error(resp, 422, "invalid_parameters")


def test_threshold_and_limit_parameters(api):
    client, _ = api
    # the same body under another first line: two texts, two candidates (the exact copies of
    # a law would be one candidate listing its copy)
    text = text_of("docs/tainan/tainan_2020-10-06_7732839.txt")
    both = _post(client, json={"text": text}).json()["candidates"]
    assert len(both) >= 2
    one = client.post("/api/duplicates?limit=1&threshold=0.9", json={"text": text}).json()
    assert len(one["candidates"]) == 1 and one["threshold"] == 0.9


def test_openapi_schema_is_exact(api):
    client, _ = api
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/duplicates"]["post"]
    assert set(op["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert op["requestBody"]["content"]["application/json"]["schema"]["required"] == ["text"]
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("/DuplicateCheckResponse")
    for status in ("400", "401", "413", "415", "422"):
        assert op["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/ErrorResponse"
        )
    cand = spec["components"]["schemas"]["DuplicateCandidate"]["properties"]
    assert {"id", "path", "title", "similarity", "containment", "reason", "diff"} <= set(cand)
    from search_api.duplicates import DuplicateCheckResponse

    body = _post(client, json={"text": date_changed(text_of(GOVCN))}).json()
    DuplicateCheckResponse.model_validate(body)


def test_a_title_or_docno_too_long_is_refused(client):
    """QA pass 16: the API took a 100,000-character title and 文号 and echoed them back (the
    page's boxes stop at 300 and 100). Over those, or with a NUL, it is a 400 naming the field,
    as JSON and as a form's field; at the limit it is read."""
    draft = {"text": "关于做好政务公开工作的通知\n各单位：请做好政务公开工作。"}
    for field, value in (("title", "标" * 301), ("doc_number", "号" * 101), ("title", "a\x00b")):
        message = _error(_post(client, json={**draft, field: value}), 422,
                         "invalid_parameters")  # fmt: skip
        assert field in message and "nothing was checked" in message
        form = _post(client, files={"file": ("d.txt", draft["text"].encode())},
                     data={field: value})  # fmt: skip
        _error(form, 422, "invalid_parameters")
    ok = _post(client, json={**draft, "title": "标" * 300, "doc_number": "号" * 100})
    assert ok.status_code == 200, ok.text
