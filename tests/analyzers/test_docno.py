import pytest

from analyzers.docno import (
    canonical,
    find_in_query,
    keys_for_value,
    keys_in_text,
    without_head_group,
)
from analyzers.normalize import normalize
from tests.corpus import corpus_document, loose_docno_variants

VARIANTS = [
    "苏政办发〔2021〕12号",
    "苏政办发[2021]12号",
    "苏政办发(2021)12号",
    "苏政办发（2021）12号",
    "苏政办发〔２０２１〕１２号",
    "苏政办发2021年12号",
    "苏政办发202112号",
    "苏政办发【2021】12号",
    "蘇政辦發〔2021〕12號",
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_all_variants_share_one_key(variant):
    assert canonical(normalize(variant)) == "苏政办发2021-12"


def test_order_numbers_with_full_width_and_chinese_numerals():
    assert canonical(normalize("中华人民共和国公安部令第１２５号")) == "公安部令#125"
    assert canonical("主席令第三十一号") == "主席令#31"
    assert canonical(normalize("華總一義字第11200045431號")) == "华总一义字#11200045431"


def test_an_order_typed_without_its_di_meets_the_printed_one():
    printed = keys_in_text("2021年1月15日 中华人民共和国国务院令第735号公布")
    for typed in ("国务院令735号", "国务院令 735 号", "国务院令七百三十五号"):
        ((_, _, key),) = find_in_query(typed)
        assert key == "国务院令#735" and key in printed
    assert "国务院令#735" in keys_in_text("国务院令735号公布")
    # only after 令: a plain number after another word is no 文号
    assert find_in_query("通知12号") == [] and canonical("通知12号") is None


@pytest.mark.parametrize("typed", ["国务院令735", "国令735", "国务院令 735", "国务院令第735",
                                   "国令第735", "国务院令735 医保"])  # fmt: skip
def test_an_orders_number_typed_without_its_hao_is_the_order(typed):
    """QA pass 22: 国务院令735 was two words, and the regulation ranked sixth."""
    ((_, _, key),) = find_in_query(typed)
    assert key == "国务院令#735"


@pytest.mark.parametrize("typed", ["府都規字1150142489", "府都規字 1150142489",
                                   "府都规字第1150142489", "府都規字1150142489 公告"])  # fmt: skip
def test_a_taiwan_number_typed_without_di_and_hao_is_the_number(typed):
    """QA pass 22c: 府都規字1150142489 (no 第, no 號) was read as words."""
    ((_, _, key),) = find_in_query(normalize(typed))
    assert key == "府都规字#1150142489"
    assert find_in_query("识字123") == [] and find_in_query("文字 2024") == []


@pytest.mark.parametrize("typed", ["责令3日", "责令 3 日内", "禁令5", "命令 2", "法令7条"])
def test_a_number_after_a_word_ending_in_ling_is_no_order(typed):
    assert find_in_query(typed) == [] and canonical(typed) is None


def test_a_taiwan_number_is_one_key_with_or_without_its_letter():
    """府都規字第1150142489A號 typed without its A found nothing (a 文号 matching no key), and
    with it was plain words: one key either way, in documents and queries."""
    from analyzers.normalize import normalize

    printed = normalize("府都規字第1150142489A號")
    key = "府都规字#1150142489"
    assert key in keys_in_text(normalize("臺南市政府令\n" + printed + "\n"))
    for typed in (printed, "府都规字第1150142489号", "府都规字第1150142489a号"):
        assert canonical(typed) == key, typed
        assert [k for _, _, k in find_in_query(typed)] == [key], typed
    assert canonical("第十二A号") is None  # a letter after a number in words: no number


def test_a_yearly_number_typed_with_spaces_for_its_brackets():
    """QA pass 19: 国办发 2018 123号 was three words found anywhere."""
    for typed in ("国办发 2018 123号", "国发 2018 39 号", "国办函  2019 6号"):
        ((_, _, key),) = find_in_query(typed)
        assert key == canonical(typed.replace(" ", "")) or key == canonical(typed), typed
    assert find_in_query("国办发 2018 123号")[0][2] == "国办发2018-123"
    assert find_in_query("通知 2018 12号") == []  # an issuer ends as a prefix does


@pytest.mark.parametrize(
    "typed",
    ["中华人民共和国国务院令第711号", "国务院令第711号", "国令第711号", "国务院令711号"],
)
def test_an_order_typed_as_printed_or_as_cited_meets_the_text(typed):
    """QA pass 8: the order typed as printed (the state's name before the issuer: 11 characters,
    more than documents index) found nothing; 国令 is how citations shorten 国务院令."""
    ((_, _, key),) = find_in_query(typed)
    assert key in keys_in_text("2019年4月3日 中华人民共和国国务院令第711号修订")
    assert key in keys_in_text("依据国令第711号")


def test_an_issuer_longer_than_documents_index_meets_its_own_number():
    typed = canonical("国家工商行政管理总局令第73号")
    assert typed in keys_in_text("2015年1月5日 国家工商行政管理总局令第73号公布")
    assert typed in keys_in_text("中华人民共和国国家工商行政管理总局令第73号")


def test_text_keys_cover_issuer_suffixes_and_wrapped_digits():
    keys = keys_in_text("关于印发的通知国办发〔2019〕5号，依据华总一义字第8600118\n870号")
    assert "国办发2019-5" in keys
    assert "华总一义字#8600118870" in keys


def test_catalog_value_matches_shorter_issuer():
    assert "公安部令#125" in keys_for_value(normalize("中华人民共和国公安部令第125号"))


def test_query_spans():
    spans = find_in_query("国办发〔2019〕5号 政务公开")
    assert spans == [(0, 11, "国办发2019-5")]


def test_not_a_doc_number():
    assert canonical("政务公开") is None
    assert find_in_query("2019年政务公开要点") == []


@pytest.mark.parametrize(
    "typed", ["国务院第431号令", "國務院第431號令", "国务院令 第431号", "国务院令第四百三十一号"]
)
def test_an_order_with_its_number_before_its_ling_is_the_order(typed):
    """QA pass 9: 国务院第431号令, as news and citations write it, found nothing."""
    ((start, end, key),) = find_in_query(normalize(typed))
    assert (start, end) == (0, len(typed)) and key == "国务院令#431"
    assert key in keys_in_text("2005年1月10日 中华人民共和国国务院令第431号公布")


def test_a_text_citing_an_order_number_before_its_ling_holds_the_order():
    keys = keys_in_text("1992年10月20日北京市人民政府第15号令发布的")
    assert "北京市人民政府令#15" in keys and "人民政府令#15" in keys
    assert canonical("北京市人民政府令第15号") in keys


def test_a_joint_order_is_one_number_under_its_last_issuer():
    typed = "国务院、中央军事委员会令第759号 征兵"
    ((start, end, key),) = find_in_query(typed)
    assert typed[start:end] == "国务院、中央军事委员会令第759号"
    assert key == "中央军事委员会令#759"
    printed = "2023年4月12日 中华人民共和国国务院、中华人民共和国中央军事委员会令第759号"
    assert key in keys_in_text(printed)
    assert canonical("国务院、中央军事委员会令第759号") == key


def test_the_year_typed_before_an_orders_number_and_keys_written_back():
    from analyzers.docno import key_text, yearly_order

    key = canonical("国家市场监督管理总局令2019年第20号")
    assert yearly_order(key) == canonical("国家市场监督管理总局令第20号")
    assert yearly_order(canonical("国办发〔2019〕6号")) is None  # not an order
    for number in ("国务院令第431号", "国办发〔2019〕6号"):
        assert canonical(key_text(canonical(number))) == canonical(number)


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("国办发2019 6号", "国办发〔2019〕6号"),
        ("国务院令（第431号）", "国务院令第431号"),
        ("国务院令(第431号)", "国务院令第431号"),
        ("第431号国务院令", "国务院令第431号"),
        ("法释2022第9号", "法释〔2022〕9号"),
        ("公安部69号令", "公安部令第69号"),  # QA pass 10
        # QA pass 26b: the year first, as a number is cited in speech; a date's 年 before an
        # order was read as part of its issuer
        ("2019年国办发6号", "国办发〔2019〕6号"),
        ("2019国办发6号文", "国办发〔2019〕6号"),
    ],
)
def test_more_ways_people_type_a_number_meet_the_printed_one(typed, printed):
    """QA pass 9: each of these was read as words, not as the 文号."""
    ((start, end, key),) = find_in_query(normalize(typed) + " 规定")
    assert (start, end) == (0, len(normalize(typed)))
    assert key == canonical(printed) and key in keys_in_text(f"依据{printed}制定")


