"""The whole pipeline over every file of the corpus's files/ folder, and its contracts."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from pathlib import Path

import pytest

from ingest.catalog import load_catalog
from ingest.files import IngestFailure, folder_disclosure, iter_documents, tasks
from ingest.ocr.options import active_engine
from ingest.report import IngestReport
from model.document import Document
from model.ids import document_id

from .conftest import han

SCANNED = "broken/broken_scanned_no_text.pdf"
OCR = active_engine() is not None  # with an engine the image-only PDF is a document
BROKEN_REASONS = {
    "broken/broken_empty.pdf": "empty file",
    "broken/broken_empty.txt": "empty file",
    "broken/broken_not_a_zip.docx": "not a ZIP/OOXML container",
    "broken/broken_truncated.docx": "truncated or corrupt DOCX",
    "broken/broken_truncated.pdf": "truncated or incomplete PDF",
}
# without an engine it is a scan waiting for OCR: skipped with the reason, as an image is
SKIPPED = ["manifest.csv"] if OCR else [SCANNED, "manifest.csv"]


@pytest.fixture(scope="module")
def ingested(corpus: Path) -> tuple[dict[str, Document], dict[str, IngestFailure], IngestReport]:
    report = IngestReport()
    docs: dict[str, Document] = {}
    failures: dict[str, IngestFailure] = {}
    for result in report.track(iter_documents([corpus / "files"])):
        if isinstance(result, Document):
            docs[result.path] = result
        else:
            failures[result.path] = result
    return docs, failures, report


def test_every_rendered_file_matches_its_source(
    corpus: Path, files_manifest: list[dict[str, str]], ingested: tuple
) -> None:
    """Han characters of title + text against the source doc, in order.

    ``recall`` (matched characters / source characters) must be ≥ 0.9 and the difflib ratio
    ≥ 0.9. The 4 original PDFs have tables whose cell order differs from pdftotext's (the source
    text), which is why in-order measures rather than equality are used; two HTML→PDF files
    lost their title in rendering, hence title + text.
    """
    docs, _, _ = ingested
    rows = [r for r in files_manifest if not r["path"].startswith("files/broken/")]
    assert len(rows) == 105
    for row in rows:
        doc = docs[row["path"].removeprefix("files/")]
        source = han((corpus / row["source_doc"]).read_text(encoding="utf-8"))
        got = han(doc.text)
        if han(doc.meta.title) not in got[: len(han(doc.meta.title)) + 50]:
            got = han(doc.meta.title) + got
        sm = difflib.SequenceMatcher(None, got, source, autojunk=False)
        recall = sum(b.size for b in sm.get_matching_blocks()) / len(source)
        assert recall >= 0.9 and sm.ratio() >= 0.9, (row["path"], recall, sm.ratio())
        assert doc.format == row["format"]


def test_titles_extracted_sensibly(
    files_manifest: list[dict[str, str]], docs_manifest: dict[str, dict[str, str]], ingested: tuple
) -> None:
    docs, _, _ = ingested
    rows = [r for r in files_manifest if not r["path"].startswith("files/broken/")]
    exact = 0
    for row in rows:
        doc = docs[row["path"].removeprefix("files/")]
        want = docs_manifest[row["source_doc"]]["title"]
        assert doc.meta.title, row["path"]
        assert 0 < len(doc.meta.title) <= 200
        exact += han(doc.meta.title) == han(want)
    # measured 103/105: two budget titles are built by the corpus from two separate lines
    assert exact >= 100, exact


def test_broken_files_fail_clearly_and_the_batch_continues(ingested: tuple) -> None:
    docs, failures, report = ingested
    for path, reason in BROKEN_REASONS.items():
        assert path in failures, path
        assert reason in failures[path].reason, (path, failures[path].reason)
        assert not failures[path].skipped
    assert len(report.failed) == len(BROKEN_REASONS)
    # every other file came through, including those after the broken
    assert len(docs) == 105 + OCR
    assert [s.path for s in report.skipped] == SKIPPED


def test_the_image_only_pdf_is_recognised(
    corpus: Path, files_manifest: list[dict[str, str]], ingested: tuple
) -> None:
    """The corpus's 110 dpi scan of pdf_01.pdf, read by OCR, against the source text."""
    if not OCR:
        pytest.skip("no OCR engine installed")
    docs, _, _ = ingested
    doc = docs[SCANNED]
    row = next(r for r in files_manifest if r["path"] == f"files/{SCANNED}")
    source = han((corpus / row["source_doc"]).read_text(encoding="utf-8"))
    sm = difflib.SequenceMatcher(None, han(doc.text), source, autojunk=False)
    recall = sum(b.size for b in sm.get_matching_blocks()) / len(source)
    assert recall >= 0.9, recall
    assert doc.extra["text_source"] == "ocr" and doc.extra["ocr_pages"] == "1-4"
    assert "国办函" in doc.meta.doc_number and "71" in doc.meta.doc_number


