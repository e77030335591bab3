"""Opening a file that must lie inside given folders when it is read, not only when checked.

A server-side ingest checks each path against ``GOVSEARCH_INGEST_ROOTS`` and then walks and
reads, seconds later (a catalogue of 300,000 rows is read in between): a folder swapped for a
symlink after the check was walked, and the file it led to outside the roots was published
(QA pass 30b). Checking a path again before opening it leaves the same gap, only shorter. So
the check is made on the open file itself: Linux names the file a descriptor holds
(``/proc/self/fd/N``), whatever links and swaps led to it, and a file found outside the folders
is closed unread. Where ``/proc`` is missing the path is resolved just before opening (a gap
of microseconds, the best such a system allows).

A file with several names (hard links) is not read either: the descriptor names one of them,
and the others may lie anywhere on the file system.

It also opens nothing that is not a regular file (a FIFO would block the reader forever, a
device would be read without end), and takes the size from the open file, so a limit is never
checked on one file and applied to another.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ingest.errors import IngestError

_FD_NAMES = Path("/proc/self/fd")


@dataclass(frozen=True)
class Confinement:
    """What a server-side ingest may read: files inside ``roots`` (real paths) only, and
    catalogues of at most ``max_catalog_bytes`` together (reading one takes ~65 times its size
    in memory, held until the ingest ends: QA pass 30b grew the server to 1.27 GB on a 13.9 MB
    one, 30c to 3.6 GB on six of 7.9 MB)."""

    roots: tuple[Path, ...]
    max_catalog_bytes: int = 0


class RefusedFile(IngestError):
    """A file that must not be read: reported as skipped, with why."""


class OutsideFolders(RefusedFile):
    """The file opened lies outside the folders it had to lie in (a link or a swapped folder):
    closed unread, reported as skipped without where it was (a link to a folder would list
    its files' names)."""


class NotRegularFile(RefusedFile):
    """A FIFO, socket or device where a document was expected: never read."""


class FileTooLarge(IngestError):
    def __init__(self, size: int) -> None:
        super().__init__(f"file too large ({size / 2**20:.1f} MB)")
        self.size = size


def inside(path: Path, roots: Sequence[Path]) -> bool:
    """Whether ``path`` is one of ``roots`` or lies under one (compare real paths)."""
    return any(path == r or path.is_relative_to(r) for r in roots)


def _opened(fd: int, path: Path) -> Path:
    """The real path of the file ``fd`` holds."""
    try:
        return Path(os.readlink(_FD_NAMES / str(fd)))
    except OSError:
        return Path(os.path.realpath(path))


def open_confined(path: Path, roots: Sequence[Path] = (), max_bytes: int = 0) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file, inside one of ``roots`` (real
    paths; empty: anywhere) and at most ``max_bytes`` long (0: any size). Raises
    :class:`OutsideFolders`, :class:`NotRegularFile`, :class:`FileTooLarge` or ``OSError``."""
    # O_NONBLOCK: opening a FIFO with no writer would wait for one; on a regular file it
    # changes nothing
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile("not a regular file (a FIFO, socket or device): not read")
        if roots:
            if info.st_nlink > 1:
                # one of its names is known, not the others, which may lie outside the roots
                # (QA pass 30b: a hard link in a drop folder to the server's key file published
                # its digests); the command line, confined to nothing, reads such files
                raise OutsideFolders(
                    f"has {info.st_nlink} names (hard links), which may lie outside the folders "
                    "this ingest may read: not read; copy the file in instead"
                )
            real = _opened(fd, path)
            if not inside(real, roots):
                # where it led is not said: a link to a folder would list its files' names
                raise OutsideFolders(
                    "leads outside the folders this ingest may read when opened: not read"
                )
        if max_bytes and info.st_size > max_bytes:
            raise FileTooLarge(info.st_size)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_confined(path: Path, roots: Sequence[Path] = (), max_bytes: int = 0) -> bytes:
    """The bytes of ``path``, opened as :func:`open_confined` opens it; a file that grew past
    ``max_bytes`` while being read is refused as well."""
    with open_confined(path, roots, max_bytes) as fh:
        data = fh.read(max_bytes + 1) if max_bytes else fh.read()
    if max_bytes and len(data) > max_bytes:
        raise FileTooLarge(len(data))
    return data
