"""索引号: one key per written form, read in a query only where the shape says so."""

from __future__ import annotations

import pytest

from analyzers.index_no import find_in_query, index_no_key, without_labels
from analyzers.normalize import normalize


@pytest.mark.parametrize(
    "typed",
    ["000014349/2019-00006", "０００014349／2019－00006", "000014349 / 2019 - 00006",
     "000014349/2019–00006"],
)  # fmt: skip
def test_every_written_form_has_the_catalogues_key(typed):
    assert index_no_key(normalize(typed)) == index_no_key(normalize("000014349/2019-00006"))


def test_a_value_without_letters_or_digits_has_no_key():
    assert index_no_key("") == index_no_key(" - / ") == ""


@pytest.mark.parametrize(
    "query, keys",
    [
        ("000014349/2019-00006", ["000014349/2019-00006"]),
        ("qs-2024-0003 养老", ["qs-2024-0003"]),
        ("11330000002482063k/2020-156239", ["11330000002482063k/2020-156239"]),
        # dates, year spans and short codes are not catalogue numbers
        ("2019-01-22", []), ("2019/1/22", []), ("1/22/2019", []), ("2019-2020", []),
        ("gb-1234", []), ("养老保险", []),
    ],
)  # fmt: skip
def test_codes_are_read_in_queries_and_nothing_else(query, keys):
    assert [k for _, _, k in find_in_query(query)] == keys


def test_a_label_is_dropped_only_before_a_code():
    assert without_labels("索引号：000014349/2019-00006") == "000014349/2019-00006"
    assert without_labels("索引號 QS-2024-0003") == "QS-2024-0003"
    assert without_labels("索引号 怎么查") == "索引号 怎么查"
    assert without_labels("索引号 2019-01-22") == "索引号 2019-01-22"


def test_a_code_typed_with_spaces_is_written_with_dashes():
    """QA pass 40b: a kiosk's keyboard has no / or -, and 000014349 2019 00006 found 393 other
    documents. A word, a 文号 typed loosely and numbers beside a year are no code."""
    from analyzers.index_no import dashed_codes

    assert dashed_codes("000014349 2019 00006") == "000014349-2019-00006"
    assert dashed_codes("11330000002482063K 2020 156239 通知") == (
        "11330000002482063K-2020-156239 通知"
    )
    for kept in ("abcdef 2019 12", "国办发 2019 6", "2019 2020 1234", "养老 2019 12"):
        assert dashed_codes(kept) == kept
