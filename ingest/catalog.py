"""The catalog sidecar: a CSV that states catalog fields for files, overriding extraction.

Archives keep their 政府信息公开目录 in spreadsheets; this lets them feed it in. Columns follow
``manifest.csv`` (``path,title,category,agency,doc_number,date,script``) plus ``index_no``,
``validity``, ``disclosure``, ``written_date``, ``publish_date`` and ``keywords`` (separated by
``;`` or ``，``); the Chinese column names (标题, 文号, 发布机构, 分类, 成文日期, 发布日期, 索引号,
有效性, 公开方式, 关键词) are accepted too. ``path`` is relative to the CSV's folder. Only
non-empty cells override. A bad cell never stops an ingest: it is reported as a
``CatalogError`` with its line number and ignored, and the rest of the row still applies. A
column that is no catalogue field is reported too (a misspelt 公开方式 must not pass unseen).

Disclosure fails closed: a bad 公开方式 cell does not fall back to the folder's or the default
level, it holds the document at :data:`~model.fields.MOST_RESTRICTIVE` (``held``), as does a row
whose cells may be misread (more or fewer than the columns, a level named in a column that is not
a level column, level columns that disagree, a cell spanning lines that hold commas); a quote
never closed stops the ingest; a row that
names no file is reported with the file it probably meant (``unmatched``), and that file, found
only by a near miss (other letter case, or relative to the ingested folder instead of the
CSV's), is held back too rather than published without its row (``near``).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from analyzers.agencies import names_an_agency
from analyzers.choices import read_choice
from analyzers.normalize import to_simplified
from ingest.confined import FileTooLarge, RefusedFile, read_confined
from ingest.dates import parse_date
from ingest.errors import ExtractionError
from ingest.formats.encoding import decode
from model.document import CatalogMeta
from model.fields import BY_NAME, CATALOG_COLUMNS, MOST_RESTRICTIVE, Field
from model.ids import readable_path

# A folder named after a level (public/, 不予公开/ …) classifies the files inside it.
DISCLOSURE_VALUES: dict[str, str] = dict(BY_NAME["disclosure"].choices or {})
# The file a row describes (not a document field: it names the file).
# the names spreadsheets give a file's column (QA pass 23b: 文件路径 and 文件名 were refused)
PATH_COLUMNS: dict[str, str] = {
    name: "path" for name in ("path", "路径", "文件", "文件路径", "文件名", "文件名称", "file",
                              "filename", "档案名称", "档案", "档名", "档案路径")
}  # fmt: skip
# (Traditional headers — 路徑, 檔案名稱 — are read in Simplified: column_of)
# Columns read and knowingly ignored (manifest.csv's script: the script is read from the text);
# any other column that is no catalogue field is reported, and a level in it holds its row back
NOTED_COLUMNS = ("script",)
# Where a catalogue's header may stand: spreadsheets put a title row or a few above it
# (2024年政府信息公开目录, with commas in it or not), and save "CSV" with the separator of their
# locale (QA pass 24c: a title row, a .tsv or a .txt catalogue was not recognised, and its
# 不予公开 files published; QA pass 25a: a title row holding a comma, six rows above the header,
# full-width commas)
HEADER_LINES = 20
SEPARATORS = (",", "\t", ";", "|", "，", "；")
_NOTE = re.compile(r"\s*[(\[（【〔][^)\]）】〕]*[)\]）】〕]\s*$")
_FIELDS = frozenset(CATALOG_COLUMNS.values())


_MAX_COLUMN_CHARS = 24  # a header cell longer than this is text, not a column's name
# what every name of the file's column holds, in either script (a cheap look before reading it)
_PATH_HINT = re.compile(r"path|file|路|文件|档|檔", re.IGNORECASE)


def column_of(cell: str) -> str:
    """The field a header cell names ("path" for the file's column), or the cell as compared:
    full-width forms folded, quotes and a closing note in brackets dropped (文件名称（含扩展名）),
    lower case, read in Simplified (檔案名稱)."""
    key = unicodedata.normalize("NFKC", cell).strip().strip('"').strip()
    key = _NOTE.sub("", key).strip().lower()
    if len(key) > _MAX_COLUMN_CHARS:
        return key
    for k in (key, to_simplified(key)):
        found = PATH_COLUMNS.get(k) or CATALOG_COLUMNS.get(k)
        if found:
            return found
    return key


def _names_path(cell: str) -> bool:
    c = cell.strip()
    return len(c) <= _MAX_COLUMN_CHARS * 2 and bool(_PATH_HINT.search(c)) and (
        column_of(c) == "path"
    )


def header_layout(text: str, strict: bool = False) -> tuple[int, str] | None:
    """``(lines above the header, separator)`` when ``text`` begins as a catalogue does, or
    None. The header names a path column; standing below title rows (at most
    :data:`HEADER_LINES`, whatever they hold), or in a .txt (``strict``: any document may
    be one), it also names a second catalogue column: a notice whose first line is 文件 is no
    catalogue. Read for every text file an ingest meets, so a line is looked at closely only
    where a cell may name the file's column."""
    lines = text.lstrip("\ufeff").splitlines()[: HEADER_LINES + 1]
    for above, line in enumerate(lines):
        if not _PATH_HINT.search(line):
            continue
        for sep in [sep for sep in SEPARATORS if sep in line] or [","]:
            cells = line.split(sep)
            if not any(_names_path(c) for c in cells):
                continue
            if (strict or above) and not any(column_of(c) in _FIELDS - {"path"} for c in cells):
                continue
            return above, sep
    return None


# The most characters a catalogue cell may hold: the csv module's default field limit, which was
# the limit in effect before it was checked per cell. A title, a 文号, a list of keywords is far
# shorter; a longer cell is a document's text pasted in, or rows a quote swallowed.
MAX_CELL_CHARS = 131_072


@dataclass(frozen=True)
class CatalogError:
    """One problem in the catalog file: where (line, path cell) and what."""

    line: int
    path: str
    reason: str
    # said, but no problem someone must fix: a column that is no catalogue field (a level in
    # it is a problem of its row, and holds the row)
    note: bool = False

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" ({self.path})" if self.path else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class CatalogEntry:
    """The valid, non-empty cells of one row, as CatalogMeta field values."""

    path: str
    line: int
    values: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    held: str = ""  # why this row's document is held at MOST_RESTRICTIVE (a bad level cell)
    # the fields its catalogue has a column for: a cell left empty there is a statement that
    # the text's value must not stand in for where the catalogue's is counted (the timeliness)
    columns: frozenset[str] = field(default=frozenset(), compare=False, hash=False)

    def apply(self, meta: CatalogMeta) -> CatalogMeta:
        """``meta`` with this row's values in place of the extracted ones."""
        values = dict(self.values)
        if self.held:
            values["disclosure"] = MOST_RESTRICTIVE
        return dataclasses.replace(meta, **values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Catalog:
    """A loaded catalog: entries by normalised relative path, plus the per-row errors."""

    source: Path
    entries: dict[str, CatalogEntry]
    errors: tuple[CatalogError, ...] = ()
    # why no row could be read at all (not text, no path column): an ingest must not run as if
    # there were no catalogue, publishing at the default level what its rows hold back
    unreadable: str = ""

    @property
    def folder(self) -> Path:
        return self.source.parent

    def lookup(self, file: Path, real: Path | None = None) -> CatalogEntry | None:
        """The entry for a file on disk (matched by its path relative to the CSV's folder).

        ``real``: the file's path with symlinks resolved, when the caller has it already.
        """
        real = real or file.resolve()
        by_path = self.entries.get(real.as_posix())  # a row naming it by its absolute path
        rel = self._relative(real)
        if rel is None:  # outside the CSV's folder: a row may name it with ../ (QA pass 24c:
            # ../arch/a.txt, the form the report's own "did you mean" gives, was not applied)
            outside = os.path.relpath(real, self.folder.resolve()).replace(os.sep, "/")
            return self.entries.get(normalise_path(outside)) or by_path
        key = normalise_path(rel)
        # a name in GBK bytes (copied from Windows) is read as GB18030 *before* normalising:
        # normalising its bytes misread as UTF-8 reorders combining marks among them, and
        # 青松县通知.txt read back as 青松县知通.txt, never matching its row (QA pass 23b)
        return (
            self.entries.get(key)
            or self.entries.get(normalise_path(readable_path(rel)))
            or self.entries.get(readable_path(key))
            or by_path
        )

    def near(self, file: Path, rel_path: str, real: Path | None = None) -> CatalogEntry | None:
        """A row that nearly names ``file``: its path inside the ingested folder
        (``rel_path``), or, when the row's own path names no file on disk, its path relative
        to the CSV's folder as typed loosely — another letter case, full-width characters
        (２０１９, （）), spaces, or another extension (报告.doc for 报告.txt). Only a letter
        case was read so, and rows typed with a Chinese input method left their 不予公开 files
        published (QA pass 24a)."""
        candidates = [rel_path]
        real = real or file.resolve()
        rel = self._relative(real)
        if rel is None:  # outside the CSV's folder, as a row names it: ../arch/a.txt
            rel = os.path.relpath(real, self.folder.resolve()).replace(os.sep, "/")
        candidates.insert(0, rel)
        for rel in candidates:
            key = normalise_path(readable_path(rel))
            found = self.entries.get(key)
            if found is None:
                loose = _loose_path(key)
                found = self._loose.get(loose) or self._stems.get(_stem(loose))
                if found is not None and Path(os.path.normpath(self.folder / found.path)).exists():
                    found = None  # the row names its own file
            if found is not None:
                return found
        return self._by_tail(real)

    def _by_tail(self, real: Path) -> CatalogEntry | None:
        """A row naming no file whose path, typed loosely, is the end of ``real``'s: a bare
        name (n1.txt) or a path from a folder above the one the catalogue lies in
        (dept3/docs/n1.txt). Such rows were dropped unsaid and their 不予公开 files published
        (QA pass 46c)."""
        rows = self._by_name.get(_loose_path(real.name))
        if not rows:
            return None
        whole = "/" + _loose_path(real.as_posix()).lstrip("/")
        for row in rows:
            if whole.endswith("/" + _loose_path(row.path)) and not self._names_file(row):
                return row
        return None

    @functools.cached_property
    def _by_name(self) -> dict[str, list[CatalogEntry]]:
        out: dict[str, list[CatalogEntry]] = {}
        for entry in sorted(self.entries.values(), key=lambda e: e.line):
            out.setdefault(_loose_path(entry.path.rsplit("/", 1)[-1]), []).append(entry)
        return out

    def _names_file(self, row: CatalogEntry) -> bool:
        """Whether the row's own path names a file on disk, from the catalogue's folder (asked
        once a row a run: many files may share a row's name)."""
        known = self._rows_naming_files
        if row.path not in known:
            target = Path(os.path.normpath(self.folder / row.path))
            nfd = Path(unicodedata.normalize("NFD", str(target)))
            known[row.path] = target.exists() or nfd.exists()
        return known[row.path]

    @functools.cached_property
    def _rows_naming_files(self) -> dict[str, bool]:
        return {}

    @functools.cached_property
    def states_levels(self) -> bool:
        """Whether a row may hold its file back: the catalogue has a 公开方式 column, or a row
        writes a level in another column. One without (a list of files and their formats)
        cannot say 不予公开, so not applying it holds nothing back (QA pass 46b: the corpus's
        files/manifest.csv, path,format,encoding,notes, held its 106 files, its one scan too)."""
        return any(e.held or "disclosure" in e.columns for e in self.entries.values())

    @functools.cached_property
    def names_a_file(self) -> bool:
        """Whether some row's path names a file on disk (from the catalogue's folder, or
        absolute); True for a catalogue without rows. Read once a run: every file a catalogue
        holds asks it, and a catalogue naming none stats each of its rows."""
        return not self.entries or any(self._names_file(e) for e in self.entries.values())

    def _relative(self, real: Path) -> str | None:
        """``real`` relative to the CSV's folder ("/"-separated), or None when outside it."""
        path, root = str(real), self._root
        return path[len(root):].replace(os.sep, "/") if path.startswith(root) else None

    @functools.cached_property
    def _root(self) -> str:
        root = str(self.folder.resolve())
        return root if root.endswith(os.sep) else root + os.sep

    @functools.cached_property
    def _loose(self) -> dict[str, CatalogEntry]:
        return {_loose_path(path): entry for path, entry in self.entries.items()}

    @functools.cached_property
    def _stems(self) -> dict[str, CatalogEntry]:
        return {_stem(loose): entry for loose, entry in self._loose.items()}

    def unmatched(
        self, matched: set[str], near: dict[str, str], scope: list[Path]
    ) -> list[CatalogError]:
        """Rows whose path named no file (``matched``: the paths of rows that did), each with
        the file it probably meant (``near``: row path → file). Only rows inside the ingested
        ``scope`` (or with a near miss) count: ingesting one subfolder of a catalogued archive
        does not report the rows of the others."""
        roots = [p.resolve() for p in scope]
        folder = self.folder.resolve()

        def in_scope(path: str) -> bool:
            return _inside(Path(os.path.normpath(folder / path)), roots)  # ../arch/a.txt: arch

        out = []
        for path, entry in self.entries.items():
            if path in matched or (path not in near and not in_scope(path)):
                continue
            hint = (
                f"; did you mean {readable_path(near[path])!r}? (held back as not_public)"
                if path in near else ""
            )
            out.append(
                CatalogError(entry.line, path, f"row names no file in the catalogue's folder{hint}")
            )
        return out

    def outside(self, matched: set[str], scope: list[Path]) -> list[CatalogError]:
        """Rows naming a file outside the catalogue's folder and outside the folders ingested
        (``../../etc/passwd``, ``/etc/hostname``, a sibling folder's ``../two/a.txt``): not
        applied by this ingest, and said, as warnings (QA pass 34b: dropped unsaid; the
        review: as failures, an ingest of one subfolder of an archive exited 1)."""
        roots = [p.resolve() for p in scope]
        folder = self.folder.resolve()
        out = []
        for path, entry in self.entries.items():
            target = Path(os.path.normpath(folder / path))
            if path in matched or _inside(target, [folder, *roots]):
                continue
            out.append(CatalogError(
                entry.line, path,
                "row names a file outside the catalogue's folder and the folders ingested: "
                "not applied",
            ))  # fmt: skip
        return out


def _inside(target: Path, roots: list[Path]) -> bool:
    """Whether ``target`` is one of ``roots`` or inside one."""
    return any(target == r or target.is_relative_to(r) for r in roots)


def _relative_to(rel: str, catalog: Path) -> str:
    """A row's path as the catalogue's folder sees it: an absolute path inside that folder made
    relative (QA pass 8: /archive/d4.txt named no file, and its 不予公开 was not applied)."""
    if not rel.startswith("/"):
        return rel
    try:
        return Path(rel).resolve().relative_to(catalog.parent.resolve()).as_posix()
    except (ValueError, OSError):
        return rel  # outside the folder: Catalog.lookup finds the file by it


def _loose_path(path: str) -> str:
    """A path as typed loosely: full-width forms folded (NFKC), letter case and spaces dropped,
    in Simplified characters (QA pass 24c: a row typed 会议纪要 did not name 會議紀要.txt, and
    its 不予公开 file was published)."""
    return to_simplified("".join(unicodedata.normalize("NFKC", path).casefold().split()))


def _stem(loose: str) -> str:
    """A loose path without its file's extension."""
    head, _, name = loose.rpartition("/")
    base = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return f"{head}/{base}" if head else base


def normalise_path(path: str) -> str:
    """Catalog paths as users type them: backslashes, ``./``, Unicode composition forms."""
    path = unicodedata.normalize("NFC", path.strip().replace("\\", "/"))
    return PurePosixPath(path).as_posix().removeprefix("./") if path else ""


def parse_choice(name: str, value: str) -> str:
    """A cell of a choice field (分类, 有效性, 公开方式) → its canonical value, or ValueError.
    Read as the search filters read it (:func:`analyzers.choices.read_choice`), in either
    script: 政策法規 in a catalogue or an upload form was an unknown category (QA pass 14)."""
    choices = BY_NAME[name].choices or {}
    found = read_choice(name, value)
    if found is None:
        accepted = "/".join(dict.fromkeys(choices))
        raise ValueError(f"unknown {name} {value!r}; use one of {accepted}")
    return found


def parse_disclosure(value: str) -> str:
    """主动公开/依申请公开/不予公开/草稿 or public/on_request/not_public/draft → DISCLOSURES."""
    return parse_choice("disclosure", value)


def parse_validity(value: str) -> str:
    """有效/失效/废止/已废止 or valid/expired/repealed → VALIDITIES."""
    return parse_choice("validity", value)


EARLIEST_YEAR = 1900  # before the republic's first laws (1912); the corpus's oldest is 1930


def _parse_date_cell(value: str) -> dt.date:
    date = parse_date(value)
    if date is None:
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD or 2019年3月1日)")
    # 0001-01-01 and 9999-12-31 were taken (QA pass 8): a publication "in 9999" put the
    # timeliness report's calendar out of its range, and no document is from before 1900
    latest = dt.date.today().year + 1
    if not EARLIEST_YEAR <= date.year <= latest:
        raise ValueError(f"date out of range: {value!r} (a year from {EARLIEST_YEAR} to {latest})")
    return date


def _keywords(value: str) -> tuple[str, ...]:
    """主题词 as people list them: 、 too, the enumeration comma (QA pass 39a: 养老、医疗 was one
    keyword; a DOCX's own keywords property was already split at it)."""
    return tuple(k.strip() for k in re.split(r"[;；，,、]\s*", value) if k.strip())


def parse_cell(f: Field, value: str) -> object:
    """One catalogue cell as the value of field ``f`` (ValueError says what is wrong)."""
    if f.kind == "date":
        return _parse_date_cell(value)
    if f.kind == "list":
        return _keywords(value)
    if f.kind == "choice":
        return parse_choice(f.name, value)
    if f.name == "agency" and value.strip() and not names_an_agency(value):
        raise ValueError(f"{value.strip()[:40]!r} names no agency (it needs a letter, digit or "
                         "Han character)")  # fmt: skip
    if f.name == "agency":  # a list's separator left at an end (、测试厅: QA pass 49c)
        return value.strip().strip(_LIST_ENDS).strip()
    return value.strip()


_LIST_ENDS = "、，,;；"


def _rank(f: Field, column: str) -> int:
    """Which of several columns naming one field wins: the exact name, then aliases in order."""
    return f.columns.index(column) if column in f.columns else len(f.columns)


def _level_in(cell: str) -> str | None:
    """The disclosure level a cell names, if it names one (read as the level column is)."""
    try:
        return parse_disclosure(cell)
    except ValueError:
        return None


def _too_long(row: list[str], raw_header: list[str]) -> str:
    """What is wrong with a row holding a cell over :data:`MAX_CELL_CHARS`, naming the first
    such cell's column and length, or ""."""
    for i, cell in enumerate(row):
        if len(cell) > MAX_CELL_CHARS:
            column = raw_header[i] if i < len(raw_header) and raw_header[i] else f"#{i + 1}"
            return (f"column {column!r} holds {len(cell):,} characters, over the "
                    f"{MAX_CELL_CHARS:,} a catalogue cell may hold (a document's text pasted "
                    "in, or rows a quote swallowed?)")  # fmt: skip
    return ""


# Characters that mark a level without changing it: zero widths, and around it brackets,
# quotes and punctuation ([草稿], 不予公开。)
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff]")
_AROUND = " \t\r\n\u3000[]【】()（）「」『』<>《》〈〉\"'“”‘’.,;:!?。，；：！？、·…-—_*#/|｜"
# how a list cell's items may be written apart, beyond the catalogue's own ; and , (主题词 are
# often written 内部、草稿 or 草稿 内部)
_ITEMS = re.compile(r"[\s,，;；、/|｜。]+")
_BRACKETED = re.compile(r"[(\[（【〔][^)\]）】〕]*[)\]）】〕]")


