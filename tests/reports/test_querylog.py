"""The query log: privacy of what is stored, the weekly report on a hand-made log, and the
embedded store's bounds (retention, row cap, deletion, a full queue, concurrent writers)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading

import pytest

from reports.querylog import (
    LoggedSearch,
    QueryLogStore,
    QueuedWriter,
    filters_text,
    held_every_word,
    logged_search,
    new_token,
    queries_report,
    scrub,
    understood_summary,
    valid_token,
)
from reports.querylog_sqlite import ORDERED_BELOW, SqliteQueryLog
from search_index.request import Understanding

D = dt.date


def s(
    query: str,
    day: dt.date,
    total: int = 5,
    opened: bool = False,
    filters: str = "",
    understood: str = "",
) -> LoggedSearch:
    return LoggedSearch(
        new_token(), day, query, total, understood or f"分词：{query}", opened, filters
    )


# Week 2025-W02 is Monday 6 – Sunday 12 January 2025; W03 starts on the 13th.
LOG = [
    s("养老金", D(2025, 1, 6), opened=True),
    s("养老金", D(2025, 1, 7)),
    s("养老金", D(2025, 1, 12)),
    s("人社局", D(2025, 1, 8)),
    s("人社局", D(2025, 1, 9)),
    s("火星移民", D(2025, 1, 10), total=0),
    s("低保", D(2025, 1, 10), total=0),
    s("低保", D(2025, 1, 11), total=3, opened=True),
    s("养老金", D(2025, 1, 13)),
]


def test_tokens_and_scrubbing() -> None:
    t = new_token()
    assert valid_token(t) and len(t) == 12 and t != new_token()
    assert not valid_token("") and not valid_token("x' OR 1=1 --") and not valid_token(None)
    assert scrub("  张三   13912345678  身份证 110101199003071234 ") == (
        "张三 ########### 身份证 ##################"
    )
    assert scrub("国办发〔2019〕5号 2024年") == "国办发〔2019〕5号 2024年"
    assert scrub("联系 a.b@example.cn 谢谢") == "联系 ［邮箱］ 谢谢"
    # the query syntax around an address stays: an exclusion is still one, a phrase still quoted
    assert scrub("-someone@example.com 养老") == "-［邮箱］ 养老"
    assert scrub('"zhang-san@example.cn" 低保') == '"［邮箱］" 低保'
    assert scrub("养老 -“a@b.cn”") == "养老 -“［邮箱］”"
    # written against Chinese (no space): only the address goes, not the words before it
    assert scrub("请联系lisi@test.cn 公积金") == "请联系［邮箱］ 公积金"
    assert scrub("邮箱ZHANG_san+1@mail.example.com.cn查询") == "邮箱［邮箱］查询"
    assert len(scrub("字" * 1000)) == 200


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("身份证 11010519491231002X", "身份证 ##################"),
        ("身份证11010519491231002x号", "身份证##################号"),
        ("110105 19491231 002X", "###### ######## ####"),
        ("电话 138 1234 5678", "电话 ### #### ####"),
        ("138-1234-5678", "###-####-####"),
        ("+86 138 1234 5678 投诉", "### ### #### #### 投诉"),
        ("+86 13812345678", "### ###########"),
        ("010-12345678", "###-########"),
        ("（0755）8888 8888", "（####）#### ####"),
        ("0571 8765432", "#### #######"),
        ("卡号 6222 0202 0000 1234 567", "卡号 #### #### #### #### ###"),
        # dashes as input methods type them, and a hyphen with spaces (QA pass 8: kept as typed)
        ("138—1234—5678", "###—####—####"),
        ("010 - 1234 5678", "### - #### ####"),
        ("电话:0512 – 5273 1234", "电话:#### – #### ####"),
        ("138.1234.5678", "###.####.####"),
        ("139_1234_5678", "###_####_####"),
        # one digit at a time, and 一 for a dash (QA pass 13: kept as typed)
        ("1 3 8 1 2 3 4 5 6 7 8", "# # # # # # # # # # #"),
        ("138一2345一5678", "#############"),
        ("1-3-8-1-2-3-4", "#-#-#-#-#-#-#"),
        # grouped as people group them, not as the forms print them (QA pass 16: kept as typed)
        ("身份证 110105 1949 1231 002X", "身份证 ###### #### #### ####"),
        ("110105 194912 31002X", "###### ###### ######"),
        ("1381 2345 678", "#### #### ###"),
        ("138 1234 567 8", "### #### ### #"),
        ("电话 6512 3456", "电话 #### ####"),
        ("6512-3456 物业", "####-#### 物业"),
        # the extension dialled after it (QA pass 35b kept 转8001); a 转 after no number stays
        ("电话：021-6512-3456转8001", "电话：###-####-####转####"),
        ("电话 13812345678 分机 12", "电话 ########### 分机 ##"),
        ("电话021-6512-3456转分机8001", "电话###-####-####转分机####"),
        ("13812345678分机号：12", "###########分机号：##"),
        ("010-12345678 x8001", "###-######## x####"),
        ("021-6512-3456转８００１", "###-####-####转####"),
        # QA pass 35c: after a comma, a colon, in brackets, a dash, Taiwan's #, 内线, said alone
        ("021-6512-3456，分机8001", "###-####-####，分机####"),
        ("021-6512-3456 分机：8001", "###-####-#### 分机：####"),
        ("请拨打010-12345678-8001", "请拨打###-########-####"),
        ("021-6512-3456（内线8001）", "###-####-####（内线####）"),
        ("分机号8123 咨询", "分机号#### 咨询"),
        ("转八〇〇一", "转八〇〇一"),
        # QA pass 36b: numerals and digits mixed, an x between the groups
        ("一三八1234五六七八 yyq", "########### yyq"),
        ("138x1234x5678 yyq", "############# yyq"),
        ("二〇一九年1月 条例", "二〇一九年1月 条例"),
        ("转8001 转移登记", "转8001 转移登记"),
        ("一三八一二三四五六七八", "###########"),
        # in groups, in financial numerals, with 幺 for 1 (QA pass 20: kept as typed)
        ("联系电话：幺三八 幺二三四 五六七八", "联系电话：### #### ####"),
        ("手机号是壹叁玖壹贰叁肆伍陆柒捌", "手机号是###########"),
        # QA pass 26a: a plate, a chat account and a house number were kept verbatim
        ("车牌京a12345违章", "车牌［车牌］违章"),
        ("粤B·D12345 超速", "［车牌］ 超速"),
        ("微信号wxid_abc123 举报", "微信号［账号］ 举报"),
        ("QQ 12345678", "QQ［账号］"),
        ("住址建国路88号3单元502 噪音扰民", "住址建国路［门牌号］ 噪音扰民"),
        ("星湖街328号", "星湖街［门牌号］"),
        ("5号楼2单元301室", "［门牌号］"),
        # QA pass 34b: a date of birth said as one, the last digits of a card, a lane's number,
        # a staff key typed into the box; a date said otherwise stays
        ("王小明 1985-03-12 出生", "王小明 ［出生日期］ 出生"),
        ("赵六生于1990.7.15 户籍", "赵六生于［出生日期］ 户籍"),
        ("周八 生日 1979年11月23日", "周八 生日 ［出生日期］"),
        ("吴九 出生于一九八五年三月十二日", "吴九 出生于［出生日期］"),
        ("孙七 85年3月12日生 低保", "孙七 ［出生日期］生 低保"),
        ("身份证号码后六位310021", "身份证号码后六位［号码］"),
        ("身份证后6位 31002X", "身份证后6位 ［号码］"), ("后八位12345678", "后八位［号码］"),
        # the review: a private-use character, a Chinese comma or a slash between groups
        ("138\ue0001234\ue0005678", "### #### ####"), ("138，1234，5678", "###，####，####"),
        ("138/1234/5678", "###/####/####"),
        # QA pass 34c: a key's secret typed alone, a token of another service
        ("yi0XzL-mHE1vOHwUT4Cf9guNLJB536TE", "［密钥］"),
        ("银行卡尾号是6789", "银行卡尾号是［号码］"),
        ("漕溪北路1200弄5号", "漕溪北路［门牌号］"),
        # QA pass 51b: a Hong Kong identity card, a house number in Chinese numerals
        ("补办香港身份证 Z987654(3)", "补办香港身份证 #######(#)"),
        ("a123456(7) 续期", "#######(#) 续期"), ("台湾身分证A123456789", "台湾身分证##########"),
        ("我住在幸福路一百二十三号五单元六零一 噪音投诉", "我住在幸福路［门牌号］ 噪音投诉"),
        ("建国路八十八号三单元五零二", "建国路［门牌号］"),
        ("gs_77eef33b0ed4_yi0XzL-mHE1vOHwUT4Cf9guNLJB536TE 密钥", "［密钥］ 密钥"),
        ("2019年3月1日生效 1985年出生的人", "2019年3月1日生效 1985年出生的人"),
        ("第一 二 三条 十一五规划", "第一 二 三条 十一五规划"),
        ("张三@例子.中国 投诉", "［邮箱］ 投诉"),
        ("2016 - 2019 2023年 预算 100 200", "2016 - 2019 2023年 预算 100 200"),
        ("第3.2条 2019.10.01 1.5万元", "第3.2条 2019.10.01 1.5万元"),
        ("2016.2017.2018.2019 年度报告", "2016.2017.2018.2019 年度报告"),
        # ordinary content stays readable: years, 文号, articles, dates, short numbers
        ("国办发〔2019〕6号", "国办发〔2019〕6号"),
        ("国务院令第735号 2019年", "国务院令第735号 2019年"),
        ("2016 2017 2018 2019 年度报告", "2016 2017 2018 2019 年度报告"),
        ("第123条 2019-01-01 12345 0571 110", "第123条 2019-01-01 12345 0571 110"),
        ("2016 - 2019年 第735号", "2016 - 2019年 第735号"),
        ("京政发〔2019〕5号 GB50016标准 iphone维修 京东方 video12345 第3号",
         "京政发〔2019〕5号 GB50016标准 iphone维修 京东方 video12345 第3号"),
    ],
)
def test_scrub_masks_personal_numbers_however_written(typed: str, stored: str) -> None:
    assert scrub(typed) == stored


def test_scrub_cuts_after_masking() -> None:
    # a cut through a number must not leave its first digits in the clear
    assert scrub("字" * 195 + " 13812345678") == "字" * 195 + " ####"


def test_every_text_of_a_record_is_scrubbed() -> None:
    # what the engine made of the query: the address and the phone cut into short pieces
    u = Understanding(
        normalized="邮箱 zhang.san@example.com 电话 +86 138 1234 5678 身份证 11010519491231002x",
        converted_script=True,
        words=("邮箱", "zhang.san", "example.com", "电话", "+", "86", "138", "1234", "5678"),
        phrases=("11010519491231002x",),
        synonyms=(("身份证", ("居民身份证",)),),
    )
    rec = logged_search(
        "t" * 12, D(2025, 1, 6), u.normalized, u, 0, "agency=13812345678; year=2019"
    )
    stored = f"{rec.query}|{rec.understood}|{rec.filters}"
    for personal in ("zhang", "san", "example", "com", "@", "86", "138", "1234", "5678", "0110"):
        assert personal not in stored.lower(), (personal, stored)
    # the reading's pieces are masked to one length: they tell none (QA pass 26a)
    assert "分词：邮箱 / ###.### / ###.### / 电话 / + / ### / ### / ### / ###" in rec.understood
    assert "同义：身份证→居民身份证" in rec.understood
    assert rec.filters == "agency=###########; year=2019"
    # nothing personal: the summary is the summary, untouched
    plain = Understanding(normalized="国办发〔2019〕6号 2019年", words=("2019", "年"),
                          doc_numbers=("国办发2019-6",))  # fmt: skip
    rec = logged_search("t" * 12, D(2025, 1, 6), "国办发〔2019〕6号 2019年", plain, 1)
    assert (rec.query, rec.understood, rec.filters) == (
        "国办发〔2019〕6号 2019年",
        understood_summary(plain),
        "",
    )


def test_the_readings_pieces_of_an_account_or_a_house_tell_no_length() -> None:
    """QA pass 26c: QQ号123456789 was stored as QQ号［账号］ beside a reading of 9 #, and two
    searches with one stored query showed 8 and 11 #."""
    for n in (8, 9, 11):
        number = "1234567890123"[:n]
        read = scrub(f"分词：qq / 号 / {number} / 被盗", context=f"QQ号{number} 被盗", reading=True)
        assert read == "分词：qq / 号 / ### / 被盗"
    reading = scrub("分词：建国路 / 88 / 号 / 3 / 单元 / 502", context="建国路88号3单元502",
                    reading=True)  # fmt: skip
    assert reading == "分词：建国路 / ### / 号 / ### / 单元 / ###"