def test_document_fields(corpus: Path, ingested: tuple) -> None:
    docs, _, _ = ingested
    doc = docs["docx/doc_01.docx"]
    data = (corpus / "files/docx/doc_01.docx").read_bytes()
    assert doc.id == document_id(corpus / "files", "docx/doc_01.docx")  # the id the index uses
    assert doc.id == hashlib.sha1(b"files/docx/doc_01.docx").hexdigest()[:16]
    assert doc.content_hash == hashlib.sha256(data).hexdigest()
    assert doc.size == len(data)
    assert doc.meta.doc_number == "国发〔2004〕18号"
    assert doc.meta.agency == "国务院"
    assert doc.meta.index_no == "000014349/2004-00204"
    assert doc.meta.disclosure == "public"
    assert len({d.id for d in docs.values()}) == len(docs)


def test_html_metadata_reaches_the_document(ingested: tuple) -> None:
    docs, _, _ = ingested
    meta = docs["html/page_02.html"].meta
    assert meta.doc_number == "国函〔2006〕132号"
    assert meta.written_date is not None and meta.written_date.isoformat() == "2006-12-30"
    assert meta.publish_date is not None and meta.publish_date.isoformat() == "2018-12-03"
    assert meta.category == "业务文件"  # a 批复


def test_ids_are_stable_and_relative_to_the_given_folder(corpus: Path, tmp_path: Path) -> None:
    src = corpus / "files/txt/txt_18_utf8crlf.txt"
    (tmp_path / "a" / "b").mkdir(parents=True)
    target = tmp_path / "a" / "b" / "doc.txt"
    target.write_bytes(src.read_bytes())
    (tmp_path / "a" / ".hidden.txt").write_text("hidden")
    first = [r for r in iter_documents([tmp_path / "a"]) if isinstance(r, Document)]
    again = [r for r in iter_documents([tmp_path / "a"]) if isinstance(r, Document)]
    assert [d.path for d in first] == ["b/doc.txt"]
    assert first[0].id == again[0].id == document_id(tmp_path / "a", "b/doc.txt")
    direct = next(iter(iter_documents([target])))
    assert isinstance(direct, Document) and direct.path == "doc.txt"


def test_disclosure_from_folder_names(corpus: Path, tmp_path: Path) -> None:
    data = (corpus / "files/txt/txt_18_utf8crlf.txt").read_bytes()
    layout = {
        "public/a.txt": "public", "依申请公开/b.txt": "on_request", "不予公开/c.txt": "not_public",
        "x/draft/d.txt": "draft", "其他/e.txt": "on_request",
    }  # fmt: skip
    for rel in layout:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    got = {
        r.path: r.meta.disclosure
        for r in iter_documents([tmp_path], default_disclosure="on_request")
        if isinstance(r, Document)
    }
    assert got == layout
    assert folder_disclosure("草稿/x/a.txt") == "draft"
    with pytest.raises(ValueError, match="default_disclosure"):
        list(iter_documents([tmp_path], default_disclosure="secret"))


