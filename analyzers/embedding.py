"""Sentence embeddings: a text's meaning as a vector, for the citizens'-words method
``semantic`` (issue 12's semantic leg).

Words cannot match what a citizen asks when the law says it otherwise (房东不退押金 against
出租人应当返还押金); a sentence-embedding model places both near each other. The model is
BAAI's bge-small-zh-v1.5 (MIT, 512 dimensions, trained for Chinese retrieval), int8-quantised
ONNX run by onnxruntime, its WordPiece tokenizer run by ``tokenizers``. Its files come from a
registry package (``.ci/fetch-model.sh``: a Maven Central jar that carries them) into
``analyzers/models/``, or from the folder :func:`configure` names (``GOVSEARCH_EMBED_MODEL``);
nothing is downloaded at run time, and without them :func:`embedder` is None and the method is
off.

Why these settings: bge-small-zh ranks a query against passages only when the query carries
the model's retrieval instruction (its model card); passages are cut at
:data:`PASSAGE_CHARS` characters (≈ tokens for Chinese) so that each stays under the model's
512 tokens with its title, and a document is its first :data:`PASSAGES` passages, which is the
whole text for all but the longest (the 14 of 6,337 corpus documents past 40,000 characters):
the answer to a question is often an article deep inside a law (道路交通安全法's inspections,
消费者权益保护法's seven-day returns). Chosen on the tune half of the blind sets (first 3 / 10 /
20 / 100 passages: 0.744 / 0.752 / 0.763 / 0.773, bench/README.md); it costs `govsearch embed`
about four times the passages (72,606 against 17,860 on the corpus).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

MODEL_NAME = "bge-small-zh-v1.5-q"
DIMENSIONS = 512
QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："
PASSAGE_CHARS = 400
PASSAGES = 100  # 40,000 characters: the whole text of nearly every document
MAX_TOKENS = 512
QUERY_CACHE = 1024  # query vectors kept (2 KB each)
# One passage per model call. The int8 model quantises its activations per call, from the
# whole batch's range, so a passage embedded beside others got a vector that depended on them
# (cosine 0.997 between the same passage in two batches): two servers, or the two backends,
# embedding the same documents in another order wrote other vectors and found other documents
# (QA pass 3). Alone, a passage's vector is its own, embedded as a query is. It also costs the
# least memory (bench/embed_memory.py: 156 MB peak against 237 at 4 per call) and about the
# same time (7.0 against 6.8 s for 340 passages of long laws; bench/README.md).
_configured: Path | None = None


def configure(directory: Path | None) -> None:
    """Look for the model in ``directory`` (None: the default folder)."""
    global _configured
    _configured = Path(directory) if directory is not None else None


def default_model_dir() -> Path:
    """Where ``bash .ci/fetch-model.sh`` installs the model."""
    return Path(__file__).resolve().parent / "models" / MODEL_NAME


def model_dir() -> Path:
    """Where the model's ``model.onnx`` and ``tokenizer.json`` are looked for."""
    return _configured or default_model_dir()


def passages(title: str, text: str, chars: int = PASSAGE_CHARS, n: int = PASSAGES) -> list[str]:
    """The texts a document is embedded as: its title with each of its first slices."""
    body = " ".join(text.split())
    out = [f"{title}\n{body[:chars]}"]
    for start in range(chars, min(len(body), chars * n), chars):
        out.append(f"{title}\n{body[start : start + chars]}")
    return out


class Embedder:
    """The model, loaded once; ``embed`` is thread-safe (onnxruntime sessions are)."""

    def __init__(self, directory: Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(directory / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (float32, one row per text): the [CLS] state, as the model is used."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        encoded = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        cls = self._session.run(None, feeds)[0][:, 0].astype(np.float32)
        return cls / np.maximum(np.linalg.norm(cls, axis=1, keepdims=True), 1e-9)

    def embed_query(self, query: str) -> np.ndarray:
        """The query's vector (read-only). The last :data:`QUERY_CACHE` are kept: a search
        portal's popular queries come again and again, and each costs ~4 ms of CPU."""
        with self._cache_lock:
            hit = self._queries.get(query)
            if hit is not None:
                self._queries.move_to_end(query)
                return hit
        vector = self.embed([QUERY_INSTRUCTION + query])[0]
        vector.flags.writeable = False
        with self._cache_lock:
            self._queries[query] = vector
            if len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector

    def embed_documents(
        self, docs: list[tuple[str, str]], chars: int = PASSAGE_CHARS, n: int = PASSAGES
    ) -> list[np.ndarray]:
        """Each (title, text)'s passage vectors, each passage embedded alone, so that a vector
        depends on its passage only, never on the documents embedded with it."""
        return [
            np.concatenate([self.embed([p]) for p in passages(title, text, chars, n)])
            for title, text in docs
        ]


_lock = threading.Lock()
_loaded: dict[tuple[Path, int], Embedder | None] = {}


def available() -> bool:
    d = model_dir()
    return (d / "model.onnx").is_file() and (d / "tokenizer.json").is_file()


def embedder(threads: int = 1) -> Embedder | None:
    """The model (None when its files are absent), loaded once per folder and thread count."""
    key = (model_dir(), threads)
    with _lock:
        if key not in _loaded:
            _loaded[key] = Embedder(key[0], threads) if available() else None
        return _loaded[key]
