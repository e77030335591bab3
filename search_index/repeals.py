"""Results that a later document repeals, told and ranked as such.

The repeals come from the documents' own closing clauses (:mod:`analyzers.repeals`, gathered at
ingest into ``lexicon/repeals.tsv``, :func:`search_index.citizen_words.repeals`). A document is
repealed when a public document dated after it, under another title, says its title is
repealed (契税法 of 2020 → 契税暂行条例 of 1997, catalogued 有效), or when it interprets a law so
repealed (最高人民法院关于适用《中华人民共和国婚姻法》若干问题的解释 → 民法典). A repealer under
the same title is a new version of that law: :func:`~search_index.index._newest_version_first`
tells those apart already, and an amended text still carrying its predecessor's repeal clause
(契税暂行条例 2019 修正, repealing the 1950 one) would otherwise repeal its own earlier version.

Done above the backends, on the first results, so both give the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from analyzers.normalize import normalize
from analyzers.repeals import applied_title, title_key
from model.document import StoredDocument
from search_index import citizen_words
from search_index.protocol import BackendHit
from search_index.request import Repeal


def repeal_of(doc: StoredDocument) -> Repeal | None:
    """The statement that repeals ``doc`` (or the law it applies), or None."""
    table = citizen_words.repeals()
    if not table or not doc.date:
        return None
    own = title_key(doc.title)
    applied = applied_title(doc.title)
    for key, via in ((own, ""), (title_key(applied) if applied else "", applied)):
        for by_id, by_title, by_date, statement in table.get(key, ()) if key else ():
            if by_id != doc.id and by_date > doc.date and title_key(by_title) != own:
                return Repeal(id=by_id, title=by_title, date=by_date, statement=statement,
                              applied=via)  # fmt: skip
    return None


def in_force_first(
    window: list[BackendHit], docs: Mapping[str, StoredDocument], query: str
) -> tuple[list[BackendHit], dict[str, Repeal]]:
    """The first results with each repealed one moved to just after the document that
    repeals it, where that one is among them and ranked below (契税法 ahead of the 契税暂行条例
    it repeals); scores kept by place. Moved no further: the blind judges grade a repealed
    rule's text as answering still (契税暂行条例 2 where 契税法 is 3), and the mark says what
    replaced it. A document whose title the query names, or the repealed law it applies, keeps
    its place (契税暂行条例 or 婚姻法司法解释 typed asks for those texts). Returns the list and
    the repeal of each repealed result."""
    said: dict[str, Repeal] = {}
    for h in window:
        doc = docs.get(h.id)
        found = repeal_of(doc) if doc is not None else None
        if found is not None:
            said[h.id] = found
    if not said:
        return window, said
    typed = "".join(normalize(query).split())
    order = list(window)
    for i, r in said.items():
        if title_key(r.applied or docs[i].title) in typed:
            continue
        ids = [h.id for h in order]
        if r.id in ids and ids.index(r.id) > ids.index(i):
            hit = order.pop(ids.index(i))
            order.insert(ids.index(r.id), hit)  # (the repealer moved up one by the pop)
    return [replace(h, score=slot.score) for h, slot in zip(order, window, strict=True)], said
