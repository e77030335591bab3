"""An ingest run: files → ``ingest`` → Documents → ``search_index`` → backend, with a report.

The one place that joins the two packages, so each stays ignorant of the other; folders, uploads
and the API's server-side ingest all run :func:`run_jobs`.
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
from dataclasses import dataclass
from pathlib import Path

from ingest.catalog import Catalog, load_catalog
from ingest.files import FileTask, IngestFailure, ingest_file, map_files, tasks
from ingest.report import IngestReport
from model.document import Document
from model.errors import BadRequest
from model.fields import DISCLOSURES
from pipeline.lexicon import LexiconBuilder
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


def plan_jobs(
    index: SearchIndex, paths: Sequence[Path], catalog: Catalog | None, default_disclosure: str,
    report: IngestReport,
) -> tuple[list[Job], dict[str, set[str]]]:
    """A Job per file (with the indexed version's hash, to skip unchanged bytes), and the ids
    seen per source folder (for ``--prune``)."""
    known = index.fingerprints()
    jobs: list[Job] = []
    by_source: dict[str, set[str]] = {}
    owner: dict[str, str] = {}
    for task in tasks(paths, catalog, default_disclosure):
        source = str(task.source)
        seen = by_source.setdefault(source, set())
        doc_id = task.doc_id
        if doc_id in owner:
            report.fail(task.rel_path, f"same path as {owner[doc_id]} given twice; ignored")
            continue
        owner[doc_id] = str(task.file)
        seen.add(doc_id)
        jobs.append(Job(task, source, doc_id, known.get(doc_id)))
    return jobs, by_source


def run_jobs(
    index: SearchIndex, jobs: list[Job], report: IngestReport, *, workers: int = 1,
    progress: bool = False, lexicon: LexiconBuilder | None = None,
) -> list[str]:
    """Extract, analyse and write ``jobs``; fills ``report``; returns the paths written."""
    written: list[str] = []
    formats: dict[str, str] = {}

    def to_write() -> Iterator[IndexedDocument]:
        for r in map_files(work, jobs, workers=workers, progress=progress):
            if isinstance(r, IndexedDocument):
                formats[r.doc.id] = r.doc.format
                if lexicon is not None:
                    lexicon.add(r)
                yield r
            elif isinstance(r, Unchanged):
                report.unchanged += 1
            else:
                report.add(r)

    for w in index.write(to_write()):
        if w.ok:
            report.ok.append(w.path)
            report.formats[formats.get(w.id, "?")] += 1
            written.append(w.path)
        else:
            report.fail(w.path, f"not written to the index: {w.error}")
    return written


def run_ingest(
    index: SearchIndex,
    paths: Sequence[Path],
    *,
    catalog: Path | None = None,
    prune: bool = False,
    default_disclosure: str = "public",
    workers: int = 2,
    progress: bool = False,
    lexicon_dir: Path | None = None,
) -> IngestReport:
    """Ingest files and folders; returns the report (failures included, never raised).

    With ``lexicon_dir`` (the data folder), the short forms the documents define and the
    corpus vocabulary are merged into ``<lexicon_dir>/lexicon`` (:mod:`pipeline.lexicon`)."""
    if default_disclosure not in DISCLOSURES:
        raise BadRequest(f"disclosure must be one of {', '.join(DISCLOSURES)}")
    report = IngestReport()
    cat = load_catalog(catalog) if catalog is not None else None
    if cat is not None:
        for err in cat.errors:
            report.fail(f"{cat.source.name} line {err.line}", f"catalog: {err}")
    jobs, by_source = plan_jobs(index, paths, cat, default_disclosure, report)
    lexicon = LexiconBuilder() if lexicon_dir is not None else None
    run_jobs(index, jobs, report, workers=workers, progress=progress, lexicon=lexicon)
    if lexicon is not None and lexicon_dir is not None:
        lexicon.write(lexicon_dir)
    if prune:
        for source, seen in by_source.items():
            stale = set(index.fingerprints(source)) - seen
            if stale:
                index.delete(sorted(stale))
                report.pruned.extend(sorted(stale))
    return report
