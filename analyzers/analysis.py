"""The analysis of one text field, exactly as every backend receives it."""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.bigrams import bigram_string
from analyzers.normalize import normalize
from analyzers.segment import index_words


@dataclass(frozen=True)
class FieldTokens:
    """Token streams of one field, each a whitespace-joined string (tokens never hold spaces).

    ``words`` ranks (BM25 over jieba search-mode words); ``bigrams`` guarantees recall and
    answers phrase queries. Both backends index these strings with a plain whitespace
    tokenizer, so they match the same documents.
    """

    words: str
    bigrams: str


def analyze(text: str) -> FieldTokens:
    """Normalise, then produce the word and bigram streams."""
    norm = normalize(text)
    return FieldTokens(words=" ".join(index_words(norm)), bigrams=bigram_string(norm))
