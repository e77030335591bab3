"""The query syntax as people type it."""

from __future__ import annotations

import pytest

from search_index.syntax import parse


@pytest.mark.parametrize(
    ("typed", "small"),
    [("TITLE:条例", "title:条例"), ("Title:条例", "title:条例"),
     ("-DocNo:国办发〔2019〕6号", "-docno:国办发〔2019〕6号")],
)  # fmt: skip
def test_a_field_name_in_capitals_scopes_as_in_small_letters(typed: str, small: str) -> None:
    """QA pass 8: TITLE:条例 searched the word TITLE while the page said title:条例."""
    assert parse(typed).clauses == parse(small).clauses
    assert parse(typed).clauses[0].alternatives[0].field in ("title", "docno")
