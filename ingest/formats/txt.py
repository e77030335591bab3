"""Plain text files: decode (see ``encoding``) and normalise line breaks."""

from __future__ import annotations

from ingest.errors import ExtractionError
from ingest.formats.base import Extracted
from ingest.formats.encoding import REPAIRED, decode, normalise_newlines, unmangled
from ingest.formats.registry import Format, register


def extract(data: bytes, filename: str) -> Extracted:
    """Decode a text file; refuses binary content that merely carries a .txt name."""
    text, encoding = decode(data)
    if "\x00" in text:
        raise ExtractionError(f"binary content, not text (decoded as {encoding})")
    text, repaired = unmangled(normalise_newlines(text))
    if not text.strip():
        raise ExtractionError("file contains only whitespace")
    properties = {"encoding": encoding}
    if repaired:
        properties[REPAIRED] = f"{encoding} text once read as Latin-1 (mojibake), read again"
    return Extracted(text=text, properties=properties)


register(Format(name="txt", extensions=("txt", "text"), extract=extract, priority=90, text=True))