def test_a_number_in_chinese_numerals_cut_into_words_is_masked_in_the_reading() -> None:
    """QA pass 20: the query was masked, but the log's "understood as" kept the segmenter's
    pieces (分词：一 / 三八 / 一二三四五 / 六 / 七八), which read back the whole number."""
    for typed, words in (
        ("一三八一二三四五六七八", ("一", "三八", "一二三四五", "六", "七八")),
        ("电话一五八零零七七六六五五", ("电话", "一", "五八", "零零", "七七", "六六", "五五")),
    ):
        u = Understanding(normalized=typed, words=words)
        rec = logged_search("t" * 12, D(2025, 1, 6), typed, u, 0)
        assert not any(ch in rec.understood for ch in "一三五六七八零"), rec.understood
        assert "#" in rec.query and "#" in rec.understood
    # an extension in numerals, one of them joined to the word before (QA pass 35c: 转八 / 〇 /
    # 〇 / 一 was kept beside the masked query's 转####)
    typed = "咨询电话021-6512-3456转八〇〇一"
    u = Understanding(normalized=typed,
                      words=("咨询电话", "021", "6512", "3456", "转八", "〇", "〇", "一"))
    rec = logged_search("t" * 12, D(2025, 1, 6), typed, u, 0)
    assert rec.query.endswith("转####") and not any(c in rec.understood for c in "八〇一"), rec
    few = Understanding(normalized="一 二 养老", words=("一", "二", "养老"))  # not a number
    rec = logged_search("t" * 12, D(2025, 1, 6), "一 二 养老", few, 0)
    assert "一 / 二 / 养老" in rec.understood


