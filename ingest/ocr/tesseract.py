"""Tesseract 5 (LSTM) with Debian's ``chi_sim`` / ``chi_tra`` models, called as a program.

Calling the ``tesseract`` binary (PNG on stdin, TSV on stdout) needs no Python binding and
keeps the engine in its own process. It has one model per script, so ``script="auto"``
reads the page with both and keeps the one with the higher confidence; the caller passes
the winner to the document's later pages, so only the first page costs twice.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from functools import cache
from typing import TYPE_CHECKING

from ingest.ocr.engine import PageText, join_words

if TYPE_CHECKING:
    from PIL.Image import Image

LANGS = {"simplified": "chi_sim", "traditional": "chi_tra"}


@cache
def _binary() -> str | None:
    return shutil.which("tesseract")


@cache
def installed_langs() -> frozenset[str]:
    """Language models the installed tesseract has (``chi_sim``, ``chi_tra``, …)."""
    exe = _binary()
    if exe is None:
        return frozenset()
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False)
    return frozenset(ln.strip() for ln in out.stdout.splitlines()[1:] if ln.strip())


def available() -> bool:
    """Installed with at least the Simplified Chinese model."""
    return "chi_sim" in installed_langs()


class TesseractEngine:
    """Tesseract LSTM, page segmentation ``psm`` (3: automatic, handles columns and tables)."""

    name = "tesseract"
    legible = 0.50  # upright pages 0.65 (a ruled table)-0.93, sideways or upside down ≤ 0.27

    def __init__(self, psm: int = 3) -> None:
        if not available():
            raise RuntimeError("tesseract with the chi_sim model is not installed")
        self.psm = psm

    def version(self) -> str:
        exe = _binary() or "tesseract"
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
        first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else ""
        return f"{first.strip()} psm{self.psm}"

    def recognise(self, image: Image, script: str = "auto") -> PageText:
        png = _png(image)
        if script in LANGS:
            return self._read(png, script)
        candidates = [s for s, lang in LANGS.items() if lang in installed_langs()]
        results = [self._read(png, s) for s in candidates]
        return max(results, key=lambda r: (r.confidence, len(r.text)))

    def _read(self, png: bytes, script: str) -> PageText:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        cmd = [_binary() or "tesseract", "stdin", "stdout", "-l", LANGS[script],
               "--psm", str(self.psm), "-c", "preserve_interword_spaces=0", "tsv"]
        out = subprocess.run(cmd, input=png, capture_output=True, env=env, check=False)
        if out.returncode != 0:
            msg = out.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(f"tesseract failed: {msg[-1] if msg else out.returncode}")
        text, conf = _from_tsv(out.stdout.decode("utf-8", "replace"))
        return PageText(text=text, confidence=conf, script=script)


def _png(image: Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _from_tsv(tsv: str) -> tuple[str, float]:
    """Lines of text (paragraphs separated by blank lines) and the char-weighted confidence.

    Words of a line are joined without spaces between Han characters, except across a wide
    gap (over 1.5 line heights): that is a table cell or a label and its value
    (发文字号  国办函〔2018〕71号), which metadata extraction needs kept apart.
    """
    lines: dict[tuple[int, int, int, int], list[tuple[int, int, int, str]]] = {}
    weighted = 0.0
    chars = 0
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(reader, None)
    for row in reader:
        if len(row) < 12 or row[0] != "5":
            continue
        word = row[11].strip()
        if not word:
            continue
        key = (int(row[2]), int(row[3]), int(row[4]), int(row[1]))
        left, width, height = int(row[6]), int(row[8]), int(row[9])
        lines.setdefault(key, []).append((left, width, height, word))
        conf = max(0.0, float(row[10]))
        weighted += conf * len(word)
        chars += len(word)
    out: list[str] = []
    last_par: tuple[int, int] | None = None
    for (block, par, _line, _page), words in sorted(lines.items()):
        if last_par is not None and (block, par) != last_par:
            out.append("")
        last_par = (block, par)
        line_h = max(h for _, _, h, _ in words)
        cells: list[list[str]] = [[]]
        end = None
        for left, width, _h, word in words:
            if end is not None and left - end > 1.5 * line_h:
                cells.append([])  # a wide gap: a new table cell, kept apart
            cells[-1].append(word)
            end = left + width
        out.append(" ".join(join_words(c) for c in cells))
    return "\n".join(out), (weighted / chars / 100.0 if chars else 0.0)
