"""Amounts typed in digits, read as laws print them."""

from __future__ import annotations

import pytest

from analyzers.numerals import amounts_in_query, chinese_numeral


@pytest.mark.parametrize(
    "typed, numeral",
    [("15", "十五"), ("30", "三十"), ("105", "一百零五"), ("120", "一百二十"),
     ("9999", "九千九百九十九"),
     # one numeral is in every text; years and long numbers are printed in digits; 015 is a code
     ("10", None), ("3", None), ("2019", None), ("12345", None), ("015", None), ("1.5", None),
     ("１５", None)],
)  # fmt: skip
def test_numbers_and_what_is_left_as_digits(typed, numeral):
    assert chinese_numeral(typed) == numeral


def test_an_amount_is_a_number_with_its_unit():
    assert amounts_in_query("养老保险交满15年") == [(6, 9, ("十五年",))]
    assert amounts_in_query("离职30天内") == [(2, 5, ("三十天", "三十日"))]
    assert amounts_in_query("扣12分 罚200元") == [(1, 4, ("十二分",)), (6, 10, ("二百元",))]
    # a year, a bare number, a decimal: left as typed
    assert amounts_in_query("2019年 15 1.15年") == []
