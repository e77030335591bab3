"""The staff duplicate-check page: a plain form over the same check as ``POST /api/duplicates``."""

from __future__ import annotations

import re

import pytest

from analyzers.signatures import Overlap
from duplicates.check import Candidate
from duplicates.textdiff import Change, DiffOp, TextDiff
from tests.web.conftest import ORIGINAL_PATH, SAMPLES
from tests.web.test_pages import Page, assert_no_inline_code
from web.duplicates import candidate_view, mark_diff, op_views, summary


def _edition(text: str) -> str:
    """The same notice, next year: only the year changes."""
    return text.replace("2019", "2024")


def test_form_renders(client):
    r = client.get("/duplicates")
    assert r.status_code == 200 and "no-store" in r.headers["cache-control"]
    p = Page(r.text)
    assert_no_inline_code(p)
    assert 'enctype="multipart/form-data"' in r.text and 'method="post"' in r.text
    for field in ("dup-text", "dup-file", "dup-title", "dup-docno", "dup-key"):
        assert field in p.labels_for
    # the picker offers what the check reads, scans included (QA pass 8: it hid TIFF/PNG/JPEG)
    accept = re.search(r'id="dup-file"[^>]*accept="([^"]+)"', r.text).group(1).split(",")
    assert {".pdf", ".docx", ".html", ".txt", ".tif", ".tiff", ".png", ".jpg"} <= set(accept)


def test_pasted_draft_finds_the_original_and_shows_what_differs(client, web_corpus):
    doc = web_corpus.docno_doc
    draft = _edition(doc.text)
    r = client.post("/duplicates", data={"text": draft})
    assert r.status_code == 200 and "no-store" in r.headers["cache-control"]
    assert f'href="/documents/{doc.id}"' in r.text
    ops = re.search(r'<table class="dup-ops">.*?</table>', r.text, re.S)
    number = doc.meta.doc_number
    assert ops and _edition(number) in ops.group(0) and number in ops.group(0)
    api = client.post("/api/duplicates", json={"text": draft}).json()
    assert [c["id"] for c in api["candidates"]] == re.findall(
        r'<h3 id="dup-c\d+" class="dup-candidate__title"><a href="/documents/([0-9a-f]{16})"',
        r.text,
    )
    assert _edition(number) in r.text.split("</textarea>")[0]  # the form keeps the draft


def test_the_comparison_heading_says_how_many_differ_and_how_many_are_listed(
    client, web_corpus, monkeypatch
):
    """"逐段对照（40 + 42 处不同）" read as two kinds of change (QA pass 39a): all of them, and
    the first listed."""
    from web import duplicates

    doc = web_corpus.docno_doc
    r = client.post("/duplicates", data={"text": _edition(doc.text)})
    shown = int(re.search(r"逐段对照（(\d+) 处不同）", r.text).group(1))
    assert shown >= 2, r.text[:3000]
    monkeypatch.setattr(duplicates, "MAX_OPS_SHOWN", 1)
    r = client.post("/duplicates", data={"text": _edition(doc.text)})
    assert f"逐段对照（共 {shown} 处不同，列出前 1 处）" in r.text
    assert f"另有 {shown - 1} 处不同未列出" in r.text


def test_changed_facts_are_marked(web_corpus):
    doc = web_corpus.index.get(web_corpus.docno_doc.id)
    change = Change("date", "2024年1月27日", "2019年1月27日")
    op = DiffOp("changed", "于2024年1月27日印发<b>", "于2019年1月27日印发<b>", 1, (change,))
    diff = TextDiff(
        ops=(op,), equal=9, changed=1, added=0, removed=0, moved=0, changed_kinds={"date": 1}
    )
    c = Candidate(doc, Overlap(0.97, 0.98, 0.98, 500), ("near_copy",), diff)
    view = candidate_view(c, "/documents/x")
    assert view["facts"] == [("日期", "2019年1月27日", "2024年1月27日")]
    assert view["ops"][0].draft_html == "于<mark>2024年1月27日</mark>印发&lt;b&gt;"
    assert view["ops"][0].existing_html == "于<mark>2019年1月27日</mark>印发&lt;b&gt;"
    assert "只有日期不同" in summary(c) and "相似度 97%" in summary(c)


