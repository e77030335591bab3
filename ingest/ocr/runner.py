"""Recognition in a child process, one page at a time, with a time and a memory limit.

OCR engines are large native libraries fed untrusted images: a decompression bomb or a
pathological page must cost one page, not the ingest worker. The child holds the engine (so
models load once per worker, not once per page) and is killed when a page exceeds its time
limit (CPU seconds of the child and its subprocesses: on a loaded machine wall time says
little) or its resident memory exceeds the memory limit; the next page starts a fresh child.
Both are watched from the parent every 50 ms. The memory limit is on RSS because that is what
exhausts a machine: an address-space limit (``RLIMIT_AS``) counts ONNX Runtime's reserved
arenas and refused pages that need 400 MB; it stays as a backstop (4× the limit, ≥ 4 GB)
against an allocation too fast for the watch. The document's bytes are sent once; pages are
rasterised in the child too, because rasterising is also parsing.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import signal
import time
import warnings
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any

from ingest import processes
from ingest.ocr.engine import PageText

# a 600 dpi A2 or a 300 dpi A0 sheet (139 and 140 million pixels); a larger image is refused,
# not decoded (its grey page alone would take most of the child's memory)
MAX_PIXELS = 150_000_000
TOO_LARGE = "image too large to read"  # the start of that refusal, which is no damaged file
WALL_FACTOR = 10  # wall-clock limit = WALL_FACTOR × the CPU-time limit


# how a page's reason says it hit a limit, not that the file is damaged: a file whose every
# page hit one is refused as a limit hit (ingest.formats.image; QA pass 44b: a 121-megapixel
# PNG sent to the duplicate check said limit_hit false)
OVER_TIME = "exceeded the time limit"
OVER_MEMORY = "exceeded the memory limit"


class PageFailed(Exception):
    """One page could not be recognised; ``str()`` is the reason the report shows."""


@dataclass(frozen=True)
class Source:
    """A file to rasterise: ``kind`` is ``pdf`` or ``image``; ``key`` identifies the bytes."""

    kind: str
    data: bytes
    key: str


def open_pages(source: Source) -> Any:
    """A sequence-like of page images for a PDF or a (multi-frame) image file."""
    if source.kind == "pdf":
        return _PdfPages(source.data)
    return _ImagePages(source.data)


class _PdfPages:
    def __init__(self, data: bytes) -> None:
        import pypdfium2 as pdfium

        self.doc = pdfium.PdfDocument(data)

    def __len__(self) -> int:
        return len(self.doc)

    def render(self, index: int, dpi: int) -> Any:
        """The page as a grey image, or None when it shows no image (nothing to recognise)."""
        import pypdfium2.raw as pdfium_c

        page = self.doc[index]
        try:
            if not any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,),
                                                      max_depth=3)):
                return None
            return page.render(scale=dpi / 72, grayscale=True).to_pil()
        finally:
            page.close()


class _ImagePages:
    def __init__(self, data: bytes) -> None:
        import io

        from PIL import Image

        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                self.img = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            # Pillow calls it a "decompression bomb DOS attack", and the page said "damaged"
            # (QA pass 37b: a 20,000 × 20,000 scan of a map sheet)
            found = re.search(r"\((\d+) pixels\)", str(exc))
            size = f"{int(found.group(1)) / 1e6:,.0f} million pixels, " if found else ""
            raise ValueError(
                f"{TOO_LARGE}: {size}over the {MAX_PIXELS / 1e6:,.0f} million a page may have "
                "(a 600 dpi A2 or 300 dpi A0 sheet); scan large sheets at a lower resolution"
            ) from None
        self.count = getattr(self.img, "n_frames", 1)

    def __len__(self) -> int:
        return int(self.count)

    def render(self, index: int, dpi: int) -> Any:
        from PIL import Image, ImageOps

        self.img.seek(index)
        frame = ImageOps.exif_transpose(self.img.copy()) or self.img.copy()
        if frame.mode not in ("L", "RGB"):
            frame = frame.convert("RGB")
        frame = frame.convert("L")
        scan_dpi = (frame.info.get("dpi") or (0, 0))[0] or 0
        if scan_dpi > 1.5 * dpi:  # a 600 dpi scan reads no better and costs 4× more
            ratio = dpi / float(scan_dpi)
            frame = frame.resize((int(frame.width * ratio), int(frame.height * ratio)),
                                 Image.LANCZOS)
        return frame


def _serve(conn: Connection, engine_name: str, memory_mb: int) -> None:
    """The child's loop: ``load`` a document, then ``page`` requests, until the pipe closes.
    Ctrl-C is the parent's to handle, as for the bounded children (QA pass 42a: an
    interrupted ingest's clear summary had this child's traceback under it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _loop(conn, engine_name, memory_mb)
    except (BrokenPipeError, EOFError):
        pass  # the parent gave up on this page (time or memory limit) and closed the pipe


def _loop(conn: Connection, engine_name: str, memory_mb: int) -> None:
    if memory_mb:
        limit = max(4 * memory_mb, 4096) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from ingest.ocr import engines, ink, orientation

    engine = None
    pages: Any = None
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        try:
            if msg[0] == "load":
                pages = open_pages(msg[1])
                conn.send(("ok", len(pages)))
            elif msg[0] == "page":
                _, index, dpi, script = msg
                if engine is None:
                    engine = engines.create(engine_name)
                image = pages.render(index, dpi)
                if image is None:
                    conn.send(("ok", None))
                else:  # turned right way up first when it lies on its side or upside down
                    page = orientation.read_upright(engine, image, script)
                    if not page.text.strip() and ink.marked(image):
                        page = replace(page, marked=True)
                    conn.send(("ok", page))
        except Exception as exc:  # noqa: BLE001 - reported per page, the child lives on
            if isinstance(exc, MemoryError) or _near_limit(memory_mb):
                # Native libraries report a failed allocation in many ways (SystemError,
                # cv2.error, "bad_alloc"); the address space at its limit says what it was.
                conn.send(("error", f"memory limit ({memory_mb} MB) exceeded"))
            else:
                conn.send(("error", f"{type(exc).__name__}: {exc}"[:300]))


