"""Hostile document content is rendered inert everywhere, and every response carries the
security headers.

Real hostile files (TXT, HTML with entities, DOCX, PDF) are uploaded through the staff API and
then read back through every output: API snippets, ``title_html``, ``text_html``, the web result
list, the document page, the duplicate-check page. Each HTML fragment or page is parsed: the
only elements a fragment may contain are ``<mark>``, a page's only scripts are its own
``/static`` files, and no element anywhere carries an event-handler attribute or a
``javascript:`` URL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from model.settings import Settings
from search_api.security import CONTENT_SECURITY_POLICY
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from tests.security.conftest import Served, serve
from tests.security.files import make_docx, make_pdf

PAYLOADS = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '" onmouseover="alert(3)" x="',
    "' autofocus onfocus='alert(4)",
    "</mark><script>alert(5)</script><mark>",
    "&lt;script&gt;alert(6)&lt;/script&gt;",
    "&amp;quot;<a href=javascript:alert(7)>x</a>",
    "<iframe src=//evil.example></iframe>",
)
HOSTILE_TITLE = '关于加强网络安全<script>alert("t")</script>的"通知" & \'附件\''
WORD = "网络安全"

HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def _txt() -> bytes:
    body = "\n".join(f"第{i}条 {WORD}要求：{p} 结束。" for i, p in enumerate(PAYLOADS, 1))
    return (HOSTILE_TITLE + "\n" + body + "\n").encode()


def _html() -> bytes:
    # Entities decode to markup characters in the extracted text: they must be escaped again.
    title = "&lt;script&gt;alert(&quot;h&quot;)&lt;/script&gt;网络安全&amp;&#39;通知&#x27;"
    paras = "".join(f"<p>{WORD}{p.replace('<', '&lt;').replace('>', '&gt;')}</p>" for p in PAYLOADS)
    return (
        f"<html><head><meta charset=utf-8><title>{title}</title>"
        f"<script>alert('in head')</script></head><body><h1>{title}</h1>{paras}"
        "<p onclick=alert(9)>网络安全 点击</p></body></html>"
    ).encode()


def _docx() -> bytes:
    return make_docx(HOSTILE_TITLE, [f"{WORD}：{p}" for p in PAYLOADS], core_title=HOSTILE_TITLE)


def _pdf() -> bytes:
    lines = [f"network security {p}" for p in PAYLOADS if p.isascii()]
    return make_pdf(lines, title='<script>alert("pdf")</script>')


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    data = tmp_path_factory.mktemp("hostile") / "data"
    settings = Settings(data_dir=data)
    s = serve(settings, SearchIndex(EmbeddedIndex(data)))
    files = [("a.txt", _txt()), ("b.html", _html()), ("c.docx", _docx()), ("d.pdf", _pdf())]
    parts = [("file", (n, d, "application/octet-stream")) for n, d in files]
    r = s.client.post("/api/documents", files=parts, headers=s.staff)
    assert r.status_code == 201, r.text
    assert r.json()["report"]["ok"] == 4
    # one more whose *catalog* title is hostile
    r = s.client.post(
        "/api/documents",
        files=[("file", ("e.txt", f"{WORD}正文{PAYLOADS[1]}".encode(), "text/plain"))],
        data={"title": PAYLOADS[2] + PAYLOADS[0], "agency": PAYLOADS[1]},
        headers=s.staff,
    )
    assert r.status_code == 201, r.text
    s.extra["ids"] = [d["id"] for d in r.json()["documents"]]
    yield s
    s.client.close()


def _inert_fragment(fragment: str) -> None:
    """An API HTML fragment: text and <mark> only, no attributes."""
    tree = HTMLParser(f"<div id=root>{fragment}</div>")
    root = tree.css_first("#root")
    assert root is not None
    for node in list(root.traverse(include_text=False))[1:]:  # [0] is root itself
        assert node.tag == "mark", (node.tag, fragment[:200])
        assert not node.attributes, fragment[:200]


def _inert_page(page: str) -> None:
    """A whole page: only our own external scripts, no handlers, no javascript: URLs."""
    tree = HTMLParser(page)
    for script in tree.css("script"):
        src = script.attributes.get("src") or ""
        assert src.startswith("/static/") and not (script.text() or "").strip(), script.html
    for tag in ("iframe", "object", "embed", "base"):
        assert not tree.css(tag), tag
    for node in tree.root.traverse(include_text=False):
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), node.html
            assert "javascript:" not in (value or "").lower(), node.html
        if node.tag == "img":
            assert (node.attributes.get("src") or "").startswith(("/static/", "data:")), node.html


def test_api_search_fragments_are_inert(served: Served) -> None:
    c = served.client
    seen = 0
    for q in (WORD, "network security", "script alert", "通知", '"onerror"', "mark"):
        body = c.get("/api/search", params={"q": q, "size": 20}, headers=served.staff).json()
        for hit in body["hits"]:
            _inert_fragment(hit["snippet"])
            _inert_fragment(hit["title_html"])
            seen += 1
    assert seen >= 10
    titles = [
        h["title"] for h in c.get("/api/search", params={"q": WORD}).json()["hits"]
    ]  # raw titles stay raw in JSON (the client escapes them), and kept the markup
    assert any("<script>" in t for t in titles)


def test_api_document_text_html_is_inert(served: Served) -> None:
    for doc_id in served.extra["ids"]:
        for q in (WORD, "script", "onerror alert", '"<"'):
            r = served.client.get(f"/api/documents/{doc_id}", params={"q": q})
            assert r.status_code == 200
            _inert_fragment(r.json()["text_html"])
            assert r.headers["content-type"].startswith("application/json")


def test_web_pages_are_inert(served: Served) -> None:
    c = served.client
    if c.get("/").status_code == 404:
        pytest.skip("no web pages in this build")
    for page in ("/", "/kiosk"):
        for q in (WORD, "script", "alert", '"onerror"', PAYLOADS[0], PAYLOADS[2]):
            r = c.get(page, params={"q": q})
            assert r.status_code in (200, 400)
            _inert_page(r.text)
    for doc_id in served.extra["ids"]:
        for path in (f"/documents/{doc_id}", f"/kiosk/documents/{doc_id}"):
            r = c.get(path, params={"q": WORD, "back": f"q={PAYLOADS[2]}"})
            assert r.status_code == 200
            _inert_page(r.text)
            assert "alert(1)" in HTMLParser(r.text).body.text()  # shown, as text


def test_duplicate_check_is_inert(served: Served) -> None:
    c = served.client
    draft = _txt().decode().replace("alert", "confirm")
    paths = served.app.openapi()["paths"]
    if "/api/duplicates" in paths:
        r = c.post("/api/duplicates", json={"text": draft, "title": PAYLOADS[0]})
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    r = c.post("/duplicates", data={"text": draft, "title": PAYLOADS[1]})
    if r.status_code == 404 or r.status_code == 405:
        pytest.skip("no duplicate-check page in this build")
    assert r.status_code == 200, r.text[:300]
    _inert_page(r.text)


def test_security_headers_on_every_kind_of_response(served: Served, tmp_path: Path) -> None:
    c = served.client
    doc_id = served.extra["ids"][0]
    responses = [
        c.get("/api/search", params={"q": WORD}),
        c.get("/api/search", params={"q": "x" * 600}),  # 422
        c.get("/api/documents/0000000000000000"),  # 404
        c.get("/api/nope"),  # router 404
        c.put("/api/search"),  # 405
        c.post("/api/reindex"),  # 401
        c.post("/api/reindex", headers=served.staff),  # 501
        c.get(f"/api/documents/{doc_id}", headers=served.staff),
        c.get("/openapi.json"),
        c.get("/docs"),
        c.get("/api/health"),
        c.get("/"),
        c.get(f"/documents/{doc_id}"),
        c.get("/static/app.js"),
        c.post("/api/documents", content=b"x" * (21 * 1024 * 1024), headers=served.staff),
    ]
    for r in responses:
        for name, value in HEADERS.items():
            assert r.headers.get(name) == value, (r.request.url, r.status_code, name)
        assert "Authorization" in r.headers.get("vary", ""), r.request.url
    assert responses[5].headers["www-authenticate"].startswith("Bearer")
    assert responses[-1].status_code == 413
    # answers to requests with credentials are never stored by a shared cache
    assert responses[6].headers["cache-control"] == "no-store"
    assert responses[7].headers["cache-control"] == "no-store"
    # anonymous answers are asked for again before reuse, a withdrawn document's page too
    # (QA pass 34b: no Cache-Control); a static file keeps its validators
    for r in (responses[0], responses[2], responses[11], responses[12]):
        assert r.headers["cache-control"] == "no-cache", r.request.url
    assert "cache-control" not in responses[13].headers and responses[13].headers["etag"]


def test_api_docs_need_no_cdn_and_no_inline_script(served: Served) -> None:
    r = served.client.get("/docs")
    assert r.status_code == 200 and "/api/search" in r.text and "openapi.json" in r.text
    tree = HTMLParser(r.text)
    assert not tree.css("script")
    for node in tree.root.traverse(include_text=False):
        for name in ("src", "href"):
            value = node.attributes.get(name) or ""
            assert not value.startswith(("http:", "https:", "//")), value
    assert served.client.get("/redoc").status_code == 404
    assert served.client.get("/docs.css").headers["content-type"].startswith("text/css")
    for path in ("/docs", "/docs.css"):  # HEAD as GET (QA pass 27b: 405, Allow: GET, HEAD)
        head = served.client.head(path)
        assert head.status_code == 200 and not head.content, path
    spec = served.client.get("/openapi.json").json()
    assert "/api/documents" in spec["paths"] and "/api/ingest" in spec["paths"]
    # the key as security schemes: required on staff routes, optional on the others (QA pass
    # 27b: a client generated from the spec knew nothing of the key)
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearer"]["scheme"] == "bearer" and schemes["apiKey"]["name"] == "X-API-Key"
    for path, method in (("/api/documents", "post"), ("/api/ingest", "post")):
        assert spec["paths"][path][method]["security"] == [{"bearer": []}, {"apiKey": []}]
    assert {} in spec["paths"]["/api/search"]["get"]["security"]
