"""Turning bytes of unknown encoding into text, for the TXT and HTML extractors.

Statistical detectors (charset-normalizer, chardet) are unreliable on short Chinese text: GBK
and Big5 share most of their byte ranges, so a few hundred bytes of GBK often "look like" Big5.
We therefore decide by a strict-decode cascade first — BOMs, a declared charset that actually
decodes, UTF-8, then GB18030 vs Big5 judged by which one decodes strictly *and* yields common
Han characters — and only fall back to charset-normalizer for anything else (Shift-JIS,
Latin-1…). GB2312/GBK are always decoded as GB18030, their strict superset, because sites that
declare ``gb2312`` routinely serve GBK bytes.

Bytes that no encoding decodes strictly (a GB18030 file with a UTF-8 line appended, a few
corrupt bytes) are read in the encoding that leaves the fewest characters undecodable, each line
it cannot read taken in another encoding that reads it; a file of which even the best reading
leaves more than ``MAX_UNDECODABLE`` undecodable is refused, never published as mojibake.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Callable

import ftfy
from charset_normalizer import from_bytes

from ingest.errors import ExtractionError
from ingest.formats.common_hanzi import COMMON_HANZI

# Share of a file's characters that may stay undecodable in its best reading; above it the file
# is garbled or binary, not a document with a damaged line (a GB18030 text with one UTF-8 line
# has under 0.5%, random bytes named .txt 10% and more).
MAX_UNDECODABLE = 0.02
# Encodings read leniently when none decodes the bytes strictly (see _least_damaged).
_LENIENT = ("gb18030", "big5hkscs", "utf-8")
# A lenient decode marks bytes it could not read with U+FFFD; GB18030 maps some invalid pairs
# into the private use area instead, which no government text uses.
_UNDECODABLE_RE = re.compile("[\ufffd\ue000-\uf8ff]")

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


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def common_ratio(text: str) -> float:
    """Share of Han characters in ``text`` that are frequent ones (0.0 when there are none)."""
    han = [c for c in text if _is_han(c)]
    if not han:
        return 0.0
    return sum(c in COMMON_HANZI for c in han) / len(han)


# a text of Latin letters with accents and no Han character, that reads as Chinese once undone:
# UTF-8 read as Latin-1 or Windows-1252 and saved again (关于 → å…³äºŽ)
MANGLED_SHARE = 0.05  # of the first characters, at least, accented Latin letters (À-ÿ)
REPAIRED = "repaired"  # the property an extractor sets on a text it repaired, for the report
_ACCENTED = re.compile("[\u00c0-\u00ff]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def already_chinese(text: str) -> bool:
    """Han characters near the start: a text no mojibake repair would touch."""
    return _HAN.search(text, 0, 200_000) is not None


def unmangled(
    text: str, visible: Callable[[str], str] | None = None
) -> tuple[str, bool]:
    """``text`` with mojibake undone, and whether it was: a file whose UTF-8 bytes were once
    read as Latin-1 or Windows-1252 and saved again decodes strictly as UTF-8, into accented
    Latin letters (QA pass 33b: an upload's title was 关 as å…³, stored without a word). The
    repair is ftfy's (it knows the codecs' quirks and undoes only what reads better undone);
    it is tried only on a text that looks mangled, and kept only if it is Chinese, so a
    French name keeps its accents. ``visible``: what of a page a reader sees (an HTML page is
    judged by its text, not by a head of tags, styles and scripts longer than the sample: the
    review's finding, a 4.2 KB head went through unrepaired; a parser, not a regex, which was
    quadratic on a page of unclosed tags)."""
    if already_chinese(text):  # nothing to undo (nearly every text)
        return text, False
    sample = (visible(text[:200_000]) if visible else text)[:4000]
    accented = len(_ACCENTED.findall(sample))
    if accented < 8 or accented < MANGLED_SHARE * len("".join(sample.split())):
        return text, False
    fixed = ftfy.fix_encoding(text)
    return (fixed, True) if common_ratio(fixed) > 0.3 else (text, False)


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


# What a Western European text holds beside ASCII: accented Latin letters and the typographic
# marks of Windows-1252 (quotes, dashes, €, °, §…).
_WESTERN_MARKS = frozenset("«»‘’‚“”„–—…€£¥¢°§¶·•±×÷©®™ªº¿¡\xa0")
# Share of characters outside ASCII above which a cp1252 reading is another script's bytes
# (Cyrillic, Greek, GBK or Shift-JIS read as cp1252 are mostly accented letters and symbols;
# French, German or Spanish prose has a few percent).
_MAX_WESTERN_SHARE = 0.3


def _reads_as_western(text: str) -> bool:
    """Whether a cp1252 reading is Western European prose.

    charset-normalizer, asked about a short Latin-1 file, answered cp1257, cp1006 or even
    UTF-16 (QA pass 11: a French notice ingested as ą l'été, oł ēa), so this common case is
    decided before it: every character beyond ASCII a Latin letter or a Windows-1252 mark, and
    few of them.
    """
    beyond = [c for c in text if ord(c) > 0x7F]
    if not beyond or len(beyond) > _MAX_WESTERN_SHARE * len(text):
        return False
    return all(
        c in _WESTERN_MARKS or (c.isalpha() and unicodedata.name(c, "").startswith("LATIN "))
        for c in beyond
    )


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
    western = _strict(data, "cp1252")
    if western is not None and _reads_as_western(western):
        return western, "cp1252"
    guess = from_bytes(data).best()
    if guess is not None and guess.encoding:  # a strict decode: nothing undecodable, it wins
        return str(guess), normalise_charset(guess.encoding) or guess.encoding
    if best is not None:
        return best[1], best[2]
    return _least_damaged(data, [e for e in (normalise_charset(declared or ""), enc16) if e])


def undecodable(text: str) -> int:
    """How many characters of ``text`` stand for bytes its decoding could not read."""
    return len(_UNDECODABLE_RE.findall(text))


def _least_damaged(data: bytes, preferred: list[str]) -> tuple[str, str]:
    """The best reading of ``data``: in the ``preferred`` encodings (declared, UTF-16 by its
    NULs) as they are, and in GB18030, Big5 and UTF-8 with the lines they cannot read taken in
    UTF-8 (for GB18030 and Big5) or in GB18030 or Big5 (for UTF-8), see :func:`_mend_lines`.
    Raises ExtractionError when even the best leaves more than ``MAX_UNDECODABLE`` unread.

    The best reading has the fewest characters that are undecodable or rare Han (the mark of
    mojibake, as in the strict cascade: GB18030 bytes read as Big5 decode with few errors but
    as rare characters), then the fewest lines mended (the file's own encoding, not its odd
    line's), then comes first in the order tried.
    """
    attempts = [(enc, None) for enc in preferred if enc not in _LENIENT] + [
        ("gb18030", "utf-8"), ("big5hkscs", "utf-8"), ("utf-8", "gb18030"), ("utf-8", "big5hkscs"),
    ]  # fmt: skip
    readings: list[tuple[bool, int, int, str, str, int]] = []
    for enc, other in attempts:
        text, mended, label = data.decode(enc, errors="replace"), 0, enc
        if other is not None and _UNDECODABLE_RE.search(text):
            text, mended, label = _mend_lines(data, enc, other)
        bad = undecodable(text)
        rare = sum(n for c, n in Counter(text).items() if _is_han(c) and c not in COMMON_HANZI)
        readings.append((bad > MAX_UNDECODABLE * len(text), bad + rare, mended, text, label, bad))
    too_bad, _, _, text, label, bad = min(readings, key=lambda r: r[:3])  # first on a tie
    if too_bad:
        tried = ", ".join(dict.fromkeys(enc for enc, _ in attempts))
        raise ExtractionError(
            f"not readable text: {bad / max(len(text), 1):.0%} of its characters decode in no "
            f"encoding tried ({tried}): binary content, or text damaged or in mixed encodings"
        )
    if bad:
        label += " (with replacement characters)"
    return text, label


def _mend_lines(data: bytes, enc: str, other: str) -> tuple[str, int, str]:
    """``data`` read as ``enc``, except the lines ``enc`` cannot read that ``other`` reads
    strictly: a UTF-8 line appended to a GB18030 file comes out as written. Both encodings keep
    ASCII, so a line ends at the same b"\\n" in either. Returns the text, how many lines were
    mended, and the encoding label."""
    lines: list[str] = []
    mended = 0
    for raw in data.split(b"\n"):
        line = raw.decode(enc, errors="replace")
        if _UNDECODABLE_RE.search(line):
            text = _strict(raw, other)
            if text is not None:
                line = text
                mended += 1
        lines.append(line)
    label = enc + (f", {mended} line{'s' if mended > 1 else ''} {other}" if mended else "")
    return "\n".join(lines), mended, label


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so offsets and line logic are the same for every source."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def stray_nuls(text: str, nuls: int) -> bool:
    """Whether a text's NUL characters are strays in a text (a Word or OCR export leaves one
    now and then: QA pass 44b lost a whole notice over one) rather than the mark of binary
    content: at most one in a thousand characters (none in a shorter text), and hardly another
    control character. Binary bytes read as text (UTF-16 without its mark, an image) hold far
    more."""
    allowed = len(text) // 1000  # a short text has no room for a stray
    if nuls > allowed:
        return False
    controls = sum(1 for c in text if c < " " and c not in "\t\n\r\f\v\x00")
    return controls <= allowed


def without_stray_nuls(text: str, encoding: str, kind: str) -> tuple[str, str]:
    """``text`` without its stray NUL characters (:func:`stray_nuls`) and what the report
    says of them ("" for none); a text holding more is binary content, not ``kind``
    (a text file's and an HTML page's rule alike: QA pass 44c)."""
    nuls = text.count("\x00")
    if not nuls:
        return text, ""
    if not stray_nuls(text, nuls):
        raise ExtractionError(f"binary content, not {kind} (decoded as {encoding})")
    return text.replace("\x00", ""), f"{nuls} stray NUL byte{'s' if nuls > 1 else ''} removed"
