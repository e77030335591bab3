"""Ranking signals beyond the words: the legal hierarchy, validity and the script typed,
each a bonus added to a query's score (never a filter: the match set stays the same).
"""

from __future__ import annotations

from analyzers.normalize import normalize
from search_index import citizen_words
from search_index.request import NEUTRAL_READERS, READERS
from search_index.tree import Bool, Constant, MatchAll, Node, Term


def level_boosters() -> tuple[Node, ...]:
    """Higher in the legal hierarchy ranks a little higher (a bonus, never a filter)."""
    m = citizen_words.METHODS
    if not m.level:
        return ()
    if m.level_constant:
        return tuple(Constant(Term("level", lv), c) for lv, c in citizen_words.LEVEL_SCORE.items())
    return tuple(Term("level", lv, b) for lv, b in citizen_words.LEVEL_BOOST.items())


def everyone_booster(normalized_query: str) -> tuple[Node, ...]:
    """The rules for everyone a bonus over a group's own, where the query names no group: a
    citizen asking 抚恤金怎么领 or 辞职要提前多久 asks the rule for working people, not the
    military's, the civil service's or Taiwan's state employees' (QA passes 51a, 52a: their
    titles, holding the word, ranked first). A bonus, never a filter."""
    if not citizen_words.METHODS.everyone or citizen_words.EVERYONE_BONUS <= 0:
        return ()
    if any(g in normalized_query for g in citizen_words.GROUP_QUERY_WORDS):
        return ()
    theirs = tuple(Term("title_w", g) for g in citizen_words.GROUP_TITLE_WORDS)
    return (Constant(Bool(must=(MatchAll(),), must_not=theirs), citizen_words.EVERYONE_BONUS),)


def validity_booster(normalized_query: str) -> tuple[Node, ...]:
    """In force (现行有效) ranks ahead of repealed/expired, unless the query asks for the old
    rule; a constant score, since nearly every document is in force (a scored term's IDF is
    ~0.06). A bonus, never a filter: the match set stays the same."""
    if not citizen_words.METHODS.validity or citizen_words.VALIDITY_BONUS <= 0:
        return ()
    if citizen_words.asks_history(normalized_query):
        old = Bool(should=(Term("validity", "repealed"), Term("validity", "expired")), min_should=1)
        return (Constant(old, citizen_words.VALIDITY_BONUS),)
    return (Constant(Term("validity", "valid"), citizen_words.VALIDITY_BONUS),)


def script_preference(typed: str, regions: list[str], reader: str = "") -> str:
    """Whose documents rank a little higher: ``"mainland"`` for a query typed in simplified
    characters, ``"taiwan"`` in traditional (退休金怎么算 typed in simplified asks about the
    mainland's pensions). None (``""``) when the query names a place (台湾 typed in simplified:
    the region bonus decides) or its characters are the same in both scripts. ``reader``
    (``hans``/``hant``, :attr:`Query.script`) decides where the typed text does not."""
    if not citizen_words.METHODS.script or regions or citizen_words.TAIWAN in normalize(typed):
        return ""
    if reader in NEUTRAL_READERS:  # Hong Kong, Macau: traditional, and neither side's reader
        return ""
    script = citizen_words.typed_script(typed) or READERS.get(reader)
    return {"simplified": "mainland", "traditional": "taiwan"}.get(script or "", "")


def named_on_side(prefers: str, titled: Node) -> tuple[Node, ...]:
    """The preferred side's bonus once more for a document the query names by its title: a
    law both sides pass under one name (会计法, 政府采购法) was the other side's first, its
    shorter title scoring the name's words higher than the side's bonus (QA pass 50b). As
    :func:`script_booster` gives it, the mainland's too only where the title is named."""
    if prefers != "mainland":
        return script_booster(prefers, titled)
    side = Bool(must=(titled,), must_not=(Term("region", citizen_words.TAIWAN),))
    return (Constant(side, citizen_words.SCRIPT_BONUS),)


def script_booster(prefers: str, words: Node | None = None) -> tuple[Node, ...]:
    """The preferred side's documents get a constant bonus: never a filter. Taiwan's, with
    ``words`` (the query's words as words, not substrings), only where they hold one: 業主 typed
    in traditional ranked 73 Taiwan laws writing only 事業主管機關 in the top 100, and
    物业管理条例 in none, the bonus outweighing a word matched whole (QA pass 28b). The
    mainland's stays on every document not Taiwan's, which the embedded backend takes from
    Taiwan's instead (``embedded.cheaper_bonuses``); its documents write a simplified query's
    words as words in the cases measured (民法, 华人, 业主, 动车: the same top 10 either way)."""
    taiwan = Term("region", citizen_words.TAIWAN)
    if prefers == "taiwan":
        side: Node = taiwan if words is None else Bool(must=(taiwan, words))
        return (Constant(side, citizen_words.SCRIPT_BONUS),)
    if prefers == "mainland":
        mainland = Bool(must=(MatchAll(),), must_not=(taiwan,))
        return (Constant(mainland, citizen_words.SCRIPT_BONUS),)
    return ()
