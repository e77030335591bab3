"""PaddleOCR models run by ONNX Runtime, from the RapidOCR packages on PyPI.

Two packages, two engines: ``rapidocr`` (3.x, PP-OCRv6 small detection and recognition) and
``rapidocr_onnxruntime`` (1.4, PP-OCRv4 mobile). Both ship their ``.onnx`` models inside the
wheel; we pass those files explicitly so that the package never looks for (or downloads)
anything at run time. One recognition model reads Simplified and Traditional alike, so the
script is not guessed. ONNX Runtime is held to one thread: ingest parallelises across files.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import importlib.util
import math
import re
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest.ocr.engine import PageText

if TYPE_CHECKING:
    from PIL.Image import Image

V3_MODELS = ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx")
V1_MODELS = ("ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx")


def _models_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "models"


def available(package: str = "rapidocr") -> bool:
    """The package is importable and its bundled models are present (no download needed)."""
    models = _models_dir(package)
    if models is None or importlib.util.find_spec("onnxruntime") is None:
        return False
    names = V3_MODELS if package == "rapidocr" else V1_MODELS
    return all((models / n).is_file() for n in names)


Box = tuple[float, float, float, float]  # left, top, right, bottom


def reading_order(boxes: list[tuple[Box, str]]) -> list[str]:
    """Lines in reading order: columns first (left to right), rows within a column.

    A column gutter is a vertical strip, at least two text heights wide, that no box
    crosses; with more than two such columns the page is a table and is read by rows.
    Without this, a two-column bulletin is read across both columns line by line and
    every sentence is cut in two.
    """
    if len(boxes) < 4:
        return rows(boxes)
    height = sorted(b[3] - b[1] for b, _ in boxes)[len(boxes) // 2]
    gutter = _gutter(boxes, 2 * height)
    if gutter is None:
        return rows(boxes)
    left = [b for b in boxes if b[0][2] <= gutter]
    right = [b for b in boxes if b[0][0] >= gutter]
    if any(len(side) >= 4 and _gutter(side, 2 * height) is not None for side in (left, right)):
        return rows(boxes)  # three or more columns: a table, read row by row
    return reading_order(left) + reading_order(right)


def _gutter(boxes: list[tuple[Box, str]], min_width: float) -> float | None:
    """The x of a vertical gap no box crosses, with text on both sides, or None."""
    x0 = min(b[0] for b, _ in boxes)
    x1 = max(b[2] for b, _ in boxes)
    spans = sorted((b[0], b[2]) for b, _ in boxes)
    reach = spans[0][1]
    for start, end in spans[1:]:
        if start - reach >= min_width and x0 + 0.2 * (x1 - x0) < start < x1:
            left = sum(1 for b, _ in boxes if b[2] <= reach)
            if left >= 3 and len(boxes) - left >= 3:
                return (reach + start) / 2
        reach = max(reach, end)
    return None


def rows(boxes: list[tuple[Box, str]]) -> list[str]:
    """Text boxes → lines: boxes whose vertical centres fall within half a box height of
    each other are one row, read left to right, cells separated by a space.

    The detector returns every table cell and every label/value pair as its own box; read
    one per line, "成文日期" would be followed by a value a metadata rule cannot tie to it.
    """
    out: list[list[tuple[Box, str]]] = []
    for box, text in sorted(boxes, key=lambda b: (b[0][1] + b[0][3]) / 2):
        mid = (box[1] + box[3]) / 2
        if out:
            last = out[-1][-1][0]
            height = max(1.0, min(box[3] - box[1], last[3] - last[1]))
            if abs(mid - (last[1] + last[3]) / 2) < height / 2:
                out[-1].append((box, text))
                continue
        out.append([(box, text)])
    return [" ".join(t for _, t in sorted(row, key=lambda b: b[0][0])) for row in out]


# RapidOCR turns a box at least this much taller than wide a quarter before reading it
# (``rapidocr.utils.process_img``): a line running up or down the page.
UPRIGHT_LINE = 1.5


# a page turned by less than this is read as it lies: its lines' boxes overlap no other line
LEVEL_BELOW_DEGREES = 0.3


def _leveller(polygons: list[Any]) -> Callable[[Any], tuple[list[float], list[float]]]:
    """A box's corners as a page scanned askew would have them lying straight: turned about the
    page's origin by the median slope of the lines (a quadrilateral's top edge, of boxes
    longer than tall). On a page turned 2.5°, a line 2,000 pixels long drops 87 — more than a
    line's pitch — so the upright bounding boxes of its pieces interleaved with the next
    line's and :func:`rows` read them out of order (QA pass 37b: 11 pt print, 0.655 of its
    characters in order). The recogniser reads each box along its own slope already; only
    the order needed the page's slope taken out."""
    slopes = []
    for poly in polygons:
        (x0, y0), (x1, y1) = (float(poly[0][0]), float(poly[0][1])), (float(poly[1][0]),
                                                                      float(poly[1][1]))
        width = x1 - x0
        height = abs(float(poly[3][1]) - y0)
        if width > 2 * max(height, 1.0):
            slopes.append(math.atan2(y1 - y0, width))
    angle = statistics.median(slopes) if slopes else 0.0
    if abs(math.degrees(angle)) < LEVEL_BELOW_DEGREES:
        return lambda poly: ([float(pt[0]) for pt in poly], [float(pt[1]) for pt in poly])
    cos, sin = math.cos(angle), math.sin(angle)

    def level(poly: Any) -> tuple[list[float], list[float]]:
        points = [(float(pt[0]), float(pt[1])) for pt in poly]
        return ([x * cos + y * sin for x, y in points], [y * cos - x * sin for x, y in points])

    return level


