"""Word segmentation: jieba's dictionary and algorithm, run by rjieba.

rjieba (the Rust port of jieba with the same dictionary) measured ~20× faster than jieba here and
differs from it only on hyphenated numbers, so it does the work; ``tests/analyzers`` keep jieba
as the reference. Documents are cut in *search mode* (a long word also yields its dictionary
sub-words, so 中华人民共和国 is findable as 人民 and 共和国); queries are cut in *precise mode*
(the longest words), each of which search-mode indexing also emitted.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources

import rjieba

from analyzers.chars import is_skippable, skippable_chars


def _data_lines(name: str) -> list[str]:
    try:
        raw = resources.files("analyzers").joinpath("data", name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")]


@functools.cache
def load_user_dictionary() -> int:
    """Load the shipped government-term dictionary once per process; returns entries added."""
    added = 0
    for line in _data_lines("userdict.txt"):
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else None
        rjieba.add_word(word, freq, tag)
        added += 1
    return added


def _keep(tokens: Iterable[str]) -> list[str]:
    # jieba never mixes punctuation/space with other characters in one token, so the first
    # character decides (a set lookup: this runs once per token of every document).
    skip = skippable_chars()
    return [t for t in tokens if t and t[0] not in skip]


def index_words(normalized: str) -> list[str]:
    """Search-mode words of already-normalised text, without whitespace and punctuation."""
    load_user_dictionary()
    return _keep(rjieba.cut_for_search(normalized, True))


def query_words(normalized: str) -> list[str]:
    """Precise-mode words of an already-normalised query, without whitespace and punctuation."""
    load_user_dictionary()
    return _keep(rjieba.cut(normalized, True))


def word_bounds(normalized: str) -> tuple[set[int], set[int]]:
    """Where :func:`query_words` starts and ends its words: a span of a longer match (a
    synonym, a short form) must start and end on these, or it cuts through a word."""
    starts, ends, pos = set(), set(), 0
    for w in query_words(normalized):
        at = normalized.find(w, pos)
        if at >= 0:
            starts.add(at)
            ends.add(at + len(w))
            pos = at + len(w)
    return starts, ends


def index_words_with_offsets(normalized: str) -> list[tuple[str, int, int]]:
    """Search-mode tokens with character offsets (used where positions matter, e.g. tests)."""
    load_user_dictionary()
    return [t for t in rjieba.tokenize(normalized, "search", True) if not is_skippable(t[0])]


@functools.lru_cache(maxsize=65536)
def is_dictionary_word(text: str) -> bool:
    """True if the segmenter's dictionary holds ``text`` as one word (no HMM guessing)."""
    load_user_dictionary()
    return list(rjieba.cut(text, False)) == [text]


def dictionary_frequencies(words: Iterable[str]) -> dict[str, int]:
    """How often jieba's dictionary says each of ``words`` occurs as a word of its own in
    general Chinese (absent: not a word there): a corpus count cannot tell a word written alone
    from one search mode cut out of a longer word (易爆 of 易燃易爆: 15 against 审判's 3,805).
    The dictionary file is read through for these words only: jieba's whole table held in a
    server cost 115 MB of its memory."""
    import jieba

    wanted = set(words)
    out: dict[str, int] = {}
    with jieba.dt.get_dict_file() as f:  # the same dict.txt rjieba compiles in
        for raw in f:
            word, _, rest = raw.decode("utf-8").partition(" ")
            if word in wanted:
                freq = rest.split(" ", 1)[0].strip()
                out[word] = int(freq) if freq.isdigit() else 0
    return out
