"""Staff endpoints: upload, server-side ingest, delete, reindex. Every one needs a staff key.

* ``POST /api/documents`` — multipart upload of one or more files plus optional catalog
  fields. Each file's type is decided by its *content* (``ingest.formats.registry``), the
  client's file name is never used as a path: the file is stored as
  ``<data_dir>/uploads/<date>-<random>.<format>`` and ingested through the same code as
  ``govsearch ingest`` (:func:`govsearch.ingesting.work`: ``ingest_file`` + ``prepare``, then
  ``index.write``). The answer is the ingest report.
* ``POST /api/ingest`` — ingest files or folders already on the server, only inside
  ``settings.ingest_roots`` (``GOVSEARCH_INGEST_ROOTS``): paths are checked lexically before
  anything is resolved (no ``..``, no existence oracle outside the roots), then again after
  symlinks are resolved. A symlink inside a folder given that leads out of that folder is
  skipped and reported, never followed, as ``govsearch ingest`` does.
* ``DELETE /api/documents/{id}`` and ``POST /api/reindex`` (501 where the backend cannot).

Authentication comes first (the router's dependency, run before the body is read by
:mod:`search_api.staff_gate`), before a byte of an upload or a JSON body is parsed, so an
anonymous caller cannot make the server spool files and is told it needs a key whatever it
sent; the body size limit itself is enforced for every request by :mod:`search_api.security`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
import time
import unicodedata
from dataclasses import replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as P
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from analyzers.normalize import other_script
from duplicates.check import MAX_DRAFT_CHARS, REASON_LABELS, TEXT_REASONS, Draft, check, percent
from ingest.catalog import CatalogEntry, column_of, misplaced_level, parse_cell
from ingest.confined import Confinement
from ingest.dates import odd_dates
from ingest.files import FileTask, IngestFailure, inside, is_data_folder, plain_line
from ingest.ocr.scan import file_budget
from ingest.report import IngestReport
from ingest.upload import check_upload
from model.document import StoredDocument
from model.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    GovSearchError,
    InvalidParameters,
    NotFound,
    PayloadTooLarge,
    StorageFull,
    StorageReadOnly,
    UnprocessableContent,
    UnsupportedMediaType,
    storage_fault,
)
from model.fields import BY_NAME, CATALOG_COLUMNS, CATALOG_FIELDS, Field, value_label
from model.ids import document_id
from model.settings import Settings
from model.viewer import ANONYMOUS, STAFF
from pipeline import embed
from pipeline.lexicon import COUNTED_FIELDS, LexiconBuilder
from pipeline.run import (
    UPLOADS_DIR,
    Job,
    merge_lexicon,
    read_catalog,
    rebuild,
    recount,
    run_ingest,
    run_jobs,
)
from search_api import audit
from search_api.deps import IndexDep, SettingsDep, require_staff
from search_api.json_keys import json_keys_once
from search_api.limits import heavy_gate, ocr_seconds
from search_api.models import (
    DeleteResponse,
    DisclosureChange,
    DisclosureChanged,
    ErrorResponse,
    IngestRequest,
    IngestResponse,
    ReindexResponse,
    UploadResponse,
)
from search_api.multipart import read_form
from search_index import citizen_words
from search_index.elastic_dsl import WRITE_BLOCKED
from search_index.index import SearchIndex

MAX_FILES = 20  # per upload request
MAX_FIELDS = 40
MAX_FIELD_CHARS = 2000
# The form takes every catalogue field as the catalogue CSV does: by its name, label or aliases
# (公开方式=不予公开 as well as disclosure=not_public); anything else is refused (QA pass 13).
FILE_PART = "file"
ACCEPTED_FIELDS = (FILE_PART, *("/".join(f.columns) for f in CATALOG_FIELDS))


def _field_schema(f: Field, column: str) -> dict[str, Any]:
    """One upload form field in the OpenAPI schema: a catalogue field under one of its names."""
    named = "" if column == f.name else f"; the same field as {f.name!r}"
    if f.choices:  # the Traditional forms too: the form reads them (QA pass 14)
        values = list(dict.fromkeys([*f.choices, *map(other_script, f.choices)]))
        return {"type": "string", "enum": values, "description": f"{f.label}{named}"}
    return {"type": "string", "maxLength": MAX_FIELD_CHARS, "description": f"{f.label}{named}"}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorResponse} for code in codes}


log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/api", tags=["admin"], dependencies=[Depends(require_staff), Depends(json_keys_once)]
)

_UPLOAD_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "minItems": 1,
                            "maxItems": MAX_FILES,
                            "description": "TXT, HTML, PDF or DOCX; the type is read from the "
                            "content, not the name",
                        },
                        **{
                            column: _field_schema(BY_NAME[name], column)
                            for column, name in CATALOG_COLUMNS.items()
                        },
                    },
                    # an unknown field is refused (a misspelt disclosure published the file)
                    "additionalProperties": False,
                }
            }
        },
    }
}


# -- upload --------------------------------------------------------------------------------
def uploads_dir(settings: Settings) -> Path:
    """Where uploaded files are kept (they are the originals of their documents)."""
    return Path(settings.data_dir).resolve() / UPLOADS_DIR


ORPHAN_SECONDS = 3600.0  # an upload file this old with no document is a dead request's


def sweep_orphan_uploads(index: SearchIndex, settings: Settings) -> int:
    """Remove upload files that became no document: a server killed (``kill -9``, the OOM
    killer) between storing a request's files and writing them left them in ``uploads/`` for
    good, where every backup copied them (QA pass 44b). Only files older than an hour are
    looked at (a request in flight in another worker stores its files a moment before writing
    them); their client never got a ``201``, so nothing acknowledged is lost. Returns how many
    went."""
    folder = uploads_dir(settings)
    if not folder.is_dir():
        return 0
    cutoff = time.time() - ORPHAN_SECONDS
    old = {document_id(folder, p.name): p for p in folder.iterdir()
           if p.is_file() and p.stat().st_mtime < cutoff}  # fmt: skip
    if not old:
        return 0
    ids = list(old)
    held: set[str] = set()
    for start in range(0, len(ids), 500):
        held.update(index.backend.fetch(ids[start : start + 500], texts=False))
    gone = [path for doc_id, path in old.items() if doc_id not in held]
    for path in gone:
        path.unlink(missing_ok=True)
    if gone:
        log.warning("removed %d upload files that became no document (a server stopped "
                    "while storing them): %s", len(gone), ", ".join(p.name for p in gone[:10]))
    return len(gone)


def display_name(name: str | None) -> str:
    """The client's file name for the report only: last component, no control characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return base[:200] or "upload"


