"""An ingest run: files → ``ingest`` → Documents → ``search_index`` → backend, with a report.

The one place that joins the two packages, so each stays ignorant of the other; folders, uploads
and the API's server-side ingest all run :func:`run_jobs`.
Work per file (hash check, extraction, analysis) runs in worker processes; the parent only
streams the results into the backend's bulk writer. A file whose bytes hash to what the index
already holds is not even extracted. Nothing is lost: a failure is reported and leaves the
previous version of that document in place; ``--prune`` removes only documents whose files are
gone.

What the index holds per document is a *fingerprint* of its bytes and of every decision applied
to it (level, hold, catalogue row: ``FileTask.ingest_key``), so a reclassification with the
bytes unchanged is applied by the next ingest. Such a document is extracted again (measured in
README.md "Security": re-extracting is the simple path and costs what a first ingest costs; the
changed documents of a reclassification are few). A file moved to another path of the same
folder (into ``not_public/``, say) replaces its old document even without ``--prune``, and a
folder whose name another ingested folder already uses never replaces that folder's documents.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from ingest import processes
from ingest.catalog import Catalog, CatalogEntry, load_catalog
from ingest.confined import Confinement, open_confined
from ingest.errors import IngestError
from ingest.files import (
    CatalogProblem,
    FileTask,
    IngestFailure,
    ingest_file,
    is_held,
    map_files,
    source_folder,
    tasks,
)
from ingest.ocr.scan import has_unread_pages
from ingest.report import IngestReport
from model.document import Document, StoredDocument
from model.errors import BadRequest, GovSearchError, StorageFull
from model.fields import DISCLOSURES, MOST_RESTRICTIVE, value_label
from model.ids import disk_names, fingerprint, readable_path
from model.viewer import ANONYMOUS, STAFF
from pipeline.earlier_cells import absent_columns, as_catalogued, with_earlier_cells
from pipeline.hidden_copies import HiddenCopies
from pipeline.lexicon import LexiconBuilder
from pipeline.lexicon_journal import Journal, analysed, count_again, count_stored, left_behind
from search_index.citizen_words import LEXICON_DIR
from search_index.index import SearchIndex
from search_index.prepare import prepare
from search_index.protocol import IndexedDocument
from search_index.shared_folders import update
from search_index.tree import Bool, Plan, Prefix, Term


@dataclass(frozen=True)
class Job:
    task: FileTask
    source: str  # absolute path of the folder given to ingest
    doc_id: str
    known_hash: str | None  # the indexed version's fingerprint (model.ids.fingerprint), if any
    moved: bool = False  # its id is held under a folder that is gone: the archive moved


@dataclass(frozen=True)
class Unchanged:
    doc_id: str
    path: str
    content_hash: str = ""


class Found(NamedTuple):
    """Where an ingest found a text: a move's new path and the id the document has there."""

    path: str
    doc_id: str
    new: bool = False  # a document this run added: a file that was not in the index before


class FoundFiles:
    """Every file an ingest found in the index, by its bytes' hash: a moved file is known by
    its bytes, and among identical copies by its path, so the old id of each copy leads to
    its own file (QA pass 47c: a 不予公开 copy's old id was recorded as moved to the public
    copy of the same text, since one file was kept per hash)."""

    def __init__(self) -> None:
        self._by_hash: dict[str, list[Found]] = {}

    def add(self, content_hash: str, found: Found) -> None:
        self._by_hash.setdefault(content_hash, []).append(found)

    def __bool__(self) -> bool:
        return bool(self._by_hash)

    def paths(self) -> dict[str, Found]:
        return {f.path: f for same in self._by_hash.values() for f in same}

    def match(self, content_hash: str, path: str, taken: set[str]) -> Found | None:
        """The file holding these bytes: the one at ``path`` if any, else one new to the index
        (a file already there is itself, not where another moved) whose document no other
        old document moved to (``taken``), else any not taken, else any."""
        same = self._by_hash.get(content_hash, [])
        for pick in (
            (f for f in same if f.path == path),
            (f for f in same if f.new and f.doc_id not in taken),
            (f for f in same if f.doc_id not in taken),
            iter(same),
        ):
            found = next(pick, None)
            if found is not None:
                return found
        return None


def _sha256(path: Path, within: tuple[Path, ...] = ()) -> str:
    h = hashlib.sha256()
    with open_confined(path, within) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def work(job: Job) -> IndexedDocument | IngestFailure | Unchanged:
    """One file, in a worker process: skip if unchanged, else extract and analyse."""
    if job.known_hash is not None:
        try:
            sha = _sha256(job.task.file, job.task.within)
            if fingerprint(sha, job.task.ingest_key) == job.known_hash:
                return Unchanged(job.doc_id, job.task.rel_path, sha)
        except (OSError, IngestError):
            pass  # ingest_file reports the read error, or the refusal
    result = ingest_file(job.task)
    if isinstance(result, IngestFailure):
        return result
    if not result.text.strip():
        return IngestFailure(job.task.rel_path, "no text in the file (empty document)")
    # ingest_file names the document by its task, as the job does: a copy (~9 µs) only when
    # they differ
    doc: Document = result
    if doc.id != job.doc_id:
        doc = dataclasses.replace(result, id=job.doc_id)
    if has_unread_pages(doc.extra.get("ocr_failed", "")):
        # scanned pages OCR did not run on: stored under another key, so that the next ingest
        # reads the file again, and OCR, on by then, reads them (QA pass 42a: called
        # "unchanged", the pages were never read)
        again = hashlib.sha256(f"{doc.ingest_key}\nunread pages".encode()).hexdigest()[:16]
        doc = dataclasses.replace(doc, ingest_key=again)
    return prepare(doc, job.source)


def plan_jobs(
    index: SearchIndex,
    paths: Sequence[Path],
    catalog: Catalog | None,
    default_disclosure: str,
    report: IngestReport,
    confine: Confinement | None = None,
    given: bool = False,
) -> tuple[list[Job], dict[str, set[str]], list[str]]:
    """A Job per file (with the indexed version's fingerprint, to skip unchanged files), the
    ids seen per source folder (for ``--prune``), and the ids of documents an earlier ingest
    made of a file that is now refused (a symlink leading out of its folder), to be removed.
    Reports refused files, catalogue rows that name no file, and files whose id a document of
    another live folder already has."""
    known = index.fingerprints()
    here: dict[str, dict[str, str]] = {}
    jobs: list[Job] = []
    # every folder given is read whole, even one with no file left: its documents are then all
    # gone (QA pass 24c: --prune of a folder whose files were all deleted removed nothing)
    by_source: dict[str, set[str]] = {
        str(source_folder(p)): set() for p in paths if Path(p).is_dir()
    }
    owner: dict[str, str] = {}
    matched: set[str] = set()
    near: dict[str, str] = {}
    withdrawn: list[str] = []
    for task in tasks(paths, catalog, default_disclosure, confine, given):
        source = str(task.source)
        seen = by_source.setdefault(source, set())
        if source not in here:
            here[source] = index.fingerprints(source)
        doc_id = task.doc_id
        if task.refused:  # never read, not even hashed; an older document of it is withdrawn
            reason = task.refused
            if doc_id in here[source]:
                withdrawn.append(doc_id)
                reason += "; the document an earlier ingest made of it is removed"
            report.skip(task.rel_path, reason)
            continue
        if doc_id in owner:
            report.fail(task.rel_path, f"same path as {owner[doc_id]} given twice; ignored")
            continue
        owner[doc_id] = str(task.file)
        seen.add(doc_id)
        if task.entry is not None:
            matched.add(task.entry.path)
        elif task.held and catalog is not None:
            found = catalog.near(task.file, task.raw_path or task.rel_path)
            if found is not None:
                # the path the row should give: relative to the catalogue's folder (QA pass 8:
                # a catalogue in another folder was told "did you mean" its own cell)
                meant = Path(os.path.relpath(task.file.absolute(), catalog.folder.absolute()))
                near.setdefault(found.path, meant.as_posix())
        # a document held back is reported when it is written (or found unchanged) held, in
        # run_jobs: one whose catalogued version the index keeps is not held (QA 23b)
        jobs.append(Job(task, source, doc_id, known.get(doc_id)))
    if catalog is not None:
        for err in catalog.unmatched(matched, near, list(paths)):
            report.add(CatalogProblem.of(catalog, err))
        for err in catalog.outside(matched, list(paths)):
            said = CatalogProblem.of(catalog, err)
            report.warned.append(IngestFailure(said.path, said.reason))
    others = [j.doc_id for j in jobs if j.known_hash is not None and j.doc_id not in here[j.source]]
    if others:
        jobs = _refuse_collisions(index, jobs, others, report)
    return jobs, by_source, withdrawn


