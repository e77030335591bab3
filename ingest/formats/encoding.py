"""Turning bytes of unknown encoding into text, for the TXT and HTML extractors.

Statistical detectors (charset-normalizer, chardet) are unreliable on short Chinese text: GBK
and Big5 share most of their byte ranges, so a few hundred bytes of GBK often "look like" Big5.
We therefore decide by a strict-decode cascade first — BOMs, a declared charset that actually
decodes, UTF-8, then GB18030 vs Big5 judged by which one decodes strictly *and* yields common
Han characters — and only fall back to charset-normalizer for anything else (Shift-JIS,
Latin-1…). GB2312/GBK are always decoded as GB18030, their strict superset, because sites that
declare ``gb2312`` routinely serve GBK bytes.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from ingest.formats.common_hanzi import COMMON_HANZI

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Declared names that must be read with a wider table than they name.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "big-5": "big5hkscs",
    "cp950": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
}


def normalise_charset(name: str) -> str | None:
    """Python codec name for a declared charset (or None if Python does not know it)."""
    name = name.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def common_ratio(text: str) -> float:
    """Share of Han characters in ``text`` that are frequent ones (0.0 when there are none)."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"]
    if not han:
        return 0.0
    return sum(c in COMMON_HANZI for c in han) / len(han)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_utf16(data: bytes) -> str | None:
    """BOM-less UTF-16 shows up as many NUL bytes at even (BE) or odd (LE) offsets."""
    sample = data[:4000]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data``; returns ``(text, encoding used)``.

    ``declared`` is a charset the container states (HTML meta); it wins only if the bytes
    decode strictly with it, because declarations are often wrong.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], enc.replace("-sig", ""))
            if text is not None:
                return text, enc
    if declared:
        enc = normalise_charset(declared)
        if enc:
            text = _strict(data, enc)
            if text is not None:
                return text, enc
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    enc16 = _looks_utf16(data)
    if enc16:
        text = _strict(data, enc16)
        if text is not None:
            return text, enc16
    best: tuple[float, str, str] | None = None
    for enc in ("gb18030", "big5hkscs"):
        text = _strict(data, enc)
        if text is None:
            continue
        score = common_ratio(text)
        if best is None or score > best[0]:
            best = (score, text, enc)
    if best is not None and best[0] > 0.3:
        return best[1], best[2]
    guess = from_bytes(data).best()
    if guess is not None and guess.encoding:
        return str(guess), normalise_charset(guess.encoding) or guess.encoding
    if best is not None:
        return best[1], best[2]
    return data.decode("utf-8", errors="replace"), "utf-8 (with replacement characters)"


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so offsets and line logic are the same for every source."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
