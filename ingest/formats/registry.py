"""The one table of file formats.

Built-in formats register themselves here through ``register()`` exactly as a fifth format
would, so there is no special path for the built-ins. Detection looks at the *content* first
(magic bytes, HTML sniffing) because real archives are full of misnamed files (a ``.doc`` that
is really HTML, a ``.docx`` that is plain text); the extension is only a fallback, and then
the chosen extractor validates the bytes itself and raises a clear error if they are wrong.

One direction of misnaming is refused instead: a name that promises text (``.txt``, ``.html``:
formats registered with ``text=True``) on bytes that are a binary format (a PDF, a ZIP/DOCX,
an image). Text under a binary name is a document saved under the wrong name; a screenshot or
a PDF under a text name is a file someone meant for something else (README: "a PNG or PDF
named ``.txt`` or ``.html`` is a ``415``"), and reading it anyway would publish whatever OCR
made of it. The error is an ``UnsupportedFormat``: a reported skip in ``govsearch ingest``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from ingest import bounded
from ingest.bounded import Limits
from ingest.errors import (
    ExtractionError,
    KnownFormat,
    MislabelledContent,
    NeedsOcr,
    UnsupportedFormat,
)
from ingest.formats.base import Extracted, Extractor
from ingest.formats.encoding import decode, stray_nuls
from ingest.ocr.scan import unavailable_reason


@dataclass(frozen=True)
class Format:
    """A registered format: its name, its extensions, a content sniffer and the extractor.

    ``sniff`` must be cheap (it sees the whole byte string but should only peek at it) and
    return True only when the content is unmistakably this format. Sniffers run in
    ``priority`` order (lower first), so exact magic numbers (ZIP, %PDF) are tried before
    heuristic text sniffing, whatever order the modules happened to be imported in.
    ``limits`` gives the format its own time/memory budget (PDF has its own time limit);
    without it the common limits of :mod:`ingest.bounded` apply. ``bounds_itself`` marks an
    extractor that runs its risky parts in bounded children of its own (PDF parsing, OCR of
    each page with its own time and memory limits): it is not wrapped again, because a bounded
    child may not start children of its own and OCR needs more memory than parsing. ``text``
    marks a format whose files are text (TXT, HTML): a file named like one must hold text.
    ``quick`` extracts in the calling process when the bytes allow a proof that doing so is
    safe, else returns None and the bounded child does it: a child costs a fork and a pickle
    round trip (~0.5 ms CPU, as much as the rest of a short text's extraction), paid by every
    file of an ingest whether hostile or not.
    """

    name: str
    extensions: tuple[str, ...]
    extract: Extractor
    sniff: Callable[[bytes], bool] | None = None
    priority: int = 100
    limits: Callable[[], Limits] | None = None
    bounds_itself: bool = False
    text: bool = False
    quick: Callable[[bytes, str], Extracted | None] | None = None


_FORMATS: dict[str, Format] = {}

# Magic numbers of formats we do not handle, so the error says what the file is.
# Magic numbers, each once: (bytes, what the content is when a text name carries it — "" for a
# text format —, why it cannot be ingested — "" for a format an extractor reads —, the
# error's reason code where a caller says that fault in its own words).
_MAGIC: tuple[tuple[bytes, str, str, str], ...] = (
    (b"%PDF-", "a PDF", "", ""),
    (b"PK\x03\x04", "a ZIP archive (DOCX, XLSX …)", "", ""),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.doc/.xls/.ppt)",
     "legacy OLE2 file (.doc/.xls/.ppt); convert it to .docx", "ole2"),
    (b"{\\rtf", "", "RTF document; convert it to .docx", "rtf"),
    (b"\x89PNG", "a PNG image", "PNG image (needs OCR)", ""),
    (b"\xff\xd8\xff", "a JPEG image", "JPEG image (needs OCR)", ""),
    (b"GIF8", "a GIF image", "GIF image", ""),
    (b"II*\x00", "a TIFF image", "TIFF image (needs OCR)", ""),
    (b"MM\x00*", "a TIFF image", "TIFF image (needs OCR)", ""),
    (b"\x1f\x8b", "a gzip archive", "gzip archive", ""),
    (b"Rar!", "a RAR archive", "RAR archive", ""),
    (b"7z\xbc\xaf", "a 7z archive", "7z archive", ""),
)  # fmt: skip
_KNOWN_UNSUPPORTED = tuple((magic, why, reason) for magic, _, why, reason in _MAGIC if why)
_TEXT_MAGICS = frozenset({b"{\\rtf"})  # the marks a text editor may leave after blank lines
# an e-mail message saved as a file (.eml): header lines, a mail's own among them; its body is
# often base64, and read as text it compared nothing (QA pass 49a)
_MAIL_HEAD = re.compile(rb"(?:[A-Za-z][A-Za-z0-9-]*:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*){2}")
_MIME_VERSION = re.compile(
    rb"(?im)^(?:mime-version|content-type|content-transfer-encoding|received|message-id"
    rb"|return-path|dkim-signature):"
)
# What binary content is, for the error when a text name carries it (sniffers only say yes/no).
_BINARY_KINDS = tuple((magic, what) for magic, what, _, _ in _MAGIC if what)


def register(fmt: Format, *, replace: bool = False) -> None:
    """Add a format to the table; refuse to silently shadow an existing one."""
    if fmt.name in _FORMATS and not replace:
        raise ValueError(f"format {fmt.name!r} is already registered")
    _FORMATS[fmt.name] = fmt
    ordered = sorted(_FORMATS.values(), key=lambda f: (f.priority, f.name))
    _FORMATS.clear()
    _FORMATS.update((f.name, f) for f in ordered)


def unregister(name: str) -> Format:
    """Remove a format from the table (tests, or an application replacing a built-in)."""
    _ensure_builtins()
    return _FORMATS.pop(name)


def formats() -> tuple[Format, ...]:
    """All registered formats in sniffing order (priority, then name)."""
    _ensure_builtins()
    return tuple(_FORMATS.values())


def get(name: str) -> Format:
    """The registered format called ``name``."""
    _ensure_builtins()
    try:
        return _FORMATS[name]
    except KeyError:
        raise UnsupportedFormat(f"no extractor registered for format {name!r}") from None


def detect(data: bytes, filename: str) -> Format:
    """Pick the format for these bytes: content sniffing first, then the file extension.

    A name of a text format on binary content is refused (:class:`MislabelledContent`)."""
    _ensure_builtins()
    if not data:
        raise ExtractionError("empty file (0 bytes)", reason="empty")
    ext = PurePath(filename).suffix.lower().lstrip(".")
    named = next((f for f in _FORMATS.values() if ext and ext in f.extensions), None)
    sniffed = next((f for f in _FORMATS.values() if f.sniff is not None and f.sniff(data)), None)
    if named is not None and named.text and (sniffed is None or not sniffed.text):
        what = _binary_kind(data) or (f"{sniffed.name.upper()} content" if sniffed else "")
        if what:
            raise MislabelledContent(
                f"named '.{ext}' but the content is {what}, not {named.name.upper()} text: "
                "not read (rename the file to its real type to ingest it)",
                reason="misnamed", named=ext, content=what,
            )
    if ext in CATALOGUE_EXTENSIONS and (sniffed is None or sniffed.text) and (
        is_catalogue(data, ext)
    ):
        raise UnsupportedFormat(
            "a catalogue (its header names a path column), not a document: give it with "
            '--catalog (the API\'s "catalog") to apply its rows'
        )
    if sniffed is not None:
        return sniffed
    # (a text format's mark after a BOM or blank lines an editor left: QA pass 49c, an RTF so
    # was compared as its markup)
    lead = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    for magic, what, reason in _KNOWN_UNSUPPORTED:
        # (... a text format's, or a binary's where what follows is no text: a note whose first
        # line, after a blank one, starts GIF8 or Rar! is a text, QA pass 51c L10, and a GIF
        # after blank lines still a GIF, QA pass 52b)
        if data.startswith(magic) or (lead.startswith(magic) and (
                magic in _TEXT_MAGICS or decoded_text(data) is None)):  # fmt: skip
            if what.endswith("(needs OCR)"):  # an image with OCR off: said as for a scanned PDF
                raise NeedsOcr(f"{what[:-1]}; {unavailable_reason() or 'no OCR engine'})")
            raise KnownFormat(f"unsupported file type: {what}", reason=reason)
    if _MAIL_HEAD.match(data[:8192]) and _MIME_VERSION.search(data[:8192].split(b"\n\n")[0]):
        raise KnownFormat(
            "unsupported file type: an e-mail message (MIME); save the document it carries "
            "(its attachment, or its text as .txt)",
            reason="mail",
        )
    if named is not None and named.name == "image" and decoded_text(data) is not None:
        # text under an image's name (QA pass 37b: notes saved as .jpg were "not a TIFF, PNG
        # or JPEG image", where files are identified by content); a .docx or .pdf that is not
        # one is told so by its own parser ("not a ZIP/OOXML container"), a failure to look at
        raise MislabelledContent(
            f"named '.{ext}' but the content is text, not an image: not read (rename the file "
            ".txt to ingest it as text)",
            reason="misnamed", named=ext, content="text",
        )
    if named is not None:
        return named
    shown = f"'.{ext}'" if ext else "without extension"
    if decoded_text(data) is not None:  # QA pass 27b: a .md file was said not to be text
        raise UnsupportedFormat(
            f"file type {shown} is not one govsearch reads, though its content is text: "
            "rename it .txt to ingest it as plain text (an upload reads it as text already)"
        )
    names = ", ".join(f.name for f in _FORMATS.values())
    raise UnsupportedFormat(
        f"unsupported file type {shown}: content not recognised as any of {names}"
    )


_WIDE_ENCODINGS = ("utf-16", "utf_16", "utf-32", "utf_32")  # text whose bytes hold NULs


def decoded_text(data: bytes) -> str | None:
    """The head of ``data`` decoded, where it reads as text (a NUL byte only in UTF-16 or
    UTF-32, whose characters hold them); None for binary content."""
    head = data[:65536]
    try:
        text, encoding = decode(head)
    except ExtractionError:  # no encoding reads it
        return None
    nuls = text.count("\x00")
    if nuls and not encoding.lower().startswith(_WIDE_ENCODINGS) and not stray_nuls(text, nuls):
        return None  # (a stray NUL or two is text's: QA pass 44c, uploads refused what
    return text  # govsearch ingest read with a warning)


CATALOGUE_EXTENSIONS = ("csv", "tsv", "txt")  # what a spreadsheet's catalogue is saved as


def is_catalogue(data: bytes, ext: str = "csv") -> bool:
    """A spreadsheet's text whose header names a path column: a catalogue left beside the
    documents (QA pass 12: every ingest without --catalog reported it as an unsupported file,
    a forgotten flag as noise). Its columns may be separated by commas, tabs, semicolons or
    bars, and title rows may stand above the header (QA pass 23b: a semicolon catalogue was
    an unsupported file; QA pass 24c: a .tsv, a .txt or a title row above the header, and
    the 不予公开 files of each were published). A .txt must name a second catalogue column:
    it may be any notice."""
    from ingest.catalog import header_layout

    if ext not in CATALOGUE_EXTENSIONS:
        return False
    head = data[:4096]
    if len(data) >= 4096:  # a cut line is no line: the rows read are the whole ones
        head = head[: head.rfind(b"\n") + 1] or head
    strict = ext == "txt"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" (QA pass 25a)
        text = head.decode("utf-16", errors="replace")
        return header_layout(text, strict) is not None
    try:
        return header_layout(head.decode("utf-8-sig"), strict) is not None
    except UnicodeDecodeError:
        pass
    # GB18030 from Excel, Big5 from Taiwan: the encoding detector decides (QA pass 25a: a Big5
    # catalogue read as GB18030 named no column, and its files were published)
    try:
        text, _ = decode(head)
    except ExtractionError:  # no text at all
        return False
    return header_layout(text, strict) is not None


def _binary_kind(data: bytes) -> str:
    """What binary content is, from its magic number; "" when none is known."""
    return next((what for magic, what in _BINARY_KINDS if data.startswith(magic)), "")


def extract(data: bytes, filename: str) -> tuple[str, Extracted]:
    """Detect the format and extract; returns ``(format name, Extracted)``.

    The extractor runs in a bounded child process (time and memory limit, see
    :mod:`ingest.bounded`): every caller — ingest workers, uploads, duplicate checks — gets
    the same protection from hostile files.
    """
    fmt = detect(data, filename)
    if fmt.quick is not None and not bounded.inside():
        done = fmt.quick(data, filename)
        if done is not None:
            return fmt.name, done
    if fmt.bounds_itself and not bounded.inside():
        return fmt.name, fmt.extract(data, filename)
    lim = fmt.limits() if fmt.limits is not None else bounded.limits()
    return fmt.name, bounded.run_bounded(
        fmt.extract, (data, filename), lim, what=f"{fmt.name.upper()} parsing"
    )


_loaded = False


def _ensure_builtins() -> None:
    """Import the built-in format modules once; each registers itself on import."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from ingest.formats import docx, html, image, pdf, txt  # noqa: F401