def _stored(index: SearchIndex, ids: Sequence[str]) -> Iterator[StoredDocument]:
    """Stored documents by id without their texts (no caller reads one), a batch at a time."""
    for start in range(0, len(ids), CATALOGUED_BATCH):
        batch = list(ids[start : start + CATALOGUED_BATCH])
        yield from index.backend.fetch(batch, texts=False).values()


def _refuse_collisions(
    index: SearchIndex, jobs: list[Job], others: list[str], report: IngestReport
) -> list[Job]:
    """Drop the jobs whose id a document ingested from another folder of the same name holds,
    while that folder still exists; if it is gone the archive was moved and keeps its ids."""
    live: dict[str, StoredDocument] = {}
    gone: dict[str, str] = {}  # a moved document's id, and the folder it was ingested from
    for doc in _stored(index, others):
        if doc.source and Path(doc.source).is_dir():
            live[doc.id] = doc
        else:
            gone[doc.id] = doc.source
    moved = set(others) - set(live)
    # said, once per folder (QA pass 52b: the move was in no line of the report)
    folders = Counter((gone.get(j.doc_id, ""), j.source) for j in jobs if j.doc_id in moved)
    for (was, now), n in sorted(folders.items()):
        report.moved.append(f"{was or '(a folder gone)'} → {now} (an archive moved: {n} "
                            f"{'document keeps its id' if n == 1 else 'documents keep their ids'})")
    kept = []
    for job in jobs:
        other = live.get(job.doc_id)
        if other is None:
            # moved: written again (not skipped as unchanged) so it records its new folder
            kept.append(
                dataclasses.replace(job, known_hash=None, moved=True)
                if job.doc_id in moved else job
            )  # fmt: skip
            continue
        report.fail(
            job.task.rel_path,
            f"not ingested: {other.source} (another folder named {Path(job.source).name!r}) "
            f"already has a document {other.path!r} with this id; ingest one of the two "
            "folders under a different folder name",
        )
    return kept


CATALOGUED_BATCH = 200  # rewritten documents whose stored catalogue is looked up at once


def _to_keep(
    index: SearchIndex, batch: Sequence[IndexedDocument], defaulted: set[str]
) -> dict[str, tuple[StoredDocument, str]]:
    """The indexed versions of these documents that must stay, by id, with which rule keeps
    them (fail closed; one metadata fetch per batch, not per document):

    * ``"catalogued"``: those a catalogue row made while this ingest has none for their files
      (no --catalog, the API's ingest, a catalogue missing the row). Written again they would
      take the folder's or the default level — a forgotten --catalog published 依申请公开 files
      and turned 废止 back into 有效 — so the catalogued version stays until an ingest gives a
      row for it again;
    * ``"hidden"``: those whose level this ingest leaves to the default (``defaulted``: no
      --disclosure, no level in a catalogue row, no folder's) that it would publish while the
      index holds them hidden: a forgotten --disclosure published what ``--disclosure
      依申请公开`` had held (QA pass 23b), and so did a catalogue given to fix titles whose rows
      name no level (QA pass 23c). The default level (public, or
      ``GOVSEARCH_DEFAULT_DISCLOSURE``) is no decision to publish. Nor is a hold
      (:data:`ingest.files.HELD_KEY`): a document hidden only by one takes the default once
      the hold is lifted, as a new file would;
    * ``"held"``: those this ingest holds back while the index holds them hidden by a decision:
      hidden already, they keep that decision, which a hold written over them would lose.
    """
    new = {r.doc.id: r for r in batch}
    out: dict[str, tuple[StoredDocument, str]] = {}
    for doc in index.backend.fetch(list(new), texts=False).values():
        r = new[doc.id]
        if doc.catalog and not r.doc.catalog:
            out[doc.id] = (doc, "catalogued")
        elif ANONYMOUS.can_see(doc.disclosure) or is_held(doc.ingest_key):
            continue
        elif doc.id in defaulted and ANONYMOUS.can_see(r.doc.meta.disclosure):
            out[doc.id] = (doc, "hidden")
        elif is_held(r.doc.ingest_key):
            out[doc.id] = (doc, "held")
    return out


def _own_levels(
    index: SearchIndex,
    batch: list[IndexedDocument],
    moved: set[str],
    defaulted: set[str],
    held: set[str],
) -> dict[str, tuple[StoredDocument, bool]]:
    """The moved documents of ``batch`` that keep what they were, each with whether as
    catalogued. A moved archive keeps its ids, and with them its decisions:

    * one an earlier catalogue catalogued, read with no row now, keeps its cells and its level,
      as the same ingest of an archive never moved keeps the catalogued version (QA pass 52b: a
      rule marked 废止 came back 有效; a folder's own catalogue, not given, held its public rows);
    * else, where nothing of this ingest decides a level (``defaulted``), its own level (QA
      pass 51f: a public notice with a hidden copy elsewhere was held back once its folder
      moved, and a not_public archive moved came back public by the default): hidden, it stays
      hidden whatever its text; public, while its text is the one that was published (a new
      text asks, as any, whether a hidden copy holds it);
    * where this ingest holds it (``held``), hidden by a decision, that decision, which a hold
      written over it would lose (the review of QA pass 52c: moved into a held folder, a
      不予公开 notice was published once the hold was lifted).

    A level an earlier hold gave is no decision: such a document is read as a new one is."""
    asked = [r.doc.id for r in batch if r.doc.id in moved]
    out: dict[str, tuple[StoredDocument, bool]] = {}
    if not asked:
        return out
    new = {r.doc.id: r for r in batch}
    for doc in index.backend.fetch(asked, texts=False).values():
        r = new[doc.id]
        if doc.catalog and not r.doc.catalog:
            out[doc.id] = (doc, True)
        elif is_held(doc.ingest_key) or (doc.id not in defaulted and doc.id not in held):
            continue
        elif not ANONYMOUS.can_see(doc.disclosure):
            out[doc.id] = (doc, False)
        elif doc.content_hash == r.doc.content_hash and doc.id in defaulted:
            out[doc.id] = (doc, False)
    return out


