"""The one document id."""

from __future__ import annotations

import hashlib
from pathlib import Path


def document_id(source: Path | str, rel_path: str) -> str:
    """Stable id from the ingested folder's name and the file's path inside it.

    The folder name keeps two folders with the same inner layout apart; the absolute location
    is left out so that moving an archive does not change its ids (bookmarks keep working).
    File names that are not valid UTF-8 (GBK names copied from Windows arrive as surrogate
    escapes) are hashed by their bytes instead of failing.
    """
    name = Path(source).name
    key = f"{name}/{rel_path}".encode("utf-8", "surrogateescape")
    return hashlib.sha1(key).hexdigest()[:16]


def plausible_id(doc_id: str) -> bool:
    """Ids are 16 lowercase hex digits; anything else is answered as not found unread."""
    return len(doc_id) == 16 and all(c in "0123456789abcdef" for c in doc_id)