def misplaced_level(name: str, value: str) -> str | None:
    """The disclosure level written in a field that is not the level's (a restricted one:
    ``public`` anywhere restricts nothing), or None. One rule for the catalogue CSV (such a row
    is held back) and the upload form (such an upload is refused): a 不予公开 typed under
    another field is a level nobody applied, and publishing at the default level would make
    public what someone meant to hold (QA pass 8, QA pass 13).

    A value is read as the level column would read it once zero widths, full-width letters
    and the brackets or punctuation around it are set aside (``草稿\u200b``, ``[草稿]``,
    ``不予公开。``, ``ｄｒａｆｔ``). A list field (主题词) is read item by item, split at any of
    the separators people write between items (``内部,草稿``, ``内部、草稿``, ``草稿 内部``, one
    per line: QA passes 14 and 15 found each published public). Only a value or item that
    *is* a level counts: a title or a keyword with 草稿 among other words is text. A column
    that is no catalogue field (备注, notes) is read as a list too, each item also without a
    note in brackets (``涉密，不予公开``, ``依申请公开（个人信息）``: QA pass 46c found them
    published): nothing in such a column is a title."""
    if name == "disclosure":
        return None
    f = BY_NAME.get(name)
    items = [value]
    notes = f is None and name not in ("path", *NOTED_COLUMNS)
    if notes or (f is not None and f.kind == "list"):
        items += [*_keywords(value), *_ITEMS.split(value)]
    if notes:
        items += [_BRACKETED.sub("", item) for item in items]
    for item in items:
        bare = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", item)).strip(_AROUND)
        level = _level_in(bare) if bare else None
        if level is not None and level != "public":
            return level
    return None