def _as_before(r: IndexedDocument, old: StoredDocument) -> IndexedDocument:
    """``r`` at the level its document had before the move: written as a hold
    (:func:`_at_level`) where that differs from this ingest's, so the next ingest that names
    a level applies it, and one that does not says it is held back, as it says of an archive
    never moved."""
    return r if old.disclosure == r.doc.meta.disclosure else _at_level(r, old.disclosure)


def _at_level(r: IndexedDocument, level: str) -> IndexedDocument:
    """``r`` written at ``level`` instead of the one its task gave, the hold part of its
    decisions: the next ingest that names a level (the default's, public, included) is one
    that decides otherwise, and applies it."""
    held = hashlib.sha256(f"{r.doc.ingest_key}\nheld as {level}".encode()).hexdigest()[:16]
    meta = dataclasses.replace(r.doc.meta, disclosure=level)
    doc = dataclasses.replace(r.doc, meta=meta, ingest_key=held)
    return dataclasses.replace(r, doc=doc, keywords={**r.keywords, "disclosure": (level,)})


def _kept(
    doc: StoredDocument, rule: str, content_hash: str, hold: str = ""
) -> tuple[bool, str]:
    """Whether a document kept by :func:`_to_keep` is out of date (its file changed), and the
    report's reason. Unchanged bytes are a skip: the index holds this file with the decisions
    that made it. Changed bytes are not: the new text is not searchable until an ingest that
    decides its level writes it, which someone must run (QA pass 13: reported as "skipped",
    exit 0). Rewriting it with the old version's metadata instead was not chosen: the index
    does not record which of its fields the row gave and which the old text did."""
    if rule == "held":  # (a changed file is written at that level: run_jobs)
        level = f"{doc.disclosure} ({value_label('disclosure', doc.disclosure)})"
        return False, f"{hold}; it keeps {level}, the level an earlier ingest gave it"
    if rule == "hidden":
        why = (f"held as {doc.disclosure}: neither this ingest (--disclosure, the API's "
               "disclosure) nor a catalogue row (公开方式) gives it a level, and the default "
               'would publish it; give it one (--disclosure public, or "disclosure": "public" '
               "in the API's ingest, publishes it)")  # fmt: skip
        if doc.content_hash == content_hash:
            return False, why
        return True, f"the file changed; the index keeps the earlier version, {why}"
    again = f"ingest again with --catalog {doc.catalog} (the API's \"catalog\") to apply one"
    if doc.content_hash == content_hash:
        return False, (f"kept as catalogued by {doc.catalog} ({doc.disclosure}): this ingest "
                       f"has no catalogue row for it; {again}")  # fmt: skip
    return True, (
        f"the file changed since it was catalogued by {doc.catalog} "
        f"({doc.disclosure}), and this ingest has no catalogue row for it; the index keeps "
        f"the earlier version (its text, level and catalogue cells); {again} to the new text"
    )