def test_filters_text_is_canonical() -> None:
    assert filters_text() == ""
    assert (
        filters_text(years=(1999,), categories=("年度报告",))
        == filters_text(categories=("年度报告", "年度报告"), years=(1999,))
        == "category=年度报告; year=1999"
    )
    assert filters_text(agencies=("乙局", "甲局"), date_to=D(2020, 1, 1)) == (
        "agency=乙局|甲局; date_to=2020-01-01"
    )


def test_understood_summary() -> None:
    u = Understanding(
        words=("人力资源", "社保"),
        synonyms=(("人社局", ("人力资源和社会保障局",)),),
        converted_script=True,
        normalized="社保",
        ignored=("怎么", "怎么"),
    )
    assert understood_summary(u) == (
        "分词：人力资源 / 社保；已按简体：社保；同义：人社局→人力资源和社会保障局；忽略：怎么"
    )


def test_understood_summary_says_what_else_was_searched() -> None:
    # 房东不退押金怎么办: the results page says 也查… and 也按语义检索; staff reading the log of
    # searches that found nothing need the same to see why
    u = Understanding(
        words=("房东", "押金"),
        expansions=(("房东", "出租人", "thesaurus"), ("押金", "保证金", "general")),
        prefers="taiwan",
        semantic=True,
    )
    assert understood_summary(u) == (
        "分词：房东 / 押金；也查：房东→出租人、押金→保证金；排序：台湾地区文件略靠前；也按语义检索"
    )


