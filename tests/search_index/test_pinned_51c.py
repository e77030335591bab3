"""Behaviours the QA 51c mutation tests found unpinned, on a real index of corpus documents:
a year said in numerals ranks its year's version first, Taiwan's article in digits, the
fewer-words fallback (halving, the -1 fallback, the slip offered after it), the namesakes'
side, the converse rule's limit, and a draft holding a document whole or in part."""

from __future__ import annotations

import re

import pytest

from duplicates.check import Draft, check
from model.viewer import STAFF
from search_index import citizen_words
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.planner import plan
from search_index.prepare import prepare
from search_index.request import Query
from tests.corpus import CORPUS, corpus_document, manifest, require_corpus, sample_paths
from tests.search_index.dup_support import GOVCN, load, text_of

# two versions of a law, the newer citing the older's year too (its 沿革)
VERSIONS = {
    "docs/lawrefbook/jingjifa/lrb_02550.txt": "2017",  # 中华人民共和国会计法 (2017)
    "docs/lawrefbook/jingjifa/lrb_02551.txt": "2024",  # ... (2024)
    "docs/lawrefbook/jingjifa/lrb_02564.txt": "2007",  # 中华人民共和国反垄断法 (2007)
    "docs/lawrefbook/jingjifa/lrb_02565.txt": "2022",
    "docs/lawrefbook/jingjifa/lrb_02608.txt": "2009",  # 中华人民共和国统计法 (2009)
    "docs/lawrefbook/jingjifa/lrb_02609.txt": "2024",
}
LABOUR = "docs/mojlaw/N0030001.txt"  # 勞動基準法: prints its articles 第 17 條
# one law each side passes under one name
NATIONAL_SECURITY = {
    "docs/lawrefbook/xianfa_xiangguan/lrb_02393.txt": "mainland",  # 中华人民共和国国家安全法
    "docs/mojlaw/A0030028.txt": "taiwan",  # 國家安全法
}


def _paths_with(word: str, n: int) -> list[str]:
    out = []
    for path in sorted(manifest()):
        if word in (CORPUS / path).read_text(encoding="utf-8"):
            out.append(path)
            if len(out) == n:
                break
    return out


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """About 125 corpus documents, with their catalogue dates, indexed with the pinyin lexicon
    built from them."""
    require_corpus()
    labour_laws = sorted(p for p in manifest() if p.startswith("docs/mojlaw/N003"))
    paths = list(dict.fromkeys([
        *VERSIONS, LABOUR, *labour_laws, *NATIONAL_SECURITY,
        *sample_paths(100), *_paths_with("公积金", 12),
    ]))  # fmt: skip
    index = SearchIndex(EmbeddedIndex(tmp_path_factory.mktemp("pinned51c")))
    written = list(index.backend.write(prepare(corpus_document(p), "corpus") for p in paths))
    assert all(r.ok for r in written), [r for r in written if not r.ok][:3]
    index.lexicon.wait()
    yield index
    index.close()


def _years(index: SearchIndex, q: str) -> list[str]:
    return [h.doc.date[:4] for h in index.search(Query(q=q, size=3)).hits]


# -- a year said in Chinese numerals ----------------------------------------------------------
@pytest.mark.parametrize(
    ("said", "year"), [("二〇一七年会计法", "2017"), ("二〇〇七年反垄断法", "2007"),
                       ("二零零九年统计法", "2009")],
)  # fmt: skip
def test_a_year_said_in_numerals_puts_that_years_version_first(library, said, year):
    """README: a year said in Chinese numerals is searched "its year's documents first". Both
    versions of the law hold the year (the newer one's history cites it), and the newer one
    scores higher on the words: the year's bonus decides, as it does for the year in digits."""
    assert _years(library, said)[0] == year, _years(library, said)
    digits = said.translate(str.maketrans("〇零一二七九", "001279"))
    assert _years(library, digits)[0] == year, (digits, _years(library, digits))


@pytest.mark.parametrize(
    "typed", ["二〇二三——二〇二四年政府工作报告", "二〇二三-二〇二四年政府工作报告",
              "二〇二三~二〇二四年政府工作报告", "2023-2024年政府工作报告",
              "2023—2024年政府工作报告"],
)  # fmt: skip
def test_a_range_of_years_reads_both_years(typed):
    """A range of years, in numerals or digits, joined by any dash or a tilde, asks for both
    years: each is searched as the digits documents print, its year's documents first."""
    p, understood = plan(Query(q=typed))
    read = {other for _, other, _ in understood.expansions} | set(understood.words)
    assert read >= {"2023", "2024"}, (understood.words, understood.expansions)
    assert "field='year', value='2023'" in repr(p.query)
    assert "field='year', value='2024'" in repr(p.query)


# -- an article in Taiwan's digits -------------------------------------------------------------
@pytest.mark.parametrize("typed", ["勞動基準法第十七條", "劳动基准法第十七条", "勞基法第十七條"])
def test_an_article_in_numerals_finds_taiwans_article_printed_in_digits(library, typed):
    """QA pass 50e: 勞動基準法第十七條 showed a sentence citing 第十七條; the law prints the
    article itself as 第 17 條. The snippet opens on that article, not on a mention of it."""
    res = library.search(Query(q=typed, size=100))
    first = res.hits[0]
    assert first.doc.path == LABOUR, [h.doc.title for h in res.hits[:3]]
    shown = re.sub(r"</?mark>", "", first.snippet)
    assert "第 17 條 雇主依前條終止勞動契約者" in " ".join(shown.split()), first.snippet
    # ... and a text that prints 第 17 條 and never 第十七條 is found by it
    found = {h.doc.path for h in res.hits}
    only_digits = {
        p for p in found
        if "第 17 條" in (CORPUS / p).read_text(encoding="utf-8")
        and not re.search("第十七[条條]", (CORPUS / p).read_text(encoding="utf-8"))
    }  # fmt: skip
    assert only_digits, sorted(found)


