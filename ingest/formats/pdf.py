"""PDF text extraction, with a time limit and clear errors for the PDFs that have no text.

Two engines are available: ``pypdfium2`` (PDFium, C++) and ``pdfminer`` (pdfminer.six, pure
Python). The default is chosen by measurement (see bench/README.md "PDF extraction"); the other
stays selectable through ``configure(engine=…)`` (``GOVSEARCH_PDF_ENGINE``, read by Settings).

Because a malformed PDF can make any parser loop or explode, extraction runs in a bounded child
process (:mod:`ingest.bounded`) with the PDF time limit (Settings ``pdf_timeout``, default
60 s) and the common memory limit; ``extract_with(…, PdfOptions(timeout=None))`` runs
in-process without a guard, e.g. for benchmarks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from ingest import bounded
from ingest.bounded import Limits
from ingest.errors import ExtractionError, IngestError, NeedsOcr, NoTextLayer, UnsafeFile
from ingest.formats.base import Extracted
from ingest.formats.pages import strip_running_lines
from ingest.formats.pdf_spacing import page_text
from ingest.formats.registry import Format, register
from ingest.ocr import scan

T = TypeVar("T")
ENGINES: tuple[str, ...] = ("pypdfium2", "pdfminer")
_IMAGE_RE = re.compile(rb"/Subtype\s*/Image")
# What follows the last %%EOF of a PDF cut short inside an incremental update or a linearized
# file's second part: objects, streams, a cross-reference table. Padding or junk appended to a
# whole file (NULs from a download or a copy to a block device, a mailer's footer) has none.
_PDF_BODY_RE = re.compile(rb"obj|stream|xref|trailer")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
_MIN_CHARS_PER_PAGE = 5
# Pages read at most: the corpus's longest PDF has dozens, a yearbook a few thousand; a page
# tree listing one page 200,000 times ran 19 s and then reported "no text" (QA pass 5).
MAX_PDF_PAGES = 10_000


@dataclass(frozen=True)
class PdfOptions:
    """How PDFs are extracted: engine name, time limit in seconds (None: no child process)."""

    engine: str = "pypdfium2"
    timeout: float | None = 60.0


_options = PdfOptions()  # set from Settings by the entry points (govsearch.configure.apply)


def configure(*, engine: str | None = None, timeout: float | None | str = "keep") -> PdfOptions:
    """Change the engine and/or time limit used by ``extract``; returns the new options."""
    global _options
    if engine is not None and engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}; choose one of {ENGINES}")
    new = _options
    if engine is not None:
        new = replace(new, engine=engine)
    if timeout != "keep":
        new = replace(new, timeout=float(timeout) if timeout else None)  # type: ignore[arg-type]
    _options = new
    return new


def options() -> PdfOptions:
    """The options ``extract`` currently uses."""
    return _options


def sniff(data: bytes) -> bool:
    """PDF files start with ``%PDF-`` (some have a little junk before it)."""
    return b"%PDF-" in data[:1024]


def extract(data: bytes, filename: str) -> Extracted:
    """Extract with the configured engine and time limit."""
    return extract_with(data, _options)


def extract_with(data: bytes, opts: PdfOptions) -> Extracted:
    """Extract a PDF's text with explicit options (see ``PdfOptions``)."""
    if opts.engine not in ENGINES:
        raise ValueError(f"unknown PDF engine {opts.engine!r}; choose one of {ENGINES}")
    if not sniff(data):
        raise ExtractionError("not a PDF (no %PDF header)")
    if not ends_complete(data):
        raise ExtractionError(
            "truncated or incomplete PDF (no %%EOF end marker)", reason="truncated_pdf"
        )
    pages, meta = _bounded(run_engine, (opts.engine, data), opts)
    ocr_props: dict[str, str] = {}
    if _IMAGE_RE.search(data):  # pages without a text layer but with an image: a scan
        pages, ocr_props = scan.fill_pdf_pages(data, pages)
        why = scan.unavailable_reason()
        blank = scan.blank_pages(pages) if why and not ocr_props else []
        if blank and len(blank) < len(pages):  # (all of them: a scan, refused by _assemble)
            unread = _bounded(_image_pages, (data, blank), opts)
            if unread:
                ocr_props = scan.unread_pages(unread, why or "")
    extracted = _assemble(pages, meta, data)
    if not ocr_props:
        return extracted
    return replace(extracted, properties={**extracted.properties, **ocr_props})


def _bounded(func: Callable[..., T], args: tuple[object, ...], opts: PdfOptions) -> T:
    """``func(*args)`` on the PDF's bytes in a bounded child, or here when already in one
    (the registry's) or explicitly unguarded (``opts.timeout`` None)."""
    if opts.timeout and not bounded.inside():
        return run_with_timeout(func, args, opts.timeout)
    return func(*args)


