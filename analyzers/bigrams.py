"""Overlapping character bigrams: the recall field.

Word tokens rank well but cannot find a string that jieba never cut out (农业 inside
中国农业发展银行, 珀 inside 琥珀). Bigrams over the text with whitespace and punctuation removed
make every substring of two or more characters findable as a phrase of bigrams, and a phrase of
bigrams matches exactly the documents containing that substring (ignoring whitespace and
punctuation), which is what a quoted phrase means here.
"""

from __future__ import annotations

from operator import add

import numpy as np

from analyzers.chars import native_skip_set, strip_skippable, strip_skippable_python


def bigram_list(normalized: str) -> list[str]:
    """Bigrams of already-normalised text; a one-character text yields that character."""
    s = strip_skippable(normalized)
    if len(s) == 1:
        return [s]
    return list(map(add, s, s[1:]))


def bigram_string(normalized: str) -> str:
    """Bigrams joined by spaces, ready for a whitespace-tokenised index field.

    In compiled code when :mod:`analyzers.native` has it: stripping the text was almost all
    of this function's time (issue 13).
    """
    skips = native_skip_set()
    if skips is not None:
        try:
            return skips.bigrams(normalized)
        except UnicodeEncodeError:
            pass  # a lone surrogate has no UTF-8: the Python path decides
    return bigram_string_python(normalized)


def bigram_string_python(normalized: str) -> str:
    """The reference :func:`bigram_string`.

    Built with numpy on UTF-32 code points (c0 c1 ␠ c1 c2 ␠ …): measured ~5× faster than
    ``" ".join(map(add, s, s[1:]))``, which was a quarter of all ingest time.
    """
    s = strip_skippable_python(normalized)
    n = len(s)
    if n <= 1:
        return s
    cps = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32)
    out = np.empty(3 * (n - 1), dtype=np.uint32)
    out[0::3] = cps[:-1]
    out[1::3] = cps[1:]
    out[2::3] = 32
    return out[:-1].tobytes().decode("utf-32-le")
