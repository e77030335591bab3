"""Amounts and article numbers typed in digits, as laws write them: in Chinese numerals
(15年 → 十五年, 第47条 → 第四十七条).

Citizens type 交满15年 and 30天内; national laws print 累计缴费满十五年 and 三十日内 (local
rules and news print digits). A number is read with its unit only: 十五 alone is in every
第十五条. Converted by cn2an (MIT), imported on first use: its import reads a table and costs
~0.3 s, which a query without an amount never pays.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from analyzers.docno import chinese_number

_YEARS = range(1900, 2100)  # printed in digits (2019年), whatever else is
# a number and the unit after it; 天 is 日 in the laws' wording (三十日内)
# (not a date's day: 12月3日 is no three days; QA pass 25a)
_AMOUNT = re.compile(
    r"(?<![0-9.月])([0-9]{1,4})(个月|周岁|小时|万元|年|日|天|岁|倍|元|分|周)|(?<![0-9.])(双)(倍)"
)
_UNIT_WORDINGS = {"天": ("天", "日"), "日": ("日", "天"), "岁": ("岁", "周岁")}
# an age is printed in digits too, as 周岁 (QA pass 50a: 70岁 and 七十岁 missed the 驾驶证
# rule's 年满70周岁, found when 70周岁 is typed); days counted in 日, as Hong Kong and Taiwan
# write them, are the mainland's 天 (QA pass 51d: 產假98日 missed 享受98天产假) — never the
# other way: 30日 is also every date's day
_IN_DIGITS = {"岁": ("岁", "周岁"), "周岁": ("周岁",), "日": ("天",)}
MAX_AGE = 150
# a number of days typed in Chinese numerals: laws write 日 (七天无理由退货 → 七日内退货; a
# Taiwan rule's 七日內), whatever else the numeral is written beside
NUMERALS = "零〇一二两三四五六七八九十百千万"  # the characters of a number in Chinese numerals
_DAYS_IN_NUMERALS = re.compile(rf"(?<![{NUMERALS}第])([{NUMERALS}]{{1,5}})天")
# ... and said in 日 (九十八日), after no month (三月十八日 is a date)
_DAYS_IN_NUMERALS_RI = re.compile(rf"(?<![{NUMERALS}第月])([{NUMERALS}]{{1,5}})日")
_AGE_IN_NUMERALS = re.compile(rf"(?<![{NUMERALS}第])([{NUMERALS}]{{1,5}})(周岁|岁)")
# 2 is 二 and 两 as laws write it (二年以下, 两年内; 二倍的工资), and 双倍 is 二倍 (QA pass 24b:
# 双倍工资 missed the 劳动合同法's 二倍的工资)
_OTHER_NUMERALS = {"二": ("二", "两"), "双": ("二", "两")}


@functools.cache
def _an2cn() -> Callable[[str], str]:
    import cn2an

    return cn2an.an2cn


def chinese_numeral(word: str) -> str | None:
    """The Chinese numerals of a number typed in digits (2 to 9,999, not a year), or None: a
    year and a long number are printed in digits, and 015 is a code, not fifteen. Read with
    its unit only (a single numeral, 三, is any text's character; 三日 is not: QA pass 24c,
    6个月 and 3天 stayed digits)."""
    if not (word.isascii() and word.isdigit()) or word != str(int(word)):
        return None
    n = int(word)
    if not 2 <= n <= 9999 or n in _YEARS:  # 一 (1年 → 一年) is in every 每一年, 同一日
        return None
    return _an2cn()(word)


def amounts_in_query(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Spans of amounts in a normalised query with how laws write them: ``(start, end,
    wordings)``, 30天 → (三十天, 三十日).

    A wording of one numeral (三日, 二年) is also the end of a longer number (二十三日, 十二年):
    the planner matches such wordings as the segmenter's words, never across punctuation
    (（三）天灾), which keeps most such meetings out but not all (:func:`one_numeral`)."""
    out: list[tuple[int, int, tuple[str, ...]]] = []
    for m in _AMOUNT.finditer(text):
        number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        numeral = number if number == "双" else chinese_numeral(number)
        if unit in ("岁", "周岁") and int(number) > MAX_AGE:
            continue  # (1000岁 is no age, as 千岁 is not: the mutation tests of QA pass 51c)
        if numeral is not None:
            units = _UNIT_WORDINGS.get(unit, (unit,))
            numerals = _OTHER_NUMERALS.get(numeral, (numeral,))
            # (one digit is the end of a longer number: 8周岁 is in every 18周岁, QA pass 50e)
            digits = tuple(
                number + u for u in _IN_DIGITS.get(unit, ()) if u != unit and len(number) > 1
            )
            whole = _whole_age(numeral) if unit in _IN_DIGITS and unit != "日" else ()
            out.append(
                (m.start(), m.end(), tuple(n + u for n in numerals for u in units) + digits + whole)
            )
    for pattern, other in ((_DAYS_IN_NUMERALS, "日"), (_DAYS_IN_NUMERALS_RI, "天")):
        for m in pattern.finditer(text):
            days = _in_digits(m.group(1))  # (printed in digits too: 享受98天产假)
            digits = (days + "天",) if days is not None and len(days) > 1 else ()
            out.append((m.start(), m.end(), (m.group(1) + other, *digits)))
    for m in _AGE_IN_NUMERALS.finditer(text):
        age = _in_digits(m.group(1))
        if age is not None and int(age) <= MAX_AGE:  # (千岁 is no age)
            wordings = (m.group(1) + "周岁",) if m.group(2) == "岁" else ()
            if len(age) > 1:
                wordings += tuple(age + u for u in _IN_DIGITS[m.group(2)])
            out.append((m.start(), m.end(), wordings + _whole_age(m.group(1))))
    return sorted(out)