def test_understood_summary_says_what_letters_were_read_as_and_keeps_a_docno() -> None:
    """QA pass 32b: the archivist saw 拼音：dbsq (read as 第八十七) and 拼音：nianjia (read as
    nothing) and could not tell a misread search; guobanfa2018128, read as 国办发〔2018〕128号,
    was stored guobanfa#######. A number no 文号 reading covers is masked still."""
    u = Understanding(
        normalized="dbsq nianjia", words=("dbsq", "nianjia"), pinyin=("dbsq", "nianjia"),
        pinyin_words=(("dbsq", ("低保", "代表", "担保", "对本", "达标", "申请", "授权")),),
    )  # fmt: skip  (as the planner lists them: the first stretch's words, then the next's)
    assert understood_summary(u).endswith(
        "拼音：dbsq nianjia；读作：dbsq→低保/代表/担保/对本/达标/申请、nianjia（未读出词）"
    )
    read = Understanding(normalized="guobanfa2018128", doc_numbers=("国办发2018-128",))
    rec = logged_search("t" * 12, D(2025, 1, 6), "guobanfa2018128", read, 1)
    assert rec.query == "guobanfa2018128" and "2018-128" in rec.understood
    other = Understanding(normalized="guobanfa2018128 13812345678", doc_numbers=read.doc_numbers)
    rec = logged_search("t" * 12, D(2025, 1, 6), other.normalized, other, 0)
    assert rec.query == "guobanfa2018128 ###########"
    # QA pass 33b: an 索引号 the engine read stays too (QS-2025-0034 was qs-####-####, its
    # digits read as a telephone's); the same digits not read as one are masked
    index_no = Understanding(
        normalized="qs-2025-0034 电话6512-3456", index_numbers=("qs-2025-0034",)
    )
    rec = logged_search("t" * 12, D(2025, 1, 6), "QS-2025-0034 电话6512-3456", index_no, 0)
    assert rec.query == "qs-2025-0034 电话####-####"
    rec = logged_search("t" * 12, D(2025, 1, 6), "2025-0034", Understanding(), 0)
    assert rec.query == "####-####"
    # ... whatever it stands beside: a mobile after it masked the two as one run of digits
    beside = Understanding(
        normalized="qs-2025-0034 13812345678", index_numbers=("qs-2025-0034",)
    )
    rec = logged_search("t" * 12, D(2025, 1, 6), beside.normalized, beside, 0)
    assert rec.query == "qs-2025-0034 ###########"
    # a name and a date of birth in an 索引号's shape are masked (a review: kept as typed)
    born = Understanding(normalized="wang-1990-0307", index_numbers=("wang-1990-0307",))
    rec = logged_search("t" * 12, D(2025, 1, 6), "wang-1990-0307", born, 0)
    assert "0307" not in rec.query and "1990" not in rec.query, rec.query
    # a telephone read as an 索引号 (digits and dashes) is masked all the same
    phone = Understanding(normalized="138-1234-5678", index_numbers=("138-1234-5678",))
    rec = logged_search("t" * 12, D(2025, 1, 6), "138-1234-5678", phone, 0)
    assert rec.query == "###-####-####"
    # ... and a mobile number inside a number read as an 索引号 (the review's Q-13812345678)
    for typed in ("Q-13812345678", "13812345678/2019-00123", "tel-010-62345678",
                  "QQ-123456789", "sb-123456789012", "0755/86001234"):  # fmt: skip
        read = Understanding(normalized=typed.lower(), index_numbers=(typed.lower(),))
        rec = logged_search("t" * 12, D(2025, 1, 6), typed, read, 0)
        assert not re.search(r"[0-9]{6,}", rec.query), rec.query
    # the review: an e-mail address or an account holding an 索引号 is masked whole, and an
    # 索引号 of this year's whose serial reads as a month-day is kept
    for typed, stored in (("wang-2019-1234@qq.com 投诉", "［邮箱］ 投诉"),
                          ("微信号qs-2025-0034", "微信号［账号］")):  # fmt: skip
        number = re.search(r"[a-z]+-20[0-9]{2}-[0-9]{4}", typed).group()
        read = Understanding(normalized=typed, index_numbers=(number,))
        assert logged_search("t" * 12, D(2025, 1, 6), typed, read, 0).query == stored
    this_year = f"qs-{dt.date.today().year}-0112"
    read = Understanding(normalized=this_year, index_numbers=(this_year,))
    assert logged_search("t" * 12, D(2025, 1, 6), this_year, read, 0).query == this_year
    credit = "11330000002482063k/2020-156239"  # a unified social credit code: kept
    read = Understanding(normalized=credit, index_numbers=(credit,))
    assert logged_search("t" * 12, D(2025, 1, 6), credit, read, 0).query == credit
    id_card = "11010519491231002x/2020-1"  # an ID card in its place: masked
    read = Understanding(normalized=id_card, index_numbers=(id_card,))
    assert "19491231" not in logged_search("t" * 12, D(2025, 1, 6), id_card, read, 0).query
    number = "000014349/2019-00123"  # an issuer's code of 9 digits: kept
    issuer = Understanding(normalized=number, index_numbers=(number,))
    assert logged_search("t" * 12, D(2025, 1, 6), number, issuer, 0).query == number