def run_jobs(
    index: SearchIndex,
    jobs: list[Job],
    report: IngestReport,
    *,
    workers: int = 1,
    progress: bool = False,
    hashes: FoundFiles | None = None,
    lexicon: LexiconBuilder | None = None,
    written_ids: list[str] | None = None,
    level_given: bool = False,
    journal: Journal | None = None,
) -> list[str]:
    """Extract, analyse and write ``jobs``; fills ``report``; returns the paths written.
    ``hashes`` (if given) receives every file that is in the index;
    ``written_ids`` (if given), the id of every document written; ``journal`` (if given) notes
    each document before the index may commit it (:mod:`pipeline.lexicon_journal`)."""
    written: list[str] = []
    formats: dict[str, str] = {}
    extra: dict[str, dict[str, str]] = {}
    found = hashes if hashes is not None else FoundFiles()
    indexed = {j.doc_id for j in jobs if j.known_hash is not None}
    indexed_paths = {j.task.rel_path for j in jobs if j.known_hash is not None}
    # the documents whose level nothing of this ingest decides: the default gives it
    defaulted = set() if level_given else {j.doc_id for j in jobs if j.task.level_defaulted}
    # documents moved with their folder: they keep what they were (_own_levels): catalogued,
    # their catalogued version; where the default gives the level (not held), their own level;
    # where this ingest holds them, a level decided before
    moved = {j.doc_id for j in jobs if j.moved}
    moved_defaulted = {j.doc_id for j in jobs if j.moved and not j.task.held} & defaulted
    moved_held = {j.doc_id for j in jobs if j.moved and j.task.held}
    # "held back" is what the index now holds so: a held file written, or unchanged since it
    # was written held; never one whose catalogued version is kept, at whatever level its row
    # gave (QA 23b: public documents kept as catalogued were also listed as "held back as
    # not_public"). An unchanged file may be a catalogued one (a row naming only 不予公开 is
    # the same decision as a hold): which, its stored document says, looked up at the end.
    held = {j.doc_id: (j.task.rel_path, j.task.held_reason) for j in jobs if j.task.held_reason}
    still: list[str] = []
    # documents the index holds, written again from a catalogue lacking columns an earlier one
    # may have filled (pipeline.earlier_cells)
    absent = {
        j.doc_id: gaps for j in jobs
        if j.known_hash is not None and j.task.entry is not None
        for gaps in [absent_columns(j.task.entry.columns)] if gaps
    }  # fmt: skip

    def hold(doc_id: str) -> None:
        if doc_id in held:
            report.hold(*held[doc_id])

    # the texts the index holds hidden (pipeline.hidden_copies), when a level is left to the
    # default or a file is held: with a level given and no hold nothing is asked
    holding = any(j.task.held for j in jobs)  # (a held text may copy a hidden one: QA 49c)
    copies = HiddenCopies(index) if defaulted or holding else None
    levels: dict[str, str] = {}
    ocr: dict[str, tuple[str, str, float | None]] = {}  # what OCR read, by document

    def accepted(r: IndexedDocument | IngestFailure | Unchanged) -> Iterator[IndexedDocument]:
        if isinstance(r, IndexedDocument):
            if copies is not None:
                copies.wrote(r)
            formats[r.doc.id] = r.doc.format
            levels[r.doc.id] = r.doc.meta.disclosure
            if r.doc.text_source == "ocr":
                ocr[r.doc.id] = (r.doc.ocr_pages, r.doc.ocr_turned, r.doc.ocr_confidence)
            if any(r.doc.extra.get(k) for k in IngestReport.WARNED):
                extra[r.doc.id] = r.doc.extra  # for the report's warnings (IngestReport.warn)
            if lexicon is not None:
                lexicon.add(r, rewritten=r.doc.id in indexed)
                if journal is not None:
                    journal.wrote(r.doc.id, r.doc.content_hash, r.doc.ingest_key)
            found.add(r.doc.content_hash, Found(r.doc.path, r.doc.id, r.doc.id not in indexed))
            yield r
        elif isinstance(r, Unchanged):
            report.unchanged += 1
            found.add(r.content_hash, Found(r.path, r.doc_id))
            if r.doc_id in held:
                still.append(r.doc_id)
        elif r.skipped and r.path in indexed_paths:
            # a file the index holds, read again (its bytes or its catalogue row changed) and
            # refused for want of OCR: the change is not applied, which is no skip (QA pass
            # 42a: a scan's row corrected to 失效, loaded with --no-ocr, said "skipped: needs
            # OCR", exit 0, and the public kept seeing 有效)
            report.keep_old(r.path, f"{r.reason}; the file or its catalogue row changed, and "
                                    "the index keeps the earlier version until an ingest with "
                                    "OCR on reads it again")
        else:
            report.add(r)

    def needs_check(r: IndexedDocument) -> bool:
        """Rewritten without a row, or a level: catalogued, held? Or new, at the default
        level: its text held hidden under another path?"""
        return (r.doc.id in moved and not r.doc.catalog) or r.doc.id in moved_defaulted or (
            r.doc.id in indexed and (not r.doc.catalog or r.doc.id in defaulted)
        ) or (
            r.doc.id not in indexed and r.doc.id in defaulted
            and ANONYMOUS.can_see(r.doc.meta.disclosure)
        ) or is_held(r.doc.ingest_key)  # fmt: skip

    def checked(batch: list[IndexedDocument]) -> Iterator[IndexedDocument]:
        if absent:
            batch = with_earlier_cells(index, batch, absent)
            yield from (x for r in batch if not needs_check(r) for x in accepted(r))
            batch = [r for r in batch if needs_check(r)]
        own = _own_levels(index, batch, moved, moved_defaulted, moved_held)
        for r in batch:
            if r.doc.id in own:
                old, catalogued = own[r.doc.id]
                if catalogued:  # (its catalogued version kept: no hold, as unmoved, QA 23b)
                    held.pop(r.doc.id, None)
                    r = as_catalogued(old, r)
                elif r.doc.id in moved_held:  # its decided level, as a decision, not a hold
                    yield from accepted(_at_level(r, old.disclosure))
                    continue
                yield from accepted(_as_before(r, old))
        batch = [r for r in batch if r.doc.id not in own]
        rewritten = [r for r in batch if r.doc.id in indexed]
        kept = _to_keep(index, rewritten, defaulted) if rewritten else {}
        # new documents at the default level, and rewritten ones not kept (a public file
        # overwritten with a hidden text's copy: QA pass 25a), keep a hidden copy's level
        # ... and held ones: a file renamed or moved while its folder is held is written held,
        # and its old document removed as moved; a hold is no decision, and its lifting
        # published the text an ingest had hidden (QA pass 49c)
        asked = [r for r in batch if r.doc.id not in kept and (is_held(r.doc.ingest_key) or (
                 r.doc.id in defaulted and ANONYMOUS.can_see(r.doc.meta.disclosure)))]  # fmt: skip
        hidden = copies.of(asked) if asked and copies is not None else {}
        for r in batch:
            same = hidden.get(r.doc.id)
            if same is not None:
                level = same.level
                # (QA pass 26c: a file holding a hidden text was said to be held *by* it, as
                # "moved, renamed or edited")
                # (QA pass 47b: a second copy of a law, its row's level left empty, was told
                # it was "moved, renamed or edited": it takes the copy's level lest a withdrawn
                # text come back public under another name)
                why = ("a restricted text copied into another file keeps its level" if same.inside
                       else "it takes that copy's level, lest a withdrawn text come back public "
                       "under another name (a file moved, renamed or copied)")  # fmt: skip
                if is_held(r.doc.ingest_key):
                    held[r.doc.id] = (r.doc.path, (
                        f"{held[r.doc.id][1]}; it takes the level of {same.said()}, which the "
                        f"index holds as {same.path} ({value_label('disclosure', level)}), "
                        "lest a withdrawn text come back public under another name"
                    ))  # fmt: skip
                    yield from accepted(_at_level(r, level))
                    continue
                held[r.doc.id] = (r.doc.path, (
                    f"held as {level}: the index holds {same.said()} as {same.path} "
                    f"({value_label('disclosure', level)}), and neither this ingest "
                    "(--disclosure, the API's disclosure) nor a catalogue row (公开方式) gives "
                    f"it a level, so {why}; give it one (--disclosure public, or "
                    "disclosure=public in an upload or the API's ingest, publishes it)"
                ))  # fmt: skip
                yield from accepted(_at_level(r, level))
                continue
            old, rule = kept.get(r.doc.id, (None, ""))
            if old is None:
                yield from accepted(r)
                continue
            hold_reason = held.get(r.doc.id, ("", ""))[1]
            changed, reason = _kept(old, rule, r.doc.content_hash, hold_reason)
            if rule == "held" and old.content_hash != r.doc.content_hash:
                # its new text, at the level decided before the hold: hidden already, nothing
                # the hold guards against is published, and nothing waits for a level
                held[r.doc.id] = (r.doc.path, reason)
                yield from accepted(_at_level(r, old.disclosure))
                continue
            if rule == "hidden" and r.doc.catalog and not changed:
                # its row's other cells are not applied either (a catalogue given to fix titles
                # must not end "skipped", exit 0, with nothing fixed)
                changed, reason = True, f"its catalogue row is not applied: {reason}"
            if changed:
                report.keep_old(r.doc.path, reason)
            elif rule in ("hidden", "held"):
                # in the index, held at its level as the run that wrote it said: held back, not
                # "skipped" (QA pass 42a: a renamed scan was "skipped" on every later run), and
                # unchanged (QA pass 48d: the summary's count of files left it out)
                report.unchanged += 1
                report.hold(r.doc.path, reason)
            else:
                report.skip(r.doc.path, reason)
            found.add(old.content_hash, Found(r.doc.path, r.doc.id))  # what the index holds

    def to_write() -> Iterator[IndexedDocument]:
        batch: list[IndexedDocument] = []
        for r in map_files(work, jobs, workers=workers, progress=progress):
            if isinstance(r, IndexedDocument) and (needs_check(r) or r.doc.id in absent):
                batch.append(r)
                if len(batch) >= CATALOGUED_BATCH:
                    yield from checked(batch)
                    batch = []
                continue
            yield from accepted(r)
        yield from checked(batch)

    # files extracted in this process while it writes the index: bounded children must not be
    # plain forks of it (see ingest.processes.lean_children)
    in_process = workers <= 1 and len(jobs) > 1
    with processes.lean_children() if in_process else nullcontext():
        for w in index.write(to_write()):
            if w.ok:
                hold(w.id)
                report.ok.append(w.path)
                report.ingested.append((w.path, w.id))
                report.formats[formats.get(w.id, "?")] += 1
                report.levels[levels.get(w.id, "?")] += 1
                if w.id in ocr:
                    report.read_by_ocr(w.path, *ocr.pop(w.id))
                report.warn(w.path, extra.pop(w.id, {}))
                written.append(w.path)
                if written_ids is not None:
                    written_ids.append(w.id)
            else:
                report.fail(w.path, f"not written to the index: {w.error}")
    stored = {doc.id: doc for doc in _stored(index, still)}
    # a catalogue given now that holds a file (a row naming it otherwise, a level no catalogue
    # knows) holds it still, unchanged as it is (QA pass 31a: the second ingest of a folder with
    # such rows said "held 0" while both stayed hidden); without one, a catalogued level stands
    held_now = {j.doc_id for j in jobs if j.task.catalog}
    for doc_id in still:  # in the order the files were read
        doc = stored.get(doc_id)
        if doc is not None and (
            not doc.catalog or (doc_id in held_now and doc.disclosure == MOST_RESTRICTIVE)
        ):
            hold(doc_id)
    return written