def _whole_age(numeral: str) -> tuple[str, ...]:
    """An age of one numeral as laws state it whole, 满八周岁 (不满八周岁, 年满十周岁): 八周岁 is
    in every 十八周岁, and no word of the segmenter's (QA pass 51c: 八岁 missed the 民法典's 不满
    八周岁); after 满 no longer number ends so. Matched as written, the one wording that is."""
    return ("满" + numeral + "周岁",) if len(numeral) == 1 else ()


WHOLE_AGE = re.compile(r"满.周岁")  # a wording of :func:`_whole_age`


# two numerals side by side, an amount said roughly (两三岁, 三四天, 十七八岁): no number (QA pass
# 51c: 两三岁 was searched as 23岁 and 23周岁)
_ROUGHLY = re.compile(r"[一二两三四五六七八九]{2}")


def _in_digits(said: str) -> str | None:
    """A number said in Chinese numerals, in digits (七十 → 70), or None (also for one said
    roughly, 两三)."""
    number = None if _ROUGHLY.search(said) else chinese_number(said)
    return None if number is None else str(number)


# a year said as a phone's speech recogniser writes it (二零二三年, 二〇二四年, 两千零二十三年; a
# Latin o typed for 〇): documents are dated and named in digits (2023年政府工作报告), old ones
# print it so (一九五八年), and the segmenter cuts the numerals apart (二 / 〇 / 二 / 四年),
# none of them a year (QA pass 50a: 二零二三年政府工作报告 found nothing). Before 年, or before
# a range's second year (二〇二三至二〇二四年); inside a 文号's brackets the 文号 reader takes it.
_SPOKEN_YEAR = re.compile(
    r"(?<![〇零一二三四五六七八九十百千两第〔［\[(（o])"
    r"([〇零o一二三四五六七八九]{4}|[一两二]千[〇零一二三四五六七八九十]{1,5})"
    r"(年|(?=(?:[至到、~～]|[—–-]{1,2})[〇零o一二三四五六七八九]{4}年))"
)


def years_in_query(text: str) -> list[tuple[int, int, str]]:
    """Spans of a normalised query holding a year said in Chinese numerals, with its digits:
    ``(start, end, "2023")`` for 二〇二三年 (its 年 in the span), searched as typed or as the
    digits documents print."""
    if "年" not in text:
        return []
    out = []
    for m in _SPOKEN_YEAR.finditer(text):
        year = chinese_number(m.group(1).replace("o", "〇"))
        if year is not None and 1900 <= year <= 2099:
            out.append((m.start(), m.end(), str(year)))
    return out


# an article cited by its number in digits (民法典1077条, 第47条): laws print 第一千零七十七条;
# without 第 only right after a law's name (…法, …条例, …规定, …细则, …典): 提出3条建议 is three
# suggestions
# (第15条之1: an article added after 第十五条, as Taiwan cites it beside 第15-1條)
_ARTICLE = re.compile(
    r"(?:第|(?<=[法例定则典]))(?<![0-9.])([0-9]{1,4})条(?:之([0-9]{1,3})(?![0-9]))?(?!例)"
)


