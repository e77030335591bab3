"""Files and folders → a stream of Documents (or IngestFailures), one per file.

The one loop over files is :func:`map_files` (serial or over worker processes, with a progress
bar); :func:`iter_documents` uses it here and ``pipeline.run`` uses it to feed the index, for
folders, uploads and the API alike.

Streams so that an ingest of 100k files never holds them all; one bad file yields an
``IngestFailure`` and the batch goes on, because a single corrupt PDF must not cost a night's
run. Extraction of one file is a top-level, picklable function (``ingest_file``) so a caller
can fan it out over processes (``workers=N``) without any change here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import NamedTuple, TypeVar

from analyzers.history import amended_year
from analyzers.normalize import normalize
from ingest import processes
from ingest.catalog import (
    DISCLOSURE_VALUES,
    Catalog,
    CatalogEntry,
    CatalogError,
    load_catalog,
    unreadable_catalog,
)
from ingest.confined import (
    Confinement,
    FileTooLarge,
    RefusedFile,
    inside,
    open_confined,
    read_confined,
)
from ingest.dates import odd_dates
from ingest.errors import IngestError, UnsupportedFormat
from ingest.formats import registry
from ingest.formats.base import Extracted
from ingest.metadata import dated_by_title_year, derive_meta
from ingest.progress import LogLines
from model.document import TITLE_YEAR, CatalogMeta, Document
from model.fields import CATALOG_FIELDS, DISCLOSURES, MOST_RESTRICTIVE
from model.ids import document_id, readable_path
from model.viewer import ANONYMOUS

T = TypeVar("T")
R = TypeVar("R")

# A folder is named after a level exactly as a catalog cell would state it.
FOLDER_DISCLOSURE: dict[str, str] = DISCLOSURE_VALUES
MAX_FILE_BYTES = 200 * 1024 * 1024  # set from Settings by the entry points (configure)
# Part of every document's ingest_key: bump when the way decisions are applied changes, so the
# next ingest applies the new way to documents whose bytes did not change. 2: a 成文日期 that is
# the year of a report's title is marked so (model.document.TITLE_YEAR; QA pass 38a).
DECISIONS = "2"
# How the ingest_key of a document held for want of another file's word begins (a catalogue
# that cannot be read, or not applied, may say 不予公开: FileTask.held): its level is no one's
# decision, so the next ingest that lifts the hold applies the default, as to a new file (QA
# pass 48d: one unreadable .txt held its folder's public files, and they stayed withdrawn once
# it was readable, taken for files an ingest had decided to hide; pipeline.run._to_keep). A
# hold for the file's own row (a level cell no one can read: 保密) is a decision, and stays.
HELD_KEY = "held:"


def is_held(ingest_key: str) -> bool:
    """Whether a document's ``ingest_key`` says it was written held (:data:`HELD_KEY`)."""
    return ingest_key.startswith(HELD_KEY)


# A text longer than this is a reported skip: analysing it takes ~55 bytes of memory per byte
# of text (QA pass 9: a 60 MB TXT took 2.7 GB; 24 MB measured 1.3 GB), and the longest
# document of the shared corpus has about 100,000 characters.
MAX_TEXT_CHARS = 2_000_000


def configure(*, max_file_bytes: int, max_text_chars: int = MAX_TEXT_CHARS) -> None:
    """Files over ``max_file_bytes`` are reported as too large, never read; texts over
    ``max_text_chars`` characters (0: no limit) are reported, never analysed."""
    global MAX_FILE_BYTES, MAX_TEXT_CHARS
    MAX_FILE_BYTES = max_file_bytes
    MAX_TEXT_CHARS = max_text_chars


@dataclass(frozen=True)
class IngestFailure:
    """A file that did not become a Document, and why (the text the user reads).

    ``skipped`` marks files that are not documents we handle (an unknown type; a scan, image
    or PDF, while OCR is off) as opposed to documents that are broken.
    """

    path: str
    reason: str
    skipped: bool = False


@dataclass(frozen=True)
class CatalogProblem(IngestFailure):
    """A catalogue line that could not be applied (a bad cell, a row that names no file):
    reported with its line and ignored, not a file that failed. ``path`` is
    ``<catalog file> line N``; ``skipped``: a note only (a column read as no field)."""

    @classmethod
    def of(cls, catalog: Catalog, err: CatalogError) -> CatalogProblem:
        # the path says the file and line; the reason says the row's file cell and what is wrong
        # (it read "cat.csv line 2: catalog: line 2 (a.txt): …")
        return cls(f"{catalog.source.name} line {err.line}",
                   f"{err.path}: {err.reason}" if err.path else err.reason,
                   skipped=err.note)  # fmt: skip


