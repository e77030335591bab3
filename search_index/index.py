"""The index layer's front door: validates a request, plans it, runs it on the backend and
turns the answer into a :class:`SearchResult` with snippets and facets.

Every reader (API, web pages, CLI) goes through here, so they never disagree and the
disclosure rule is enforced in one place: the plan always carries the viewer's visibility
filter, and :meth:`SearchIndex.get` answers a hidden document exactly like a missing one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import math
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from analyzers.agencies import agency_group, agency_key, agency_names, most_used
from analyzers.chars import strip_skippable
from analyzers.docno import canonical, keys_for_value
from analyzers.index_no import index_no_key, key_variants
from analyzers.lexicon import find_synonyms, stopwords, synonyms
from analyzers.normalize import normalize, to_traditional
from analyzers.numerals import NUMERALS, years_in_query
from analyzers.pinyin import matches_in
from analyzers.pinyin_lexicon import PinyinLexicon, corrections
from analyzers.segment import everyday_words, index_words, is_dictionary_word, query_words
from analyzers.signatures import stored_content_key
from model.document import StoredDocument, document_from_stored, with_stated
from model.errors import BadRequest, Conflict, Moved, NotFound
from model.fields import VALUE_LABELS
from model.ids import plausible_id
from model.viewer import ANONYMOUS, STAFF, Viewer
from search_index import answers, citizen_words, feedback, repeals, semantic, version_issuer
from search_index.fields import FACET_FIELDS, FACET_SHOWN, STAFF_FACET_FIELDS, names_an_agency
from search_index.highlight import Marking, find_spans, render, snippet
from search_index.lexicon import LexiconCache
from search_index.nodes import any_of, index_no_nodes, phrase_node, substring, written_node
from search_index.planner import plan as make_plan
from search_index.prepare import prepare
from search_index.protocol import Backend, BackendHit, IndexedDocument, WriteResult, same_score
from search_index.request import (
    MAX_FILTER_CHARS,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_RESULT_WINDOW,
    MAX_YEAR,
    MIN_YEAR,
    SCRIPTS,
    SORTS,
    UNDATED_YEAR,
    Copy,
    FacetValue,
    Hit,
    Query,
    Repeal,
    SearchResult,
    Understanding,
    is_filter_year,
)
from search_index.stamp_watch import StampWatcher
from search_index.suggest import suggest
from search_index.syntax import parse
from search_index.tree import Bool, MatchAll, Node, Plan, Range, Regex, Term
from search_index.visibility import terms, visibility_filter

_LETTER = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
MAX_CORRECTED_CHARS = 60  # a longer query is a pasted passage, not typed
# a typed word is offered a homophone written beside its neighbour in this many documents, where
# the typed word would be expected beside it in this many (were it as common there as anywhere)
REAL_WORD_MIN_DOCS, REAL_WORD_EXPECTED = 3, 1.0
# a suggestion is a word most of the documents holding it cut as one (of the corpus's words
# suggested right: 公积金 117 of 117, 社保 47/50, 报销 63/71; 断交 3/20, 加考 12/21)
WRITTEN_AS_WORD = 2 / 3
MAX_PINYIN_CHARS = 60
MAX_MOVES = 8  # moves of moves followed from an old id (a folder renamed again and again)


def validate_agencies(agencies: Iterable[str]) -> None:
    """Refuse an agency filter that names no agency once folded (``、``, spaces): it was dropped
    silently and filtered nothing, every document (QA pass 10). Also the reports' ``--agency``
    (QA pass 11: ``report annual --agency 、`` answered 0 items where search refused it)."""
    empty = [v for v in agencies if not names_an_agency(v)]
    if empty:
        raise BadRequest(f"agency {empty[0]!r} names no agency", agency=empty[0])


def validate(query: Query) -> None:
    """Reject what no search can honour, with a message saying what is allowed."""
    if len(query.q) > MAX_QUERY_CHARS:
        raise BadRequest(
            f"query is too long ({len(query.q)} characters; at most {MAX_QUERY_CHARS})",
            limit=MAX_QUERY_CHARS,
        )
    long = [v for v in (*query.categories, *query.agencies) if len(v) > MAX_FILTER_CHARS]
    if long:  # a 60,000-character agency= held a server for seconds (QA pass 5)
        raise BadRequest(
            f"a filter value is too long ({len(long[0])} characters; "
            f"at most {MAX_FILTER_CHARS})",
            limit=MAX_FILTER_CHARS,
        )
    validate_agencies(query.agencies)
    if query.page < 1:
        raise BadRequest("page must be 1 or more", page=query.page)
    if not 1 <= query.size <= MAX_PAGE_SIZE:
        raise BadRequest(f"size must be between 1 and {MAX_PAGE_SIZE}", size=query.size)
    if query.page * query.size > MAX_RESULT_WINDOW:
        raise BadRequest(
            f"results beyond the first {MAX_RESULT_WINDOW} cannot be paged to; narrow the query",
            limit=MAX_RESULT_WINDOW,
        )
    if query.sort not in SORTS:
        raise BadRequest(f"sort must be one of {', '.join(SORTS)}", sort=query.sort)
    if query.script not in SCRIPTS:
        raise BadRequest("script must be hans or hant", script=query.script)
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise BadRequest("date_from is after date_to")
    for name, values in (("validity", query.validity), ("disclosure", query.disclosure)):
        labels = VALUE_LABELS[name]
        bad = [v for v in values if v not in labels]
        if bad:  # a value no document holds filtered everything out, silently
            allowed = ", ".join(f"{k} ({label})" for k, label in labels.items())
            raise BadRequest(f"{name} must be one of {allowed}, got {bad[0]!r}", **{name: bad[0]})
    bad_years = [y for y in query.years if not is_filter_year(y)]
    if bad_years:  # the engines hold years as 64-bit integers: 2**70 must not reach them
        raise BadRequest(
            f"year must be between {MIN_YEAR} and {MAX_YEAR}, or {UNDATED_YEAR} for documents "
            f"with no date, got {bad_years[0]}",
            year=bad_years[0],
        )


MENTIONS_TTL = 600.0  # seconds a title's mention count is reused
log = logging.getLogger(__name__)

RECHECK_BELOW = 5  # documents: a lexicon word this rare is checked before it is offered
MAX_REREADS = 3  # readings of a query's letters checked for words withdrawn elsewhere
# words: a query this long finding nothing is searched with fewer (a query of three, the page
# offers with one word fewer, which then needs one; of four, two would need two still)
FEWER_WORDS_FROM = 4
# a document withdrawn or deleted through this process has its words this rare checked at once,
# and those no public document holds taken out of the lexicon (SearchIndex._forget_words_of):
# at most MAX_FORGET_CHECKS count searches and MAX_FORGET_CHARS of text read a call (the review:
# a 1.9 M-character text took 41,000 counts, 46 s on Elasticsearch); past those, and past
# MAX_FORGET_DOCUMENTS deleted in one call, the rebuild alone takes the rest out
FORGET_BELOW = 20
MAX_FORGET_CHECKS = 200
MAX_FORGET_CHARS = 400_000
MAX_FORGET_DOCUMENTS = 100
MAX_ALIKE = 20  # documents an upload's warning names that share its 文号 or 索引号
REPEALED_TTL = 600.0  # seconds the repealed documents' ids are reused (an index with no stamp)
# the first results in which versions of one text are listed newest first: a fixed window, so
# that a page shows what the same ranks show on a page of another size (QA pass 24b: the 2016
# version of a rule at #4 of a page of 10, the 2023 one there on a page of 20). 20, as many as
# the embedded backend reads whole while it searches: 30 cost 1.8 ms a query at 100k, 20 cost
# 0.6 (bench/README.md, "QA pass 24's changes")
VERSION_WINDOW = 20
# documents of a title read to tell who issued one whose catalogue names no issuer
# (search_index.version_issuer), as many as the document page reads for its versions
TITLE_DOCUMENTS = 30


class SearchIndex:
    def __init__(self, backend: Backend, lexicon_store: Path | None = None) -> None:
        self.backend = backend
        self.lexicon = LexiconCache(backend, store=lexicon_store)
        self._corpus_size: tuple[float, int] | None = None  # (when counted, documents)
        self._mention_counts: dict[str, int] = {}
        self._mentions_since = time.monotonic()
        self._mentions_commits = StampWatcher(backend)
        self._repealed: tuple[float, object, dict[str, Repeal]] | None = None
        self._repealed_commits = StampWatcher(backend)
        self._repealing = False

    def _plan(self, query: Query, words_required: int = 0) -> tuple[Plan, Any]:
        citizen_words.refresh()  # an ingest elsewhere or an edit of mined.txt, within seconds
        # the lexicon is built (once, then when stale) for queries holding letters; one of
        # Chinese characters only reads it once it is there (which words public documents
        # hold: a word the segmenter guessed yields to a synonym or a question's edge, see
        # planner.asked_apart), and is cut as the segmenter cuts it until then
        lexicon = self.lexicon.get() if _LETTER.search(query.q) else self.lexicon.peek()
        marked = frozenset(self.repealed()) if query.validity else frozenset()
        plan, understood = make_plan(query, lexicon, self._mentions, marked, words_required)
        checked: set[str] = set()
        for _ in range(MAX_REREADS):
            read = {w for _, words in understood.pinyin_words for w in words} - checked
            if lexicon is None or not read:
                break
            gone = read - set(self._held_now(sorted(read), lexicon))
            checked |= read
            if not gone:
                break
            # letters read as a rare word no public document holds now: withdrawn through
            # another server, whose change this one's table learns only with its rebuild
            # (seconds to a minute; QA pass 35a: taotie read as 饕餮 there meanwhile). Read
            # again without it (and then check what that reading found: 山甲 of 穿山甲), and
            # the table forgets it until a build that saw the change.
            self.lexicon.forget(gone)
            lexicon = self.lexicon.current() or lexicon.without(gone)
            plan, understood = make_plan(query, lexicon, self._mentions, marked, words_required)
        return plan, understood

    def _with_fewer_words(
        self, query: Query, plan: Plan, understood: Any
    ) -> tuple[Plan, Any] | None:
        """For a plan that found nothing, holding no document with as many of its words as it
        asks (about half), one asking fewer, halving until one finds documents (None: none
        does, or the query is short): a long question, spoken with its
        fillers (QA pass 50a: 197 characters required 13 of 32 words, and found nothing, the
        law answering it first once its core was typed) or with a word no answer holds (app
        and ok of 我想在app上面申报个税可以吗ok). Said in ``fewer_than``. A query of fewer
        than :data:`FEWER_WORDS_FROM` words finding nothing is left so: the page offers it
        with one word fewer, each search counted, for the reader to choose. A few counts
        more, for queries that found nothing only; a plan with feedback terms (``prf``) is
        planned again without them."""
        asked = understood.min_should_match
        if len(understood.words) < FEWER_WORDS_FROM or asked < 2 or understood.all_words:
            return None
        chosen = (query.categories or query.agencies or query.validity or query.disclosure
                  or query.years or query.date_from or query.date_to)  # fmt: skip
        if chosen and not self.backend.search(Plan(MatchAll(), plan.filters), limit=0).total:
            # the filters chosen find nothing alone: no fewer words will (QA pass 51c, L9; a
            # count only where the reader chose one, the review of QA pass 52c)
            return None
        k = asked
        while k > 1:
            k = k - 1 if k <= 3 else k // 2
            fewer, read = self._plan(query, words_required=k)
            if self.backend.search(fewer, limit=0).total:
                return fewer, replace(read, fewer_than=asked)
        if understood.phrases or understood.fields:
            # no word found, but what the query requires besides words may be (QA pass 50e:
            # "政府性融资担保" and five words no document writes): the words only rank (a 文号
            # is one of the words: tried alone above, QA pass 51c)
            fewer, read = self._plan(query, words_required=-1)
            if self.backend.search(fewer, limit=0).total:
                return fewer, replace(read, fewer_than=asked)
        return None

    def repealed(self) -> dict[str, Repeal]:
        """Every document a later public one repeals, by id (:mod:`search_index.repeals`):
        the validity filter and facet count these 已废止 whatever the catalogue says. Read
        again when the index or the repeals' table changed (a few title searches; an index
        without a stamp, an Elasticsearch index older than its copy list, at most
        :data:`REPEALED_TTL` seconds late)."""
        table = citizen_words.repeals()
        kept = self._repealed
        changed = self._repealed_commits.changed()
        stale = kept is None or changed or kept[1] is not table or (
            time.monotonic() - kept[0] > REPEALED_TTL
        )
        if not stale:
            return kept[2]
        if kept is not None and self._repealing:
            return kept[2]  # another search is reading it again: the last reading meanwhile
        # never behind a lock (QA pass 32a: a lock held through a hung cluster's timeouts
        # queued every search behind it); one search reads it while the others go on
        self._repealing = True
        try:
            found = repeals.repealed_in_index(self._titled, self._fetch_meta)
        finally:
            self._repealing = False
        self._repealed = (time.monotonic(), table, found)
        return found

    def _titled(self, keys: tuple[str, ...], limit: int) -> list[str]:
        """Ids of documents whose titles hold one of ``keys`` (any viewer's: what a viewer
        is shown is filtered as every search is)."""
        node = any_of(*(substring("title_bi", k) for k in keys))
        if node is None:
            return []
        return [h.id for h in self.backend.search(Plan(query=node), limit=limit).hits]

    def _validity_with_repeals(
        self,
        plan: Plan,
        values: tuple[tuple[str, int], ...],
        members: dict[str, _Member] | None = None,
    ) -> tuple[tuple[str, int], ...]:
        """The validity facet with each result a later document repeals counted 已废止, not
        under its catalogued 有效性 (one more search, for those results only)."""
        marked = self.repealed()
        if not marked:
            return values
        only = terms("id", tuple(sorted(marked)))
        assert only is not None
        # their catalogued validities, counted (no hit read: a tenth of a large index may be
        # repealed), then a group of copies once, as _collapse_facets counts results
        found = self.backend.search(
            replace(plan, filters=(*plan.filters, only)), limit=0, facets=("validity",)
        ).facets.get("validity", ())
        moved = {v: n for v, n in found if v != "repealed"}
        groups: dict[str, list[_Member]] = {}
        for i, m in (members or {}).items():
            if i in marked:
                groups.setdefault(m.key, []).append(m)
        for group in groups.values():
            for m in group[1:]:
                if m.doc.validity in moved:
                    moved[m.doc.validity] -= 1
        moved = {v: n for v, n in moved.items() if n > 0}
        if not moved:
            return values
        counts = dict(values)
        for v, n in moved.items():
            counts[v] = counts.get(v, 0) - n
            counts["repealed"] = counts.get("repealed", 0) + n
        return tuple(sorted(((v, n) for v, n in counts.items() if n > 0), key=lambda x: -x[1]))

    def _mentions(self, text: str) -> int:
        """How many public documents hold ``text`` (a law's title), for title abbreviations: a
        phrase search (~1 ms here), cached for :data:`MENTIONS_TTL` seconds or until the index
        changes: this process writes, or another commits (:class:`StampWatcher`; QA pass 24c: a
        short form whose defining document a CLI ingest made 不予公开 was offered by the server
        for ten more minutes). Where the backend has no stamp, the TTL holds. Public
        only: what a query means must not depend on what it may not show."""
        now = time.monotonic()
        if self._mentions_commits.changed():
            self._mention_counts.clear()
        if now - self._mentions_since > MENTIONS_TTL or len(self._mention_counts) >= 4096:
            self._mention_counts.clear()
            self._mentions_since = now
        n = self._mention_counts.get(text)
        if n is None:
            node = phrase_node(text, None) if text else MatchAll()
            plan = Plan(query=node, filters=visibility_filter(ANONYMOUS)) if node else None
            n = self.backend.search(plan, limit=0).total if plan else 0
            self._mention_counts[text] = n
        return n

    def _rarity(self, words: tuple[str, ...], groups: dict[str, str]) -> dict[str, float]:
        """How much showing each typed word in a snippet tells: ln(1 + N/n), N the public
        documents, n the public documents holding it as a word (the pinyin lexicon's count),
        or, for a word the lexicon lacks (or before it is built), those writing it or its most
        used other wording (a count search, cached; one HTTP request each on Elasticsearch).
        Cold, embedded at 100k documents: 0.84 ms a query (p95 2.9), 2.0 (12.6) by count
        searches alone; Elasticsearch on the corpus: 1.6 (6.0), 10.7 (32.8) alone. A passage
        of the rare word asked for is the one to show (QA pass 33a:
        丧葬补助金标准 showed a passage of 标准 alone, the law's 丧葬补助金 further on). One word
        asked for needs no weights."""
        lexicon = self.lexicon.peek()
        counts = lexicon.counts if lexicon is not None else {}
        typed: dict[str, int] = {}
        for w in words:
            g = groups.get(w, w)
            n = counts.get(normalize(w)) or self._mentions(w)  # (a word the lexicon has: free)
            typed[g] = max(typed.get(g, 0), n)
        # a word no document writes shows in no snippet: weighed rarest of all, it left the
        # answer of 产假能休几天 unmarked, as beside none of the 能休 no text holds (QA pass 38a)
        typed = {g: n for g, n in typed.items() if n > 0}
        if len(typed) < 2:
            return {}
        total = max(1, self._mentions(""))
        return {g: math.log(1 + total / max(1, n)) for g, n in typed.items()}

    # -- reading -------------------------------------------------------------------------
    def search(self, query: Query) -> SearchResult:
        """One page of results, one result per text.

        Documents whose normalised text is identical (the same notice as TXT and HTML, a law
        filed under two folders) are one result: the best-ranked copy is the hit and lists the
        others in ``copies``. ``total`` and the facet counts count results, not files: a
        result counts once under each facet value any of its copies has.
        """
        validate(query)
        t0 = time.perf_counter()
        plan, understood = self._plan(query)
        if query.sort == "relevance" and _ranks_nothing(plan.query):
            # nothing to rank by (filters only, only symbols typed, only words excluded):
            # newest first, not in the ids' order (QA pass 33a: ？？？ listed a 2001 judicial
            # reply first)
            query = replace(query, sort="date_desc")
        ranked = query.sort == "relevance"
        if citizen_words.METHODS.prf and ranked and understood.words:
            plan = self._with_feedback(plan, understood.words)
        meaning = citizen_words.METHODS.semantic and semantic.applies(query, understood)
        if meaning and ranked:
            fused = self._with_meaning(plan, query, understood)
            if fused is not None:
                plan, understood = fused, replace(understood, semantic=True)
        left_out_asked = not ranked and (understood.all_words or meaning)
        facet_fields = FACET_FIELDS if query.facets else ()
        offset = (query.page - 1) * query.size
        # versions of one text among the first results are told apart (an older one says a
        # newer exists) on every ranked query, and put newest first unless the query asks
        # for an old rule or names a year (QA pass 24c: 2017 公司法 listed the 2017 version
        # with no word of the newer one), in digits or said (QA pass 51c: 二〇一七年公司法)
        versions = ranked and offset < VERSION_WINDOW
        newest_first = (
            versions
            and not citizen_words.asks_history(understood.normalized)
            and not _YEAR_TYPED.search(understood.normalized)
            and not years_in_query(understood.normalized)
        )

        def run(plan: Plan) -> tuple[dict[str, int], int, int, int, tuple[BackendHit, ...], Any]:
            groups = self.backend.copy_groups(plan)
            extra = sum(n - 1 for n in groups.values())  # files that are not results
            # with copies, every skipped copy may sit before the page: read that many more;
            # the versions' window is read whole
            end = max(offset + query.size, VERSION_WINDOW) if versions else offset + query.size
            start, count = (0, end + extra) if extra or versions else (offset, query.size)
            count = min(count, MAX_RESULT_WINDOW)  # what an engine pages to (ES: 10,000)
            return groups, extra, start, *self._ranked(plan, query.sort, start, count, facet_fields)

        groups, extra, start, total, raw_hits, raw_facets = run(plan)
        if not total and ranked and not understood.semantic:  # (the leg answers otherwise)
            fewer = self._with_fewer_words(query, plan, understood)
            if fewer is not None:
                plan, understood = fewer
                groups, extra, start, total, raw_hits, raw_facets = run(plan)
        if left_out_asked:  # the list's own matches are counted already: ``total``
            left_out = self._left_out_by_date(query, total, meaning)
            understood = replace(understood, partial_left_out=left_out)
        members = self._members(plan, groups) if groups else {}
        kept: list[BackendHit] = []
        seen: set[str] = set()
        for h in raw_hits:
            key = members[h.id].key if h.id in members else None
            if key is not None:
                if key in seen:
                    continue
                seen.add(key)
                h = _representative(h, members, query.sort)
            kept.append(h)
        docs = {h.id: h.doc for h in kept if h.doc is not None}  # whole, with their texts
        newer: dict[str, str] = {}
        repealed: dict[str, Repeal] = {}  # (the first results' repeals, read once)
        seen_window: set[str] = set()
        if versions:
            window = kept[:VERSION_WINDOW]
            shown = [h.id for h in kept[offset - start : offset - start + query.size]]
            docs.update(self.backend.fetch([i for i in shown if i not in docs]))
            known = dict(docs)
            unread = [h.id for h in window if h.id not in known]
            if unread:  # what a version is needs no text
                known.update(self.backend.fetch(unread, texts=False))
            keys = self._version_keys([known[h.id] for h in window if h.id in known],
                                      query.viewer)  # fmt: skip
            ordered, newer = _newest_version_first(window, known, keys)
            if newest_first:
                kept = ordered + kept[VERSION_WINDOW:]
            kept = _typed_copy_first(kept[:VERSION_WINDOW], known, keys) + kept[VERSION_WINDOW:]
            if understood.doc_numbers:
                kept = _own_number_first(kept[:VERSION_WINDOW], known, understood.doc_numbers) + (
                    kept[VERSION_WINDOW:]
                )
            if newest_first:  # repealed rules after those in force (search_index.repeals)
                window, repealed = repeals.in_force_first(
                    kept[:VERSION_WINDOW], known, query.q, self._fetch_meta
                )
                kept = window + kept[VERSION_WINDOW:]
                seen_window = {h.id for h in window if h.id in known}
        page = kept[offset - start : offset - start + query.size]
        missing = [h.id for h in page if h.id not in docs]
        if missing:  # (a newer version moved onto the page from further down)
            docs.update(self.backend.fetch(missing))
        hits = []
        groups = dict(plan.groups)
        answer = answers.answer_pattern(understood.normalized)
        rarity = self._rarity(plan.highlight, groups) if page else {}
        unread = [docs[h.id] for h in page if h.id in docs and h.id not in seen_window]
        repealed.update(repeals.repeals_of(unread, self._fetch_meta))  # (the window's: read)
        for h in page:
            doc = docs.get(h.id)
            if doc is None:  # deleted between search and fetch
                continue
            terms = _with_pinyin(plan.highlight, understood.pinyin, doc.title)
            copies = ()
            if h.id in members:
                key = members[h.id].key
                # by path, then id: each engine lists the group in its own order (QA pass 18)
                copies = tuple(sorted(
                    (m.copy for i, m in members.items() if m.key == key and i != h.id),
                    key=lambda c: (c.path, c.id),
                ))  # fmt: skip
            hits.append(
                Hit(
                    doc=doc,
                    score=h.score,
                    snippet=snippet(
                        doc.text, terms, query.snippet_chars, doc.normalized, groups, doc.title,
                        answer, rarity,
                    ),
                    title_html=render(doc.title, find_spans(doc.title, terms)),
                    copies=copies,
                    newer_version=newer.get(h.id, ""),
                    repealed_by=repealed.get(h.id),
                )
            )
        raw_facets = self._finished_facets(plan, raw_facets, members)
        for field, chosen in plan.facet_filters:
            if field in raw_facets:
                raw_facets[field] = self._facet_without_its_filter(plan, field, chosen)
        facets = {f: tuple(FacetValue(v, c) for v, c in values) for f, values in raw_facets.items()}
        took = (time.perf_counter() - t0) * 1000
        return SearchResult(
            did_you_mean=self._in_script_typed(
                self._did_you_mean(understood.normalized)
                or self._misheard(understood, found=total > extra and not understood.fewer_than),
                understood.converted_script,
            ),
            total=total - extra,
            hits=tuple(hits),
            facets=facets,
            took_ms=took,
            understood=understood,
            page=query.page,
            size=query.size,
        )

    def _finished_facets(
        self, plan: Plan, raw: dict[str, Any], members: dict[str, Any]
    ) -> dict[str, Any]:
        """The backend's facet counts as results count: agencies folded, copies counted
        off, repeals counted as 已废止."""
        if "agency" in raw:  # folded first: copies are then counted off by the key
            # every value counted, folded, then the most used (QA pass 31a: 中华人民共和国国务院,
            # one document, was past the backend's first 30 and not folded into 国务院's count)
            raw = {**raw, "agency": fold_agencies(raw["agency"])}
        if members:
            raw = _collapse_facets(raw, members)
        if "agency" in raw:  # the most used once copies are counted off
            raw["agency"] = raw["agency"][:FACET_SHOWN]
        if "validity" in raw:
            raw["validity"] = self._validity_with_repeals(plan, raw["validity"], members)
        return raw

    def _facet_without_its_filter(self, plan: Plan, field: str, chosen: Node) -> Any:
        """A facet whose values are chosen, counted with every filter but its own: the other
        values keep their counts, so a second one can be added (the page's links add a value,
        and a field's values are ORed) without a search to see it (QA pass 38b: with
        category=年度报告 the category facet listed 年度报告 alone). Two more backend calls
        for each such facet, its counts and its copy groups, and a third where it has copies
        (their members)."""
        alone = replace(plan, filters=tuple(n for n in plan.filters if n is not chosen))
        raw = self.backend.search(alone, limit=0, facets=(field,)).facets
        groups = self.backend.copy_groups(alone)
        members = self._members(alone, groups) if groups else {}
        return self._finished_facets(alone, {field: raw.get(field, ())}, members)[field]

    def _fetch_meta(self, ids: list[str]) -> dict[str, StoredDocument]:
        """Documents by id without their texts (what a repeal needs of its repealer)."""
        return dict(self.backend.fetch(ids, texts=False)) if ids else {}

    def repeal_of(self, doc: StoredDocument) -> Repeal | None:
        """The statement of a public document the index holds that repeals ``doc``, if any
        (:mod:`search_index.repeals`): for its page and ``GET /api/documents/{id}``."""
        return repeals.repeals_of([doc], self._fetch_meta).get(doc.id)

    def _left_out_by_date(self, query: Query, found: int, meaning: bool) -> bool:
        """Whether the relevance order lists documents that a list sorted by date leaves out:
        those holding only some of the words, and those found by meaning alone. Sorted by
        date nothing ranks them after the rest (QA pass 17: budgets naming 住房 led 住房公积金
        newest first; QA pass 18: news found by meaning led 房东不退押金怎么办), so they are
        left out, and the page says so and how to see them rather than a total that changes
        with the order without a word."""
        loose, _ = self._plan(replace(query, sort="relevance"))
        if self.backend.search(loose, limit=0).total > found:
            return True
        leg = semantic.nearest(query.q, citizen_words.data_dir()) if meaning else None
        if not leg:
            return False
        with_leg = semantic.fused_plan(loose, semantic.fuse([], leg))
        return self.backend.search(with_leg, limit=0).total > found

    def _with_meaning(
        self, plan: Plan, query: Query, understood: Understanding
    ) -> Plan | None:
        """The plan fused with the documents nearest the query's meaning (the semantic leg,
        :mod:`search_index.semantic`), or None without a model or vectors. The word plan's
        first pass runs under the same filters; so does the fused plan, which admits the
        leg's documents only where the filters do."""
        leg = self._visible(semantic.nearest(query.q, citizen_words.data_dir()), plan)
        if not leg:
            return None
        first = self.backend.search(plan, limit=semantic.LEG_DEPTH)
        engine = [h.id for h in first.hits]
        literal = None
        if engine:
            top = first.hits[0].doc or self.backend.fetch([engine[0]], texts=False).get(engine[0])
            if top is not None and semantic.names_exactly(query.q, top.title):
                literal = engine[0]
        weight = semantic.leg_weight(understood)
        unembedded = semantic.unembedded(engine, citizen_words.data_dir())
        return semantic.fused_plan(plan, semantic.fuse(engine, leg, literal, weight, unembedded))

    def _visible(self, leg: list[str] | None, plan: Plan) -> list[str]:
        """Of the leg's documents, in its order, those the plan's filters (the viewer's
        visibility among them) admit: ranked among all, a hidden document near the query made
        the query "also searched by meaning" with nothing found so (QA pass 24a: 0 results and
        也按语义检索 told of a 不予公开 notice on the topic), and moved the visible ones' ranks."""
        if not leg:
            return []
        head = leg[: semantic.LEG_DEPTH]
        ids = Bool(should=tuple(Term("id", i) for i in head), min_should=1)
        seen = {h.id for h in self.backend.search(Plan(ids, plan.filters), limit=len(head)).hits}
        return [i for i in head if i in seen]

    def _with_feedback(self, plan: Plan, words: tuple[str, ...]) -> Plan:
        """The plan with the words its first pass's best documents share (pseudo-relevance
        feedback, :mod:`search_index.feedback`); the first pass runs under the same filters,
        so only documents the viewer may see lend their words."""
        first = self.backend.search(plan, limit=feedback.FEEDBACK_DOCS)
        if len(first.hits) < feedback.MIN_DOCS:
            return plan
        docs = {h.id: h.doc for h in first.hits if h.doc is not None}
        missing = [h.id for h in first.hits if h.doc is None]
        if missing:
            docs.update(self.backend.fetch(missing))
        texts = []
        for h in first.hits:
            d = docs.get(h.id)
            if d is not None:
                head = d.normalized[: feedback.HEAD_CHARS] if d.normalized is not None else None
                if head is None:  # a backend without pre-normalised text: normalise the head only
                    head = normalize(d.text[: feedback.HEAD_CHARS])
                texts.append((normalize(d.title) + "\n" + head, h.score))
        terms = feedback.feedback_terms(
            texts, citizen_words.vocabulary(), self._documents(), frozenset(words)
        )
        return feedback.with_feedback(plan, terms, feedback.FEEDBACK_WEIGHT)

    def _documents(self) -> int:
        """The number of documents (for IDF), counted again at most once a minute."""
        now = time.monotonic()
        if self._corpus_size is None or now - self._corpus_size[0] > 60:
            self._corpus_size = (now, self.backend.count())
        return self._corpus_size[1]

    def did_you_mean(
        self, normalized: str, wait: float = 0.0, traditional: bool = False
    ) -> str:
        """:meth:`_did_you_mean` for a one-shot caller (the CLI), which has no lexicon yet:
        waits up to ``wait`` seconds for it to be built; ``traditional``: the query was typed
        in traditional characters (``Understanding.converted_script``)."""
        if wait and self.lexicon.ready_within(wait) is None:
            return ""
        return self._in_script_typed(self._did_you_mean(normalized), traditional)

    @staticmethod
    def _in_script_typed(suggestion: str, traditional: bool) -> str:
        """A suggestion in the script the query was typed in: the words are the index's,
        kept simplified, and a query typed in traditional was offered 劳工保险 for 勞工保現
        (QA pass 23d)."""
        return to_traditional(suggestion) if suggestion and traditional else suggestion

    def _misheard(self, understood: Understanding, found: bool = True) -> str:
        """The query with letters that read as no word, or as a lone character beside
        another, spelled as the word they make with a southern speaker's slip undone
        (shangzang buzhujin → 丧葬 buzhujin; :meth:`PinyinLexicon.misheard`), or with one key
        slipped on a tap keyboard undone (hukuo → 户口; :meth:`PinyinLexicon.slipped`), or "".
        Only offered: the letters may mean what they say. Where nothing was ``found``, letters
        read as words are offered so too (QA pass 49d: hukoo, zulinn found nothing and were
        offered nothing), and so are letters that make no pinyin at all (gongjjin, jeihun)."""
        lexicon = self.lexicon.peek()
        runs = understood.pinyin + (understood.not_pinyin if not found else ())
        if lexicon is None or not runs:
            return ""
        read = dict(understood.pinyin_words)
        text, changed = understood.normalized, False
        for run in runs:
            words = read.get(run, ())
            if found and len(words) == 1 and len(words[0]) > 1:
                continue  # the planner read one word (nianjia: 年假)
            cut = lexicon.read(run)
            if found and cut is not None and (
                len(cut) < 2 or not any(len(s.words[0]) == 1 for s in cut)
            ):  # one syllable (shui, li) is a character typed; words are words
                continue
            found = lexicon.misheard(run) or lexicon.slipped(run)
            if found is not None and run in text and self._publicly_held(found[1]):
                text, changed = text.replace(run, found[1], 1), True
        return text if changed else ""

    def _did_you_mean(self, normalized: str) -> str:
        """The query with likely typos replaced by the index's words of the same pinyin, or
        "" (see :func:`analyzers.pinyin_lexicon.corrections`). From the public lexicon only,
        so a suggestion never names a word of a hidden document."""
        if not normalized or len(normalized) > MAX_CORRECTED_CHARS:
            return ""
        lexicon = self.lexicon.peek()
        if lexicon is None:
            return ""
        public = visibility_filter(ANONYMOUS)
        words = query_words(normalized)  # cut once: the spans and their neighbours use it

        @functools.cache  # the typed word beside its neighbour is asked for each homophone
        def documents_with(text: str) -> int:
            node = written_node(text)
            if node is None:
                return 0
            # a count only: no page, so no document is read (limit=1 read one from the text
            # store for every count)
            return self.backend.search(Plan(node, public), limit=0).total

        documents_cutting = functools.cache(self._publicly_held)

        def used_as_word(word: str) -> bool:
            """A word the documents hold mostly where two words meet is no word they use: 断交
            in 中断|交通, 加考 in 参加|考试 (QA pass 24c: 社保断缴 was offered 社保断交, 驾考 加考);
            an abbreviation the synonym file reads is one, wherever they hold it: 酒驾 stands
            inside 醉酒|驾驶 more often than alone (酒架 was offered 酒家 once search mode
            stopped finding 酒驾 there)."""
            return word in synonyms() or (
                documents_cutting(word) >= WRITTEN_AS_WORD * documents_with(word)
            )

        def reads_better(span: str, word: str, real: bool) -> bool:
            # the two counts of used_as_word last, only where the rest says yes: most typed
            # words are written beside their neighbours, and the counts were a quarter of a
            # search's time at 100k documents (bench/README.md)
            return reads_better_in_place(span, word, real) and used_as_word(word)

        def reads_better_in_place(span: str, word: str, real: bool) -> bool:
            at = normalized.find(span)
            if _in_a_key(normalized, at, at + len(span)):
                return False  # 不结 of 不结工资: 结工资 is a word the search reads (51a)
            beside = [_beside(normalized, words, at, at + len(span), s) for s in (-1, 1)]
            if real and not documents_with(span) and not _short_form(span):
                # a word no document writes, whose homophone they do: 酒架 (a wine rack) for
                # 酒驾 found nothing and offered nothing (QA pass 24b), alone or beside 扣几分;
                # unless the word is common in everyday Chinese, where it is meant: 老伴 (324 in
                # jieba's dictionary) is no slip of 老板, nor 姥姥 of 牢牢, 寿衣 of 收益 (QA 27a)
                if span in everyday_words():
                    return False
                return documents_with(word) >= REAL_WORD_MIN_DOCS
            if real:
                # a typed word: the word beside it decides (养老保险 is written, 养老保鲜 is not)
                sides = [
                    (a, b) for a, b in ((beside[0], ""), ("", beside[1]))
                    if (a or b) and (a or b) not in stopwords()
                ]  # fmt: skip
                if not sides or any(documents_with(a + span + b) for a, b in sides):
                    return False  # the typed word is written there: left alone, one search
                # and the typed word is used often enough that its absence there is telling: as
                # often as the meant word is with that neighbour, 实业 would be beside 投资 in
                # 0.1 documents (事业投资 is written, 实业投资 is not, and 实业投资 is meant)
                best = max(documents_with(a + word + b) for a, b in sides)
                share = documents_with(span) / max(1, documents_with(word))
                return best >= REAL_WORD_MIN_DOCS and best * share >= REAL_WORD_EXPECTED
            # a span ending inside a word the segmenter read leaves the rest of it beside the
            # word it becomes, which must be written so (经济不偿金 is 经济 + 不偿 + 金: 经济部
            # + 偿 is written nowhere, and 经济部偿金 was offered for 经济补偿金: QA pass 49b).
            # Spans are tried from the left: one ending so takes characters from the next span
            # (不偿金 → 补偿金), where one starting inside a word (高岭 of 领高岭) takes none
            end = at + len(span)
            if _cuts(normalized, words, end) and not documents_with(word + beside[1]):
                return False
            left, right = normalized[max(0, at - 1) : at], normalized[at + len(span) :][:1]
            typed, fixed = documents_with(left + span + right), documents_with(left + word + right)
            if typed or fixed:
                return fixed > typed
            # neither is written with both neighbours (a small index): each side must favour it,
            # but a question word beside it says nothing either way (公基金怎么取: no document
            # writes 公积金怎 either) as long as the other side does
            sides = [
                # at the query's edge, the typed span counts where it is a word (QA pass 50a:
                # 设保 stands in 198 documents, inside 建设|保护, 社保 in 50)
                (documents_with(a + word + b),
                 documents_with(a + span + b) if a or b else documents_cutting(span))
                for a, b in ((left, ""), ("", right))
            ]  # fmt: skip
            favour = [f > t for f, t in sides]
            # ... nor does a side on which neither is written (QA pass 19: 不交社报 — no document
            # writes 交社保 or 交社报 — was offered nothing where 社报 alone is offered 社保)
            even = [
                (b in stopwords() and f == t) or f == t == 0
                for (f, t), b in zip(sides, beside, strict=True)
            ]
            # and where no side tells either way (不交社报怎么办: neither 交社保 nor 社保怎 is
            # written), the word's own use does, as for a span typed alone (社报 → 社保) —
            # unless it is a function word, which no one searches for (入职要交 is not 入只要交)
            # ... nor a slip of a function word typed alone: 会 (will) of 没缴会怎样 is meant,
            # whatever 缴回 is (QA pass 26b: 罰單沒繳會怎樣 was offered 罰單沒繳回怎樣)
            if all(even):
                changed = [a for a, b in zip(span, word, strict=True) if a != b]
                return word not in stopwords() and not any(c in stopwords() for c in changed)
            return any(favour) and all(a or b for a, b in zip(favour, even, strict=True))

        fixed = normalized
        found = corrections(lexicon, words, is_dictionary_word, reads_better)
        found = corrections_kept(normalized, found)
        # ... and only a word public documents hold now: the lexicon is rebuilt a minute or
        # so after an ingest (and later on Elasticsearch), and offered a withdrawn document's
        # word meanwhile (QA pass 32a: 鹈鹕湾 for 40–60 s after its documents were 不予公开)
        found = [(typed, word) for typed, word in found if documents_with(word)]
        # ... and never a word this engine reads as typed: a stop or question word, or one the
        # synonym file names (QA pass 48b: Cantonese 屋企 was offered 武器, 點計 點擊, 幾錢 幾千)
        stop, rules = stopwords(), synonyms()
        found = [(typed, word) for typed, word in found if typed not in stop and typed not in rules]
        for typed, word in found:
            fixed = fixed.replace(typed, word, 1)
        return fixed if fixed != normalized else ""

    def _ranked(
        self, plan: Plan, sort: str, start: int, count: int, facets: tuple[str, ...]
    ) -> tuple[int, tuple[BackendHit, ...], dict[str, tuple[tuple[str, int], ...]]]:
        """``count`` hits from rank ``start``, the total and facets; undated documents last.

        Both engines sort a missing date as 0, which is last from new to old but first from
        old to new: there the dated documents are ranked first and the undated ones after
        them, so undated documents are last in both directions, on both backends.
        """
        if sort != "date_asc":
            raw = self.backend.search(plan, offset=start, limit=count, sort=sort, facets=facets)
            return raw.total, raw.hits, raw.facets
        whole = self.backend.search(plan, limit=1, facets=facets)
        dated = self.backend.search(
            Plan(plan.query, plan.filters + (Range("date", lo=1),), plan.highlight),
            offset=start,
            limit=count,
            sort=sort,
        )
        hits = dated.hits
        if len(hits) < count and whole.total > dated.total:
            undated = self.backend.search(
                Plan(plan.query, plan.filters + (Term("date", "0"),), plan.highlight),
                offset=max(0, start - dated.total),
                limit=count - len(hits),
                sort=sort,
            )
            hits = hits + undated.hits
        return whole.total, hits, whole.facets

    def _members(self, plan: Plan, groups: dict[str, int]) -> dict[str, _Member]:
        """Every document matching ``plan`` in one of the copy ``groups``: id → its text's key
        and how it is listed as a copy."""
        in_groups = Bool(should=tuple(Term("content_key", k) for k in groups))
        raw = self.backend.search(
            Plan(plan.query, plan.filters + (in_groups,)), limit=sum(groups.values())
        )
        ids = [h.id for h in raw.hits]
        scores = {h.id: h.score for h in raw.hits}
        extra = self.backend.stored_extra(ids)
        # a member is listed by its metadata: keep what the search read, and read the rest
        # without texts (fetching every member's text again cost a third of such a search)
        docs = {h.id: h.doc for h in raw.hits if h.doc is not None}
        missing = [i for i in ids if i not in docs]
        if missing:
            docs.update(self.backend.fetch(missing, texts=False))
        out: dict[str, _Member] = {}
        for i in ids:
            key = stored_content_key(extra.get(i))
            doc = docs.get(i)
            if key in groups and doc is not None:
                copy = Copy(doc.id, doc.path, doc.format, doc.agency, doc.disclosure)
                out[i] = _Member(key, doc, copy, scores[i])
        return out

    def get(self, doc_id: str, viewer: Viewer = ANONYMOUS) -> StoredDocument:
        """A document by id; a non-public one is "not found" for anonymous viewers, told
        from its metadata before its text is read: reading a hidden 5.7 MB text first made
        its 404 take 17 ms against 2 ms for an id no document has (QA pass 34b), which told
        that it exists, and how large it is. An id in capitals is the id (QA pass 42b: a link
        copied through a tool that upper-cased it was a 404)."""
        doc_id = doc_id.lower() if plausible_id(doc_id.lower()) else doc_id
        if not plausible_id(doc_id):
            raise NotFound(f"no document with id {doc_id!r}", id=doc_id)
        if viewer.visible_disclosures is not None and not self._seen_by(doc_id, viewer):
            raise self._gone(doc_id, viewer)
        doc = self.backend.fetch([doc_id]).get(doc_id)
        if doc is None or not viewer.can_see(doc.disclosure):
            raise self._gone(doc_id, viewer)
        return doc

    def _gone(self, doc_id: str, viewer: Viewer) -> NotFound:
        moved_to = self._moved_to(doc_id, viewer)
        if moved_to:
            return Moved(f"document {doc_id} is now {moved_to}", id=doc_id, moved_to=moved_to)
        return NotFound(f"no document with id {doc_id!r}", id=doc_id)

    def _seen_by(self, doc_id: str, viewer: Viewer) -> bool:
        """Whether a document has this id and ``viewer`` may see it: a count, which reads no
        stored field (Elasticsearch reads a document's whole _source to answer even for its
        metadata alone; the review: 20.6 ms against 0.6)."""
        seen = Plan(query=Term("id", doc_id), filters=visibility_filter(viewer))
        return bool(self.backend.search(seen, limit=0).total)

    def _moved_to(self, doc_id: str, viewer: Viewer) -> str:
        """The id a document that moved has now, following moves of moves (a folder renamed
        twice), if ``viewer`` may see it there; else "": a move into a 不予公开 folder says
        nothing more than an id never used."""
        seen = {doc_id}
        at = doc_id
        for _ in range(MAX_MOVES):
            at = self.backend.moved([at]).get(at, "")
            if not at or at in seen:
                return ""
            if self._seen_by(at, viewer):
                return at
            seen.add(at)
        return ""

    def highlight_terms(self, q: str, title: str = "") -> tuple[str, ...]:
        """The terms of ``q`` to mark in a text; with ``title``, a pinyin query also marks the
        words of the title it stands for (zfxxgk → 政府信息公开)."""
        return self.highlight_plan(q, title).terms

    def highlight_plan(self, q: str, title: str = "") -> Marking:
        """:meth:`highlight_terms`, each other wording's typed word (``Plan.groups``): a
        page's richest passage counts the words asked for, not their wordings; what answers
        a question of measure (:mod:`search_index.answers`), marked too; and each typed
        word's weight, as the snippet's (:meth:`_rarity`)."""
        plan, understood = self._plan(Query(q=q[:MAX_QUERY_CHARS]))
        groups = dict(plan.groups)
        return Marking(
            terms=_with_pinyin(plan.highlight, understood.pinyin, title),
            groups=groups,
            answer=answers.answer_pattern(understood.normalized),
            rarity=self._rarity(plan.highlight, groups),
        )

    def suggest(self, prefix: str, viewer: Viewer = ANONYMOUS, limit: int = 10) -> list[str]:
        """Titles and frequent title words for what was typed (Han or pinyin letters), ranked
        prefix-first, visible to the viewer only (see :mod:`search_index.suggest`)."""
        lexicon = self.lexicon.get() if _LETTER.search(prefix) else None
        found = suggest(self.backend, prefix, visibility_filter(viewer), limit, lexicon)
        return self._held_now(found, lexicon) if lexicon is not None else found

    def pinyin(self, typed: str, limit: int = 10) -> list[str]:
        """Input-method candidates: the Chinese words of public documents that the letters
        typed so far can stand for (full pinyin, initials, the last syllable half typed), most
        documents first (see :mod:`search_index.lexicon`)."""
        return self.pinyin_for(typed, limit)[0]

    def pinyin_for(self, typed: str, limit: int = 10) -> tuple[list[str], int]:
        """:meth:`pinyin` and how many of the typed letters the words stand for."""
        if not _LETTER.search(typed):
            return [], 0
        lexicon = self.lexicon.get()
        words, letters = lexicon.candidates_for(typed[:MAX_PINYIN_CHARS], limit)
        return self._held_now(words, lexicon), letters

    def _held_now(self, words: list[str], lexicon: PinyinLexicon) -> list[str]:
        """``words`` without those of few documents (at most :data:`RECHECK_BELOW`) that no
        public document holds now. The lexicon is rebuilt a while after an ingest elsewhere,
        and meanwhile offered a withdrawn document's words (QA pass 32a: 蓝莓 for 4 minutes on
        an Elasticsearch server): a rare word is the kind a document published by mistake
        carries, a name, and a few counts per keystroke make it go at once. The synonym
        file's short forms and the 文号 prefixes, which no text holds as a word, stay.

        Counted anew each time, not cached until the stamp moves: a cache would offer a word
        withdrawn elsewhere for the stamp's 1-2 s more, and a count of one rare word is one
        small search (the review asked; left uncached on purpose)."""
        kept = []
        for w in words:
            n = lexicon.counts.get(w, 0)
            known = w in synonyms() or w in citizen_words.known_docno_prefixes()
            if 0 < n <= RECHECK_BELOW and not known and not self._publicly_held(w):
                continue
            kept.append(w)
        return kept

    def _publicly_held(self, word: str) -> int:
        """How many public documents hold ``word`` as a word (title or body), counted now."""
        held = Bool(should=(Term("body_w", word), Term("title_w", word)), min_should=1)
        return self.backend.search(Plan(held, visibility_filter(ANONYMOUS)), limit=0).total

    def catalog(self, viewer: Viewer = ANONYMOUS) -> Iterator[StoredDocument]:
        """The metadata of every document the viewer may see (texts left out), for reports."""
        visible = viewer.visible_disclosures
        for doc in self.backend.catalog():
            if visible is None or doc.disclosure in visible:
                yield doc

    def same_texts(self, viewer: Viewer = ANONYMOUS) -> dict[str, str]:
        """``id → text key`` of every document the viewer may see whose text another one of
        them shares (the groups a search shows as one result with its copies), for reports
        that count texts, not files. Reads only the documents in such groups."""
        plan = Plan(query=Bool(), filters=visibility_filter(viewer))
        groups = self.backend.copy_groups(plan)
        return {i: m.key for i, m in self._members(plan, groups).items()} if groups else {}

    def copies_of(
        self, ids: list[str], viewer: Viewer = ANONYMOUS
    ) -> dict[str, tuple[str, ...]]:
        """``id → the other documents with the same text`` (what search shows as one result
        with it) that the viewer may see, for the documents of ``ids`` that have any: an upload
        says that it copies a document already there."""
        extra = self.backend.stored_extra(ids)
        keys = {i: stored_content_key(e) for i, e in extra.items()}
        wanted = sorted({k for k in keys.values() if k})
        if not wanted:
            return {}
        plan = Plan(
            query=Bool(should=tuple(Term("content_key", k) for k in wanted), min_should=1),
            filters=visibility_filter(viewer),
        )
        groups = self.backend.copy_groups(plan)
        members = self._members(plan, groups) if groups else {}
        out: dict[str, tuple[str, ...]] = {}
        for i, key in keys.items():
            others = tuple(sorted(m for m, got in members.items() if got.key == key and m != i))
            if key and others:
                out[i] = others
        return out

    def numbered_alike(self, doc: StoredDocument) -> list[tuple[str, StoredDocument]]:
        """The other documents (hidden ones too: staff ask) whose catalogue gives ``doc``'s
        文号 or 索引号, each with which of the two: an upload reusing an existing number is
        published with a warning (QA pass 33b: two documents answered QS-2025-0034, and the
        upload said nothing), never refused, since a reissue may share its 文号."""
        # the whole number, issuer and all: the index also keys a 文号 by its issuer's tail
        # (办发2025-34), which 国办发 and 青政办发 share (the review's 国办发〔2025〕34号)
        docno = canonical(normalize(doc.doc_number)) if doc.doc_number else ""
        index_key = index_no_key(normalize(doc.index_no)) if doc.index_no else ""
        terms = [Term("docno", docno)] if docno else []
        terms += list(index_no_nodes(index_key)) if index_key else []  # QS/2025/0034 too
        if not terms:
            return []
        plan = Plan(query=Bool(should=tuple(terms), min_should=1))
        ids = [h.id for h in self.backend.search(plan, limit=MAX_ALIKE).hits if h.id != doc.id]
        out = []
        for other in self.backend.fetch(ids, texts=False).values():
            if index_key and index_no_key(normalize(other.index_no)) in key_variants(index_key):
                out.append(("索引号", other))
            if docno and canonical(normalize(other.doc_number)) == docno:
                out.append(("文号", other))
        return sorted(out, key=lambda x: (x[0], x[1].path))

    def public_copies(self, doc_id: str) -> tuple[str, ...]:
        """The public documents holding ``doc_id``'s text (any level ``doc_id`` is at): the
        text stays public as long as one of them is, which a withdrawal says."""
        key = stored_content_key(self.backend.stored_extra([doc_id]).get(doc_id, {}))
        if not key:
            return ()
        plan = Plan(query=Term("content_key", key), filters=visibility_filter(ANONYMOUS))
        hits = self.backend.search(plan, limit=MAX_ALIKE).hits
        return tuple(sorted(h.id for h in hits if h.id != doc_id))

    def copies_of_document(
        self, doc: StoredDocument, viewer: Viewer = ANONYMOUS
    ) -> tuple[Copy, ...]:
        """The other files with ``doc``'s text that the viewer may see, by path then id: what
        a search lists under the one result that stands for them (QA pass 22b: the document
        page did not say them)."""
        ids = list(self.copies_of([doc.id], viewer).get(doc.id, ()))
        found = self.backend.fetch(ids, texts=False).values() if ids else ()
        copies = (Copy(d.id, d.path, d.format, d.agency, d.disclosure) for d in found)
        return tuple(sorted(copies, key=lambda c: (c.path, c.id)))

    def versions_of(
        self, doc: StoredDocument, viewer: Viewer = ANONYMOUS, limit: int = 20
    ) -> tuple[StoredDocument, ...]:
        """Other dated versions of ``doc`` the viewer may see: one title and one issuer, another
        date (a law as revised in 2017 and in 2023), newest first, without texts. A text whose
        catalogue names no issuer is the one issuer's of its title's place, where there is one
        (:mod:`search_index.version_issuer`, QA pass 42b).

        Nothing in an older text says it was replaced, so both versions carry the validity
        their own text or catalogue gives (QA pass 22b: both said 有效); the document page
        names the newer one instead of letting the older pass for the rule in force.
        """
        own = version_key(doc)
        if own is None:
            return ()
        plan = Plan(query=Term("title_exact", own[0]), filters=visibility_filter(viewer))
        size = max(limit + 10, TITLE_DOCUMENTS)
        ids = [h.id for h in self.backend.search(plan, limit=size).hits if h.id != doc.id]
        titled = list(self.backend.fetch(ids, texts=False).values())
        issued = self._version_keys([doc, *titled], viewer, titled)
        key = issued[doc.id]
        found = sorted(
            (d for d in titled
             if d.date != doc.date and issued.get(d.id) == key and not same_number(d, doc)),
            key=lambda d: (d.date, d.id),
        )  # fmt: skip
        keys = {i: stored_content_key(e) for i, e in self.backend.stored_extra(
            [d.id for d in found]).items()}  # fmt: skip
        seen: set[str] = set()
        versions = []
        for d in found:  # one text's copies are one version, named by the smallest id
            key = keys.get(d.id) or d.id
            if key not in seen:
                seen.add(key)
                versions.append(d)
        return tuple(sorted(versions, key=lambda d: d.date, reverse=True)[:limit])

    def _version_keys(
        self,
        docs: list[StoredDocument],
        viewer: Viewer,
        titled: list[StoredDocument] | None = None,
    ) -> dict[str, tuple[str, str]]:
        """id → :func:`version_key` of each of ``docs`` that has one, a text without an issuer
        given the one issuer of its title's place (:func:`version_issuer.resolve`) among the
        documents of its title the viewer may see: ``titled``, else read here for the titles
        that need them, so that the first results tell it as the document's page does
        (:meth:`versions_of`): a second issuer of the place further down, dated or not, leaves
        it unknown on both."""
        keys = {d.id: k for d in docs if (k := version_key(d)) is not None}
        if titled is None:
            titled = []
            for title in sorted(version_issuer.unresolved_titles(keys.values())):
                plan = Plan(query=Term("title_exact", title), filters=visibility_filter(viewer))
                ids = [h.id for h in self.backend.search(plan, limit=TITLE_DOCUMENTS).hits]
                titled += self.backend.fetch(ids, texts=False).values()
        context = [k for d in titled if (k := versions_key(d.title or "", d.agency or ""))]
        return version_issuer.resolve(keys, context)

    def count(self, viewer: Viewer = ANONYMOUS) -> int:
        plan = Plan(query=Bool(), filters=visibility_filter(viewer))
        return self.backend.search(plan, limit=0).total

    def stats(self, viewer: Viewer = ANONYMOUS) -> dict[str, Any]:
        plan = Plan(query=Bool(), filters=visibility_filter(viewer))
        raw = self.backend.search(
            plan, limit=1, facets=STAFF_FACET_FIELDS if viewer.staff else FACET_FIELDS
        )
        facets = dict(raw.facets)
        if "agency" in facets:
            facets["agency"] = fold_agencies(tuple(facets["agency"]))[:FACET_SHOWN]
        if "validity" in facets:
            facets["validity"] = self._validity_with_repeals(plan, tuple(facets["validity"]))
        return {
            "backend": self.backend.name,
            "documents": raw.total,
            "facets": {f: dict(v) for f, v in facets.items()},
        }

    # -- writing -------------------------------------------------------------------------
    def write(self, items: Iterable[IndexedDocument]) -> Iterator[WriteResult]:
        try:
            yield from self.backend.write(items)
        finally:
            self.lexicon.invalidate()
            self._mention_counts.clear()
            self._repealed = None

    def set_disclosure(
        self, doc_id: str, level: str, published: dt.date | None = None
    ) -> StoredDocument:
        """The document ``doc_id`` at the 公开方式 ``level`` (a value of ``model.fields``'s
        disclosure choice), its text and every other field as they were: withdrawn from the
        public, or published, without deleting it (QA pass 33b: an upload could only be
        deleted, and staff lost it too). Analysed again from the stored form, as a rebuild
        does, so both backends index it alike. ``published``: its 发布日期, where it has none
        (a draft published today)."""
        if level not in VALUE_LABELS["disclosure"]:
            raise BadRequest(f"unknown disclosure level {level!r}", field="disclosure")
        return self.set_fields(doc_id, {"disclosure": level}, published=published)

    def set_fields(
        self, doc_id: str, values: Mapping[str, object], published: dt.date | None = None
    ) -> StoredDocument:
        """The document ``doc_id`` with these catalogue fields (``CatalogMeta``'s values: dates
        as dates), its text and every other field as they were, analysed again from the
        stored form as :meth:`set_disclosure` does. A field given is stated, no longer a date
        read from the text or a validity assumed."""
        stored = self.get(doc_id, STAFF)
        doc, source = document_from_stored(dataclasses.asdict(stored), stored.text)
        changed = with_stated(doc, values)
        meta = changed.meta
        if published is not None and meta.publish_date is None:
            meta = replace(meta, publish_date=published)
            changed = replace(changed, meta=meta)
        for result in self.write([prepare(changed, source)]):
            if not result.ok:
                raise Conflict(f"{doc_id} was not rewritten: {result.error}", id=doc_id)
        if stored.disclosure == "public" and meta.disclosure != "public":
            self._forget_words_of([stored])
        return self.get(doc_id, STAFF)

    def delete(self, ids: Iterable[str]) -> int:
        ids = list(ids)
        gone: list[StoredDocument] = []
        if len(ids) <= MAX_FORGET_DOCUMENTS and self.lexicon.current() is not None:
            heads = self.backend.fetch(ids, texts=False).values()  # the public ones' texts only
            public = [d.id for d in heads if d.disclosure == "public"]
            gone = list(self.backend.fetch(public).values()) if public else []
        try:
            return self.backend.delete(ids)
        finally:
            self.lexicon.invalidate()
            self._mention_counts.clear()
            self._repealed = None
            self._forget_words_of(gone)

    def _forget_words_of(self, docs: list[StoredDocument]) -> None:
        """Take the words only ``docs`` held (withdrawn or deleted, now committed) out of the
        pinyin lexicon at once: its rebuild takes seconds, and
        meanwhile anonymous searches read letters as a withdrawn word (QA pass 34b:
        chuanshanjia → 穿山甲 in "understood" for 3 s; the candidates' letter count said a word
        spelled all twelve). Suggestions and candidates recheck rare words per keystroke too
        (:meth:`_held_now`); this covers the reading of a search and its letter count."""
        lexicon = self.lexicon.current()
        if lexicon is None or not docs:
            return
        try:
            budget, words = MAX_FORGET_CHARS, set()
            for d in docs:
                for part in (d.title, d.text[:budget]):
                    words.update(index_words(normalize(part)))
                    budget -= len(part)
                budget = max(budget, 0)
            counts = {w: max(lexicon.counts.get(w, 0), lexicon.latin.get(w, 0)) for w in words}
            # a word the table lacks may be in the one a build begun before this (an upload
            # withdrawn within a second: QA pass 34c), and one no more documents hold than are
            # gone is theirs: both taken out unchecked (a wrong one comes back with the next
            # build); the rest of the rare ones are counted
            gone = [w for w, n in counts.items() if n <= len(docs)]
            rare = sorted((w for w, n in counts.items() if len(docs) < n <= FORGET_BELOW),
                          key=counts.__getitem__)[:MAX_FORGET_CHECKS]  # fmt: skip
            gone += [w for w in rare if not self._publicly_held(w)]
            gone += self._prefixes_no_public_number(docs)
            self.lexicon.forget(gone)
        except Exception:  # noqa: BLE001 - the change is committed; the rebuild takes them out
            log.exception("withdrawn words not taken out of the pinyin lexicon")

    def _prefixes_no_public_number(self, docs: list[StoredDocument]) -> list[str]:
        """The 文号 prefixes of ``docs`` (穿山办发 of 穿山办发〔2025〕1号) that no public
        document's number starts with now: the lexicon reads letters as them too (the review:
        chuanshanbanfa read as a withdrawn document's prefix until the rebuild)."""
        # normalised, as every 文号 keys_for_value reads (QA pass 48a: 國辦發〔2019〕6號 gave none)
        keys = {k for d in docs for k in keys_for_value(normalize(d.doc_number))}
        prefixes = {
            p for p in citizen_words.known_docno_prefixes() if len(p) >= 2
            for k in keys if k.startswith(p) and k[len(p) : len(p) + 1].isdigit()
        }  # fmt: skip
        public = visibility_filter(ANONYMOUS)
        return [
            p for p in prefixes
            if not self.backend.search(
                Plan(Regex("docno", re.escape(p) + "[0-9].*"), public), limit=0
            ).total
        ]  # fmt: skip

    def fingerprints(self, source: str | None = None) -> dict[str, str]:
        return self.backend.fingerprints(source)

    def close(self) -> None:
        self.backend.close()


def _ranks_nothing(node: object) -> bool:
    """Whether a query scores every document it matches alike: everything, or everything but
    what it excludes (-通知)."""
    if isinstance(node, MatchAll):
        return True
    return (
        isinstance(node, Bool) and not node.should and bool(node.must)
        and all(_ranks_nothing(m) for m in node.must)
    )  # fmt: skip


def corrections_kept(normalized: str, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (typed, word) corrections of ``normalized`` worth offering. Typed as meant, never
    offered another word: a phrase in quotes (QA pass 24b: "断缴", which three rules write, was
    offered 断交) and a term the synonym file reads (QA pass 30a: 退一 of 退一赔三 was offered
    退役), in whole or in part; a numeral (QA pass 30c: 退一赔十 was offered 退役赔十, 一 and 役
    both read yi); and what a question asks with, wherever the segmenter glued it (QA pass 31b:
    判给谁 was offered 判给水, 多大能结婚 多达能结婚)."""
    meant = [a.text for c in parse(normalized).clauses for a in c.alternatives if a.phrase]
    meant += [normalized[s:e] for s, e, _, _ in find_synonyms(normalized) if e - s > 1]
    asking = citizen_words.asking_positions(normalized)

    def asks(typed: str, word: str) -> bool:
        at = normalized.find(typed)
        pairs = enumerate(zip(typed, word, strict=False))
        return any(at + i in asking for i, (a, b) in pairs if a != b)

    return [
        (typed, w) for typed, w in found
        if not any(typed in m for m in meant)
        and not any(a != b and a in NUMERALS for a, b in zip(typed, w, strict=False))
        and not asks(typed, w)
    ]  # fmt: skip


@dataclass(frozen=True)
class _Member:
    key: str  # content_key of its text
    doc: StoredDocument
    copy: Copy
    score: float = 0.0  # under the plan searched (filters do not score)


def _representative(first: BackendHit, members: dict[str, _Member], sort: str) -> BackendHit:
    """The copy a group of copies is shown as. By relevance: the copy that says most about the
    document (a catalogue row; then agency, date and 文号 known), then the best ranked, then the
    smallest id. QA pass 9: a published PDF, titled 政府信息公开工作年度报告 without agency or
    date, stood for the catalogued TXT of the same report. By date: a copy of the date the
    result is sorted by, chosen the same way. Each engine orders ties its own way (tantivy by
    segment and write order, Elasticsearch by shard), so a rank alone showed the TXT on one
    backend and the PDF on the other."""
    me = members[first.id]
    if sort == "relevance":
        group = [i for i, m in members.items() if m.key == me.key]
    else:
        group = [i for i, m in members.items() if m.key == me.key and m.doc.date == me.doc.date]
    group = group or [first.id]
    says = min(_says_less(members, i) for i in group)
    group = [i for i in group if _says_less(members, i) == says]
    # copies of one text score alike but for float noise, which picked a copy by segment
    # where Elasticsearch showed the smallest id (QA pass 18b): within the noise they tie
    top = max(members[i].score for i in group)
    best = min(i for i in group if same_score(members[i].score, top))
    return first if best == first.id else BackendHit(best, first.score)


def _says_less(members: dict[str, _Member], doc_id: str) -> tuple[int, int]:
    return says_less(members[doc_id].doc if doc_id in members else None)


def says_less(doc: StoredDocument | None) -> tuple[int, int]:
    """How little a copy says about its document, to show a group of copies by the one that
    says most (a catalogue row first, then agency, date and 文号 known): search and the
    duplicate check show the same copy (QA pass 11: the check showed an uncatalogued HTML
    copy, with another date, where search showed the catalogued text)."""
    if doc is None:
        return (1, 0)
    known = sum(1 for v in (doc.agency, doc.date, doc.doc_number) if v)
    return (0 if doc.catalog else 1, -known)


def _short_form(word: str) -> bool:
    """Whether the planner reads ``word`` as a short form of other words (消法: 消费者权益保护法,
    a title no document writes short): its own spelling, never a typo of a homophone (效法)."""
    return word in synonyms() or any(
        (s, e) == (0, len(word))
        for find in (citizen_words.find_titles, citizen_words.find_mined)
        for s, e, _, _ in find(word)
    )


_YEAR_TYPED = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")


def version_key(doc: StoredDocument) -> tuple[str, str] | None:
    """What versions of one text share — its title (compact) and its issuer (as the agency
    filter compares it) — or None for a text that has none: undated, or a title too short to
    name one text (two cities' 关于做好…的通知 are two texts). The one reading of a version for
    the page's order (:func:`_newest_version_first`) and the document's list
    (:meth:`SearchIndex.versions_of`), which both give an empty issuer the one its title's
    place has, if only one (:meth:`SearchIndex._version_keys`, QA pass 42b)."""
    return versions_key(doc.title or "", doc.agency or "") if doc.date else None


SAME_ISSUE_DAYS = 92  # one 文号 dated this close: a text's 成文 and 发布 dates, not a revision


def same_number(a: StoredDocument, b: StoredDocument) -> bool:
    """Whether two documents are one issue of a text, never two versions of it
    (:func:`same_issue`: one 文号 dated alike, or one 成文日期)."""
    return same_issue(
        (a.doc_number, a.written_date, _day(a.date)), (b.doc_number, b.written_date, _day(b.date))
    )


Issue = tuple[str, object, dt.date | None]  # 文号, 成文日期 (as stored), the date it is filed by


def same_issue(a: Issue, b: Issue) -> bool:
    """One 文号, and one 成文日期 or dates within :data:`SAME_ISSUE_DAYS`: one issue of a
    text, never two versions of it, for search's versions and the annual report alike (QA pass
    27b: a scan of 国办函〔2018〕71号, dated by the 发布日期 OCR read, made the catalogued copy,
    dated by its 成文日期, an older version; QA pass 28a: the report counted it 修改). A revised
    rule keeps the number of the order that first issued it (民政部令第14号 heads the 1999 text
    and its 2019 revision): years apart, those are versions. One 成文日期 is one issue whatever
    the numbers say: a version of a rule is written on another day (QA pass 37b: OCR read a
    scan's 国办发〔1996〕2号 as 国发, and its typed copy, re-posted in 2018, was shown to it as a
    newer version that "may replace" it)."""
    (number_a, written_a, date_a), (number_b, written_b, date_b) = a, b
    if written_a and written_a == written_b:
        return True
    ka = canonical(normalize(number_a)) if number_a else None
    if ka is None or ka != (canonical(normalize(number_b)) if number_b else None):
        return False
    if date_a is None or date_b is None:  # undated: no version either way
        return True
    return abs((date_a - date_b).days) <= SAME_ISSUE_DAYS


def _day(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        return None


def versions_key(title: str, agency: str) -> tuple[str, str] | None:
    """:func:`version_key` of a title and an issuer (the annual report's entries hold no
    stored document): None for a title too short to name one text."""
    title = strip_skippable(normalize(title))
    if len(title) < 4:
        return None
    return title, agency_key(agency) or normalize(agency)


def _slots_by_title(
    page: list[BackendHit], keys: dict[str, tuple[str, str]]
) -> dict[tuple[str, str], list[int]]:
    """The places in ``page`` of each title and issuer (``keys``: id → :func:`version_key`, as
    :meth:`SearchIndex._version_keys` tells an unknown issuer), in rank order."""
    by_title: dict[tuple[str, str], list[int]] = {}
    for i, h in enumerate(page):
        key = keys.get(h.id)
        if key is not None:
            by_title.setdefault(key, []).append(i)
    return by_title


def _newest_version_first(
    page: list[BackendHit], docs: dict[str, Any], keys: dict[str, tuple[str, str]]
) -> tuple[list[BackendHit], dict[str, str]]:
    """Versions of one text among the first results (one title and issuer, different dates: a
    law as revised in 2017 and in 2023) in their ranks' places, newest first: the text in force
    is what a search for the law means (QA pass 22b: 行政复议法 and 公司法 listed the superseded
    version first, 民事诉讼法 the current one, as BM25 happened to weigh them). The caller
    leaves out queries that ask for an old rule or name a year, and gives the first
    :data:`VERSION_WINDOW` results whatever the page, so every page size shows one order.
    Returns the list and, for each older version, the newest version's date (QA pass 24b:
    both versions of a rule were listed 有效, side by side, and only the document's page said
    one was newer). ``keys``: each document's title and issuer (:func:`_slots_by_title`)."""
    by_title = _slots_by_title(page, keys)
    out = list(page)
    newer: dict[str, str] = {}
    for slots in by_title.values():
        if len(slots) < 2 or len({docs[page[i].id].date for i in slots}) < 2:
            continue
        first = docs[page[slots[0]].id]
        if all(same_number(docs[page[i].id], first) for i in slots[1:]):
            continue  # one 文号: copies of one issue (a scan's dates read apart), no versions
        newest = sorted(slots, key=lambda i: docs[page[i].id].date, reverse=True)
        for slot, i in zip(slots, newest, strict=True):  # scores stay in order, by slot
            out[slot] = replace(page[i], score=page[slot].score)
        latest = docs[page[newest[0]].id]
        newer.update(
            (page[i].id, latest.date) for i in newest
            if docs[page[i].id].date < latest.date and not same_number(docs[page[i].id], latest)
        )  # fmt: skip
    return out, newer


def _typed_copy_first(
    page: list[BackendHit], docs: dict[str, Any], keys: dict[str, tuple[str, str]]
) -> list[BackendHit]:
    """A typed copy of one issue of a text ahead of its scans, in their ranks' places: a scan's
    text is what OCR read, maybe pages short, and BM25 ranks the shorter text first (QA pass
    37b: a 2-page scan of a work report above its full typed copy for 10 of 12 of its phrases).
    Copies share a title and issuer (:func:`version_key`) and one issue (:func:`same_number`);
    versions keep the order :func:`_newest_version_first` gave them."""
    by_title = _slots_by_title(page, keys)
    out = list(page)
    for slots in by_title.values():
        issues: list[list[int]] = []  # the title's slots, one list per issue, in rank order
        for i in slots:
            doc = docs[page[i].id]
            issue = next((s for s in issues if same_number(docs[page[s[0]].id], doc)), None)
            if issue is None:
                issues.append([i])
            else:
                issue.append(i)
        for issue in issues:
            scans = [i for i in issue if docs[page[i].id].text_source == "ocr"]
            if not scans or len(scans) == len(issue):
                continue
            order = [i for i in issue if i not in scans] + scans
            for slot, i in zip(issue, order, strict=True):  # scores stay in order, by slot
                out[slot] = replace(page[i], score=page[slot].score)
    return out


def _own_number_first(
    page: list[BackendHit], docs: dict[str, Any], typed: tuple[str, ...]
) -> list[BackendHit]:
    """The documents whose own 文号 is the one typed ahead of those that hold it only in their
    history (a revised rule's head names the orders that revised it), in their ranks' places:
    QA pass 27b, 国务院令第706号 listed a 专利代理条例 numbered 第76号, revised by 706, above
    the one catalogued as 国令第706号."""
    wanted = set(typed)

    def own(h: BackendHit) -> bool:
        doc = docs.get(h.id)
        number = normalize(doc.doc_number) if doc is not None and doc.doc_number else ""
        return bool(number) and not wanted.isdisjoint(keys_for_value(number))

    first = [h for h in page if own(h)]
    if not first or len(first) == len(page):
        return page
    order = first + [h for h in page if not own(h)]
    return [replace(h, score=page[i].score) for i, h in enumerate(order)]


def fold_agencies(values: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    """One facet value per agency as its filter compares it (:func:`agency_key`): 臺南市政府水利局
    and 台南市政府水利局 were two values of 1 whose links each found 2 (QA pass 10). Shown as
    its most used spelling; counts add up (a document has one agency)."""
    by_key: dict[str, list[tuple[str, int]]] = {}
    for value, count in values:
        by_key.setdefault(agency_group(value) or value, []).append((value, count))
    folded = [(most_used(forms), sum(c for _, c in forms)) for forms in by_key.values()]
    return tuple(sorted(folded, key=lambda vc: -vc[1]))


def _facet_values(doc: StoredDocument, field: str) -> set[str]:
    """The facet values ``doc`` is counted under, as :func:`_facet_key` reads a value: an
    agency by its keys, each issuer's of a joint issue too (QA pass 16: the copies of a text
    of 最高人民法院、最高人民检察院 were counted off the joint name only, so each issuer's value
    said more results than its link found)."""
    if field == "year":  # an undated copy counts under 0, as the facet lists it (QA 27b)
        return {doc.date[:4]} if doc.date else {str(UNDATED_YEAR)}
    if field == "agency":
        return {agency_group(n) for n in agency_names(doc.agency)} - {""}
    value = getattr(doc, field, "")
    return {str(v) for v in value} if isinstance(value, tuple) else ({str(value)} - {""})


def _facet_key(field: str, value: str) -> str:
    return (agency_group(value) or value) if field == "agency" else value


def _beside(normalized: str, words: list[str], start: int, end: int, side: int) -> str:
    """What stands just before characters ``start:end`` (``side`` -1) or just after them (+1),
    up to the segmenter's next cut: the word beside them (怎么, 认定), or the rest of a word the
    span cuts (the 要 of 消要 when 医保报消要 was cut 报 + 消要)."""
    pos = 0
    for w in words:  # ``normalized`` cut by query_words
        pos = normalized.find(w, pos)
        if side < 0 and pos < start <= pos + len(w):
            return normalized[pos:start]
        if side > 0 and pos <= end < pos + len(w):
            return normalized[end : pos + len(w)]
        pos += len(w)
    return ""


def _in_a_key(normalized: str, start: int, end: int) -> bool:
    """Whether a key of the synonym file stands across an edge of characters ``start:end``: the
    span is cut from an everyday phrase the search reads as meant (QA pass 51a: 不结工资 was
    cut 不结 + 工资 and offered 不洁工资, where the search read 结工资, wages settled)."""
    keys = synonyms()
    return any(
        normalized[s:e] in keys
        for s in range(max(0, start - MAX_KEY_REACH), end)
        for e in range(max(s + 2, start + 1), min(len(normalized), end + MAX_KEY_REACH) + 1)
        if s < start or e > end
    )


MAX_KEY_REACH = 4  # characters a key reaches past a span's edge


def _cuts(normalized: str, words: list[str], at: int) -> bool:
    """Whether character offset ``at`` of ``normalized`` falls inside one of its ``words``."""
    pos = 0
    for w in words:
        pos = normalized.find(w, pos)
        if pos < at < pos + len(w):
            return True
        pos += len(w)
    return False


def _collapse_facets(
    facets: dict[str, tuple[tuple[str, int], ...]], members: dict[str, _Member]
) -> dict[str, tuple[tuple[str, int], ...]]:
    """Facet counts of documents → of results: a group of copies counts once per value."""
    out = {}
    for field, values in facets.items():
        surplus: dict[str, int] = {}
        by_key: dict[str, list[_Member]] = {}
        for m in members.values():
            by_key.setdefault(m.key, []).append(m)
        for group in by_key.values():
            counted: dict[str, int] = {}
            for m in group:
                for v in _facet_values(m.doc, field):
                    counted[v] = counted.get(v, 0) + 1
            for v, n in counted.items():
                surplus[v] = surplus.get(v, 0) + n - 1
        adjusted = [(v, c - surplus.get(_facet_key(field, v), 0)) for v, c in values]
        out[field] = tuple(sorted((x for x in adjusted if x[1] > 0), key=lambda x: -x[1]))
    return out


def _with_pinyin(terms: tuple[str, ...], typed: tuple[str, ...], title: str) -> tuple[str, ...]:
    """Highlight terms plus, for letters read as pinyin, the title words they stand for."""
    if not typed or not title:
        return terms
    return terms + tuple(matches_in(normalize(title), typed))