def _misread(row: list[str], raw_header: list[str], header: list[str], sep: str = ",") -> str:
    """Why a row's cells may not say what its columns mean (its level then unknown), or "".

    A comma missing or extra shifts every later cell: 不予公开 read as an 有效性 and the
    document published (QA pass 8), also where a trailing comma kept the count right, so a
    level named in any column but a level column is a level nobody applied (a misspelt 公开方式
    too). Two level columns that disagree decide nothing. A cell spanning lines may hold later
    rows whose quote closed further down. Trailing empty cells (spreadsheets add them) are no
    shift."""
    columns = len(raw_header)
    cells = len(row)
    while cells > columns and not row[cells - 1].strip():
        cells -= 1
    if cells != columns:
        what = "a comma" if sep == "," else "a separator"
        return f"the row has {cells} cells for {columns} columns ({what} missing or extra?)"
    levels = set()
    for column, name, cell in zip(raw_header, header, row, strict=False):
        if name == "disclosure":
            levels.add(_level_in(cell) or cell.strip())
        elif misplaced_level(name, cell) is not None:
            return f"column {column!r}, which is not the level's column, says {cell.strip()!r}"
    levels.discard("")
    if len(levels) > 1:
        return f"its level columns disagree ({' / '.join(sorted(map(str, levels)))})"
    if any("\n" in cell and sep in cell for cell in row):
        said = "commas" if sep == "," else f"its separator {sep!r}"
        return f"a cell runs over several lines holding {said} (a quote closed too late?)"
    return ""


