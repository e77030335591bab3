"""An ingest run: files → ``ingest`` → Documents → ``search_index`` → backend, with a report.

This is the one place that joins the two packages, so each stays ignorant of the other.
Work per file (hash check, extraction, analysis) runs in worker processes; the parent only
streams the results into the backend's bulk writer. A file whose bytes hash to what the index
already holds is not even extracted. Nothing is lost: a failure is reported and leaves the
previous version of that document in place; ``--prune`` removes only documents whose files are
gone.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from govsearch.errors import BadRequest
from ingest.catalog import load_catalog
from ingest.document import DISCLOSURES, Document
from ingest.pipeline import FileTask, IngestFailure, ingest_file, plan
from ingest.report import IngestReport
from search_index.index import SearchIndex
from search_index.prepare import prepare
from search_index.protocol import IndexedDocument


@dataclass(frozen=True)
class Job:
    task: FileTask
    source: str  # absolute path of the folder given to ingest
    doc_id: str
    known_hash: str | None  # 16 hex digits of the indexed version's sha256, if any


@dataclass(frozen=True)
class Unchanged:
    doc_id: str
    path: str


def document_id(source: Path, rel_path: str) -> str:
    """Stable id from the ingested folder's name and the file's path inside it.

    The folder name keeps two folders with the same inner layout apart; the absolute location
    is left out so that moving an archive does not change its ids (bookmarks keep working).
    """
    return hashlib.sha1(f"{source.name}/{rel_path}".encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def work(job: Job) -> IndexedDocument | IngestFailure | Unchanged:
    """One file, in a worker process: skip if unchanged, else extract and analyse."""
    if job.known_hash is not None:
        try:
            if _sha256(job.task.file)[:16] == job.known_hash:
                return Unchanged(job.doc_id, job.task.rel_path)
        except OSError:
            pass  # ingest_file reports the read error
    result = ingest_file(job.task)
    if isinstance(result, IngestFailure):
        return result
    if not result.text.strip():
        return IngestFailure(job.task.rel_path, "no text in the file (empty document)")
    doc: Document = dataclasses.replace(result, id=job.doc_id)
    return prepare(doc, job.source)


def _jobs(
    index: SearchIndex, paths: Sequence[Path], catalog, default_disclosure: str, report
) -> tuple[list[Job], dict[str, set[str]]]:
    known = index.fingerprints()
    jobs: list[Job] = []
    by_source: dict[str, set[str]] = {}
    owner: dict[str, str] = {}
    for given in paths:
        root = given.resolve()
        folder = root if root.is_dir() else root.parent
        source = str(folder)
        seen = by_source.setdefault(source, set())
        for task in plan([given], catalog, default_disclosure):
            doc_id = document_id(folder, task.rel_path)
            if doc_id in owner:
                report.fail(task.rel_path, f"same path as {owner[doc_id]} given twice; ignored")
                continue
            owner[doc_id] = str(task.file)
            seen.add(doc_id)
            jobs.append(Job(task, source, doc_id, known.get(doc_id)))
    return jobs, by_source


def run_ingest(
    index: SearchIndex,
    paths: Sequence[Path],
    *,
    catalog: Path | None = None,
    prune: bool = False,
    default_disclosure: str = "public",
    workers: int = 2,
    progress: bool = False,
) -> IngestReport:
    """Ingest files and folders; returns the report (failures included, never raised)."""
    if default_disclosure not in DISCLOSURES:
        raise BadRequest(f"disclosure must be one of {', '.join(DISCLOSURES)}")
    report = IngestReport()
    cat = load_catalog(catalog) if catalog is not None else None
    if cat is not None:
        for err in cat.errors:
            report.fail(f"{cat.source.name} line {err.line}", f"catalog: {err}")
    jobs, by_source = _jobs(index, paths, cat, default_disclosure, report)

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), unit="file", desc="ingest")

    def results() -> Iterator[IndexedDocument | IngestFailure | Unchanged]:
        if workers > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                yield from pool.map(work, jobs, chunksize=8)
        else:
            yield from map(work, jobs)

    def to_write() -> Iterator[IndexedDocument]:
        for r in results():
            if bar is not None:
                bar.update()
            if isinstance(r, IndexedDocument):
                yield r
            elif isinstance(r, Unchanged):
                report.unchanged += 1
            else:
                report.add(r)

    formats: dict[str, str] = {}
    try:
        for w in index.write(_remember_formats(to_write(), formats)):
            if w.ok:
                report.ok.append(w.path)
                report.formats[formats.get(w.id, "?")] += 1
            else:
                report.fail(w.path, f"not written to the index: {w.error}")
    finally:
        if bar is not None:
            bar.close()

    if prune:
        for source, seen in by_source.items():
            stale = set(index.fingerprints(source)) - seen
            if stale:
                index.delete(sorted(stale))
                report.pruned.extend(sorted(stale))
    return report


def _remember_formats(
    items: Iterator[IndexedDocument], formats: dict[str, str]
) -> Iterator[IndexedDocument]:
    for item in items:
        formats[item.doc.id] = item.doc.format
        yield item
