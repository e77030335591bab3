"""Original files (the PDF or Word file a text was extracted from), served only from one folder.

``settings.originals_dir`` names the folder; a document's stored ``path`` is relative to the
folder it was ingested from. The path comes from the index, not from the request, but it is
still resolved defensively: absolute paths, ``..`` parts, and symlinks that lead outside the
folder are refused, so a crafted or stale catalog entry cannot expose any other file.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from model.document import StoredDocument


def original_file(originals_dir: Path | None, doc: StoredDocument) -> Path | None:
    """The document's original file inside ``originals_dir``, or None if not available."""
    if originals_dir is None or not doc.path or "\x00" in doc.path:
        return None
    rel = PurePosixPath(doc.path.replace("\\", "/"))
    if rel.is_absolute() or PureWindowsPath(doc.path).drive or ".." in rel.parts:
        return None
    try:
        root = originals_dir.resolve(strict=True)
        target = (root / rel).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


def size_label(n: int) -> str:
    """A file size the way people read it (KB/MB)."""
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
