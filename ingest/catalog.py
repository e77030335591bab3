"""The catalog sidecar: a CSV that states catalog fields for files, overriding extraction.

Archives keep their 政府信息公开目录 in spreadsheets; this lets them feed it in. Columns follow
``manifest.csv`` (``path,title,category,agency,doc_number,date,script``) plus ``index_no``,
``validity``, ``disclosure``, ``written_date``, ``publish_date`` and ``keywords`` (separated by
``;`` or ``，``); the Chinese column names (标题, 文号, 发布机构, 分类, 成文日期, 发布日期, 索引号,
有效性, 公开方式, 关键词) are accepted too. ``path`` is relative to the CSV's folder. Only
non-empty cells override. A bad cell never stops an ingest: it is reported as a
``CatalogError`` with its line number and ignored, and the rest of the row still applies.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ingest.dates import parse_date
from ingest.document import CATEGORIES, CatalogMeta
from ingest.formats.encoding import decode

DISCLOSURE_VALUES: dict[str, str] = {
    "主动公开": "public", "主動公開": "public", "public": "public",
    "依申请公开": "on_request", "依申請公開": "on_request", "on_request": "on_request",
    "不予公开": "not_public", "不予公開": "not_public", "not_public": "not_public",
    "草稿": "draft", "draft": "draft",
}  # fmt: skip
VALIDITY_VALUES: dict[str, str] = {
    "有效": "valid", "现行有效": "valid", "現行有效": "valid", "valid": "valid",
    "失效": "expired", "已失效": "expired", "expired": "expired",
    "废止": "repealed", "已废止": "repealed", "廢止": "repealed", "已廢止": "repealed",
    "repealed": "repealed",
}  # fmt: skip
_ALIASES: dict[str, str] = {
    "路径": "path", "文件": "path", "标题": "title", "標題": "title", "分类": "category",
    "分類": "category", "发布机构": "agency", "發布機構": "agency", "发文机关": "agency",
    "文号": "doc_number", "文號": "doc_number", "发文字号": "doc_number", "日期": "date",
    "成文日期": "written_date", "发布日期": "publish_date", "發布日期": "publish_date",
    "索引号": "index_no", "索引號": "index_no", "有效性": "validity", "公开方式": "disclosure",
    "公開方式": "disclosure", "关键词": "keywords", "關鍵詞": "keywords", "主题词": "keywords",
}  # fmt: skip


@dataclass(frozen=True)
class CatalogError:
    """One problem in the catalog file: where (line, path cell) and what."""

    line: int
    path: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" ({self.path})" if self.path else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class CatalogEntry:
    """The valid, non-empty cells of one row, as CatalogMeta field values."""

    path: str
    line: int
    values: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    def apply(self, meta: CatalogMeta) -> CatalogMeta:
        """``meta`` with this row's values in place of the extracted ones."""
        return dataclasses.replace(meta, **self.values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Catalog:
    """A loaded catalog: entries by normalised relative path, plus the per-row errors."""

    source: Path
    entries: dict[str, CatalogEntry]
    errors: tuple[CatalogError, ...] = ()

    @property
    def folder(self) -> Path:
        return self.source.parent

    def lookup(self, file: Path) -> CatalogEntry | None:
        """The entry for a file on disk (matched by its path relative to the CSV's folder)."""
        try:
            rel = file.resolve().relative_to(self.folder.resolve())
        except ValueError:
            return None
        return self.entries.get(normalise_path(rel.as_posix()))


def normalise_path(path: str) -> str:
    """Catalog paths as users type them: backslashes, ``./``, Unicode composition forms."""
    path = unicodedata.normalize("NFC", path.strip().replace("\\", "/"))
    return PurePosixPath(path).as_posix().removeprefix("./") if path else ""


def parse_disclosure(value: str) -> str:
    """主动公开/依申请公开/不予公开/草稿 or public/on_request/not_public/draft → DISCLOSURES."""
    key = value.strip()
    found = DISCLOSURE_VALUES.get(key) or DISCLOSURE_VALUES.get(key.lower())
    if found is None:
        raise ValueError(
            f"unknown disclosure {value!r}; use 主动公开/依申请公开/不予公开/草稿 "
            "or public/on_request/not_public/draft"
        )
    return found


def parse_validity(value: str) -> str:
    """有效/失效/废止/已废止 or valid/expired/repealed → VALIDITIES."""
    key = value.strip()
    found = VALIDITY_VALUES.get(key) or VALIDITY_VALUES.get(key.lower())
    if found is None:
        raise ValueError(
            f"unknown validity {value!r}; use 有效/失效/废止/已废止 or valid/expired/repealed"
        )
    return found


def _parse_date_cell(value: str) -> dt.date:
    date = parse_date(value)
    if date is None:
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD or 2019年3月1日)")
    return date


def _parse_category(value: str) -> str:
    if value not in CATEGORIES:
        raise ValueError(f"unknown category {value!r}; use one of {'/'.join(CATEGORIES)}")
    return value


_PARSERS = {
    "title": ("title", str.strip),
    "agency": ("agency", str.strip),
    "doc_number": ("doc_number", str.strip),
    "index_no": ("index_no", str.strip),
    "category": ("category", _parse_category),
    "validity": ("validity", parse_validity),
    "disclosure": ("disclosure", parse_disclosure),
    "date": ("publish_date", _parse_date_cell),
    "publish_date": ("publish_date", _parse_date_cell),
    "written_date": ("written_date", _parse_date_cell),
    "keywords": ("keywords", lambda v: tuple(k for k in re.split(r"[;；，,]\s*", v) if k.strip())),
}


def load_catalog(path: Path) -> Catalog:
    """Read a catalog CSV (UTF-8 with or without BOM, or GB18030 from Excel)."""
    text, _ = decode(path.read_bytes())
    reader = csv.DictReader(io.StringIO(text))
    header = [_ALIASES.get(h.strip(), h.strip().lower()) for h in reader.fieldnames or []]
    if "path" not in header:
        return Catalog(path, {}, (CatalogError(1, "", "catalog has no 'path' column"),))
    reader.fieldnames = header
    entries: dict[str, CatalogEntry] = {}
    errors: list[CatalogError] = []
    for row in reader:
        line = reader.line_num
        if not any((cell or "").strip() for cell in row.values() if isinstance(cell, str)):
            continue  # spreadsheets leave empty rows behind
        rel = normalise_path(row.get("path") or "")
        if not rel:
            errors.append(CatalogError(line, "", "empty path"))
            continue
        if rel in entries:
            first = entries[rel].line
            errors.append(CatalogError(line, rel, f"duplicate path (first on line {first})"))
            continue
        values: dict[str, object] = {}
        for column, cell in row.items():
            if column not in _PARSERS or cell is None or not str(cell).strip():
                continue
            name, parse = _PARSERS[column]
            if column == "date" and values.get("publish_date"):
                continue
            try:
                values[name] = parse(str(cell).strip())
            except ValueError as exc:
                errors.append(CatalogError(line, rel, f"column {column}: {exc}"))
        entries[rel] = CatalogEntry(rel, line, values)
    return Catalog(path, entries, tuple(errors))
