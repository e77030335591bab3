"""Word associations learned from the indexed documents themselves (issue 12, method ``learned``).

Word vectors (gensim's word2vec, CBOW) are trained on the public documents of the index, cut
into sentences and jieba words the way a query is cut (precise mode), and every word's nearest
neighbours above :data:`MIN_SIMILARITY` are written to ``<data_dir>/lexicon/learned.tsv``
(``word<TAB>neighbour<TAB>cosine``), next to the mined short forms. The query side
(:mod:`search_index.citizen_words`) reads only that file: nothing is trained or downloaded per
query, and gensim is needed only here.

Only public documents are read (``SearchIndex.catalog(ANONYMOUS)``), so a neighbour shown in
"检索词的理解" never reveals a word of a non-public document. Training is seeded and single-
threaded, so the same documents read in the same order give the same file. Run by
``govsearch learn-words`` after an ingest (a re-run replaces the file; staff may delete lines,
which the next run writes again — switch the method off in ``citizen_words.METHODS`` to stop
it).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from analyzers.normalize import normalize
from analyzers.segment import query_words
from model.viewer import ANONYMOUS
from search_index.citizen_words import LEARNED_FILE, LEXICON_DIR
from search_index.index import SearchIndex
from search_index.shared_folders import update

VECTOR_SIZE = 100
WINDOW = 5
MIN_COUNT = 5  # a word in fewer places has no reliable vector
EPOCHS = 5
SEED = 12
NEIGHBOURS = 10  # written per word; the query side takes its top k of these
MIN_SIMILARITY = 0.5
BATCH = 200  # documents fetched at a time

_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
_HAN_WORD = re.compile(r"^[\u3400-\u9fff]{2,}$")


def sentences(texts: Iterable[str]) -> Iterator[list[str]]:
    """Each text's sentences as lists of query-mode jieba words (punctuation dropped)."""
    for text in texts:
        for sentence in _SENTENCE_END.split(text):
            words = query_words(sentence)
            if len(words) > 1:
                yield words


def public_texts(index: SearchIndex) -> Iterator[str]:
    """Title and normalised text of every public document, fetched in batches."""
    ids = [d.id for d in index.catalog(ANONYMOUS)]
    for i in range(0, len(ids), BATCH):
        docs = index.backend.fetch(ids[i : i + BATCH], texts=True)
        for doc in docs.values():
            body = doc.normalized if doc.normalized is not None else normalize(doc.text)
            yield normalize(doc.title) + "\n" + body


class NothingToLearn(Exception):
    """The public documents give word2vec no vocabulary (gensim would raise RuntimeError)."""


def neighbours(
    corpus: list[list[str]], k: int = NEIGHBOURS, min_similarity: float = MIN_SIMILARITY
) -> dict[str, list[tuple[str, float]]]:
    """word → up to ``k`` (neighbour, cosine ≥ ``min_similarity``), Han words of 2+ characters."""
    import numpy as np
    from gensim.models import Word2Vec

    if not corpus:
        raise NothingToLearn("the index has no public documents")
    if max(Counter(w for sentence in corpus for w in sentence).values(), default=0) < MIN_COUNT:
        raise NothingToLearn(f"no word occurs {MIN_COUNT} times in the public documents")

    model = Word2Vec(
        corpus, vector_size=VECTOR_SIZE, window=WINDOW, min_count=MIN_COUNT, sg=0,
        epochs=EPOCHS, seed=SEED, workers=1,
    )  # fmt: skip
    kv = model.wv
    keep = [i for i, w in enumerate(kv.index_to_key) if _HAN_WORD.match(w)]
    words = [kv.index_to_key[i] for i in keep]
    vecs = kv.get_normed_vectors()[keep]
    out: dict[str, list[tuple[str, float]]] = {}
    for start in range(0, len(words), 1024):
        sims = vecs[start : start + 1024] @ vecs.T
        for row, w in enumerate(words[start : start + 1024]):
            sims[row, start + row] = -1.0  # not itself
            top = np.argpartition(-sims[row], k)[:k]
            top = top[np.argsort(-sims[row, top])]
            found = [(words[j], float(sims[row, j])) for j in top if sims[row, j] >= min_similarity]
            if found:
                out[w] = found
    return out


def learn(index: SearchIndex, data_dir: Path) -> tuple[Path, int, float]:
    """Train on the index's public documents and write ``learned.tsv``; returns (file, words
    with neighbours, seconds)."""
    t0 = time.perf_counter()
    corpus = list(sentences(public_texts(index)))
    table = neighbours(corpus)
    folder = Path(data_dir) / LEXICON_DIR
    path = folder / LEARNED_FILE

    def write() -> None:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{LEARNED_FILE}.tmp"  # dot files are never published
        with tmp.open("w", encoding="utf-8") as f:
            f.write("# word<TAB>neighbour<TAB>cosine: word2vec on the public documents "
                    "(govsearch)\n")
            for w in sorted(table):
                for n, s in table[w]:
                    f.write(f"{w}\t{n}\t{s:.3f}\n")
        tmp.replace(path)

    # with Elasticsearch the cluster's copy of the lexicon is fetched, this file replaced in
    # it and the whole published for the other servers (search_index.shared_folders)
    update(index.backend.shared_folders(), Path(data_dir), LEXICON_DIR, write)
    return path, len(table), time.perf_counter() - t0