@dataclass(frozen=True)
class FileTask:
    """Everything needed to ingest one file, picklable for worker processes.

    ``source`` is the folder the user gave (the document id is made from its name and the
    path inside it, see :func:`model.ids.document_id`). ``rel_path`` is that path as people
    read it (:func:`model.ids.readable_path`); ``raw_path`` is the name on disk when it is not
    valid UTF-8, which the id keeps hashing. ``held`` says why the document is held at
    :data:`~model.fields.MOST_RESTRICTIVE` whatever else says (empty: it is not). ``refused``
    says why the file must not be read at all (a symlink leading out of its folder): it is
    reported as skipped, its bytes never opened.
    """

    file: Path
    rel_path: str
    disclosure: str
    entry: CatalogEntry | None = None
    source: Path = Path(".")
    raw_path: str = ""
    held: str = ""
    refused: str = ""
    catalog: str = ""  # the catalogue file ``entry`` comes from
    # the real folders the file must lie in when it is opened (ingest.confined): the folder
    # walked, or the server's ingest roots; empty for a file the user named on the command line
    within: tuple[Path, ...] = ()
    # the 发布日期 of a document this very act publishes, where its text and row state none: an
    # upload at 主动公开 is published today, as a draft published by PATCH is (QA pass 35b: one
    # uploaded public was undated, in the timeliness report's 缺少日期 and last newest-first)
    published: dt.date | None = None

    @property
    def doc_id(self) -> str:
        return document_id(self.source, self.raw_path or self.rel_path)

    @property
    def held_reason(self) -> str:
        return self.held or (self.entry.held if self.entry is not None else "")

    @property
    def level(self) -> str:
        """The level the document gets: held → MOST_RESTRICTIVE, else the catalogue row's, else
        the folder's or default (``disclosure``); a level that is not one of DISCLOSURES is
        MOST_RESTRICTIVE too (fail closed)."""
        if self.held_reason:
            return MOST_RESTRICTIVE
        row = self.entry.values.get("disclosure") if self.entry is not None else None
        level = str(row or self.disclosure)
        return level if level in DISCLOSURES else MOST_RESTRICTIVE

    @property
    def level_defaulted(self) -> bool:
        """Whether :attr:`level` is only the ingest's default: no hold, no catalogue row's
        level, no folder's (a default is no decision to publish; pipeline.run)."""
        row = self.entry.values.get("disclosure") if self.entry is not None else None
        return not self.held_reason and row is None and folder_disclosure(self.rel_path) is None

    @property
    def ingest_key(self) -> str:
        """Digest of every decision applied to this file besides its bytes: its level and the
        catalogue row's values. Stored with the document, so a changed decision is re-applied
        by the next ingest although the bytes are the same."""
        values = sorted(self.entry.values.items()) if self.entry is not None else []
        key = repr((DECISIONS, self.level, [(k, v) for k, v in values if k != "disclosure"]))
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        return HELD_KEY + digest if self.held else digest


def folder_disclosure(rel_path: str) -> str | None:
    """Disclosure from a folder named public/on_request/… or 主动公开/依申请公开/… (innermost)."""
    for part in reversed(PurePosixPath(rel_path).parts[:-1]):
        found = FOLDER_DISCLOSURE.get(part) or FOLDER_DISCLOSURE.get(part.lower())
        if found:
            return found
    return None


_TITLE_SEARCH_CHARS = 2000  # a title line stands near the top of a text


def own_title(extracted: Extracted, file: Path) -> str:
    """The title a file states for itself, unless it is only the file's name on a scan whose
    text does not bear it out: scanning software and Pillow write the file name into a PDF's
    Title, and it then stood above the recognised text's own title (臺灣法規掃描 for
    新市鎮開發條例: QA pass 7). A PDF written by an office program and named by its title keeps
    it (北京市自动驾驶汽车条例.pdf, whose text says only 本条例)."""
    title = extracted.title.strip()
    if (
        not title
        or extracted.properties.get("text_source") != "ocr"
        or normalize(title) != normalize(file.stem.strip())
    ):
        return title
    head = "".join(normalize(extracted.text[:_TITLE_SEARCH_CHARS]).split())
    return title if "".join(normalize(title).split()) in head else ""


