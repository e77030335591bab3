"""Character classes shared by the analyzers (whitespace, punctuation, Han)."""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from typing import Any

from analyzers import native


@functools.cache
def _skip_table() -> dict[int, None]:
    """Translation table deleting whitespace, punctuation and control/format characters.

    Bigrams and phrases ignore these, so a phrase matches across a PDF line wrap and across a
    full-width/half-width punctuation difference.
    """
    return dict.fromkeys(_skippable_code_points(ASSIGNED_PLANES))


# Where Unicode assigns characters other than private use: planes 0–3 and 14 (tags, variation
# selectors). Planes 4–13 are unassigned and 15–16 private use (Co), so a walk of these alone
# finds every skippable character: 1.5 s of every process's start went into walking all 1.1
# million code points (tests/analyzers/test_normalize.py checks the two walks agree).
ASSIGNED_PLANES = (range(0, 0x40000), range(0xE0000, 0xF0000))
EVERY_CODE_POINT = (range(sys.maxunicode + 1),)


def _skippable_code_points(ranges: tuple[range, ...]) -> list[int]:
    out = []
    category = unicodedata.category
    for r in ranges:
        for cp in r:
            if 0xD800 <= cp <= 0xDFFF:
                continue
            cat = category(chr(cp))
            if cat[0] in "ZP" or cat in ("Cc", "Cf"):
                out.append(cp)
    return out


def strip_skippable(text: str) -> str:
    """Remove whitespace, punctuation and control characters.

    In compiled code when :mod:`analyzers.native` has it: one pass, no set of the text's
    characters built (it was almost all of :func:`analyzers.bigrams.bigram_string`'s time).
    """
    skips = native_skip_set()
    if skips is not None:
        try:
            return skips.strip(text)
        except UnicodeEncodeError:
            pass  # a lone surrogate: the Python path decides
    return strip_skippable_python(text)


def strip_skippable_python(text: str) -> str:
    """The reference :func:`strip_skippable`.

    One ``str.replace`` per distinct skippable character present: measured several times faster
    than ``str.translate`` with a deletion table on long documents.
    """
    if len(text) < 64:
        return text.translate(_skip_table())
    for ch in set(text).intersection(skippable_chars()):
        text = text.replace(ch, "")
    return text


@functools.cache
def skippable_chars() -> frozenset[str]:
    return frozenset(chr(cp) for cp in _skip_table())


def native_skip_set() -> Any:
    """The compiled kernels' copy of the skippable set, or None on the Python path."""
    return _native_skip_set() if native.active() else None


@functools.cache
def _native_skip_set() -> Any:
    """Built once from :func:`_skip_table`, so the set has one definition (this module)."""
    return native.EXTENSION.SkipSet(sorted(_skip_table()))


def is_skippable(token: str) -> bool:
    """True for tokens made only of whitespace/punctuation/control characters."""
    return not token.translate(_skip_table())


def is_han(ch: str) -> bool:
    """CJK unified ideographs (incl. extension A and compatibility ideographs)."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x323AF
    )


REPLACEMENT = "\ufffd"


def visible(text: str, keep: str = "") -> str:
    """``text`` safe to show on a terminal or in a spreadsheet: every control character
    (category Cc: ESC, backspace, BEL, NUL, DEL, the C1 range, and the line breaks and tabs not in
    ``keep``) becomes U+FFFD, and every format character (Cf: zero-width spaces, soft hyphens,
    bidi overrides) is dropped.

    QA pass 11: anonymous queries such as ``社保\\x1bc\\x08\\x08伪造`` reached the staff
    terminal raw (ESC c resets it, backspaces overwrite what the operator reads) and a NUL
    reached a CSV cell. A control character has no business in a query, so it is shown, not
    obeyed (the operator sees that something was typed there); format characters are invisible
    by design, the engine ignores them (:func:`strip_skippable`), and bidi overrides among them
    reorder what is read, so they go.
    """
    if text.isprintable() and not _NONCHARACTER.search(text):  # the usual case
        return text
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if (cat == "Cc" and ch not in keep) or cat == "Cs" or _NONCHARACTER.match(ch):
            out.append(REPLACEMENT)  # ... and a noncharacter or a lone surrogate (QA 27c: U+FFFF)
        elif cat != "Cf" or ch in keep:
            out.append(ch)
    return "".join(out)


# Unicode's noncharacters (U+FDD0–U+FDEF and the last two code points of every plane): never
# text, and HTML calls them a parse error
_NONCHARACTER = re.compile("[\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17)
) + "]")


def has_control(text: str) -> bool:
    """True when ``text`` holds a control or format character (Cc, Cf: line breaks and tabs
    included) or a line or paragraph separator (Zl, Zp: ``str.splitlines`` and many tools
    break a line there), so that a name meant for one line of a listing can be refused."""
    return visible(text) != text or any(unicodedata.category(c) in ("Zl", "Zp") for c in text)
