"""Full texts of the embedded index, one file per document version, outside tantivy.

Measured: fetching ten hits from tantivy's compressed doc store with their texts cost ~5 ms
(whole blocks of large laws are decompressed); reading ten files from the page cache costs a
fraction of that. The normalised text is kept too when it is aligned with the original
(same length, the common case), so snippets need no normalisation at query time.

Files are named by document id *and* content hash, so a crash between writing a new text and
committing the index leaves the committed version's text intact; superseded versions are
removed by :meth:`TextStore.collect_garbage` after a commit.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from analyzers.normalize import normalize


class TextStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, doc_id: str, version: str, ext: str) -> Path:
        return self.root / doc_id[:2] / f"{doc_id}.{version[:16]}.{ext}"

    def put(self, doc_id: str, version: str, text: str, normalized: str | None = None) -> None:
        """Write atomically (temp file + rename)."""
        norm = normalized if normalized is not None else normalize(text)
        (self.root / doc_id[:2]).mkdir(exist_ok=True)
        for ext, value in (("txt", text), ("norm", norm if len(norm) == len(text) else None)):
            target = self._path(doc_id, version, ext)
            if value is None:
                target.unlink(missing_ok=True)
                continue
            tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
            tmp.write_text(value, encoding="utf-8")
            os.replace(tmp, target)

    def get(self, doc_id: str, version: str) -> str | None:
        try:
            return self._path(doc_id, version, "txt").read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def get_normalized(self, doc_id: str, version: str) -> str | None:
        """The aligned normalised text, or None when it is not aligned (or missing)."""
        try:
            return self._path(doc_id, version, "norm").read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def delete(self, doc_id: str) -> None:
        for p in (self.root / doc_id[:2]).glob(f"{doc_id}.*"):
            p.unlink(missing_ok=True)

    def collect_garbage(self, live: dict[str, str]) -> int:
        """Remove texts of versions not in ``live`` (id → 16-hex version); returns files removed."""
        removed = 0
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for p in folder.iterdir():
                parts = p.name.split(".")
                if len(parts) >= 3 and live.get(parts[0]) == parts[1] and ".tmp" not in p.name:
                    continue
                p.unlink(missing_ok=True)
                removed += 1
        return removed

    def ids(self) -> Iterable[str]:
        for folder in self.root.iterdir():
            if folder.is_dir():
                for p in folder.iterdir():
                    yield p.name.split(".")[0]
