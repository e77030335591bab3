"""Format registry, content detection and the HTML/PDF/DOCX extractors on real files."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest

from duplicates.textdiff import diff
from ingest.errors import (
    ExtractionError,
    ExtractionTimeout,
    MislabelledContent,
    UnsafeFile,
    UnsupportedFormat,
)
from ingest.formats import Extracted, Format, detect, extract, formats, register, unregister
from ingest.formats import docx as docx_format
from ingest.formats import pdf as pdf_format
from ingest.formats.pages import strip_running_lines

from .conftest import han


def test_builtins_registered_through_the_same_seam() -> None:
    assert [f.name for f in formats()] == ["docx", "pdf", "image", "html", "txt"]


def test_a_fifth_format_registers_like_the_builtins() -> None:
    def extract_md(data: bytes, filename: str) -> Extracted:
        return Extracted(text=data.decode().lstrip("# "), title="md")

    register(Format(name="md", extensions=("md",), extract=extract_md))
    try:
        with pytest.raises(ValueError, match="already registered"):
            register(Format(name="md", extensions=("md",), extract=extract_md))
        fmt, ex = extract("# 标题".encode(), "readme.md")
        assert (fmt, ex.text) == ("md", "标题")
    finally:
        unregister("md")
    with pytest.raises(UnsupportedFormat):
        detect(b"# x", "readme.md")


def test_detection_is_by_content_not_extension(corpus: Path) -> None:
    pdf = (corpus / "files/pdf/pdf_01.pdf").read_bytes()
    docx = (corpus / "files/docx/doc_01.docx").read_bytes()
    html = (corpus / "files/html/page_07.html").read_bytes()
    assert detect(pdf, "scan.doc").name == "pdf"
    assert detect(docx, "misnamed.pdf").name == "docx"
    assert detect(html, "page.txt").name == "html"
    assert detect("正文".encode(), "notes.txt").name == "txt"


REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["notes.txt", "NOTES.TXT", "page.html", "page.htm", "x.text"])
@pytest.mark.parametrize(
    ("path", "what"),
    [
        (REPO / "docs/screenshots/kiosk-keyboard.png", "a PNG image"),
        (REPO / "samples/files/pdf/pdf_02.pdf", "a PDF"),
        (REPO / "samples/files/scan/pdf_01_scan_p1.pdf", "a PDF"),
        (REPO / "samples/files/docx/doc_17.docx", "a ZIP archive"),
    ],
)
def test_a_text_name_on_binary_content_is_refused(path: Path, what: str, name: str) -> None:
    """README: "a PNG or PDF named .txt or .html is a 415"; every ingest skips it, says why."""
    data = path.read_bytes()
    ext = name.rsplit(".", 1)[1].lower()
    with pytest.raises(MislabelledContent, match=f"named '.{ext}' but the content is {what}"):
        detect(data, name)
    with pytest.raises(UnsupportedFormat):  # the subclass: ingest reports it as skipped
        extract(data, name)
    if path.suffix != ".png":  # under its own name it is read (an image only with OCR)
        assert detect(data, path.name).name == path.suffix.lstrip(".")


@pytest.mark.parametrize("name", ["notes.jpg", "notes.png", "notes.tif"])
def test_text_under_an_image_name_is_said_to_be_text(name: str) -> None:
    """QA pass 37b: notes saved as .jpg were "not a TIFF, PNG or JPEG image", where files are
    identified by content: the content is said, and the way to read it."""
    data = "关于做好政府信息公开工作的通知\n各单位：请按要求做好工作。\n".encode()
    ext = name.rsplit(".", 1)[1]
    with pytest.raises(MislabelledContent, match=f"named '.{ext}' but the content is text"):
        detect(data, name)
    assert extract(data, "notes.txt")[1].text.startswith("关于做好政府信息公开工作的通知")


def test_a_zip_that_is_no_docx_under_a_text_name_is_refused() -> None:
    data = _zip({"xl/workbook.xml": b"<x/>"})
    with pytest.raises(MislabelledContent, match="ZIP archive"):
        detect(data, "sheet.txt")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"GIF89a....", "scan.pdf", "GIF image"),  # PNG/JPEG/TIFF are scans: test_ocr.py
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "old.doc", "legacy OLE2"),
        # text under a name no format has: said to be text (QA pass 27b: a .md "not text")
        (b"hello", "data.xyz", "'.xyz' is not one govsearch reads, though its content is text"),
        ("# 标题\n关于做好绿化工作的通知。\n".encode(), "a.md", "rename it .txt"),
        (b"\x00\x01\x02\x03" * 64, "data.bin", "type '.bin': content not recognised"),
        # a catalogue left beside the documents says what it is (QA pass 12: "unsupported")
        ("path,公开方式\na.txt,主动公开\n".encode(), "catalog.csv", "give it with --catalog"),
        ("\ufeff路径,标题\n".encode(), "目录.csv", "a catalogue"),
        ("文件,标题\n".encode("gb18030"), "目录.csv", "a catalogue"),
        (b"a,b,c\n1,2,3\n", "table.csv", "file type '.csv' is not one govsearch reads"),
    ],
)
def test_unsupported_types_have_clear_errors(data: bytes, name: str, message: str) -> None:
    with pytest.raises(UnsupportedFormat, match=message):
        detect(data, name)


def test_html_drops_chrome_and_reads_metadata(
    corpus: Path, files_manifest: list[dict[str, str]]
) -> None:
    rows = [r for r in files_manifest if r["format"] == "html"]
    assert len(rows) == 27
    for row in rows:
        fmt, ex = extract((corpus / row["path"]).read_bytes(), row["path"])
        source = (corpus / row["source_doc"]).read_text(encoding="utf-8")
        assert fmt == "html"
        for chrome in ("网站地图", "網站地圖", "联系我们", "聯繫我們", "相关链接", "相關鏈接",
                       "首页", "首頁", "ICP", "政府网站标识码", "当前位置", "打印"):  # fmt: skip
            if chrome not in source:  # one real Tainan text quotes its own page's menu
                assert chrome not in ex.text, (row["path"], chrome)
        assert ex.title, row["path"]
    _, ex = extract((corpus / "files/html/page_02.html").read_bytes(), "page_02.html")
    assert ex.properties["发文字号"] == "国函〔2006〕132号"
    assert ex.properties["索引号"] == "000014349/2006-00209"
    assert ex.properties["encoding"] == "gb18030"  # declared gb2312, bytes GBK
    assert ex.properties["ContentSource"] == "国务院"


def test_html_survives_a_wrong_charset_declaration() -> None:
    page = '<html><head><meta charset="gb2312"><title>通知</title></head><body><p>第一条 正文</p>'
    _, ex = extract(page.encode("utf-8"), "x.html")
    assert "第一条 正文" in ex.text
    assert ex.properties["encoding"] == "utf-8"


def test_a_doctype_with_entities_is_dropped_whole_never_expanded() -> None:
    """QA pass 40a: a billion-laughs or external-entity DOCTYPE was not expanded, but its end,
    ]>, led the title and the text (]>laughs)."""
    laughs = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    page = (f'<!DOCTYPE html [<!ENTITY lol0 "lol">{laughs}]><html><head><title>通知</title>'
            "</head><body><p>&lol9; 政务公开</p></body></html>")  # fmt: skip
    _, ex = extract(page.encode("utf-8"), "laughs.html")
    assert ex.title == "通知" and "]>" not in ex.text and "政务公开" in ex.text
    assert "lollol" not in ex.text  # nothing expanded
    xxe = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>公告</title></head>'
           "<body><p>&xxe; 正文</p></body></html>")  # fmt: skip
    _, ex = extract(xxe.encode("utf-8"), "xxe.xhtml")
    assert ex.title == "公告" and "]>" not in ex.text and "root:" not in ex.text


def test_html_blocks_become_lines_and_cells_tabs() -> None:
    page = (
        "<html><body><div class='content'><p>甲</p><p>乙<br>丙</p>"
        "<table><tr><td>项目</td><td>金额</td></tr></table></div></body></html>"
    )
    _, ex = extract(page.encode(), "x.html")
    assert ex.text.split("\n") == ["甲", "乙", "丙", "项目\t金额"]


@pytest.mark.parametrize("engine", pdf_format.ENGINES)
def test_pdf_engines_extract_the_same_characters(corpus: Path, engine: str) -> None:
    data = (corpus / "files/pdf/pdf_13.pdf").read_bytes()
    source = (corpus / "docs/lawrefbook/xingzheng_fagui/lrb_02755.txt").read_text("utf-8")
    ex = pdf_format.extract_with(data, pdf_format.PdfOptions(engine=engine, timeout=None))
    assert han(ex.text) == han(source)
    assert ex.properties["pages"] == "3"


def test_pdf_default_engine_is_the_measured_one() -> None:
    assert pdf_format.PdfOptions().engine == "pypdfium2"


def test_pdf_running_headers_and_page_numbers_are_removed(corpus: Path) -> None:
    _, ex = extract((corpus / "files/pdf/pdf_06.pdf").read_bytes(), "pdf_06.pdf")
    lines = ex.text.split("\n")
    assert not any(line.strip().isdigit() for line in lines)
    assert sum("政府工作报告" == line.strip() for line in lines) <= 1


def test_a_footer_of_文号_and_page_number_is_removed_not_its_text(corpus: Path) -> None:
    """QA pass 7: pdf_01's footer, 国办函〔2018〕71 号　— 1 — (— 2 —, …), stayed in the text
    at every page break (the same in a scan of it): the line differs from page to page only by
    its number. The 文号 itself stays where the text states it."""
    _, ex = extract((corpus / "files/pdf/pdf_01.pdf").read_bytes(), "pdf_01.pdf")
    assert not re.search(r"71\s*号\s*[—-]+\s*\d", ex.text), ex.text
    assert "政府网站集约化试点工作方案" in ex.text
    # a numbered line inside the body (not a running line) is kept
    pages = [f"第{n}条 内容{n}\n正文第{n}页\n国办函〔2018〕71号 — {n} —" for n in range(1, 5)]
    kept = strip_running_lines(pages)
    assert all(f"第{n}条 内容{n}" in kept[n - 1] and "71号" not in kept[n - 1]
               for n in range(1, 5))  # fmt: skip


def _number_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip().isdigit()]


def test_table_cells_at_a_page_break_are_no_page_numbers(corpus: Path) -> None:
    """QA pass 16: pdf_27 (洪泽区's 2024 report) lost 15 table cells that a page break put at
    a page's first or last two lines, the 95 applications received among them, and the
    duplicate check saw "95 → 0". A bare number is a page number only when the document
    numbers its pages with it; every cell the text layer has stays."""
    data = (corpus / "files/pdf/pdf_27.pdf").read_bytes()
    _, ex = extract(data, "pdf_27.pdf")
    assert "总计\n95\n0\n0\n0\n0\n0\n95\n" in ex.text
    pages, _ = pdf_format.run_engine(pdf_format.options().engine, data)
    assert _number_lines(ex.text) == _number_lines("\n".join(pages))
    source = (corpus / "docs/annual_report/hongze_2024.txt").read_text(encoding="utf-8")
    assert diff(ex.text, source).identical  # it was "只有数字不同：95 → 0"


def test_the_original_reports_lose_their_page_marks_not_their_cells(corpus: Path) -> None:
    """The published 洪泽区 PDF read by pdfminer ends page 2 with "- 2 -" then a cell (9487)
    and page 3 with cells then "- 3 -": the marks go, the cells stay."""
    data = (corpus / "files/original/hongze_2024_original.pdf").read_bytes()
    ex = pdf_format.extract_with(data, pdf_format.PdfOptions(engine="pdfminer", timeout=None))
    assert not re.search(r"^\s*-\s*\d+\s*-\s*$", ex.text, re.MULTILINE)
    pages, _ = pdf_format.run_engine("pdfminer", data)
    assert _number_lines(ex.text) == _number_lines("\n".join(pages))
    assert "\n9487\n" in ex.text


def test_bare_page_numbers_that_follow_the_page_index_are_removed(corpus: Path) -> None:
    """pdf_06's footers (— 1 —, — 2 —, …) written as bare numbers, as many PDFs print them,
    and again with an unnumbered cover: the numbers go, a cell equal to one of them stays."""
    data = (corpus / "files/pdf/pdf_06.pdf").read_bytes()
    pages, _ = pdf_format.run_engine(pdf_format.options().engine, data)
    bare = [re.sub(r"— (\d+) —", r"\1", page) for page in pages]
    assert len(_number_lines("\n".join(bare))) == len(pages)
    assert _number_lines("\n".join(strip_running_lines(bare))) == []
    cover = ["封面\n2024"] + [f"{page}\n4" if n == 3 else page for n, page in enumerate(bare, 1)]
    assert _number_lines("\n".join(strip_running_lines(cover))) == ["2024", "4"]


@pytest.mark.parametrize(
    "pages",
    [
        # the QA reproduction: table cells at page edges, no number sequence
        [
            "规章\n0\n0\n0\n行政规范性文件",
            "表头\n合计\n95\n0\n0",
            "95\n0\n第三页正文\n12\n7",
            "3\n5\n第四页\n很多文字\n88",
        ],
        # the same cell on the edge of every page is no running footer
        [f"正文{n}\n0" for n in range(5)],
        # signed numbers are no page marks
        [f"正文{n}\n-{n + 1}" for n in range(4)],
    ],
)
def test_numbers_that_do_not_number_the_pages_are_kept(pages: list[str]) -> None:
    assert strip_running_lines(pages) == pages


@pytest.mark.parametrize(
    "mark",
    ["- 3 -", "— 3 —", "－3－", "第3页", "第 3 页 共 12 页", "3/12", "Page 3", "page 3 of 12"],
)
def test_a_page_mark_is_removed_even_on_a_single_page(mark: str) -> None:
    assert strip_running_lines([f"正文\n{mark}"]) == ["正文"]
    assert strip_running_lines([f"{mark}\n正文"]) == ["正文"]


def test_a_page_left_out_does_not_shift_the_page_numbers() -> None:
    """A scan whose third page was illegible gives pages 0, 1, 3, 4: their bare numbers are
    1, 2, 4, 5, which follow the pages' places in the document, not their order in the list."""
    pages = [f"正文{n}\n{n + 1}" for n in (0, 1, 3, 4)]
    assert strip_running_lines(pages, [0, 1, 3, 4]) == [f"正文{n}" for n in (0, 1, 3, 4)]
    assert strip_running_lines(pages) == pages  # read as pages 0-3: two sequences, neither most


def test_numbers_at_the_top_follow_the_page_index_too() -> None:
    pages = [f"{n + 5}\n{n + 5}\n正文{n}" for n in range(4)]  # a cell equal to the number
    assert strip_running_lines(pages) == [f"{n + 5}\n正文{n}" for n in range(4)]


def _sleep_forever(seconds: float) -> None:
    time.sleep(seconds)


def test_time_limit_kills_a_looping_parser() -> None:
    start = time.monotonic()
    with pytest.raises(ExtractionTimeout, match="time limit"):
        pdf_format.run_with_timeout(_sleep_forever, (30.0,), 0.5)
    assert time.monotonic() - start < 10


def test_pdf_timeout_is_configurable() -> None:
    before = pdf_format.options()
    try:
        assert pdf_format.configure(timeout=5).timeout == 5.0
        assert pdf_format.configure(timeout=0).timeout is None
        with pytest.raises(ValueError, match="unknown PDF engine"):
            pdf_format.configure(engine="ocr")
    finally:
        pdf_format.configure(engine=before.engine, timeout=before.timeout or 0)


def test_encrypted_or_garbage_pdf_is_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match="damaged PDF|no %%EOF"):
        extract(b"%PDF-1.7\n1 0 obj garbage\n%%EOF\n", "x.pdf")


