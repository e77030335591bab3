"""The repeals the documents state (analyzers.repeals), read from the corpus's own texts."""

from __future__ import annotations

from analyzers.repeals import Repealed, applied_title, repealed_titles, title_key
from tests.corpus import require_corpus


def _text(path: str) -> str:
    return (require_corpus() / path).read_text(encoding="utf-8")


def test_a_law_that_replaces_a_regulation_says_so_in_its_closing_article() -> None:
    found = repealed_titles(_text("docs/lawrefbook/jingjifa/lrb_02573.txt"))  # 契税法
    assert found == [Repealed(
        "中华人民共和国契税暂行条例",
        "第十六条 1997年7月7日国务院发布的《中华人民共和国契税暂行条例》同时废止",
        "2021-09-01",  # 本法自2021年9月1日起施行。
    )]  # fmt: skip


def test_every_title_of_one_clause_is_repealed_with_the_article_that_says_so() -> None:
    found = {r.title: r.statement for r in repealed_titles(
        _text("docs/lawrefbook/minfadian/lrb_02485.txt")  # 民法典
    )}  # fmt: skip
    assert {"中华人民共和国婚姻法", "中华人民共和国继承法", "中华人民共和国民法总则"} <= set(found)
    assert found["中华人民共和国婚姻法"] == "第一千二百六十条 《中华人民共和国婚姻法》等同时废止"


def test_what_is_not_a_repeal_of_a_title() -> None:
    assert repealed_titles("《某某条例》第三条同时废止。") == []  # an article only
    assert repealed_titles("制定机关应当及时修改或者废止。") == []  # no title
    assert repealed_titles("《甲办法》自公布之日起施行。") == []
    text = "第九条 本办法自2020年1月1日起施行。\n第十条 《甲办法》、《乙规定》同時廢止。"
    assert [r.title for r in repealed_titles(text)] == ["甲办法", "乙规定"]
    assert repealed_titles(text)[0].statement == "第十条 《甲办法》等同時廢止"
    # what the clause says of the other titles is not told as this one's (QA pass 31c: the
    # 文号 after the last title was shown with the first)
    text = "第二十二条 《甲解释》、《乙解释》（法释〔2002〕30号、法释〔2002〕33号）同时废止。"
    assert repealed_titles(text)[0].statement == "第二十二条 《甲解释》等同时废止"


def test_a_title_that_only_describes_what_is_repealed_is_not_repealed() -> None:
    """The review: in 依据《行政许可法》制定的《乙办法》同时废止 the law was read as repealed
    too, as was the decision in 根据《关于修改〈X〉的决定》修正的《Y》 (22 corpus clauses)."""
    for text in (
        "第九条 依据《中华人民共和国行政许可法》制定的《乙办法》同时废止。",
        "第六十九条 根据《关于修改〈X条例〉的决定》修正的《Y条例》同时废止。",
    ):
        found = repealed_titles(text)
        assert len(found) == 1 and found[0].title in ("乙办法", "Y条例"), found


def test_an_undated_repealer_is_dated_by_the_day_it_takes_effect() -> None:
    """QA pass 31c: 人体器官捐献和移植条例, undated in the index, repealed nothing; its article
    says when it takes effect, just before the repeal."""
    found = repealed_titles(_text("docs/lawrefbook/xingzheng_fagui/lrb_02792.txt"))
    assert [(r.title, r.effective) for r in found] == [("人体器官移植条例", "2024-05-01")]


def test_titles_meet_whatever_their_script_prefix_or_edition() -> None:
    traditional = "中華人民共和國契稅暫行條例（2019修正）"
    assert title_key(traditional) == title_key("中华人民共和国契税暂行条例")
    assert title_key("契税暂行条例") == "契税暂行条例"
    # a title cited inside another's is written 〈〉 there (QA pass 31c)
    cited = "北京市实施〈中华人民共和国种子法〉办法"
    assert title_key(cited) == title_key("北京市实施《中华人民共和国种子法》办法")
    # a trial version is another text: 民事诉讼法 repeals 民事诉讼法（试行）, not itself
    assert title_key("中华人民共和国民事诉讼法（试行）") != title_key("中华人民共和国民事诉讼法")
    interpretation = "最高人民法院关于适用《中华人民共和国婚姻法》若干问题的解释（一）"
    assert applied_title(interpretation) == "中华人民共和国婚姻法"
    assert applied_title("中华人民共和国婚姻法") == ""
