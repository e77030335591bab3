"""A scanned file's pages → recognised text: what the PDF and image formats call.

Ties the pieces together for one file: the active engine (``options``), the cache (by the
file's hash), the runner (limits per page) and a progress bar for long scans. A page that
fails is listed with its reason and the others are kept, so a 300-page register with one
damaged sheet is still found by everything else in it.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache

from ingest.errors import ExtractionError, ExtractionTimeout, UnsafeFile
from ingest.ocr import engines, orientation
from ingest.ocr.cache import OcrCache
from ingest.ocr.engine import PageText
from ingest.ocr.options import active_engine, options
from ingest.ocr.runner import OVER_MEMORY, OVER_TIME, PageFailed, PageRunner, Source

# Seconds one file's pages may take in this context (None: as long as they take). A file
# sent to the server is read while its request waits, holding a place at the gate: an 81 KB
# PDF of 300 blank scanned pages held the one anonymous place for 488 s, each page within its
# own limit (QA pass 36b). The API sets it (search_api); ``govsearch ingest`` reads on.
_FILE_SECONDS: ContextVar[float | None] = ContextVar("ocr_file_seconds", default=None)


class OcrTimeUp(ExtractionTimeout):
    """The file's pages took longer than the budget of :func:`file_budget`."""


@contextmanager
def file_budget(seconds: float | None) -> Iterator[None]:
    """OCR of each file read in this context (and the threads it is copied to) stops after
    ``seconds``, with :class:`OcrTimeUp`."""
    token = _FILE_SECONDS.set(seconds)
    try:
        yield
    finally:
        _FILE_SECONDS.reset(token)


NOTICE = "本文由扫描件识别，可能有误"
# ``PageText.rotation`` (counter-clockwise degrees) as a person turns a sheet to read it
TURNS = {90: "90° anticlockwise", 180: "180°", 270: "90° clockwise"}
PROGRESS_MIN_PAGES = 5
_SPACE_RE = re.compile(r"\s")


@dataclass(frozen=True)
class ScanText:
    """What OCR made of some pages of a file.

    ``texts`` maps 0-based page index → text for the pages read (from the engine or the
    cache); ``failed`` lists ``(index, reason)``, a page read below the engine's ``legible``
    confidence included; ``confidence`` is character-weighted over the pages read; ``engine`` is the
    engine's version string; ``turned`` maps the pages read turned (scanned on their side or
    upside down) to the turn, counter-clockwise degrees.
    """

    texts: dict[int, str]
    failed: tuple[tuple[int, str], ...]
    confidence: float
    engine: str
    cached: int = 0
    turned: dict[int, int] = field(default_factory=dict)

    def properties(self) -> dict[str, str]:
        """The file properties that mark the text as recognised (``ocr_failed``: the pages
        not read and why; ``ocr_turned``: the pages read turned, and how)."""
        props = {
            "text_source": "ocr",
            "ocr_engine": self.engine,
            "ocr_confidence": f"{self.confidence:.3f}",
            "ocr_pages": page_ranges(sorted(self.texts)),
        }
        if self.failed:
            props["ocr_failed"] = "; ".join(f"page {i + 1}: {why}" for i, why in self.failed)
        if self.turned:
            props["ocr_turned"] = "; ".join(f"page {i + 1}: {TURNS[turn]}"
                                            for i, turn in sorted(self.turned.items()))
        return props


def page_ranges(indices: Sequence[int]) -> str:
    """0-based indices → "1-3,7" (1-based, as people count pages)."""
    out: list[str] = []
    start = prev = None
    for i in indices:
        if start is None:
            start = prev = i
        elif i == prev + 1:
            prev = i
        else:
            out.append(f"{start + 1}" if start == prev else f"{start + 1}-{prev + 1}")
            start = prev = i
    if start is not None:
        out.append(f"{start + 1}" if start == prev else f"{start + 1}-{prev + 1}")
    return ",".join(out)


