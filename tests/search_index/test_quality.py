"""Search quality on the real corpus: phrases, titles in either script, 文号 variants.

One embedded index of ~1,500 real documents (both scripts, every source) is built once.
"""

from __future__ import annotations

import random
import re

import opencc
import pytest

from analyzers.chars import strip_skippable
from analyzers.normalize import normalize
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.prepare import prepare
from search_index.request import Query
from tests.corpus import corpus_document, docno_variants, manifest, sample_paths

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def docs():
    paths = sample_paths(1200, seed=3)
    extra = [p for p, row in manifest().items() if row["doc_number"]][::8]
    return [corpus_document(p) for p in dict.fromkeys(paths + extra)]


@pytest.fixture(scope="module")
def index(docs, tmp_path_factory):
    backend = EmbeddedIndex(tmp_path_factory.mktemp("quality"))
    assert all(r.ok for r in backend.write(prepare(d, "corpus") for d in docs))
    return SearchIndex(backend)


def _all_ids(index: SearchIndex, q: str) -> set[str]:
    res = index.search(Query(q=q, size=100))
    ids = {h.doc.id for h in res.hits}
    page = 2
    while len(ids) < res.total:
        ids |= {h.doc.id for h in index.search(Query(q=q, size=100, page=page)).hits}
        page += 1
    return ids


def test_random_phrases_match_exactly_their_documents_in_both_scripts(index, docs):
    rng = random.Random(5)
    compact = {d.id: strip_skippable(normalize(d.text)) for d in docs}
    checked = {"simplified": 0, "traditional": 0}
    for d in rng.sample(docs, 260):
        script = manifest()[d.path]["script"]
        # the phrase as written in the document (Traditional documents give Traditional queries)
        raw = re.sub(r"\s+", "", d.text)
        if len(raw) < 30:
            continue
        n = rng.randint(2, 10)
        start = rng.randrange(0, len(raw) - n)
        phrase = raw[start : start + n]
        if not re.fullmatch(r"[\u4e00-\u9fff\u3400-\u4dbf0-9A-Za-z０-９]+", phrase):
            continue
        target = strip_skippable(normalize(phrase))
        want = {i for i, t in compact.items() if target in t}
        assert _all_ids(index, f'"{phrase}"') == want, phrase
        checked[script] += 1
    assert checked["simplified"] >= 80 and checked["traditional"] >= 40, checked


def test_exact_title_in_either_script_ranks_first(index, docs):
    s2t, t2s = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
    rng = random.Random(9)
    misses = []
    sample = rng.sample(docs, 300)
    for d in sample:
        title = d.meta.title
        for q in (title, s2t.convert(title) if title == t2s.convert(title) else t2s.convert(title)):
            hits = index.search(Query(q=q, size=1, facets=False)).hits
            if not hits or normalize(hits[0].doc.title) != normalize(title):
                misses.append(q)
    assert not misses, misses[:10]


def test_doc_number_variants_find_their_document(index, docs):
    checked = 0
    for d in docs:
        number = normalize(d.meta.doc_number)
        variants = docno_variants(number)
        if not variants:
            continue
        for variant in variants:
            hits = index.search(Query(q=variant, size=3, facets=False)).hits
            assert hits, variant
            top = hits[0].doc
            assert top.id == d.id or normalize(top.doc_number) == number, variant
        checked += 1
    assert checked >= 10