def test_only_the_changed_occurrence_of_an_amount_is_marked(web_corpus):
    """500万元以上 → 1000万元以上 with 500万元及以下 unchanged beside it: the page marked both
    500万元 of the existing passage (QA pass 5)."""
    doc = web_corpus.index.get(web_corpus.docno_doc.id)
    change = Change("amount", "1000万元", "500万元")
    op = DiffOp(
        "changed",
        "投资1000万元以上的项目报省审批，500万元及以下的由市审批。",
        "投资500万元以上的项目报省审批，500万元及以下的由市审批。",
        1,
        (change,),
    )
    diff = TextDiff(
        ops=(op,), equal=9, changed=1, added=0, removed=0, moved=0, changed_kinds={"amount": 1}
    )
    view = candidate_view(
        Candidate(doc, Overlap(0.97, 0.98, 0.98, 500), ("near_copy",), diff), "/documents/x"
    )
    existing = view["ops"][0].existing_html
    assert existing.count("<mark>") == 1, existing
    assert existing.startswith("投资<mark>500万元</mark>以上"), existing
    assert view["ops"][0].draft_html.count("<mark>") == 1


def test_uploaded_file(client, web_corpus):
    if web_corpus.original_doc is None:
        pytest.skip("the corpus DOCX rendering is missing")
    data = (SAMPLES / ORIGINAL_PATH).read_bytes()
    name = ORIGINAL_PATH.rsplit("/", 1)[-1]
    r = client.post("/duplicates", files={"file": (name, data)}, data={"text": ""})
    assert r.status_code == 200
    # the DOCX and the text it renders are one candidate: linked, or listed as its copy
    assert f'href="/documents/{web_corpus.original_doc.id}"' in r.text or (
        f"DOCX {ORIGINAL_PATH}" in r.text
    )
    assert "全文相同" in r.text or "高度相似" in r.text
    # the result names the draft it is for (QA pass 23b: the file box is empty after the post)
    assert f'<h2 id="dup-result-title">查重结果：{name}</h2>' in r.text


def test_problems_are_pages_not_errors(client):
    r = client.post("/duplicates", data={"text": "  "})
    assert r.status_code == 400 and "请粘贴草稿正文" in r.text
    r = client.post("/duplicates", data={"text": "一些文字", "key": "gs_bad_key"})
    assert r.status_code == 401 and "密钥无效" in r.text and "gs_bad_key" not in r.text
    r = client.post("/duplicates", files={"file": ("x.xyz", b"\x00\x01")}, data={"text": ""})
    assert r.status_code == 415 and "不支持这种文件格式" in r.text
    # ... naming the scans the form takes, and in Chinese alone (QA pass 39a)
    assert "TIFF、PNG、JPEG" in r.text and "unsupported" not in r.text


def test_a_files_own_fault_is_said_in_chinese_naming_it(client):
    """QA pass 49a: the page called an encrypted PDF empty or damaged, and a PDF named .txt
    a format it does not read (naming PDF among those it does), where the API said what was
    wrong; staff looked for the wrong fix."""
    from tests.corpus import CORPUS, require_corpus

    require_corpus()
    pdf = (CORPUS / "files" / "broken" / "broken_truncated.pdf").read_bytes()
    cases = (
        ("报告.txt", pdf, 415, "「报告.txt」的文件名是 .txt，内容却是PDF：请把扩展名改成"),
        ("坏.pdf", pdf, 422, "「坏.pdf」是不完整的 PDF"),
        ("草稿.rtf", b"{\\rtf1\\ansi \\'b2\\'dd\\'b8\\'e5}", 415, "「草稿.rtf」是 RTF 文件"),
        ("空.txt", b"", 422, "「空.txt」是空文件"),
        ("半.docx", (CORPUS / "files" / "broken" / "broken_truncated.docx").read_bytes(), 422,
         "「半.docx」是不完整或已损坏的 Word"),
        # the reason is read without the file's name, which may hold its words (QA pass 50c)
        ("not a DOCX.txt", b"", 422, "「not a DOCX.txt」是空文件"),
        ("encrypted PDF 说明.txt", b"", 422, "「encrypted PDF 说明.txt」是空文件"),
    )
    for name, data, status, said in cases:
        r = client.post("/duplicates", files={"file": (name, data)}, data={"text": ""})
        assert r.status_code == status and said in r.text, (name, r.status_code)
        assert "没有可比对的文字" not in r.text and "不支持这种文件格式" not in r.text, name


