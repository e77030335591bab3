"""Page images of scanned originals, for staff checking recognised (OCR) text against the scan.

Recognised text can be wrong (the document page says so); staff proof-reading it need the
page beside it. Pages are rendered on request from the original file (``web.originals``
resolves it safely), PDF pages with PDFium and TIFF/PNG/JPEG frames with Pillow, at a screen
resolution, and never for anonymous users: the scan may show what the text does not
(handwritten notes, stamps).
"""

from __future__ import annotations

import io
from pathlib import Path

MAX_PAGES_LISTED = 50
SCREEN_DPI = 110


def page_count(path: Path) -> int:
    """Pages (PDF) or frames (TIFF) of an original; 0 when it cannot be read."""
    try:
        if path.suffix.lower() == ".pdf":
            import pypdfium2 as pdfium

            doc = pdfium.PdfDocument(path)
            try:
                return len(doc)
            finally:
                doc.close()
        from PIL import Image

        with Image.open(path) as img:
            return int(getattr(img, "n_frames", 1))
    except Exception:  # noqa: BLE001 - an unreadable original just has no page images
        return 0


def page_png(path: Path, number: int) -> bytes | None:
    """Page ``number`` (1-based) of the original as a grey PNG, or None if there is none."""
    if number < 1 or number > page_count(path):
        return None
    try:
        if path.suffix.lower() == ".pdf":
            import pypdfium2 as pdfium

            doc = pdfium.PdfDocument(path)
            try:
                image = doc[number - 1].render(scale=SCREEN_DPI / 72, grayscale=True).to_pil()
            finally:
                doc.close()
        else:
            from PIL import Image

            with Image.open(path) as img:
                img.seek(number - 1)
                image = img.convert("L")
                image.thumbnail((1400, 2000))
    except Exception:  # noqa: BLE001 - a damaged page has no image
        return None
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()
