"""The query-side folders (:mod:`search_index.shared_folders`) kept in the Elasticsearch cluster,
so that API servers on several machines answer alike from data folders of their own.

One index ``<prefix>-files``: per folder, a manifest document (``manifest:<name>``: the
generation, and each file's path, size, SHA-256 and number of chunks) and the files' bytes in
chunks of :data:`CHUNK` bytes (``binary``, in ``_source`` only: nothing is indexed). A
publication writes the chunks of the files that changed first (a file unchanged since the
generation it replaces keeps its chunks: an upload's few new vectors publish one small file)
and then replaces the manifest with a compare-and-set on its sequence number, so a reader sees
either the old generation or the new one, whole, and of two writers racing the second is told
to merge again (:class:`~search_index.shared_folders.FolderMoved`). The chunks of the generation
replaced are kept, so a server still fetching it when a new one lands finishes its copy; what
only the one before it used is deleted, and so are chunks no manifest names hours after they
were written (a writer that died before its manifest). Reads are real-time gets by id, so
nothing waits for a refresh.

Why files and not documents of their own kind (a ``dense_vector`` per passage, a synonym set per
rule): the query side reads these folders whole into memory, the same files the embedded backend
reads, so both backends keep the same candidates and the same expansions; the cluster only has
to hold one copy and say which generation is current.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import shutil
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, ConflictError, Elasticsearch, TransportError

from model.errors import BackendUnavailable, Conflict
from search_index.elastic_guard import guarded
from search_index.shared_folders import (
    NAMES,
    FolderMoved,
    FolderStatus,
    LocalFile,
    edited,
    local_files,
    read_state,
    snapshot,
    write_state,
)

CHUNK = 4 << 20  # bytes of a file per document (base64 in the request: 5.6 MB of 100 MB allowed)
FETCH = 4  # chunks per multi-get: ~22 MB of response at most
# chunks no manifest names this long after they were written are a dead writer's: swept
ORPHAN_AFTER = dt.timedelta(hours=6)

_MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "kind": {"type": "keyword"},  # manifest | chunk
        "name": {"type": "keyword"},
        "generation": {"type": "keyword"},
        "previous": {"type": "keyword"},
        "previous_stored": {"type": "keyword"},  # "<generation>/<path>" of the replaced one
        "path": {"type": "keyword"},
        "written": {"type": "keyword"},
        "files": {"type": "object", "enabled": False},
        "data": {"type": "binary"},
    },
}


@dataclass(frozen=True)
class _Manifest:
    body: dict[str, Any]
    seq_no: int
    primary_term: int

    @property
    def generation(self) -> str:
        return str(self.body["generation"])

    @property
    def files(self) -> list[dict[str, Any]]:
        return list(self.body.get("files") or [])


def _chunk_id(name: str, generation: str, path: str, n: int) -> str:
    return f"chunk:{name}:{generation}:{n}:{path}"


def _now() -> str:
    """UTC, to the second, in one fixed format (compared as strings by the sweep)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _where(f: dict[str, Any], m: _Manifest) -> str:
    """The generation whose chunks hold file ``f`` of ``m`` (a file unchanged since an earlier
    generation is not stored again)."""
    return str(f.get("stored_in") or m.generation)


def _safe(path: Any, name: str) -> str:
    """A manifest's file path, refused unless it stays inside the folder as a published file
    would (relative, no ``..``, no dot segment): a damaged or forged manifest must not make a
    server write elsewhere on its disk."""
    parts = str(path).split("/")
    if not isinstance(path, str) or not path or "\\" in path or "\x00" in path or any(
        not p or p.startswith(".") for p in parts
    ):
        raise BackendUnavailable(f"the cluster's manifest of {name} names a bad path {path!r}")
    return path


def _stored(m: _Manifest) -> set[str]:
    return {f"{_where(f, m)}/{f['path']}" for f in m.files}