def unavailable_reason() -> str | None:
    """Why OCR will not run now (off, or no engine installed), or None when it will."""
    opts = options()
    if not opts.enabled:
        return "OCR is off (--no-ocr or GOVSEARCH_OCR=0)"  # QA pass 21: named the flag alone
    if active_engine() is None:
        if opts.engine:
            return f"OCR engine {opts.engine!r} is not installed"
        return "no OCR engine installed (see .ci/install)"
    return None


@cache
def engine_legible(name: str) -> float:
    """The confidence below which engine ``name`` reads garbage (``Engine.legible``)."""
    return engines.create(name).legible


@cache
def engine_version(name: str) -> str:
    """Version string of engine ``name`` (cheap: no model is loaded), with the orientation
    check's mark: part of the cache key, so pages read before it are read again."""
    return f"{engines.create(name).version()} {orientation.MARK}"


_runner: PageRunner | None = None
_runner_pid = 0


def _get_runner(name: str) -> PageRunner:
    """This process's runner; a forked worker never reuses its parent's child process."""
    global _runner, _runner_pid
    opts = options()
    if _runner is not None and _runner_pid == os.getpid() and (
        _runner.engine_name, _runner.timeout, _runner.memory_mb
    ) == (name, opts.page_timeout, opts.memory_mb):
        return _runner
    if _runner is not None and _runner_pid == os.getpid():
        _runner.close()
    _runner = PageRunner(name, timeout=opts.page_timeout, memory_mb=opts.memory_mb)
    _runner_pid = os.getpid()
    return _runner


@atexit.register
def close() -> None:
    """Stop this process's OCR child (also run at exit)."""
    global _runner
    if _runner is not None and _runner_pid == os.getpid():
        _runner.close()
    _runner = None


def recognise(kind: str, data: bytes, pages: Sequence[int] | None = None,
              label: str = "") -> ScanText:
    """Recognise ``pages`` (0-based; None: all) of a PDF (``kind="pdf"``) or image file.

    Raises ``PageFailed`` only when the file cannot be opened at all; page failures are in
    the result. The caller checks ``unavailable_reason()`` first.
    """
    name = active_engine()
    if name is None:
        raise PageFailed(unavailable_reason() or "OCR unavailable")
    opts = options()
    digest = hashlib.sha256(data).hexdigest()
    version = engine_version(name)
    legible = engine_legible(name)
    store = OcrCache(opts.cache_dir, digest, version, opts.dpi) if opts.cache_dir else None
    source = Source(kind, data, digest)
    runner = _get_runner(name)
    budget = _FILE_SECONDS.get()
    started = time.monotonic()
    if pages is None:
        pages = range(runner.load(source))
    texts: dict[int, str] = {}
    weights = 0.0
    chars = 0
    failed: list[tuple[int, str]] = []
    hits = 0
    turned: dict[int, int] = {}
    script = "auto"
    bar = _bar(len(pages), label)
    try:
        for index in pages:
            page: PageText | None = store.get(index) if store is not None else None
            if page is not None:
                hits += 1
            else:
                left = None if budget is None else budget - (time.monotonic() - started)
                if left is not None and left < 1.0:
                    raise _time_up(budget, len(texts), len(pages))
                try:
                    page = runner.page(source, index, opts.dpi, script, timeout=left)
                except PageFailed as exc:
                    if left is not None and time.monotonic() - started >= budget:
                        raise _time_up(budget, len(texts), len(pages)) from None
                    failed.append((index, str(exc)))
                    continue
                finally:
                    if bar is not None:
                        bar.update()
                if page is None:
                    continue  # no image on this page: nothing was scanned there
                if store is not None:
                    store.put(index, page)
            if page.marked:  # marks and no text: a page not read, not a blank one
                failed.append((index, "not legible: no text found on a page with marks on it "
                                      "(too faint or blurred to read, or no text)"))
                continue
            if page.text.strip() and page.confidence < legible:
                # garbage (a page too faint, too small, in no orientation readable): not kept,
                # never a document's title or snippet; listed like a page OCR failed on
                failed.append((index, f"not legible: read at {page.confidence:.0%} confidence "
                                      f"in every orientation (below {legible:.0%})"))
                continue
            if page.script != "auto":
                script = page.script
            if page.rotation:
                turned[index] = page.rotation
            texts[index] = page.text
            n = len(_SPACE_RE.sub("", page.text))
            weights += page.confidence * n
            chars += n
    finally:
        if bar is not None:
            bar.close()
    return ScanText(texts, tuple(failed), weights / chars if chars else 0.0, version, hits,
                    turned)


