"""What an OCR engine is to the rest of ingest: a name, a version and one call per page.

An engine is a ``typing.Protocol`` so that a new one (a bigger PaddleOCR model, a cloud
service) is a module of its own registered in ``ingest.ocr.engines``, with no change to the
runner, the cache or the formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from PIL.Image import Image

Script = Literal["auto", "simplified", "traditional"]
SCRIPTS: tuple[str, ...] = ("auto", "simplified", "traditional")


@dataclass(frozen=True)
class PageText:
    """Recognised text of one page.

    ``confidence`` is the engine's own score in [0, 1], weighted by characters (0 for a page
    with no text); ``script`` is the script the engine read it in, so that the following pages
    of the same document need not guess again (``auto`` when the engine does not care).
    ``sideways`` is the share of the characters the engine found in lines running up or down
    the page (0 when it cannot tell): RapidOCR reads such a line turned a quarter, so a page
    scanned on its side can come back at full confidence with its lines in reverse order, and
    only their shape gives it away (``ingest.ocr.orientation``). ``rotation`` is how far the
    page was turned, counter-clockwise in degrees, for the reading kept (0: as scanned).
    ``marked``: a page that gave no text has marks on it (``ingest.ocr.ink``): it was not read,
    where a blank page has nothing to read.
    """

    text: str
    confidence: float
    script: str = "auto"
    sideways: float = 0.0
    rotation: int = 0
    marked: bool = False


class Engine(Protocol):
    """A recogniser for page images of Chinese documents."""

    name: str
    # The confidence below which this engine's reading of a page is garbage, not text: each
    # engine scores on its own scale (RapidOCR 0.98-1.00 on every upright page measured and at
    # most 0.64 on a page on its side, Tesseract 0.65-0.93 and 0.27; bench/README.md "OCR",
    # "Pages scanned sideways"). Below it the page is tried in the other orientations, and a
    # page read below it in all of them is not kept.
    legible: float

    def version(self) -> str:
        """Engine and model version: part of the cache key, so an upgrade re-recognises."""
        ...

    def recognise(self, image: Image, script: str = "auto") -> PageText:
        """Text of one page image (any mode; engines convert), Simplified or Traditional."""
        ...


def is_cjk(ch: str) -> bool:
    """Han ideographs and CJK punctuation/full-width forms: joined without spaces."""
    return (
        "\u3000" <= ch <= "\u303f"
        or "\u3400" <= ch <= "\u9fff"
        or "\uf900" <= ch <= "\ufaff"
        or "\uff00" <= ch <= "\uffef"
    )


def join_words(words: list[str]) -> str:
    """Join recognised words of one line: no space between CJK neighbours, one otherwise.

    Engines segment Chinese lines into arbitrary pieces; a space left between two Han
    characters would break phrase search and 文号 matching, so it is dropped.
    """
    out = ""
    for word in words:
        word = word.strip()
        if not word:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(word[0])):
            out += " "
        out += word
    return out