def _level(entry: CatalogEntry) -> object:
    """The disclosure a row gives its document (None: the ingest's default level)."""
    return MOST_RESTRICTIVE if entry.held else entry.values.get("disclosure")


def _entry(
    path: Path, raw_header: list[str], header: list[str], row: list[str], rel: str, line: int
) -> tuple[CatalogEntry, list[CatalogError]]:
    """One row's entry and the problems of its cells."""
    values: dict[str, object] = {}
    ranks: dict[str, int] = {}
    errors: list[CatalogError] = []
    held = ""
    for column, name, cell in zip(raw_header, header, row, strict=False):
        f = BY_NAME.get(name)
        if f is None or f.origin != "catalog" or not cell.strip():
            continue
        if misplaced_level(name, cell) is not None:  # the row is held for it (_misread); a
            continue  # title "不予公开" is no title (QA pass 14): the text's own is used
        rank = _rank(f, column)
        if rank > ranks.get(name, 999):
            continue
        try:
            values[name] = parse_cell(f, cell)
            ranks[name] = rank
        except ValueError as exc:
            if name == "disclosure":
                held = f"{path.name} line {line}: unknown level {cell.strip()!r}"
                exc = ValueError(f"{exc}; the document is held as {MOST_RESTRICTIVE}")
            errors.append(CatalogError(line, rel, f"column {column}: {exc}"))
    columns = frozenset(n for n in header if n in BY_NAME and BY_NAME[n].origin == "catalog")
    return CatalogEntry(rel, line, values, held, columns), errors