def read_catalog(
    catalog: Path | Catalog, confine: Confinement | None = None, paths: Sequence[Path] = ()
) -> Catalog:
    """The catalogue (read from its CSV's path); one no row of which can be read (not text, no
    path column, a quote never closed) is refused: its rows may hold documents back, and
    ingesting without them could publish them. So is one none of whose rows names a file
    from its folder while they name files from a folder ingested (``paths``): kept outside
    the folder its paths start from, it held back all 6,443 documents of an archive, each
    "nearly" named (QA pass 46b). The command line reads it before it opens the index
    (QA pass 11: a refused ingest left an empty index in a new data folder, which every later
    command then took for an empty archive instead of saying "no index")."""
    if isinstance(catalog, Path):
        limits = (confine.roots, confine.max_catalog_bytes) if confine else ()
        cat = load_catalog(catalog, *limits)
    else:
        cat = catalog
    if cat.unreadable:
        raise BadRequest(
            f"{cat.source}: {cat.unreadable}; nothing was ingested", path=str(cat.source)
        )
    starts = None if cat.names_a_file else _paths_start(cat, paths)
    if starts is not None:
        row = starts[1]
        raise BadRequest(
            f"{cat.source}: none of its {len(cat.entries)} rows names a file from the "
            f"catalogue's folder ({cat.folder}), where a row's path is read from; its paths "
            f"seem to start from {starts[0]} (line {row.line} names {row.path!r}): keep the "
            "catalogue there, or write its paths from its own folder; nothing was ingested",
            path=str(cat.source),
        )
    return cat


def _paths_start(cat: Catalog, paths: Sequence[Path]) -> tuple[Path, CatalogEntry] | None:
    """A folder ingested that the catalogue's rows name files from, with such a row, or None.
    Rows naming nothing that name nothing from there either are near misses (A.TXT for a.txt),
    held back and reported one by one."""
    for folder in (p for p in paths if p.is_dir()):
        for row in sorted(cat.entries.values(), key=lambda e: e.line):
            if (folder / row.path).is_file():
                return folder, row
    return None


UPLOADS_DIR = "uploads"  # <data dir>/uploads: files uploaded through the API, kept as originals


def _refuse_data_folder(paths: Sequence[Path], data_dir: Path) -> None:
    """The data folder's ``uploads/`` is never ingested as a folder: its files were uploaded
    with their fields (公开方式, title, agency), which an ingest of the folder would not know,
    so a 不予公开 upload would be published at the default level (QA pass 21, after deleting
    ``index/`` for an upgrade, as the README then said). They are uploaded again instead. Nor
    is the data folder itself, or a folder inside it: its uploads would be ingested so too,
    losing their titles and ids, and its index files listed as skipped (QA pass 38c:
    ``govsearch ingest $GOVSEARCH_DATA_DIR``). A folder holding it skips it as it goes."""
    try:
        uploads, data = (data_dir / UPLOADS_DIR).resolve(), data_dir.resolve()
    except OSError:
        return
    for given in paths:
        try:
            where = Path(given).resolve()
        except OSError:
            continue
        if where == uploads or uploads in where.parents:
            raise BadRequest(
                f"{given} is the data folder's uploads: its files were uploaded with their "
                "fields (公开方式, title, agency), which an ingest of the folder would not "
                "know (a 不予公开 upload would be published at the default level); upload "
                "them again through POST /api/documents with their fields"
            )
        if where == data or data in where.parents:
            raise BadRequest(
                f"{given} is the data folder itself (or inside it): it holds the index and the "
                "uploads, which are documents already; name the folders of your documents"
            )


def merge_lexicon(
    index: SearchIndex, data_dir: Path, builder: LexiconBuilder, report: IngestReport
) -> bool:
    """Merge what ``builder`` counted into ``<data_dir>/lexicon`` and publish it to the
    backend's shared copy (:func:`~search_index.shared_folders.update`); a failure is the
    report's (the documents are in: it says what the lexicon missed)."""

    def merge() -> None:
        # every document of the index written by this run: its counts are the index's.
        # Counted at each try: a try lost to another loader's push starts again from that
        # loader's counts, with its documents now in the count.
        whole = 0 < index.backend.count() <= builder.written
        builder.write(data_dir, whole_index=whole)

    try:
        update(index.backend.shared_folders(), data_dir, LEXICON_DIR, merge)
    except (GovSearchError, OSError) as exc:  # OSError: a full disk, after a stopped run
        report.unmerged.append(IngestFailure(str(data_dir / LEXICON_DIR), f"not merged: {exc}"))
        return False
    return True


def recount(
    index: SearchIndex,
    data_dir: Path,
    left: Sequence[StoredDocument],
    came: Sequence[StoredDocument] = (),
) -> IngestReport:
    """Take documents that left the public (deleted, or withdrawn by a PATCH; each as it was,
    text and all) off the lexicon's counts, and count those that came to it (published by a
    PATCH, each as it is now), merged and published as an ingest's are: counts otherwise
    change only at a run over the whole index. A withdrawn upload's 文号 prefix kept reading
    its number as a 文号 for everyone (QA pass 47a); published again, its prefix's pinyin
    reading came back only at such a run (QA pass 47c). The report says what failed."""
    builder = LexiconBuilder()
    for stored in left:
        builder.add(analysed(stored), withdrawn=True)
    for stored in came:
        builder.add(analysed(stored))
    report = IngestReport()
    merge_lexicon(index, data_dir, builder, report)
    return report


def recount_lexicon(index: SearchIndex, data_dir: Path) -> tuple[int, IngestReport]:
    """Count the corpus lexicon again from every document the index holds, analysed from its
    stored form as a rebuild does, and replace the lexicon's counts with them (merged and
    published as an ingest's are); returns how many documents were read (the lexicon counts
    the public ones' words) and the report of the merge (its ``failed`` says why the lexicon
    was not written). A rebuild that changes the analysis (``govsearch reindex`` on
    Elasticsearch) changes what the lexicon counted: QA pass 45b found 身份证 no longer
    expanded to Taiwan's 身分证 after a reindex, 222 documents fewer than a fresh ingest."""
    builder = LexiconBuilder()
    count_stored(index, [d.id for d in index.backend.catalog()], builder)
    report = IngestReport()
    merge_lexicon(index, data_dir, builder, report)
    return builder.written, report


def rebuild(index: SearchIndex, data_dir: Path, progress: bool = False) -> dict[str, object]:
    """Rebuild the index from its stored documents (the backend's ``reindex``), then count the
    lexicon again from them (:func:`recount_lexicon`): what ``govsearch reindex`` and ``POST
    /api/reindex`` do. The result's ``lexicon`` says how many were counted, and what failed."""
    result: dict[str, object] = dict(index.backend.reindex(progress=progress))
    counted, merged = recount_lexicon(index, data_dir)
    result["lexicon"] = {"counted": counted,
                         "failed": [f"{f.path}: {f.reason}" for f in merged.failed]}  # fmt: skip
    return result


