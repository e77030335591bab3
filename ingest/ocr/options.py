"""Whether and how ingest recognises scans: engine, resolution, limits and cache folder.

Module-level options, set once per run by the application from ``model.settings.Settings``
(``GOVSEARCH_OCR``, ``GOVSEARCH_OCR_ENGINE``, ``GOVSEARCH_OCR_DPI``,
``GOVSEARCH_OCR_PAGE_TIMEOUT``, ``GOVSEARCH_OCR_MEMORY_MB``; ``govsearch.configure.apply``), like
the PDF engine options, so that forked ingest workers inherit them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class OcrOptions:
    """``enabled``: recognise at all; ``engine``: a name from ``ingest.ocr.engines`` (None:
    the default installed one); ``dpi``: rasterisation of PDF pages; ``page_timeout`` CPU seconds
    and ``memory_mb`` (resident memory of the recognising process) per page; ``cache_dir``:
    where results are kept by file hash (None: no cache)."""

    enabled: bool = True
    engine: str | None = None
    dpi: int = 200
    page_timeout: float = 60.0
    memory_mb: int = 1024
    cache_dir: Path | None = None


_options = OcrOptions()


def options() -> OcrOptions:
    """The options ingest currently uses."""
    return _options


def configure(**changes: object) -> OcrOptions:
    """Change some options (keyword names of ``OcrOptions``); returns the new options."""
    global _options
    if changes.get("engine") is not None:
        from ingest.ocr import engines

        if changes["engine"] not in engines.names():
            raise ValueError(f"unknown OCR engine {changes['engine']!r}; "
                             f"choose one of {engines.names()}")
    if isinstance(changes.get("cache_dir"), str):
        changes["cache_dir"] = Path(changes["cache_dir"])  # type: ignore[arg-type]
    _options = replace(_options, **changes)  # type: ignore[arg-type]
    return _options


def active_engine() -> str | None:
    """The engine name OCR will use now, or None when OCR is off or nothing is installed."""
    if not _options.enabled:
        return None
    from ingest.ocr import engines

    if _options.engine is not None:
        return _options.engine if _options.engine in engines.installed() else None
    return engines.default()
