"""The table of OCR engines, chosen by name.

The default is the engine that measured best in ``bench/ocr.py`` (bench/README.md, "OCR");
the others stay selectable with ``--ocr-engine`` / ``GOVSEARCH_OCR_ENGINE``. Built-in engines
register here the same way an extra one would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingest.ocr import rapid, tesseract
from ingest.ocr.engine import Engine


@dataclass(frozen=True)
class EngineInfo:
    """A registered engine: how to tell whether it is installed and how to build it."""

    name: str
    available: Callable[[], bool]
    create: Callable[[], Engine]
    install: str  # what to install to get it, for the message when it is missing


_ENGINES: dict[str, EngineInfo] = {}

# Preference order when several are installed: the measured best first.
PREFERENCE: tuple[str, ...] = ("rapidocr", "tesseract", "rapidocr-v4")


def register(info: EngineInfo) -> None:
    """Add an engine; a later registration under the same name replaces the earlier one."""
    _ENGINES[info.name] = info


def names() -> tuple[str, ...]:
    """Every registered engine, installed or not."""
    return tuple(_ENGINES)


def installed() -> tuple[str, ...]:
    """Registered engines that can run here, in preference order."""
    order = [n for n in PREFERENCE if n in _ENGINES] + [n for n in _ENGINES if n not in PREFERENCE]
    return tuple(n for n in order if _ENGINES[n].available())


def default() -> str | None:
    """The engine ingest uses when none is named: the best installed one, or None."""
    found = installed()
    return found[0] if found else None


def create(name: str) -> Engine:
    """Build engine ``name``; ``ValueError`` names the package to install when it is missing."""
    info = _ENGINES.get(name)
    if info is None:
        raise ValueError(f"unknown OCR engine {name!r}; choose one of {names()}")
    if not info.available():
        raise ValueError(f"OCR engine {name!r} is not installed ({info.install})")
    return info.create()


register(EngineInfo("rapidocr", lambda: rapid.available("rapidocr"), rapid.RapidEngine,
                    "pip install rapidocr onnxruntime"))
register(EngineInfo("tesseract", tesseract.available, tesseract.TesseractEngine,
                    "apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra"))
register(EngineInfo("rapidocr-v4", lambda: rapid.available("rapidocr_onnxruntime"),
                    rapid.RapidOrtEngine, "pip install rapidocr-onnxruntime onnxruntime"))
