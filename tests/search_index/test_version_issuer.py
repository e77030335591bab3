"""Who issued a version whose catalogue names no issuer (search_index.version_issuer)."""

from __future__ import annotations

from analyzers.hierarchy import named_place
from search_index.index import versions_key
from search_index.version_issuer import resolve, unresolved_titles
from tests.corpus import manifest

SH_LAW = "上海市科学技术进步条例"
SH_NPC = "上海市人民代表大会常务委员会"


def test_a_title_names_its_place_as_an_agency_does():
    assert [named_place(n) for n in (SH_LAW, SH_NPC, "台南市政府", "广西壮族自治区人民政府")] == [
        "上海", "上海", "台南", "广西壮族",
    ]  # fmt: skip
    for name in ("国务院", "殡葬管理条例", "工作规则", "实施办法", "城市房地产管理法"):
        assert named_place(name) == "", name


def test_an_unknown_issuer_is_the_one_issuer_of_its_titles_place():
    """QA pass 42b: an empty issuer is unknown, not another issuer. It is the issuer of the
    title's place when exactly one has the title; never for a title naming no place (same
    titles of two bodies are two texts), nor when two issuers of the place share it."""
    keys = {"old": (SH_LAW, ""), "new": (SH_LAW, SH_NPC)}
    assert resolve(keys) == {"old": (SH_LAW, SH_NPC), "new": (SH_LAW, SH_NPC)}
    assert unresolved_titles(keys.values()) == {SH_LAW}
    # a second issuer of the place, met only among the title's other documents
    assert resolve(keys, [(SH_LAW, "上海市人民政府")])["old"] == (SH_LAW, "")
    # an issuer of no place or of another place is not the title's place's
    assert resolve({"old": (SH_LAW, ""), "x": (SH_LAW, "国务院")})["old"] == (SH_LAW, "")
    assert resolve({"old": (SH_LAW, ""), "x": (SH_LAW, "北京市人民政府")})["old"] == (SH_LAW, "")
    # a generic title: two known issuers stay apart, a text without one joins neither
    title = "殡葬管理条例"
    generic = {"sc": (title, "国务院"), "tw": (title, "总统"), "u": (title, "")}
    assert resolve(generic) == generic
    assert resolve({"u": ("工作规则", ""), "a": ("工作规则", "国务院")})["u"] == ("工作规则", "")
    assert unresolved_titles(generic.values()) == set()


def test_the_corpus_unknown_issuers_told_are_the_8_shanghai_regulations():
    """The rule on the whole corpus's catalogue (QA pass 42b): of the titles two documents
    share, 8 have a document without an issuer; all 8 name 上海市 and have one other issuer,
    the 上海市人大常委会, and nothing else is told. 5 of the 8 are undated as well, so they
    still have no versions (a version needs a date)."""
    rows = manifest().values()
    keys = {r["path"]: k for r in rows if (k := versions_key(r["title"], r["agency"]))}
    told = {p: k for p, k in resolve(keys).items() if k != keys[p]}
    assert len(told) == 8, told
    assert {k[1] for k in told.values()} == {SH_NPC}
    assert all(k[0].startswith("上海市") for k in told.values())
    assert sum(1 for p in told if manifest()[p]["date"]) == 3