def run_ingest(
    index: SearchIndex,
    paths: Sequence[Path],
    *,
    catalog: Path | Catalog | None = None,
    prune: bool = False,
    default_disclosure: str = "public",
    disclosure_given: bool = False,
    workers: int = 2,
    progress: bool = False,
    lexicon_dir: Path | None = None,
    confine: Confinement | None = None,
) -> IngestReport:
    """Ingest files and folders; returns the report (failures included, never raised).

    ``confine`` (a server's ingest): every file and catalogue is read only if it lies inside
    its roots when opened, catalogues only up to its size (:mod:`ingest.confined`).

    With ``lexicon_dir`` (the data folder), the short forms the documents define and the
    corpus vocabulary are merged into ``<lexicon_dir>/lexicon`` (:mod:`pipeline.lexicon`), and
    into the backend's shared copy of it (with Elasticsearch, the cluster's: servers on other
    machines read it from there; :mod:`search_index.shared_folders`). ``catalog`` is a CSV's
    path or the catalogue :func:`read_catalog` read from it. ``disclosure_given``: the caller
    named ``default_disclosure`` for this ingest (else it is a standing default, which never
    publishes a document the index holds hidden)."""
    if default_disclosure not in DISCLOSURES:
        raise BadRequest(f"disclosure must be one of {', '.join(DISCLOSURES)}")
    if lexicon_dir is not None:
        _refuse_data_folder(paths, Path(lexicon_dir))
    report = IngestReport()
    cat = read_catalog(catalog, confine, paths) if catalog is not None else None
    if cat is not None:
        for err in cat.errors:
            report.add(CatalogProblem.of(cat, err))
    shared = index.backend.shared_folders()
    if lexicon_dir is not None:
        # before any document is written: a local edit the cluster's newer copy would
        # overwrite is refused now, not after an hour of ingest
        shared.pull(lexicon_dir, LEXICON_DIR)
    indexed = index.backend.sources()
    paths = _folders_to_read(paths, indexed, prune, index, report)
    jobs, by_source, withdrawn = plan_jobs(
        index, paths, cat, default_disclosure, report, confine, disclosure_given
    )
    report.planned = len(jobs)
    if withdrawn:
        index.delete(withdrawn)
    lexicon = LexiconBuilder() if lexicon_dir is not None else None
    journal = Journal(Path(lexicon_dir)) if lexicon_dir is not None else None
    orphans = left_behind(Path(lexicon_dir)) if lexicon_dir is not None else []
    if lexicon is not None and orphans:
        # a run killed after a commit, before its merge: its documents counted now
        report.recounted = count_again(index, orphans, lexicon)
    hashes = FoundFiles()
    written_ids: list[str] = []
    full: StorageFull | None = None
    try:
        run_jobs(
            index, jobs, report, workers=workers, progress=progress, hashes=hashes,
            lexicon=lexicon, written_ids=written_ids, level_given=disclosure_given,
            journal=journal,
        )  # fmt: skip
    except (KeyboardInterrupt, StorageFull) as exc:
        # Ctrl-C, or a full disk, which stops the run the same way (QA pass 38c: no summary,
        # no --report file, yesterday's left in place; the API answers its 507 as before):
        # what was written stays (Elasticsearch's bulk requests, embedded commits) and the
        # next run skips it as unchanged, so its share of the lexicon must be merged now or
        # never (QA pass 7: a resumed load lost half the mined short forms; a few KB may
        # still fit on a full disk, else the report says it was not merged)
        report.interrupted = True
        _committed_unreported(index, jobs, written_ids, report)
        if isinstance(exc, StorageFull):
            report.stopped, full = exc.message, exc
    if lexicon is not None and lexicon_dir is not None and journal is not None:
        if merge_lexicon(index, Path(lexicon_dir), lexicon, report):
            journal.merged()
            for path in orphans:
                path.unlink(missing_ok=True)
        else:  # kept for the next run, its file closed (it was left open to the collector)
            journal.close()
    if full is not None:
        full.report = report  # type: ignore[attr-defined]  # for the command line to tell
        raise full
    if report.interrupted:
        return report  # files not read yet are not gone: no pruning, no moves
    whole = {Path(p).resolve() for p in paths if Path(p).is_dir()}
    for source, seen in by_source.items():
        stale = sorted(set(index.fingerprints(source)) - seen)
        # a move is reported as one, with or without --prune (QA pass 7: --prune called the
        # old path "removed", as if the document had left the index)
        moved = set()
        if stale and hashes:
            moved = _remove_moved(index, Path(source), stale, hashes, report)
        gone = [doc_id for doc_id in stale if doc_id not in moved]
        if prune and gone:
            gone = _files_gone(index, Path(source), gone)
        if prune and gone and not seen and _holds_no_file(Path(source)):
            # a share not mounted is an empty folder: a nightly --prune emptied the site and
            # ended "0 files … 300 removed", exit 0 (QA pass 38c). A folder of documents is
            # emptied by deleting it and pruning its path (_prune_gone), never by this.
            report.failed_files.append(IngestFailure(_shown(Path(source)), (
                f"holds no files now: is it mounted? --prune removed none of its {len(gone)} "
                "documents; to remove them, delete the folder itself and ingest its path "
                "again with --prune")))  # fmt: skip
        elif prune and gone:
            # each named (QA pass 29a: "1 removed (files gone)" and an id were all it said)
            paths = {d.id: d.path for d in _stored(index, gone)}
            index.delete(gone)
            report.pruned.extend(gone)
            report.pruned_paths.extend(
                IngestFailure(paths.get(i, i), "gone from disk: its document removed")
                for i in gone
            )
        elif gone and Path(source) in whole:
            # a file deleted from a folder read whole stays searchable until --prune: said, so
            # a withdrawn notice is not thought gone (QA pass 23b: only the catalogue's "row
            # names no file" hinted at it); a folder read in part is not looked through
            for doc in _stored(index, gone):
                if not _on_disk(Path(source), doc.path):
                    report.gone.append(IngestFailure(
                        doc.path, "the file is gone from disk; its document is still in "
                        "the index: ingest again with --prune (the API's prune) to remove it"))
    if cat is not None and report.moved:
        _rows_of_moved_files(report)
    _replace_other_folders(index, indexed, set(by_source), hashes, report)
    if set(indexed) - set(by_source):  # other folders were indexed before: copies may be stale
        new = [j.doc_id for j in jobs if j.known_hash is None]
        _replace_stale_copies(index, new, set(by_source), report)
    _warn_mixed_levels(index, written_ids, report)
    return report


def _committed_unreported(
    index: SearchIndex, jobs: list[Job], written_ids: list[str], report: IngestReport
) -> None:
    """Count as ingested the files an interrupted run wrote that its report had not counted: a
    Ctrl-C during or just after a commit left the commit's 5,000 documents in the index and
    none in the report (QA pass 29a: "0 ingested" with 5,000 written; "5000 ingested" with all
    6,337). A document is this run's where the index holds it under another fingerprint than
    the one the run started from, or holds it new."""
    reported = set(written_ids)
    by_source: dict[str, list[Job]] = {}
    for j in jobs:
        if j.doc_id not in reported:
            by_source.setdefault(j.source, []).append(j)
    for source, pending in by_source.items():
        now = index.fingerprints(source)
        done = [j for j in pending if j.doc_id in now and now[j.doc_id] != j.known_hash]
        stored = index.backend.fetch([j.doc_id for j in done], texts=False)
        for j in done:
            doc = stored.get(j.doc_id)
            report.ok.append(doc.path if doc is not None else j.task.rel_path)
            report.ingested.append((report.ok[-1], j.doc_id))
            report.formats[doc.format if doc is not None else "?"] += 1
            written_ids.append(j.doc_id)


