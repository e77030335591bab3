"""The semantic leg: a sentence-embedding model finds the rule a question asks about in other
words, joins it to the word matches, and leaves exact requests to the words.

The model is real (bge-small-zh-v1.5, fetched by ``.ci/install`` through ``.ci/fetch-model.sh``);
the documents are real corpus files, embedded by the same ``pipeline.embed`` that
``govsearch embed`` runs.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from analyzers import embedding
from model.viewer import ANONYMOUS, STAFF
from pipeline.embed import embed
from pipeline.run import run_ingest
from search_index import citizen_words, semantic, vectors
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.planner import plan
from search_index.prepare import prepare
from search_index.request import Query
from tests.corpus import CORPUS, corpus_document, require_corpus

POINTS = "docs/lawrefbook/bumen_guizhang/lrb_03455.txt"  # 道路交通安全违法行为记分管理办法
PASSPORT = "docs/lawrefbook/xingzhengfa/lrb_02684.txt"  # 中华人民共和国护照法
OTHERS = [  # what the words of the two questions find in the whole corpus
    "docs/lawrefbook/difang_henan/lrb_01021.txt",
    "docs/lawrefbook/difang_shandong/lrb_00682.txt",
    "docs/mojlaw/J0130050.txt",
    "docs/lawrefbook/xingzheng_fagui/lrb_02771.txt",
]


def require_model() -> None:
    if embedding.available():
        return
    msg = f"the embedding model is not at {embedding.model_dir()} (bash .ci/fetch-model.sh)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg + ": .ci/install fetches it, CI must test the semantic leg")
    pytest.skip(msg)


@pytest.fixture(scope="module")
def leg_env(tmp_path_factory):
    require_corpus()
    require_model()
    tmp = tmp_path_factory.mktemp("semantic")
    folder = tmp / "docs"
    folder.mkdir()
    for p in [POINTS, PASSPORT, *OTHERS]:
        shutil.copy(CORPUS / p, folder / Path(p).name)
    data = tmp / "data"
    index = SearchIndex(EmbeddedIndex(data / "index"))
    assert not run_ingest(index, [folder], workers=1, lexicon_dir=data).failed
    done, stored, _ = embed(index, data, threads=1)
    assert done == stored == 6
    citizen_words.load_lexicon(data)
    yield index, data
    citizen_words.load_lexicon(None)
    index.close()


def _names(index: SearchIndex, q: str, viewer=ANONYMOUS) -> list[str]:
    hits = index.search(Query(q=q, size=20, viewer=viewer)).hits
    return [Path(h.doc.path).name for h in hits]


def _switched(on: bool) -> None:
    citizen_words.use(dataclasses.replace(citizen_words.METHODS, semantic=on))


def test_a_question_finds_the_rule_that_says_it_in_other_words(leg_env):
    index, _ = leg_env
    q = "闯红灯扣几分"  # the rule says 不按交通信号灯指示通行 and 记分
    try:
        _switched(False)
        off = _names(index, q)
        _switched(True)
        result = index.search(Query(q=q, size=20))
    finally:
        _switched(True)
    on = [Path(h.doc.path).name for h in result.hits]
    assert Path(POINTS).name not in off
    assert Path(POINTS).name in on[:3]
    assert result.understood.semantic and result.total == len(on)
    assert set(off) <= set(on)  # the word matches stay


def test_the_passport_law_answers_an_expired_passport_and_nonsense_finds_nothing(leg_env):
    index, _ = leg_env
    q = "护照过期了怎么重新办"  # the law holds 护照 but neither 过期 nor 重新
    try:
        _switched(False)
        off = _names(index, q)
    finally:
        _switched(True)
    on = _names(index, q)
    assert Path(PASSPORT).name not in off and Path(PASSPORT).name in on[:2]
    # the leg admits only documents near enough: none for words that mean nothing here
    for q in ("asdfgh", "我想吃火锅"):
        assert index.search(Query(q=q)).total == 0, q


def test_exact_requests_are_left_to_the_words(leg_env):
    index, _ = leg_env
    for q in ('"交通信号灯"', "title:护照", "护照 -过期", "国务院令第596号", "huzhao"):
        _, understood = plan(Query(q=q))
        assert not semantic.applies(Query(q=q), understood), q
        assert not index.search(Query(q=q)).understood.semantic, q
    # a query naming a document's title keeps that document first
    title = corpus_document(POINTS).meta.title
    assert _names(index, title)[0] == Path(POINTS).name


def test_the_leg_admits_only_what_the_viewer_may_see(tmp_path):
    require_corpus()
    require_model()
    data = tmp_path / "data"
    backend = EmbeddedIndex(data / "index")
    hidden = corpus_document(POINTS)
    secret = dataclasses.replace(hidden.meta, disclosure="not_public")
    hidden = dataclasses.replace(hidden, meta=secret)
    docs = [hidden, *(corpus_document(p) for p in OTHERS)]
    assert all(r.ok for r in backend.write(prepare(d, "corpus") for d in docs))
    index = SearchIndex(backend)
    embed(index, data, threads=1)
    citizen_words.load_lexicon(data)
    try:
        assert hidden.id not in {h.doc.id for h in index.search(Query(q="闯红灯扣几分")).hits}
        staff = index.search(Query(q="闯红灯扣几分", viewer=STAFF))
        assert hidden.id in {h.doc.id for h in staff.hits}
    finally:
        citizen_words.load_lexicon(None)
        index.close()


def test_embed_keeps_unchanged_vectors_and_drops_deleted_documents(tmp_path):
    require_corpus()
    require_model()
    data = tmp_path / "data"
    backend = EmbeddedIndex(data / "index")
    docs = [corpus_document(p) for p in OTHERS[:3]]
    assert all(r.ok for r in backend.write(prepare(d, "corpus") for d in docs))
    index = SearchIndex(backend)
    try:
        assert embed(index, data, threads=1)[:2] == (3, 3)
        first = vectors.read(data)
        assert first is not None and first.model == embedding.MODEL_NAME
        assert embed(index, data, threads=1)[:2] == (0, 3)  # nothing new: nothing embedded
        backend.delete([docs[0].id])
        changed = dataclasses.replace(docs[1], text="城市绿化养护标准", content_hash="ab" * 32)
        assert all(r.ok for r in backend.write([prepare(changed, "corpus")]))
        assert embed(index, data, threads=1)[:2] == (1, 2)  # the changed one, again
        after = vectors.read(data)
        assert set(after.ids) == {docs[1].id, docs[2].id}
        assert after.hashes[after.ids.index(docs[1].id)] == "ab" * 32
    finally:
        index.close()


def test_fusion_keeps_the_literal_match_and_the_word_ranking_first():
    engine = [f"e{i}" for i in range(100)]
    leg = ["x", "e50", "e0"]
    scores = semantic.fuse(engine, leg)
    ranked = sorted(scores, key=lambda i: -scores[i])
    assert ranked[0] == "e0" and ranked[1] == "e50"  # in both: up
    # a document only the leg finds, first there, never above the word ranking's first
    assert ranked[:3] == ["e0", "e50", "x"]
    alone = semantic.fuse(["e0", "e1"], ["x"])  # a tie with the words' first: the plan gives
    assert alone["x"] == alone["e0"] > alone["e1"]  # it to them (their own score added, tested
    # with the fused plan in the backend contract)
    with_literal = semantic.fuse(engine, ["e5", "e1"], literal="e7")
    assert max(with_literal, key=with_literal.get) == "e7"


def test_vectors_store_round_trips_and_finds_the_nearest(tmp_path):
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(5, embedding.DIMENSIONS)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    store = vectors.StoredVectors("m", ("a", "b", "c"), ("1", "2", "3"),
                                  np.array([0, 0, 1, 2, 2]), matrix)  # fmt: skip
    vectors.write(tmp_path, store)
    back = vectors.store(tmp_path)
    assert back.ids == ("a", "b", "c") and back.model == "m"
    assert [i for i, _ in back.nearest(matrix[3], 3)][0] == "c"  # its best passage
    assert [i for i, _ in back.nearest(matrix[1], 1)] == ["a"]
    assert vectors.store(tmp_path / "nothing") is None


def test_both_backends_give_the_same_matches_with_the_leg(tmp_path):
    """One vector store beside the index: the leg's candidates, hence the matches, are the
    same whichever backend answers (an approximate kNN inside Elasticsearch would differ)."""
    require_corpus()
    require_model()
    from tests.security.conftest import open_backend_index

    hidden = corpus_document(POINTS)
    secret = dataclasses.replace(hidden.meta, disclosure="not_public")
    hidden = dataclasses.replace(hidden, meta=secret)
    docs = [hidden, *(corpus_document(p) for p in [PASSPORT, *OTHERS])]
    data = tmp_path / "data"
    results = {}
    for kind in ("embedded", "elasticsearch"):
        gen = open_backend_index(kind, tmp_path / kind, "semantic")
        index = next(gen)
        try:
            assert all(r.ok for r in index.backend.write(prepare(d, "corpus") for d in docs))
            if kind == "embedded":
                embed(index, data, threads=1)
            citizen_words.load_lexicon(data)
            results[kind] = {
                (q, v.name): [h.doc.id for h in index.search(Query(q=q, size=20, viewer=v)).hits]
                for q in ("闯红灯扣几分", "护照过期了怎么重新办", "驾驶证记分", "asdfgh")
                for v in (ANONYMOUS, STAFF)
            }
        finally:
            citizen_words.load_lexicon(None)
            gen.close()
    assert results["embedded"] == results["elasticsearch"]
    assert hidden.id in results["embedded"][("闯红灯扣几分", STAFF.name)]
    assert hidden.id not in results["embedded"][("闯红灯扣几分", ANONYMOUS.name)]
    assert results["embedded"][("护照过期了怎么重新办", ANONYMOUS.name)]


def test_a_large_store_answers_from_the_approximate_index(tmp_path, monkeypatch):
    """Past EXACT_MAX_ROWS the query side loads the faiss index, not the matrix; on a store
    this small it finds what the exact scan finds, best passage per document."""
    rng = np.random.default_rng(3)
    n = 400
    matrix = rng.normal(size=(n * 3, embedding.DIMENSIONS)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    ids = tuple(f"d{i}" for i in range(n))
    store = vectors.StoredVectors("m", ids, ("h",) * n, np.repeat(np.arange(n), 3), matrix)
    monkeypatch.setattr(vectors, "EXACT_MAX_ROWS", 100)
    vectors.write(tmp_path, store)
    approximate = vectors.store(tmp_path)
    assert approximate.ann is not None and len(approximate.matrix) == 0
    for q in matrix[[5, 301, 1000]]:
        exact = store.nearest(q, 20)
        found = approximate.nearest(q, 20)
        assert found[0][0] == exact[0][0] and found[0][1] == pytest.approx(exact[0][1], abs=0.02)
        assert len({i for i, _ in found} & {i for i, _ in exact}) >= 18
    # a small store again: the approximate index is removed, the exact scan answers
    monkeypatch.setattr(vectors, "EXACT_MAX_ROWS", 50_000)
    vectors.write(tmp_path, store)
    assert vectors.read(tmp_path, with_matrix=False).ann is None
    assert not list((tmp_path / vectors.STORE_DIR).glob("*.faiss"))  # the old one is gone