class ElasticFolders:
    """:class:`~search_index.shared_folders.SharedFolders` on the cluster (module doc)."""

    remote = True

    def __init__(self, es: Elasticsearch, index: str, shown_url: str = "") -> None:
        self.es, self.index, self.shown_url = es, index, shown_url
        self._created = False
        self.closed = False  # set by the backend's close(): its client no longer answers

    def _guard(self, doing: str) -> AbstractContextManager[None]:
        return guarded(self.shown_url, doing, "shared folders")

    def _check(self, name: str) -> None:
        if name not in NAMES:
            raise Conflict(f"no shared folder {name!r}; the shared folders are {', '.join(NAMES)}")

    def _create(self) -> None:
        if self._created:
            return
        with self._guard("create the index of shared folders"):
            self.es.options(ignore_status=400).indices.create(  # 400: it exists already
                index=self.index,
                mappings=_MAPPINGS,
                settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
            )
        self._created = True

    def _manifest(self, name: str) -> _Manifest | None:
        with self._guard(f"read the manifest of {name}"):
            got = self.es.options(ignore_status=404).get(index=self.index, id=f"manifest:{name}")
        if got.meta.status != 200:
            return None  # nothing published, or no index of shared folders yet
        return _Manifest(got["_source"], got["_seq_no"], got["_primary_term"])

    # -- reading ---------------------------------------------------------------------------
    def pull(self, data_dir: Path, name: str, *, force: bool = False) -> bool:
        self._check(name)
        folder = Path(data_dir) / name
        m = self._manifest(name)
        if m is None:
            return False
        state = read_state(folder)
        if state is not None and state.get("generation") == m.generation and not force:
            return False
        here = snapshot(folder, state)
        now = {f.path: f for f in here}
        wanted = {_safe(f["path"], name): f for f in m.files}
        changed = () if force else edited(folder, state, here)
        if changed:
            if {p: f.sha256 for p, f in now.items()} != {
                p: f["sha256"] for p, f in wanted.items()
            }:
                raise Conflict(
                    f"{folder} was changed here ({', '.join(changed[:5])}) and "
                    f"the cluster holds another generation of it: `govsearch shared push "
                    f"--force {name}` publishes this copy, `govsearch shared pull --force "
                    f"{name}` replaces it with the cluster's",
                    path=str(folder),
                )
        staging = folder / f".pull-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            fetched = []
            for f in m.files:
                have = now.get(f["path"])
                if have is None or have.sha256 != f["sha256"]:
                    self._fetch_file(name, _where(f, m), f, staging / f["path"])
                    fetched.append(f["path"])
            # the vector store's matrix file names the index beside it: it goes in last
            for rel in sorted(fetched, key=lambda p: (p.endswith(".npz"), p)):
                target = folder / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / rel, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        for p in list(local_files(folder)):
            if p.relative_to(folder).as_posix() not in wanted:
                p.unlink()
        files = []
        for rel, f in wanted.items():
            st = (folder / rel).stat()
            files.append(LocalFile(rel, st.st_size, st.st_mtime_ns, f["sha256"]))
        write_state(folder, m.generation, files)
        return bool(fetched) or len(now) != len(wanted)

    def _fetch_file(self, name: str, generation: str, f: dict[str, Any], target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        h, size = hashlib.sha256(), 0
        ids = [_chunk_id(name, generation, f["path"], n) for n in range(int(f["chunks"]))]
        with target.open("wb") as out:
            for start in range(0, len(ids), FETCH):
                with self._guard(f"read {name}/{f['path']}"):
                    docs = self.es.mget(index=self.index, ids=ids[start : start + FETCH])["docs"]
                for d in docs:
                    if not d.get("found"):
                        raise BackendUnavailable(
                            f"{name}/{f['path']} of generation {generation} is gone from the "
                            "cluster (a newer generation replaced it while it was read); fetch "
                            "again",
                            url=self.shown_url,
                        )
                    data = base64.b64decode(d["_source"]["data"])
                    h.update(data)
                    size += len(data)
                    out.write(data)
        if size != f["size"] or h.hexdigest() != f["sha256"]:
            raise BackendUnavailable(
                f"{name}/{f['path']} read from the cluster does not match its manifest",
                url=self.shown_url,
            )

    # -- writing ---------------------------------------------------------------------------
    def push(self, data_dir: Path, name: str, *, force: bool = False) -> str:
        self._check(name)
        folder = Path(data_dir) / name
        m = self._manifest(name)
        state = read_state(folder)
        if m is not None and not force and (state or {}).get("generation") != m.generation:
            raise FolderMoved(
                f"{name}: the cluster holds a generation published since this copy was fetched "
                f"(`govsearch shared pull {name}` first, or `push --force` to replace it)"
            )
        files = snapshot(folder, state)
        if not files and m is None:
            return ""
        self._create()
        generation = uuid.uuid4().hex[:16]
        manifest = {
            "kind": "manifest",
            "name": name,
            "generation": generation,
            "previous": m.generation if m is not None else "",
            # where the replaced generation's files are stored: what the next publication may
            # delete (see _drop_unreferenced)
            "previous_stored": sorted(_stored(m)) if m is not None else [],
            "written": _now(),
            "files": [],
        }
        base = {f["path"]: f for f in (m.files if m is not None else [])}
        try:
            for f in files:
                was = base.get(f.path)
                if was is not None and was["sha256"] == f.sha256 and was["size"] == f.size:
                    # unchanged since the generation replaced: its chunks stay where they are
                    # (an upload's few new vectors publish one small file, not the whole store)
                    manifest["files"].append({**was, "stored_in": _where(was, m)})
                    continue
                chunks = self._store_file(name, generation, f.path, folder / f.path)
                manifest["files"].append({
                    "path": f.path, "size": f.size, "sha256": f.sha256, "chunks": chunks,
                    "stored_in": generation,
                })  # fmt: skip
            self._replace_manifest(name, manifest, m)
        except BaseException:
            self._drop_generation(name, generation)
            raise
        if m is not None:
            self._drop_unreferenced(name, m, manifest)
            self._sweep(name, {f["stored_in"] for f in manifest["files"]} | {
                k.partition("/")[0] for k in _stored(m) | set(manifest["previous_stored"])
            })
        write_state(folder, generation, files)
        return generation

    def _drop_unreferenced(self, name: str, replaced: _Manifest, new: dict[str, Any]) -> None:
        """Delete the chunks only the generation before the replaced one used. The replaced
        one's stay (a server may still be fetching it), and so do the new one's; deleting "all
        but ours" would delete what a faster writer published after ours. (Chunks of a writer
        that died before its manifest are left to :meth:`_sweep`.)"""
        gone = set(replaced.body.get("previous_stored") or ())
        gone -= _stored(replaced) | {f"{f['stored_in']}/{f['path']}" for f in new["files"]}
        for key in sorted(gone):
            generation, _, path = key.partition("/")
            self._drop_generation(name, generation, path)

    def _replace_manifest(self, name: str, manifest: dict[str, Any], old: _Manifest | None) -> None:
        """The commit point: compare-and-set on the manifest read before the chunks were written."""
        try:
            if old is None:
                self.es.create(index=self.index, id=f"manifest:{name}", document=manifest)
            else:
                self.es.index(
                    index=self.index,
                    id=f"manifest:{name}",
                    document=manifest,
                    if_seq_no=old.seq_no,
                    if_primary_term=old.primary_term,
                )
        except ConflictError:
            raise FolderMoved(f"{name}: another writer published it at the same time") from None
        except (ApiError, TransportError) as exc:
            raise BackendUnavailable(
                f"Elasticsearch at {self.shown_url} failed to publish {name}: {exc}",
                url=self.shown_url,
            ) from exc

    def _store_file(self, name: str, generation: str, rel: str, path: Path) -> int:
        n, written = 0, _now()
        with path.open("rb") as f:
            while True:
                data = f.read(CHUNK)
                if not data and n:
                    break
                with self._guard(f"publish {name}/{rel}"):
                    self.es.index(
                        index=self.index,
                        id=_chunk_id(name, generation, rel, n),
                        document={
                            "kind": "chunk",
                            "name": name,
                            "generation": generation,
                            "path": rel,
                            "written": written,
                            "data": base64.b64encode(data).decode("ascii"),
                        },
                    )
                n += 1
                if not data:
                    break  # an empty file is one empty chunk
        return n

    def _sweep(self, name: str, referenced: set[str]) -> None:
        """Delete chunks of generations no manifest names, written more than
        :data:`ORPHAN_AFTER` ago: a writer that died between its chunks and its manifest (a
        writer still at work wrote its chunks minutes ago)."""
        cutoff = (dt.datetime.now(dt.UTC) - ORPHAN_AFTER).isoformat(timespec="seconds")
        try:
            self._delete_where({"bool": {
                "filter": [{"term": {"name": name}}, {"term": {"kind": "chunk"}},
                           {"range": {"written": {"lt": cutoff}}}],
                "must_not": [{"terms": {"generation": sorted(referenced)}}],
            }})  # fmt: skip
        except (ApiError, TransportError):
            pass  # tried again at the next publication

    def _drop_generation(self, name: str, generation: str, path: str | None = None) -> None:
        """Delete the chunks stored by ``generation`` (of one file, with ``path``)."""
        where = [{"term": {"name": name}}, {"term": {"kind": "chunk"}},
                 {"term": {"generation": generation}}]  # fmt: skip
        if path is not None:
            where.append({"term": {"path": path}})
        try:
            self._delete_where({"bool": {"filter": where}})
        except (ApiError, TransportError):
            pass  # left-over chunks cost space, not answers

    def _delete_where(self, query: dict[str, Any]) -> None:
        """By id, in pages: ``_delete_by_query`` lives in the reindex module, which a minimal
        distribution (the one CI runs) does not have."""
        while True:
            self.es.indices.refresh(index=self.index)
            hits = self.es.search(index=self.index, query=query, size=500, source=False)
            ids = [h["_id"] for h in hits["hits"]["hits"]]
            if not ids:
                return
            self.es.bulk(operations=[{"delete": {"_index": self.index, "_id": i}} for i in ids])

    def status(self, data_dir: Path, name: str) -> FolderStatus:
        self._check(name)
        folder = Path(data_dir) / name
        m = self._manifest(name)
        state = read_state(folder)
        return FolderStatus(
            name,
            str((state or {}).get("generation", "")),
            m.generation if m is not None else "",
            edited(folder, state) if state is not None or any(local_files(folder)) else (),
        )
