"""Hostile queries: the parser, the planner and a real index never fail on any input.

Hypothesis throws any Unicode (lone surrogates and control characters included), unbalanced
quotes and brackets, operators alone, field scopes, 文号 brackets and huge inputs at
``search_index.syntax.parse``, ``search_index.planner.plan`` and ``SearchIndex.search`` on a
real small embedded index. The only exception allowed is a :class:`GovSearchError` with a 4xx
status (a clear "query too long" and the like); a tantivy syntax error, a regex error or any
other exception is a failure. Over HTTP the limits answer 422 in the one error shape.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.errors import GovSearchError
from model.settings import Settings
from model.viewer import STAFF
from search_api.errors import status_of
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.planner import plan
from search_index.prepare import prepare
from search_index.request import MAX_QUERY_CHARS, Query
from search_index.suggest import suggest
from search_index.syntax import parse
from tests.corpus import corpus_document, require_corpus, sample_paths
from tests.security.conftest import serve

TOKENS = (
    '"', "“", "”", "「", "」", "『", "』", "＂", "″", "'", "-", "--", " - ", "OR", " OR ", "|",
    "||", ":", "title:", "标题:", "docno:", "文号:", "agency:", "机构:", "-title:", "-\"",
    "(", ")", "[", "]", "{", "}", "〔", "〕", "【", "】", "（", "）", "*", "?", "~", "^", "\\",
    "/", ".*", "+", "&&", "!", "AND", "NOT", "\x00", "\x1b", "\u200b", "\ufeff", "\u202e",
    "\ud800", "国务院", "办发", "〔2019〕", "第3号", "2019", "zhengfu", "zfxxgk", "ｚｆ",
    "２０１９", " ", "\t", "\n", "政府信息公开", "個人資料",
)  # fmt: skip
ANY_CHAR = st.characters(codec=None, exclude_categories=())  # includes Cs, Cc, Co, Cn
queries = st.one_of(
    st.text(ANY_CHAR, max_size=80),
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(ANY_CHAR, max_size=4)), max_size=40).map(
        "".join
    ),
    st.lists(st.sampled_from(TOKENS), max_size=200).map("".join),
)
FAST = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    require_corpus()
    backend = EmbeddedIndex(tmp_path_factory.mktemp("fuzz"))
    docs = [corpus_document(p) for p in sample_paths(40, seed=2)]
    assert all(r.ok for r in backend.write(prepare(d, "fuzz") for d in docs))
    return SearchIndex(backend)


def _allowed(exc: BaseException) -> bool:
    return isinstance(exc, GovSearchError) and 400 <= status_of(exc) < 500


@FAST
@given(q=queries)
def test_parse_never_raises(q: str) -> None:
    parsed = parse(q)
    for clause in parsed.clauses:
        for atom in clause.alternatives:
            assert atom.text.strip()


@FAST
@given(q=queries)
def test_plan_never_raises(q: str) -> None:
    p, understood = plan(Query(q=q))
    assert p.filters  # the disclosure filter is always there
    understood.to_dict()


@settings(max_examples=250, deadline=None)
@given(q=queries)
def test_search_on_a_real_index_never_fails(index: SearchIndex, q: str) -> None:
    for viewer_query in (Query(q=q), Query(q=q, viewer=STAFF, sort="date_desc")):
        try:
            result = index.search(viewer_query)
        except Exception as exc:  # noqa: BLE001 - the assertion is the point
            assert _allowed(exc), f"{type(exc).__name__}: {exc} for {q!r}"
            continue
        assert result.total >= len(result.hits)
        for hit in result.hits:
            assert hit.doc.text and isinstance(hit.snippet, str)


@settings(max_examples=150, deadline=None)
@given(q=queries)
def test_suggest_and_highlight_never_fail(index: SearchIndex, q: str) -> None:
    try:
        suggest(index.backend, q, (), 8)
        index.suggest(q)
        index.highlight_terms(q)
    except Exception as exc:  # noqa: BLE001
        assert _allowed(exc), f"{type(exc).__name__}: {exc} for {q!r}"


@settings(max_examples=100, deadline=None)
@given(
    q=queries,
    page=st.integers(min_value=-5, max_value=20_000),
    size=st.integers(min_value=-5, max_value=500),
    sort=st.sampled_from(["relevance", "date_desc", "date_asc", "", "x"]),
    years=st.lists(st.integers(min_value=-(2**80), max_value=2**80), max_size=3),
    agencies=st.lists(st.text(ANY_CHAR, max_size=10), max_size=3),
    dates=st.tuples(st.none() | st.dates(), st.none() | st.dates()),
)
def test_search_with_any_filters(index, q, page, size, sort, years, agencies, dates) -> None:
    query = Query(
        q=q, page=page, size=size, sort=sort, years=tuple(years), agencies=tuple(agencies),
        date_from=dates[0], date_to=dates[1],
    )  # fmt: skip
    try:
        index.search(query)
    except Exception as exc:  # noqa: BLE001
        assert _allowed(exc), f"{type(exc).__name__}: {exc} for {query!r}"


def test_huge_inputs_are_refused_clearly(index: SearchIndex) -> None:
    for q in ("国" * (MAX_QUERY_CHARS + 1), '"' * 100_000, "a OR " * 50_000):
        with pytest.raises(GovSearchError) as info:
            index.search(Query(q=q))
        assert info.value.code == "bad_request" and "too long" in info.value.message
    # the planner alone copes with a megabyte too
    plan(Query(q="政府 OR " * 200_000))
    parse("「" * 1_000_000)


def test_http_limits_answer_4xx_with_a_message(tmp_path: Path, index: SearchIndex) -> None:
    s = serve(Settings(data_dir=tmp_path), index)
    c = s.client
    cases = [
        ("/api/search", {"q": "国" * 501}, "at most 500"),
        ("/api/search", {"q": "x", "size": 1000}, "size"),
        ("/api/search", {"q": "x", "page": 0}, "page"),
        ("/api/search", {"q": "x", "page": 10_000, "size": 100}, "beyond"),
        ("/api/search", {"q": "x", "sort": "random"}, "sort"),
        ("/api/search", {"date_from": "2020-13-01"}, "date"),
        ("/api/search", {"date_from": "2021-01-01", "date_to": "2020-01-01"}, "after"),
        ("/api/search", {"year": "abc"}, "year"),
        ("/api/search", {"year": str(2**70)}, "year"),
        ("/api/suggest", {"q": "国" * 51}, "at most 50"),
        ("/api/documents/" + "a" * 65, {}, "at most 64"),
    ]
    for path, params, words in cases:
        r = c.get(path, params=params)
        assert 400 <= r.status_code < 500, (path, params, r.status_code, r.text)
        err = r.json()["error"]
        assert words in err["message"], (path, params, err["message"])
    for q in ("\x00", "\ufffe", "%", "'; DROP TABLE", "title:", '"', "-", "OR", "〔〕"):
        r = c.get("/api/search", params={"q": q})
        assert r.status_code == 200, (q, r.text)
        r = c.get("/api/suggest", params={"q": q})
        assert r.status_code == 200, (q, r.text)
    # raw bytes that are not UTF-8 in the query string
    for raw in ("%ff%fe%00%c0%af", "%ed%a0%80", "%f4%90%80%80"):
        r = c.get(f"/api/search?q={raw}")
        assert r.status_code in (200, 400, 422), r.text
    assert c.get("/api/search", params={"date_from": dt.date.max.isoformat()}).status_code == 200