def ingest_file(task: FileTask) -> Document | IngestFailure:
    """Read, extract and describe one file; every expected failure becomes an IngestFailure."""
    if task.refused:
        return IngestFailure(task.rel_path, task.refused, skipped=True)
    try:
        data = read_confined(task.file, task.within, MAX_FILE_BYTES)  # MAX_FILE_BYTES 0: any
        fmt, extracted = registry.extract(data, task.file.name)
    except FileTooLarge as exc:
        return IngestFailure(task.rel_path, (
            f"file too large ({exc.size / 2**20:.1f} MB, over the {MAX_FILE_BYTES // 2**20} MB "
            "limit of GOVSEARCH_MAX_FILE_MB)"
        ))  # fmt: skip
    except (UnsupportedFormat, RefusedFile) as exc:
        return IngestFailure(task.rel_path, str(exc), skipped=True)
    except IngestError as exc:
        return IngestFailure(task.rel_path, str(exc))
    except OSError as exc:
        return IngestFailure(task.rel_path, f"cannot read file: {exc.strerror or exc}")
    if MAX_TEXT_CHARS and len(extracted.text) > MAX_TEXT_CHARS:
        return IngestFailure(
            task.rel_path,
            f"text too long ({len(extracted.text):,} characters; GOVSEARCH_MAX_TEXT_CHARS is "
            f"{MAX_TEXT_CHARS:,}): split the file, or raise the limit for it",
        )  # a failure, not a skip: a document is missing from search and someone must look
    title = own_title(extracted, task.file)
    meta = derive_meta(extracted.text, extracted.properties, title=title)
    if not meta.title and title != extracted.title:  # no title in the text: the name it is
        meta = derive_meta(extracted.text, extracted.properties, title=extracted.title)
    from_text = ""
    if task.entry is not None:
        meta = task.entry.apply(meta)
        from_text = ",".join(
            name for name in ("written_date", "publish_date")
            if name in task.entry.columns and name not in task.entry.values
            and getattr(meta, name) is not None
        )  # fmt: skip
    stated = task.entry.values if task.entry is not None else {}
    if "written_date" not in stated and dated_by_title_year(meta, extracted.text):
        # the 成文日期 is the year in the title, its day unknown: shown as the year (QA pass
        # 38a: 2015年…政府工作报告 said 成文日期 2015-01-01), and never a stated date to the
        # timeliness report
        from_text = ",".join(dict.fromkeys([*filter(None, from_text.split(",")),
                                            "written_date", TITLE_YEAR]))  # fmt: skip
    meta = _shown_plain(meta)
    assumed = not meta.validity  # neither the catalogue nor the text says (guess_validity)
    if assumed:
        meta = replace(meta, validity="valid")
    meta = replace(meta, disclosure=task.level)  # fails closed, never to "public"
    dated_today = (
        task.published is not None and meta.disclosure == "public" and meta.publish_date is None
    )
    if dated_today:
        meta = replace(meta, publish_date=task.published)
    extra = dict(extracted.properties)
    # dates that cannot be right: the 成文日期 a catalogue row or an upload's form stated (a
    # law's own dates read from its text are no catalogue error: the review found a text's
    # 2027年1月20日 warned), and the 发布日期 from wherever it came, a labelled 发布日期 line
    # of the text and today's given to an upload included, since it is what the pages and the
    # timeliness report show (QA 35c: a text's 发布日期：2027年… and a stated 成文日期 after
    # today's were published without a word)
    stated = task.entry.values if task.entry is not None else {}
    odd = odd_dates(
        meta.written_date if "written_date" in stated else None,
        meta.publish_date,
        dt.date.today(),
    )
    if odd:
        extra["dates"] = odd + ("; 发布日期 given as today's: none stated" if dated_today else "")
    return Document(
        id=task.doc_id,
        path=task.rel_path,
        text=extracted.text,
        meta=meta,
        format=fmt,
        content_hash=hashlib.sha256(data).hexdigest(),
        ingest_key=task.ingest_key,
        catalog=task.catalog,
        dates_from_text=from_text,
        validity_assumed="1" if assumed else "",
        amended=str(amended_year(extracted.text) or ""),
        size=len(data),
        **ocr_fields(extracted.properties),
        extra=extra,
    )


