"""A printed page's lines joined into paragraphs on the document page, and nothing else joined.

Real texts only: the corpus's PDFs as extracted, its TXT laws (Taiwan's wrapped at 32
characters, the mainland's one article a line), its DOCX and HTML files, and a real scan's
recognised text (tests/web/test_scans.py shows it on the page).
"""

from __future__ import annotations

import random

import pytest

from ingest.formats.registry import extract
from search_index.highlight import highlight_all
from tests.corpus import require_corpus
from web import reflow
from web.views import printed_pages


def _extracted(relative: str) -> str:
    path = require_corpus() / relative
    return extract(path.read_bytes(), path.name)[1].text


def test_a_pdf_page_reads_as_paragraphs() -> None:
    """QA pass 40b L15: every printed line was a hard break ("推 / 进政府网站")."""
    text = _extracted("files/pdf/pdf_01.pdf")
    assert "推\n进政府网站" in text
    shown = reflow.reflowed(text, text)[1]
    paragraph = "推进政府网站互联互通融合发展，现就开展政府网站集约化试点工作，制定以下方案。\n"
    assert paragraph in shown
    # headings, items and sentence ends keep their lines
    assert "\n一、总体要求\n（一）指导思想。\n以习近平" in shown
    assert "\n1.问题导向。" in shown and "\n2.开放融合。" in shown
    assert "国务院办公厅\n2018 年 10 月 27 日\n" in shown  # the signature's short lines
    assert shown.count("\n") < text.count("\n") / 2
    assert printed_pages(shown) <= printed_pages(text)


def test_a_wrapped_taiwan_law_joins_its_lines_but_not_its_tables() -> None:
    wrapped = (require_corpus() / "docs/mojlaw/J0040017.txt").read_text(encoding="utf-8")
    shown = reflow.reflowed(wrapped, wrapped)[1]
    assert "其依法律或基於法律授權所定之法規命令，須取得業務之許可者，並應於公司登記前經" in shown
    assert "\n第 2 條\n本條例所稱公司" in shown  # an article's number keeps its line
    # a list of article numbers that goes on past the line's end (…49、 / 53、56…)
    assert "42～45、49、53、56" in shown
    assert "第 12、28、48" in shown  # a number the line's end split (2 / 8)
    table = (require_corpus() / "docs/mojlaw/J0000060.txt").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if "│" in line or "─" in line]
    assert len(rows) > 20
    assert all(row in reflow.reflowed(table, table)[1].splitlines() for row in rows)


def test_texts_whose_lines_are_paragraphs_are_shown_as_they_are() -> None:
    """A TXT, DOCX or HTML file's lines are its paragraphs: a line that happens to be long is not
    joined to the next (the corpus's real files, every one, and a sample of its TXT laws and
    news)."""
    corpus = require_corpus()
    kinds = ("docx", "html", "txt")
    files = [p for kind in kinds for p in sorted((corpus / "files" / kind).iterdir())]
    assert len(files) > 60
    for path in files:
        text = extract(path.read_bytes(), path.name)[1].text
        assert reflow.joins(text) == {}, path.name
    docs = sorted((corpus / "docs").glob("*/*.txt"))
    sample = random.Random(7).sample(
        [p for p in docs
         if p.parent.name in ("lawrefbook", "tainan", "president", "gov_work_report")],
        400,
    )
    for path in sample:
        assert reflow.joins(path.read_text(encoding="utf-8")) == {}, path


def test_a_mark_across_a_joined_break_reads_as_one_word() -> None:
    text = _extracted("files/pdf/pdf_01.pdf")
    html = highlight_all(text, ("推进",))
    assert "<mark>推\n进</mark>" in html
    shown = reflow.reflowed(html, text)[0]
    assert "<mark>推进</mark>政府网站" in shown
    assert shown.replace("<mark>", "").replace("</mark>", "") == reflow.reflowed(text, text)[1]


def test_html_whose_breaks_are_not_the_texts_is_left_alone() -> None:
    text = _extracted("files/pdf/pdf_01.pdf")
    assert reflow.reflowed("a\nb", text)[0] == "a\nb"


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        # two Latin words split at the line's end keep their space; digits do not get one
        (["中" * 32 + "Shanghai", "Pudong" + "中" * 33] * 5, "Shanghai Pudong"),
        (["中" * 35 + "12", "34" + "中" * 35] * 5, "1234"),
    ],
)
def test_what_a_joined_break_becomes(lines: list[str], joined: str) -> None:
    assert joined in reflow.reflowed("\n".join(lines), "\n".join(lines))[1]