def _text(found: list[tuple[Any, str, float]]) -> PageText:
    """``(polygon, text, score)`` per detected box → the page, confidence char-weighted, and
    the share of characters in boxes RapidOCR read as vertical lines (``PageText.sideways``)."""
    kept = [(p, t.strip(), s) for p, t, s in found if t.strip()]
    chars = sum(len(t) for _, t, _ in kept)
    conf = sum(len(t) * s for _, t, s in kept) / chars if chars else 0.0
    boxes = []
    upright = 0
    level = _leveller([p for p, _, _ in kept])
    for poly, text, _ in kept:
        xs, ys = level(poly)
        boxes.append(((min(xs), min(ys), max(xs), max(ys)), text))
        if max(ys) - min(ys) >= UPRIGHT_LINE * max(1.0, max(xs) - min(xs)):
            upright += len(text)
    return PageText(text="\n".join(reading_order(boxes)), confidence=float(conf),
                    sideways=upright / chars if chars else 0.0)


# Two settings make a page about 2× cheaper than a fixed 960 px detector, with the same accuracy
# (bench/README.md "OCR"): the detector sees the page scaled so that a line of text is
# ``DET_TEXT_PX`` high (:func:`detector_side`), and the recogniser reads each line narrowed to
# ``REC_SQUEEZE`` of its width. Recognition was 87% of a page's time and its cost grows with
# the line's width; a Han character stays legible at 0.6 of its width, and 0.6 still gives
# the recogniser's 8-pixel output steps two per half-width digit (at 0.5, digits of 文号 and
# dates ran together). The detector, scaled to the text rather than to a fixed page size,
# is as fast as it can be on a body page and still sees small print (a footnote, a table, a
# 110 dpi scan) at a size it detects. At small sizes the detector joins the lines of two
# columns across the gutter, so a page with a gutter is cut there first
# (:func:`column_gutter`) and each column is recognised on its own.
SPEED_PARAMS = {"Det.limit_type": "max", "Rec.rec_batch_num": 3}
DET_TEXT_PX = 10.0  # line height the detector sees
DET_SIDE = (512, 2000)  # the detector's long side, clamped to this range
DET_SIDE_UNKNOWN = 960  # when no line height can be measured (a photo, a blank page)
REC_SQUEEZE = 0.6  # line width given to the recogniser, as a share of its own
INK = 128  # grey level below which a pixel is ink
GUTTER_MM = 5.0  # the narrowest blank strip taken for a gutter (bulletins use 7-12 mm)


