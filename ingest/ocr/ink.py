"""Whether a page that gave no text has marks on it.

The engine finds no text on a blank page and on a page too faint or blurred to read alike, and
both came back as an empty page read in full (QA pass 37b: a blurred, faded page 2 was counted
as read, the document said 99.8% confidence, and nothing told the archive to look at the
original). A page with marks on it and no text is a page not read; a blank one is blank.

The measure is the share of the page darker than its paper by more than a scan's own noise,
inside a margin (a scanner's lid leaves dark edges on blank pages). Hand-written: a few lines on
the image's histogram, where no library answers "is this page blank".
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

MARGIN = 0.05  # of each side, left out
DARKER = 15  # grey levels below the paper's: a blank scan's noise stays within ~4 sigma of 4
MARKED = 0.01  # of the page's pixels that darker: marks (a blank scan has ~0.003%)
# Fainter still (QA pass 40b: ink at 215 on paper at 250, blurred, its darkest pixel 13 levels
# below the paper: dropped as blank), marks are found in the page averaged over blocks: a
# scan's noise falls by the block's side, a blurred stroke does not. Each block is compared with
# the paper around it, so a page lit unevenly is no mark.
BLOCK = 8  # pixels of a side averaged
FAINT_DARKER = 4  # grey levels below the paper around, after averaging (noise: σ ≈ 0.5)
AROUND = 12  # blocks: the reach of "the paper around"


def _inside(image: Image.Image) -> Image.Image:
    grey = image.convert("L")
    w, h = grey.size
    dx, dy = int(w * MARGIN), int(h * MARGIN)
    if w - 2 * dx > 0 and h - 2 * dy > 0:
        grey = grey.crop((dx, dy, w - dx, h - dy))
    return grey


def faint_share(image: Image.Image) -> float:
    """The share of the page's blocks darker than the paper around them by
    :data:`FAINT_DARKER`, once averaged (:data:`BLOCK`)."""
    small = _inside(image).reduce(BLOCK)
    if min(small.size) < 2 * AROUND:
        return 0.0
    paper = np.asarray(small.filter(ImageFilter.BoxBlur(AROUND)), dtype=np.int16)
    lower = paper - np.asarray(small, dtype=np.int16)
    return float((lower >= FAINT_DARKER).mean())


def ink_share(image: Image.Image) -> float:
    """The share of the page (inside the margin) darker than its paper by :data:`DARKER`."""
    grey = _inside(image)
    counts = grey.histogram()
    total = sum(counts)
    if not total:
        return 0.0
    seen = 0
    paper = 255
    for level, n in enumerate(counts):  # the median: most of a page is its paper
        seen += n
        if seen * 2 >= total:
            paper = level
            break
    return sum(counts[: max(0, paper - DARKER)]) / total


def marked(image: Image.Image) -> bool:
    """Whether the page has marks on it (text too faint or blurred to read, a drawing, a
    seal), not blank paper."""
    return ink_share(image) >= MARKED or faint_share(image) >= MARKED
