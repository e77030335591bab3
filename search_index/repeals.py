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

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from analyzers.hierarchy import regions
from analyzers.normalize import normalize, to_simplified
from analyzers.repeals import applied_title, title_key
from model.document import StoredDocument
from model.viewer import ANONYMOUS
from search_index import citizen_words
from search_index.protocol import BackendHit
from search_index.request import Repeal

# the documents of these ids (no texts needed), as the backend holds them now
Fetch = Callable[[list[str]], Mapping[str, StoredDocument]]


def _rows(doc: StoredDocument) -> list[tuple[str, tuple[str, str, str, str]]]:
    """(the law it applies or "", row) for each repeal of ``doc``'s title or of that law."""
    table = citizen_words.repeals()
    if not table or not doc.date:
        return []
    applied = applied_title(doc.title)
    keys = ((title_key(doc.title), ""), (title_key(applied) if applied else "", applied))
    return [(via, row) for key, via in keys if key for row in table.get(key, ())]


def _place(doc: StoredDocument) -> frozenset[str]:
    return frozenset(regions(doc.agency, "")) if doc.agency else frozenset()


def _traditional(title: str) -> bool:
    return to_simplified(title) != title


def _may_repeal(by: StoredDocument, doc: StoredDocument) -> bool:
    """Whether ``by``'s jurisdiction reaches ``doc``'s: a national text any, a local one only
    its own place's (QA pass 31c: a city's 办法 citing 《社会保险费征缴暂行条例》 marked the
    State Council's regulation repealed), and never across the strait, which titles tell by
    their script (an agency alone does not: 法務部 reads as a national one). Unknown places
    are not held against it."""
    if _traditional(by.title) != _traditional(doc.title):
        return False
    mine, theirs = _place(by), _place(doc)
    return not mine or not theirs or "全国" in mine and "台湾" not in theirs or theirs <= mine


def repeals_of(docs: Iterable[StoredDocument], fetch: Fetch) -> dict[str, Repeal]:
    """The statement that repeals each of ``docs`` (or the law it applies), by id: one stated
    by a public document the index holds now, dated after it, under another title, whose
    jurisdiction reaches it. The repealers are read in one call (a document deleted or made
    不予公开 since the ingest that read its repeals repeals nothing, and is never named)."""
    wanted = {d.id: (d, rows) for d in docs if (rows := _rows(d))}
    if not wanted:
        return {}
    ids = sorted({row[0] for _, rows in wanted.values() for _, row in rows})
    found = fetch(ids)
    out: dict[str, Repeal] = {}
    for doc_id, (doc, rows) in wanted.items():
        own = title_key(doc.title)
        for via, (by_id, by_title, by_date, statement) in rows:
            by = found.get(by_id)
            if by is None or by_id == doc_id or not ANONYMOUS.can_see(by.disclosure):
                continue
            when = by.date or by_date
            if when > doc.date and title_key(by.title) != own and _may_repeal(by, doc):
                out[doc_id] = Repeal(id=by_id, title=by.title or by_title, date=when,
                                     statement=statement, applied=via)  # fmt: skip
                break
    return out


def _is_law_of(r: Repeal, doc_id: str, docs: Mapping[str, StoredDocument]) -> bool:
    """Whether ``doc_id`` is the repealing document of ``r`` or another file of its law."""
    if doc_id == r.id:
        return True
    doc = docs.get(doc_id)
    return doc is not None and doc.date == r.date and title_key(doc.title) == title_key(r.title)


log = logging.getLogger("govsearch.repeals")

# The documents whose titles hold one of these many repealed titles, in one search each
TITLES_PER_SEARCH = 200
MAX_TITLED = 10_000  # documents read per search (a title key is a whole title: few match)

Titled = Callable[[tuple[str, ...], int], list[str]]  # ids of documents whose title holds a key


def repealed_in_index(titled: Titled, fetch: Fetch) -> dict[str, Repeal]:
    """Every document the index holds that a later public one repeals (:func:`repeals_of`),
    by id: what the validity filter and facet count as 已废止 whatever the catalogue says.
    ``titled`` finds the documents whose titles hold a repealed title (or a law an
    interpretation applies); :func:`repeals_of` then keeps those it names exactly."""
    keys = tuple(sorted(citizen_words.repeals()))
    ids: list[str] = []
    batches = [keys[at : at + TITLES_PER_SEARCH] for at in range(0, len(keys), TITLES_PER_SEARCH)]
    while batches:
        batch = batches.pop()
        found = titled(batch, MAX_TITLED)
        if len(found) >= MAX_TITLED and len(batch) > 1:  # more titles than one search reads:
            half = len(batch) // 2  # the batch is read in halves, none left out
            batches += [batch[:half], batch[half:]]
            continue
        if len(found) >= MAX_TITLED:
            log.warning("repeals: more than %d titles hold %r; the first %d read",
                        MAX_TITLED, batch[0], MAX_TITLED)  # fmt: skip
        ids.extend(found)
    if not ids:
        return {}
    docs = fetch(sorted(set(ids)))
    return repeals_of(docs.values(), fetch)


def in_force_first(
    window: list[BackendHit], docs: Mapping[str, StoredDocument], query: str, fetch: Fetch
) -> tuple[list[BackendHit], dict[str, Repeal]]:
    """The first results with each repealed one moved to just after the document that
    repeals it, where that one is among them and ranked below (契税法 ahead of the 契税暂行条例
    it repeals); scores kept by place. Moved no further: the blind judges grade a repealed
    rule's text as answering still (契税暂行条例 2 where 契税法 is 3), and the mark says what
    replaced it. A document whose title the query names, or the repealed law it applies, keeps
    its place (契税暂行条例 or 婚姻法司法解释 typed asks for those texts). Returns the list and
    the repeal of each repealed result."""
    said = repeals_of((docs[h.id] for h in window if h.id in docs), fetch)
    if not said:
        return window, said
    typed = "".join(normalize(query).split())
    order = list(window)
    for i, r in said.items():
        if title_key(r.applied or docs[i].title) in typed:
            continue
        ids = [h.id for h in order]
        at = ids.index(i)
        # the repealer, or a file of the same law (one title, one date): 民法典 is filed as
        # its parts, each titled 中华人民共和国民法典, and the part that says 第一千二百六十条
        # was not the one a search for 结婚登记 found (QA pass 38a: the repealed 婚姻法
        # interpretation listed above 民法典 on the 婚姻家庭 life-event page)
        below = [n for n, h in enumerate(order) if n > at and _is_law_of(r, h.id, docs)]
        if below:
            hit = order.pop(at)
            order.insert(below[0], hit)  # (the repealer moved up one by the pop)
    return [replace(h, score=slot.score) for h, slot in zip(order, window, strict=True)], said