def _near_limit(memory_mb: int) -> bool:
    """The process's peak address space came within 5% of the backstop limit."""
    if not memory_mb:
        return False
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) >= max(4 * memory_mb, 4096) * 1024 * 0.95
    except OSError:
        pass
    return False


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used by ``pid``, its finished children and its running descendants."""
    total = 0
    todo = [(pid, True)]
    while todo:
        p, root = todo.pop()
        try:
            with open(f"/proc/{p}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            total += int(fields[13]) + int(fields[14])  # cutime, cstime (waited children)
            with open(f"/proc/{p}/task/{p}/children", encoding="ascii") as fh:
                todo.extend((int(c), False) for c in fh.read().split())
        except (OSError, ValueError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants (tesseract runs as a subprocess), MB."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm", encoding="ascii") as fh:
                total += int(fh.read().split()[1])
            with open(f"/proc/{p}/task/{p}/children", encoding="ascii") as fh:
                todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total * resource.getpagesize() / 2**20


def _context() -> multiprocessing.context.BaseContext:
    """A fork server: the child starts lean instead of inheriting an ingest worker's memory
    (jieba's dictionary, the index), so its RSS is the engine's alone, and forking is safe
    even from a threaded web server. Started once per process, then cheap."""
    return processes.fork_server()


class PageRunner:
    """A recognising child process for one engine; restarted after a timeout or a crash."""

    def __init__(self, engine_name: str, *, timeout: float, memory_mb: int) -> None:
        self.engine_name = engine_name
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._proc: Any = None
        self._conn: Connection | None = None
        self._loaded: str | None = None

    def _start(self) -> Connection:
        if self._conn is None:
            ctx = _context()
            parent, child = ctx.Pipe()
            self._proc = ctx.Process(target=_serve, args=(child, self.engine_name,
                                                          self.memory_mb), daemon=True)
            self._proc.start()
            child.close()
            self._conn = parent
            self._loaded = None
        return self._conn

    def _call(self, msg: tuple[Any, ...], timeout: float, what: str) -> Any:
        """Send ``msg`` and wait for the answer within ``timeout`` CPU seconds of the child.

        The limit is on CPU time, not wall time: on a loaded machine a page that needs 7 CPU
        seconds can take minutes of wall time, and killing it then would only start it over.
        A wall limit of ``WALL_FACTOR`` × the CPU limit still catches a child that hangs
        without computing (a deadlock, a blocked read)."""
        try:
            conn = self._start()
            conn.send(msg)
        except OSError as exc:  # the child could not start, or died between two pages
            self.close()
            raise PageFailed(f"OCR process unavailable ({exc})") from None
        deadline = time.monotonic() + WALL_FACTOR * timeout
        start_cpu = tree_cpu_seconds(self._proc.pid)
        while not conn.poll(0.05):
            used = tree_cpu_seconds(self._proc.pid) - start_cpu
            if used > timeout or time.monotonic() >= deadline:
                self.close()
                # the setting that raises it, where it is the page's own limit, not what is
                # left of a file's budget (QA pass 42a: the archivist was told neither)
                raises = "; GOVSEARCH_OCR_PAGE_TIMEOUT raises it" if timeout >= self.timeout else ""
                raise PageFailed(f"{what} {OVER_TIME} ({timeout:g} s){raises}")
            if self.memory_mb and tree_rss_mb(self._proc.pid) > self.memory_mb:
                self.close()
                raise PageFailed(f"{what} {OVER_MEMORY} ({self.memory_mb} MB; "
                                 "GOVSEARCH_OCR_MEMORY_MB raises it, or scan at a lower "
                                 "resolution)")
        try:
            status, payload = conn.recv()
        except EOFError:
            code = self._proc.exitcode if self._proc is not None else None
            self.close()
            raise PageFailed(f"OCR process died on {what} (exit {code}; memory limit "
                             f"{self.memory_mb} MB?)") from None
        if status == "error":
            raise PageFailed(payload)
        return payload

    def load(self, source: Source) -> int:
        """Open ``source`` in the child; returns its page count.

        Opening gets at least 30 s whatever the page limit: it includes starting the child."""
        count = int(self._call(("load", source), max(self.timeout, 30.0), "opening the file"))
        self._loaded = source.key
        return count

    def page(
        self, source: Source, index: int, dpi: int, script: str, timeout: float | None = None
    ) -> PageText | None:
        """Recognise page ``index`` (0-based); None when the page shows no image at all.
        ``timeout``: less than the page limit, where the file's budget has less left.

        Raises ``PageFailed`` with the reason when the page cannot be read."""
        if self._loaded != source.key:
            self.load(source)
        limit = self.timeout if timeout is None else min(self.timeout, timeout)
        result = self._call(("page", index, dpi, script), limit, f"page {index + 1}")
        if result is not None and not isinstance(result, PageText):
            raise PageFailed(f"page {index + 1}: engine returned {type(result).__name__}")
        return result

    def close(self) -> None:
        """Stop the child (killed if it is busy)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            if self._proc._popen is not None:  # noqa: SLF001 - start() may have failed
                self._proc.join(timeout=0.5)
                if self._proc.is_alive():
                    self._proc.kill()
                    self._proc.join()
            self._proc.close()
            self._proc = None
        self._loaded = None