def unreadable_catalog(path: Path, why: str) -> Catalog:
    """A catalogue none of whose rows could be read, and why: the files of its folder are held
    back (which it names cannot be told)."""
    return Catalog(path, {}, (CatalogError(1, "", why),), unreadable=why)


def load_catalog(path: Path, within: Sequence[Path] = (), max_bytes: int = 0) -> Catalog:
    """Read a catalog CSV (UTF-8 with or without BOM, or GB18030 from Excel), its columns
    separated by commas, tabs, semicolons or bars (the header's says which), title rows above
    its header skipped. Opened as :func:`ingest.confined.read_confined` opens a document:
    inside ``within`` when it is read, at most ``max_bytes`` (0: any size); a catalogue
    outside them is unreadable, never read."""
    try:
        text, _ = decode(read_confined(path, within, max_bytes))
    except ExtractionError as exc:  # no encoding reads it (a spreadsheet saved as .csv?)
        why = f"catalog is not a text file: {exc}"
        return unreadable_catalog(path, why)
    except FileTooLarge as exc:
        why = (
            f"catalog too large ({exc.size / 2**20:.1f} MB; this server reads at most "
            f"{max_bytes / 2**20:.1f} MB of it: ingest it with govsearch ingest --catalog)"
        )
        return unreadable_catalog(path, why)
    except RefusedFile as exc:
        why = f"catalog {exc}"
        return unreadable_catalog(path, why)
    # strict: a quote never closed is an error, not a cell running to the end of the file that
    # swallowed every later row and its level (QA pass 8: 不予公开 rows were published)
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a Mac's CR-only lines too
    layout = header_layout(text)
    above, sep = layout if layout is not None else (0, ",")
    if above:  # the title rows above the header: dropped, their lines still counted
        text = "".join(text.lstrip("\ufeff").splitlines(keepends=True)[above:])
    rows = csv.reader(io.StringIO(text), delimiter=sep, strict=True)
    # no cell can be longer than the text: the csv module's own limit is lifted while it reads
    # this one, and a cell over MAX_CELL_CHARS is reported with its line and column below (QA
    # pass 20: the module's "field larger than field limit" was explained as a quote never
    # closed, and the whole catalogue refused)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        raw_header = [h.strip().lstrip("\ufeff").strip() for h in next(rows, [])]
        body = list(rows)
    except csv.Error as exc:
        why = (
            f"catalog cannot be read past line {rows.line_num + above}: {exc} (a quote opened "
            "and never closed, or text after a closing quote?)"
        )
        return Catalog(path, {}, (CatalogError(rows.line_num + above, "", why),), unreadable=why)
    finally:
        csv.field_size_limit(limit)
    header = [column_of(h) for h in raw_header]
    if "path" not in header:
        why = f"catalog has no 'path' column (named {' or '.join(PATH_COLUMNS)})"
        return unreadable_catalog(path, why)
    path_col = header.index("path")
    entries: dict[str, CatalogEntry] = {}
    errors: list[CatalogError] = []
    unknown = [
        h for h, name in zip(raw_header, header, strict=True)
        if h and name not in ("path", *NOTED_COLUMNS)
        and (name not in BY_NAME or BY_NAME[name].origin != "catalog")
    ]  # fmt: skip
    for h in unknown:  # said, not silently passed over (a misspelt 公开方式 published rows);
        # a note, not a problem: each row naming a level there is held and a problem of its
        # own (QA pass 47b: a catalogue's provenance columns made every nightly run exit 1)
        errors.append(CatalogError(
            1, "", f"column {h!r} is no catalogue field: its cells are not applied (a level "
            "written there still holds its row)", note=True))  # fmt: skip
    end = 1 + above  # the line the previous row ended on
    for row in body:
        line = end + 1  # where this row starts (a quoted cell may run over several lines)
        end = line + sum(cell.count("\n") for cell in row)
        if not any(cell.strip() for cell in row):
            continue  # spreadsheets leave empty rows behind
        long = _too_long(row, raw_header)
        if long and path_col < len(row) and len(row[path_col]) > MAX_CELL_CHARS:
            errors.append(CatalogError(line, "", f"{long}: the row names no file it can apply to"))
            continue
        if long:  # never applied: the row's document is held (below), its cell ignored
            row = [cell if len(cell) <= MAX_CELL_CHARS else "" for cell in row]
        rel = _relative_to(normalise_path(row[path_col] if path_col < len(row) else ""), path)
        if not rel:
            errors.append(CatalogError(line, "", "empty path"))
            continue
        entry, problems = _entry(path, raw_header, header, row, rel, line)
        held = long or _misread(row, raw_header, header, sep)
        if held:
            why = entry.held or f"{path.name} line {line}: {held}"
            entry = dataclasses.replace(entry, held=why)
            problems.append(
                CatalogError(line, rel, f"{held}: the document is held as {MOST_RESTRICTIVE}")
            )
        first = entries.get(rel)
        if first is None:
            errors.extend(problems)
            entries[rel] = entry
            continue
        reason = f"duplicate path (first on line {first.line})"
        if _level(entry) is not None and _level(entry) != _level(first):
            # rows that disagree on who may see a document must not publish it by row order
            # (a later row with no level says nothing; one that names another level disagrees,
            # and one whose cells may be misread may: QA pass 12 found that one described as
            # giving another level when neither row named any)
            if entry.held:
                held = f"{path.name} line {line}, a second row for it, may be misread"
                reason += ", its cells may be misread (above)"
            else:
                held = f"{path.name} lines {first.line} and {line} give other disclosure levels"
                reason += " with another disclosure level"
            entries[rel] = dataclasses.replace(first, held=first.held or held)
            reason += f": the document is held as {MOST_RESTRICTIVE}"
        # its cells are reported like the first row's (QA pass 12: a bad date said nothing)
        errors.extend(problems)
        errors.append(CatalogError(line, rel, reason))
    return Catalog(path, entries, tuple(errors))
