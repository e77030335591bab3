"""Amounts typed in digits, read as laws print them."""

from __future__ import annotations

import pytest

from analyzers.numerals import (
    amounts_in_query,
    article_in_digits,
    articles_in_query,
    chinese_numeral,
    cited_title,
    joined_articles,
    one_numeral,
    years_in_query,
)


@pytest.mark.parametrize(
    "typed, numeral",
    [("15", "十五"), ("30", "三十"), ("105", "一百零五"), ("120", "一百二十"),
     ("9999", "九千九百九十九"),
     # read with a unit, one numeral is no longer any text's character (QA pass 24c: 6个月)
     ("10", "十"), ("3", "三"),
     # ... but 一 is in every 每一年 and 同一日 (QA pass 25a: 1年 met （一）年满)
     ("1", None),
     # years and long numbers are printed in digits; 015 is a code
     ("0", None), ("2019", None), ("12345", None), ("015", None), ("1.5", None), ("１５", None)],
)  # fmt: skip
def test_numbers_and_what_is_left_as_digits(typed, numeral):
    assert chinese_numeral(typed) == numeral


def test_an_amount_is_a_number_with_its_unit():
    assert amounts_in_query("养老保险交满15年") == [(6, 9, ("十五年",))]
    assert amounts_in_query("离职30天内") == [(2, 5, ("三十天", "三十日"))]
    assert amounts_in_query("扣12分 罚200元") == [(1, 4, ("十二分",)), (6, 10, ("二百元",))]
    # a year, a bare number, a decimal: left as typed
    assert amounts_in_query("2019年 15 1.15年") == []


def test_one_digit_two_and_double_read_as_laws_write_them():
    """QA pass 24c: 6个月 and 3天 stayed digits; QA pass 24b: 双倍工资 missed the law's
    二倍的工资. 2 is written 二 and 两, and 双倍 is 二倍."""
    assert amounts_in_query("试用期6个月") == [(3, 6, ("六个月",))]
    assert amounts_in_query("3天内") == [(0, 2, ("三天", "三日"))]
    assert amounts_in_query("2年") == [(0, 2, ("二年", "两年"))]
    assert amounts_in_query("双倍工资") == [(0, 2, ("二倍", "两倍"))]
    assert amounts_in_query("双休日 双周") == []  # 双 is two only in 双倍
    assert amounts_in_query("第3条 3") == []


def test_days_in_chinese_numerals_are_also_the_laws_days():
    """七天无理由退货 is the 消费者权益保护法's 七日内退货 (and a Taiwan rule's 七日內): days typed
    in Chinese numerals are also searched with 日; 今天, 每天, 半天, 第七天 are no amount."""
    assert amounts_in_query("七天无理由退货") == [(0, 2, ("七日",))]
    assert amounts_in_query("十五天内") == [(0, 3, ("十五日", "15天"))]  # (printed so too)
    assert amounts_in_query("今天 每天 半天 几天 第七天") == []


def test_days_counted_in_ri_are_also_the_mainlands_tian():
    """QA pass 51d: Hong Kong and Taiwan count days in 日 (產假98日, 九十八日), and missed the
    女职工劳动保护特别规定's 享受98天产假. Never the other way in digits: 30日 is also every
    date's day; a month's day (三月十八日, 12月3日) is no amount."""
    assert amounts_in_query("产假98日") == [(2, 5, ("九十八日", "九十八天", "98天"))]
    assert amounts_in_query("产假九十八日") == [(2, 6, ("九十八天", "98天"))]
    assert amounts_in_query("七日") == [(0, 2, ("七天",))]  # (one digit: in every 17天)
    assert amounts_in_query("30天") == [(0, 3, ("三十天", "三十日"))]
    assert amounts_in_query("三月十八日 12月3日") == []


def test_a_dates_day_is_no_amount_and_one_numeral_is_said():
    """QA pass 25a: 12月3日 was read as three days (三日), and 3天 met 二十三日 and （三）天灾:
    a wording of one numeral is matched as a word only (the planner)."""
    assert amounts_in_query("12月3日") == []
    assert [one_numeral(t) for t in ("3天", "10年", "双倍", "七天", "15年", "十五天")] == [
        True, True, True, True, False, False]  # fmt: skip


def test_an_article_typed_in_digits_is_read_as_laws_print_it():
    """民法典1077条 and 第47条: the laws print 第一千零七十七条 and 第四十七条 (QA pass 30a). A
    条例 after a number is no article (2019年3条例 is no 第三条)."""
    assert articles_in_query("民法典第1077条") == [(3, 9, "第一千零七十七条")]
    assert articles_in_query("劳动合同法47条") == [(5, 8, "第四十七条")]
    assert articles_in_query("第1条") == [(0, 3, "第一条")]
    assert articles_in_query("2019年3条例") == []
    # printed so already, a word: read still, for Taiwan's 第 14 條 (QA pass 50e)
    assert articles_in_query("工伤保险条例第十四条") == [(6, 10, "第十四条")]
    assert articles_in_query("第0条") == []
    assert articles_in_query("提出3条建议") == []  # three suggestions, no article
    assert articles_in_query("工伤保险条例14条") == [(6, 9, "第十四条")]


