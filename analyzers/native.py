"""The compiled kernels of ingest's hot path (``native/``, Rust), when they are installed.

Ingest computes a duplicate signature, a bigram field and pinyin keys for every document, and
on texts of about a thousand characters the numpy code spends most of its time in per-call
overhead, not arithmetic (issue 13). ``govsearch_native`` does the same work in one pass per
text, with the same results bit for bit; the Python/numpy code in :mod:`analyzers.chars`,
:mod:`analyzers.signatures` and :mod:`analyzers.pinyin` (with pypinyin's tables, passed to the
extension once) stays the definition of every value and the fallback. The
extension is never required at run time: without it (not built, or built from another version
of the kernels) the Python path runs and this module logs why. CI requires it
(``tests/analyzers/test_native.py``), and ``GOVSEARCH_NO_NATIVE=1`` forces the Python path
(benchmarks, bisecting a difference).

Only this module imports the extension; the analyzers ask :func:`active` on every call, so
:func:`python_path` can switch it off within one process (the parity tests, ``bench/native.py``).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
from collections.abc import Iterator
from types import ModuleType

log = logging.getLogger(__name__)

MODULE = "govsearch_native"
KERNEL_VERSION = 2  # native/src/lib.rs's KERNEL_VERSION: what this code expects of it
DISABLE_ENV = "GOVSEARCH_NO_NATIVE"


def _load() -> tuple[ModuleType | None, str]:
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return None, f"{DISABLE_ENV} is set"
    try:
        ext = importlib.import_module(MODULE)
    except ImportError as exc:
        return None, f"{MODULE} is not installed ({exc}); `pip install ./native` builds it"
    version = getattr(ext, "KERNEL_VERSION", None)
    if version != KERNEL_VERSION:
        return None, f"{MODULE} has kernel version {version}, this code needs {KERNEL_VERSION}"
    return ext, f"{MODULE} loaded from {getattr(ext, '__file__', '?')}"


EXTENSION, WHY = _load()
if EXTENSION is None:
    # a warning: no command configures logging, and an info line was never seen (QA pass 21)
    log.warning("signatures, bigrams and pinyin keys on the Python path: %s", WHY)
else:
    log.debug("signatures, bigrams and pinyin keys in compiled code: %s", WHY)

_on = EXTENSION is not None


def active() -> ModuleType | None:
    """The extension when it is installed and not switched off, else None."""
    return EXTENSION if _on else None


@contextlib.contextmanager
def python_path() -> Iterator[None]:
    """Run the Python reference code inside the block, whatever is installed."""
    global _on
    before, _on = _on, False
    try:
        yield
    finally:
        _on = before
