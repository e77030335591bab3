"""What the answer to a question of measure looks like: 试用期最长几个月 is answered by a
number of months (不得超过六个月), 罚多少钱 by a sum (二百元以下罚款), 多大年龄退休 by an age
(年满六十周岁).

A snippet shows the passage holding the words asked for *and* such an answer before one
holding the words only: 劳动合同法's snippet for 试用期最长几个月 was 第七十条 (非全日制用工 …
不得约定试用期, with a 最长 of pay periods beside it), where 第十九条 gives the months. The
pattern is matched on the normalised text (simplified, half-width digits), as highlights are.

Hand-written: it is the question words' own grammar (几/多少 + a measure word), small and fixed,
and no library reads what a Chinese question asks for.
"""

from __future__ import annotations

import re
from functools import lru_cache

# a number as laws write it: 6, 1.5, 2,320, 六, 十五, 两, 一百二十, 半, never begun inside
# another number: 〇 and 零 write years (二〇一九年 is a date, not nine years), a day after a
# month is a date (3月15日, 三月十五日), and 百日 or 千元 alone names no count (百日行动)
_DIGITS = "0-9.〇零一二三四五六七八九十百千万两"
_NUMBER = (
    rf"(?<![{_DIGITS}])(?<![0-9],)"
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[一二三四五六七八九十两半][一二三四五六七八九十百千万两半]*)"
)
_DAYS = rf"(?<!月){_NUMBER}个?(?:工作日|日|天)"
_MONTHS = rf"{_NUMBER}个半?月"
_YEARS = rf"(?<![{_DIGITS}])(?:\d{{1,2}}|[一二三四五六七八九十两半]+)个?半?年(?!度|级)"
_DURATION = rf"{_DAYS}|{_MONTHS}|{_YEARS}|{_NUMBER}个?(?:小时|周|星期)"

# what a question asks with → what its answer looks like; Cantonese asks 几多 where Mandarin
# asks 多少, 几耐 for 多久 and 几钱 for 多少钱 (QA pass 48b: 產假有幾多日 marked no 98天)
_ASKED = (
    # ... or in weeks, as Taiwan's laws give leave (QA pass 41b: 產假有幾天 marked the 三日 of
    # 生理假 beside 產假, and left 產假八星期 unmarked); never 周岁, an age
    (re.compile(r"(?:几多|几|多少)个?(?:工作日|日|天)"), rf"{_DAYS}|{_NUMBER}个?(?:周|星期)(?!岁)"),
    (re.compile(r"(?:几多|几|多少)个?月(?!几)"), _MONTHS),  # 几月几号 asks a date
    (re.compile(r"(?<!近)(?:几多|几|多少)(?:年|个年头)(?!级|度)"), _YEARS),  # 近几年: recently
    (re.compile(r"(?:几多|几|多少)(?:周|星期)"), rf"{_NUMBER}个?(?:周|星期)"),
    (re.compile(r"多久|多长时间|多长期限|(?:期限|时限)是?多长|几耐"), _DURATION),
    (
        re.compile(
            r"(?:几多|几|多少)(?:周)?岁|多大(?:年龄|年纪|岁数)?(?:退休|可以|能|才|算)|年龄多大|多少年龄"
        ),
        rf"{_NUMBER}周?岁",
    ),
    # 交多少 asks a sum, 交多少年 a span of years
    (
        re.compile(
            r"多少钱|多少元|多少块|几多钱|几钱|(?:罚|赔|补|给|发|交|缴|报销|补贴)多少(?![岁天年月个次级周人名小])"
        ),
        rf"{_NUMBER}(?:万|千|百)?元",
    ),
    # how a sum is reckoned: the rule giving months of pay, a multiple or a share (QA pass 51a:
    # 经济补偿金怎么算 showed 第二十三条's 按月给予…经济补偿, not 第四十七条's 一个月工资)
    (
        re.compile(r"(?:怎么|怎样|如何|咋|点)(?:计)?算(?!不算)"),
        rf"{_NUMBER}个?月的?(?:本人)?工资|百分之[一二三四五六七八九十百零点]+|\d+(?:\.\d+)?%",
    ),
    (re.compile(r"(?:几多|几|多少)次"), rf"{_NUMBER}次(?!性)"),  # 一次性 is no count
    (re.compile(r"(?:几多|几|多少)级"), rf"{_NUMBER}级"),
    (re.compile(r"(?:几多|几|多少)(?:小时|钟头)"), rf"{_NUMBER}个?小时"),
    (re.compile(r"(?:几多|几|多少)(?:平方米|平米|平方)"), rf"{_NUMBER}平方米"),
    (re.compile(r"(?:几多|几|多少)(?:人|名)(?!民)"), rf"{_NUMBER}(?:人|名)"),  # 多少人民币: money
)


@lru_cache(maxsize=1024)
def answer_pattern(normalized_query: str) -> str:
    """The regex source of what answers the question ``normalized_query`` asks of measure (a
    normalised query: simplified, half-width), ``""`` if it asks none. Several asked: any."""
    found = [answer for asks, answer in _ASKED if asks.search(normalized_query)]
    return "|".join(f"(?:{a})" for a in dict.fromkeys(found))


@lru_cache(maxsize=1024)
def asks_measure(word: str) -> bool:
    """Whether ``word`` is itself the question's asking (几天, 多少钱): never what a question is
    about, though no text holds it and so it weighs as the rarest word."""
    return any(asks.search(word) for asks, _ in _ASKED)


@lru_cache(maxsize=256)
def compiled(pattern: str) -> re.Pattern[str] | None:
    """``pattern`` compiled once (``None`` for no pattern)."""
    return re.compile(pattern) if pattern else None
