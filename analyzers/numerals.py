"""Amounts typed in digits, as laws write them: in Chinese numerals (15年 → 十五年).

Citizens type 交满15年 and 30天内; national laws print 累计缴费满十五年 and 三十日内 (local
rules and news print digits). A number is read with its unit only: 十五 alone is in every
第十五条. Converted by cn2an (MIT), imported on first use: its import reads a table and costs
~0.3 s, which a query without an amount never pays.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

_YEARS = range(1900, 2100)  # printed in digits (2019年), whatever else is
# a number and the unit after it; 天 is 日 in the laws' wording (三十日内)
_AMOUNT = re.compile(r"(?<![0-9.])([0-9]{2,4})(个月|周岁|小时|万元|年|日|天|岁|倍|元|分|周)")
_UNIT_WORDINGS = {"天": ("天", "日")}


@functools.cache
def _an2cn() -> Callable[[str], str]:
    import cn2an

    return cn2an.an2cn


def chinese_numeral(word: str) -> str | None:
    """The Chinese numerals of a number typed in digits (11 to 9,999, not a year), or None: a
    single numeral (十, 三) is any text's character, a year and a long number are printed in
    digits, and 015 is a code, not fifteen."""
    if not (word.isascii() and word.isdigit()) or word != str(int(word)):
        return None
    n = int(word)
    if not 11 <= n <= 9999 or n in _YEARS:
        return None
    return _an2cn()(word)


def amounts_in_query(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Spans of amounts in a normalised query with how laws write them: ``(start, end,
    wordings)``, 30天 → (三十天, 三十日)."""
    out: list[tuple[int, int, tuple[str, ...]]] = []
    for m in _AMOUNT.finditer(text):
        numeral = chinese_numeral(m.group(1))
        if numeral is not None:
            units = _UNIT_WORDINGS.get(m.group(2), (m.group(2),))
            out.append((m.start(), m.end(), tuple(numeral + u for u in units)))
    return out
