"""Short forms the documents define themselves, mined from real corpus texts."""

from __future__ import annotations

from analyzers.mining import abbreviation_pairs, is_subsequence
from analyzers.normalize import normalize
from tests.corpus import CORPUS, require_corpus


def _text(path: str) -> str:
    require_corpus()
    return normalize((CORPUS / path).read_text(encoding="utf-8"))


def test_pairs_defined_in_a_real_regulation():
    pairs = abbreviation_pairs(_text("docs/lawrefbook/difang_shandong/lrb_00660.txt"))
    assert ("市人大常委会", "市人民代表大会常务委员会") in pairs
    for short, long in pairs:  # every pair is built the way Chinese abbreviations are
        assert is_subsequence(short, long) and short not in long and short[-1] == long[-1]


def test_long_form_is_cut_back_to_the_noun_phrase():
    text = "本市行政区域内的居民委员会（以下简称“居委会”）应当协助。"
    assert abbreviation_pairs(text) == [("居委会", "居民委员会")]


def test_references_and_substrings_are_not_pairs():
    text = (
        "依个人资料保护法（以下简称本法）订定。"  # 本法: a reference to a law, not its name
        "本市用人单位（以下简称用人单位）"  # plain substring: recall finds it anyway
        "对人民政府、人民法院和人民检察院（以下简称“一府两院”）"  # digits: not a word pair
    )
    assert abbreviation_pairs(text) == []


def test_the_long_form_starts_where_the_short_form_last_fits():
    """Cut back to the first 年 it read 年提出前一年度之成效评估报告 for 年度报告, and every
    query for 年度报告 searched that too (QA pass 39a); 民航局 was 民用航空器的适航管理由中国民用
    航空局. A short form that needs an earlier start (市市场监管局) keeps it."""
    assert abbreviation_pairs(
        "成效评估委员会于每年提出前一年度之成效评估报告（以下简称年度报告）应"
    ) == [("年度报告", "年度之成效评估报告")]
    assert abbreviation_pairs("民用航空器的适航管理由中国民用航空局（以下简称民航局）负责") == [
        ("民航局", "民用航空局")]
    assert abbreviation_pairs("北京市市场监督管理局（以下简称市市场监管局）") == [
        ("市市场监管局", "市市场监督管理局")]