def _warn_mixed_levels(index: SearchIndex, ids: list[str], report: IngestReport) -> None:
    """Warn of each written document whose text another document holds at another 公开方式:
    a text is as visible as its most open copy (QA pass 20: a 不予公开 notice was readable
    through its DOCX rendering, which no catalogue row named, and nothing said so). Each file's
    level stays its own: only staff can tell which is meant."""
    for start in range(0, len(ids), STALE_BATCH):
        copies = index.copies_of(ids[start : start + STALE_BATCH], viewer=STAFF)
        if not copies:
            continue
        docs = index.backend.fetch(
            sorted({*copies, *(o for others in copies.values() for o in others)}), texts=False
        )
        for doc_id, others in copies.items():
            mine = docs.get(doc_id)
            apart = [docs[o] for o in others if o in docs and mine is not None
                     and docs[o].disclosure != mine.disclosure]  # fmt: skip
            if mine is None or not apart:
                continue
            listed = "、".join(
                f"{d.path} ({value_label('disclosure', d.disclosure)})" for d in apart[:5]
            )
            report.warned.append(IngestFailure(mine.path, (
                f"its text is also {listed}, at another level than its own "
                f"({value_label('disclosure', mine.disclosure)}): the text is as visible as "
                "its most open copy; give the copies one level"
            )))  # fmt: skip


STALE_BATCH = 500  # new documents whose copies elsewhere are looked up at once


def _replace_stale_copies(
    index: SearchIndex, new: list[str], read: set[str], report: IngestReport
) -> None:
    """A document new to the index whose text another folder's document has, while that
    document's file is gone from disk, moved: the old one is removed (QA pass 10: a folder
    renamed and its old name reused for other files kept all its documents twice, each listed
    as the other's copy). Copies whose files are still there are left: the same text may
    rightly be filed twice."""
    for start in range(0, len(new), STALE_BATCH):
        batch = new[start : start + STALE_BATCH]
        copies = index.copies_of(batch, viewer=STAFF)
        others = sorted({o for i in batch for o in copies.get(i, ()) if o not in batch})
        if not others:
            continue
        stored = index.backend.fetch(others, texts=False)
        by_id = index.backend.fetch([i for i in batch if i in copies], texts=False)
        moves: dict[str, str] = {}
        for doc in stored.values():
            if doc.source in read or not doc.source:
                continue
            folder = Path(doc.source)
            if _on_disk(folder, doc.path):
                continue
            heirs = [i for i in batch if doc.id in copies.get(i, ()) and i in by_id]
            # of two new copies of its text, the one with its file name (a.txt, not a-copy.txt)
            name = PurePosixPath(doc.path).name
            heir = next((i for i in heirs if PurePosixPath(by_id[i].path).name == name),
                        heirs[0] if heirs else "")  # fmt: skip
            moves[doc.id] = heir
            report.moved.append(f"{folder / doc.path} → {by_id[heir].path if heir else ''}")
        if moves:
            _moved(index, moves)


def _folders_to_read(
    paths: Sequence[Path],
    indexed: dict[str, int],
    prune: bool,
    index: SearchIndex,
    report: IngestReport,
) -> list[Path]:
    """The paths this run reads. Documents are named by their folder: a folder read twice
    under two names holds every document twice (QA pass 9: a subfolder of an ingested folder,
    or a folder and its subfolder in one command, doubled them silently). Refused, with
    the reason: a path inside another given in the same command, and one inside a folder the
    index already holds (ingest that folder again: unchanged files are skipped). A path that no
    longer exists is, with ``prune``, emptied (:func:`_prune_gone`): a folder renamed or
    withdrawn can always be removed."""
    roots = {p: source_folder(p) for p in paths if p.exists()}
    kept: list[Path] = []
    for p in paths:
        if p not in roots:
            folder = str(p.resolve())
            if prune:
                _prune_gone(index, p, indexed, report)
            else:
                report.fail(str(p), "no such file or folder" + (
                    " (an indexed folder: --prune removes its documents)"
                    if folder in indexed else ""))  # fmt: skip
            continue
        root = roots[p]
        outer = next((q for q, r in roots.items() if r != root and root.is_relative_to(r)), None)
        if outer is not None:  # its files are read: a skip, not a failure (QA pass 10)
            # a folder is no file: reported apart, not counted among the files (QA pass 11)
            skip = report.skip_folder if p.is_dir() else report.skip
            skip(str(p), f"inside {outer}, also given: its files are read with that folder "
                 "(read twice they would be two documents each)")  # fmt: skip
            continue
        parent = next(
            (s for s in indexed if Path(s) != root and root.is_relative_to(s) and Path(s).is_dir()
             and _holds_files_under(index, s, root)),
            None,
        )  # fmt: skip
        if parent is not None and prune:
            # pruning a subfolder of an indexed folder removes what is gone under it, as a
            # gone subfolder's prune does (QA pass 14: refused, and counted as "1 failed")
            _prune_under(index, p, Path(parent), report)
            continue
        if parent is not None:
            report.fail(str(p), f"part of {parent}, which is indexed as one folder: ingest "
                        f"{parent} again (unchanged files are skipped); read apart, its files "
                        "would be two documents each")  # fmt: skip
            continue
        kept.append(p)
    return kept


def _prune_gone(
    index: SearchIndex, given: Path, indexed: dict[str, int], report: IngestReport
) -> None:
    """``--prune`` of a path gone from disk: every document ingested from under it is removed
    — an indexed folder that is it or lies inside it, and the files under it of an indexed
    folder that holds it (a subfolder renamed, a file deleted), those whose files are gone.
    What was removed is reported per path, and so is nothing: a path whose documents an ingest
    of its new name already moved holds none, and that is the state prune asks for, not a
    failure (QA pass 13: pruning a renamed folder's old name said "no such file or folder" and
    exited 1, as if the command had failed)."""
    gone = given.resolve()
    ids: list[str] = []
    known = False  # whether an indexed folder is this path, lies in it or holds it
    for source in sorted(indexed):
        folder = Path(source)
        if folder == gone or folder.is_relative_to(gone):
            ids.extend(index.fingerprints(source))
            known = True
        elif gone.is_relative_to(folder):
            ids.extend(_gone_under(index, folder, gone.relative_to(folder).as_posix()))
            known = True
    if ids:
        index.delete(ids)
        report.pruned.extend(ids)
    reason = (f"no longer on disk; {len(ids)} documents ingested from it removed" if ids else
              "no longer on disk and nothing indexed from it (already removed, or moved by an "
              "ingest of its new name)")  # fmt: skip
    if not known:
        # a typo and an old name look alike here; the folders the index holds tell them apart
        # (QA pass 14: a mistyped path exited 0 with nothing to say it was one)
        near = _near(gone, indexed)
        reason += (f"; if mistyped, the indexed folders nearest it are {', '.join(near)}"
                   if near else "; no indexed folder is near it: check the path")  # fmt: skip
    report.pruned_paths.append(IngestFailure(_shown(given), reason))


def _near(path: Path, folders: dict[str, int]) -> list[str]:
    """The indexed folders like ``path``, compared past the leading folders they share (the
    whole paths would be alike by their common prefix alone)."""
    scored = []
    for folder in filter(os.path.isabs, folders):  # not the uploads' source names
        common = len(os.path.commonpath([str(path), folder]))
        tails = str(path)[common:], folder[common:]
        ratio = difflib.SequenceMatcher(None, *tails).ratio()
        if ratio >= 0.6:
            scored.append((-ratio, folder))
    return [f for _, f in sorted(scored)[:3]]


def _shown(path: Path) -> str:
    """``path`` as people read it (a GBK name's bytes arrive as surrogate escapes)."""
    return path.anchor + readable_path(str(path.relative_to(path.anchor)))


