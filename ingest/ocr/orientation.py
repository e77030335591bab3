"""Pages scanned on their side or upside down, read the right way up.

A scanning batch holds pages fed sideways or turned over. Read as they lie they give garbage
(a page on its side read by RapidOCR at 0.58: a title of made-up characters) or, worse, the
right characters in the wrong order: RapidOCR turns every line that runs up the page a
quarter before reading it, so a page turned one way comes back at 0.999 with each line read
as a column and the last line first. Both show in the first reading: a low confidence, or
most characters in lines running up the page (``PageText.sideways``).

Only then are the other three orientations tried, most likely first, until one reads well;
the reading with the most characters read with confidence in lines across the page is kept.
An upright page, nearly every page, is read once, as before: its cost is a sum over the
boxes the engine found (``bench/README.md`` "OCR", "Pages scanned sideways"). Tesseract's
orientation detection (``--psm 0``) was measured as the alternative: right on the same
pages, but ~0.9 CPU s per page, as much as reading the page with RapidOCR, and it would
need Tesseract installed beside the engine it serves.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ingest.ocr.engine import Engine, PageText

if TYPE_CHECKING:
    from PIL.Image import Image

MARK = "upright"  # added to the engine's version, the OCR cache key
SIDEWAYS = 0.5  # share of characters in lines running up the page: the page lies on its side
# The turns to try, most likely first. A page whose lines run up it lies on its side: the
# engine turned each line a quarter counter-clockwise to read it (RapidOCR does), so lines
# that read well say the page wants that turn too, and lines that read as garbage say they
# came out upside down and the page wants the other one. A page read poorly with its lines
# across it is upside down, or on its side for an engine that cannot tell (Tesseract reads
# garbage, at 0.2, from a page on its side).
SIDE_READ_WELL = (90, 270, 180)
SIDE_READ_BADLY = (270, 90, 180)
ACROSS = (180, 90, 270)


def looks_wrong(page: PageText, legible: float) -> bool:
    """Text was found, but read below ``legible`` confidence or in lines running up the page."""
    return bool(page.text.strip()) and (page.confidence < legible or page.sideways > SIDEWAYS)


def score(page: PageText) -> float:
    """Characters read with confidence in lines across the page: the right orientation has
    the most (garbage is short and unsure; a sideways reading has its lines upright)."""
    chars = sum(1 for ch in page.text if not ch.isspace())
    return chars * page.confidence * (1.0 - page.sideways)


def turned(image: Image, angle: int) -> Image:
    """``image`` turned ``angle`` degrees counter-clockwise (a lossless transpose)."""
    from PIL import Image as PIL

    ops = {90: PIL.Transpose.ROTATE_90, 180: PIL.Transpose.ROTATE_180,
           270: PIL.Transpose.ROTATE_270}
    out = image.transpose(ops[angle])
    out.info = dict(image.info)  # the scan's dpi: RapidOCR looks for column gutters by it
    return out


def read_upright(engine: Engine, image: Image, script: str = "auto") -> PageText:
    """The page read as it lies, or turned a quarter or a half when that reads better."""
    best = engine.recognise(image, script)
    if not looks_wrong(best, engine.legible):
        return best
    if best.sideways <= SIDEWAYS:
        order = ACROSS
    else:
        order = SIDE_READ_WELL if best.confidence >= engine.legible else SIDE_READ_BADLY
    for angle in order:
        page = replace(engine.recognise(turned(image, angle), script), rotation=angle)
        if score(page) > score(best):
            best = page
        if not looks_wrong(page, engine.legible):
            break
    return best
