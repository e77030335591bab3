"""Positions are kept only where phrases need them (the bigram fields): word and pinyin fields
keep frequencies, on both backends, and the planner never asks them for a phrase."""

from __future__ import annotations

import pytest

from search_index import elastic_dsl, nodes, planner
from search_index.fields import POSITIONAL_FIELDS, TOKEN_FIELDS
from search_index.request import Query
from search_index.tree import Bool, Constant, Node, Phrase


def _phrases(node: Node) -> list[Phrase]:
    if isinstance(node, Phrase):
        return [node]
    if isinstance(node, Constant):
        return _phrases(node.node)
    if isinstance(node, Bool):
        kids = (*node.must, *node.should, *node.must_not, *node.filter)
        return [p for k in kids for p in _phrases(k)]
    return []


def test_elasticsearch_keeps_positions_only_in_the_bigram_fields():
    props = elastic_dsl.mappings()["properties"]
    options = {name: props[name]["index_options"] for name in TOKEN_FIELDS}
    assert {n for n, o in options.items() if o == "positions"} == set(POSITIONAL_FIELDS)
    assert options["body_w"] == options["title_w"] == options["pinyin"] == "freqs"


@pytest.mark.parametrize(
    "q",
    ['"交通信号灯"', "title:护照", "agency:公安部", "护照过期了怎么重新办", "房东 押金 返还",
     "国务院令第596号", "中华人民共和国护照法", "农业"],
)  # fmt: skip
def test_every_phrase_the_planner_builds_is_on_a_field_with_positions(q):
    found = _phrases(planner.plan(Query(q=q))[0].query)
    assert all(p.field in POSITIONAL_FIELDS for p in found)
    if q.startswith('"'):
        assert found  # a quoted phrase is a phrase of bigrams


def test_a_phrase_on_a_word_field_is_refused_before_it_reaches_a_backend():
    with pytest.raises(ValueError, match="body_w"):
        nodes.substring("body_w", "护照法")

