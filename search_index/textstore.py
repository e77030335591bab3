"""Full texts of the embedded index, one file per document, outside the tantivy doc store.

Measured: fetching ten hits from tantivy's compressed doc store with their texts cost ~5 ms
(whole blocks of large laws are decompressed); reading ten files from the page cache costs a
fraction of that. The normalised text is kept too when it is aligned with the original
(same length, the common case), so snippets need no normalisation at query time.
"""

from __future__ import annotations

import os
from pathlib import Path

from analyzers.normalize import normalize


class TextStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, doc_id: str, ext: str) -> Path:
        return self.root / doc_id[:2] / f"{doc_id}.{ext}"

    def put(self, doc_id: str, text: str, normalized: str | None = None) -> None:
        """Write atomically (temp file + rename): a crash leaves the old or the new text."""
        norm = normalized if normalized is not None else normalize(text)
        folder = self.root / doc_id[:2]
        folder.mkdir(exist_ok=True)
        for ext, value in (("txt", text), ("norm", norm if len(norm) == len(text) else None)):
            target = self._path(doc_id, ext)
            if value is None:
                target.unlink(missing_ok=True)
                continue
            tmp = target.with_suffix(f".{ext}.tmp{os.getpid()}")
            tmp.write_text(value, encoding="utf-8")
            os.replace(tmp, target)

    def get(self, doc_id: str) -> str | None:
        try:
            return self._path(doc_id, "txt").read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def get_normalized(self, doc_id: str) -> str | None:
        """The aligned normalised text, or None when it is not aligned (or missing)."""
        try:
            return self._path(doc_id, "norm").read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def delete(self, doc_id: str) -> None:
        for ext in ("txt", "norm"):
            self._path(doc_id, ext).unlink(missing_ok=True)
