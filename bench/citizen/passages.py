"""How many passages of a document the semantic leg should embed, and how many passages per
document its approximate index must fetch (bench/README.md, "Whole documents embedded").

    python3 bench/citizen/passages.py embed                 # every passage once (~35 min)
    python3 bench/citizen/passages.py score tune 3 10 20 all # the engine with each store
    python3 bench/citizen/passages.py ann                    # recall of the approximate index

``embed`` writes ``bench/out/passages-all.npz`` (every passage of every document of the
whole-corpus index); ``score`` builds a store of each document's first N passages from it and
runs the blind set's half with the engine (exact scan); ``ann`` compares faiss HNSW fetching
3–40 passages per wanted document against the exact scan, over the 175 queries.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import bench.citizen.eval as ev  # noqa: E402
import bench.corpus_index as ci  # noqa: E402
from analyzers.embedding import DIMENSIONS, MODEL_NAME, embedder  # noqa: E402
from analyzers.normalize import normalize  # noqa: E402
from search_index import citizen_words, vectors  # noqa: E402

ALL = ci.OUT / "passages-all.npz"


def embed_all() -> None:
    index, _ = ci.corpus_index()
    model = embedder(2)
    catalog = list(index.backend.catalog())
    out, t0 = [], time.time()
    for start in range(0, len(catalog), 32):
        ids = [d.id for d in catalog[start : start + 32]]
        fetched = index.backend.fetch(ids)
        batch = [fetched[i] for i in ids if i in fetched]
        rows = model.embed_documents([(d.title, d.text) for d in batch], n=10**6)
        out += [(d.id, d.content_hash, r.astype(np.float16))
                for d, r in zip(batch, rows, strict=True)]  # fmt: skip
        print(f"{start + len(ids)}/{len(catalog)} {time.time() - t0:.0f} s", flush=True)
    np.savez(ALL, ids=np.array([o[0] for o in out]), hashes=np.array([o[1] for o in out]),
             counts=np.array([len(o[2]) for o in out]), rows=np.concatenate([o[2] for o in out]))


def _first(n: int) -> vectors.StoredVectors:
    z = np.load(ALL)
    rows, counts = z["rows"], z["counts"]  # read each array once: a slice keeps its base alive
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    docs = [(i, h, rows[s : s + min(c, n)].astype(np.float32))
            for i, h, s, c in zip(z["ids"], z["hashes"], starts, counts, strict=True)]  # fmt: skip
    return vectors.build(MODEL_NAME, docs, DIMENSIONS)


def score(half: str, specs: list[str]) -> None:
    index, _ = ci.corpus_index()
    citizen_words.load_lexicon(ci.OUT / "corpus")
    items = [it for it in ev.load() if it["half"] == half]
    for spec in specs:
        store = _first(10**6 if spec == "all" else int(spec))
        vectors.store = lambda data_dir, _s=store: _s  # this process only
        scores = ev.score(index, items, ev.engine)
        kinds = {k: [scores[i["id"]] for i in items if i["kind"] == k] for k in ev.KINDS}
        print(spec, len(store.owner), f"{np.mean(list(scores.values())):.4f}",
              {k: round(float(np.mean(v)), 3) for k, v in kinds.items() if v})  # fmt: skip


def ann() -> None:
    import faiss

    store = _first(100)
    rows, owner = store.matrix, store.owner
    starts = np.searchsorted(owner, np.arange(len(store.ids)))
    index = faiss.IndexHNSWSQ(DIMENSIONS, faiss.ScalarQuantizer.QT_8bit, vectors.HNSW_M,
                              faiss.METRIC_INNER_PRODUCT)  # fmt: skip
    index.train(rows)
    index.add(rows)
    model = embedder()
    queries = [model.embed_query(normalize(it["q"])) for it in ev.load()]
    for want in (300, 1000, 2000, 4000):
        recall, ms = [], []
        for q in queries:
            best = np.maximum.reduceat(rows @ q, starts)
            exact = set(np.argpartition(-best, 99)[:100].tolist())
            t = time.perf_counter()
            params = faiss.SearchParametersHNSW(efSearch=max(vectors.EF_SEARCH, want))
            _, found = index.search(q.reshape(1, -1), want, params=params)
            docs = list(dict.fromkeys(int(owner[r]) for r in found[0] if r >= 0))[:100]
            ms.append((time.perf_counter() - t) * 1000)
            recall.append(len(exact & set(docs)) / 100)
        print(f"{want} passages: recall {np.mean(recall):.3f}, median {np.median(ms):.1f} ms")


def main() -> None:
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "embed":
        embed_all()
    elif cmd == "score":
        score(sys.argv[2], sys.argv[3:])
    elif cmd == "ann":
        ann()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