# an article typed as laws print it, whose heading the segmenter cuts apart, searched whole
# (第一千零七十七条: 第 / 一千零七 / 十七条; 第一百零八条: 第 / 一百零八 / 条)
_PRINTED_ARTICLE = re.compile(rf"第[{NUMERALS}]+条(?:之[一二三四五六七八九十]+)?")


# an article cited with spaces, as Taiwan's laws print it (第 1079 条, 第 17 條: QA pass 50b,
# read as 第, 1079 and 条, no article), and a Taiwan article added between two (第 15-1 條,
# its 第十五条之一)
_SPACED_ARTICLE = re.compile(r"第\s*([0-9]{1,4})(?:\s*-\s*([0-9]{1,3}))?\s*([条條])")
_ADDED_ARTICLE = re.compile(r"第([0-9]{1,4})-([0-9]{1,3})条")


def article_numbers(text: str) -> list[str]:
    """The numbers of the articles ``text`` cites in digits, as the segmenter keeps them whole
    (第151条 → 151, 第 15-1 條 → 15-1)."""
    return [
        m.group(1) + (f"-{m.group(2)}" if m.group(2) else "")
        for m in _SPACED_ARTICLE.finditer(text)
    ]


def joined_articles(text: str) -> str:
    """``text`` with an article cited with spaces written as one word (第 17 條 → 第17條)."""
    if "第" not in text:
        return text
    return _SPACED_ARTICLE.sub(
        lambda m: f"第{m.group(1)}{'-' + m.group(2) if m.group(2) else ''}{m.group(3)}", text
    )


def articles_in_query(text: str) -> list[tuple[int, int, str]]:
    """Spans of articles in a normalised query, with the heading laws print: ``(start, end,
    "第四十七条")`` for 第47条, or 47条 after a law's name (1 is 第一条: with 第 or 条 beside it
    a numeral is no other number's end); and an article typed in Chinese numerals that the
    segmenter would cut apart, as typed."""
    out = []
    for m in _ARTICLE.finditer(text):
        n = int(m.group(1))
        if n >= 1:
            added = f"之{_an2cn()(m.group(2))}" if m.group(2) else ""
            out.append((m.start(), m.end(), "第" + _an2cn()(str(n)) + "条" + added))
    for m in _ADDED_ARTICLE.finditer(text):
        # (never a range: Taiwan adds 第7-15條 and 第3-3條 as it adds 第15-1條, QA pass 51e)
        out.append((m.start(), m.end(), f"第{_an2cn()(m.group(1))}条之{_an2cn()(m.group(2))}"))
    for m in _PRINTED_ARTICLE.finditer(text):
        out.append((m.start(), m.end(), m.group()))
    return sorted(out)


_HEADING = re.compile(rf"第([{NUMERALS}]+)条(?:之([一二三四五六七八九十]+))?")


def article_in_digits(heading: str) -> str:
    """An article's heading as Taiwan's laws print it, in digits (第十七条 → 第17条, 第十五条之一
    → 第15-1条), or "": an article typed in Chinese numerals met only mentions of it in other
    articles there (QA pass 50e: 勞動基準法第十七條 showed a sentence citing 第十七條)."""
    m = _HEADING.fullmatch(heading)
    if m is None:
        return ""
    number = _in_digits(m.group(1))
    added = _in_digits(m.group(2)) if m.group(2) else ""
    if number is None or added is None:  # (said roughly: 第十二三条, 之一二)
        return ""
    return f"第{number}-{added}条" if added else f"第{number}条"


_TITLE_AND_ARTICLE = re.compile(rf"(.+?[^第0-9{NUMERALS}])第?[0-9{NUMERALS}]+条")


def cited_title(text: str) -> str:
    """The title a query opens with before one of its articles (劳动合同法第四十七条, 民法典1077条,
    劳动合同法第四十七条经济补偿: 劳动合同法, 民法典), or "" when it opens with no title and
    article."""
    m = _TITLE_AND_ARTICLE.match(text)
    return m.group(1) if m and len(m.group(1)) >= 2 else ""


def number_of(typed: str) -> str:
    """An amount as typed without its unit (15年 → 15, 双倍 → 双)."""
    return typed.rstrip("个月周岁小时万元年日天倍分")


def one_numeral(typed: str) -> bool:
    """Whether an amount as typed (3天, 双倍, 七天) is written with one Chinese numeral, which
    every larger number ends with: its wordings are matched as words only."""
    number = number_of(typed)
    if number.isascii():
        return number.isdigit() and int(number) <= 10
    return len(number) == 1
