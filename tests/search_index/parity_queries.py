"""Generated queries and the comparison of two backends, shared by ``test_parity.py`` and
``bench/parity.py``.

Queries are drawn from the indexed documents themselves (their words, substrings, titles, 文号,
agencies, dates), in both scripts, with and without filters, so most of them match something and
the comparison means something. Two backends agree on a query when they return the same total,
the same set of ids (paged through to the end) and the same facet counts; the top-10 overlap is
reported, not required (BM25 details differ between tantivy and Lucene).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import random
import re
from collections.abc import Sequence
from typing import Any

import opencc

from analyzers.chars import strip_skippable
from analyzers.normalize import normalize
from analyzers.segment import query_words
from model.document import Document
from model.viewer import STAFF
from search_index.fields import FACET_FIELDS
from search_index.index import SearchIndex
from search_index.planner import plan as make_plan
from search_index.request import Query

_HAN = re.compile(r"[\u4e00-\u9fff]+")
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@functools.cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    return _s2t().convert(text)


def _window(rng: random.Random, text: str, size: int) -> str:
    if len(text) <= size:
        return text
    start = rng.randrange(0, len(text) - size)
    return text[start : start + size]


def _words(rng: random.Random, doc: Document, k: int) -> list[str]:
    words = [w for w in query_words(normalize(_window(rng, doc.text, 400))) if _HAN.fullmatch(w)]
    words = [w for w in words if len(w) >= 2] or words
    return rng.sample(words, min(k, len(words))) if words else []


def _phrase(rng: random.Random, doc: Document) -> str:
    compact = strip_skippable(normalize(doc.text))
    runs = [r for r in _HAN.findall(compact) if len(r) >= 2]
    if not runs:
        return ""
    run = rng.choice(runs)
    n = min(len(run), rng.randint(2, 8))
    return _window(rng, run, n)


def _docno_variants(number: str) -> list[str]:
    m = re.fullmatch(r"(.+?)[〔\[（(【](\d{4})[〕\]）)】](\d+)号", normalize(number))
    if not m:
        return [number]
    issuer, year, serial = m.groups()
    return [
        number,
        f"{issuer}[{year}]{serial}号",
        f"{issuer}({year}){serial}号",
        f"{issuer}（{year}）{serial}号",
        f"{issuer}【{year}】{serial}号",
        f"{issuer}〔{year}〕{serial}号".translate(_FULL),
        f"{issuer}{year}年{serial}号",
        f"{issuer}{year}{serial}号",
    ]


KINDS = (
    "word",
    "words",
    "phrase",
    "trad words",
    "trad phrase",
    "文号 variant",
    "title",
    "field",
    "words+filter",
    "filter only",
    "exclusion",
    "OR",
    "1 char / sub-word",
    "staff view",
)


def generate(docs: Sequence[Document], n: int, seed: int = 5) -> list[Query]:
    """``n`` queries of the :data:`KINDS` in turn (query ``i`` is of kind ``i % 14``),
    deterministic for a seed."""
    rng = random.Random(seed)
    cats = sorted({d.meta.category for d in docs})
    agencies = sorted({d.meta.agency for d in docs if d.meta.agency})
    years = sorted({d.meta.date.year for d in docs if d.meta.date})
    with_docno = [d for d in docs if d.meta.doc_number]
    out: list[Query] = []

    def filtered(q: str) -> Query:
        kind = rng.randrange(5)
        if kind == 0:
            return Query(q=q, categories=(rng.choice(cats),))
        if kind == 1 and agencies:
            return Query(q=q, agencies=(rng.choice(agencies),))
        if kind == 2 and years:
            return Query(q=q, years=tuple(rng.sample(years, min(2, len(years)))))
        if kind == 3:
            lo = dt.date(rng.randint(1990, 2020), 1, 1)
            return Query(q=q, date_from=lo, date_to=lo + dt.timedelta(days=rng.randint(200, 3000)))
        return Query(q=q, validity=("valid",), sort=rng.choice(("date_desc", "date_asc")))

    kinds = len(KINDS)
    while len(out) < n:
        doc = rng.choice(docs)
        kind = len(out) % kinds
        q: Query | None = None
        if kind == 0:  # one word
            w = _words(rng, doc, 1)
            q = Query(q=w[0]) if w else None
        elif kind == 1:  # several words, with and without spaces
            w = _words(rng, doc, rng.randint(2, 4))
            q = Query(q=(" " if rng.random() < 0.5 else "").join(w)) if w else None
        elif kind == 2:  # quoted phrase
            p = _phrase(rng, doc)
            q = Query(q=f'"{p}"') if p else None
        elif kind == 3:  # Traditional script words
            w = _words(rng, doc, rng.randint(1, 3))
            q = Query(q=traditional(" ".join(w))) if w else None
        elif kind == 4:  # Traditional quoted phrase
            p = _phrase(rng, doc)
            q = Query(q=f'"{traditional(p)}"') if p else None
        elif kind == 5 and with_docno:  # a 文号 variant
            d = rng.choice(with_docno)
            q = Query(q=rng.choice(_docno_variants(d.meta.doc_number)))
        elif kind == 6:  # a title, whole or in part
            t = doc.meta.title
            q = Query(q=t if rng.random() < 0.5 else _window(rng, t, rng.randint(4, 10)))
        elif kind == 7:  # field queries
            w = _words(rng, doc, 1)
            if doc.meta.agency and rng.random() < 0.5:
                q = Query(q=f'agency:"{_window(rng, doc.meta.agency, 4)}" {" ".join(w)}')
            elif w:
                q = Query(q=f"title:{w[0]}")
        elif kind == 8:  # words with a filter (and date sorts)
            w = _words(rng, doc, rng.randint(1, 2))
            q = filtered(" ".join(w)) if w else None
        elif kind == 9:  # no text, only filters
            q = filtered("")
        elif kind == 10:  # exclusion
            w = _words(rng, doc, 1)
            p = _phrase(rng, rng.choice(docs))
            q = Query(q=f'{w[0]} -"{p}"') if w and p else None
        elif kind == 11:  # OR
            a, b = _words(rng, doc, 1), _words(rng, rng.choice(docs), 1)
            q = Query(q=f"{a[0]} OR {b[0]}") if a and b else None
        elif kind == 12:  # one character (the regex path) or a sub-word
            p = _phrase(rng, doc)
            q = Query(q=p[:1] if rng.random() < 0.5 else f'"{p[:2]}"') if p else None
        elif kind == 13:  # staff view (non-public documents too)
            w = _words(rng, doc, rng.randint(1, 3))
            q = Query(q=" ".join(w), viewer=STAFF) if w else None
        if q is not None:
            out.append(q)
    return out


@dataclasses.dataclass
class Comparison:
    query: Query
    total: tuple[int, int]
    same_set: bool
    same_facets: bool
    overlap: float  # share of the first page's ids both return (1.0 when both are empty)
    detail: str = ""


def _all_ids(index: SearchIndex, query: Query) -> list[str]:
    """Every matching id, paged through with the backend directly (plans are the same)."""
    plan, _ = make_plan(query)
    ids: list[str] = []
    while True:
        page = index.backend.search(plan, offset=len(ids), limit=1000, sort=query.sort)
        ids += [h.id for h in page.hits]
        if not page.hits or len(ids) >= page.total:
            return ids


def _facets(res: Any) -> dict[str, dict[str, int]]:
    return {f: {v.value: v.count for v in res.facets.get(f, ())} for f in FACET_FIELDS}


def _facets_agree(a: dict[str, dict[str, int]], b: dict[str, dict[str, int]]) -> bool:
    """Equal counts; when a facet was cut at its size limit, values tied at the cut may differ
    (which of several equally frequent values make the list is arbitrary in both engines)."""
    for f in FACET_FIELDS:
        x, y = a[f], b[f]
        if x == y:
            continue
        floor = min(min(x.values(), default=0), min(y.values(), default=0))
        above = {k: v for k, v in x.items() if v > floor}
        if above != {k: v for k, v in y.items() if v > floor}:
            return False
        if any(y.get(k, v) != v for k, v in x.items()) or len(x) != len(y):
            return False
    return True


def compare(a: SearchIndex, b: SearchIndex, query: Query) -> Comparison:
    ra, rb = a.search(query), b.search(query)
    ids_a, ids_b = _all_ids(a, query), _all_ids(b, query)
    # every matching document on both sides; totals count results (copies of one text are one)
    same = set(ids_a) == set(ids_b) and len(ids_a) == len(ids_b) and ra.total == rb.total
    fa, fb = _facets(ra), _facets(rb)
    top_a, top_b = [h.doc.id for h in ra.hits], [h.doc.id for h in rb.hits]
    if query.sort == "relevance":
        overlap = len(set(top_a) & set(top_b)) / max(len(top_a), len(top_b)) if top_a else 1.0
    else:  # date order ties make the first page arbitrary among equal dates
        overlap = 1.0 if top_a == top_b else len(set(top_a) & set(top_b)) / max(len(top_a), 1)
    detail = ""
    if not same:
        only_a, only_b = set(ids_a) - set(ids_b), set(ids_b) - set(ids_a)
        detail = (
            f"totals {ra.total}/{rb.total}, "
            f"only A {sorted(only_a)[:3]}, only B {sorted(only_b)[:3]}"
        )
    elif fa != fb:
        detail = f"facets differ: {fa} vs {fb}"
    return Comparison(query, (ra.total, rb.total), same, _facets_agree(fa, fb), overlap, detail)


def summary(rows: Sequence[Comparison]) -> dict[str, float]:
    n = len(rows)
    return {
        "queries": n,
        "identical_sets": sum(r.same_set for r in rows) / n,
        "facets_equal": sum(r.same_facets for r in rows) / n,
        "mean_top10_overlap": sum(r.overlap for r in rows) / n,
        "matching_queries": sum(1 for r in rows if r.total[0] > 0) / n,
    }