# control characters (ESC, BEL, backspace) and the bidi controls that reorder what is read
_UNSHOWN = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\t\n\v\f\r\x85\u2028\u2029]+")


def plain_line(value: str) -> str:
    """A catalogue value as one line, without control and bidi-control characters: what a
    field of one line holds, whoever sets it (a catalogue, an upload's form, a PATCH)."""
    if value.isprintable():
        return value
    return " ".join(_UNSHOWN.sub("", _LINE_BREAKS.sub(" ", value)).split())


def _shown_plain(meta: CatalogMeta) -> CatalogMeta:
    """The catalogue's text fields without control and bidi-control characters, a line break
    a space: an upload's form title, or an HTML ``<title>``, kept ESC, BEL and U+202E, which
    showed a title reversed in the result lists and rang the terminal of ``govsearch search``
    (QA pass 36b)."""
    changes = {}
    for name, value in ((f.name, getattr(meta, f.name)) for f in CATALOG_FIELDS):
        if isinstance(value, str) and not value.isprintable():
            changes[name] = plain_line(value)
        elif isinstance(value, tuple) and not all(str(v).isprintable() for v in value):
            changes[name] = tuple(
                c for v in value if (c := " ".join(_UNSHOWN.sub("", str(v)).split()))
            )
    return replace(meta, **changes) if changes else meta


def ocr_fields(properties: dict[str, str]) -> dict[str, object]:
    """The document's OCR fields from what the extractor reported (``ingest.ocr.scan``): a
    text PDF's scanned pages OCR did not run on are listed as pages not read, its text source
    the text layer still."""
    if properties.get("text_source") != "ocr":
        unread = properties.get("ocr_failed", "")
        return {"ocr_failed": unread} if unread else {}
    try:
        confidence: float | None = round(float(properties.get("ocr_confidence", "")), 3)
    except ValueError:
        confidence = None
    return {"text_source": "ocr", "ocr_confidence": confidence,
            **{k: properties.get(k, "")
               for k in ("ocr_engine", "ocr_pages", "ocr_failed", "ocr_turned")}}


class Found(NamedTuple):
    """A file found under a folder the user named."""

    file: Path  # as reached from the named folder (read from here, shown in reports)
    rel: str  # relative to that folder, "/"-separated
    real: Path  # symlinks resolved: what catalogue rows and the catalogue file are compared with
    refused: str = ""  # why it is not read at all (a symlink leading out of the folder)


def leads_outside(entry: Path, roots: Sequence[Path]) -> bool:
    """Whether ``entry`` is a symlink whose target, resolved through every link and whether or
    not it exists, is outside all ``roots`` (real paths). The one rule for links met inside a
    folder being ingested: such a link is never followed (``/etc/passwd`` must not become a
    public document), one that stays inside is. A loop of links resolves to where the loop
    closes, without raising (``Path.resolve`` raises RuntimeError for it)."""
    return entry.is_symlink() and not inside(Path(os.path.realpath(entry)), roots)


def outside_reason(entry: Path, kind: str) -> str:
    """The report's reason for a link :func:`leads_outside` refused (where it leads, no content)."""
    return (
        f"a symlink to a {kind} outside the ingested folder ({os.readlink(entry)}): not "
        "followed; to ingest it, copy it into the folder or give it as a path of its own"
    )


# what a govsearch data folder holds and an archive does not (QA pass 24c: `cd /archive &&
# govsearch ingest .` read ./govsearch-data, and lexicon/mined.txt, which names hidden
# documents' short forms and paths, became a public document; uploads were "moved" into it)
_DATA_FOLDER_MARKS = ("texts.sqlite", "index/govsearch-schema.json", "lexicon/vocabulary.tsv",
                      "api_keys.json")  # fmt: skip


def is_data_folder(folder: Path) -> bool:
    """Whether ``folder`` is a govsearch data folder (``--data-dir``), by what only it holds.
    A folder that cannot be looked into is not (its walk reports it; QA pass 48a: a subfolder
    without search permission stopped the whole ingest with a traceback here)."""
    for mark in _DATA_FOLDER_MARKS:
        try:
            if (folder / mark).exists():
                return True
        except OSError:
            return False
    return False