def test_understood_summary_says_fields_and_exclusions_as_the_results_page() -> None:
    # title:条例 -废止 and the like: the results page says 已排除 废止 / 限定标题 条例
    u = Understanding(
        normalized="title:条例 -废止",
        phrases=("养犬 管理",),
        excluded=("废止", "失效", "废止"),
        fields=(
            ("title", "条例"),
            ("agency", "国务院"),
            ("title", "办法"),
            ("docno", "国发〔2019〕6号"),
        ),
    )
    assert understood_summary(u) == (
        "短语：养犬 管理；已排除：废止、失效；限定标题：条例、办法；限定发布机构：国务院；"
        "限定文号：国发〔2019〕6号"
    )
    rec = logged_search("t" * 12, D(2025, 1, 6), "title:条例 -废止", u, 3)
    assert rec.understood == understood_summary(u)  # nothing personal: stored as it reads


def test_fields_and_exclusions_are_scrubbed_too() -> None:
    q = '-zhang.san@example.com title:13812345678 agency:"010-1234 5678" -"138 1234 5678" 身份证'
    u = Understanding(
        normalized=q,
        words=("身份证",),
        phrases=("010-1234 5678", "138 1234 5678"),
        excluded=("zhang.san@example.com", "138 1234 5678"),
        fields=(("title", "13812345678"), ("agency", "010-1234 5678")),
    )
    rec = logged_search("t" * 12, D(2025, 1, 6), q, u, 0)
    assert rec.understood == (  # the reading's pieces tell no length (QA pass 26c)
        "分词：身份证；短语：###-### ###、### ### ###；已排除：［邮箱］、### ### ###；"
        "限定标题：###；限定发布机构：###-### ###"
    )
    stored = f"{rec.query}|{rec.understood}"
    for personal in ("zhang", "example", "@", "138", "1234", "5678", "010"):
        assert personal not in stored, (personal, stored)


def test_weekly_report_counted_by_hand() -> None:
    rep = queries_report(LOG, D(2025, 1, 1), D(2025, 1, 31), top=10)
    assert [w.week for w in rep.weeks] == ["2025-W03", "2025-W02"]  # newest first
    w2 = rep.weeks[1]
    assert w2.start == D(2025, 1, 6) and w2.searches == 8
    assert [(q.query, q.searches, q.opened) for q in w2.top] == [
        ("养老金", 3, 1),
        ("人社局", 2, 0),
        ("低保", 2, 1),
        ("火星移民", 1, 0),
    ]
    # 低保 found nothing once but something the next day: not a zero-result query
    assert [q.query for q in w2.zero_results] == ["火星移民"]
    assert [q.query for q in w2.unopened] == ["人社局"]
    assert w2.top[0].understood == "分词：养老金"
    assert rep.weeks[0].searches == 1
    assert queries_report(LOG, D(2025, 1, 13), D(2025, 1, 13)).weeks[0].week == "2025-W03"
    rows = rep.to_csv().splitlines()
    # the first seven columns as before filters were logged; the new ones come after them
    assert (
        rows[0]
        .lstrip("\ufeff")
        .startswith("周,列表,检索词,检索次数,无结果次数,打开结果次数,检索词的理解,")
    )


# Week 2025-W05: 工伤保险 found nothing only with filters, and 37 documents without them;
# 火星 found nothing with and without; 年度报告 only ever searched with a filter that emptied it.
FILTERED = [
    s("工伤保险", D(2025, 1, 27), total=0, filters="category=年度报告; year=1999"),
    s("工伤保险", D(2025, 1, 28), total=0, filters="category=年度报告; year=1999"),
    s("工伤保险", D(2025, 1, 28), total=0, filters="year=1998"),
    s("工伤保险", D(2025, 1, 29), total=37),
    s("火星", D(2025, 1, 27), total=0, filters="year=1999"),
    s("火星", D(2025, 1, 28), total=0),
    s("年度报告", D(2025, 1, 29), total=0, filters="agency=丙局"),
]


