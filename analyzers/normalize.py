"""Text normalisation shared by documents and queries.

Both sides of a match must agree character for character, so documents and queries pass through
the same three steps: NFKC (full-width digits/letters and compatibility forms folded), OpenCC
Traditional→Simplified (jieba's dictionary is Simplified; it splits Traditional text badly), and
case folding. Highlighting needs to map positions in the normalised text back to the original,
so :func:`normalize_with_offsets` also returns, for every normalised character, the index of the
original character it came from.
"""

from __future__ import annotations

import functools
import unicodedata

import opencc


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional→Simplified with OpenCC's phrase-aware table (character-level fallback is worse)."""
    return _t2s().convert(text)


def _fold(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def normalize(text: str) -> str:
    """Normalised form used for tokens: NFKC, simplified script, lower case."""
    return to_simplified(_fold(text))


def normalize_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Normalise and map each normalised character back to its original index.

    Returns ``(normalised, None)`` when normalisation kept every character in place (the common
    case: full-width→half-width, t2s and lower-casing are one-to-one), so callers can use the
    same offsets in both strings. Otherwise a per-character map is built, character by
    character, which is slower but exact.
    """
    folded = _fold(text)
    if len(folded) == len(text):
        simplified = to_simplified(folded)
        if len(simplified) == len(text):
            return simplified, None
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        piece = _fold(ch)
        out.append(piece)
        offsets.extend([i] * len(piece))
    folded = "".join(out)
    simplified = to_simplified(folded)
    if len(simplified) != len(folded):  # phrase conversion changed length: go char by char
        simplified = "".join(to_simplified(c) if len(to_simplified(c)) == 1 else c for c in folded)
    return simplified, offsets