def _stored_name(fmt: str) -> str:
    return f"{dt.date.today():%Y%m%d}-{secrets.token_hex(8)}.{fmt}"


_STORED_NAME = re.compile(r"[0-9]{8}-[0-9a-f]{16}\.[a-z0-9]+")  # what _stored_name gives


_HAN = re.compile(r"[\u3400-\u9fff]")


def _gbk_bytes_read_as_latin1(value: str) -> str | None:
    """What a form value says if its bytes were GBK, not UTF-8, else None.

    Starlette decodes a form field whose bytes are not UTF-8 as Latin-1 rather than refusing
    it, so ``keywords`` sent as the GBK bytes of 内部,草稿 arrived as ``ÄÚ²¿,²Ý¸å``: stored as
    that, and a level in it escaped :func:`misplaced_level` (QA pass 15). The bytes are what
    a Latin-1 reading of the value gives back; they are taken for GBK when they are not UTF-8
    and read as GB18030 into two Han characters or more (a name such as Müller, whose ü and l
    GB18030 reads as one character, is left as typed)."""
    if value.isascii():
        return None
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:  # a character past U+00FF: the bytes were UTF-8
        return None
    try:
        raw.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if len(_HAN.findall(text)) >= 2 else None


def _unreadable(message: str, *, field: str, **data: object) -> InvalidParameters:
    """A form field that cannot be read, said as any route says one (``data.problems``), and
    under ``data.field`` as the form's 400 said it before."""
    return InvalidParameters([{"field": field, "problem": message}], field=field, **data)


_FORM_FIELDS = frozenset(f.name for f in CATALOG_FIELDS)


