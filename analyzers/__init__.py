"""Text → normalised text → tokens. Pure functions, no I/O beyond the shipped word lists."""

from analyzers.analysis import FieldTokens, analyze
from analyzers.bigrams import bigram_list, bigram_string
from analyzers.normalize import normalize, normalize_with_offsets, to_simplified
from analyzers.segment import index_words, query_words

__all__ = [
    "FieldTokens",
    "analyze",
    "bigram_list",
    "bigram_string",
    "index_words",
    "normalize",
    "normalize_with_offsets",
    "query_words",
    "to_simplified",
]