def _unreadable(root: Path, found: list[Found]) -> Callable[[str, OSError], None]:
    """What a walk of ``root`` does with a folder it cannot list: a skipped entry in
    ``found``, never a folder passed over without a word (QA pass 48a: neither counted nor
    reported, the documents of its files kept unsaid)."""

    def note(folder: str, exc: OSError) -> None:
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        found.append(Found(Path(folder), root.name if rel == "." else rel,
                           Path(os.path.realpath(folder)), (
            f"a folder that cannot be read ({exc.strerror or exc}): none of its files was "
            "read, and the documents the index holds from it are kept; give the ingest's "
            "user read and search permission on it")))  # fmt: skip

    return note


def iter_files(paths: Sequence[Path], *, exclude: Path | None = None) -> Iterator[Found]:
    """The files of the given files and folders, sorted by relative path, hidden ones left out.

    A symlink inside a given folder that leads out of it (:func:`leads_outside`), to a file or
    to a folder, is yielded with ``refused`` set and must not be read; a link that stays inside
    is read like a file (a folder link is not entered, as ``os.walk`` does not follow links). A
    file given by name is read wherever it is: the user named it.

    Symlinks are resolved once per folder (and per file only for a file that is a link): at a
    million files a ``resolve()`` per file was most of the time spent before the first document
    was read (bench/README.md "A million documents").
    """
    skip = str(exclude.resolve()) if exclude is not None else None
    for root in paths:
        # a FIFO, socket or device named is read like a file, which refuses it and says so
        # (QA pass 36b: one named directly was dropped without a word, total 0)
        if root.is_file() or (root.exists() and not root.is_dir()):
            real = root.resolve()
            if str(real) != skip:
                yield Found(root, root.name, real)
            continue
        if not root.is_dir():
            continue
        roots = [root.resolve()]
        found: list[Found] = []
        for dirpath, dirnames, filenames in walk(root, _unreadable(root, found)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            real_dir = os.path.realpath(dirpath)
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            prefix = "" if rel_dir == "." else rel_dir + "/"
            depth = 0 if rel_dir == "." else rel_dir.count("/") + 1
            for name in list(dirnames):  # the walk lists folder links here, never enters them
                path = Path(dirpath, name)
                if depth >= MAX_FOLDER_DEPTH and not os.path.islink(path):
                    dirnames.remove(name)
                    found.append(Found(path, prefix + name, Path(os.path.realpath(path)), (
                        f"a folder nested deeper than {MAX_FOLDER_DEPTH} folders: not read")))
                elif leads_outside(path, roots):
                    reason = outside_reason(path, "folder")
                    found.append(Found(path, prefix + name, Path(os.path.realpath(path)), reason))
                elif is_data_folder(path):
                    dirnames.remove(name)
                    found.append(Found(path, prefix + name, Path(os.path.realpath(path)), (
                        "a govsearch data folder (its index, texts and lexicon), not documents: "
                        "never read as part of the archive")))  # fmt: skip
            for name in filenames:
                if name.startswith("."):
                    continue
                path = os.path.join(dirpath, name)
                if not os.path.islink(path):
                    found.append(Found(Path(path), prefix + name, Path(real_dir, name)))
                    continue
                link = Path(path)
                refused = outside_reason(link, "file") if leads_outside(link, roots) else ""
                found.append(Found(link, prefix + name, Path(os.path.realpath(path)), refused))
        for item in sorted(found, key=lambda f: f.rel):
            if skip is None or str(item.real) != skip:
                yield item


def source_folder(given: Path) -> Path:
    """The folder ids are scoped to: the given folder, or the folder of a given file."""
    root = given.resolve()
    return root if root.is_dir() else root.parent


def tasks(
    paths: Sequence[Path],
    catalog: Catalog | None,
    default_disclosure: str,
    confine: Confinement | None = None,
    given: bool = False,
) -> Iterator[FileTask]:
    """The FileTasks for an ingest: which file, its relative path, disclosure, catalog row.

    A file that no row names exactly but one row nearly names (:meth:`Catalog.near`) is held
    back; a level that is not one of DISCLOSURES holds every file back (``given``: the ingest
    names ``default_disclosure``, a decision). A symlink leading out
    of its folder becomes a task with ``refused`` set and nothing else looked up. Each task
    says where its file must lie when it is opened: inside ``confine``'s roots (a server), else
    inside the folder walked."""
    exclude = catalog.source if catalog else None
    unapplied = unapplied_catalogs(paths, exclude, confine)
    sheets = {c.source for c in unapplied}  # catalogues: skipped as such, never held
    bad_default = (
        ""
        if default_disclosure in DISCLOSURES
        else (f"unknown default level {default_disclosure!r}")
    )
    for given in paths:
        source = source_folder(given)
        within = confine.roots if confine else ((source,) if given.is_dir() else ())
        for file, raw, real, refused in iter_files([given], exclude=exclude):
            rel = readable_path(raw)
            if refused:
                yield FileTask(file, rel, MOST_RESTRICTIVE, None, source,
                               raw if raw != rel else "", refused=refused)
                continue
            entry = catalog.lookup(file, real) if catalog is not None else None
            if entry is None and catalog is not None and _describes_catalog(file, catalog):
                continue
            held = bad_default
            for other in unapplied if entry is None else ():  # fail closed: its row may say
                # 不予公开 (QA pass 20); a row of the catalogue given decides, wherever it lies
                if not other.unreadable and not other.states_levels:
                    continue  # ... unless no row can say it (Catalog.states_levels)
                if other.unreadable and _under(file, other.source.parent) and file not in sheets:
                    held = (  # which files it names cannot be told: all of its folder's
                        f"{other.source.name} is a catalogue that cannot be read "
                        f"({other.unreadable}): held as not_public until an ingest gives a "
                        f"readable one (--catalog)"
                    )
                    break
                row = other.lookup(file, real)
                # ... or nearly names it (QA pass 24c: 报告.doc, ２０１９ in a department's
                # catalogue not applied published the files they meant)
                nearly = other.near(file, raw, real) if row is None else None
                if row is not None or nearly is not None:
                    line = (row or nearly).line  # type: ignore[union-attr]
                    # ... saying what its rows need first where --catalog would refuse it (QA
                    # pass 46c: the advice given led to "none of its rows names a file")
                    fix = "" if other.names_a_file else (
                        f"its paths do not start from its own folder, {other.folder}: write "
                        f"this row's as {os.path.relpath(real, other.folder.resolve())!r}, then "
                    )  # fmt: skip
                    held = (
                        f"{other.source.name} line {line} names this file"
                        f"{' nearly' if row is None else ''}, but that catalogue was not "
                        f"applied: held as not_public until an ingest gives it ({fix}--catalog "
                        f"{other.source}, or the API's \"catalog\")"
                    )
                    break
            level = folder_disclosure(rel) or (default_disclosure if given else None)
            if held and held != bad_default and level and not ANONYMOUS.can_see(level):
                # the level this ingest decides (``given``: --disclosure 不予公开, or a level
                # folder) hides it already: no hold, a decision, which outlives the hold's cause
                # (QA pass 49c: 不予公开 given while a catalogue could not be read was lost with
                # the hold, and the next plain ingest published the files)
                held = ""
            near = None
            if entry is None and catalog is not None:
                near = catalog.near(file, raw, real)
                if near is not None:
                    held = (
                        f"{catalog.source.name} line {near.line} names {near.path!r}, not this "
                        "file's path; held as not_public until a row names it exactly"
                    )
            disclosure = folder_disclosure(rel) or default_disclosure
            # a file the catalogue holds back records that catalogue as one it names does, so
            # an ingest without it keeps the held version (QA pass 12: the next ingest without
            # --catalog published a file held for a row that nearly named it)
            named = catalog is not None and (entry is not None or near is not None)
            yield FileTask(file, rel, disclosure, entry, source, raw if raw != rel else "", held,
                           catalog=str(catalog.source) if named else "",
                           within=within)  # fmt: skip


LINKED_CATALOGUE = (
    "a link out of its folder, or a file with other names, is not read: if it is a catalogue "
    "its rows cannot be known, so the folder's files are held back; copy it in"
)


def unapplied_catalogs(
    paths: Sequence[Path], given: Path | None = None, confine: Confinement | None = None
) -> list[Catalog]:
    """The catalogues lying in the folders an ingest reads, at any depth, other than the one it
    was given (``--catalog``): CSVs, TSVs and texts whose header names a path column, read.
    The files they name are held back: a row may say 不予公开, and an ingest that forgot the
    flag (or the API's, which takes no catalogue) published them (QA pass 20). A department's
    catalogue in its own folder, below the folder ingested, is as binding as one at its top
    (QA pass 24a: samples/ copied into an archive and ingested from the archive published its
    five restricted files). A link leading out of the folder is not read, as the walk reads no
    such link (QA pass 30b: a catalogue linked from outside decided how files were held); such
    a file of a catalogue's kind, one that cannot be opened, and one over ``confine``'s size is
    unreadable, and holds its folder's files back."""
    found: list[Catalog] = []
    skip = given.resolve() if given is not None else None
    # the limit is the whole ingest's: each catalogue read is held in memory until the ingest
    # ends (QA pass 30c: six of 7.9 MB, each under the limit, grew the server to 3.6 GB)
    left = confine.max_catalog_bytes if confine else 0
    for top in paths:
        walked = [top.resolve() if top.is_dir() else top.resolve().parent]
        roots = confine.roots if confine else walked
        if top.is_dir():
            folders = ((Path(d), sorted(names)) for d, subs, names in _walk_visible(top))
        else:  # a file given alone: the catalogue beside it
            folder = top.parent
            folders = iter([(folder, sorted(p.name for p in _listed(folder)))])
        for folder, names in folders:
            for name in names:
                csv_path = folder / name
                ext = csv_path.suffix.lower().lstrip(".")
                if ext not in registry.CATALOGUE_EXTENSIONS or name.startswith("."):
                    continue
                if not csv_path.is_file():
                    continue
                # a file of a catalogue's kind that cannot be read safely (a link out of the
                # folder, a hard link under a server's roots, one the server may not open) may
                # be a catalogue saying 不予公开: its folder is held back, as for one unreadable
                # (QA pass 31c: skipped, its files published)
                if leads_outside(csv_path, walked):
                    found.append(unreadable_catalog(csv_path, LINKED_CATALOGUE))
                    continue
                if csv_path.resolve() == skip:
                    continue
                try:
                    with open_confined(csv_path, roots) as f:
                        head = f.read(4096)
                except (OSError, RefusedFile) as exc:
                    why = LINKED_CATALOGUE if isinstance(exc, RefusedFile) else (
                        f"cannot be opened ({exc.strerror or exc}): if it is a catalogue its "
                        "rows cannot be known, so the folder's files are held back"
                    )  # fmt: skip
                    found.append(unreadable_catalog(csv_path, why))
                    continue
                if not registry.is_catalogue(head, ext):
                    continue
                budget = 0  # the command line's: any size, any number
                if confine:
                    size = csv_path.stat().st_size
                    if size > left:
                        cap = confine.max_catalog_bytes // 2**20
                        found.append(unreadable_catalog(csv_path, (
                            f"catalog too large for this ingest ({size / 2**20:.1f} MB; the "
                            f"catalogues one ingest over the API reads are at most {cap} MB "
                            "together, GOVSEARCH_MAX_CATALOG_MB): ingest it with govsearch ingest"
                        )))  # fmt: skip
                        continue
                    budget, left = left, left - size
                found.append(load_catalog(csv_path, roots, budget))
    return found


MAX_FOLDER_DEPTH = 64  # folders below a given one the walk enters; deeper ones are reported


def walk(
    top: Path | str, unreadable: Callable[[str, OSError], None] | None = None
) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(top)`` (top-down, links to folders listed but not entered, ``dirnames`` pruned
    in place by the caller; a folder that cannot be listed is passed to ``unreadable``, as
    ``os.walk``'s ``onerror``, and passed over) without recursion: Python 3.11's
    walk recurses once per level, and a folder 1,800 levels deep in a drop folder ended the
    whole ingest in a RecursionError (QA pass 36b: a traceback from the CLI, and "the request
    body is nested too deeply" from ``POST /api/ingest``)."""
    stack = [os.fspath(top)]
    while stack:
        here = stack.pop()
        dirs: list[str] = []
        files: list[str] = []
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else files).append(entry.name)
        except OSError as exc:
            if unreadable is not None:
                unreadable(here, exc)
            continue
        blocked = _unsearchable(here, dirs or files)
        if blocked is not None:  # listed, but nothing in it can be opened (chmod 644)
            if unreadable is not None:
                unreadable(here, blocked)
            continue
        yield here, dirs, files
        for name in reversed(dirs):  # as listed (and pruned) by the caller, first one first
            path = os.path.join(here, name)
            if not os.path.islink(path):
                stack.append(path)


def _unsearchable(folder: str, names: list[str]) -> OSError | None:
    """The error that opening anything in ``folder`` meets, where the folder can be listed
    but not searched (``chmod 644``: QA pass 48d found it still stopped the ingest, at the
    first file looked at as a catalogue); one ``lstat`` of its first entry tells."""
    if not names:
        return None
    try:
        os.lstat(os.path.join(folder, names[0]))
    except PermissionError as exc:
        return exc
    except OSError:  # gone meanwhile, a name too long: the entry's own problem
        return None
    return None


def _walk_visible(top: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """:func:`walk` of ``top`` without its hidden folders (the ingest's walk skips them)."""
    for dirpath, dirnames, filenames in walk(top):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        yield dirpath, dirnames, filenames


def _listed(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_file()]
    except OSError:
        return []


def _under(file: Path, folder: Path) -> bool:
    """Whether ``file`` lies in ``folder``; a path that cannot be resolved (a symlink loop:
    ``RuntimeError`` on this Python, ``OSError`` on later ones) is, which holds it closed (QA
    pass 44b: a loop beside an unreadable catalogue stopped the whole run with a traceback)."""
    try:
        file.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    except (RuntimeError, OSError):
        return True
    return True


# The README files that describe an archive and are no format of its documents
_README_SUFFIXES = ("", ".md", ".markdown", ".rst")


def _describes_catalog(file: Path, catalog: Catalog) -> bool:
    """A Markdown README beside the catalog CSV describes the archive; it is not one of its
    documents (``samples/README.md``: without this every demo run reported it as skipped). A
    README in a document format (README.txt, readme.html) may be one, and is ingested like any
    file (QA pass 8: a notice saved as README.txt was dropped, counted nowhere)."""
    return (
        file.name.upper().startswith("README")
        and file.suffix.lower() in _README_SUFFIXES
        and file.parent.resolve() == catalog.source.resolve().parent
    )


CHUNK = 8  # files per task sent to a worker
AHEAD = 16  # tasks queued per worker: enough to keep it busy, never the whole ingest at once


def _apply(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [fn(item) for item in chunk]


PROGRESS_LINE_SECONDS = 60.0  # a line of ingest progress this often when not on a terminal


def map_files(
    fn: Callable[[T], R], items: Sequence[T], *, workers: int = 1, progress: bool = False
) -> Iterator[R]:
    """``fn`` over ``items`` in order, in ``workers`` processes when more than one, with a
    progress bar on request: the one loop every ingest (folders, uploads, API) runs.

    Work is handed out a few chunks ahead of the results: ``Executor.map`` queues every item
    at once (125,000 pending work items for a million files).
    """
    bar = None
    if progress and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(items), unit="file", desc="ingest")
    elif progress:
        bar = LogLines("ingest", "files read", PROGRESS_LINE_SECONDS, total=len(items))
    try:
        if workers > 1 and len(items) > 1:
            with ProcessPoolExecutor(
                max_workers=workers, initializer=processes.pool_worker_start
            ) as pool:
                chunks = (items[i : i + CHUNK] for i in range(0, len(items), CHUNK))
                pending: deque[Future[list[R]]] = deque(
                    pool.submit(_apply, fn, c) for c in islice(chunks, workers * AHEAD)
                )
                while pending:
                    results = pending.popleft().result()
                    for c in islice(chunks, 1):
                        pending.append(pool.submit(_apply, fn, c))
                    for result in results:
                        if bar is not None:
                            bar.update()
                        yield result
        else:
            for item in items:
                result = fn(item)
                if bar is not None:
                    bar.update()
                yield result
    finally:
        if bar is not None:
            bar.close()


def iter_documents(
    paths: Sequence[Path],
    *,
    catalog: Path | None = None,
    default_disclosure: str = "public",
    progress: bool = False,
    workers: int = 1,
) -> Iterator[Document | IngestFailure]:
    """Documents for every file under ``paths``, in path order, with failures in line.

    Catalog problems (bad cells, a missing path column) come first as CatalogProblems whose
    path is ``<catalog file> line N``. ``workers > 1`` extracts in that many processes.
    """
    if default_disclosure not in DISCLOSURES:
        raise ValueError(f"default_disclosure must be one of {DISCLOSURES}")
    cat = load_catalog(catalog) if catalog is not None else None
    if cat is not None:
        for err in cat.errors:
            yield CatalogProblem.of(cat, err)
    yield from map_files(
        ingest_file, list(tasks(paths, cat, default_disclosure)), workers=workers, progress=progress
    )