def form_fields(
    items: list[tuple[str, str | UploadFile]],
) -> tuple[list[UploadFile], dict[str, object]]:
    """The files and the catalogue cells of an upload form, read as the catalogue CSV reads its
    columns (``ingest.catalog.column_of``): a field under its name, label or any alias, in either
    script, full-width forms folded, a closing note in brackets dropped (QA pass 48a: a form
    naming 發文字號 or 文号（必填）, which a catalogue's header may, was refused).

    Refused before anything is stored (``InvalidParameters``: a 422 with ``problems``, as
    every route says a field it cannot read; QA pass 38b found the form's 400 the exception):
    a part that names no field (a misspelt
    ``disclosre`` published the file as public: QA pass 13), a file under a field's name or
    text under ``file``, and one field given twice — by one name or two of its names — with
    values that differ once parsed (``disclosure=不予公开`` then ``disclosure=public`` published
    it, the last one winning), and a restricted level written in another field (``title=不予公开``
    published the file at the default level: QA pass 13), by the rule that holds such a
    catalogue row back (``ingest.catalog.misplaced_level``). An empty value states nothing, as
    an empty catalogue cell, except an empty level that no other field gives: a script sending
    ``disclosure=$LEVEL`` with the variable unset published the file (QA pass 24a), where the
    CLI and ``/api/ingest`` refuse an empty level."""
    files: list[UploadFile] = []
    given: dict[str, list[tuple[str, str]]] = {}
    empty_level = ""
    for key, value in items:
        if key == FILE_PART:
            if not isinstance(value, UploadFile):
                raise _unreadable(
                    f"{FILE_PART!r} must be a file part (curl -F 'file=@path'), not text",
                    field=key,
                )
            files.append(value)
            continue
        name = column_of(key)
        f = BY_NAME[name] if name in _FORM_FIELDS else None
        if f is None:
            raise _unreadable(
                f"unknown form field {key!r}: nothing was stored; the accepted fields are "
                + ", ".join(ACCEPTED_FIELDS)
                + " (a catalogue field by its name, label or alias)",
                field=key,
                accepted=list(ACCEPTED_FIELDS),
            )
        if not isinstance(value, str):
            raise _unreadable(f"{key!r} must be text, not a file", field=key)
        if len(value) > MAX_FIELD_CHARS:  # the limit said (QA pass 26a: "too long or NUL")
            raise _unreadable(f"{key} is {len(value):,} characters, more than the "
                              f"{MAX_FIELD_CHARS:,} a form field may hold; nothing was stored",
                              field=key)  # fmt: skip
        if "\x00" in value:
            raise _unreadable(f"{key} contains a NUL character; nothing was stored", field=key)
        legacy = _gbk_bytes_read_as_latin1(value)
        if legacy is not None:
            raise _unreadable(
                f"{key} is not UTF-8: its bytes read as GB18030 say {legacy!r}; nothing was "
                "stored; send the form in UTF-8",
                field=key,
            )
        level = misplaced_level(f.name, value)
        if level is not None:  # the catalogue holds such a row back (ingest.catalog)
            raise _unreadable(
                f"{key}={value.strip()!r} names the disclosure level {level!r}: nothing was "
                "stored; the level belongs in the disclosure field (disclosure or 公开方式), "
                f"not in {key!r}",
                field=key,
                level=level,
            )
        if value.strip():
            given.setdefault(f.name, []).append((key, value))
        elif f.name == "disclosure":
            empty_level = empty_level or key
    if empty_level and "disclosure" not in given:  # a level left empty is not the default's
        raise _unreadable(
            f"{empty_level} is empty: nothing was stored; give a level (主动公开, 依申请公开, "
            "不予公开, 草稿) or leave the field out for the server's default",
            field=empty_level,
        )
    values: dict[str, object] = {}
    # every value that does not parse is said at once (QA pass 33b: a date and a category
    # wrong were two round trips, the first 400 naming the date alone)
    unread: list[tuple[str, str]] = []
    for name, stated in given.items():
        f = BY_NAME[name]
        parsed = []
        for key, value in stated:
            try:
                parsed.append(parse_cell(f, value))
            except ValueError as exc:
                unread.append((key, str(exc)))
        if len(parsed) < len(stated):
            continue
        if any(p != parsed[0] for p in parsed):
            said = "; ".join(f"{k}={v!r}" for k, v in stated)
            raise _unreadable(
                f"{name} is given more than once with different values ({said}): nothing was "
                "stored; give it once",
                field=name,
                values=[v for _, v in stated],
            )
        values[name] = parsed[0]
    if unread:
        raise InvalidParameters(
            [{"field": key, "problem": f"{why}: nothing was stored"} for key, why in unread]
        )
    return files, values


def _disclosure(values: dict[str, object], default_disclosure: str) -> str:
    """The level the form gives its files: its own, else the server's default. The default is
    not put among the form's values: a level no one gave is no decision to publish, so an
    upload whose text the index holds hidden keeps that level, as a file ingested with no
    --disclosure does (QA pass 24c: the default was taken as a level, the text published)."""
    return str(values.get("disclosure", default_disclosure))


def ingest_stored(
    index: SearchIndex, folder: Path, stored: list[tuple[str, str, dict[str, object]]],
    data_dir: Path | None = None, ocr_budget: float | None = None,
) -> tuple[IngestReport, list[str]]:
    """Ingest files already in ``folder`` (name, disclosure, catalog values) through the same
    loop as the CLI. Returns the report and the names that became documents (worker thread).
    With ``data_dir``, the short forms, titles and words the public ones define are merged
    into its lexicon and read at once, as an ingest's are (QA pass 35a: an upload defining
    （以下简称“鲲监中心”） never made 鲲监中心 expand, the same file ingested did)."""
    report = IngestReport()
    jobs = []
    today = dt.date.today()
    for name, disclosure, values in stored:
        task = FileTask(folder / name, name, disclosure, CatalogEntry(name, 0, values), folder,
                        published=today)  # dates it only where it is written public
        jobs.append(Job(task, str(folder), task.doc_id, None))
    builder = LexiconBuilder() if data_dir is not None else None
    with file_budget(ocr_budget):  # a scan's pages, while the request waits
        written = run_jobs(index, jobs, report, lexicon=builder)
    if builder is not None and data_dir is not None and builder.public:
        # only public uploads count: a non-public one merges, publishes and reloads nothing
        # (the review: every upload pushed a lexicon generation every server reloads)
        merge_lexicon(index, data_dir, builder, report)
        citizen_words.load_lexicon(data_dir)
    return report, written


def _levels(index: SearchIndex, ids: list[str]) -> dict[str, tuple[str, str]]:
    """``id → (path, 公开方式)`` of stored documents (worker thread)."""
    return {i: (d.path, d.disclosure) for i, d in index.backend.fetch(ids, texts=False).items()}


def _alike(index: SearchIndex, ids: list[str], copies: set[str]) -> dict[str, list[str]]:
    """``id → warnings`` for uploads alike documents already there, by number and by text
    (``copies``: the exact copies of their texts, which the same-text warning names), the
    uploads read once (worker thread)."""
    docs = list(index.backend.fetch(ids).values())
    out: dict[str, list[str]] = {}
    for warnings in (_numbered_alike(index, docs, copies), _near_copies(index, docs, copies)):
        for doc_id, warning in warnings.items():
            out.setdefault(doc_id, []).append(warning)
    return out