# -- fewer words -------------------------------------------------------------------------------
def test_fewer_words_are_asked_by_halving(library):
    """A query finding nothing asks about half as many words again, halving until one finds
    documents: eight words asking four, then two — not three, which would find documents too
    (the first halving is what makes a long spoken question find its core quickly)."""
    typed = "国务院 部门 工作 火星 宇航员 陨石 飞船 彗星"
    assert library.search(Query(q="国务院 部门 工作", sort="date_desc")).total > 0  # three
    got = library.search(Query(q=typed, size=5))
    assert got.understood.fewer_than == 4, got.understood
    assert got.understood.min_should_match == 2 and got.total > 0, got.understood


def test_the_words_only_rank_fallback_never_matches_every_document(library):
    """A field with nothing to search (文号:〔〕号, 标题:的) is said, but requires nothing: a
    query of it and words that find nothing finds nothing — the fallback in which the words
    only rank beside what else the query requires never turns words alone into every
    document."""
    every = library.search(Query(q="")).total
    for typed in ("文号:〔〕号 火星 宇航员 陨石 飞船", "标题:的 火星 宇航员 陨石 飞船"):
        got = library.search(Query(q=typed))
        assert got.understood.fields, typed
        assert got.total == 0 < every and not got.understood.fewer_than, (typed, got.total)


def test_a_slip_is_still_offered_when_fewer_words_found_something(library):
    """gongjjin (公积金 with a j left out) beside five words no document holds together: the
    query as typed found nothing, and the fewer-words search found documents with 提取 alone.
    The slip is offered as for a query that found nothing (QA pass 49d)."""
    got = library.search(Query(q="gongjjin 提取 火星 宇航员 陨石 飞船"))
    assert got.understood.fewer_than and got.total > 0, got.understood
    assert got.did_you_mean == "公积金 提取 火星 宇航员 陨石 飞船", got.did_you_mean


# -- a law both sides pass under one name -----------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "side"), [("国家安全法", "mainland"), ("国家安全法第三条", "mainland"),
                        ("國家安全法", "taiwan")],
)  # fmt: skip
def test_the_typed_scripts_namesake_is_first_for_national_security(library, typed, side):
    """国家安全法: Taiwan's 國家安全法, a short law, scores the name's words above the mainland's
    long one by more than the script's bonus; a title typed is the typed side's law first."""
    hits = library.search(Query(q=typed, size=3)).hits
    assert NATIONAL_SECURITY.get(hits[0].doc.path) == side, [h.doc.title for h in hits]


# -- converse words ----------------------------------------------------------------------------
def test_a_converse_differs_in_at_most_two_characters():
    """退款/付款, 买方/卖家 are converses; words differing in three characters are other words,
    whatever pair of converse characters they hold (出 / 入 of 出口退税 / 入境缴税)."""
    assert citizen_words.converse("买方", "卖家")  # two differ, 买/卖 a converse
    assert citizen_words.converse("出口退税", "进口退费")  # two differ
    assert not citizen_words.converse("出口退税", "入境缴税")  # three differ
    assert not citizen_words.converse("买方代理", "卖家代表")


# -- a draft holding a document ---------------------------------------------------------------
COVER = ("关于转发国务院办公厅指导意见的通知\n青政办发〔2025〕3号\n各区人民政府：\n"
         "现将《指导意见》转发给你们，请认真贯彻执行。\n")  # fmt: skip


@pytest.fixture(scope="module")
def dup_index(tmp_path_factory):
    require_corpus()
    backend = EmbeddedIndex(tmp_path_factory.mktemp("pinned51c-dupes"))
    load(backend, [corpus_document(p) for p in dict.fromkeys([GOVCN, *sample_paths(20)])])
    yield backend
    backend.close()


def _without(text: str, *openings: str) -> str:
    """``text`` without the passages (lines) opening so."""
    lines = text.split("\n")
    kept = [ln for ln in lines if not ln.startswith(openings)]
    assert len(lines) - len(kept) == len(openings)
    return "\n".join(kept)


def _candidate(index, draft: str):
    (c,) = [c for c in check(index, Draft(draft), viewer=STAFF).candidates if c.doc.path == GOVCN]
    assert c.diff is not None
    return c


def test_a_document_held_all_but_a_passage_keeps_its_own_number(dup_index):
    """A forwarding notice holding the document under its own 文号, one short passage left out
    (98% of the document): it holds the document, whose 文号 is its own, not one changed to
    the notice's (QA pass 49a)."""
    c = _candidate(dup_index, COVER + _without(text_of(GOVCN), "（十七）"))
    assert 0.96 < c.overlap.reverse_containment < 0.99, c.overlap
    assert "docno" not in c.diff.changed_kinds and not c.diff.facts, c.diff.facts


def test_a_draft_holding_part_of_a_document_with_its_number_says_the_number_changed(dup_index):
    """The same notice holding nine tenths of the document, four passages left out, is no
    copy forwarded whole: it states another 文号 for that text, and the check says so."""
    c = _candidate(
        dup_index, COVER + _without(text_of(GOVCN), "（八）", "（九）", "（十）", "（十一）")
    )
    assert 0.85 < c.overlap.reverse_containment < 0.93, c.overlap
    assert c.overlap.containment > 0.95  # (the notice adds little: the draft is the text's)
    assert c.diff.changed_kinds.get("docno") == 1, c.diff.changed_kinds
    assert [(f.kind, f.existing, f.draft) for f in c.diff.facts] == [
        ("docno", "国办发〔2019〕6号", "青政办发〔2025〕3号")
    ]