def _image_pages(data: bytes, indices: list[int]) -> list[int]:
    """Those of ``indices`` whose page shows an image (a scanned page, not a blank one)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(data)
    try:
        out = []
        for i in indices:
            page = doc[i]
            try:
                kinds = (pdfium_c.FPDF_PAGEOBJ_IMAGE,)
                if any(True for _ in page.get_objects(filter=kinds, max_depth=3)):
                    out.append(i)
            finally:
                page.close()
        return out
    finally:
        doc.close()


def ends_complete(data: bytes) -> bool:
    """Whether the PDF reaches its end marker: a last ``%%EOF`` followed by nothing that is
    PDF syntax. Padding after it (8 KB of NULs) is tolerated; a file with no ``%%EOF`` at all, or
    one cut after an earlier revision's ``%%EOF`` (objects follow it), is truncated."""
    end = data.rfind(b"%%EOF")
    return end >= 0 and _PDF_BODY_RE.search(data, end + 5) is None


def run_engine(engine: str, data: bytes) -> tuple[list[str], dict[str, str]]:
    """Raw per-page text and document info of one engine, in this process (no time limit)."""
    try:
        if engine == "pypdfium2":
            return _pdfium(data)
        return _pdfminer(data)
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is a property of the file
        msg = str(exc) or type(exc).__name__
        if "password" in msg.lower() or "encrypt" in msg.lower():
            raise ExtractionError("encrypted PDF (password required)", reason="encrypted") from None
        raise ExtractionError(f"damaged PDF, cannot be parsed ({msg})") from None


def _pdfium(data: bytes) -> tuple[list[str], dict[str, str]]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        _check_pages(len(doc))
        meta = {k: v for k, v in doc.get_metadata_dict().items() if v}
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            pages.append(page_text(textpage))  # cells PDFium runs together kept apart
            textpage.close()
            page.close()
    finally:
        doc.close()
    return pages, meta


def _pdfminer(data: bytes) -> tuple[list[str], dict[str, str]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    meta: dict[str, str] = {}
    doc = PDFDocument(PDFParser(io.BytesIO(data)))
    for info in doc.info:
        for key, value in info.items():
            text = _pdf_string(value)
            if text:
                meta[key] = text
    pages: list[str] = []
    for layout in extract_pages(io.BytesIO(data)):
        _check_pages(len(pages) + 1)
        pages.append("".join(el.get_text() for el in layout if isinstance(el, LTTextContainer)))
    return pages, meta


def _check_pages(count: int) -> None:
    if count > MAX_PDF_PAGES:
        raise UnsafeFile(  # a limit hit, not a damaged file (QA pass 47a)
            f"PDF lists {count:,} pages; at most {MAX_PDF_PAGES:,} are read (a page tree "
            "that repeats pages can hold a file's extraction for minutes)"
        )


def _pdf_string(value: object) -> str:
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import decode_text

    if hasattr(value, "resolve"):
        value = value.resolve()  # type: ignore[union-attr]
    if isinstance(value, bytes):
        if value.startswith((b"\xfe\xff", b"\xff\xfe")):
            return value.decode("utf-16", errors="replace").strip()
        return decode_text(value).strip()
    if isinstance(value, PSLiteral):
        return str(value.name)
    return str(value).strip() if isinstance(value, str | int | float) else ""


def run_with_timeout(func: Callable[..., T], args: tuple[object, ...], timeout: float) -> T:
    """``func(*args)`` in a bounded child (see :mod:`ingest.bounded`), killed after ``timeout``
    seconds, under the configured memory limit."""
    lim = Limits(timeout=timeout, memory_mb=bounded.limits().memory_mb)
    return bounded.run_bounded(func, args, lim, what="PDF parsing")


def limits() -> Limits:
    """The limits a PDF is extracted under: the PDF time limit and the common memory limit."""
    return Limits(timeout=_options.timeout, memory_mb=bounded.limits().memory_mb)


def _assemble(pages: list[str], meta: dict[str, str], data: bytes) -> Extracted:
    cleaned = [_CONTROL_RE.sub("", p.replace("\r\n", "\n").replace("\r", "\n")) for p in pages]
    chars = sum(len(re.sub(r"\s", "", p)) for p in cleaned)
    if chars < _MIN_CHARS_PER_PAGE * max(1, len(cleaned)) and chars < 50:
        if _IMAGE_RE.search(data):
            why = scan.unavailable_reason()
            if why:
                raise NeedsOcr(f"scanned PDF, no text layer (needs OCR; {why})")
            raise NoTextLayer("scanned PDF: OCR found no text on its pages")
        raise ExtractionError("PDF contains no text" if pages else "PDF has no pages")
    text = "\n".join(strip_running_lines(cleaned)).strip("\n")
    props = {
        key.lower(): value
        for key, value in meta.items()
        if key in ("Author", "Subject", "Keywords", "Creator", "Producer")
    }
    for key, name in (("CreationDate", "created"), ("ModDate", "modified")):
        if meta.get(key):
            props[name] = meta[key]
    props["pages"] = str(len(pages))
    title = meta.get("Title", "").strip()
    if not re.search(r"[\u4e00-\u9fff]", title):
        title = ""  # "Microsoft Word - 1.doc" and the like say nothing about the document
    return Extracted(text=text, title=title, properties=props)


register(
    Format(
        name="pdf", extensions=("pdf",), extract=extract, sniff=sniff, priority=20, limits=limits,
        bounds_itself=True,  # text layer in a bounded child, OCR pages in the OCR runner
    )
)
