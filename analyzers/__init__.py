"""Text → normalised text → tokens, pinyin keys and duplicate signatures.

Pure functions, no I/O beyond the shipped word lists; imports nothing above ``model``.
"""

from analyzers.bigrams import bigram_list, bigram_string
from analyzers.normalize import normalize, normalize_with_offsets, to_simplified
from analyzers.segment import index_words, query_words

__all__ = [
    "bigram_list",
    "bigram_string",
    "index_words",
    "normalize",
    "normalize_with_offsets",
    "query_words",
    "to_simplified",
]
