"""The semantic leg (citizens'-words method ``semantic``): the documents whose meaning is
nearest the query, fused with the word ranking.

A question in everyday words (房东不退押金怎么办) and the rule that answers it (出租人应当返还押金)
share few words; a sentence-embedding model (:mod:`analyzers.embedding`) puts them near each
other. The leg's candidates are the :data:`LEG_DEPTH` documents nearest the query in the store
of :mod:`search_index.vectors`; the engine's are the first :data:`LEG_DEPTH` of its own plan.
They are fused by weighted reciprocal-rank fusion (Σ weight / (:data:`RRF_K` + rank)), the
standard way to merge rankings whose scores are not comparable.

The fused ranking is itself a plan, so everything a search does (filters, the viewer's
visibility, facets, totals, copies, paging) follows from it on either backend: each candidate
is a constant-score clause on its id, and the word plan stays as a clause scaled by
:data:`TAIL_WEIGHT`, so that the engine's matches past the candidates keep their order after
them. The leg only admits documents the plan's filters admit, so it never shows what the
viewer may not see.

Guarantees kept: at :data:`LEG_WEIGHT` ≤ 1 a document the words do not match never ranks above
the word ranking's first (a tie goes to the words: their plan's own score breaks it); a query
naming a document exactly (its title) keeps that document first; quoted phrases, 文号, field
searches, exclusions and letters-only queries are left to the words (the user asked for
exactly that). Chosen on the tune half of the blind sets (bench/README.md, "The semantic leg
with a real sentence-embedding model").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from analyzers.chars import strip_skippable
from analyzers.normalize import normalize
from analyzers.pinyin import letters_only
from search_index import citizen_words, vectors
from search_index.request import Query, Understanding
from search_index.tree import Bool, Constant, Plan, Term

LEG_DEPTH = 100
# A candidate's best passage must be this near the query (cosine). Off-topic and nonsense
# queries (asdfgh, 我想吃火锅, 量子计算机) reach 0.40–0.46 with every document; questions reach
# 0.55–0.64 with the rules that answer them. Costs −0.002 on the tune half against none.
MIN_SIMILARITY = 0.5
# the fusion's rank constant (60 in the RRF paper): chosen on the tune half, 15 / 20 / 30 / 40
# / 60 / 120 → 0.8337 / 0.8373 / 0.8375 / 0.8359 / 0.8354 / 0.8347 (forty-sixth session)
RRF_K = 30
LEG_WEIGHT = 1.0  # chosen on the tune half: 0.5 / 0.75 / 1.0 / 1.5 → 0.711 / 0.719 / 0.729 / 0.703
# A query of one word (五险, 产假, 道交法) names what it asks for: the words find it, and the
# model reads a lone word poorly (五险 → anything about insurance). Method ``short_leg``, off:
# on the tune half's 11 one-word queries 0.25 / 0.5 / 0.75 / 1.0 → 0.809 / 0.829 / 0.816 /
# 0.780 (the 12 two-word ones: flat from 0.75 up), +0.006 on the whole tune half, but −0.002 on
# the held-out half (colloquial 0.827 → 0.821): it did not generalise.
ONE_WORD_LEG_WEIGHT = 0.5
TAIL_WEIGHT = 1e-6  # the word plan's own score, under every candidate's (≥ 1 / (RRF_K + 100))
AHEAD = 1e-7  # how far a document without vectors stands ahead of the one its words rank next
LITERAL_BONUS = 1.0  # above any fused score (≤ 2 / (RRF_K + 1))


def applies(query: Query, understood: Understanding) -> bool:
    """Whether the query is one the leg may add to: words typed, and nothing asked for
    exactly. Ranked by relevance only: sorted by date, nothing would rank the documents found
    by meaning alone after the word matches (QA pass 18: news found by meaning led
    房东不退押金怎么办 newest first), so they are left out there, and the page says so."""
    return bool(
        understood.words
        and not (
            understood.phrases
            or understood.doc_numbers
            or understood.index_numbers
            or understood.fields
            or understood.excluded
            or letters_only(query.q)  # pinyin, or a Latin word (pdf): no meaning to read
        )
    )


# what embedding costs, for the operator told to run it (bench/README.md: the corpus's 6,337
# documents in 9 minutes on 2 quiet cores; 21 beside two other sessions' work, and QA pass 47b
# saw a tenth of the quiet pace beside another embed: the idle figure alone misled its plan)
EMBED_PACE = ("about 1.5 minutes per 1,000 documents on two idle cores, several times that on "
              "a busy machine; its progress line says how long is left")


def off_reason(
    data_dir: Path | None, documents: Mapping[str, str] | int | None = None
) -> str:
    """Why search by meaning is off, or off for some documents ('' when it is on for all, or
    the method is): a server started from a checkout without the model files served words
    only, and said nothing (QA pass 19); so did one whose documents were never embedded, or
    were ingested after the last embedding (QA pass 46a: the README's own 闯红灯扣几分 found no
    traffic rule, and nothing said why). ``documents``: the index's, id → content hash (a
    document lacks vectors when the store has none of that content: QA pass 46c, pruned
    documents' vectors hid new ones from a count), or, for a large index, only how many."""
    from analyzers.embedding import available, model_dir

    if not citizen_words.METHODS.semantic:
        return ""
    store = vectors.store(data_dir)
    if store is not None and not available():
        return (f"the documents were embedded for search by meaning, but the model is not at "
                f"{model_dir()} (bash .ci/fetch-model.sh, or GOVSEARCH_EMBED_MODEL): searches "
                "use their words only")  # fmt: skip
    if store is None:
        return ("search by meaning is off: no document has been embedded, so searches use "
                f"their words only; run `govsearch embed` ({EMBED_PACE})"
                + ("" if available() else ", after bash .ci/fetch-model.sh fetches the model"))
    if isinstance(documents, Mapping):
        total, lacking = len(documents), unembedded_count(store, documents)
    elif documents is not None:
        total, lacking = documents, documents - len(set(store.ids) | _uploaded(store))
    else:
        return ""
    if lacking > 0:
        return (f"{lacking} of the index's {total} documents are not embedded for search by "
                "meaning and are found by their words only until `govsearch embed` runs "
                f"again (it embeds new and changed documents, {EMBED_PACE})")
    return ""