def test_catalog_overrides_and_reports_bad_rows(corpus: Path, tmp_path: Path) -> None:
    data = (corpus / "files/txt/txt_18_utf8crlf.txt").read_bytes()
    for rel in ("public/a.txt", "public/b.txt", "c.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(
        "path,title,category,agency,doc_number,date,script,index_no,validity,disclosure,"
        "written_date,keywords\n"
        "public/a.txt,目录标题,业务文件,,,2020-05-01,,ABC-1,已废止,依申请公开,二〇一九年三月一日,"
        "养老；医保;社保\n"
        "public/b.txt,,新闻,,,2020-13-01,,,待定,secret,,\n"
        ",,,,,,,,,,,\n"
        ",无路径,,,,,,,,,,\n"
        "public/a.txt,重复,,,,,,,,,,\n",
        encoding="utf-8-sig",
    )
    results = list(iter_documents([tmp_path], catalog=catalog))
    failures = [r for r in results if isinstance(r, IngestFailure)]
    docs = {r.path: r for r in results if isinstance(r, Document)}
    assert set(docs) == {"public/a.txt", "public/b.txt", "c.txt"}  # the CSV itself is skipped
    reasons = " | ".join(f"{f.path}: {f.reason}" for f in failures)  # as the report prints them
    for expected in ("line 3", "unknown category '新闻'", "not a date: '2020-13-01'",
                     "unknown validity '待定'", "unknown disclosure 'secret'", "empty path",
                     "duplicate path (first on line 2)", "line 5:"):  # fmt: skip
        assert expected in reasons, expected
    a = docs["public/a.txt"].meta
    assert (a.title, a.category, a.index_no, a.validity, a.disclosure) == (
        "目录标题", "业务文件", "ABC-1", "repealed", "on_request",
    )  # fmt: skip
    assert a.publish_date is not None and a.publish_date.isoformat() == "2020-05-01"
    assert a.written_date is not None and a.written_date.isoformat() == "2019-03-01"
    assert a.keywords == ("养老", "医保", "社保")
    extracted = docs["c.txt"].meta  # same file, no catalog row
    assert a.doc_number == extracted.doc_number != ""  # empty catalog cell: extraction stays
    b = docs["public/b.txt"].meta
    # a bad 公开方式 cell fails closed (issue 10): not the folder's public level
    assert (b.category, b.disclosure, b.validity) == ("政策法规", "not_public", "valid")


def test_catalog_accepts_chinese_headers_and_gb18030(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("正文", encoding="utf-8")
    catalog = tmp_path / "目录.csv"
    catalog.write_bytes("路径,标题,公开方式,有效性\r\na.txt,标题甲,不予公开,有效\r\n".encode("gb18030"))
    cat = load_catalog(catalog)
    assert cat.errors == ()
    entry = cat.lookup(tmp_path / "a.txt")
    assert entry is not None and entry.values == {
        "title": "标题甲", "disclosure": "not_public", "validity": "valid",
    }  # fmt: skip
    missing = tmp_path / "bad.csv"
    missing.write_text("file_name,title\n", encoding="utf-8")
    assert "no 'path' column (named path or 路径" in str(load_catalog(missing).errors[0])
    # the names spreadsheets give the column (QA pass 23b: 文件路径 and 文件名 were refused)
    for name in ("文件路径", "文件名", "File"):
        other = tmp_path / f"{name}.csv"
        other.write_text(f"{name},标题\na.txt,标题乙\n", encoding="utf-8")
        entry = load_catalog(other).lookup(tmp_path / "a.txt")
        assert entry is not None and entry.values == {"title": "标题乙"}, name


def test_report_summary_and_json(ingested: tuple) -> None:
    _, _, report = ingested
    text = report.summary()
    ok, pdf = 105 + OCR, 32 + OCR
    assert text.startswith(f"112 files: {ok} ingested (docx 26, html 27, pdf {pdf}, txt 20)")
    assert (f"{SCANNED}: scanned PDF, no text layer (needs OCR" in text) != OCR
    data = json.loads(report.to_json())
    assert (data["ok"], data["failed"], data["skipped"]) == (ok, 5, len(SKIPPED))
    assert {f["path"] for f in data["failed_files"]} == set(BROKEN_REASONS)


def test_parallel_workers_give_the_same_documents(corpus: Path) -> None:
    serial = [r for r in iter_documents([corpus / "files/txt"])]
    parallel = [r for r in iter_documents([corpus / "files/txt"], workers=2, progress=True)]
    assert [(d.path, d.id, d.content_hash) for d in serial] == [
        (d.path, d.id, d.content_hash) for d in parallel
    ]


def test_progress_off_a_terminal_is_lines_a_log_can_hold(corpus: Path, monkeypatch, capsys):
    """Under cron an ingest printed nothing until its summary, however long (QA pass 38c); a
    bar's carriage returns would make one unreadable line of the mail. A line every
    PROGRESS_LINE_SECONDS (every file here), plain text; ``progress=False`` prints none."""
    from ingest import files

    monkeypatch.setattr(files, "PROGRESS_LINE_SECONDS", 0.0)
    txt = sorted((corpus / "files/txt").iterdir())[:3]
    assert list(files.map_files(str, txt, progress=True)) == [str(p) for p in txt]
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "ingest: 1 of 3 files read", "ingest: 2 of 3 files read", "ingest: 3 of 3 files read"]
    assert all(line.endswith("min left") and "\r" not in line for line in lines)
    list(files.map_files(str, txt, progress=False))
    assert capsys.readouterr().err == ""


