"""Recognised pages kept by file hash, engine and engine version.

OCR is the one ingest step that costs seconds per page, so its results are kept in the data
folder: a re-ingest, a reindex after a schema change or a run resumed after a crash never
recognises an unchanged scan again. Each page is written as soon as it is read (one small
JSON file per file and engine, replaced atomically), so an interrupted run loses at most the
page in progress. Failed pages are not kept: the next run tries them again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from ingest.ocr.engine import PageText


class OcrCache:
    """Pages of one file (``file_hash``) read by one engine version, in ``folder``."""

    def __init__(self, folder: Path, file_hash: str, engine_version: str, dpi: int) -> None:
        key = hashlib.sha1(f"{engine_version}|{dpi}".encode()).hexdigest()[:12]
        self.path = folder / file_hash[:2] / f"{file_hash}.{key}.json"
        self.engine_version = engine_version
        self._pages: dict[int, PageText] = {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            if raw.get("engine") == engine_version:
                self._pages = {int(k): PageText(**v) for k, v in raw["pages"].items()}
        except (OSError, ValueError, TypeError, KeyError):
            self._pages = {}  # no cache yet, or a damaged one: recognise again

    def get(self, index: int) -> PageText | None:
        """The cached reading of page ``index`` (0-based), if any."""
        return self._pages.get(index)

    def put(self, index: int, page: PageText) -> None:
        """Keep page ``index`` and write the file at once (a crash loses only later pages)."""
        self._pages[index] = page
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"engine": self.engine_version,
                "pages": {str(k): asdict(v) for k, v in sorted(self._pages.items())}}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(body, fh, ensure_ascii=False)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
