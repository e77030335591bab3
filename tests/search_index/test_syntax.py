"""The query syntax as people type it."""

from __future__ import annotations

import pytest

from search_index.syntax import parse, without_links


@pytest.mark.parametrize(
    ("typed", "small"),
    [("TITLE:条例", "title:条例"), ("Title:条例", "title:条例"),
     ("-DocNo:国办发〔2019〕6号", "-docno:国办发〔2019〕6号")],
)  # fmt: skip
def test_a_field_name_in_capitals_scopes_as_in_small_letters(typed: str, small: str) -> None:
    """QA pass 8: TITLE:条例 searched the word TITLE while the page said title:条例."""
    assert parse(typed).clauses == parse(small).clauses
    assert parse(typed).clauses[0].alternatives[0].field in ("title", "docno")


def test_an_abbreviated_agency_in_its_field_means_the_agency() -> None:
    """QA pass 8: 机构:卫福部 found nothing though 卫福部 alone finds 卫生福利部's rules."""
    from analyzers.lexicon import synonyms
    from search_index.planner import plan
    from search_index.request import Query
    from search_index.tree import Phrase

    assert "卫生福利部" in synonyms()["卫福部"]
    p, understood = plan(Query(q="机构:卫福部"))

    def phrases(node) -> list[tuple[str, tuple[str, ...]]]:
        out = [(node.field, tuple(node.tokens))] if isinstance(node, Phrase) else []
        for child in (*getattr(node, "must", ()), *getattr(node, "should", ())):
            out += phrases(child)
        return out

    found = phrases(p.query)
    assert ("agency_bi", ("卫生", "生福", "福利", "利部")) in found, found
    assert ("卫福部", tuple(synonyms()["卫福部"])) in understood.synonyms


@pytest.mark.parametrize(
    ("typed", "scoped"),
    [("标题： 条例", "标题:条例"), ("title:  \"养老 保险\"", 'title:"养老 保险"'),
     ("-title: 条例", "-title:条例"),
     ("国务院 docno: 国发〔2020〕1号", "国务院 docno:国发〔2020〕1号")],
)  # fmt: skip
def test_a_space_after_a_field_name_still_scopes_the_next_word(typed: str, scoped: str) -> None:
    assert parse(typed).clauses == parse(scoped).clauses
    assert not parse(typed).ignored


@pytest.mark.parametrize("typed", ["title:", "-标题:", "社保 title:", "title: | 条例"])
def test_a_field_name_with_nothing_to_scope_is_ignored_not_searched(typed: str) -> None:
    parsed = parse(typed)
    assert [a.text for c in parsed.clauses for a in c.alternatives] == [
        w for w in ("社保", "条例") if w in typed
    ]
    assert len(parsed.ignored) == 1 and parsed.ignored[0].endswith(":")


def test_what_each_alternative_was_read_as_is_said() -> None:
    """QA pass 22b: title:条例 OR title:办法 lost its fields (the page said the query held
    nothing to search, above 3,150 right results), and 机构:卫福部 inside OR its synonym."""
    from search_index.planner import plan
    from search_index.request import Query
    from web.views import nothing_searchable

    _, understood = plan(Query(q="title:条例 OR title:办法"))
    assert understood.fields == (("title", "条例"), ("title", "办法"))
    assert not nothing_searchable(understood)
    _, understood = plan(Query(q='title:"政务公开" OR 机构:卫福部'))
    assert ("agency", "卫福部") in understood.fields
    assert any(word == "卫福部" for word, _ in understood.synonyms)
    _, understood = plan(Query(q="国办发〔2019〕6号 OR 社保"))
    assert understood.doc_numbers == ("国办发2019-6",)


def test_a_run_of_minus_signs_excludes_as_one_does() -> None:
    """QA pass 22b: --"国务院" "政务公开" required 国务院, and the page listed it as a phrase."""
    for typed in ('--"国务院" "政务公开"', '---"国务院" "政务公开"'):
        negated = [c for c in parse(typed).clauses if c.negated]
        assert [a.text for c in negated for a in c.alternatives] == ["国务院"], typed
    assert not any(c.negated for c in parse("-- 政务公开").clauses)  # a lone run excludes nothing


@pytest.mark.parametrize("typed", ["-", "OR", '""', ")))(((", "--"])
def test_a_query_in_which_nothing_is_read_says_so_in_the_api(typed: str) -> None:
    """QA pass 22b: each answered every document with nothing in ``understood`` to say why."""
    from search_index.planner import plan
    from search_index.request import Query

    _, understood = plan(Query(q=typed))
    assert understood.ignored == (typed,)
    assert not (understood.words or understood.phrases or understood.excluded)


def test_an_excluded_agency_excludes_what_its_short_name_stands_for() -> None:
    """QA pass 22b: -机构:卫福部 excluded the text 卫福部 (no document writes it) and kept the
    seven documents 衛生福利部 issued, where 机构:卫福部 finds them."""
    from search_index.planner import plan
    from search_index.request import Query
    from search_index.tree import Phrase

    def phrases(node) -> list[str]:
        found = ["".join(t[0] for t in node.tokens) + node.tokens[-1][-1:]] if isinstance(
            node, Phrase) else []  # fmt: skip
        for child in (*getattr(node, "must", ()), *getattr(node, "should", ()),
                      *getattr(node, "must_not", ())):  # fmt: skip
            found += phrases(child)
        return found

    p, understood = plan(Query(q='"个人资料" -机构:卫福部'))
    assert understood.excluded == ("机构:卫福部",)  # said with its field (QA pass 42b)
    assert "卫生福利部" in phrases(p.query)


