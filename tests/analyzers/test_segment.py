"""rjieba does the work; jieba is the reference it must agree with."""

import jieba
import pytest
import rjieba

from analyzers.chars import is_skippable
from analyzers.normalize import normalize
from analyzers.segment import index_words, load_user_dictionary, query_words
from tests.corpus import CORPUS, require_corpus, sample_paths


@pytest.fixture(scope="module")
def jieba_with_userdict():
    from importlib import resources

    tk = jieba.Tokenizer()
    path = resources.files("analyzers").joinpath("data", "userdict.txt")
    if path.is_file():
        with path.open("rb") as fh:  # a path would be opened by jieba and never closed
            tk.load_userdict(fh)
    load_user_dictionary()
    return tk


def test_rjieba_agrees_with_jieba_on_real_text(jieba_with_userdict):
    require_corpus()
    same = total = 0
    for p in sample_paths(40):
        text = normalize((CORPUS / p).read_text(encoding="utf-8")[:3000])
        for line in text.splitlines():
            if not line.strip():
                continue
            ours = query_words(line)
            ref = [w for w in jieba_with_userdict.lcut(line, HMM=True) if w.strip()]
            ref = [w for w in ref if w[0].isalnum() or "\u4e00" <= w[0] <= "\u9fff"]
            ours = [w for w in ours if w[0].isalnum() or "\u4e00" <= w[0] <= "\u9fff"]
            total += 1
            same += ours == ref
    assert total > 200
    # Measured: rjieba and jieba differ only on hyphenated numbers and rare HMM edge cases.
    assert same / total >= 0.97, (same, total)


def test_search_mode_emits_sub_words():
    words = index_words("中华人民共和国国务院办公厅")
    for w in ("中华人民共和国", "人民", "共和国", "国务院", "办公厅"):
        assert w in words


def test_search_mode_is_jiebas_but_for_words_across_a_words_parts():
    """Each word of the precise cut, after its words of two and three characters, in the order
    rjieba's cut_for_search emits them, except those cutting across the word's own parts."""
    require_corpus()
    load_user_dictionary()
    emitted = dropped = 0
    for p in sample_paths(20):
        text = normalize((CORPUS / p).read_text(encoding="utf-8")[:3000])
        ref = [w for w in rjieba.cut_for_search(text, True) if w and not is_skippable(w[0])]
        ours = index_words(text)
        rest = iter(ref)
        assert all(w in rest for w in ours)  # a subsequence: nothing added, nothing moved
        emitted += len(ref)
        dropped += len(ref) - len(ours)
    assert 0 < dropped < emitted * 0.1, (dropped, emitted)


@pytest.mark.parametrize(
    ("word", "across"),
    [("人民法院", "民法"), ("中华人民共和国", "华人"), ("目的事业主管机关", "业主"),
     ("国务院办公厅", "院办"), ("人民政府", "民政"), ("行政区划", "政区")],
)  # fmt: skip
def test_a_word_across_a_long_words_parts_is_no_word_of_it(word, across):
    """QA pass 28b: 業主 listed every Taiwan law naming its 目的事業主管機關 before 物业管理条例;
    民法 matched every court's documents, 民政 every 人民政府's."""
    words = index_words(word)
    assert across not in words and word in words
    assert len(words) > 2  # its own parts are still words


def test_a_three_character_word_keeps_both_of_its_words():
    # the route cuts 中 + 医药, yet 中医 is as much a word of 中医药 as 医药
    assert {"中医", "医药", "中医药"} <= set(index_words("中医药"))


@pytest.mark.parametrize(
    ("word", "inside"),
    [("刑事诉讼法", "诉讼法"), ("有期徒刑", "有期"), ("社会保障部", "保障部"),
     ("百分之十五", "十五")],
)  # fmt: skip
def test_a_word_crossing_no_other_stays_wherever_the_route_cuts(word, inside):
    """The route through 刑事诉讼法 without the word is 刑事诉讼 + 法, across 诉讼法; but no
    other word of it cuts across 诉讼法, which is as much its word as 诉讼 is."""
    assert inside in index_words(word)


