"""Scanned pages delivered as image files: TIFF (multi-page too), PNG and JPEG, read by OCR.

Scanners write TIFF or JPEG, one file per page or one multi-page TIFF per document. With no
OCR engine (or ``--no-ocr``) such a file is skipped with that reason, as before; with one,
every frame is recognised (``ingest.ocr.scan``) and the text is marked as recognised.
"""

from __future__ import annotations

import re

from ingest.errors import ExtractionError, ExtractionTimeout, NeedsOcr, UnsafeFile
from ingest.formats.base import Extracted
from ingest.formats.pages import strip_running_lines
from ingest.formats.registry import Format, register
from ingest.ocr import scan
from ingest.ocr.runner import OVER_MEMORY, OVER_TIME, TOO_LARGE, PageFailed

# what Pillow says, decoding a page, of a file cut short or corrupt: a damaged file, never a page
# OCR failed on (QA pass 37b: a JPEG cut at 40% was "OCR failed on every page")
_DAMAGED = re.compile(r"image file is truncated|broken data stream|truncated file read|corrupt",
                      re.I)  # fmt: skip

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
)


def kind(data: bytes) -> str | None:
    """``TIFF``/``PNG``/``JPEG`` from the magic number, else None."""
    for magic, name in MAGIC:
        if data.startswith(magic):
            return name
    return None


def sniff(data: bytes) -> bool:
    """Only claim images when OCR can read them, so that otherwise they are skipped."""
    return kind(data) is not None and scan.unavailable_reason() is None


def extract(data: bytes, filename: str) -> Extracted:
    """Recognise every page (frame) of the image; failed pages are listed, not fatal."""
    what = kind(data)
    if what is None:
        raise ExtractionError("not a TIFF, PNG or JPEG image")
    why = scan.unavailable_reason()
    if why is not None:
        raise NeedsOcr(f"{what} image (needs OCR; {why})")
    try:
        result = scan.recognise("image", data, label=filename)
    except PageFailed as exc:
        said = str(exc)
        if TOO_LARGE in said:  # refused for its size, not damaged
            raise UnsafeFile(f"{what} {said[said.index(TOO_LARGE):]}") from None
        raise ExtractionError(f"damaged {what} image, cannot be opened ({exc})") from None
    count = len(result.texts) + len(result.failed)
    # a multi-page scan repeats its running header on every page, as a PDF does (國務院, 總統);
    # its page numbers follow the page index, which an illegible page left out does not shift
    read = sorted(result.texts)
    pages = strip_running_lines([result.texts[i] for i in read], read)
    text = "\n\n".join(page for page in pages if page.strip())
    if not text.strip():
        if result.failed and all(_DAMAGED.search(why) for _, why in result.failed):
            raise ExtractionError(f"damaged {what} image, cannot be read: {result.failed[0][1]}")
        if result.failed and all(OVER_MEMORY in why for _, why in result.failed):
            raise UnsafeFile(f"{what} image: {result.failed[0][1]}")
        if result.failed and all(OVER_TIME in why for _, why in result.failed):
            raise ExtractionTimeout(f"{what} image: {result.failed[0][1]}")
        if result.failed:
            first = result.failed[0]
            raise ExtractionError(
                f"{what} image: OCR failed on every page (page {first[0] + 1}: {first[1]})")
        raise ExtractionError(f"{what} image: OCR found no text ({count} page(s))")
    props = {"pages": str(count), "image_format": what.lower(), **result.properties()}
    return Extracted(text=text, title="", properties=props)


register(Format(name="image", extensions=("tif", "tiff", "png", "jpg", "jpeg"),
                extract=extract, sniff=sniff, priority=25,
                bounds_itself=True))  # every page is recognised in the OCR runner's bounded child