def _pdf_of_one_page_listed(n: int) -> bytes:
    """A valid PDF whose page tree lists one text page ``n`` times."""
    stream = b"BT /F1 12 Tf 20 100 Td (hello page text) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join([b"3 0 R"] * n) + b"] /Count %d >>" % n,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_a_pdf_listing_more_pages_than_the_limit_says_so_at_once() -> None:
    """200,000 references to one page: 19 s, then "no text found" (QA pass 5). Beyond
    MAX_PDF_PAGES the file is refused before any page is read, naming the limit."""
    _, few = extract(_pdf_of_one_page_listed(3), "few.pdf")
    assert few.properties["pages"] == "3"  # (a line on every page is a running header)
    t0 = time.perf_counter()
    with pytest.raises(ExtractionError, match=f"{pdf_format.MAX_PDF_PAGES:,}"):
        extract(_pdf_of_one_page_listed(200_000), "many.pdf")
    assert time.perf_counter() - t0 < 10


def test_padding_after_the_end_marker_is_not_truncation(corpus: Path) -> None:
    """QA pass 2, item 5: pdf_02.pdf with 8 KB of NULs after %%EOF (a download or a copy padded
    to a block) was refused as truncated; it reads like the file itself, and so does one with
    a mailer's text after it."""
    data = (corpus / "files/pdf/pdf_02.pdf").read_bytes()
    _, whole = extract(data, "pdf_02.pdf")
    for tail in (b"\x00" * 8192, b"\r\n" + "-- 本邮件已经过病毒扫描 --\r\n".encode() * 300):
        _, padded = extract(data + tail, "padded.pdf")
        assert padded.text == whole.text and padded.title == whole.title