def check_filtered_report(searches: list[LoggedSearch]) -> None:
    """The report over FILTERED (as stored by any store): a filtered search that found nothing
    is counted apart, with its filters, and never blames the words."""
    (week,) = queries_report(searches, D(2025, 1, 27), D(2025, 2, 2)).weeks
    top = {q.query: q for q in week.top}
    gs = top["工伤保险"]
    assert (gs.searches, gs.zero_results, gs.filtered_zero_results) == (4, 0, 3)
    assert gs.zero_result_filters == (("category=年度报告; year=1999", 2), ("year=1998", 1))
    assert (top["火星"].zero_results, top["火星"].filtered_zero_results) == (1, 1)
    assert [q.query for q in week.zero_results] == ["火星"]  # the words found nothing
    assert [q.query for q in week.filtered_out] == ["年度报告"]
    assert [q.query for q in week.unopened] == ["工伤保险"]
    d = week.to_dict()
    assert d["top"][0]["zero_result_filters"][0] == {
        "filters": "category=年度报告; year=1999",
        "searches": 2,
    }
    assert [q["query"] for q in d["filtered_out"]] == ["年度报告"]
    rows = queries_report(searches, D(2025, 1, 27), D(2025, 2, 2)).to_csv().splitlines()
    assert rows[0].lstrip("\ufeff").split(",") == [
        "周", "列表", "检索词", "检索次数", "无结果次数", "打开结果次数", "检索词的理解",
        "筛选后无结果次数", "无结果时的筛选条件", "其他写法", "最相关结果缺词次数",
    ]  # fmt: skip
    filters = "category=年度报告; year=1999 ×2 | year=1998"
    assert f"2025-W05,检索最多,工伤保险,4,0,0,分词：工伤保险,3,{filters},,0" in rows
    filtered = "只在加了筛选条件时没有结果"
    assert f"2025-W05,{filtered},年度报告,1,0,0,分词：年度报告,1,agency=丙局,,0" in rows


def test_a_best_result_holds_every_word_as_typed_or_in_a_wording_searched() -> None:
    u = Understanding(
        words=("房东", "押金"), synonyms=(("房东", ("出租人",)),),
        expansions=(("押金", "保证金", "thesaurus"),),
    )  # fmt: skip
    assert held_every_word(u, "出租人应当退还承租人的保证金")
    assert held_every_word(u, "房东 押 金")  # spaces are no gap in a word
    assert not held_every_word(u, "出租人应当维修房屋")
    assert held_every_word(Understanding(words=("zhengwu",), pinyin=("zhengwu",)), "")
    # a search never logs as partial when it found nothing (that is its own list)
    assert not logged_search("t" * 12, D(2025, 1, 6), "x", u, 0, partial=True).partial


def test_one_need_typed_several_ways_is_one_row() -> None:
    """低保申请, 低保 申请, 如何申请低保, 怎么申请低保？ read as the same words: four rows of the
    report were one need searched four times (QA pass 5). Other words stay apart."""
    day = D(2025, 1, 7)
    log = [
        s("低保申请", day, understood="分词：低保 / 申请"),
        s("低保申请", day, understood="分词：低保 / 申请"),
        s("低保 申请", day, understood="分词：低保 / 申请"),
        s("如何申请低保", day, understood="分词：申请 / 低保；忽略：如何"),
        s("怎么申请低保？", day, understood="分词：申请 / 低保；忽略：怎么"),
        s("低保", day, understood="分词：低保"),
        s("低保 -申请", day, understood="分词：低保；已排除：申请"),
        # what the engine added to the words changes as ingests change the lexicon: one need
        s("低保申请", day,
          understood="分词：低保 / 申请；同义：低保→最低生活保障；也查：申请→申领"),  # fmt: skip
        s("低保申请", day, understood="分词：低保 / 申请；也按语义检索"),
    ]
    (week,) = queries_report(log, D(2025, 1, 6), D(2025, 1, 12)).weeks
    rows = {q.query: q for q in week.top}
    assert set(rows) == {"低保申请", "低保", "低保 -申请"}
    need = rows["低保申请"]
    assert need.searches == 7
    assert need.variants == ("低保 申请", "如何申请低保", "怎么申请低保？")
    assert week.to_dict()["top"][0]["variants"] == ["低保 申请", "如何申请低保", "怎么申请低保？"]
    csv_text = queries_report(log, D(2025, 1, 6), D(2025, 1, 12)).to_csv()
    row = r"低保申请,7,0,0,分词：低保 / 申请[^,]*,0,,低保 申请 \| 如何申请低保 \| 怎么申请低保？"
    assert re.search(row, csv_text), csv_text


def test_a_masked_number_beside_the_words_is_the_same_need() -> None:
    """QA pass 45a: 低保申请 typed with an ID number or an e-mail beside it was a row of its own;
    what was masked is no part of what was asked. A word typed beside it stays (身份证号)."""
    day = D(2025, 1, 7)
    log = [
        s("低保申请", day, understood="分词：低保 / 申请"),
        s("低保申请 ###########", day, understood="分词：低保 / 申请 / ###"),
        s("低保申请 ［邮箱］", day, understood="分词：低保 / 申请 / ［邮箱］"),
        s("低保申请 身份证号###", day, understood="分词：低保 / 申请 / 身份证号 / ###"),
    ]
    (week,) = queries_report(log, D(2025, 1, 6), D(2025, 1, 12)).weeks
    rows = {q.query: q.searches for q in week.top}
    assert rows == {"低保申请": 3, "低保申请 身份证号###": 1}


