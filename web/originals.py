"""Original files (the PDF or Word file a text was extracted from), served only from one folder.

``settings.originals_dir`` names the folder; a document's stored ``path`` is relative to the
folder it was ingested from (its ``source``). The path comes from the index, not from the
request, but it is still resolved defensively: absolute paths, ``..`` parts, and symlinks that
lead outside the folder are refused, so a crafted or stale catalog entry cannot expose any
other file.

A path inside the folder is not enough either: two ingested folders hold the same relative
paths, and ``a.pdf`` of a public document must never serve another folder's 不予公开 ``a.pdf``.
So the file is looked for where the document came from (its source folder, when that is inside
``originals_dir``; ``originals_dir/<source folder name>/path``; then ``originals_dir/path``) and
served only if its bytes hash to the document's ``content_hash``; a document without a hash has
no original to serve. Hashes are cached by (file, size, mtime), so a page view does not read a
large PDF again.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from ingest.formats.encoding import decode
from model.document import StoredDocument
from model.ids import disk_names


@functools.lru_cache(maxsize=4096)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _same_bytes(target: Path, content_hash: str) -> bool:
    try:
        st = target.stat()
        return _sha256(str(target), st.st_size, st.st_mtime_ns) == content_hash
    except OSError:
        return False


def _candidates(root: Path, doc: StoredDocument, rel: PurePosixPath) -> list[Path]:
    """Where the document's file may be under ``root``, most specific first."""
    out = []
    if doc.source and Path(doc.source).is_absolute():
        source = Path(doc.source)
        if source.resolve().is_relative_to(root):
            out.append(source / rel)
    if doc.source:
        name = PurePosixPath(doc.source.replace("\\", "/")).name
        if name and name not in (".", ".."):
            out.append(root / name / rel)
    out.append(root / rel)
    return out


def original_file(originals_dir: Path | None, doc: StoredDocument) -> Path | None:
    """The document's original file inside ``originals_dir``, or None if not available."""
    if originals_dir is None or not doc.path or "\x00" in doc.path or not doc.content_hash:
        return None
    rel = PurePosixPath(doc.path.replace("\\", "/"))
    if rel.is_absolute() or PureWindowsPath(doc.path).drive or ".." in rel.parts:
        return None
    try:
        root = originals_dir.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    for name in disk_names(rel.as_posix()):
        for candidate in _candidates(root, doc, PurePosixPath(name)):
            try:
                target = candidate.resolve(strict=True)
            except (OSError, RuntimeError):  # missing, or a symlink loop
                continue
            if (
                target.is_relative_to(root)
                and target.is_file()
                and _same_bytes(target, doc.content_hash)
            ):
                return target
    return None


def size_label(n: int) -> str:
    """A file size the way people read it (KB/MB)."""
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


_TEXT_TYPES = {".txt": "text/plain", ".htm": "text/html", ".html": "text/html"}
_DECLARED = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""")
_SNIFF_BYTES = 2_000_000  # enough to tell an encoding; a text original is read no further


def text_media_type(path: Path) -> str | None:
    """The Content-Type of a text or HTML original with the charset its bytes are in, or None
    for other formats. Sent as ``charset=utf-8`` whatever they were, a GBK page or a Big5 text
    opened as mojibake (QA pass 8); the encoding is read as ingest reads it."""
    kind = _TEXT_TYPES.get(path.suffix.lower())
    if kind is None:
        return None
    with path.open("rb") as f:
        data = f.read(_SNIFF_BYTES)
    declared = _DECLARED.search(data[:4096]) if kind == "text/html" else None
    _, encoding = decode(data, declared.group(1).decode("ascii") if declared else None)
    return f"{kind}; charset={encoding.removesuffix('-sig')}"
