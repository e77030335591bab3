"""Shipped, editable word lists: query stop words and abbreviation synonyms.

Both are plain text files in ``analyzers/data`` so that an archive can edit them without touching
code; both are written in Simplified Chinese because they are applied to normalised text.
An extra synonyms file can be named with ``GOVSEARCH_SYNONYMS``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from analyzers.normalize import normalize
from analyzers.segment import data_lines
from model.errors import ConfigError


@functools.cache
def stopwords() -> frozenset[str]:
    """Question and function words that must not decide whether a document matches."""
    return frozenset(normalize(line.split()[0]) for line in data_lines("stopwords.txt"))


@functools.cache
def stopwords_before_a_word() -> frozenset[str]:
    """Stop words only where another word follows (a line ``才能 +``): 才能领 asks when one may
    claim, while 发挥专业才能 names a talent (a review of QA pass 33a's stop word)."""
    return frozenset(
        normalize(line.split()[0]) for line in data_lines("stopwords.txt")
        if line.split()[1:] == ["+"]
    )  # fmt: skip


@functools.cache
def distinct_pairs() -> frozenset[tuple[str, str]]:
    """Pairs of words never to stand for each other (``distinct.txt``), both ways."""
    out: set[tuple[str, str]] = set()
    for line in data_lines("distinct.txt"):
        left, sep, right = line.partition("|")
        a, b = normalize(left.strip()), normalize(right.strip())
        if sep and a and b:
            out |= {(a, b), (b, a)}
    return frozenset(out)


@functools.cache
def kinship() -> dict[str, frozenset[str]]:
    """Words naming a relative → the relations each covers (``kinship.txt``)."""
    out: dict[str, frozenset[str]] = {}
    for line in data_lines("kinship.txt"):
        word, *relations = line.split()
        if relations:
            out[normalize(word)] = frozenset(relations)
    return out


def distinct(word: str, other: str) -> bool:
    """Whether ``other`` names another thing than ``word`` (中华民国, 中华人民共和国; 老婆,
    丈夫: a relative that does not cover every relation the word names)."""
    if (word, other) in distinct_pairs():
        return True
    kin = kinship()
    return word in kin and other in kin and not kin[word] <= kin[other]


def _parse_synonyms(lines: list[str]) -> dict[str, tuple[str, ...]]:
    rules: dict[str, tuple[str, ...]] = {}
    for line in lines:
        if "=>" not in line:
            continue
        left, right = line.split("=>", 1)
        targets = tuple(
            normalize(t.strip()) for t in right.replace("，", ",").split(",") if t.strip()
        )
        for abbr in left.replace("，", ",").split(","):
            abbr = normalize(abbr.strip())
            if abbr and targets:
                merged = rules.get(abbr, ()) + tuple(t for t in targets if t != abbr)
                rules[abbr] = tuple(dict.fromkeys(merged))
    return rules


_extra_synonyms: Path | None = None


def check_synonyms_file(path: Path) -> None:
    """A deployment's synonyms file is read whole at start, and a line that is no rule is an
    error naming it: a file missing or mistyped was silently no rules (QA pass 9)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"GOVSEARCH_SYNONYMS names {path}, which cannot be read: {exc}") from None
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        left, arrow, right = line.partition("=>")
        if not arrow or not left.strip(" ,，") or not right.strip(" ,，"):
            raise ConfigError(
                f"GOVSEARCH_SYNONYMS: {path} line {n} is not a rule "
                f"(`short, … => official, …`, or # for a comment): {line[:80]!r}"
            )


def configure(*, synonyms_file: Path | None) -> None:
    """Add a deployment's own synonym rules (Settings ``synonyms_file``) to the shipped ones."""
    global _extra_synonyms
    if synonyms_file is not None:
        check_synonyms_file(synonyms_file)
    if synonyms_file != _extra_synonyms:
        _extra_synonyms = synonyms_file
        synonyms.cache_clear()


@functools.cache
def agency_aliases() -> dict[str, str]:
    """``short name → the agency's full name`` (``data/agency_aliases.txt``): what facets,
    filters and reports fold agency names by. Apart from the synonym file, whose 交通部 =>
    交通运输部 helps a query but would file Taiwan's 交通部 under the mainland's ministry (the
    thirty-second session's review)."""
    return {k: v[0] for k, v in _parse_synonyms(data_lines("agency_aliases.txt")).items() if v}


@functools.cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """``abbreviation → official wordings``; the shipped file plus the configured extra file."""
    lines = data_lines("synonyms.txt")
    extra = _extra_synonyms
    if extra and Path(extra).is_file():
        lines += [
            ln.strip()
            for ln in Path(extra).read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")
        ]
    return _parse_synonyms(lines)


_LONGEST: dict[int, tuple[dict[str, tuple[str, ...]], int, int]] = {}


def _longest_key(rules: dict[str, tuple[str, ...]]) -> int:
    """The length of the longest key of ``rules``, worked out once per rule set: the rule
    sets are cached dicts replaced, never edited, when their files change, and the scan over
    every key cost ~0.8 ms per query with the mined rules of a large corpus. Kept by identity
    (a reference is held, so an id is not reused) and size, as a guard against an edit."""
    hit = _LONGEST.get(id(rules))
    if hit is not None and hit[0] is rules and hit[1] == len(rules):
        return hit[2]
    longest = max(map(len, rules), default=0)
    if len(_LONGEST) >= 16:
        _LONGEST.clear()
    _LONGEST[id(rules)] = (rules, len(rules), longest)
    return longest


def longest_spans(
    text: str, rules: dict[str, tuple[str, ...]], overlapping: bool = False
) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Non-overlapping spans of ``text`` that are keys of ``rules``, the longest match first,
    left to right: ``(start, end, key, rules[key])``. A key may be several jieba words
    (市人大常委会), so the text is matched, not its words. ``overlapping``: the longest key at
    every start, for a caller that chooses among them by the words (汽车牌照税: 车牌 taken
    left to right hid 牌照税, which the words 汽车 / 牌照税 bound)."""
    if not rules:
        return []
    longest = _longest_key(rules)
    spans: list[tuple[int, int, str, tuple[str, ...]]] = []
    i, n = 0, len(text)
    while i < n:
        for size in range(min(longest, n - i), 1, -1):
            piece = text[i : i + size]
            if piece in rules:
                spans.append((i, i + size, piece, rules[piece]))
                i += 1 if overlapping else size
                break
        else:
            i += 1
    return spans


def find_synonyms(
    normalized_query: str, overlapping: bool = False
) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Abbreviation spans in a query, longest match first, left to right (``overlapping``:
    :func:`longest_spans`)."""
    return longest_spans(normalized_query, synonyms(), overlapping)