def test_an_error_names_its_field_and_the_page_says_it_failed(client):
    """QA pass 41a: after a failed check the page came back with focus on nothing and the
    same title, the field at fault unmarked: a screen reader heard no failure. The title says
    错误, the field takes the focus and is described by the message."""
    title = re.compile(r"<title>(.*?)</title>")

    def field(page: str, name: str) -> str:
        found = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page)
        assert found, name
        return found.group(0)

    empty = client.post("/duplicates", data={"text": "  "}).text
    assert title.search(empty).group(1).startswith("错误：发布前查重")
    assert 'id="form-error"' in empty
    text = field(empty, "text")
    assert 'aria-invalid="true"' in text and "autofocus" in text and "form-error" in text
    assert "aria-invalid" not in field(empty, "key")
    wrong = client.post("/duplicates", data={"text": "一些文字", "key": "gs_bad_key"}).text
    key = field(wrong, "key")
    assert 'aria-invalid="true"' in key and 'aria-describedby="form-error dup-key-hint"' in key
    assert "aria-invalid" not in field(wrong, "text")
    fine = client.get("/duplicates").text
    assert "aria-invalid" not in fine and not title.search(fine).group(1).startswith("错误")
    report = client.post("/reports/timeliness", data={"key": "gs_bad_key"})
    assert report.status_code == 401
    assert title.search(report.text).group(1).startswith("错误：")
    assert 'aria-invalid="true"' in field(report.text, "key")


def test_a_file_that_cannot_be_read_keeps_the_pasted_draft_in_the_box(client):
    # QA pass 35b: the error page came back with the pasted draft gone (only title and 文号 kept)
    draft = "青松县关于做好冬季供暖保障工作的通知\r\n各乡镇人民政府：为保障群众温暖过冬……"
    damaged = b"PK\x03\x04" + b"\x00" * 200  # the start of a DOCX, cut off
    r = client.post("/duplicates", files={"file": ("草稿.docx", damaged)},
                    data={"text": draft, "title": "冬季供暖"})  # fmt: skip
    assert r.status_code == 422, r.text
    box = re.search(r'<textarea id="dup-text"[^>]*>(.*?)</textarea>', r.text, re.S)
    assert box and box.group(1) == draft.replace("\r\n", "\n")
    assert "粘贴的正文仍在框中" in r.text and 'value="冬季供暖"' in r.text
    # the file left out, the same form checks what was pasted
    r = client.post("/duplicates", data={"text": draft, "title": "冬季供暖"})
    assert r.status_code == 200 and "查重结果" in r.text


def test_hidden_documents_are_not_compared_for_the_public(client, web_corpus):
    hidden = web_corpus.hidden[0]
    r = client.post("/duplicates", data={"text": hidden.text})
    assert hidden.id not in r.text and hidden.meta.title not in r.text.split("查重结果")[-1]


def test_not_on_kiosks(kiosk_client):
    assert kiosk_client.get("/duplicates").status_code == 404
    assert kiosk_client.post("/duplicates", data={"text": "x"}).status_code == 404


def test_a_file_over_the_limit_is_told_on_a_page(client):
    """QA pass 16: a file over the upload limit posted to the duplicate check's form was
    answered with the API's JSON 413. The form is answered with a page saying the limit and
    leading back to it; the API keeps its JSON."""
    big = b"x" * (21 * 1024 * 1024)
    r = client.post("/duplicates", files={"file": ("big.txt", big)})
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert "上传的内容过大：最多 20 MB" in r.text and 'href="/duplicates"' in r.text
    assert_no_inline_code(Page(r.text))
    api = client.post("/api/duplicates", files={"file": ("big.txt", big)})
    assert api.status_code == 413 and api.json()["error"]["code"] == "payload_too_large"


def test_a_limit_hit_is_named_on_the_page(client):
    """QA pass 40a: a zip bomb (and a PDF at the memory limit, 500,000 nested elements) was
    answered "文件中没有可比对的文字", which sends staff looking for a text layer. A limit hit
    says so, with the limit's own words; the API marks it in its data."""
    from tests.security.files import make_docx_bomb
    from web.duplicates import LIMIT_HIT

    bomb = make_docx_bomb(inflated_mb=16)
    r = client.post("/duplicates", files={"file": ("bomb.docx", bomb)})
    assert r.status_code == 422 and LIMIT_HIT in r.text and "zip bomb" in r.text
    assert "没有可比对的文字" not in r.text
    api = client.post("/api/duplicates", files={"file": ("bomb.docx", bomb)})
    assert api.status_code == 422 and api.json()["error"]["data"]["limit_hit"] is True
    empty = client.post("/api/duplicates", files={"file": ("empty.txt", b"")})
    assert empty.status_code == 422 and not empty.json()["error"]["data"].get("limit_hit")
    # a PDF listing more pages than are read is a limit hit too (QA pass 47a: "empty or
    # damaged" on the page)
    from ingest.formats.pdf import MAX_PDF_PAGES
    from tests.security.files import make_pdf

    many = make_pdf(["page"], pages=MAX_PDF_PAGES + 1)
    r = client.post("/duplicates", files={"file": ("many.pdf", many)})
    assert r.status_code == 422 and LIMIT_HIT in r.text and "没有可比对的文字" not in r.text
    api = client.post("/api/duplicates", files={"file": ("many.pdf", many)})
    assert api.status_code == 422 and api.json()["error"]["data"]["limit_hit"] is True