def test_an_agency_filter_by_short_name_is_the_agency_it_stands_for() -> None:
    """QA pass 22b: agency=卫福部 found nothing where 机构:卫福部 found 衛生福利部's 62."""
    from search_index.planner import plan
    from search_index.request import Query

    def values(node) -> set[str]:
        found = {node.value} if getattr(node, "field", "") == "agency_key" else set()
        for child in (*getattr(node, "must", ()), *getattr(node, "should", ()),
                      *getattr(node, "filter", ())):  # fmt: skip
            found |= values(child)
        return found

    p, _ = plan(Query(q="", agencies=("衛福部",)))
    assert {"卫福部", "卫生福利部"} <= set().union(*(values(f) for f in p.filters))


@pytest.mark.parametrize("typed", ["国发「2018」41号", "国发『2018年』41號", "国发「 2018 」41 号"])
def test_a_year_in_corner_brackets_before_its_number_is_a_docno_not_a_phrase(typed: str) -> None:
    """QA pass 27b: 国发「2018」41号 (a Taiwan or Hong Kong keyboard's brackets) searched the
    phrase "2018" beside the words 国发 and 41号: every document citing 2018."""
    (clause,) = parse(typed).clauses
    (atom,) = clause.alternatives
    assert not atom.phrase and atom.text.startswith("国发〔2018")
    # corner brackets around words are still a phrase
    assert parse("「2018年度报告」").clauses[0].alternatives[0].phrase


@pytest.mark.parametrize(
    ("typed", "same"),
    [("發文字號:台財稅字第10004904070號", "文号:台財稅字第10004904070號"),
     ("字號:台財稅", "文号:台財稅"), ("機關:行政院", "机构:行政院"),
     ("發文機關:行政院", "机构:行政院")],
)  # fmt: skip
def test_taiwan_s_names_of_the_fields_scope_as_ours(typed: str, same: str) -> None:
    """QA pass 41b: 發文字號:, 字號: and 機關:, as Taiwan's catalogues label the fields, were
    searched as words."""
    assert parse(typed).clauses == parse(same).clauses
    assert parse(typed).clauses[0].alternatives[0].field in ("docno", "agency")


@pytest.mark.parametrize(("typed", "same_as"), [
    ("养老 NOT 废止", "养老 -废止"),
    ('养老 NOT "国务院办公厅"', '养老 -"国务院办公厅"'),
    ("养老 OR 退休 NOT 废止", "养老 OR 退休 -废止"),
    ("养老 AND 退休", "养老 退休"),
])  # fmt: skip
def test_not_and_and_in_capitals_are_operators(typed: str, same_as: str) -> None:
    """QA pass 42b: 养老 NOT 废止, as other search engines take it, searched NOT and 废止 as
    words and listed exactly the 82 documents writing 废止, the opposite of what was asked."""
    assert parse(typed) == parse(same_as)
    assert parse("养老 NOT").ignored == ("NOT",)  # nothing to exclude: said, not searched
    assert [a.text for c in parse("not bad").clauses for a in c.alternatives] == ["not", "bad"]


def test_an_exclusion_in_a_field_is_said_with_its_field() -> None:
    """QA pass 42b: 养老 -title:条例 excluded only titles holding 条例 (149 results), and the
    page and ``understood.excluded`` said 已排除 条例, as if every text holding it were out."""
    from search_index.planner import plan
    from search_index.request import Query

    assert plan(Query(q="养老 -title:条例"))[1].excluded == ("标题:条例",)
    assert plan(Query(q="养老 -废止"))[1].excluded == ("废止",)


@pytest.mark.parametrize(
    "typed", ["ASP.NET 开发规范", "socket.io 教程", "Node.js 规范", "GOV.CN 通知"]
)
def test_a_product_name_with_a_dot_is_no_web_address(typed: str) -> None:
    """QA pass 51c: a host under a listed top-level domain was taken for a link wherever it
    stood, so ASP.NET and socket.io were dropped from the question as pasted addresses."""
    assert without_links(typed) == (typed, ())


@pytest.mark.parametrize(
    ("typed", "link"),
    [("12306.cn 退票", "12306.cn"), ("baidu.com 搜索", "baidu.com"),
     ("chinatax.gov.cn 个税", "chinatax.gov.cn"), ("养老保险 mp.weixin.qq.com/s/abc",
     "mp.weixin.qq.com/s/abc"), ("example.io/path 规定", "example.io/path")],
)  # fmt: skip
def test_an_address_without_a_scheme_is_still_one(typed: str, link: str) -> None:
    assert without_links(typed)[1] == (link,)


def test_an_address_typed_in_full_width_is_one_too() -> None:
    """QA pass 52b: a phone keyboard's full-width ｗｗｗ．ｇｏｖ．ｃｎ was searched as words."""
    assert without_links("ｗｗｗ．ｇｏｖ．ｃｎ 政策")[1] == ("www.gov.cn",)
    assert without_links("ｔａｉｎａｎ．ｇｏｖ．ｔｗ 公告")[1] == ("tainan.gov.tw",)
    assert without_links("养老（保险）") == ("养老（保险）", ())  # nothing else is touched
    assert without_links("ｗｗｗ．ｇｏｖ．ｃｎ") == ("ｗｗｗ．ｇｏｖ．ｃｎ", ())  # alone: as typed
