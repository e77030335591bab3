"""Pseudo-relevance feedback (issue 12, RM3-style): the words the first pass's best documents
share, added to the query at a low weight.

A citizen's question names the topic in its own words; the law that answers it names it in the
law's. The top documents of a first pass usually hold the law's words (租房子 → 房屋租赁,
出租人), so their most distinctive words, weighted by how well each document ranked, are added
as optional clauses. They only reorder: the plan's own query stays a required clause, so the
match set is the one the typed words give, and the weight is small, so a feedback word never
outranks a literal match.

Pure functions over texts the caller fetched; document frequencies come from the corpus
vocabulary written at ingest (:func:`search_index.citizen_words.vocabulary`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from analyzers.chars import is_han
from analyzers.lexicon import stopwords
from analyzers.segment import index_words
from search_index.tree import Bool, Node, Plan, Term

# Chosen on the tune half of bench/citizen (0.698 → 0.707 nDCG@10; 0.03-0.08 × 2-16 words is a
# plateau within ±0.002; 0.2 and more lose, and a constant score per word instead of its BM25
# score gained less, 0.704).
FEEDBACK_DOCS = 5  # documents of the first pass read
FEEDBACK_TERMS = 8  # words added
FEEDBACK_WEIGHT = 0.05  # the best feedback word's weight, relative to a typed word's 1.0
HEAD_CHARS = 1200  # of each document's text: its title, purpose and scope say what it is about
MIN_DOCS = 2  # a feedback word occurs in at least this many of the feedback documents


def feedback_terms(
    texts: Sequence[tuple[str, float]],
    vocabulary: Mapping[str, int],
    corpus_size: int,
    exclude: frozenset[str] = frozenset(),
    n: int | None = None,
) -> list[tuple[str, float]]:
    """``(word, weight)`` best first, weights scaled so the best is 1.0.

    ``texts`` are the feedback documents' (title + head of text, first-pass score). Each
    document votes for its words in proportion to its score and their share of its text
    (RM3's P(w|D)·P(D|q)); a vote counts by the word's IDF, so the words every law says
    (规定, 本条例) do not win. Words of the query itself (``exclude``) are not added again.
    """
    n = FEEDBACK_TERMS if n is None else n
    if not texts or corpus_size <= 0:
        return []
    stop = stopwords()
    top = max(score for _, score in texts) or 1.0
    votes: Counter[str] = Counter()
    holders: Counter[str] = Counter()
    kind: dict[str, int] = {}  # word → 0 not content, 1 content, 2 content but typed
    for text, score in texts:
        counts = Counter(index_words(text))  # counted in C; each distinct word judged once
        content: list[tuple[str, int]] = []
        size = 0
        for w, c in counts.items():
            k = kind.get(w)
            if k is None:
                k = int(len(w) >= 2 and is_han(w[0]) and w not in stop)
                if k and any(w in e or e in w for e in exclude):
                    k = 2
                kind[w] = k
            if k:
                size += c
                if k == 1:
                    content.append((w, c))
        if not size:
            continue
        weight = score / top
        for w, c in content:
            votes[w] += weight * c / size
            holders[w] += 1
    scored = []
    for w, v in votes.items():
        if holders[w] < MIN_DOCS:
            continue
        df = vocabulary.get(w, 1)
        scored.append((w, v * math.log(1 + corpus_size / df)))
    scored.sort(key=lambda t: -t[1])
    kept: list[tuple[str, float]] = []
    for w, s in scored:  # search-mode words overlap (房屋租赁, 房屋, 租赁): one of them
        if not any(w in k or k in w for k, _ in kept):
            kept.append((w, s))
            if len(kept) == n:
                break
    best = kept[0][1] if kept else 1.0
    return [(w, s / best) for w, s in kept]


def with_feedback(plan: Plan, terms: Sequence[tuple[str, float]], weight: float) -> Plan:
    """The plan with the feedback words as optional clauses under its own (required) query."""
    if not terms or weight <= 0:
        return plan
    extra: list[Node] = []
    for w, s in terms:
        extra.append(Term("body_w", w, weight * s))
        extra.append(Term("title_w", w, 2 * weight * s))
    query = Bool(must=(plan.query,), should=tuple(extra))
    return Plan(query=query, filters=plan.filters, highlight=plan.highlight)