def test_a_dates_character_before_an_order_is_no_part_of_its_issuer():
    """QA pass 26b: 2019年国务院令735号 was 年国务院令's order, which no document has."""
    ((start, end, key),) = find_in_query("2019年国务院令735号")
    assert (start, end, key) == (5, 13, canonical("国务院令第735号"))
    assert key in keys_in_text("于2019年国务院令第735号公布")


def test_a_joint_order_is_each_issuers_and_citations_take_both_orders():
    from analyzers.docno import citation_forms

    printed = "2023年4月12日 中华人民共和国国务院、中华人民共和国中央军事委员会令第759号公布"
    keys = keys_in_text(printed)
    assert "中央军事委员会令#759" in keys and "国务院令#759" in keys
    assert "国务院令#759" not in keys_in_text("国务院办公厅、中央军委令")  # no number: nothing
    assert citation_forms("公安部令#69") == ("公安部令第69号", "公安部第69号令")
    assert citation_forms("国办发2019-6") == ("国办发〔2019〕6号",)


GOVCN_002 = "docs/govcn_policy/govcn_002.txt"  # 国办发〔2019〕6号, citing 国发〔2015〕43号


@pytest.mark.parametrize(
    "typed",
    [
        "国办发〔2019〕6", "国办发(2019)6", "国办发 〔2019〕 6", "国办发19年6号", "国办发〔19〕6号",
        "国办发〔二〇一九〕6号", "国办发〔二零一九〕6号", "國辦發〔二〇一九〕6號",
        "国办发二〇一九年6号", "国办发二零一九年第6号", "国办发〔2019〕六号",
    ],
)  # fmt: skip
def test_a_number_typed_loosely_meets_the_printed_one(typed):
    """QA (nineteenth session): each of these was read as words and found nothing: the 号 left
    off, the year in two digits or in Chinese numerals."""
    text = corpus_document(GOVCN_002).text
    ((start, end, key),) = find_in_query(normalize(typed) + " 担保")
    assert (start, end) == (0, len(normalize(typed)))
    assert key == canonical("国办发〔2019〕6号") == canonical(normalize(typed))
    assert key in keys_in_text(normalize(text))