def test_filtered_searches_that_found_nothing_do_not_blame_the_words() -> None:
    check_filtered_report(FILTERED)


@pytest.fixture
def store(tmp_path):
    log = SqliteQueryLog(tmp_path / "querylog.sqlite", today=lambda: D(2025, 1, 31))
    yield log
    log.close()


def test_sqlite_store_round_trip_with_opens(store) -> None:
    assert isinstance(store, QueryLogStore)
    for x in LOG:
        store.record_search(LoggedSearch(x.token, x.day, x.query, x.total, x.understood))
    for x in LOG:
        if x.opened:
            store.record_open(x.token)
    store.record_open(new_token())  # unknown (expired) token: nothing happens
    assert store.flush()
    got = sorted(store.searches(D(2025, 1, 1), D(2025, 1, 31)), key=lambda x: x.token)
    assert got == sorted(LOG, key=lambda x: x.token)
    assert queries_report(got, D(2025, 1, 1), D(2025, 1, 31)) == queries_report(
        LOG, D(2025, 1, 1), D(2025, 1, 31)
    )
    assert [x.day for x in store.searches(D(2025, 1, 13), D(2025, 1, 20))] == [D(2025, 1, 13)]


def test_sqlite_store_keeps_the_filters(store) -> None:
    for x in FILTERED:
        store.record_search(x)
    assert store.flush()
    got = list(store.searches(D(2025, 1, 1), D(2025, 1, 31)))
    assert sorted(got, key=lambda x: x.token) == sorted(FILTERED, key=lambda x: x.token)
    check_filtered_report(got)


def test_sqlite_file_of_an_earlier_version_is_read_and_written(tmp_path) -> None:
    path = tmp_path / "querylog.sqlite"
    db = sqlite3.connect(path)  # the schema before filters were logged, with one row in it
    with db:
        db.executescript(
            """
            CREATE TABLE searches (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                token TEXT NOT NULL UNIQUE,
                day TEXT NOT NULL,
                query TEXT NOT NULL,
                total INTEGER NOT NULL,
                understood TEXT NOT NULL DEFAULT '',
                opened INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX searches_day ON searches(day);
            INSERT INTO searches(token, day, query, total, understood, opened)
            VALUES ('oldtoken0000', '2025-01-27', '火星', 0, '分词：火星', 0);
            """
        )
    db.close()
    stores = [SqliteQueryLog(path, today=lambda: D(2025, 1, 31)) for _ in range(2)]  # reopened
    try:
        for x in FILTERED:
            stores[0].record_search(x)
        assert stores[0].flush()
        got = {x.token: x for x in stores[1].searches(D(2025, 1, 1), D(2025, 1, 31))}
        assert got.pop("oldtoken0000") == LoggedSearch(
            "oldtoken0000", D(2025, 1, 27), "火星", 0, "分词：火星"
        )
        assert sorted(got.values(), key=lambda x: x.token) == sorted(
            FILTERED, key=lambda x: x.token
        )
        # the earlier version's row, numbered in the searches' order, has a random key now
        with sqlite3.connect(path) as db:
            (seq,) = db.execute("SELECT seq FROM searches WHERE token = 'oldtoken0000'").fetchone()
        assert seq >= ORDERED_BELOW
    finally:
        for log in stores:
            log.close()


def check_read_only(writer: QueryLogStore, open_existing) -> None:
    """A log opened to read (a staff command, a server with the log off) gives what a
    recording writer stored, records nothing itself, and deletes as --delete asks; both stores."""
    for x in LOG:
        writer.record_search(x)
    assert writer.flush() and writer.recording
    reader = open_existing()
    assert reader is not None and isinstance(reader, QueryLogStore) and not reader.recording
    try:
        reader.record_search(s("读者", D(2025, 1, 7)))  # stores nothing
        assert reader.flush()
        got = sorted(reader.searches(D(2025, 1, 1), D(2025, 1, 31)), key=lambda x: x.token)
        assert got == sorted(LOG, key=lambda x: x.token)
        assert reader.stats()["rows"] == len(LOG) and reader.stats()["recording"] is False
        assert reader.clear(before=D(2025, 1, 10)) == 4
    finally:
        reader.close()


def test_sqlite_log_opened_to_read_is_never_made_and_records_nothing(tmp_path) -> None:
    path = tmp_path / "querylog.sqlite"
    assert SqliteQueryLog.existing(path) is None and not path.exists()  # never recorded here
    writer = SqliteQueryLog(path, today=lambda: D(2025, 1, 31))
    try:
        check_read_only(writer, lambda: SqliteQueryLog.existing(path))
        assert len(list(writer.searches(D(2025, 1, 1), D(2025, 1, 31)))) == 5
    finally:
        writer.close()


def test_nothing_personal_is_stored(store, tmp_path) -> None:
    store.record_search(s("养老金", D(2025, 1, 6)))
    store.flush()
    db = sqlite3.connect(tmp_path / "querylog.sqlite")
    try:
        cols = [r[1] for r in db.execute("PRAGMA table_info(searches)")]
    finally:
        db.close()
    assert cols == [
        "seq", "token", "day", "query", "total", "understood", "opened", "filters", "partial",
    ]  # fmt: skip
    # what citizens typed is readable by the server's user only (QA pass 8: it was 0644)
    files = list(tmp_path.glob("querylog.sqlite*"))
    assert len(files) >= 2 and all(f.stat().st_mode & 0o077 == 0 for f in files), files