def test_a_pdf_cut_after_an_earlier_end_marker_is_truncated(corpus: Path) -> None:
    """The end marker is looked for before any padding, not anywhere: a linearized PDF cut
    short still has the %%EOF of its first part, with objects after it; an update cut short
    likewise."""
    scan = (corpus / "files/broken/broken_scanned_no_text.pdf").read_bytes()
    assert scan.find(b"%%EOF") < 1024 < scan.rfind(b"%%EOF")  # linearized: two markers
    whole = (corpus / "files/pdf/pdf_02.pdf").read_bytes()
    update = whole + b"\n12 0 obj\n<< /Type /Annot /Subtype /Text /Contents (x"
    truncated = (corpus / "files/broken/broken_truncated.pdf").read_bytes()
    for data in (scan[: len(scan) // 2], update, update + b"\x00" * 4096, truncated):
        with pytest.raises(ExtractionError, match="truncated or incomplete PDF"):
            extract(data, "cut.pdf")


def test_docx_headers_footers_and_tables(corpus: Path) -> None:
    _, ex = extract((corpus / "files/docx/doc_01.docx").read_bytes(), "doc_01.docx")
    assert ex.title == "国务院关于印发《国务院工作规则》的通知"
    assert ex.properties["header"] == "国务院"
    assert ex.properties["footer"].startswith("国发〔2004〕18号")
    assert ex.properties["发文字号"] == "国发〔2004〕18号"  # gov.cn metadata table
    assert "索引号" not in ex.text and "索 引 号" not in ex.text
    assert ex.text.count("国发〔2004〕18号") == 1  # the body's own line, not the footer
    _, ex = extract((corpus / "files/docx/doc_17.docx").read_bytes(), "doc_17.docx")
    assert any("\t" in line for line in ex.text.split("\n"))


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return buf.getvalue()


def test_docx_zip_bomb_refused_before_inflating() -> None:
    bomb = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * (20 * 2**20)})
    assert len(bomb) < 100_000
    with pytest.raises(UnsafeFile, match="compression ratio"):
        extract(bomb, "bomb.docx")
    big = _zip({"word/document.xml": b"<w/>", "a.bin": b"x" * 5000})
    limits = docx_format.ZipLimits(max_total_uncompressed=1000)
    with pytest.raises(UnsafeFile, match="inflate"):
        docx_format.check_zip(big, limits)


