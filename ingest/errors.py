"""Why a file could not become a Document.

One root, ``IngestError``, so the pipeline can catch every expected failure of a single file
and turn it into an ``IngestFailure`` for the report, while a programming error (any other
exception) is still visible as such. The message of each error is what the user reads in the
ingest report, so it says what is wrong with the *file*, not which library complained.
"""

from __future__ import annotations

from model.errors import plain_words


class IngestError(Exception):
    """A file could not be ingested; ``str(err)`` is the reason shown to the user, without the
    interpreter's internals a library's message may hold (:func:`model.errors.plain_words`).

    ``reason`` names a fault that a caller says in its own words (the duplicate page, in
    Chinese: ``encrypted``, ``rtf`` …; ``""`` for the others) and ``data`` its particulars, so
    that no caller reads the English message, which holds the file's name (QA pass 50c: an
    empty file named "not a DOCX.txt" was told it was a damaged Word file). Both are kept in
    the instance's ``__dict__``, which a pickle carries, and the bounded child sends them back.
    """

    def __init__(self, *args: object, reason: str = "", **data: str) -> None:
        super().__init__(*(plain_words(a) if isinstance(a, str) else a for a in args))
        self.reason = reason
        self.data = data


class UnsupportedFormat(IngestError):
    """The content is not a format any registered extractor handles."""


class KnownFormat(UnsupportedFormat):
    """Content recognised as a format no extractor reads (RTF, an e-mail message): refused
    under any name, never read as the text its bytes also are (QA pass 49a: an RTF draft was
    compared as its markup, and the duplicate check answered "no duplicates")."""


class MislabelledContent(UnsupportedFormat):
    """The name promises text (``.txt``, ``.html``) but the bytes are a binary format (a PNG, a
    PDF, a ZIP): refused, never read as what the bytes are nor as text."""


class NeedsOcr(UnsupportedFormat):
    """A scan (an image file, a PDF without a text layer) while OCR is off or no engine is
    installed. Like a file type we do not read, it is skipped with the reason, not failed: the
    file is not broken, and a run told ``--no-ocr`` must not end with the exit code that tells a
    nightly job someone must look. An image-only PDF and an image file alike (the registry
    already skips an image it finds no reader for: ``PNG image (needs OCR)``).
    """


class ExtractionError(IngestError):
    """The file claims a supported format but is broken, empty, encrypted or truncated."""


class NoTextLayer(ExtractionError):
    """A PDF whose pages are images only (a scan) on which OCR found no text."""


class ExtractionTimeout(ExtractionError):
    """The parser did not finish within the time budget (a looping or pathological file)."""


class UnsafeFile(ExtractionError):
    """Refused before parsing because parsing could exhaust memory (e.g. a zip bomb)."""