def test_retention_and_row_cap(tmp_path) -> None:
    log = SqliteQueryLog(
        tmp_path / "q.sqlite", retention_days=30, max_rows=5, today=lambda: D(2025, 3, 1)
    )
    try:
        log.record_search(s("旧", D(2025, 1, 1)))  # 59 days old: beyond retention
        for i in range(8):
            log.record_search(s(f"新{i}", D(2025, 2, 20)))
        log.flush()
        kept = [x.query for x in log.searches(D(2000, 1, 1), D(2030, 1, 1))]
        # five of the day's: rows keep no order of the searches to go by (QA pass 35a)
        assert len(kept) == 5 and set(kept) <= {f"新{i}" for i in range(8)}
        assert log.stats()["rows"] == 5
        for i in range(2):  # over the cap, the oldest day goes first
            log.record_search(s(f"早{i}", D(2025, 2, 10)))
        log.record_search(s("晚", D(2025, 2, 25)))
        log.flush()
        kept = [x.query for x in log.searches(D(2000, 1, 1), D(2030, 1, 1))]
        assert "晚" in kept and not {"早0", "早1"} & set(kept) and len(kept) == 5, kept
    finally:
        log.close()


def test_clear_deletes_everything_or_older_days(store) -> None:
    for x in LOG:
        store.record_search(x)
    store.flush()
    assert store.clear(before=D(2025, 1, 10)) == 4
    assert store.stats()["rows"] == 5
    assert store.clear() == 5
    assert list(store.searches(D(2000, 1, 1), D(2030, 1, 1))) == []


def test_full_queue_drops_instead_of_blocking() -> None:
    gate = threading.Event()
    got: list[object] = []

    def slow_sink(ops):
        gate.wait(5)
        got.extend(ops)

    w = QueuedWriter(slow_sink, maxsize=2, batch=1)
    try:
        for i in range(10):
            w.put(("open", str(i)))  # returns at once even though the sink is stuck
        assert w.dropped >= 7
        gate.set()
        assert w.flush(5)
        assert len(got) + w.dropped == 10
    finally:
        gate.set()
        w.close()


def test_failing_sink_is_counted_not_raised(caplog) -> None:
    """... and said in the server's log, once until a write succeeds again (QA pass 47b:
    searches made while the data folder was read-only were lost without a line)."""
    failing = [True]

    def broken(ops):
        if failing[0]:
            raise sqlite3.OperationalError("attempt to write a readonly database")

    w = QueuedWriter(broken)
    try:
        with caplog.at_level("WARNING", logger="govsearch.querylog"):
            for token in ("x", "y"):
                w.put(("open", token))
                assert w.flush(5)
            failing[0] = False
            w.put(("open", "z"))
            assert w.flush(5)
        assert w.stats()["failed"] == 2
        said = [r.getMessage() for r in caplog.records]
        assert len(said) == 2, said
        assert "could not record 1 searches (attempt to write a readonly database)" in said[0]
        assert "records again; 2 searches were lost" in said[1]
    finally:
        w.close()


def test_concurrent_writers_lose_nothing(tmp_path) -> None:
    # two "processes" (stores on the same file) and eight request threads each
    logs = [SqliteQueryLog(tmp_path / "q.sqlite", today=lambda: D(2025, 1, 31)) for _ in range(2)]
    try:

        def work(log, n):
            for i in range(250):
                log.record_search(s(f"q{n}-{i % 7}", D(2025, 1, 20)))

        threads = [threading.Thread(target=work, args=(logs[n % 2], n)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for log in logs:
            assert log.flush(30)
        written = sum(log.stats()["written"] for log in logs)
        dropped = sum(log.stats()["dropped"] for log in logs)
        assert written + dropped == 2000 and dropped == 0
        assert logs[0].stats()["rows"] == 2000
    finally:
        for log in logs:
            log.close()


def test_the_sqlite_log_keeps_no_order_of_the_searches(tmp_path) -> None:
    """QA pass 35a found the searches' times in the Elasticsearch log; the SQLite one numbered
    its rows in the order of the searches, which links one reader's searches of a day. Its
    keys are random now."""
    log = SqliteQueryLog(tmp_path / "q.sqlite", today=lambda: D(2025, 3, 1))
    try:
        for i in range(40):
            log.record_search(s(f"检索{i}", D(2025, 2, 20)))
            log.flush()  # one at a time, as a quiet reading room sends them
    finally:
        log.close()
    with sqlite3.connect(tmp_path / "q.sqlite") as db:
        rows = db.execute("SELECT seq, query FROM searches").fetchall()
    by_key = [q for _, q in sorted(rows)]
    assert len(by_key) == 40 and by_key != [f"检索{i}" for i in range(40)]
    assert min(seq for seq, _ in rows) >= ORDERED_BELOW
