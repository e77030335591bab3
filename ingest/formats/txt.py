"""Plain text files: decode (see ``encoding``) and normalise line breaks."""

from __future__ import annotations

from ingest.errors import ExtractionError
from ingest.formats.base import Extracted
from ingest.formats.encoding import (
    REPAIRED,
    already_chinese,
    decode,
    normalise_newlines,
    unmangled,
    without_stray_nuls,
)
from ingest.formats.registry import Format, register

QUICK_BYTES = 1 << 20  # a larger file is decoded in the bounded child whatever its bytes


def extract(data: bytes, filename: str) -> Extracted:
    """Decode a text file; refuses binary content that merely carries a .txt name."""
    text, encoding = decode(data)
    text, nuls = without_stray_nuls(text, encoding, "text")
    text, repaired = unmangled(normalise_newlines(text))
    if not text.strip():
        raise ExtractionError("file contains only whitespace")
    properties = {"encoding": encoding}
    fixed = []
    if repaired:
        fixed.append(f"{encoding} text once read as Latin-1 (mojibake), read again")
    if nuls:
        fixed.append(nuls)
    if fixed:
        properties[REPAIRED] = "; ".join(fixed)
    return Extracted(text=text, properties=properties)


def quick(data: bytes, filename: str) -> Extracted | None:
    """The extraction of a file of at most 1 MB that is valid UTF-8 and already Chinese, in
    the calling process; None for any other (the bounded child's). Such a file takes the path
    of :func:`extract` that runs only CPython's own UTF-8 codec and string methods: linear in
    the bytes, at most ~4 bytes of memory per byte, no encoding detector, no mojibake repair.
    That is most of an archive's text files, which then skip the child's fork."""
    if len(data) > QUICK_BYTES:
        return None
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return None
    return extract(data, filename) if already_chinese(text) else None


register(Format(name="txt", extensions=("txt", "text"), extract=extract, priority=90, text=True,
                quick=quick))  # fmt: skip