def text_height(grey: np.ndarray, strips: int = 4) -> float | None:
    """Median height in pixels of the page's lines of text, or None when it has none.

    Lines are the runs of rows holding ink, counted in ``strips`` vertical strips so that a
    skewed page (±2°) or two columns out of step do not run neighbouring lines together.
    """
    ink = grey < INK
    cols = np.flatnonzero(ink.sum(axis=0) > 2)
    if len(cols) < 10:
        return None
    edges = np.linspace(cols[0], cols[-1] + 1, strips + 1).astype(int)
    heights: list[int] = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        rows = ink[:, a:b].sum(axis=1) > max(1, (b - a) // 200)
        step = np.diff(np.concatenate(([0], rows.astype(np.int8), [0])))
        runs = np.flatnonzero(step == -1) - np.flatnonzero(step == 1)
        heights.extend(runs[runs >= 3].tolist())
    return float(np.median(heights)) if len(heights) >= 3 else None


def detector_side(grey: np.ndarray) -> int:
    """The detector's long side for this page: lines ``DET_TEXT_PX`` high, within ``DET_SIDE``."""
    height = text_height(grey)
    if height is None:
        return DET_SIDE_UNKNOWN
    side = round(max(grey.shape) * DET_TEXT_PX / height)
    return min(DET_SIDE[1], max(DET_SIDE[0], side))


# a 文号's year and number as a narrowed line reads it, whatever became of its issuer
_NUMBERED = re.compile(r"[〔［\[【(（]\s*(?:19|20)\d{2}\s*[〕］\]】)）]\s*第?\s*\d{1,4}\s*号")


def numbered_lines(texts: Sequence[str] | None) -> list[int]:
    """The lines that read as holding a 文号, recognised again at full width: narrowed, a
    line's year and number stay legible but an issuer's character can drop (QA pass 37b: a
    clean 300 dpi 国办发〔1996〕2号 read 国发〔1996〕2号 at 99.8%, a real-looking other number,
    and search for the right one missed the scan). A page has one or two such lines."""
    return [i for i, t in enumerate(texts or ()) if _NUMBERED.search(t)]


def squeeze(lines: list[np.ndarray], share: float) -> list[np.ndarray]:
    """Each line image narrowed to ``share`` of its width (height kept)."""
    if share >= 1.0:
        return lines
    import cv2  # rapidocr's own dependency (opencv-python)

    return [
        cv2.resize(line, (max(1, round(line.shape[1] * share)), line.shape[0]),
                   interpolation=cv2.INTER_AREA) if line.shape[1] > 1 else line
        for line in lines
    ]


def column_gutter(grey: np.ndarray, dpi: float = 200.0) -> int | None:
    """The x of a gutter between two text columns, or None.

    A gutter is a vertical strip at least ``GUTTER_MM`` wide, in the middle half of the text's
    width, that holds (almost) no ink over the text's full height, with text beside it on both
    sides over most of that height. A one-column page has none: its lines cross the middle. A
    ruled table has none either: its rules cross every strip. Written by hand: numpy does it in
    a few milliseconds and no layout library we can install does it more simply.
    """
    ink = grey < INK
    rows = np.flatnonzero(ink.sum(axis=1) > 2)
    cols = np.flatnonzero(ink.sum(axis=0) > 2)
    if len(rows) < 10 or len(cols) < 10:
        return None
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    body = ink[top:bottom, left:right]
    height, width = body.shape
    per_col = body.sum(axis=0)
    blank = per_col <= max(2, height // 500)  # speckle from a scanner is not text
    lo, hi = width // 4, width - width // 4
    min_width = max(8, round(GUTTER_MM / 25.4 * dpi))
    best: tuple[int, int] | None = None
    start = None
    for x in range(lo, hi + 1):
        if x < hi and blank[x]:
            start = x if start is None else start
            continue
        if start is not None and x - start >= min_width and (best is None or x - start > best[1]):
            best = (start, x - start)
        start = None
    if best is None:
        return None
    cut = best[0] + best[1] // 2
    sides = (body[:, : best[0]], body[:, best[0] + best[1] :])
    if any((side.sum(axis=1) > 0).mean() < 0.5 for side in sides):
        return None  # text on one side only (a signature block, a short note): not columns
    return left + cut


class RapidEngine:
    """``rapidocr`` 3.x with its bundled PP-OCRv6 small models.

    ``fixed_side`` and ``rec_squeeze`` are the speed settings above; ``bench/ocr.py`` sets
    them on an instance (960 and 1.0) to measure the settings before them in the same run.
    """

    name = "rapidocr"
    package = "rapidocr"
    legible = 0.90  # upright pages 0.98-1.00, sideways or upside down ≤ 0.64, blurred away ≤ 0.81

    def __init__(self) -> None:
        if not available(self.package):
            raise RuntimeError(f"{self.package} with its bundled models is not installed")
        self._ocr: Any = None
        self.fixed_side: int | None = None  # None: the detector is sized to the print
        self.rec_squeeze = REC_SQUEEZE
        self._side = DET_SIDE_UNKNOWN  # this page's, set by recognise()

    def version(self) -> str:
        return f"{self.package} {importlib.metadata.version(self.package)} " + "+".join(
            n.removesuffix(".onnx") for n in V3_MODELS
        ) + f" det{self.fixed_side or DET_TEXT_PX} rec{self.rec_squeeze} columns numbers levelled"
        # the cache key: results of other settings are not reused

    def _load(self) -> Any:
        if self._ocr is None:
            from rapidocr import RapidOCR

            engine = self

            class Narrowed(RapidOCR):  # type: ignore[misc]
                """RapidOCR with the detector's size per page and narrowed line images.

                Overrides two steps of RapidOCR's pipeline (pinned to 3.10 in pyproject.toml,
                since the method names are not a public API; tests/ingest/test_ocr.py reads
                real pages through them).
                """

                def detect_and_crop(self, img: np.ndarray, op_record: dict) -> Any:
                    self._load_det_model().limit_side_len = engine._side
                    return super().detect_and_crop(img, op_record)

                def recognize_txt(self, img: list[np.ndarray]) -> Any:
                    got = super().recognize_txt(squeeze(img, engine.rec_squeeze))
                    again = numbered_lines(got.txts) if engine.rec_squeeze < 1.0 else []
                    if not again:
                        return got
                    full = super().recognize_txt([img[i] for i in again])
                    txts, scores = list(got.txts), list(got.scores)
                    for k, i in enumerate(again):
                        txts[i], scores[i] = full.txts[k], full.scores[k]
                    return dataclasses.replace(got, txts=tuple(txts), scores=scores)

            models = _models_dir(self.package)
            assert models is not None
            self._ocr = Narrowed(params={
                "Global.log_level": "error",
                "Global.use_cls": False,
                "Det.model_path": str(models / V3_MODELS[0]),
                "Rec.model_path": str(models / V3_MODELS[1]),
                "Det.limit_side_len": DET_SIDE_UNKNOWN,
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                **SPEED_PARAMS,
            })
        return self._ocr

    def recognise(self, image: Image, script: str = "auto") -> PageText:
        rgb = np.asarray(image.convert("RGB"))
        grey = np.asarray(image.convert("L"))
        dpi = float((image.info.get("dpi") or (200.0,))[0]) or 200.0
        self._side = self.fixed_side or detector_side(grey)
        cut = column_gutter(grey, dpi)
        if cut is None:
            return _text(self._boxes(rgb))
        # each column on its own, left first: the detector cannot join lines across the gutter
        left = _text(self._boxes(rgb[:, :cut]))
        right = _text(self._boxes(rgb[:, cut:]))
        chars = len(left.text) + len(right.text)
        if not chars:
            return PageText(text="\n", confidence=0.0)
        conf = (len(left.text) * left.confidence + len(right.text) * right.confidence) / chars
        sideways = (len(left.text) * left.sideways + len(right.text) * right.sideways) / chars
        return PageText(text=left.text + "\n" + right.text, confidence=conf, sideways=sideways)

    def _boxes(self, rgb: np.ndarray) -> list[tuple[Any, str, float]]:
        out = self._load()(np.ascontiguousarray(rgb))
        if out.boxes is None or out.txts is None or out.scores is None:
            return []
        return list(zip(out.boxes, out.txts, out.scores, strict=True))


class RapidOrtEngine:
    """``rapidocr_onnxruntime`` 1.4 with its bundled PP-OCRv4 mobile models."""

    name = "rapidocr-v4"
    package = "rapidocr_onnxruntime"
    legible = 0.80  # not measured (not installed here): below RapidOCR 3's, to keep text

    def __init__(self) -> None:
        if not available(self.package):
            raise RuntimeError(f"{self.package} with its bundled models is not installed")
        self._ocr: Any = None

    def version(self) -> str:
        dist = self.package.replace("_", "-")
        return f"{dist} {importlib.metadata.version(dist)} " + "+".join(
            n.removesuffix(".onnx") for n in V1_MODELS
        )

    def _load(self) -> Any:
        if self._ocr is None:
            from rapidocr_onnxruntime import RapidOCR

            models = _models_dir(self.package)
            assert models is not None
            self._ocr = RapidOCR(
                det_model_path=str(models / V1_MODELS[0]),
                rec_model_path=str(models / V1_MODELS[1]),
                use_cls=False,
                intra_op_num_threads=1,
                inter_op_num_threads=1,
            )
        return self._ocr

    def recognise(self, image: Image, script: str = "auto") -> PageText:
        result, _ = self._load()(np.asarray(image.convert("RGB")), use_cls=False)
        return _text([(r[0], str(r[1]), float(r[2])) for r in result or ()])
