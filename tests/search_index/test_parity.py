"""Both backends, same ~400 real documents, a few hundred generated queries: same matches.

The two backends are fed the same token streams and the same plans, so every query must return
the same set of documents (paged through to the end) and the same facet counts on both. Ranking
is BM25 on both sides but not bit-identical (tantivy and Lucene encode norms and idf slightly
differently), so the top-10 overlap is printed, and only held to a loose floor.
"""

from __future__ import annotations

import dataclasses

import pytest

from search_index.elastic import ElasticsearchIndex
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.prepare import prepare
from tests.corpus import corpus_document, manifest, sample_paths
from tests.search_index.elastic_support import cluster_url, drop, unique_prefix
from tests.search_index.parity_queries import compare, generate, summary

pytestmark = pytest.mark.elasticsearch

N_DOCS = 400
N_QUERIES = 240


@pytest.fixture(scope="module")
def documents():
    paths = sample_paths(N_DOCS, seed=3)
    trad = [p for p in manifest() if manifest()[p]["script"] == "traditional"][:20]
    docs = [corpus_document(p) for p in dict.fromkeys(paths + trad)]
    # a few non-public documents, so the disclosure filter is part of what is compared
    return [
        dataclasses.replace(d, meta=dataclasses.replace(d.meta, disclosure="on_request"))
        if i % 37 == 0
        else d
        for i, d in enumerate(docs)
    ]


@pytest.fixture(scope="module")
def indexes(documents, tmp_path_factory):
    url = cluster_url()
    prefix = unique_prefix("parity")
    items = [prepare(d, "corpus") for d in documents]
    embedded = EmbeddedIndex(tmp_path_factory.mktemp("parity"))
    elastic = ElasticsearchIndex([url], index_prefix=prefix)
    try:
        for backend in (embedded, elastic):
            assert all(r.ok for r in backend.write(items))
        yield SearchIndex(embedded), SearchIndex(elastic)
    finally:
        elastic.close()
        drop(url, [prefix])


def test_same_matches_and_facets_on_generated_queries(indexes, documents):
    embedded, elastic = indexes
    assert embedded.count() == elastic.count() > 0
    rows = [compare(embedded, elastic, q) for q in generate(documents, N_QUERIES, seed=5)]
    s = summary(rows)
    line = (
        f"parity: {s['queries']} queries ({s['matching_queries']:.0%} match something), "
        f"identical sets {s['identical_sets']:.1%}, facets equal {s['facets_equal']:.1%}, "
        f"mean top-10 overlap {s['mean_top10_overlap']:.3f}"
    )
    print(line)
    differing = [(r.query.q, r.detail) for r in rows if not (r.same_set and r.same_facets)]
    assert not differing, f"{line}\n{differing[:5]}"
    assert s["matching_queries"] > 0.8, line
    assert s["mean_top10_overlap"] > 0.7, line


def test_life_event_searches_match_the_same_documents(indexes):
    """The life events' searches (search_index/data/life_events.toml), anonymous and staff: the
    same matches on both backends, so an event page lists the same questions and counts."""
    from model.viewer import ANONYMOUS, STAFF
    from search_index import life_events
    from search_index.request import Query

    embedded, elastic = indexes
    rows = [
        compare(embedded, elastic, Query(q=q.q, viewer=viewer))
        for event in life_events.load()
        for q in event.questions
        for viewer in (ANONYMOUS, STAFF)
    ]
    differing = [(r.query.q, r.detail) for r in rows if not (r.same_set and r.same_facets)]
    assert not differing, differing[:5]
    assert sum(r.total[0] > 0 for r in rows) > len(rows) // 2  # the corpus answers most
