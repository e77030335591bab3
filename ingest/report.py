"""What an ingest did, for the person who ran it.

Failures must be seen (a log line scrolls away): the report counts documents ingested, files
skipped and files failed, keeps every reason, and renders as text for the terminal or JSON
for the web UI and CI artefacts. Catalogue problems (a bad cell, a row naming no file) are kept
apart: they are lines of the CSV, not files, and the files they concern are still ingested.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field

from ingest.files import CatalogProblem, IngestFailure
from model.document import Document
from model.fields import MOST_RESTRICTIVE, value_label
from model.viewer import ANONYMOUS

INGESTED_LISTED = 10_000  # documents written that a report names (``ok`` counts them all)


@dataclass
class IngestReport:
    """Accumulates results; ``track()`` wraps a result stream and records it as it passes."""

    ok: list[str] = field(default_factory=list)
    # (path, id) of each document written: what an API caller links to (QA pass 28a: the
    # answer listed no document it created)
    ingested: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[IngestFailure] = field(default_factory=list)
    failed_files: list[IngestFailure] = field(default_factory=list)
    # Catalogue lines that could not be applied: reported with their line and ignored.
    catalog: list[IngestFailure] = field(default_factory=list)
    # what a catalogue holds that is no problem to fix, said once a run (a column read as no
    # field): never counted among the problems, never the exit code
    catalog_notes: list[IngestFailure] = field(default_factory=list)
    # the lexicon this run counted, when it could not be merged (a full disk): no file of the
    # archive, so not among the files (QA pass 47b: "1 files … 1 failed", the data folder's
    # lexicon the failed "file"), but someone must look all the same
    unmerged: list[IngestFailure] = field(default_factory=list)
    formats: Counter[str] = field(default_factory=Counter)
    # documents written, held back ones too, by disclosure level, so the levels add up to the
    # documents written (QA pass 37a: 106 held back were in no level); the summary says how
    # many a decision made non-public (QA pass 25b: --disclosure 不予公开 said nothing), the
    # held back apart
    levels: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0  # files identical to what the index holds: nothing to do
    # what OCR read of the documents written: files, pages, pages turned upright, and the
    # lowest confidence with its file (QA pass 37b: staff had to open each document to know)
    ocr_files: int = 0
    ocr_pages: int = 0
    ocr_turned: int = 0
    ocr_lowest: tuple[float, str] | None = None
    pruned: list[str] = field(default_factory=list)  # documents removed because files are gone
    # Changed files whose new version was not written, the index keeping the earlier one, and
    # why (catalogued before, no catalogue row now): someone must look, like a failure.
    not_updated: list[IngestFailure] = field(default_factory=list)
    # Documents held at the most restrictive level whatever the folder or default said, and why.
    held: list[IngestFailure] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # "old path → new path": old document removed
    # Documents ingested without part of their text, and what is missing: counted as ingested.
    warned: list[IngestFailure] = field(default_factory=list)
    # Folders given but not read on their own (inside another given): not files, so not
    # counted among them (QA pass 11: "8 files: 6 ingested, 2 skipped" counted one folder).
    skipped_folders: list[IngestFailure] = field(default_factory=list)
    # Indexed folders that need their keeper: gone from disk with documents still searchable.
    folders: list[IngestFailure] = field(default_factory=list)
    # Paths given with --prune that are gone from disk, and what pruning them removed (nothing
    # is a result too: the documents were already moved or removed).
    pruned_paths: list[IngestFailure] = field(default_factory=list)
    # Documents of a folder read whole whose files are gone, left in the index (no --prune).
    gone: list[IngestFailure] = field(default_factory=list)
    # Stopped (Ctrl-C) before every file was read: what is listed is in the index, the rest is
    # not, and running the same command again finishes the job (unchanged files are skipped).
    interrupted: bool = False
    # documents an ingest killed before its lexicon merge had written, counted by this one
    # (pipeline.lexicon_journal)
    recounted: int = 0
    planned: int = 0  # the files this run was to read ("0 files" interrupted: out of how many)
    # what stopped it before its end, other than Ctrl-C (a full disk's message)
    stopped: str = ""

    def add(self, result: Document | IngestFailure) -> None:
        """Record one pipeline result."""
        if isinstance(result, Document):
            self.ok.append(result.path)
            self.formats[result.format] += 1
            self.warn(result.path, result.extra)
        elif isinstance(result, CatalogProblem):
            (self.catalog_notes if result.skipped else self.catalog).append(result)
        elif result.skipped:
            self.skipped.append(result)
        else:
            self.failed_files.append(result)

    def skip(self, path: str, reason: str) -> None:
        """Record a file skipped by a later stage (e.g. unchanged since the last ingest)."""
        self.skipped.append(IngestFailure(path, reason, skipped=True))

    def skip_folder(self, path: str, reason: str) -> None:
        """Record a folder given on the command line that is not read on its own."""
        self.skipped_folders.append(IngestFailure(path, reason, skipped=True))

    def keep_old(self, path: str, reason: str) -> None:
        """Record a changed file whose new version was not written (the index keeps the one
        it had): not a skip, which says nothing is missing (QA pass 13: a catalogued file
        edited and ingested without its catalogue was "skipped", exit 0, its new text never
        searchable)."""
        self.not_updated.append(IngestFailure(path, reason))

    def hold(self, path: str, reason: str) -> None:
        """Record a document held back (not published) because its level was not decided."""
        self.held.append(IngestFailure(path, reason))

    # the file properties :meth:`warn` reads: a document carrying any is kept for it
    WARNED = ("ocr_failed", "dates", "repaired", "kept")

    def warn(self, path: str, properties: Mapping[str, str]) -> None:
        """Record what staff should check of an ingested document, from its file properties:
        the scanned pages OCR could not read (``ocr_failed``: failed, or not legible in any
        orientation; a scan with no page read is a failed file, one with some is a document,
        and this says which pages its text and search leave out), dates a catalogue or form
        stated that cannot be right (``dates``: ingest.dates.odd_dates), and a text read again
        from mojibake (``repaired``: ingest.formats.encoding.unmangled)."""
        missing = properties.get("ocr_failed", "")
        if missing:
            self.warned.append(IngestFailure(path, f"ingested without pages OCR could not "
                                                   f"read ({missing})"))
        dates = properties.get("dates", "")
        if dates:  # (ingest.dates.odd_dates)
            self.warned.append(IngestFailure(path, f"ingested with dates to check: {dates}"))
        repaired = properties.get("repaired", "")
        if repaired:  # (ingest.formats.encoding.unmangled: check the text reads right)
            self.warned.append(IngestFailure(path, f"ingested with its text repaired: {repaired}"))
        kept = properties.get("kept", "")
        if kept:  # (pipeline.earlier_cells: what an earlier catalogue gave, not lost)
            self.warned.append(IngestFailure(path, f"ingested with cells kept: {kept}"))

    def fail(self, path: str, reason: str) -> None:
        """Record a failure from a later stage (e.g. the index refused the document)."""
        self.failed_files.append(IngestFailure(path, reason))

    @property
    def failed(self) -> list[IngestFailure]:
        """Everything the person who ran the ingest must fix: failed files, changed files not
        updated, catalogue problems, then a lexicon not merged. ``govsearch ingest`` exits 1
        when it is not empty; the counts keep them apart (``failed_files``, ``not_updated``,
        ``catalog``, ``unmerged``)."""
        return [*self.failed_files, *self.not_updated, *self.catalog, *self.unmerged]

    def track(
        self, results: Iterable[Document | IngestFailure]
    ) -> Iterator[Document | IngestFailure]:
        """Pass results through unchanged while recording them."""
        for result in results:
            self.add(result)
            yield result

    @property
    def total(self) -> int:
        """Files seen (catalogue lines are not files)."""
        return (len(self.ok) + len(self.skipped) + len(self.failed_files) + self.unchanged
                + len(self.not_updated))  # fmt: skip

    def summary(self) -> str:
        """A few lines for the terminal: counts, formats, then every failure with its reason."""
        fmt = ", ".join(f"{k} {v}" for k, v in sorted(self.formats.items()))
        of = (f" of the {self.planned} to read" if self.interrupted
              and self.planned > self.total else "")  # fmt: skip
        lines = [
            f"{self.total} {'file' if self.total == 1 else 'files'}{of}: {len(self.ok)} ingested"
            + (f" ({fmt})" if fmt else "")
            + (f", {self.unchanged} unchanged" if self.unchanged else "")
            + f", {len(self.skipped)} skipped"
            + (f", {len(self.not_updated)} not updated" if self.not_updated else "")
            + f", {len(self.failed_files)} failed"
            + (f"; {_count(len(self.skipped_folders), 'folder')} skipped"
               if self.skipped_folders else "")  # fmt: skip
            + (f"; {len(self.pruned)} removed (files gone)"
               if self.pruned or self.pruned_paths else "")  # fmt: skip
            + (f"; {len(self.held)} held back (not published)" if self.held else "")
            + _not_published(self.levels - Counter({MOST_RESTRICTIVE: len(self.held)}))
            + (f"; {len(self.gone)} gone from disk, still in the index (--prune removes them)"
               if self.gone else "")  # fmt: skip
            + (f"; {_count(len(self.warned), 'warning')}" if self.warned else "")
            + (f"; catalogue: {_count(len(self.catalog), 'problem')}" if self.catalog else "")
            + ("; lexicon not merged" if self.unmerged else "")
        ]
        if self.ocr_files:
            lines.append(self._ocr_line())
        if self.interrupted:
            # (a stop's own message says to run it again: QA pass 47c read it twice)
            again = "" if "run the same" in self.stopped else (
                "; run the same command again to finish (files already in are skipped as "
                "unchanged)")  # fmt: skip
            lines.insert(0, ("stopped: " + self.stopped + "; " if self.stopped else "interrupted: ")
                         + "the files counted as ingested are in the index, the others are not "
                         "(the embedded index keeps what it committed, every 5,000 documents "
                         "or 5 minutes; Elasticsearch each batch: files read since are read "
                         "again)" + again)  # fmt: skip
        if self.recounted:
            lines.append(f"lexicon: {self.recounted} documents an earlier ingest wrote before "
                         "it was killed are counted in it now")
        if self.moved:
            lines.append("moved (the old document removed):")
            lines.extend(f"  {shown(item)}" for item in self.moved)
        for title, items in (
            ("held back (not published)", self.held),
            ("ingested with a warning", self.warned),
            ("failed", self.failed_files),
            ("not updated (the index keeps the earlier version)", self.not_updated),
            ("skipped", self.skipped),
            ("skipped folders", self.skipped_folders),
            ("catalogue problems (ignored; the files are counted above)", self.catalog),
            ("catalogue notes", self.catalog_notes),
            ("lexicon (the documents are in; the next ingest merges their counts)",
             self.unmerged),
            ("indexed folders", self.folders),
            ("pruned", self.pruned_paths),
            ("gone from disk, still in the index", self.gone),
        ):
            if items:
                lines.append(f"{title}:")
                lines.extend(_grouped(items))
        return "\n".join(lines)

    def read_by_ocr(self, path: str, pages: str, turned: str, confidence: float | None) -> None:
        """Count a document written with a recognised text: ``pages`` as its ``ocr_pages``
        ("1-3,7"), ``turned`` as its ``ocr_turned`` ("page 1: …; page 3: …")."""
        self.ocr_files += 1
        for part in filter(None, pages.split(",")):
            first, _, last = part.partition("-")
            self.ocr_pages += int(last or first) - int(first) + 1
        self.ocr_turned += len([t for t in turned.split(";") if t.strip()])
        # 0: the pages recognised held no character (blank pages of a text PDF), no reading
        if confidence and (self.ocr_lowest is None or confidence < self.ocr_lowest[0]):
            self.ocr_lowest = (confidence, path)

    def _ocr_line(self) -> str:
        lowest = (f", lowest confidence {self.ocr_lowest[0]:.1%} ({shown(self.ocr_lowest[1])})"
                  if self.ocr_lowest else "")  # fmt: skip
        return (f"OCR: {_count(self.ocr_files, 'file')}, {_count(self.ocr_pages, 'page')} read"
                + (f", {self.ocr_turned} turned upright" if self.ocr_turned else "") + lowest)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form: counts plus the lists of skipped and failed files with reasons."""
        return {
            "total": self.total,
            "interrupted": self.interrupted,
            "recounted": self.recounted,
            "stopped": self.stopped,
            "ok": len(self.ok),
            "skipped": len(self.skipped),
            "failed": len(self.failed_files),
            "unchanged": self.unchanged,
            "pruned": list(self.pruned),
            "moved": list(self.moved),
            "held": len(self.held),
            "formats": dict(self.formats),
            "levels": dict(self.levels),
            "ocr": {"files": self.ocr_files, "pages": self.ocr_pages, "turned": self.ocr_turned,
                    "lowest_confidence": self.ocr_lowest[0] if self.ocr_lowest else None,
                    "lowest_path": self.ocr_lowest[1] if self.ocr_lowest else None},
            "skipped_files": [asdict(item) for item in self.skipped],
            "skipped_folders": [asdict(item) for item in self.skipped_folders],
            "failed_files": [asdict(item) for item in self.failed_files],
            "not_updated": len(self.not_updated),
            "not_updated_files": [{"path": n.path, "reason": n.reason} for n in self.not_updated],
            "held_files": [{"path": h.path, "reason": h.reason} for h in self.held],
            "warned": len(self.warned),
            "warned_files": [{"path": w.path, "reason": w.reason} for w in self.warned],
            "catalog_problems": [{"path": c.path, "reason": c.reason} for c in self.catalog],
            "catalog_notes": [{"path": c.path, "reason": c.reason} for c in self.catalog_notes],
            "lexicon_not_merged": [{"path": u.path, "reason": u.reason} for u in self.unmerged],
            "folders": [{"path": f.path, "reason": f.reason} for f in self.folders],
            "pruned_paths": [{"path": p.path, "reason": p.reason} for p in self.pruned_paths],
            "gone_files": [{"path": g.path, "reason": g.reason} for g in self.gone],
            # the first ones only: a million-document load's report stays a report
            "ingested_files": [
                {"path": p, "id": i} for p, i in self.ingested[:INGESTED_LISTED]
            ],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """``to_dict()`` as JSON text (UTF-8 characters kept readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def _not_published(levels: Counter[str]) -> str:
    """``; 3 written not public (不予公开 2, 依申请公开 1)`` when any written document is."""
    hidden = {lv: n for lv, n in levels.items() if not ANONYMOUS.can_see(lv)}
    if not hidden:
        return ""
    each = ", ".join(f"{value_label('disclosure', lv)} {n}" for lv, n in sorted(hidden.items()))
    return f"; {sum(hidden.values())} written not public ({each})"


SHARED_REASON_LISTED = 3  # paths a summary names of the files that share one reason


# characters a terminal acts on rather than shows: C0 and C1 controls (an OSC 52 in a file name
# wrote the clipboard, a newline printed a forged "failed:" line: QA pass 40a) and the bidi
# controls that reorder what is shown
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """``text`` for a terminal: each control character written as its escape (``\\x1b``);
    ``--report``'s JSON escapes them already."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _grouped(items: list[IngestFailure]) -> Iterator[str]:
    """One line per file, except a reason many files share: one line for them all, naming a
    few (QA pass 38c: a catalogued folder ingested without its catalogue printed 199 identical
    "kept as catalogued" lines in a cron mail). ``--report`` still lists every path."""
    by_reason: dict[str, list[tuple[str, str]]] = {}
    for item in items:
        reason = shown(item.reason)
        by_reason.setdefault(_shape(reason), []).append((shown(item.path), reason))
    for shape, group in by_reason.items():
        if len(group) <= SHARED_REASON_LISTED + 1:
            yield from (f"  {path}: {reason}" for path, reason in group)
            continue
        named = ", ".join(path for path, _ in group[:SHARED_REASON_LISTED])
        more = len(group) - SHARED_REASON_LISTED
        yield (f"  {len(group)} files ({named} and {more} more; --report lists them all): "
               f"{shape}")


def _shape(reason: str) -> str:
    """A reason with what differs file by file (a catalogue's line, a path quoted) elided, so
    files held for one cause share one line (QA pass 47: 20,000 files of a catalogue not
    applied printed 20,000 lines, each naming its own row)."""
    return _QUOTED.sub("'…'", _LINE.sub("line …", reason))


_LINE = re.compile(r"\bline \d+")
_QUOTED = re.compile(r"'[^'/]*[/.][^']*'")  # a path; a level or a value quoted stays


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
