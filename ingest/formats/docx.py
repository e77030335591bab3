"""Word (.docx) documents through python-docx.

The body is read in document order (paragraphs and tables interleaved); table rows become
lines with tab-separated cells. Headers and footers are *not* mixed into the body: they repeat
on every page and carry metadata hints (the issuing agency in the header, the 文号 in the
footer), so they go into ``properties``. A gov.cn metadata table (索引号/发文字号…) is catalog
data and goes into ``properties`` too.

A .docx is a ZIP, so before python-docx inflates anything we check the ZIP directory (total
uncompressed size, per-member compression ratio, member count), then inflate every member in
small chunks counting the bytes that actually come out: a ZIP whose directory understates its
members (1,000 bytes claimed, gigabytes inflated) is refused at the first byte past what it
claims, never inflated whole.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from ingest.errors import ExtractionError, UnsafeFile, UnsupportedFormat
from ingest.formats.base import Extracted
from ingest.formats.registry import Format, register
from ingest.labels import LABELS

_SPACES = re.compile(r"[ \t\xa0]+")


@dataclass(frozen=True)
class ZipLimits:
    """Refuse archives beyond these limits (checked from the ZIP directory, before inflating)."""

    max_total_uncompressed: int = 256 * 1024 * 1024
    max_ratio: float = 200.0
    ratio_min_size: int = 1024 * 1024  # tiny members compress absurdly well; ignore them
    max_members: int = 10_000


LIMITS = ZipLimits()


def sniff(data: bytes) -> bool:
    """A ZIP (``PK\\x03\\x04``) whose entries include ``word/document.xml``."""
    return data.startswith(b"PK\x03\x04") and b"word/document.xml" in data


# XML this large that fails to parse most likely ran out of the memory limit (a real DOCX of a
# 300-page report inflates to a few MB)
LARGE_XML_BYTES = 64 * 2**20


def check_zip(data: bytes, limits: ZipLimits = LIMITS) -> zipfile.ZipFile:
    """Open the ZIP and vet its directory; raises a clear error for non-ZIP, truncated, bombs."""
    if not data.startswith(b"PK"):
        raise ExtractionError("not a DOCX: not a ZIP/OOXML container", reason="not_docx")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ExtractionError(
            f"truncated or corrupt DOCX: damaged ZIP ({exc})", reason="corrupt_docx"
        ) from None
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise UnsafeFile(f"refused: ZIP has {len(infos)} members (limit {limits.max_members})")
    total = sum(i.file_size for i in infos)
    if total > limits.max_total_uncompressed:
        raise UnsafeFile(
            f"refused: ZIP would inflate to {total / 2**20:.0f} MB "
            f"(limit {limits.max_total_uncompressed / 2**20:.0f} MB); possible zip bomb"
        )
    for info in infos:
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size >= limits.ratio_min_size and ratio > limits.max_ratio:
            raise UnsafeFile(
                f"refused: ZIP member {info.filename} has compression ratio {ratio:.0f}:1 "
                f"(limit {limits.max_ratio:.0f}:1); possible zip bomb"
            )
    if "word/document.xml" not in zf.namelist():
        raise UnsupportedFormat("ZIP archive without word/document.xml: not a Word document")
    _inflate_counted(zf, infos, limits)
    return zf


def _inflate_counted(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Inflate every member in 64 KB steps and check what comes out against the directory.

    ``zipfile`` stops a member at the size its directory entry states and then fails the CRC,
    but ``read()`` of the whole member hands zlib the full output size at once: 1.9 GB for a
    member that claims 1,000 bytes. Reading in small steps bounds the memory to one step,
    and the count bounds the time to what the directory admits.
    """
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 16):
                    total += len(chunk)
                    if total > limits.max_total_uncompressed:
                        raise UnsafeFile(
                            f"refused: ZIP inflates to more than "
                            f"{limits.max_total_uncompressed / 2**20:.0f} MB; possible zip bomb"
                        )
        except zipfile.BadZipFile as exc:
            raise UnsafeFile(
                f"refused: ZIP member {info.filename} does not inflate to what its directory "
                f"entry states ({exc}); damaged file or zip bomb"
            ) from None
        except (NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
            raise ExtractionError(f"damaged DOCX: cannot inflate {info.filename} ({exc})") from None


def extract(data: bytes, filename: str) -> Extracted:
    """Body text, title and properties (core properties, header, footer, metadata table)."""
    from docx import Document

    zf = check_zip(data)
    inflated = sum(i.file_size for i in zf.infolist())
    zf.close()
    try:
        doc = Document(io.BytesIO(data))
        return _read(doc)
    except MemoryError:
        raise  # the bounded child reports the memory limit by name
    except ExtractionError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parse failure is a property of the file
        if inflated > LARGE_XML_BYTES:
            # lxml out of memory says "unknown error", opening the document or reading it:
            # the size is the likelier cause (QA pass 30b: XML inflating to 262 MB was called
            # damaged; QA pass 51b: 154 MB, failing after it opened)
            raise UnsafeFile(
                f"refused: DOCX whose XML inflates to {inflated / 2**20:.0f} MB could not be "
                f"parsed: damaged, or too large to parse within the memory limit ({exc})"
            ) from None
        raise ExtractionError(f"damaged DOCX, cannot be parsed ({exc})") from None


def _read(doc: Any) -> Extracted:
    """The text, title and properties of an opened document."""
    from docx.table import Table

    props = _core_properties(doc)
    style_names = _style_names(doc)
    lines: list[str] = []
    heading = ""
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            rows = _table_rows(block)
            meta = _metadata_table(rows)
            if meta:
                for key, value in meta.items():
                    props.setdefault(key, value)
            else:
                lines.extend("\t".join(cells) for cells in rows if any(cells))
            continue
        text = block.text.strip()
        if not text:
            continue
        style = style_names.get(block._p.style or "", "") if not heading else ""
        if not heading and (style == "Title" or style.startswith("Heading")):
            heading = text
        lines.append(text)
    header, footer = _headers_footers(doc)
    if header:
        props["header"] = header
    if footer:
        props["footer"] = footer
    text = "\n".join(lines)
    if not text.strip():
        raise ExtractionError("DOCX contains no text")
    return Extracted(text=text, title=props.get("title") or heading, properties=props)


def _style_names(doc: object) -> dict[str, str]:
    """Paragraph style id → name, read once.

    ``paragraph.style`` looks the style up anew for every paragraph (and scans every style for
    the default when the paragraph has none): ~0.75 ms each, so a DOCX of 54,000 tiny
    paragraphs took 20 s. Reading the ``w:pStyle`` id and this table costs a dict lookup.
    """
    names: dict[str, str] = {}
    for style in doc.styles:  # type: ignore[attr-defined]
        if style.style_id and style.name:
            names[style.style_id] = style.name
    return names


def _core_properties(doc: object) -> dict[str, str]:
    cp = doc.core_properties  # type: ignore[attr-defined]
    props: dict[str, str] = {}
    for key in ("title", "author", "subject", "keywords", "category", "comments"):
        value = (getattr(cp, key, "") or "").strip()
        if value:
            props[key] = value
    for key in ("created", "modified"):
        value = getattr(cp, key, None)
        if value is not None:
            props[key] = value.isoformat()
    return props


def _table_rows(table: object) -> list[list[str]]:
    """Cell texts per row; a merged cell (repeated by python-docx) is kept once."""
    rows = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        last = None
        for cell in row.cells:
            if cell._tc is last:
                continue
            last = cell._tc
            cells.append(_SPACES.sub(" ", cell.text.replace("\n", " ")).strip())
        rows.append(cells)
    return rows


def _metadata_table(rows: list[list[str]]) -> dict[str, str]:
    """gov.cn metadata table → {key: value}, keyed as :data:`ingest.labels.LABELS` keys the
    labels of either script (the one table of them: QA pass 48a found this reader's own copy
    lacking 發佈日期, which the HTML reader's had); empty if the table is not one."""
    found: dict[str, str] = {}
    for cells in rows:
        for i in range(0, len(cells) - 1, 2):
            key = LABELS.get(re.sub(r"[\s：:]", "", cells[i]))
            if key is not None and cells[i + 1]:
                found[key] = cells[i + 1]
    return found if len(found) >= 2 else {}


def _headers_footers(doc: object) -> tuple[str, str]:
    headers: list[str] = []
    footers: list[str] = []
    for section in doc.sections:  # type: ignore[attr-defined]
        for part, out in (
            (section.header, headers),
            (section.first_page_header, headers),
            (section.even_page_header, headers),
            (section.footer, footers),
            (section.first_page_footer, footers),
            (section.even_page_footer, footers),
        ):
            if part.is_linked_to_previous and out:
                continue
            for para in part.paragraphs:
                text = re.sub(r"[\s—\-–]+$", "", para.text.strip()).strip()
                if text and text not in out:
                    out.append(text)
    return "\n".join(headers), "\n".join(footers)


register(
    Format(name="docx", extensions=("docx", "docm"), extract=extract, sniff=sniff, priority=10)
)