def _time_up(budget: float, read: int, total: int) -> OcrTimeUp:
    return OcrTimeUp(
        f"scan too long to read here: OCR read {read} of {total} pages in {budget:g} s, the "
        "limit for a file sent to the server (GOVSEARCH_OCR_REQUEST_SECONDS); send fewer "
        "pages, or ingest it with govsearch ingest, which has no such limit"
    )


def _bar(total: int, label: str):  # noqa: ANN202 - tqdm or None
    """A progress bar for long scans when a person is watching (stderr is a terminal)."""
    if total < PROGRESS_MIN_PAGES or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="page", desc=f"OCR {label}"[:40], leave=False)


def blank_pages(pages: Sequence[str], min_chars: int = 10) -> list[int]:
    """The pages (0-based) with (almost) no text layer: a scanned page, or a blank one."""
    return [i for i, p in enumerate(pages) if len(_SPACE_RE.sub("", p)) < min_chars]


# How a page left unread because OCR could not run is listed in ``ocr_failed``: such a document
# is read again by every ingest until OCR reads the page (pipeline.run.work), and the page says
# the text lacks it, as for a page OCR failed on
UNREAD = "not read, "


def unread_pages(indices: Sequence[int], why: str) -> dict[str, str]:
    """The ``ocr_failed`` property of scanned pages OCR did not run on (``why``: it is off, or
    no engine is installed): a PDF of text pages with one scanned page appended, read with
    OCR off, lost that page without a word (QA pass 42a)."""
    return {"ocr_failed": "; ".join(f"page {i + 1}: {UNREAD}{why}" for i in indices)}


def has_unread_pages(ocr_failed: str) -> bool:
    """Whether ``ocr_failed`` lists a page OCR did not run on (:func:`unread_pages`)."""
    return UNREAD in ocr_failed


def fill_pdf_pages(data: bytes, pages: list[str], min_chars: int = 10
                   ) -> tuple[list[str], dict[str, str]]:
    """Recognise the pages of a PDF that have (almost) no text layer; others are untouched.

    Returns the pages with recognised text put in, and the OCR properties (empty when
    nothing was recognised, e.g. OCR off or no page without text).
    """
    blank = blank_pages(pages, min_chars)
    if not blank or unavailable_reason() is not None:
        return pages, {}
    result = recognise("pdf", data, blank, label=f"{len(pages)} pages")
    if not result.texts and not result.failed:
        return pages, {}  # the blank pages show no image either: genuinely blank
    if result.failed and not any(_SPACE_RE.sub("", t) for t in result.texts.values()):
        if len(blank) == len(pages):
            i, why = result.failed[0]
            said = f"scanned PDF: OCR failed on every page (page {i + 1}: {why})"
            # every page over a limit is a limit hit, as for an image (QA pass 47a: a PDF's
            # page too large for the OCR's memory was "empty or damaged" on the duplicate page)
            if all(OVER_MEMORY in w for _, w in result.failed):
                raise UnsafeFile(said)
            if all(OVER_TIME in w for _, w in result.failed):
                raise ExtractionTimeout(said)
            raise ExtractionError(said)
    out = list(pages)
    for i, text in result.texts.items():
        if len(_SPACE_RE.sub("", text)) > len(_SPACE_RE.sub("", out[i])):
            out[i] = text
    return out, result.properties()
