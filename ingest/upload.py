"""Bytes someone sent (a staff upload, a draft to check): their format and text, or an error
that says why not.

Every way a file can be unusable becomes an error the API answers with a 4xx: too large
(``PayloadTooLarge``), a format no extractor handles or a scan while OCR is off
(``UnsupportedMediaType``, an image and a scanned PDF alike: ``NeedsOcr``), empty, broken or a
scan on which OCR found no text (``UnprocessableContent``). The format is decided by content,
never by the name, with one refusal: a text name on binary bytes (a PNG named ``.txt``) is a
``UnsupportedMediaType``, not a document (``registry.detect``).
"""

from __future__ import annotations

import unicodedata

from analyzers.chars import strip_skippable
from ingest.errors import (
    ExtractionTimeout,
    IngestError,
    KnownFormat,
    MislabelledContent,
    NoTextLayer,
    UnsafeFile,
    UnsupportedFormat,
)
from ingest.formats import registry
from ingest.formats.base import Extracted
from model.errors import PayloadTooLarge, UnprocessableContent, UnsupportedMediaType


def looks_like_text(data: bytes) -> bool:
    """Text in some encoding (:func:`registry.decoded_text`), with (almost) no control
    characters once decoded."""
    text = registry.decoded_text(data)
    if text is None:
        return False
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f")
    return bool(text.strip()) and controls <= len(text) // 100


def _why(exc: IngestError) -> dict[str, str]:
    """The error's reason code and particulars, for the API error's data: callers say the
    fault in their own words by its code, never by the English message."""
    return {"reason": exc.reason, **exc.data} if exc.reason else {}


def check_upload(data: bytes, name: str, limit: int) -> str:
    """The format of an uploaded file, decided by content; refuses what cannot be a document."""
    if len(data) > limit:
        raise PayloadTooLarge(f"{name}: file is larger than {limit} bytes", limit=limit)
    try:
        fmt = registry.detect(data, name).name
    except (MislabelledContent, KnownFormat) as exc:
        raise UnsupportedMediaType(f"{name}: {exc}", file=name, **_why(exc)) from None
    except UnsupportedFormat as exc:
        if not looks_like_text(data):
            raise UnsupportedMediaType(f"{name}: {exc}", file=name, **_why(exc)) from None
        fmt = "txt"  # plain text under an unknown name: the content decides, not the name
    except IngestError as exc:
        raise UnprocessableContent(f"{name}: {exc}", file=name, **_why(exc)) from None
    if fmt == "txt" and b"\x00" in data[:65536] and not looks_like_text(data):
        # A binary file named .txt: the text extractor would refuse it later anyway; say so now
        # (UTF-16 text holds NUL bytes, and is read: QA pass 27b, the corpus's txt_17_utf16.txt
        # was refused here and read by govsearch ingest)
        raise UnsupportedMediaType(
            f"{name}: binary content is not a supported document type", file=name
        )
    return fmt


def extract_upload(data: bytes, filename: str, *, max_bytes: int) -> tuple[str, Extracted]:
    """``(format name, extracted text and properties)`` of uploaded bytes, or a clear error."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"the file is {len(data):,} bytes; at most {max_bytes:,} bytes can be checked",
            limit=max_bytes,
            size=len(data),
        )
    if not data:
        raise UnprocessableContent(
            f"{filename or 'the file'} is empty (0 bytes)", file=filename, reason="empty"
        )
    try:
        try:
            fmt, extracted = registry.extract(data, filename)
        except (MislabelledContent, KnownFormat) as exc:
            raise UnsupportedMediaType(f"{filename}: {exc}", file=filename, **_why(exc)) from None
        except UnsupportedFormat as exc:
            # the same rule as a staff upload (check_upload): text under any name is text
            if not looks_like_text(data):
                raise UnsupportedMediaType(str(exc), file=filename, **_why(exc)) from None
            fmt, extracted = "txt", registry.get("txt").extract(data, filename)
    except NoTextLayer as exc:
        raise UnprocessableContent(
            f"{filename}: {exc}; an image-only scan has no text to compare",
            file=filename,
        ) from None
    except IngestError as exc:
        # a limit hit (a zip bomb, the memory or time limit, nesting) is said as one: the
        # duplicate page names it (QA pass 40a: it read "no text to compare")
        raise UnprocessableContent(
            f"{filename}: {exc}", file=filename,
            limit_hit=isinstance(exc, (UnsafeFile, ExtractionTimeout)), **_why(exc),
        ) from None
    if not strip_skippable(extracted.text):
        raise UnprocessableContent(
            f"{filename}: no text found in the {fmt} file (image-only or blank pages?)",
            file=filename,
            format=fmt,
        )
    return fmt, extracted