def _numbered_alike(
    index: SearchIndex, docs: list[StoredDocument], copies: set[str]
) -> dict[str, str]:
    """``id → warning`` for uploads whose 文号 or 索引号 another document's catalogue already
    gives (copies of its text left out), each named with its path, title and level."""
    out: dict[str, str] = {}
    for doc in docs:
        found = [(which, o) for which, o in index.numbered_alike(doc) if o.id not in copies]
        if found:
            listed = "; ".join(
                f"{which} {o.index_no if which == '索引号' else o.doc_number} is also that of "
                f"{o.id} ({o.path}, {o.title}, {value_label('disclosure', o.disclosure)})"
                for which, o in found
            )
            out[doc.id] = f"the same number as documents already there: {listed}"
    return out


NEAR_REASONS = TEXT_REASONS - {"same_text"}  # exact copies: ``same_text_as``, warned apart


def _near_copies(
    index: SearchIndex, docs: list[StoredDocument], copies: set[str]
) -> dict[str, str]:
    """``id → warning`` for uploads whose text is alike another document's (a near copy, one
    holding the other) by the duplicate check's own measure, each named with its path, title,
    level and how alike (worker thread). QA pass 35b: a 94%-alike edit of a public notice was
    uploaded with no word, where checking first is what staff do before posting. Exact copies
    (``copies``) are warned of apart. Best effort: the documents are in, so a text the check
    cannot compare, or a backend that fails it, is said in the warning, never the upload's
    failure (the review: a text of dashes alone turned a 201 into a 422)."""
    out: dict[str, str] = {}
    for doc in docs:
        if not doc.text.strip():
            continue
        draft = Draft(doc.text[:MAX_DRAFT_CHARS], doc.title)
        try:
            result = check(index, draft, viewer=STAFF, with_diff=False,
                           exclude=(doc.id, *copies))  # fmt: skip
        except UnprocessableContent:
            continue  # no text to compare (dashes, dots): alike nothing
        except GovSearchError as exc:
            out[doc.id] = f"not checked for documents alike it: {exc.message}"
            continue
        near = [c for c in result.candidates if c.reason in NEAR_REASONS]
        if near:
            listed = "; ".join(
                f"{c.doc.id} ({c.doc.path}, {c.doc.title}, "
                f"{value_label('disclosure', c.doc.disclosure)}, {REASON_LABELS[c.reason]} "
                f"{percent(c.share)})"
                for c in near
            )
            out[doc.id] = f"a text alike other documents: {listed}"
    return out


def _same_text_warning(
    doc_id: str, same: tuple[str, ...], levels: dict[str, tuple[str, str]]
) -> str:
    """An upload's warning that documents already there have its text: each named with its path
    and level, and said plainly when one is at another level than the upload (QA 23b: a public
    upload of a 不予公开 notice's text was told only an id, and the text was public from then
    on). The response is staff-only, so the other copies' levels are theirs to see."""

    def level(i: str) -> str:
        return value_label("disclosure", levels[i][1]) if i in levels else "?"

    listed = ", ".join(f"{i} ({levels[i][0]}, {level(i)})" if i in levels else i for i in same)
    said = f"the same text as {listed} (search shows them as one result)"
    mine = levels.get(doc_id, ("", ""))[1]
    apart = [i for i in same if i in levels and levels[i][1] != mine]
    if mine and apart:
        said += (
            f"; at another level than this upload's ({level(doc_id)}): the text is as visible "
            "as its most open copy; give the copies one level"
        )
    return said


def embed_uploaded(index: SearchIndex, data_dir: Path, ids: list[str]) -> int:
    """Vectors for the uploaded documents (search by meaning finds them at once). A failure
    here is logged, never the upload's: the documents are in and found by their words, and the
    next ``govsearch embed`` embeds them."""
    try:
        return embed.embed_uploaded(index, data_dir, ids)
    except Exception:  # noqa: BLE001 - the upload succeeded; say so in the log
        log.exception("uploaded documents %s not embedded", ", ".join(ids))
        return 0