def test_a_run_that_counts_for_itself_says_its_end_once(capsys):
    """``govsearch embed`` reports where it is (done, total) and, with ``last``, its end even
    within the minute: the lines a job's log showed (QA pass 32a)."""
    from ingest.progress import LogLines

    lines = LogLines("embed", "documents", every=3600.0, last=True)
    for done in (1, 2, 3):
        lines.at(done, 3)
    assert capsys.readouterr().err.splitlines() == ["embed: 3 of 3 documents, about 0 min left"]


def test_catalog_rows_match_files_reached_through_links(tmp_path: Path) -> None:
    """Paths are resolved once per folder, not per file (a million files took minutes): a
    folder reached through a link, and a file that is itself a link, still match their rows
    by where they really are, and a link to the catalogue is never taken for a document. A
    link leading out of the folder given is never followed (QA pass 2, item 1)."""
    archive = tmp_path / "archive"
    (archive / "2020").mkdir(parents=True)
    (archive / "links").mkdir()
    (archive / "2020" / "a.txt").write_text("正文甲", encoding="utf-8")
    (archive / "b.txt").write_text("正文乙", encoding="utf-8")
    catalog = archive / "catalog.csv"
    catalog.write_text("path,title\n2020/a.txt,标题甲\nb.txt,标题乙\n", encoding="utf-8")
    os.symlink(archive / "2020", archive / "links" / "year")  # os.walk does not enter it
    os.symlink(archive / "2020" / "a.txt", archive / "links" / "a-link.txt")
    os.symlink(catalog, archive / "links" / "catalog-link.csv")
    os.symlink(archive, tmp_path / "archive-link")
    cat = load_catalog(catalog)
    for given in (archive, tmp_path / "archive-link"):
        by_rel = {t.rel_path: t for t in tasks([given], cat, "public")}
        assert set(by_rel) == {"2020/a.txt", "b.txt", "links/a-link.txt"}  # no catalogue link
        titles = {rel: t.entry.values["title"] for rel, t in by_rel.items() if t.entry}
        assert titles == {"2020/a.txt": "标题甲", "b.txt": "标题乙", "links/a-link.txt": "标题甲"}
        assert not any(t.refused for t in by_rel.values())

    given = tmp_path / "given"  # the same links from a folder outside the archive lead out
    given.mkdir()
    os.symlink(archive / "2020", given / "year")
    os.symlink(archive / "2020" / "a.txt", given / "a-link.txt")
    os.symlink(catalog, given / "catalog-link.csv")
    refused = {t.rel_path: t for t in tasks([given], cat, "public")}
    assert set(refused) == {"a-link.txt", "year"}  # the catalogue's link is left out
    assert all(t.refused and t.entry is None for t in refused.values())
    assert refused["year"].refused.startswith("a symlink to a folder outside the ingested folder")


