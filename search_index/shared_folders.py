"""The query-side data folders every server must hold the same copy of: the lexicon mined at
ingest (``<data_dir>/lexicon``) and the semantic leg's vectors (``<data_dir>/vectors``).

Why a seam of their own: searches read these folders from the local disk (they are whole
files, read into memory), but with Elasticsearch several API servers on several machines answer
for one cluster, and each has a data folder of its own. So the backend says where the one true
copy lives (:meth:`~search_index.protocol.Backend.shared_folders`):

* embedded: the data folder itself, which every process of the one machine reads
  (:class:`LocalFolders`: nothing to copy);
* Elasticsearch: the cluster (:mod:`search_index.elastic_shared`). Writers (``govsearch ingest``,
  ``embed``, ``learn-words``) fetch the cluster's copy, merge their additions into it and
  publish a new generation; servers fetch a new generation when one appears.

A folder edited by hand (staff edit ``lexicon/mined.txt``) is never overwritten silently:
the local copy remembers which generation it came from and each file's digest
(:data:`STATE_FILE`), so an edit is published by the next writer if the cluster has not moved
on, and otherwise refused with a clear error naming both ways out.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from model.errors import Conflict, GovSearchError

log = logging.getLogger(__name__)

STATE_FILE = ".cluster.json"  # dot files are never published (temporary files start with a dot)
LEXICON = "lexicon"  # citizen_words.LEXICON_DIR: mined at ingest
VECTORS = "vectors"  # vectors.STORE_DIR: written by govsearch embed and uploads
NAMES = (LEXICON, VECTORS)
ATTEMPTS = 5  # publications raced by another writer before an update gives up


class FolderMoved(Conflict):
    """Another writer published the folder since this copy was fetched."""


@dataclass(frozen=True)
class FolderStatus:
    name: str
    local_generation: str  # "" when the local copy never came from a shared store
    shared_generation: str  # "" when nothing is published
    edited: tuple[str, ...]  # local files changed since they were fetched or published


@runtime_checkable
class SharedFolders(Protocol):
    """Where the one copy of each query-side folder lives, and how a local copy follows it."""

    remote: bool  # False: the data folder is the copy (nothing to follow)
    closed: bool  # True once the backend that holds it is closed: nothing to follow any more

    def pull(self, data_dir: Path, name: str, *, force: bool = False) -> bool:
        """Bring ``<data_dir>/<name>`` to the shared generation; True if files changed. Raises
        :class:`~model.errors.Conflict` if local edits would be lost (``force`` drops them)."""
        ...

    def push(self, data_dir: Path, name: str, *, force: bool = False) -> str:
        """Publish ``<data_dir>/<name>`` as a new generation (returned, "" if nothing to
        publish). Raises :class:`FolderMoved` if another writer published since this copy was
        fetched (``force`` publishes anyway)."""
        ...

    def status(self, data_dir: Path, name: str) -> FolderStatus: ...


def update(shared: SharedFolders, data_dir: Path, name: str, write: Callable[[], None]) -> None:
    """Fetch the shared copy, let ``write`` merge into it, publish; when another writer
    published meanwhile, start again from theirs (``write`` must merge, not overwrite: the
    lexicon builder and ``govsearch embed`` both do), so concurrent writers lose nothing."""
    for attempt in range(ATTEMPTS):
        # the first time, hand edits made here since the last fetch are kept (and published);
        # after a lost race the local files hold only this writer's own merge: start again
        shared.pull(data_dir, name, force=attempt > 0)
        write()
        try:
            shared.push(data_dir, name)
            return
        except FolderMoved:
            continue
    raise Conflict(
        f"{name}: other writers published {ATTEMPTS} times while this one merged; run it again"
    )


class LocalFolders:
    """The embedded backend's: the data folder is the only copy, so nothing moves."""

    remote = False
    closed = False

    def pull(self, data_dir: Path, name: str, *, force: bool = False) -> bool:
        return False

    def push(self, data_dir: Path, name: str, *, force: bool = False) -> str:
        return ""

    def status(self, data_dir: Path, name: str) -> FolderStatus:
        return FolderStatus(name, "", "", ())