def test_the_loose_forms_of_a_cited_number_meet_it_too():
    """国发〔2015〕43号, cited in the body of govcn_002, typed in every loose form."""
    keys = keys_in_text(normalize(corpus_document(GOVCN_002).text))
    for typed in loose_docno_variants("国发〔2015〕43号"):
        ((_, _, key),) = find_in_query(typed)
        assert key == "国发2015-43" and key in keys, typed


def test_a_two_digit_year_is_read_between_1950_and_2049():
    from analyzers.docno import loose_year

    assert [loose_year(y) for y in ("19", "98", "50", "49", "00", "一九", "九八")] == [
        "2019", "1998", "1950", "2049", "2000", "2019", "1998",
    ]  # fmt: skip
    assert loose_year("二〇〇五") == loose_year("二零零五") == "2005"
    assert loose_year("3019") is None and loose_year("二〇一") is None
    assert canonical("国办发98年6号") == "国办发1998-6"


@pytest.mark.parametrize(
    "typed",
    [
        "2019 6", "2019年6号", "第6条", "19年6号", "工作19年6号", "住了19年6号楼",
        "国办发〔2019〕6条", "国办发〔2019〕6a", "财行〔2019〕6", "年鉴(2019)6", "国办发〔2019〕",
        "国办发二〇一九年", "国办发19年", "2019年第6号",
    ],
)  # fmt: skip
def test_loose_forms_need_an_issuer_and_a_whole_number(typed):
    """Only after an issuer that ends as 文号 prefixes do (发 函 释 规 字 电 令), and without 号
    only where the number ends: ordinary numbers stay text."""
    assert find_in_query(normalize(typed)) == [] and canonical(normalize(typed)) is None


