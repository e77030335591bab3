"""Scanned-looking pages rendered from real text, with the text they show (the ground truth).

Layout follows the national standard for official documents (GB/T 9704: 三号 16 pt body,
28 characters × 22 lines on A4) so that a page carries what a real scanned page carries.
Degradations imitate a cheap office scanner: a page fed 1–2° askew, slight defocus, sensor
noise and JPEG compression. Used by ``bench/ocr.py`` and by the OCR tests.
"""

from __future__ import annotations

import io
import random
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FACE = {"simplified": 2, "traditional": 3}  # index of the SC / TC face in the collections
A4_IN = (8.27, 11.69)


@dataclass(frozen=True)
class Page:
    """A rendered page and the text on it, line by line, in reading order."""

    image: Image.Image
    lines: tuple[str, ...]
    name: str = ""

    @property
    def truth(self) -> str:
        return "\n".join(self.lines)


def _font(script: str, px: int, sans: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(SANS if sans else SERIF, px, index=FACE[script])


def wrap(text: str, width: int) -> list[str]:
    """Hard-wrap paragraphs at ``width`` characters (Chinese has no word breaks)."""
    out: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        while para:
            out.append(para[:width])
            para = para[width:]
    return out


def body_page(text: str, script: str, dpi: int, *, lines: int = 22, per_line: int = 28,
              pt: float = 16.0) -> Page:
    """A GB/T 9704 body page: ``lines`` × ``per_line`` characters of ``text``."""
    w, h = int(A4_IN[0] * dpi), int(A4_IN[1] * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    px = round(pt / 72 * dpi)
    font = _font(script, px)
    shown = wrap(text, per_line)[:lines]
    x, y = int(28 / 25.4 * dpi), int(37 / 25.4 * dpi)
    step = int(px * 1.75)
    for ln in shown:
        draw.text((x, y), ln, font=font, fill=0)
        y += step
    return Page(img, tuple(shown))


def two_column_page(text: str, script: str, dpi: int, *, lines: int = 34) -> Page:
    """Two columns of 五号 (10.5 pt) text, as in bulletins and gazettes; left column first."""
    w, h = int(A4_IN[0] * dpi), int(A4_IN[1] * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    px = round(10.5 / 72 * dpi)
    font = _font(script, px)
    per_line = 18
    shown = wrap(text, per_line)[: 2 * lines]
    left, right = shown[:lines], shown[lines:]
    margin = int(20 / 25.4 * dpi)
    gap = int(10 / 25.4 * dpi)
    step = int(px * 1.7)
    for col, col_lines in enumerate((left, right)):
        x = margin + col * (per_line * px + gap)
        y = margin
        for ln in col_lines:
            draw.text((x, y), ln, font=font, fill=0)
            y += step
    return Page(img, tuple(left + right))


def table_page(rows: list[tuple[str, ...]], script: str, dpi: int,
               title: str = "") -> Page:
    """A ruled table (a catalogue or a budget annex); cells read row by row."""
    w, h = int(A4_IN[0] * dpi), int(A4_IN[1] * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    px = round(12 / 72 * dpi)
    font = _font(script, px, sans=True)
    margin = int(20 / 25.4 * dpi)
    lines: list[str] = []
    y = margin
    if title:
        draw.text((margin, y), title, font=_font(script, round(16 / 72 * dpi)), fill=0)
        lines.append(title)
        y += int(px * 3)
    ncols = max(len(r) for r in rows)
    widths = [max(len(r[c]) if c < len(r) else 0 for r in rows) + 2 for c in range(ncols)]
    scale = (w - 2 * margin) / (sum(widths) * px)
    xs = [margin]
    for wd in widths:
        xs.append(xs[-1] + int(wd * px * scale))
    row_h = int(px * 2.2)
    for r in rows:
        draw.line((xs[0], y, xs[-1], y), fill=0, width=max(1, dpi // 100))
        for c, cell in enumerate(r):
            draw.text((xs[c] + px // 2, y + int(px * 0.55)), cell, font=font, fill=0)
        y += row_h
    draw.line((xs[0], y, xs[-1], y), fill=0, width=max(1, dpi // 100))
    top = y - row_h * len(rows)
    for x in xs:
        draw.line((x, top, x, y), fill=0, width=max(1, dpi // 100))
    lines.extend("".join(r) for r in rows)
    return Page(img, tuple(lines))


def degrade(page: Page, seed: int, *, kind: str = "all") -> Page:
    """Skew ±1–2°, defocus, noise and JPEG, as a cheap scanner does (``kind`` picks one)."""
    rnd = random.Random(seed)
    img = page.image
    if kind in ("skew", "all"):
        angle = rnd.choice((-1, 1)) * rnd.uniform(1.0, 2.0)
        img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if kind in ("blur", "all"):
        img = img.filter(ImageFilter.GaussianBlur(rnd.uniform(0.8, 1.2) * img.width / 2480))
    if kind in ("noise", "all"):
        import numpy as np

        arr = np.asarray(img, dtype=np.float32)
        rng = np.random.default_rng(seed)
        arr = arr * 0.85 + 25 + rng.normal(0, 18, arr.shape)
        specks = rng.random(arr.shape)
        arr[specks < 0.002] = 0
        arr[specks > 0.998] = 255
        img = Image.fromarray(arr.clip(0, 255).astype("uint8"))
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=60)
        img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    return Page(img, page.lines, f"{page.name}+{kind}")


def han(text: str) -> str:
    """Only the Han characters: what character accuracy is computed on."""
    return "".join(c for c in text if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), O(len(a)·len(b))."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def alnum(text: str) -> str:
    """Only the digits and Latin letters (full-width folded): 文号, dates, phone numbers."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if c.isascii() and c.isalnum())


def alnum_accuracy(truth: str, got: str) -> float | None:
    """1 − CER on digits and Latin letters, or None for a page that has none."""
    t, g = alnum(truth), alnum(got)
    return max(0.0, 1.0 - edit_distance(t, g) / len(t)) if t else None


def char_accuracy(truth: str, got: str) -> float:
    """1 − CER on Han characters (floored at 0)."""
    t, g = han(truth), han(got)
    if not t:
        return 1.0 if not g else 0.0
    return max(0.0, 1.0 - edit_distance(t, g) / len(t))
