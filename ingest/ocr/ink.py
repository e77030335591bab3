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

from PIL import Image

MARGIN = 0.05  # of each side, left out
DARKER = 15  # grey levels below the paper's: a blank scan's noise stays within ~4 sigma of 4
MARKED = 0.01  # of the page's pixels that darker: marks (a blank scan has ~0.003%)


def ink_share(image: Image.Image) -> float:
    """The share of the page (inside the margin) darker than its paper by :data:`DARKER`."""
    grey = image.convert("L")
    w, h = grey.size
    dx, dy = int(w * MARGIN), int(h * MARGIN)
    if w - 2 * dx > 0 and h - 2 * dy > 0:
        grey = grey.crop((dx, dy, w - dx, h - dy))
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
    return ink_share(image) >= MARKED
