"""PDFium's text with the characters it places apart on the page kept apart (QA pass 16).

pdf_27 (洪泽区's 2024 report) had its table cells glued by PDFium into ``0900100110`` and a
45-digit ``3100…0``: 54 figures pdfminer reads were missing. The separation must not put a
space into Chinese running text, where it would change how jieba cuts the words.
"""

from __future__ import annotations

import ctypes
import io
import math
import re
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from ingest.formats import extract
from ingest.formats import pdf_spacing as spacing
from ingest.formats.pdf_spacing import page_text, separator, turn

_NUMBER_RE = re.compile(r"\d+")
_HAN_SPACE_HAN_RE = re.compile(r"[\u4e00-\u9fff][ \t\u3000]+[\u4e00-\u9fff]")


def _numbers(text: str) -> Counter[str]:
    return Counter(_NUMBER_RE.findall(text))


def test_pdf_27_keeps_its_table_cells_as_the_numbers_pdfminer_reads(corpus: Path) -> None:
    """Every run of digits pdfminer reads in pdf_27 is in the extracted text, and no glued run
    that pdfminer does not read (page numbers: this PDF has none)."""
    from pdfminer.high_level import extract_text

    data = (corpus / "files/pdf/pdf_27.pdf").read_bytes()
    _, ex = extract(data, "pdf_27.pdf")
    pdfminer_numbers = _numbers(extract_text(io.BytesIO(data)))
    assert pdfminer_numbers - _numbers(ex.text) == Counter()
    assert _numbers(ex.text) - pdfminer_numbers == Counter()
    assert "0900100110" not in ex.text
    assert "\n0\n9\n0\n0\n1\n0\n0\n1\n1\n0\n31\n0\n" in ex.text


@pytest.mark.parametrize(
    "name",
    ["files/pdf/2023年中华人民共和国国务院政府工作报告.pdf",
     "files/original/hongze_2024_original.pdf"],  # fmt: skip
)
def test_chinese_paragraphs_get_no_separator(corpus: Path, name: str) -> None:
    """The 2023 government work report (20 pages of paragraphs) and the published WPS
    report (justified paragraphs and tables): PDFium's own text, page for page."""
    doc = pdfium.PdfDocument(str(corpus / name))
    try:
        for index in range(len(doc)):
            textpage = doc[index].get_textpage()
            assert page_text(textpage) == textpage.get_text_range(), f"page {index + 1}"
    finally:
        doc.close()


def test_the_work_report_has_no_space_inside_its_running_text(corpus: Path) -> None:
    name = "2023年中华人民共和国国务院政府工作报告.pdf"
    _, ex = extract((corpus / "files/pdf" / name).read_bytes(), name)
    assert "政府工作报告" in ex.text
    assert not _HAN_SPACE_HAN_RE.search(ex.text)


@pytest.mark.parametrize(
    ("a", "b", "han", "expected"),
    [
        ((10, 0, 20, 10), (20, 0, 30, 10), True, ""),  # glyph after glyph
        ((10, 0, 20, 10), (22, 0, 32, 10), True, ""),  # a justified line's extra spacing
        ((10, 0, 20, 10), (40, 0, 45, 10), False, " "),  # a column gap
        ((10, 3, 14, 8), (14, 0, 24, 10), False, ""),  # a superscript (m²) and the next glyph
        ((57, 762, 63, 772), (57, 751, 63, 760), False, "\n"),  # pdf_27's cells, 11.6 pt apart
        ((57, 762, 67, 772), (57, 751, 67, 761), True, ""),  # Han written top to bottom
        ((57, 762, 67, 772), (57, 746, 67, 756), True, "\n"),  # Han on the next line
        ((10, 5, 20, 5), (100, 0, 110, 10), False, ""),  # a zero-height box: no measure
    ],
)
def test_separator(a: spacing.Box, b: spacing.Box, han: bool, expected: str) -> None:
    assert separator(a, b, han) == expected


def test_turned_boxes_run_along_their_baseline() -> None:
    """A glyph box of text turned a quarter turn counter-clockwise, and the next glyph above
    it, are glyph after glyph once turned back."""
    a, b = (100, 0, 110, 10), (100, 10, 110, 20)
    assert separator(turn(a, 1), turn(b, 1)) == ""
    assert turn(turn(turn(turn(a, 1), 1), 1), 1) == a


def _put(doc: pdfium.PdfDocument, page: pdfium.PdfPage, text: str, x: float, y: float,
         degrees: float = 0) -> None:  # fmt: skip
    obj = pdfium_c.FPDFPageObj_NewTextObj(doc.raw, b"Helvetica", ctypes.c_float(10))
    buf = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    pdfium_c.FPDFPageObj_Transform(obj, c, s, -s, c, x, y)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)


def test_cells_stacked_at_a_tight_pitch_are_lines_and_turned_text_stays_whole() -> None:
    """Digits one per line 11 pt apart (PDFium joined them as 0010); text turned by 90° or
    -90° or slanted keeps PDFium's reading."""
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(595, 842)
    for i, digit in enumerate("0010"):
        _put(doc, page, digit, 400, 600 - i * 11)
    _put(doc, page, "Rotated 2024 table", 100, 300, 90)
    _put(doc, page, "Down 12345", 300, 700, -90)
    _put(doc, page, "slanted", 100, 600, 30)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    text = page_text(page.get_textpage()).replace("\r\n", "\n")
    assert text.split("\n") == ["0", "0", "1", "0", "Rotated 2024 table", "Down 12345", "slanted"]


def test_a_page_over_the_character_limit_keeps_pdfiums_text(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check's cost is bounded per page (the PDF time limit still holds for the file)."""
    doc = pdfium.PdfDocument(str(corpus / "files/pdf/pdf_27.pdf"))
    try:
        textpage = doc[3].get_textpage()
        assert page_text(textpage) != textpage.get_text_range()
        monkeypatch.setattr(spacing, "MAX_CHECKED_CHARS", textpage.count_chars() - 1)
        assert page_text(textpage) == textpage.get_text_range()
    finally:
        doc.close()
