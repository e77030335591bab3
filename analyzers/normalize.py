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
import re
import unicodedata

import opencc


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


@functools.cache
def _hk2s() -> opencc.OpenCC:
    return opencc.OpenCC("hk2s")


def variants_folded(text: str) -> str:
    """``text`` with the variant characters OpenCC's Hong Kong table folds (化粧 → 化妆, 衞 →
    卫): two spans equal so are one word in two forms, never a slip of one for the other (QA
    pass 52b: every 化粧品 law title was offered 化妝品). Not the index's normalisation, which
    keeps most variants as written (:data:`_VARIANTS`)."""
    return _hk2s().convert(_SURROGATE.sub("\ufffd", text))


_SURROGATE = re.compile("[\ud800-\udfff]")


def other_script(text: str) -> str:
    """The text in the other script (繁 → 简, else 简 → 繁): "did you mean" in the other script."""
    text = _SURROGATE.sub("\ufffd", text)
    simplified = _t2s().convert(text)
    return simplified if simplified != text else _s2t().convert(text)


def to_traditional(text: str) -> str:
    """Simplified→Traditional with OpenCC's phrase table: the index's words (kept simplified) as
    a reader of traditional characters types them (the kiosk's candidates, 身分证 → 身分證)."""
    return _s2t().convert(_SURROGATE.sub("\ufffd", text))


# Variants OpenCC's t2s leaves as they are, each one character for one (offsets stay): Hong
# Kong writes 衞 for 衛 (QA pass 41b: 衞生署 was cut 衞 / 生 / 署 and found other 署s). Its hk2s
# table folds it, but also maps characters the mainland writes (a whole-table change).
_VARIANTS = {"衞": "衛"}
# A circle written for the numeral 〇 in a run of Chinese numerals (二○一九年: 58 corpus
# documents type U+25CB so, 21 write 〇; OCR reads 〇 as it, QA pass 42a: "一九五〇年" quoted
# missed the scans): folded to 〇 there, one character for one; a run of circles alone is a
# name left out (○○市) and stays.
_CIRCLES = "○◯"
_NUMERAL_RUN = re.compile(r"[○◯〇零一二三四五六七八九]{2,}")


def _zeros(run: re.Match[str]) -> str:
    text = run.group()
    if not text.strip(_CIRCLES):
        return text
    return text.replace("○", "〇").replace("◯", "〇")


def to_simplified(text: str) -> str:
    """Traditional→Simplified with OpenCC's phrase-aware table.

    A lone surrogate (JSON ``"\\ud800"`` decodes to one) cannot be encoded for OpenCC and
    would crash every reader of user input; it becomes U+FFFD, one character for one, so
    offsets stay aligned. Checked only when OpenCC refuses, so valid text pays nothing.
    """
    for variant, usual in _VARIANTS.items():
        if variant in text:
            text = text.replace(variant, usual)
    if "○" in text or "◯" in text:
        text = _NUMERAL_RUN.sub(_zeros, text)
    try:
        return _t2s().convert(text)
    except UnicodeEncodeError:
        return _t2s().convert(_SURROGATE.sub("\ufffd", text))


def in_traditional(text: str, sample: int = 1000) -> bool:
    """Whether ``text`` (its first ``sample`` characters) is written in Traditional script:
    more of its characters change going to Simplified than going to Traditional (a mainland
    text quoting one Traditional name is still Simplified). Pages mark such text ``zh-Hant``
    so that a screen reader and the browser's fonts read it as written."""
    head = _SURROGATE.sub("\ufffd", text[:sample])
    changed = sum(a != b for a, b in zip(head, _t2s().convert(head), strict=False))
    return changed > 0 and changed > sum(
        a != b for a, b in zip(head, _s2t().convert(head), strict=False)
    )


_COMPAT_RANGES = ((0, 0x10000), (0x1D400, 0x1D800), (0x1F100, 0x1F300), (0x2F800, 0x2FA20))


@functools.cache
def _nfkc_map() -> dict[str, str]:
    """Characters whose NFKC form differs from themselves, with that form."""
    table: dict[str, str] = {}
    for lo, hi in _COMPAT_RANGES:
        for cp in range(lo, hi):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            ch = chr(cp)
            folded = unicodedata.normalize("NFKC", ch)
            if folded != ch:
                table[ch] = folded
    return table


def _fold(text: str) -> str:
    """Per-character NFKC, then lower case.

    Measured: ``unicodedata.normalize`` ran at ~23 MB/s on the corpus (nearly every Chinese
    document has full-width commas, so ``is_normalized`` rarely short-cuts) and a dict-driven
    ``str.translate`` was slower still; a document holds only a handful of distinct
    compatibility characters, so replacing each of them with ``str.replace`` is several times
    faster. It differs from NFKC only on combining sequences (e + U+0301), which Chinese
    government text does not contain; documents and queries share this function.
    """
    table = _nfkc_map()
    # Not ``set(text).intersection(table)``: with a dict argument that walks the whole table
    # (~5,000 entries) on every call, 36 µs even for one character, and the per-character
    # offset map of normalize_with_offsets calls this once per character (a snippet of a text
    # with one expanding character, such as ㈠, took 12 ms). Measured with bench/load.py.
    # The table has no character of the CJK unified block (a test checks it), and those are
    # most of a Chinese text: a regex drops them in C before the set of distinct characters
    # is made, which halved this function on the corpora (issue 13: 0.23 → 0.11 ms per
    # document).
    for ch in [c for c in set(_CJK_UNIFIED.sub("", text)) if c in table]:
        text = text.replace(ch, table[ch])
    return text.lower()


_CJK_UNIFIED = re.compile("[\u4e00-\u9fff]+")


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
    # Each character folded on its own (NFKC of the character, then lower case), worked out
    # once per distinct character: a per-character Python loop over a 79,000-character law
    # took 57 ms, and snippets of such texts were a fifth of a search's CPU under bench/load.
    table = _nfkc_map()
    pieces = {c: table.get(c, c).lower() for c in set(text)}
    longer = [c for c, p in pieces.items() if len(p) != 1]
    same_length = _replace_each(text, {c: p for c, p in pieces.items() if p != c and len(p) == 1})
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    if longer:
        for m in re.finditer("|".join(map(re.escape, longer)), same_length):
            i = m.start()
            out.append(same_length[pos:i])
            offsets.extend(range(pos, i))
            piece = pieces[text[i]]
            out.append(piece)
            offsets.extend([i] * len(piece))
            pos = i + 1
    out.append(same_length[pos:])
    offsets.extend(range(pos, len(text)))
    folded = "".join(out)
    simplified = to_simplified(folded)
    if len(simplified) != len(folded):  # phrase conversion changed length: char by char
        alone = {c: to_simplified(c) for c in set(folded)}
        simplified = _replace_each(folded, {c: a for c, a in alone.items() if len(a) == 1})
    return simplified, offsets


def _replace_each(text: str, mapping: dict[str, str]) -> str:
    """Each character of ``text`` that is a key of ``mapping`` replaced by its value (one
    character each), as one pass would: ``str.replace`` per key (faster than ``str.translate``
    here), unless a value is itself a key mapped elsewhere and replacing in turn would chain."""
    if any(mapping.get(v, v) != v for v in mapping.values()):
        return text.translate({ord(c): v for c, v in mapping.items()})
    for c, v in mapping.items():
        if c != v:
            text = text.replace(c, v)
    return text