def test_the_title_a_query_names_before_an_article():
    assert cited_title("劳动合同法第四十七条") == "劳动合同法"
    assert cited_title("民法典1077条") == "民法典"
    assert cited_title("工伤保险条例第十四条之一") == "工伤保险条例"
    assert cited_title("劳动合同法") == "" and cited_title("第1条") == ""
    assert cited_title("第一百零八条") == ""  # no title before it
    # ... and with words after the article (QA pass 30c)
    assert cited_title("劳动合同法第四十七条经济补偿") == "劳动合同法"


def test_an_article_the_segmenter_cuts_apart_is_searched_whole():
    """QA pass 30c: 民法典第一千零七十七条 was cut 第 / 一千零七 / 十七条 (第四十七条: one word)."""
    assert articles_in_query("民法典第一千零七十七条") == [(3, 11, "第一千零七十七条")]
    assert articles_in_query("劳动合同法第四十七条") == [(5, 10, "第四十七条")]


def test_an_article_is_also_read_as_taiwan_prints_it():
    """QA pass 50e: 勞動基準法第十七條 met only 第十七條 cited in other articles (Taiwan's laws
    print 第 17 條), and 第15條之1 was 第15条 and a 1."""
    assert [article_in_digits(h) for _, _, h in articles_in_query("第十七条")] == ["第17条"]
    assert articles_in_query("劳基法第15条之1") == [(3, 9, "第十五条之一")]
    assert article_in_digits("第十五条之一") == "第15-1条" and article_in_digits("第十七") == ""


@pytest.mark.parametrize(
    ("said", "read"),
    [("二零二三年政府工作报告", [(0, 5, "2023")]), ("一九九八年", [(0, 5, "1998")]),
     ("两千零二十三年", [(0, 7, "2023")]), ("二o二三年", [(0, 5, "2023")]),
     # a range: the first year before the second's 年 (QA pass 50e)
     ("二〇二三至二〇二四年", [(0, 4, "2023"), (5, 10, "2024")]),
     ("二〇二三、二〇二四年", [(0, 4, "2023"), (5, 10, "2024")]),
     # ... joined by a Chinese dash, two of them, or a tilde (QA pass 51c)
     ("二〇二三——二〇二四年", [(0, 4, "2023"), (6, 11, "2024")]),
     ("二〇二三~二〇二四年", [(0, 4, "2023"), (5, 10, "2024")]),
     # not a year: an amount, a year outside 1900–2099, a 文号's bracket, no 年, an article
     ("十二三年吧", []), ("一千二百年", []), ("国办发〔二〇一九〕6号", []), ("二零二三", []),
     ("第二〇二三年", [])],
)  # fmt: skip
def test_a_year_said_in_chinese_numerals_is_read_with_its_digits(said, read):
    """QA pass 50a: a speech recogniser writes 二零二三年, which the segmenter cut apart."""
    assert years_in_query(said) == read


def test_an_article_cited_with_spaces_or_added_between_two_is_read_as_one():
    """QA pass 50b: 第 1079 条 (as Taiwan's laws print articles) was 第, 1079 and 条; 第15-1條
    is Taiwan's 第十五条之一."""
    assert joined_articles("民法典 第 1079 条") == "民法典 第1079条"
    assert joined_articles("勞基法 第 17 條") == "勞基法 第17條"
    assert joined_articles("第 15 - 1 條") == "第15-1條"
    assert articles_in_query("离岛建设条例第15-1条") == [(6, 12, "第十五条之一")]
    # ... whatever its numbers: Taiwan adds 第7-15條 and 第3-3條 too (QA pass 51e: read as
    # ranges, they searched bare digits)
    assert articles_in_query("第7-15条 第3-3条") == [(0, 6, "第七条之十五"), (7, 12, "第三条之三")]


def test_an_age_is_also_its_full_years_in_digits():
    """QA pass 50a: 70岁 and a recogniser's 七十岁 missed the 驾驶证 rule's 年满70周岁."""
    assert amounts_in_query("老年人70岁以后") == [(3, 6, ("七十岁", "七十周岁", "70周岁"))]
    assert amounts_in_query("七十岁以后") == [(0, 3, ("七十周岁", "70岁", "70周岁"))]
    assert amounts_in_query("十八周岁") == [(0, 4, ("18周岁",))]
    # one digit is the end of a longer number: 8周岁 is in every 18周岁 (QA pass 50e); stated
    # whole after 满 it is not (QA pass 51c: 八岁 missed the 民法典's 不满八周岁)
    assert amounts_in_query("8岁") == [(0, 2, ("八岁", "八周岁", "满八周岁"))]
    assert amounts_in_query("八岁") == [(0, 2, ("八周岁", "满八周岁"))]
    # ... and an age said roughly is no number (QA pass 51c: 两三岁 was 23岁)
    assert amounts_in_query("两三岁 十七八岁") == []
