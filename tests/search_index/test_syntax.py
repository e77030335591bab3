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


def test_an_abbreviated_agency_in_its_field_means_the_agency() -> None:
    """QA pass 8: 机构:卫福部 found nothing though 卫福部 alone finds 卫生福利部's rules."""
    from analyzers.lexicon import synonyms
    from search_index.planner import plan
    from search_index.request import Query
    from search_index.tree import Phrase

    assert "卫生福利部" in synonyms()["卫福部"]
    p, understood = plan(Query(q="机构:卫福部"))

    def phrases(node) -> list[tuple[str, tuple[str, ...]]]:
        out = [(node.field, tuple(node.tokens))] if isinstance(node, Phrase) else []
        for child in (*getattr(node, "must", ()), *getattr(node, "should", ())):
            out += phrases(child)
        return out

    found = phrases(p.query)
    assert ("agency_bi", ("卫生", "生福", "福利", "利部")) in found, found
    assert ("卫福部", tuple(synonyms()["卫福部"])) in understood.synonyms