def test_unwrap_digits_as_the_lookbehind_did():
    """_unwrap_digits matches the digit before a wrap instead of looking behind for it: the
    same text as removing ``(?<=\\d)\\s+(?=\\d)``, full-width digits and spaces included."""
    import random
    import re

    from analyzers.docno import _unwrap_digits

    behind = re.compile(r"(?<=\d)\s+(?=\d)")
    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choice("12 \n\t号a　３〔〕") for _ in range(rng.randint(0, 40)))
        assert _unwrap_digits(text) == behind.sub("", text), text


def test_a_laws_revising_orders_are_its_own_numbers():
    """QA pass 22b: 国务院令第711号 found 政府信息公开条例 third, after reports citing it: the
    law's catalogue names its first order (第492号); the text in force is the 711 revision's."""
    from analyzers.docno import own_history_keys

    law = normalize(
        "中华人民共和国政府信息公开条例\n\n2007年4月5日 中华人民共和国国务院令第492号公布\n\n"
        "2019年4月3日 中华人民共和国国务院令第711号修订\n\n2019年5月15日 施行\n\n第一章 总则\n\n"
        "第一条 为了……依照《行政法规制定程序条例》（国务院令第321号公布）制定本条例。"
    )
    keys = own_history_keys(law)
    assert "国务院令#492" in keys and "国务院令#711" in keys
    assert "国务院令#321" not in keys  # cited below the first article
    # no articles, no history: a report's or a notice's lines cite other texts' numbers
    report = normalize("根据《条例》（国令第711号）要求，现发布本机关2024年年度报告。")
    assert own_history_keys(report) == []


@pytest.mark.parametrize("typed", ["国发〔2018年〕41号", "国发〖2018〗41号", "国发【2018年】41号"])
def test_a_year_with_its_nian_or_in_other_brackets_is_the_number(typed):
    """QA pass 27b: 国发〔2018年〕41号 ranked 国发〔2018〕44号 first; 国发〖2018〗41号 was no
    文号 at all."""
    assert canonical(normalize(typed)) == "国发2018-41"
    assert find_in_query(normalize(typed)) == [(0, len(typed), "国发2018-41")]


def test_a_taiwan_numbers_bracketed_groups_are_part_of_it():
    """QA pass 27b: 華總（一）義字第8700010350號 (the issuer holds a bracketed part) and
    （82）台財字第07792號 (the ROC year printed first) found their law among 450 and 666
    documents: the groups' pieces (华总, 一; 82) were searched as words beside the number."""
    typed = normalize("華總（一）義字第8700010350號")
    assert find_in_query(typed) == [(0, len(typed), "华总一义字#8700010350")]
    assert without_head_group(typed) == "华总一义字第8700010350号"
    assert "华总一义字#8700010350" in keys_for_value(normalize("華總一義字第8700010350號"))
    typed = normalize("（82）台財字第07792號")
    assert find_in_query(typed) == [(0, len(typed), "台财字#7792")]
    assert without_head_group(typed) == "台财字第07792号"
    # a list's (一) before a yearly number is no part of its issuer
    typed = normalize("关于（一）国发〔2018〕41号")
    assert [k for _, _, k in find_in_query(typed)] == ["国发2018-41"]


def test_a_taiwan_numbers_roc_year_without_brackets_is_part_of_it():
    typed = normalize("82台財字第07792號")
    assert find_in_query(typed) == [(0, len(typed), "台财字#7792")]
    assert without_head_group(typed) == "台财字第07792号"