def unembedded_count(store: vectors.StoredVectors, documents: Mapping[str, str]) -> int:
    """How many of ``documents`` (id → content hash) the store has no vectors of that content
    for; an upload's first passages, embedded as it arrived under a hash of their own (the next
    embed embeds it whole), count as embedded."""
    held = {*zip(store.ids, store.hashes, strict=True)}
    uploaded = _uploaded(store)
    return sum(1 for i, h in documents.items() if (i, h) not in held and i not in uploaded)


def _uploaded(store: vectors.StoredVectors) -> set[str]:
    """The uploads whose first passages were embedded as they arrived."""
    return set(store.recent.ids) if store.recent is not None else set()


def nearest(text: str, data_dir: Path | None) -> list[str] | None:
    """Ids of the documents nearest ``text`` (cosine ≥ :data:`MIN_SIMILARITY`), nearest
    first; None without a model or a store."""
    from analyzers.embedding import MODEL_NAME, embedder

    store = vectors.store(data_dir)
    if store is None or store.model != MODEL_NAME:
        return None
    model = embedder()
    if model is None:
        return None
    # the simplified form: the model reads the mainland's script best, and a query typed in
    # traditional then meets the mainland's rule too (汽車牌照稅 → 车船税法; the typed form, or
    # both, scored less on the tune half)
    typed = normalize(text) if citizen_words.METHODS.leg_simplified else text
    found = store.nearest(model.embed_query(typed), LEG_DEPTH)
    return [i for i, sim in found if sim >= MIN_SIMILARITY]


def unembedded(ids: list[str], data_dir: Path | None) -> set[str]:
    """Of ``ids``, those without vectors in the data folder's store (none without a store:
    then the leg is off)."""
    store = vectors.store(data_dir)
    return set() if store is None else {i for i in ids if not store.holds(i)}


def warm(data_dir: Path | None) -> None:
    """Read the store and load the model before the first query needs them (~0.5 s), where
    there are vectors."""
    if vectors.store(data_dir) is not None:
        from analyzers.embedding import embedder

        embedder()


def leg_weight(understood: Understanding) -> float:
    """The leg's weight in the fusion: less for a one-word query (``short_leg``)."""
    if citizen_words.METHODS.short_leg and len(understood.words) == 1:
        return ONE_WORD_LEG_WEIGHT
    return LEG_WEIGHT


def fuse(
    engine: list[str],
    leg: list[str],
    literal: str | None = None,
    weight: float = LEG_WEIGHT,
    unembedded: Collection[str] = (),
) -> dict[str, float]:
    """Reciprocal-rank fusion of the two rankings, the leg's ranks at ``weight`` (≤ 1 keeps a
    document only the leg finds below the words' first); ``literal`` (the document the query
    names exactly) stays first.

    A document of ``unembedded`` (no vectors yet: ingested since the last ``govsearch embed``)
    cannot be in the leg, so it keeps its place just ahead of the document the words rank next
    (an embedded one, placed by both rankings), or its words' own share where that is more.
    With its words' share alone, a document its own title names ranked 5th, below embedded
    ones the leg lifted, while an embed was unfinished (QA pass 47b); taken to rank in the leg
    where the words do, such documents rose from the words' 12th–30th to 3rd–9th over
    embedded ones the leg had judged too far from the query (QA pass 47c)."""
    score: dict[str, float] = {}
    for rank, i in enumerate(engine[:LEG_DEPTH]):
        score[i] = score.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
    for rank, i in enumerate(leg[:LEG_DEPTH]):
        score[i] = score.get(i, 0.0) + weight / (RRF_K + rank + 1)
    following = None  # the fused score of the document the words rank next
    for i in reversed(engine[:LEG_DEPTH]):
        if i in unembedded and following is not None:
            score[i] = max(score[i], following + AHEAD)
        following = score[i]
    if literal is not None and literal in score:
        score[literal] += LITERAL_BONUS
    return score


def fused_plan(plan: Plan, scores: dict[str, float]) -> Plan:
    """``plan`` ranked by the fused scores: each candidate a constant on its id, the rest of
    the word plan's matches after them in their own order."""
    clauses = tuple(Constant(Term("id", i), s) for i, s in scores.items())
    node = Bool(should=(Bool(must=(plan.query,), boost=TAIL_WEIGHT), *clauses), min_should=1)
    return Plan(query=node, filters=plan.filters, highlight=plan.highlight)


def names_exactly(query_text: str, title: str) -> bool:
    """The query is the title (punctuation, spaces and script aside)."""
    q = strip_skippable(normalize(query_text))
    return bool(q) and q == strip_skippable(normalize(title))
