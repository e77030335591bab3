"""Reading order of pages scanned askew: RapidOCR's boxes put in rows as they lie, and levelled
by the lines' own slope first (``ingest.ocr.rapid._leveller``), on the same readings.

    nice python bench/ocr_askew.py [--texts 3]

Pages are GB/T 9704 body pages of 11 pt print (40 × 30 characters, A4, 200 dpi: QA pass 37b's
scrambled page) and of 16 pt (28 × 22), rendered from real corpus texts and turned by each angle.
Each page is recognised once; its boxes are then ordered both ways, so the two columns differ
only in the order. Accuracy is 1 − CER on Han characters in reading order (``bench/ocr_pages``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.ocr_pages import body_page, char_accuracy  # noqa: E402
from ingest.ocr import rapid  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "docs" / "gov_work_report"
ANGLES = (0.0, 1.0, 1.5, 2.5, -2.5, 4.0, -4.0)
SIZES = ((11.0, 40, 30), (16.0, 28, 22))  # pt, characters per line, lines


def _texts(n: int) -> list[str]:
    files = sorted(CORPUS.glob("*.txt"))
    out = []
    for f in random.Random(37).sample(files, n):
        lines = [ln for ln in f.read_text(encoding="utf-8").splitlines() if len(ln) > 30]
        out.append("".join(lines[3:20]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--texts", type=int, default=3, help="corpus texts per size and angle")
    args = ap.parse_args()
    engine = rapid.RapidEngine()
    found: list = []
    engine_boxes = engine._boxes

    def keep(rgb):  # noqa: ANN001, ANN202 - the readings, to be ordered both ways
        out = engine_boxes(rgb)
        found.append(out)
        return out

    engine._boxes = keep  # type: ignore[method-assign]
    print("| print | angle | pages | upright boxes | levelled boxes |")
    print("|---|---:|---:|---:|---:|")
    for pt, per_line, lines in SIZES:
        for angle in ANGLES:
            as_lying, levelled = [], []
            for text in _texts(args.texts):
                page = body_page(text, "simplified", 200, lines=lines, per_line=per_line, pt=pt)
                img = page.image.rotate(angle, expand=True, fillcolor=255,
                                        resample=Image.BICUBIC)  # fmt: skip
                img.info["dpi"] = (200, 200)
                found.clear()
                engine.recognise(img)
                if len(found) != 1:  # a page cut at a gutter: not these pages
                    sys.exit("a body page was read as two columns")
                levelled.append(char_accuracy(page.truth, rapid._text(found[0]).text))
                saved = rapid.LEVEL_BELOW_DEGREES
                rapid.LEVEL_BELOW_DEGREES = 90.0  # never levelled: the boxes as they lie
                try:
                    as_lying.append(char_accuracy(page.truth, rapid._text(found[0]).text))
                finally:
                    rapid.LEVEL_BELOW_DEGREES = saved
            print(f"| {pt:g} pt | {angle:+g}° | {len(levelled)} | "
                  f"{statistics.fmean(as_lying):.3f} (min {min(as_lying):.3f}) | "
                  f"{statistics.fmean(levelled):.3f} (min {min(levelled):.3f}) |")


if __name__ == "__main__":
    main()
