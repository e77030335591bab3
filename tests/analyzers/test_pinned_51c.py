"""Numbers read from a query (analyzers.numerals): the limits the QA 51c mutation tests found
unpinned — ages past any life, years outside the documents' centuries, a year glued to other
numerals, a range of years joined by any dash, and the size of an added article's number."""

from __future__ import annotations

import pytest

from analyzers.numerals import amounts_in_query, article_numbers, articles_in_query, years_in_query


@pytest.mark.parametrize("said", ["千岁", "万岁", "二百岁", "九百九十九岁", "二百周岁"])
def test_a_number_past_any_life_before_sui_is_no_age(said):
    """千岁 and 万岁 are wishes (long live), 二百岁 no one's age: none is searched as an age in
    digits (1000周岁) or as a law states one whole."""
    assert amounts_in_query(said) == []


@pytest.mark.parametrize("said", ["1000岁", "200岁", "1000周岁"])
def test_a_number_in_digits_past_any_life_is_no_age_either(said):
    """... in digits as in numerals (1000岁 was searched as 一千周岁)."""
    assert amounts_in_query(said) == []


def test_an_age_a_person_reaches_is_still_an_age():
    """... while a hundred years is (百岁老人): the limit is a life's, not a small number's."""
    assert amounts_in_query("一百岁") == [(0, 3, ("一百周岁", "100岁", "100周岁"))]
    assert amounts_in_query("九十五岁老人") == [(0, 4, ("九十五周岁", "95岁", "95周岁"))]


@pytest.mark.parametrize("said", ["一一〇〇年", "二一〇〇年", "一一零零年", "二一o五年"])
def test_a_year_outside_the_documents_centuries_is_not_read(said):
    """Four numerals before 年 are a year only in 1900–2099 (old texts print 一九五八年, phones
    write 二零二三年): 一一〇〇年 and 二一〇〇年 are no year a government document bears."""
    assert years_in_query(said) == []


@pytest.mark.parametrize(
    ("said", "year"), [("一九〇〇年", "1900"), ("二〇九九年", "2099"), ("一九四九年", "1949")]
)
def test_a_year_inside_them_is_read(said, year):
    assert years_in_query(said) == [(0, 5, year)]


@pytest.mark.parametrize("said", ["o二〇二三年", "一o二〇二三年", "二o二o二三年", "一二〇二三年"])
def test_a_year_is_never_the_tail_of_a_longer_run_of_numerals(said):
    """A Latin o is typed for 〇 (二o二三年 is 2023): before four numerals it makes a run of five,
    which is no year, as 一二〇二三年 is none — its last four are not read as one."""
    assert years_in_query(said) == []


def test_a_latin_o_inside_a_year_still_reads():
    assert years_in_query("二o二三年") == [(0, 5, "2023")]


@pytest.mark.parametrize(
    ("said", "first_end", "second"),
    [("二〇二三——二〇二四年", 4, (6, 11)), ("二〇二三—二〇二四年", 4, (5, 10)),
     ("二〇二三–二〇二四年", 4, (5, 10)), ("二〇二三-二〇二四年", 4, (5, 10)),
     ("二〇二三--二〇二四年", 4, (6, 11)), ("二〇二三~二〇二四年", 4, (5, 10)),
     ("二〇二三～二〇二四年", 4, (5, 10)), ("二〇二三至二〇二四年", 4, (5, 10)),
     ("二〇二三到二〇二四年", 4, (5, 10))],
)  # fmt: skip
def test_a_range_of_years_joined_by_any_dash_reads_both_years(said, first_end, second):
    """A range's first year has no 年 of its own (二〇二三——二〇二四年): it is read before the
    second year, whichever dash, tilde or word joins them."""
    assert years_in_query(said) == [(0, first_end, "2023"), (*second, "2024")]


def test_a_range_joined_by_three_dashes_or_a_space_is_no_range():
    """... but a run of dashes is a rule drawn, and 二〇二三 二〇二四年 two things typed: only
    the year before 年 is read."""
    assert years_in_query("二〇二三———二〇二四年") == [(7, 12, "2024")]
    assert years_in_query("二〇二三 二〇二四年") == [(5, 10, "2024")]


def test_an_added_articles_number_has_at_most_three_digits():
    """Taiwan adds articles between two (第15-1條, 第7-15條); no law adds a thousand between
    two, so 第15-1000条 is no added article (第十五条之一千), whether typed joined or spaced."""
    assert articles_in_query("第15-1000条") == []
    assert article_numbers("第 15 - 1000 條") == []
    assert articles_in_query("第15-100条") == [(0, 8, "第十五条之一百")]
    assert article_numbers("第 15 - 999 條") == ["15-999"]
    # (之 after 条: 第15条之1000 is no 第十五条之一千 either, nor its first three digits'
    # 第十五条之一百: the article itself, 第十五条, is what is read)
    assert articles_in_query("第15条之1000") == [(0, 4, "第十五条")]
    assert articles_in_query("第15条之12") == [(0, 7, "第十五条之十二")]
