"""Ranking signals beyond the words: the legal hierarchy, validity and the script typed,
each a bonus added to a query's score (never a filter: the match set stays the same).
"""

from __future__ import annotations

from analyzers.normalize import normalize
from search_index import citizen_words
from search_index.tree import Bool, Constant, MatchAll, Node, Term


def level_boosters() -> tuple[Node, ...]:
    """Higher in the legal hierarchy ranks a little higher (a bonus, never a filter)."""
    m = citizen_words.METHODS
    if not m.level:
        return ()
    if m.level_constant:
        return tuple(Constant(Term("level", lv), c) for lv, c in citizen_words.LEVEL_SCORE.items())
    return tuple(Term("level", lv, b) for lv, b in citizen_words.LEVEL_BOOST.items())


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


def script_preference(typed: str, regions: list[str]) -> str:
    """Whose documents rank a little higher: ``"mainland"`` for a query typed in simplified
    characters, ``"taiwan"`` in traditional (退休金怎么算 typed in simplified asks about the
    mainland's pensions). None (``""``) when the query names a place (台湾 typed in simplified:
    the region bonus decides) or its characters are the same in both scripts."""
    if not citizen_words.METHODS.script or regions or citizen_words.TAIWAN in normalize(typed):
        return ""
    script = citizen_words.typed_script(typed)
    return {"simplified": "mainland", "traditional": "taiwan"}.get(script or "", "")


def script_booster(prefers: str, words: Node | None = None) -> tuple[Node, ...]:
    """The preferred side's documents get a constant bonus: never a filter. With ``words``
    (the query's words as words, not substrings), only those of its documents that hold one:
    業主 typed in traditional ranked every Taiwan law writing 事業主管機關 above 物业管理条例,
    the bonus outweighing a word matched whole (QA pass 28b)."""
    taiwan = Term("region", citizen_words.TAIWAN)
    if prefers == "taiwan":
        side: Node = taiwan
    elif prefers == "mainland":
        side = Bool(must=(MatchAll(),), must_not=(taiwan,))
    else:
        return ()
    if words is not None:
        side = (
            Bool(must=(side, words))
            if prefers == "taiwan"
            else Bool(must=(words,), must_not=(taiwan,))
        )
    return (Constant(side, citizen_words.SCRIPT_BONUS),)
