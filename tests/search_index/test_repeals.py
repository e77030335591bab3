"""Whose repeal reaches whom (search_index.repeals): a city's text never repeals the State
Council's regulation it cites (QA pass 31c)."""

from __future__ import annotations

from model.document import StoredDocument
from search_index.repeals import _may_repeal


def _doc(agency: str, title: str = "条例") -> StoredDocument:
    return StoredDocument(id=agency, path="a.txt", source="", text="", title=title, agency=agency)


def test_a_repeal_reaches_its_own_jurisdiction_and_those_below_it() -> None:
    city, state = _doc("测试市人民政府"), _doc("国务院")
    province = _doc("北京市人民代表大会常务委员会")
    assert not _may_repeal(city, state)
    assert _may_repeal(state, state) and _may_repeal(state, province)
    assert _may_repeal(province, _doc("北京市人民政府")) and not _may_repeal(province, state)
    assert not _may_repeal(state, _doc("臺南市政府"))  # the mainland never repeals Taiwan's
    # ... whose ministries' names read as national ones: the script of the titles tells
    assert not _may_repeal(state, _doc("法務部", "監獄行刑法施行細則"))
    assert _may_repeal(_doc("法務部", "監獄行刑法"), _doc("法務部", "羈押法施行細則"))