def test_a_text_name_on_binary_bytes_is_a_reported_skip(corpus: Path, tmp_path: Path) -> None:
    """A screenshot renamed .txt, a PDF named .html, a DOCX named .txt: skipped with the
    reason, never read (the upload answers 415 for the same files), and the run goes on."""
    repo = Path(__file__).resolve().parents[2]
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a-shot.txt").write_bytes((repo / "docs/screenshots/kiosk-keyboard.png").read_bytes())
    (folder / "b-notice.html").write_bytes((corpus / "files/pdf/pdf_01.pdf").read_bytes())
    (folder / "c-draft.txt").write_bytes((corpus / "files/docx/doc_01.docx").read_bytes())
    (folder / "d-ok.txt").write_bytes((corpus / "files/txt/txt_18_utf8crlf.txt").read_bytes())
    report = IngestReport()
    results = list(report.track(iter_documents([folder])))
    assert [r.path for r in results if isinstance(r, Document)] == ["d-ok.txt"]
    reasons = {f.path: f.reason for f in report.skipped}
    assert reasons == {
        "a-shot.txt": "named '.txt' but the content is a PNG image, not TXT text: not read "
        "(rename the file to its real type to ingest it)",
        "b-notice.html": "named '.html' but the content is a PDF, not HTML text: not read "
        "(rename the file to its real type to ingest it)",
        "c-draft.txt": "named '.txt' but the content is a ZIP archive (DOCX, XLSX …), not TXT "
        "text: not read (rename the file to its real type to ingest it)",
    }
    assert report.failed == []
    assert report.summary().startswith("4 files: 1 ingested (txt 1), 3 skipped, 0 failed")


def test_a_scan_s_title_that_is_only_its_file_name_yields_to_its_text(tmp_path: Path) -> None:
    """QA pass 7: a scanned PDF saved by Pillow carries its file name as its Title, and that
    name (臺灣法規掃描) stood above the recognised text's own title (新市鎮開發條例). On a scan, a
    stated title equal to the file's name that the text does not bear out is no title; a file
    an office program wrote and named by its title keeps it (北京市自动驾驶汽车条例.pdf says only
    本条例 in its text)."""
    from docx import Document as Docx

    from ingest.ocr import engines
    from tests.ingest.test_ocr import SIMPLIFIED, _text, small_page

    if engines.default() is None:
        pytest.skip("no OCR engine installed")
    import pypdfium2 as pdfium

    folder = tmp_path / "archive"
    folder.mkdir()
    body = "关于加强住房公积金管理的通知\n" + _text(SIMPLIFIED)
    image, _ = small_page(body, "simplified", lines=3)
    image.save(folder / "扫描件第一批.pdf")  # Pillow writes the file name as the PDF's Title
    untitled, _ = small_page(_text(SIMPLIFIED), "simplified", lines=2)
    untitled.save(folder / "扫描件第二批.pdf")  # a text without a title line keeps the name
    stated = pdfium.PdfDocument(folder / "扫描件第一批.pdf").get_metadata_dict()["Title"]
    assert stated == "扫描件第一批"
    d = Docx()
    d.core_properties.title = "关于做好防汛工作的通知"
    d.add_paragraph("各区人民政府：为切实做好今年防汛工作，现就有关事项通知如下。")
    d.save(folder / "关于做好防汛工作的通知.docx")
    docs = {d.path: d for d in iter_documents([folder]) if isinstance(d, Document)}
    scan = docs["扫描件第一批.pdf"]
    assert scan.text_source == "ocr" and scan.meta.title == "关于加强住房公积金管理的通知"
    assert docs["扫描件第二批.pdf"].meta.title == "扫描件第二批"
    assert docs["关于做好防汛工作的通知.docx"].meta.title == "关于做好防汛工作的通知"


def test_a_catalogue_date_out_of_any_document_s_range_is_reported(tmp_path: Path) -> None:
    """QA pass 8: 0001-01-01 and 9999-12-31 were taken as dates (the timeliness report then
    said to upgrade its calendar "when the new year is announced")."""
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(
        "path,发布日期,成文日期\na.txt,9999-12-31,0001-01-01\nb.txt,2019-03-01,1949-10-01\n",
        encoding="utf-8",
    )
    cat = load_catalog(catalog)
    assert [e.reason.split(":")[0] for e in cat.errors] == ["column 发布日期", "column 成文日期"]
    assert all("date out of range" in e.reason for e in cat.errors)
    assert "publish_date" not in cat.entries["a.txt"].values
    assert cat.entries["b.txt"].values["written_date"].year == 1949