def _prune_under(index: SearchIndex, given: Path, parent: Path, report: IngestReport) -> None:
    """``--prune`` of a folder on disk inside the indexed folder ``parent``: the documents
    under it whose files are gone are removed. Its other files are not read: they are
    ``parent``'s documents, read when ``parent`` is ingested."""
    ids = _gone_under(index, parent, given.resolve().relative_to(parent).as_posix())
    if ids:
        index.delete(ids)
        report.pruned.extend(ids)
    report.pruned_paths.append(IngestFailure(_shown(given), (
        f"part of {parent}: {len(ids)} documents whose files are gone removed; new and changed "
        f"files are read by ingesting {parent}")))  # fmt: skip


def _gone_under(index: SearchIndex, source: Path, rel: str) -> list[str]:
    """Ids of the documents of the indexed folder ``source`` at ``rel`` (a file) or under it
    (a folder) whose files are no longer on disk. Read by id, metadata only, a batch at a
    time: a search would stop at Elasticsearch's 10,000-hit window."""
    ids = list(index.fingerprints(str(source)))
    # a GBK name arrives as surrogate escapes and is stored as people read it (QA pass 14:
    # pruning 附件一.txt by its bytes found nothing of it)
    names = {rel, readable_path(rel)}
    gone: list[str] = []
    for start in range(0, len(ids), 200):
        for doc in index.backend.fetch(ids[start : start + 200], texts=False).values():
            under = any(doc.path == n or doc.path.startswith(n + "/") for n in names)
            if under and not _on_disk(source, doc.path):
                gone.append(doc.id)
    return gone


def _holds_files_under(index: SearchIndex, source: str, folder: Path) -> bool:
    """Whether the index holds files of ``folder`` under the indexed folder ``source`` that
    contains it: only those would be doubled by reading ``folder`` apart. A file named on the
    command line is kept under its own folder, and that made the folder an "indexed folder"
    whose subfolders could no longer be ingested (QA pass 11: ingest archive/note.txt, and
    archive/2019, ingested before, was refused from then on)."""
    rel = folder.relative_to(source).as_posix()
    plan = Plan(query=Bool(must=(Term("source", source), Prefix("path", rel + "/"))))
    return index.backend.search(plan, limit=1).total > 0


def _replace_other_folders(
    index: SearchIndex,
    indexed: dict[str, int],
    read: set[str],
    hashes: FoundFiles,
    report: IngestReport,
) -> None:
    """Documents of an indexed folder that this run has read again under another name are
    removed, as a move: the folder was renamed (it is gone), or it lies inside a folder read
    now (it was ingested apart first). An indexed folder that is gone keeps what was not read
    again, and the report says how to remove it (QA pass 9: a renamed archive stayed
    searchable twice, forever, without a word)."""
    for folder, _ in sorted(indexed.items()):
        path = Path(folder)
        gone = not path.is_dir()
        # the folder's place in a folder read now: its files' paths there
        inside = next((path.relative_to(r) for r in read
                       if path != Path(r) and path.is_relative_to(r)), None)  # fmt: skip
        if folder in read or not (gone or inside is not None):
            continue
        ids = list(index.fingerprints(folder))
        moved: dict[str, str] = {}
        taken: set[str] = set()
        paths = hashes.paths() if gone else {}
        for start in range(0, len(ids), 200):
            for doc in index.backend.fetch(ids[start : start + 200], texts=False).values():
                now = (inside / doc.path).as_posix() if inside is not None else doc.path
                new = hashes.match(doc.content_hash, now, taken)
                if new is None:  # renamed and edited in one go
                    new = paths.get(doc.path)
                if new is not None:
                    moved[doc.id] = new.doc_id
                    taken.add(new.doc_id)
                    report.moved.append(f"{path / doc.path} → {new.path}")
        if moved:
            _moved(index, moved)
        left = len(ids) - len(moved)
        if gone and left:
            report.folders.append(IngestFailure(folder, (
                f"this indexed folder no longer exists; its {left} documents stay searchable "
                f"until `govsearch ingest --prune {folder}` removes them")))  # fmt: skip


def _on_disk(folder: Path, path: str) -> bool:
    """Whether a document's file is still in ``folder``, under any name it may have on disk
    (a GBK name is stored as people read it). One that cannot be looked for (its folder
    unreadable) is: a document is never removed as gone for a folder it cannot see into (QA
    pass 48a: a traceback stopped the run)."""
    for name in disk_names(path):
        try:
            if (folder / name).exists():
                return True
        except OSError:
            return True
    return False


def _holds_no_file(folder: Path) -> bool:
    """Whether the folder, there on disk, holds no file at any depth (an empty mount point)."""
    if not folder.is_dir():
        return False
    return not any(path.is_file() for path in folder.rglob("*"))


def _files_gone(index: SearchIndex, source: Path, ids: list[str]) -> list[str]:
    """Of ``ids``, not read by this run, the documents whose files are gone from disk: a run
    given one file of a folder reads none of its other files, which are still there (QA pass
    13: ``ingest --prune folder/a.txt`` removed every other document of the folder)."""
    return [doc.id for doc in _stored(index, ids) if not _on_disk(source, doc.path)]


def _rows_of_moved_files(report: IngestReport) -> None:
    """A catalogue row naming a file this run found moved says where the file is now (QA pass
    47b: "row names no file" beside "moved: govcn_001.txt → govcn_001_v2.txt" in one report,
    and nothing joined them). Rows name paths from the catalogue's folder, moves from the
    folder ingested: matched by the moved path's end."""
    moves = [m.split(" → ", 1) for m in report.moved if " → " in m]
    for n, problem in enumerate(report.catalog):
        row, _, reason = problem.reason.partition(": ")
        if not reason.startswith("row names no file") or "did you mean" in reason:
            continue
        for old, new in moves:
            if row == old or row.endswith("/" + old):
                now = row[: len(row) - len(old)] + new
                report.catalog[n] = CatalogProblem(
                    problem.path, f"{problem.reason}; its file moved in this run to {now!r}: "
                    "write that path in the row")  # fmt: skip
                break


def _remove_moved(
    index: SearchIndex,
    source: Path,
    stale: list[str],
    hashes: FoundFiles,
    report: IngestReport,
) -> set[str]:
    """Remove documents whose file is gone while the same bytes were ingested at another path
    of the same folder: the file moved (into ``not_public/``, say), and its old document, with
    the old path's level, must not stay behind until someone remembers ``--prune``. Returns the
    ids removed."""
    moved: dict[str, str] = {}
    taken: set[str] = set()
    for doc in _stored(index, stale):
        new = hashes.match(doc.content_hash, doc.path, taken)
        gone = not _on_disk(source, doc.path)
        if new is None or new.path == doc.path or not gone:
            continue
        moved[doc.id] = new.doc_id
        taken.add(new.doc_id)
        report.moved.append(f"{doc.path} → {new.path}")
    if moved:
        _moved(index, moved)
    return set(moved)


def _moved(index: SearchIndex, moves: dict[str, str]) -> None:
    """Remove the documents of files that moved, their new ids recorded first: a link to an
    old id finds the new one from the moment the old is gone (``SearchIndex.get``; QA pass
    42b: a folder renamed broke every link cited to its documents)."""
    index.backend.record_moves({old: new for old, new in moves.items() if new and new != old})
    index.delete(list(moves))