class Follower:
    """A server's local copies kept at the shared generation: fetched once at start and then
    every ``interval`` seconds in a background thread, and ``on_change`` called with the names
    of the folders that changed (the query side reloads them). A failure is logged and tried
    again at the next turn: a server answers from the copy it has meanwhile.

    "Changed" is judged by the generation this process last loaded, not by whether this
    process fetched the files: the workers of ``govsearch serve --workers N`` share one data
    folder, and the one that fetches a generation is not the only one that must reload it."""

    def __init__(
        self,
        shared: SharedFolders,
        data_dir: Path,
        on_change: Callable[[list[str]], None],
        interval: float = 30.0,
    ) -> None:
        self.shared, self.data_dir, self.on_change = shared, Path(data_dir), on_change
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._told: set[str] = set()
        # what the process loaded at start: the local copies as they are now
        self._loaded = {name: self._generation(name) for name in NAMES}

    def _generation(self, name: str) -> str:
        return str((read_state(self.data_dir / name) or {}).get("generation", ""))

    def sync(self) -> list[str]:
        changed = []
        for name in NAMES:
            try:
                fetched = self.shared.pull(self.data_dir, name)
            except GovSearchError as exc:
                fetched = False
                if str(exc) not in self._told:  # once per distinct failure, not every turn
                    self._told.add(str(exc))
                    log.warning("shared folder %s not fetched: %s", name, exc)
            now = self._generation(name)
            if fetched or now != self._loaded[name]:
                self._loaded[name] = now
                changed.append(name)
        if changed:
            self.on_change(changed)
        return changed

    def start(self) -> Follower:
        if self.shared.remote and self.interval > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="shared-folders", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        # a server whose index was closed without its shutdown handler running (an app made
        # and dropped without its lifespan) must not poll a closed client for ever: CI saw 48
        # failed retries logged from such a thread, one of them while another thread parsed
        # Python, which CPython 3.11.7 turns into a SystemError (gh-106905)
        while not self._stop.wait(self.interval) and not self.shared.closed:
            self.sync()

    def stop(self) -> None:
        self._stop.set()


# -- the local copy's memory of where it came from ------------------------------------------
@dataclass(frozen=True)
class LocalFile:
    path: str  # relative to the folder, with "/"
    size: int
    mtime_ns: int
    sha256: str


def local_files(folder: Path) -> Iterator[Path]:
    """The folder's published files: regular files whose names (and folders) start with no dot."""
    if not folder.is_dir():
        return
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and not p.is_symlink() and not any(s.startswith(".") for s in rel.parts):
            yield p


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def read_state(folder: Path) -> dict | None:
    """``{"generation": …, "files": {path: [size, mtime_ns, sha256]}}`` or None."""
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and isinstance(state.get("files"), dict) else None


def write_state(folder: Path, generation: str, files: list[LocalFile] | None = None) -> dict:
    """Record the folder's files (as :func:`snapshot` found them, or as they are now) as
    generation ``generation``."""
    files = snapshot(folder) if files is None else files
    state = {
        "generation": generation,
        "files": {f.path: [f.size, f.mtime_ns, f.sha256] for f in files},
    }
    tmp = folder / f".{STATE_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / STATE_FILE)
    return state


def snapshot(folder: Path, state: dict | None = None) -> list[LocalFile]:
    """The folder's files with their digests (a file unchanged since ``state`` recorded it is
    not read again: the vectors are large)."""
    known = (state or {}).get("files", {})
    out = []
    for p in local_files(folder):
        rel, st = p.relative_to(folder).as_posix(), p.stat()
        was = known.get(rel)
        same = was is not None and was[0] == st.st_size and was[1] == st.st_mtime_ns
        out.append(LocalFile(rel, st.st_size, st.st_mtime_ns, was[2] if same else digest(p)))
    return out


def edited(
    folder: Path, state: dict | None, files: list[LocalFile] | None = None
) -> tuple[str, ...]:
    """Files added, changed or removed here since ``state`` was recorded (with no state: every
    file, as nobody knows where they came from); ``files`` is the folder's :func:`snapshot`
    when the caller has it (the vectors are large: hash them once)."""
    known = (state or {}).get("files", {})
    now = {f.path: f.sha256 for f in (snapshot(folder, state) if files is None else files)}
    changed = {p for p, sha in now.items() if p not in known or known[p][2] != sha}
    changed.update(p for p in known if p not in now)
    return tuple(sorted(changed))
