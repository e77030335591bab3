"""A law's parts and articles as headings (QA pass 41a: one block of text, nothing to jump by).

Real laws from the corpus: the mainland's 社会保险法 (第一章 总则 / 第一条　…) and Taiwan's
勞動基準法 (第 一 章 總則 / 第 1 條 on a line of its own), and a Tainan news item.
"""

from __future__ import annotations

import re

from search_index.highlight import highlight_all
from tests.corpus import require_corpus
from web import structure

HEADING = re.compile(r'<span class="document__(part|article)" role="heading" aria-level="(\d)">'
                     r"(.*?)</span>")  # fmt: skip


def _law(path: str) -> str:
    return (require_corpus() / path).read_text(encoding="utf-8")


def _plain(html: str) -> str:
    return re.sub(r'</?span[^>]*>', "", html)


def test_a_law_s_chapters_and_articles_are_headings() -> None:
    text = _law("docs/lawrefbook/shehuifa/lrb_02535.txt")
    marked = highlight_all(text, ("养老保险",))
    shown = structure.headed(marked)
    heads = HEADING.findall(shown)
    chapters = [h for h in heads if h[0] == "part"]
    articles = [h for h in heads if h[0] == "article"]
    assert chapters[0] == ("part", "3", "第一章 总则") and len(chapters) == 12
    assert [a[2] for a in articles[:3]] == ["第一条", "第二条", "第三条"]
    assert len(articles) == 98 and {a[1] for a in articles} == {"4"}
    assert _plain(shown) == marked  # nothing but the headings added; every mark kept


def test_a_taiwan_law_s_numbers_on_their_own_lines() -> None:
    shown = structure.headed(highlight_all(_law("docs/mojlaw/N0030001.txt"), ()))
    heads = HEADING.findall(shown)
    assert ("part", "3", "第 一 章 總則") in heads
    assert ("article", "4", "第 17 條") in heads
    # 沿革's lines (…修正公布第 38 條條文) and sentences citing an article stay text
    assert not any("公布" in h[2] or "規定" in h[2] for h in heads)


def test_a_marked_article_number_is_left_as_it_is() -> None:
    text = _law("docs/lawrefbook/shehuifa/lrb_02535.txt")
    shown = structure.headed(highlight_all(text, ("第十九条",)))
    assert "<mark" in shown and "第十九条" not in [h[2] for h in HEADING.findall(shown)]
    assert "第二十条" in [h[2] for h in HEADING.findall(shown)]


def test_a_text_without_a_law_s_structure_is_unchanged() -> None:
    corpus = require_corpus()
    for path in sorted((corpus / "docs" / "tainan").glob("*.txt"))[:200]:
        text = path.read_text(encoding="utf-8")
        marked = highlight_all(text, ())
        assert structure.headed(marked) == marked, path


def test_the_document_page_shows_them(client, web_corpus) -> None:
    law = next(d for d in web_corpus.documents if d.path.endswith("lrb_02404.txt"))
    page = client.get(f"/documents/{law.id}", params={"q": "居民身份证"}).text
    heads = HEADING.findall(page)
    assert ("part", "3", "第一章 总则") in heads and ("article", "4", "第一条") in heads