def test_question_is_several_words():
    assert len(query_words("小微企业怎样申请担保贷款")) >= 4


def test_punctuation_and_spaces_are_dropped():
    words = index_words("第一条，为了（规范） 管理。")
    assert all(w.strip() and w not in "，。、（）" for w in words)


@pytest.mark.parametrize(
    ("typed", "words"),
    [("没缴会怎样", ["没", "缴", "会", "怎样"]),
     ("罚款没交会怎样", ["罚款", "没", "交", "会", "怎样"]),
     ("工资没发会怎样", ["工资", "没", "发", "会", "怎样"]),
     # a word ending in 会 stays one where no negation asks what will happen
     ("学生会怎么样", ["学生会", "怎么样"]), ("没工会怎么办", ["没", "工会", "怎么办"]),
     ("交会", ["交会"])],
)  # fmt: skip
def test_the_will_of_a_question_is_no_part_of_the_verb_before_it(typed, words) -> None:
    """QA pass 26b: 罰單沒繳會怎樣 searched for 缴会 (欠繳會費) and was offered 缴回."""
    assert query_words(typed) == words


@pytest.mark.parametrize(
    ("typed", "words"),
    [("2019-2020", ["2019", "2020"]), ("2019—2020", ["2019", "2020"]),
     ("2015-2020年规划", ["2015", "2020", "年", "规划"]),
     ("covid-19", ["covid-19"]), ("2019-123", ["2019-123"]), ("1999-3000", ["1999-3000"])],
)  # fmt: skip
def test_a_span_of_years_is_its_years_whatever_joins_them(typed, words) -> None:
    """QA pass 38b: 2019-2020 was one word (0 results), 2019—2020 two years (916)."""
    assert query_words(typed) == words


@pytest.mark.parametrize(
    ("typed", "words"),
    [("产假能休几天", ["产假", "能", "休", "几天"]),
     ("残疾人能领哪些补贴", ["残疾人", "能", "领", "哪些", "补贴"]),
     ("家里穷上大学", ["家里", "穷", "上", "大学"]),
     # ... and a noun glued to the 有 after it (QA pass 52a: 证有 of 老年证有什么用)
     ("老年证有什么用", ["老年", "证", "有", "什么", "用"]),
     # dictionary words stay whole
     ("能源", ["能源"]), ("要求", ["要求"]), ("可以", ["可以"]), ("晚上", ["晚上"]),
     ("所有", ["所有"]), ("但是", ["但是"]), ("现在", ["现在"])],
)  # fmt: skip
def test_a_modal_glued_to_a_verb_by_guesswork_is_cut_apart(typed, words) -> None:
    """QA pass 38a: 产假能休几天 searched 能休, a word no text writes."""
    assert query_words(typed) == words


@pytest.mark.parametrize(
    ("typed", "words"),
    [("房东扣押金不还", ["房东", "扣", "押金", "不", "还"]), ("扣押金额", ["扣押", "金额"]),
     ("扣押财产", ["扣押", "财产"])],
)  # fmt: skip
def test_a_deposit_kept_back_is_no_seizure(typed, words) -> None:
    """QA pass 26b: 房东扣押金不还 searched 扣押 (and its other wording 没收) and 金."""
    assert query_words(typed) == words


@pytest.mark.parametrize(
    ("query", "words"),
    [("香港人同内地人结婚", ["香港", "人", "同", "内地", "人", "结婚"]),
     ("香港人来台湾工作许可", ["香港", "人", "来", "台湾", "工作", "许可"]),
     ("我同老公离婚", ["我", "同", "老公", "离婚"]),
     ("外国人来华工作", ["外国人", "来华", "工作"])],
)  # fmt: skip
def test_a_person_glued_to_and_or_come_is_cut_apart(query: str, words: list[str]) -> None:
    """QA pass 51d: jieba's dictionary holds 人同, 人来 and 我同, so 香港人同內地人結婚 asked for
    a word no rule writes, where 香港人和內地人 asks for 香港 and 内地."""
    assert query_words(query) == words
