"""索引号 (a catalogue's index numbers): one key per number, and where a query holds one.

A 索引号 is an opaque code staff copy from a catalogue to reach one document:
000014349/2019-00006 on gov.cn (the organisation's code, the year, a serial),
11330000002482063K/2020-156239 (a unified social credit code), or a portal's own QS-2024-0003.
Nothing in it is a word, and most texts do not print it (the catalogue holds it): cut into
numbers, it found the texts that hold 000014349 and 2018 and not the one it names (QA pass 23b).
So the index keeps each document's number as one exact key, and a query that holds a code of
that shape asks for the key as well as for the code's text. Input must already be normalised
(``analyzers.normalize``: NFKC, lower case), on both sides, so 索引号 typed with full-width
digits or another letter case meets the catalogue's.
"""

from __future__ import annotations

import itertools
import re

from analyzers.normalize import normalize

_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹣"})
_SPACES = re.compile(r"\s+")
# a code of letters and digits in two to six pieces joined by - or /
_IN_QUERY = re.compile(
    r"(?<![0-9a-z])([0-9a-z]+(?:\s?[-/‐‑‒–—―−﹣]\s?[0-9a-z]+){1,5})(?![0-9a-z])"
)
# the label typed before a code (索引号：000014349/2019-00006): what the query says, not a word
# the documents must hold (most print no 索引号 at all)
_LABEL = re.compile(r"索引[号號]\s*[:：]?\s*")
# what has the shape and is no 索引号: a date (2019-01-22, 2019/1/22, 1/22/2019) or a span of
# years (2019-2020)
_NOT_CODES = (
    re.compile(r"\d{4}[-/]\d{1,2}(?:[-/]\d{1,2})?"),
    re.compile(r"\d{1,2}[-/]\d{1,2}[-/]\d{4}"),
    re.compile(r"\d{4}[-/]\d{4}"),  # 2019/2020 too (QA pass 24c: read as a 索引号)
)
_MIN_DIGITS = 5  # fewer are a model (gb-t 19001), a ratio or a page range, not a catalogue's code
_MIN_LENGTH = 8


def index_no_key(value: str) -> str:
    """The key a normalised 索引号 is indexed and searched under: spaces dropped, every dash
    written as ``-`` ("" for a value without a letter or digit)."""
    key = _SPACES.sub("", value.translate(_DASHES))
    return key if any(c.isalnum() for c in key) else ""


def key_variants(key: str) -> tuple[str, ...]:
    """``key`` and the keys of its other ways of writing its separators, each - or / as
    either: a 索引号 is read aloud, and retyped, with a dash for its slash (QA pass 24c:
    000014349-2019-00006 found nothing). At most 2⁵, the pieces a code may have."""
    parts = re.split(r"([-/])", key)
    if len(parts) == 1:
        return (key,)
    pieces, seps = parts[::2], len(parts) // 2
    out = [key]
    for chosen in itertools.product("-/", repeat=seps):
        out.append("".join(p + s for p, s in zip(pieces, (*chosen, ""), strict=True)))
    return tuple(dict.fromkeys(out))


def whole_code(text: str) -> str:
    """The key when ``text`` (normalised) is one 索引号 and nothing else, else "": a quoted
    code names the catalogue's number, which most texts do not print (QA pass 24c: quoted,
    it found nothing)."""
    text = text.strip()
    m = _IN_QUERY.fullmatch(text)
    return index_no_key(m.group(1)) if m and _is_code(m.group(1)) else ""


def _is_code(text: str) -> bool:
    key = index_no_key(text)
    return (
        len(key) >= _MIN_LENGTH
        and sum(c.isdigit() for c in key) >= _MIN_DIGITS
        and not any(p.fullmatch(key) for p in _NOT_CODES)
    )


def without_labels(typed: str) -> str:
    """A typed query without the 索引号 labels written directly before a code."""

    def drop(m: re.Match[str]) -> str:
        code = _IN_QUERY.match(normalize(typed[m.end() : m.end() + 100]))
        return "" if code and _is_code(code.group(1)) else m.group()

    return _LABEL.sub(drop, typed)


# ... typed with spaces for its separators, as a kiosk's keyboard, which has no / or -, types
# it (QA pass 40b: 000014349 2019 00006 found 393 other documents): an organisation's code of
# six characters or more, four digits at least, then a year and one or two pieces more
_SPACED = re.compile(
    r"(?<![0-9a-z])([0-9a-z]{6,}\s+(?:19|20)\d\d(?:\s+[0-9a-z]{2,}){1,2})(?![0-9a-z])",
    re.IGNORECASE,
)


def dashed_codes(typed: str) -> str:
    """A query with each code typed with spaces for its separators written with dashes, as
    :func:`find_in_query` reads a code (its other separators are :func:`key_variants`)."""

    def dashed(m: re.Match[str]) -> str:
        pieces = m.group(1).split()
        key = "-".join(pieces)
        if sum(c.isdigit() for c in pieces[0]) < 4 or not _is_code(normalize(key)):
            return m.group()  # a word (abcdef 2019 12), not a code
        return key

    return _SPACED.sub(dashed, typed)


def find_in_query(text: str) -> list[tuple[int, int, str]]:
    """Spans of 索引号-shaped codes in a normalised query: ``(start, end, key)``."""
    return [
        (m.start(), m.end(), index_no_key(m.group(1)))
        for m in _IN_QUERY.finditer(text)
        if _is_code(m.group(1))
    ]