def test_docx_whose_large_xml_fails_to_parse_names_the_memory_limit(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA pass 30b: a DOCX whose XML inflates to 262 MB passed the ZIP checks and, out of memory
    in lxml ("unknown error"), was called a damaged DOCX. Large XML that fails to parse is
    reported as over the memory limit; the parser's failure stands in for the memory running
    out, which a test cannot afford to cause."""
    import docx

    data = (corpus / "files/docx/doc_01.docx").read_bytes()

    def out_of_memory(*args: object, **kwargs: object) -> None:
        raise ValueError("unknown error (<string>, line 0)")

    monkeypatch.setattr(docx, "Document", out_of_memory)
    monkeypatch.setattr(docx_format, "LARGE_XML_BYTES", 1000)
    with pytest.raises(UnsafeFile, match="within the memory limit"):
        docx_format.extract(data, "big.docx")
    monkeypatch.setattr(docx_format, "LARGE_XML_BYTES", 10**12)
    with pytest.raises(ExtractionError, match="damaged DOCX"):
        docx_format.extract(data, "small.docx")


def test_docx_not_a_zip_and_zip_without_document() -> None:
    with pytest.raises(ExtractionError, match="not a ZIP"):
        docx_format.extract("纯文本".encode(), "x.docx")
    with pytest.raises(UnsupportedFormat, match="not a Word document"):
        docx_format.extract(_zip({"xl/workbook.xml": b"<x/>"}), "x.docx")


def test_a_stray_nul_byte_is_removed_and_said_binary_is_still_refused(corpus: Path) -> None:
    """QA pass 44b: one NUL byte in a Chinese notice (Word and OCR exports leave them) failed
    the whole file as "binary content". A few strays are removed and the report says so (the
    ``repaired`` warning); bytes that are mostly NULs or controls are still no text."""
    from ingest.formats.encoding import REPAIRED

    texts = (p.read_text(encoding="utf-8") for p in sorted((corpus / "docs").rglob("*.txt")))
    text = next(t for t in texts if len(t) > 3000)
    data = text.encode("utf-8")
    one = data[:600] + b"\x00" + data[600:]
    fmt, got = extract(one, "notice.txt")
    assert fmt == "txt" and "\x00" not in got.text and len(got.text) >= len(text) - 5
    assert got.properties[REPAIRED] == "1 stray NUL byte removed"
    spaced = b"\x00".join(data[i : i + 40] for i in range(0, len(data), 40))  # one per 40 bytes
    with pytest.raises(ExtractionError, match="binary content"):
        extract(spaced, "spaced.txt")
    # a page's too (QA pass 44c: its parser dropped the NUL without a word)
    page = (corpus / "files/html/page_09.html").read_bytes()
    cut = page.index(b"</p>")
    fmt, got = extract(page[:cut] + b"\x00" + page[cut:], "notice.html")
    assert fmt == "html" and "\x00" not in got.text
    assert got.properties[REPAIRED] == "1 stray NUL byte removed"
    assert got.text == extract(page, "notice.html")[1].text
    with pytest.raises(ExtractionError, match="binary content"):
        extract(b"\x00".join(page[i : i + 40] for i in range(0, len(page), 40)), "x.html")


def test_one_metadata_table_reads_alike_in_docx_and_html() -> None:
    """QA pass 48a: the DOCX and HTML readers kept their own lists of the gov.cn metadata
    table's labels, and they had drifted: the same table gave a 發佈日期 from HTML and none
    from DOCX (an undated document in the timeliness report). Both key the labels of either
    script as ``ingest.labels`` does, 發文日期 and 時效性 too."""
    import docx

    rows = [("索引號", "000014349/2020-00001", "發文機關", "某某市人民政府"),
            ("發文日期", "2020-03-01", "發佈日期", "2020-03-05"),
            ("標題", "關於做好政務公開工作的通知", "時效性", "有效")]  # fmt: skip
    body = "各區人民政府：現就政務公開工作通知如下。" * 5
    document = docx.Document()
    table = document.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph(body)
    buf = io.BytesIO()
    document.save(buf)
    cells = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in rows)
    page = (f"<html><head><title>通知</title></head><body><table>{cells}</table>"
            f"<p>{body}</p></body></html>").encode()  # fmt: skip
    expected = {"索引号": "000014349/2020-00001", "发文机关": "某某市人民政府",
                "成文日期": "2020-03-01", "发布日期": "2020-03-05",
                "标题": "關於做好政務公開工作的通知", "有效性": "有效"}  # fmt: skip
    for data, name in ((buf.getvalue(), "a.docx"), (page, "a.html")):
        _, ex = extract(data, name)
        assert {k: ex.properties.get(k) for k in expected} == expected, name


@pytest.mark.parametrize("label", ["文　　号", "文號", "字号", "文件编号", "發文字號"])
def test_a_metadata_tables_short_name_for_the_文号_keeps_it(label: str) -> None:
    """QA pass 48d: a table naming the number 文　　号 (as local sites do), 字号 or 文件编号 lost
    it: the table is taken out of the text, and only 发文字号 was read from it."""
    rows = [("索引号", "000014349/2021-00033", "发布机构", "某市交通局"),
            (label, "某交发〔2021〕33号", "发布日期", "2021-03-05")]  # fmt: skip
    cells = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in rows)
    body = "各区交通部门：现就有关事项通知如下。" * 5
    page = (f"<html><head><title>通知</title></head><body><table>{cells}</table>"
            f"<p>{body}</p></body></html>").encode()  # fmt: skip
    _, ex = extract(page, "a.html")
    assert ex.properties.get("发文字号") == "某交发〔2021〕33号", ex.properties


def test_a_binary_mark_after_a_blank_line_is_text_an_rtf_mark_is_not() -> None:
    """QA pass 51c: the check for a text format's mark after the blank lines an editor leaves
    (QA 49c: an RTF so was compared as its markup) ran for every binary mark, so a note whose
    first line, after a blank one, began GIF89a was refused as an image."""
    note = "\n\nGIF89a 格式的图片不得作为附件报送。\n".encode()
    assert detect(note, "说明.txt").name == "txt"
    with pytest.raises(UnsupportedFormat, match="RTF"):
        detect(b"\r\n\r\n{\\rtf1\\ansi x}", "草稿.txt")
    # ... and a GIF after blank lines is still a GIF, not "binary content" (QA pass 52b)
    gif = b"GIF89a\x04\x00\x04\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00"
    with pytest.raises(UnsupportedFormat, match="GIF image"):
        detect(b"\n\n" + gif, "图.gif")