def test_staff_are_told_a_match_is_unpublished_and_sent_to_no_public_page(client, web_corpus):
    """QA pass 28a: a staff check matching a 不予公开 document showed no disclosure level, and its
    title linked to a page answering "不向公众公开": the card read as a published duplicate."""
    from model.fields import VALUE_LABELS
    from search_api.keys import KeyStore

    hidden = web_corpus.hidden[0]
    _, key = KeyStore(web_corpus.data_dir).create("dup-page-test")
    r = client.post("/duplicates", data={"text": hidden.text, "key": key})
    assert r.status_code == 200
    card = re.search(r'<article class="dup-candidate".*?</article>', r.text, re.S).group(0)
    assert hidden.meta.title in card
    assert VALUE_LABELS["disclosure"][hidden.meta.disclosure] in card and "未公开" in card
    assert f"/documents/{hidden.id}" not in card


def test_a_changed_sentence_marks_what_was_added_in_the_draft():
    """QA pass 28a: a sentence of 国办发〔2019〕3号 with two clauses added showed no mark in the
    draft's column (the change's fragments were the normalised text's, ， read as ,) and marked
    the existing text's unchanged 工作如期完成。(the fragments' context)."""
    from duplicates.textdiff import diff
    from tests.corpus import CORPUS, require_corpus

    require_corpus()
    existing = (CORPUS / "docs/govcn_policy/govcn_006.txt").read_text(encoding="utf-8")
    before = "压实部门责任，完善治理举措，确保治理工作如期完成。"
    after = "压实部门责任、乡镇属地责任，完善治理举措，确保治理工作如期完成，并向社会公开。"
    assert before in existing
    d = diff(existing.replace(before, after), existing)
    [op] = [op for op in d.ops if op.op == "changed"]
    overlap = Overlap(0.98, 0.98, 0.98, 900)
    c = Candidate(doc=None, overlap=overlap, reasons=("near_copy",), diff=d)  # type: ignore[arg-type]
    [view] = op_views(c)[0]
    marked = re.findall(r"<mark>(.*?)</mark>", view.draft_html)
    assert marked == ["、乡镇属地责任", "，并向社会公开"], marked
    assert "工作如期完成" not in "".join(re.findall(r"<mark>(.*?)</mark>", view.existing_html))


def test_a_traditional_draft_marks_what_changed_not_its_script() -> None:
    """QA pass 31a: a draft converted to traditional characters (s2twp) had almost every
    character of each changed sentence marked; only the words that changed are."""
    marked = mark_diff(
        "我們將繼續支援資訊化建設，確保工作如期完成。",
        "我们将继续支持信息化建设，确保工作如期完成。",
    )
    assert marked == "我們將繼續支<mark>援資訊</mark>化建設，確保工作如期完成。"


def test_a_hidden_copy_of_a_match_is_labelled_for_staff(tmp_path):
    """QA pass 37a: a match's "相同正文的其他文件" line listed a 不予公开 copy as any other, so
    staff read it as published; each copy says its level when it is not public."""
    from govsearch.app import create_app
    from model.settings import Settings
    from pipeline.run import run_ingest
    from search_api.keys import KeyStore
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex
    from tests.corpus import REPEAL_LAWS, catalogued_laws
    from tests.web.conftest import TestClient

    law = REPEAL_LAWS["qishuifa.txt"]
    # withheld.txt's id is the larger: the match is shown as open.txt, withheld.txt its copy
    folder, catalog = catalogued_laws(tmp_path, {"open.txt": law, "withheld.txt": law},
                                      level={"withheld.txt": "不予公开"})  # fmt: skip
    data = tmp_path / "data"
    index = SearchIndex(EmbeddedIndex(data))
    try:
        assert len(run_ingest(index, [folder], catalog=catalog, workers=1).ok) == 2
        client = TestClient(create_app(Settings(data_dir=data), index))
        _, key = KeyStore(data).create("copies")
        text = (folder / "open.txt").read_text(encoding="utf-8")
        page = client.post("/duplicates", data={"text": text, "key": key}).text
        copies = re.search(r'<p class="result__copies">.*?</p>', page, re.S).group(0)
        assert "withheld.txt" in copies and "不予公开：未公开" in copies, copies
        api = client.post("/api/duplicates", json={"text": text},
                          headers={"Authorization": f"Bearer {key}"}).json()  # fmt: skip
        (copy,) = api["candidates"][0]["copies"]
        assert copy["path"].endswith("withheld.txt") and copy["disclosure"] == "not_public"
        public = client.post("/duplicates", data={"text": text}).text  # the public: no copy
        assert "withheld.txt" not in public
    finally:
        index.close()
