"""The one document id."""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath


def document_id(source: Path | str, rel_path: str) -> str:
    """Stable id from the ingested folder's name and the file's path inside it.

    The folder name keeps two folders with the same inner layout apart; the absolute location
    is left out so that moving an archive does not change its ids (bookmarks keep working).
    File names that are not valid UTF-8 (GBK names copied from Windows arrive as surrogate
    escapes) are hashed by their bytes instead of failing.
    """
    # a Path is not parsed again: Path(source) was most of this function's ~9 µs, run for
    # every file of an ingest (issue 13)
    name = source.name if isinstance(source, Path) else Path(source).name
    key = f"{name}/{rel_path}".encode("utf-8", "surrogateescape")
    return hashlib.sha1(key).hexdigest()[:16]


def plausible_id(doc_id: str) -> bool:
    """Ids are 16 lowercase hex digits; anything else is answered as not found unread."""
    return len(doc_id) == 16 and all(c in "0123456789abcdef" for c in doc_id)


def fingerprint(content_hash: str, ingest_key: str = "") -> str:
    """What an ingest compares to skip a file: its bytes (``content_hash``) and the decisions
    applied to it (``ingest_key``), as 16 hex digits. Without decisions it is the hash's first
    16 digits, as indexes written before decisions were recorded hold."""
    if not ingest_key:
        return content_hash[:16]
    return hashlib.sha256(f"{content_hash}\n{ingest_key}".encode()).hexdigest()[:16]


def readable_path(path: str) -> str:
    """A relative path as people read it: parts that are not valid UTF-8 (surrogate escapes from
    ``os.fsdecode``, typically GBK names copied from Windows) decoded as GB18030, else with the
    bad bytes as ``\\xNN``. Valid names are returned unchanged; ids keep hashing the raw name."""
    parts = []
    for part in PurePosixPath(path).parts:
        try:
            part.encode("utf-8")
        except UnicodeEncodeError:
            raw = part.encode("utf-8", "surrogateescape")
            try:
                part = raw.decode("gb18030")
            except UnicodeDecodeError:
                part = raw.decode("utf-8", "backslashreplace")
        parts.append(part)
    return "/".join(parts) if parts else path


def disk_names(path: str) -> list[str]:
    """The names ``path`` (as :func:`readable_path` shows it) may have on disk: as written, and
    with its non-ASCII parts in GB18030 bytes (the Windows names it was decoded from)."""
    names = [path]
    parts = []
    for part in PurePosixPath(path).parts:
        if part.isascii():
            parts.append(part)
            continue
        try:
            parts.append(part.encode("gb18030").decode("utf-8", "surrogateescape"))
        except UnicodeEncodeError:
            return names
    other = "/".join(parts)
    return names + [other] if other != path else names