def test_validity_as_law_databases_write_it(tmp_path: Path) -> None:
    """QA pass 20: 部分失效, 已修改 and 尚未生效 were refused as unknown and the documents shown
    有效: an amended version is no longer the text in force; a text partly repealed, or not yet
    in force, still holds (or will hold) the rule."""
    catalog = tmp_path / "catalog.csv"
    cells = {"a.txt": "部分失效", "b.txt": "已修改", "c.txt": "尚未生效", "d.txt": "已被修改"}
    catalog.write_text(
        "path,有效性\n" + "".join(f"{p},{v}\n" for p, v in cells.items()), encoding="utf-8"
    )
    cat = load_catalog(catalog)
    assert not cat.errors, cat.errors
    got = {p: cat.entries[p].values["validity"] for p in cells}
    assert got == {"a.txt": "valid", "b.txt": "expired", "c.txt": "valid", "d.txt": "expired"}


def test_a_row_names_a_file_whose_name_is_in_gbk_bytes(tmp_path: Path) -> None:
    """QA pass 23b: a file named in GBK bytes (copied from Windows) never matched its row:
    its bytes read as UTF-8 hold combining marks (通知's cd a8 d6 aa), which normalising
    reordered, so the name read back as 青松县知通.txt; the row was reported as naming no
    file, with a garbled "did you mean"."""
    name = "青松县通知.txt".encode("gbk")
    path = Path(os.fsdecode(bytes(tmp_path) + b"/" + name))
    path.write_text("青松县关于做好防汛工作的通知\n正文。", encoding="utf-8")
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("path,title,公开方式\n青松县通知.txt,甲,不予公开\n", encoding="utf-8")
    entry = load_catalog(catalog).lookup(path)
    assert entry is not None and entry.values["disclosure"] == "not_public"


def test_a_reason_many_files_share_is_one_line_of_the_summary():
    """199 identical "kept as catalogued" lines filled a cron mail (QA pass 38c); a reason a
    few files share still names each, and every path stays in the report itself."""
    report = IngestReport()
    same = "kept as catalogued by c.csv (public): this ingest has no catalogue row for it"
    for i in range(199):
        report.skip(f"docs/{i:03}.txt", same)
    for i in range(2):
        report.skip(f"other/{i}.txt", "a reason of its own")
    lines = report.summary().splitlines()
    assert lines[1:] == [
        "skipped:",
        "  199 files (docs/000.txt, docs/001.txt, docs/002.txt and 196 more; --report lists them "
        "all): " + same,
        "  other/0.txt: a reason of its own",
        "  other/1.txt: a reason of its own",
    ]
    assert len(json.loads(report.to_json())["skipped_files"]) == 201


def test_a_file_name_never_acts_on_the_terminal():
    """QA pass 40a: a file name holding OSC 52 (writes the clipboard) and OSC 0 (the window's
    title) was printed as it was, and one holding newlines printed a forged "failed:" line.
    Control characters are written as escapes; the JSON report has its own."""
    report = IngestReport()
    report.fail("osc52_\x1b]52;c;ZWNobyBwd25lZA==\x07.txt", "empty file")
    report.fail("nl\nfailed:\n  forged.txt: this line is forged\nx.txt", "empty file")
    report.fail("bidi_\u202etxt.exe", "empty file \x1b[2J")
    text = report.summary()
    assert not any(c in text for c in "\x1b\x07\u202e")
    lines = text.splitlines()
    assert lines.count("failed:") == 1 and not any("forged.txt:" in x and x.startswith("  forged")
                                                   for x in lines)  # fmt: skip
    assert "  nl\\nfailed:\\n  forged.txt: this line is forged\\nx.txt: empty file" in lines
    assert "osc52_\\x1b]52;c;ZWNobyBwd25lZA==\\x07.txt" in text
    assert json.loads(report.to_json())["failed_files"][0]["path"].startswith("osc52_\x1b")