@router.post(
    "/documents",
    status_code=201,
    response_model=UploadResponse,
    responses=_errors(400, 401, 409, 413, 415, 422, 429, 503),
    openapi_extra=_UPLOAD_SCHEMA,
    summary="Upload and ingest documents (staff)",
)
async def upload(request: Request, index: IndexDep, settings: SettingsDep) -> dict[str, Any]:
    """Files in ``file`` parts, catalog fields alongside; 201 with the ingest report when at
    least one file became a document, 422 with the report when none did."""
    ctype = request.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType("send the files as multipart/form-data")
    try:
        form = await read_form(request.headers, request.stream(), max_files=MAX_FILES,
                               max_fields=MAX_FIELDS)  # fmt: skip
    except MultiPartException as exc:
        raise BadRequest(f"unreadable multipart body: {exc.message}") from None
    try:
        files, values = form_fields(form.multi_items())
        if not files:
            raise BadRequest("no file: send one or more files in multipart parts named 'file'")
        disclosure = _disclosure(values, settings.default_disclosure)
        checked: list[tuple[str, bytes, str]] = []
        # a file refused by its content (empty, a PNG named .txt) is that file's failure, not
        # the batch's: the other files are still ingested ("one bad file never stops a run")
        refused: list[tuple[str, GovSearchError]] = []
        for f in files:
            data = await f.read()
            name = display_name(f.filename)
            try:
                checked.append((name, data, check_upload(data, name, settings.max_upload_bytes)))
            except PayloadTooLarge:
                raise  # the request's size limit, whatever the other files are
            except GovSearchError as exc:
                refused.append((name, exc))
    finally:
        await form.close()
    if not checked:  # every file refused: the first one's own error (415, 422), naming each
        first = refused[0][1]
        if len(refused) == 1:
            raise first
        # QA pass 20: a batch of bad files was told of the first only
        every = "; ".join(f"{name}: {exc.message}" for name, exc in refused)
        raise type(first)(
            f"no file could be read ({every})",
            **first.data,
            refused_files=[{"path": name, "reason": exc.message} for name, exc in refused],
        )
    folder = uploads_dir(settings)
    # the server user's alone: the names and sizes of 不予公开 uploads were listable by any
    # local account (QA pass 34b: 0755)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if folder.stat().st_mode & 0o077:  # made 0755 by an earlier version (the review)
            folder.chmod(0o700)
    except OSError as exc:
        raise _unstored(exc, folder) from None
    stored: list[tuple[str, str, dict[str, object]]] = []
    shown: dict[str, tuple[str, str, int]] = {}
    for name, data, fmt in checked:
        target = _stored_name(fmt)
        try:
            fd = os.open(folder / target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
            shown[target] = (name, fmt, len(data))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            # a full disk: a 507 that says so, and no file of this request left behind (QA
            # pass 44b: a 500 internal_error and a 0-byte file in uploads/ for good)
            for kept in shown:
                (folder / kept).unlink(missing_ok=True)
            raise _unstored(exc, folder) from None
        stored.append((target, disclosure, values))
    try:
        async with heavy_gate(request, staff=True).slot():
            report, written = await run_in_threadpool(
                ingest_stored, index, folder, stored, settings.data_dir,
                ocr_seconds(settings, staff=True),
            )
            ids = [document_id(folder, t) for t in written]
            copies = await run_in_threadpool(index.copies_of, ids, STAFF)
            embedded = await run_in_threadpool(embed_uploaded, index, settings.data_dir, ids)
    except BaseException:  # e.g. 409 while a CLI ingest holds the writer: keep no orphans
        for target in shown:
            (folder / target).unlink(missing_ok=True)
        raise
    for target in shown.keys() - set(written):
        (folder / target).unlink(missing_ok=True)  # failed: keep no orphan file
    for name, exc in refused:  # the content decides: not a document we handle, or broken
        report.add(IngestFailure(name, str(exc), skipped=isinstance(exc, UnsupportedMediaType)))
    same_as = {t: copies.get(i, ()) for t, i in zip(written, ids, strict=True)}
    alike = await run_in_threadpool(_alike, index, ids, {c for s in copies.values() for c in s})
    for t, i in zip(written, ids, strict=True):
        report.warned.extend(IngestFailure(t, warning) for warning in alike.get(i, ()))
    if copies:
        named = sorted({*copies, *(o for same in copies.values() for o in same)})
        levels = await run_in_threadpool(_levels, index, named)
        for t, i in zip(written, ids, strict=True):  # in, but staff should know what it copies
            if same_as[t]:
                report.warned.append(IngestFailure(t, _same_text_warning(i, same_as[t], levels)))
    rel = {f.path: shown[f.path][0]
           for f in report.failed + report.skipped + report.warned + report.held
           if f.path in shown}  # fmt: skip
    body = report.to_dict()
    for key in ("failed_files", "skipped_files", "warned_files", "held_files"):
        for item in body[key]:  # type: ignore[union-attr]
            item["path"] = rel.get(item["path"], item["path"])
    documents = [
        {"id": i, "path": t, "file": shown[t][0], "format": shown[t][1], "size": shown[t][2],
         "same_text_as": list(same_as[t])}
        for t, i in zip(written, ids, strict=True)
    ]  # fmt: skip
    if not written:
        _refuse_if_blocked(report, body, "upload")
    if not written:
        # a scan while OCR is off is skipped, not failed: its reason is as much the answer
        reasons = "; ".join(
            f"{i['path']}: {i['reason']}"
            for i in [*body["failed_files"], *body["skipped_files"]]  # type: ignore[misc]
        )
        raise UnprocessableContent(f"no document was ingested ({reasons})", report=body)
    audit.record(request, settings, "upload", disclosure=disclosure, documents=[
        {"id": d["id"], "file": d["file"], "stored_as": d["path"]} for d in documents])  # fmt: skip
    return {"report": body, "documents": documents, "embedded": embedded}


def _refuse_if_blocked(report: IngestReport, body: dict[str, Any], what: str) -> None:
    """A 409 with Retry-After when nothing went in only because the index is being rebuilt:
    nothing is wrong with the files (QA pass 35a: a 422 told a script its file was bad, and it
    did not retry; 35c: ``/api/ingest`` answered 200 with every file failed)."""
    if report.failed and all(WRITE_BLOCKED in f.reason for f in report.failed):
        raise Conflict(f"nothing was ingested: {WRITE_BLOCKED}; {what} again when it ends",
                       report=body, retry_after=60)  # fmt: skip


# -- server-side ingest --------------------------------------------------------------------
def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from JSON "\\ud800"
        return False
    return True


def resolve_ingest_path(raw: str, roots: tuple[Path, ...], *, may_be_gone: bool = False) -> Path:
    """The real path for ``raw`` if it lies inside the ingest roots, else a 4xx error.

    Checked twice: lexically (absolute, normalised, no ``..``) before touching the file system,
    so a path outside the roots is refused whether or not it exists; and after resolving
    symlinks, so a link inside a root cannot lead out of it. A path that does not exist is a
    404, unless ``may_be_gone`` (a prune: a deleted file or a renamed folder's old name is what
    prune is for, as ``govsearch ingest --prune OLD_PATH`` takes it; QA pass 14). Where such a
    path leads is judged by resolving the part of it that exists, so a gone path behind a link
    out of the roots is a 403, with or without prune, as the same path existing would be.
    """
    if not roots:
        raise Forbidden(
            "server-side ingest is disabled: set GOVSEARCH_INGEST_ROOTS to the folders it may "
            "read, or upload files with POST /api/documents"
        )
    if not raw or "\x00" in raw or len(raw) > 4096 or not _encodable(raw):
        raise BadRequest(
            "a path must be non-empty valid Unicode, without NUL, at most 4096 characters"
        )
    given = Path(raw)
    if ".." in given.parts:
        raise Forbidden(f"{raw!r}: '..' is not allowed in ingest paths", path=raw)
    lexical_roots = [Path(os.path.abspath(r)) for r in roots]
    real_roots = [r.resolve() for r in roots]
    candidate = Path(os.path.abspath(given if given.is_absolute() else lexical_roots[0] / given))
    if not (inside(candidate, lexical_roots) or inside(candidate, real_roots)):
        raise Forbidden(f"{raw!r} is outside the ingest roots", path=raw)
    try:
        real = candidate.resolve(strict=True)
        exists = True
    except (OSError, RuntimeError):
        try:  # the existing part's links followed, the rest as written (a dangling link too)
            real, exists = candidate.resolve(), False
        except (OSError, RuntimeError):  # a symlink loop: nothing there to read or prune
            raise NotFound(f"{raw!r} does not exist inside the ingest roots", path=raw) from None
    if not inside(real, real_roots):
        raise Forbidden(f"{raw!r} leads outside the ingest roots (symlink)", path=raw)
    if not exists and not may_be_gone:
        raise NotFound(f"{raw!r} does not exist inside the ingest roots", path=raw)
    # A symlink *inside* a folder given is the ingest walk's to judge, as for the CLI: one that
    # leads out of the folder (so possibly out of the roots) is never opened, and is listed as
    # skipped with where it leads (ingest.files.iter_files). Refusing the whole folder for it
    # (QA pass 13) made one stray link block an archive the CLI ingests.
    return real


@router.post(
    "/ingest",
    response_model=IngestResponse,
    responses=_errors(400, 401, 403, 404, 409, 413, 422, 503),
    summary="Ingest files or folders on the server (staff)",
)
def ingest_paths(
    body: IngestRequest, index: IndexDep, settings: SettingsDep, request: Request
) -> dict[str, Any]:
    """Like ``govsearch ingest PATHS``, restricted to ``GOVSEARCH_INGEST_ROOTS``.

    Runs in this request (one process: forking worker processes from a threaded server is
    unsafe); for large archives use the CLI.
    """
    # with prune, a path gone from disk is pruned, as the CLI's (pipeline.run._prune_gone)
    roots = settings.ingest_roots
    paths = [resolve_ingest_path(p, roots, may_be_gone=body.prune) for p in body.paths]
    # what is read is checked when it is opened, not only here (ingest.confined: QA pass 30b
    # swapped a folder checked here for a link out of the roots before the walk reached it)
    confine = Confinement(
        tuple(r.resolve() for r in roots), max_catalog_bytes=settings.max_catalog_bytes
    )
    catalog = None
    if body.catalog is not None:
        where = resolve_ingest_path(body.catalog, roots)
        if not where.is_file():
            raise BadRequest(f"catalog {body.catalog!r} is not a file", path=body.catalog)
        if where.stat().st_size > settings.max_catalog_bytes:
            raise PayloadTooLarge(
                f"catalog {body.catalog!r} is over {settings.max_catalog_bytes // 2**20} MB "
                "(GOVSEARCH_MAX_CATALOG_MB); ingest it with govsearch ingest --catalog",
                path=body.catalog,
            )
        catalog = read_catalog(where, confine)  # a catalogue no row of which can be read: a 400
        # the limit is the whole ingest's: what the catalogues found in the folders may still use
        left = max(1, settings.max_catalog_bytes - where.stat().st_size)
        confine = replace(confine, max_catalog_bytes=left)
    report = run_ingest(
        index,
        paths,
        catalog=catalog,
        prune=body.prune,
        default_disclosure=body.disclosure or settings.default_disclosure,
        disclosure_given=body.disclosure is not None,
        workers=1,
        lexicon_dir=settings.data_dir,
        confine=confine,
    )
    if not report.ok:
        _refuse_if_blocked(report, report.to_dict(), "ingest")
    citizen_words.load_lexicon(settings.data_dir, warm=True)
    audit.record(request, settings, "ingest", paths=[str(p) for p in paths], prune=body.prune,
                 catalog=str(catalog.source) if catalog is not None else None,
                 ingested=len(report.ok), pruned=len(report.pruned))  # fmt: skip
    return {"report": report.to_dict()}


# -- delete, reindex -----------------------------------------------------------------------
@router.delete(
    "/documents/{doc_id}",
    response_model=DeleteResponse,
    responses=_errors(401, 404, 409, 503),
    summary="Delete a document (staff)",
)
def delete_document(
    doc_id: Annotated[str, P(max_length=64)], index: IndexDep, settings: SettingsDep,
    request: Request,
) -> dict[str, Any]:
    """Remove a document from the index, and its stored file if it was uploaded.

    A document ingested from a folder comes back at the next ingest of that folder unless its
    file is removed there too.
    """
    doc = index.get(doc_id, STAFF)  # (its text too: what leaves the lexicon's counts)
    before = doc if ANONYMOUS.can_see(doc.disclosure) else None
    index.delete([doc.id])
    _recount(index, settings, before)
    uploaded = _uploaded(doc, settings)
    stored = _uploaded_file(doc, settings) if uploaded else None
    if stored is not None:
        stored.unlink(missing_ok=True)
    audit.record(request, settings, "delete", id=doc.id, path=doc.path, title=doc.title,
                 disclosure=doc.disclosure)  # fmt: skip
    # QA pass 45a: the next routine ingest published a deleted document again, unannounced
    warning = "" if uploaded else (
        f"{doc.path} lies in a folder ingested from ({doc.source}): the next ingest of that "
        "folder adds it again unless its file is removed there, or its catalogue row says "
        "不予公开"
    )
    return {"id": doc.id, "deleted": True, "warning": warning}


DATE_FIELDS = ("written_date", "publish_date")
# the fields an empty value clears (a title must stay, and a 公开方式 is always one of four)
CLEARABLE = frozenset(f.name for f in CATALOG_FIELDS) - {"title", "disclosure"}


@router.patch(
    "/documents/{doc_id}",
    response_model=DisclosureChanged,
    responses=_errors(400, 401, 404, 409, 422, 503),
    summary="Change an uploaded document's 公开方式 or catalogue fields (staff)",
)
def change_disclosure(
    doc_id: Annotated[str, P(max_length=64)], change: DisclosureChange, index: IndexDep,
    settings: SettingsDep, request: Request,
) -> dict[str, Any]:
    """Withdraw an uploaded document from the public (``不予公开``), or publish it, keeping it
    for staff: deleting was the only way (QA pass 33b); correct its 文号, title, dates …
    in place, its id and links kept (QA pass 45a: only a new upload could, under a new id).
    A document ingested from a folder takes its fields from its catalogue or folder at every
    ingest, so a change made here would be undone there: it is refused (409), saying where to
    change it."""
    given = change.model_dump(exclude_none=True)
    if not given:
        raise InvalidParameters([{"field": "body", "problem": "no field to change was given"}])
    values: dict[str, object] = {}
    problems = []
    for name, raw in given.items():
        if not raw.strip() and name in CLEARABLE:
            # an empty cell states "none", as a catalogue's does (QA pass 46c: a date or an
            # 有效性 set by mistake could only be replaced, never removed); a 有效性 cleared is
            # None: filed 有效, shown 未注明 (model.document.with_stated)
            values[name] = None if name == "validity" else BY_NAME[name].empty
            continue
        try:  # each read as a catalogue cell of it is; a 422 naming the field
            # ... and as one line without control characters, as an upload's form (QA pass
            # 47a: a title holding \x01 and ESC was stored, and broke the Atom feed)
            values[name] = parse_cell(BY_NAME[name], plain_line(raw))
        except ValueError as exc:
            problems.append({"field": name, "problem": str(exc)})
    if problems:
        raise InvalidParameters(problems)
    if values.get("title") == "":
        raise InvalidParameters([{"field": "title", "problem": "a title cannot be empty"}])
    doc = index.get(doc_id, STAFF)
    if not _uploaded(doc, settings):
        raise Conflict(
            f"{doc.id} was ingested from {doc.source}/{doc.path}: its 公开方式 and catalogue "
            "fields come from that folder's catalogue (or a 不予公开/ folder) at every ingest; "
            "change them there and ingest the folder again, or DELETE it and remove the file",
            id=doc.id, path=doc.path,
        )  # fmt: skip
    # a draft published here is published today, where it states no 发布日期 (the review: it
    # left the timeliness report's pending drafts for its rows lacking a date)
    level = values.get("disclosure", doc.disclosure)
    today = dt.date.today() if values.get("disclosure") == "public" else None
    changed = index.set_fields(doc.id, values, published=today)
    # the lexicon counts what anonymous readers see: the document as it was, if public, and
    # as it is now, if public, where its level or a field it counts changed (its 文号, title)
    before = doc if ANONYMOUS.can_see(doc.disclosure) else None
    after = changed if ANONYMOUS.can_see(changed.disclosure) else None
    if (before is None) != (after is None) or COUNTED_FIELDS & set(values):
        _recount(index, settings, before, after)
    # a date not stated is null, as search and the export say it
    now = {n: getattr(changed, n) for n in values}
    now.update({n: None for n in DATE_FIELDS if n in now and not now[n]})
    # the dates an upload would be warned of (QA pass 46c: PATCH took them without a word)
    day = {n: dt.date.fromisoformat(getattr(changed, n)) if getattr(changed, n) else None
           for n in DATE_FIELDS}  # fmt: skip
    warning = odd_dates(day["written_date"], day["publish_date"], dt.date.today())
    warning = warning if set(values) & set(DATE_FIELDS) else ""
    audit.record(request, settings, "disclosure" if set(values) == {"disclosure"} else "change",
                 id=doc.id, path=doc.path, title=doc.title, before=doc.disclosure,
                 disclosure=changed.disclosure, publish_date=changed.publish_date,
                 changed=now)  # fmt: skip
    # the same text still public elsewhere is said: withdrawing one copy hides no text
    public = index.public_copies(doc.id) if "disclosure" in values and level != "public" else ()
    return {"id": doc.id, "disclosure": changed.disclosure, "before": doc.disclosure,
            "changed": now, "publish_date": changed.publish_date or None,
            "still_public_copies": list(public), "warning": warning}


def _recount(
    index: SearchIndex,
    settings: Settings,
    before: StoredDocument | None,
    after: StoredDocument | None = None,
) -> None:
    """A document that left the public (deleted, withdrawn) leaves the lexicon's counts too,
    one that came to it (published) enters them, and the lexicon is read again (QA pass 47a:
    a withdrawn document's 文号 prefix still read a number as a 文号 for everyone; 47c: a
    re-published one's came back only at a run over the whole index). The lexicon is a
    statistic: a failure to merge is logged, never raised."""
    if (before is None and after is None) or settings.data_dir is None:
        return
    report = recount(index, settings.data_dir, [before] if before else [],
                     [after] if after else [])  # fmt: skip
    for failure in report.failed:
        log.warning("lexicon not counted again for %s: %s", (before or after).id,
                    failure.reason)  # fmt: skip
    citizen_words.load_lexicon(settings.data_dir)


def _unstored(exc: OSError, folder: Path) -> Exception:
    """What stopped an upload being stored: a full disk (507) or a quota, storage gone
    read-only (503; QA pass 47b: a 500 internal_error), or else the OS's own error."""
    fault = storage_fault(exc)
    if fault in ("full", "quota", "too_large"):
        return StorageFull(
            f"the disk holding {folder} is full: the upload was not stored; free space and "
            "send it again", path=str(folder),
        )  # fmt: skip
    if fault == "read_only":
        return StorageReadOnly(
            f"{folder} cannot be written ({exc.strerror}): the upload was not stored; make the "
            "data folder writable again and send it again", path=str(folder),
        )  # fmt: skip
    return exc


def _uploaded(doc: Any, settings: Settings) -> bool:
    """Whether ``doc`` was uploaded: stored under this server's uploads folder by its own
    name, or under another's by a name an upload is given (servers behind one balancer keep
    data folders of their own; QA pass 35c: a PATCH through B of an upload made through A
    was refused as a folder's document, whose level its catalogue decides)."""
    if doc.source == str(uploads_dir(settings)) and PurePosixPath(doc.path).name == doc.path:
        return True
    return (
        PurePosixPath(doc.source).name == UPLOADS_DIR
        and _STORED_NAME.fullmatch(doc.path) is not None
    )


def _uploaded_file(doc: Any, settings: Settings) -> Path | None:
    """Where an upload's file is, to delete it with the document: this server's uploads
    folder, or another server's data folder on this machine (servers side by side: QA pass
    35c, DELETE through B left A's file); None where that folder cannot be seen here (another
    machine keeps it) or is no data folder's (an archive may have a folder of that name)."""
    source = Path(doc.source)
    if source == uploads_dir(settings) or is_data_folder(source.parent):
        return source / doc.path
    return None


@router.post(
    "/reindex",
    response_model=ReindexResponse,
    responses=_errors(401, 409, 501, 503),
    summary="Rebuild the index (staff; backends that support it)",
)
def reindex(index: IndexDep, settings: SettingsDep, request: Request) -> dict[str, Any]:
    backend = index.backend
    result = rebuild(index, settings.data_dir)  # the lexicon counted again too (QA pass 45b)
    citizen_words.load_lexicon(settings.data_dir, warm=True)
    audit.record(request, settings, "reindex", backend=backend.name)
    return {"backend": backend.name, "result": result}