def test_keywords_are_split_at_every_list_separator_people_use():
    """QA pass 39a: 主题词 养老、医疗 was stored as one keyword (，；, ; split)."""
    from ingest.catalog import parse_cell
    from model.fields import BY_NAME

    keywords = BY_NAME["keywords"]
    for typed in ("养老、医疗；社保", "养老,医疗;社保", "养老， 医疗、 社保"):
        assert parse_cell(keywords, typed) == ("养老", "医疗", "社保"), typed


def test_an_archives_word_for_void_is_repealed(corpus: Path, tmp_path: Path) -> None:
    """QA pass 42a: 作废, the archivist's word for a document declared void, was refused as an
    unknown 有效性 and the row ignored: the document showed 有效."""
    (tmp_path / "a.txt").write_bytes((corpus / "files/txt/txt_18_utf8crlf.txt").read_bytes())
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("path,validity\na.txt,已作废\n", encoding="utf-8")
    [doc] = [r for r in iter_documents([tmp_path], catalog=catalog) if isinstance(r, Document)]
    assert doc.meta.validity == "repealed"


def test_a_catalogue_without_a_column_keeps_what_an_earlier_one_gave(
    corpus: Path, tmp_path: Path
) -> None:
    """QA pass 45a: a one-row catalogue given to fix a title (``path,title,公开方式``) erased the
    发布日期 an earlier catalogue had given, without a word; the timeliness report then listed
    the document as lacking a date. Such a catalogue says nothing of the columns it lacks: what
    the earlier one gave stays, and the report says so. An empty cell is a statement ("none"),
    and a changed file is written as its new text says."""
    from model.viewer import STAFF
    from pipeline.run import run_ingest
    from search_index.embedded import EmbeddedIndex
    from search_index.index import SearchIndex

    folder = tmp_path / "archive"
    folder.mkdir()
    names = ("govcn_001.txt", "govcn_002.txt")
    for name in names:
        (folder / name).write_bytes((corpus / "docs/govcn_policy" / name).read_bytes())
    full = folder / "full.csv"
    full.write_text(
        "path,title,written_date,publish_date,有效性,公开方式\n"
        "govcn_001.txt,甲通知,2019-01-27,2019-02-01,废止,主动公开\n"
        "govcn_002.txt,乙通知,2019-01-20,2019-01-25,,主动公开\n",
        encoding="utf-8",
    )
    index = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    first = run_ingest(index, [folder], catalog=full, workers=1)
    ids = dict(first.ingested)
    assert sorted(ids) == sorted(names)

    def ingest(catalog: Path) -> tuple:
        report = run_ingest(index, [folder], catalog=catalog, workers=1)
        return report, {p: index.get(i, STAFF) for p, i in ids.items()}

    fix = folder / "fix.csv"
    fix.write_text(
        "path,title,公开方式\ngovcn_001.txt,甲通知（改）,主动公开\n"
        "govcn_002.txt,乙通知（改）,主动公开\n", encoding="utf-8",
    )  # fmt: skip
    report, docs = ingest(fix)
    a, b = docs["govcn_001.txt"], docs["govcn_002.txt"]
    assert a.title == "甲通知（改）" and (a.written_date, a.publish_date) == (
        "2019-01-27", "2019-02-01"
    )
    # 废止 is not undone by a catalogue without 有效性, and is no assumption
    assert (a.validity, a.validity_assumed) == ("repealed", "")
    assert (b.title, b.publish_date) == ("乙通知（改）", "2019-01-25")
    warned = {w.path: w.reason for w in report.warned}
    said = warned["govcn_001.txt"]
    assert "发布日期 2019-02-01" in said and "full.csv" in said
    # an empty cell in a column the catalogue has says "none"
    blank = folder / "blank.csv"
    blank.write_text("path,title,publish_date,公开方式\ngovcn_001.txt,甲通知,,主动公开\n",
                     encoding="utf-8")  # fmt: skip
    _, docs = ingest(blank)
    assert docs["govcn_001.txt"].publish_date != "2019-02-01"
    # a changed file is its new text and row: nothing of the earlier row is kept for it
    ingest(full)
    (folder / "govcn_002.txt").write_text("国务院办公厅通知\n全文改写。", encoding="utf-8")
    _, docs = ingest(fix)
    assert docs["govcn_002.txt"].publish_date != "2019-01-25"
    index.close()
