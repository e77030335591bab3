"""Access to the real test corpus (../shared/corpus beside the repository)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import shutil
from pathlib import Path

import pytest

from model.document import CatalogMeta, Document

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def require_corpus() -> Path:
    if not (CORPUS / "manifest.csv").exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS


@functools.cache
def manifest() -> dict[str, dict[str, str]]:
    with open(require_corpus() / "manifest.csv", encoding="utf-8") as fh:
        return {row["path"]: row for row in csv.DictReader(fh)}


def corpus_document(path: str, **meta_overrides: object) -> Document:
    """A Document for ``docs/…`` built from the corpus text and its manifest row."""
    row = manifest()[path]
    text = (CORPUS / path).read_text(encoding="utf-8")
    date = dt.date.fromisoformat(row["date"]) if row["date"] else None
    meta = CatalogMeta(
        title=row["title"],
        doc_number=row["doc_number"],
        agency=row["agency"],
        category=row["category"],
        publish_date=date,
    )
    if meta_overrides:
        meta = CatalogMeta(**{**meta.__dict__, **meta_overrides})
    return Document(
        id=hashlib.sha1(path.encode()).hexdigest()[:16],
        path=path,
        text=text,
        meta=meta,
        format="txt",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        size=len(text.encode()),
    )


def sample_paths(n: int, seed: int = 7) -> list[str]:
    """A deterministic spread over all sources (every k-th manifest row), small docs first."""
    rows = sorted(manifest().values(), key=lambda r: r["path"])
    small = [r for r in rows if (CORPUS / r["path"]).stat().st_size < 60_000]
    step = max(1, len(small) // n)
    return [r["path"] for r in small[seed % step :: step][:n]]


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def docno_variants(number: str) -> list[str] | None:
    """Every written form of a normalised 〔year〕 文号 the engine must match, or None."""
    import re

    m = re.fullmatch(r"(.+?)〔(\d{4})〕(\d+)号", number)
    if not m:
        return None
    issuer, year, serial = m.groups()
    return [
        f"{issuer}〔{year}〕{serial}号",
        f"{issuer}[{year}]{serial}号",
        f"{issuer}({year}){serial}号",
        f"{issuer}（{year}）{serial}号",
        f"{issuer}〔{year}〕{serial}号".translate(_FULL_WIDTH),
        f"{issuer}{year}年{serial}号",
        f"{issuer}{year}{serial}号",
        f"{issuer} [{year}] {serial}号",  # spaces typed between the parts
        f"{issuer} 〔{year}〕 {serial} 号",
    ]


def loose_docno_variants(number: str) -> list[str] | None:
    """Forms of a normalised 〔year〕 文号 that no document prints but people type: the 号 left
    off, the year in two digits, in Chinese numerals with 〇 or 零; None for another form."""
    import re

    m = re.fullmatch(r"(.+?)〔(\d{4})〕(\d+)号", number)
    if not m:
        return None
    issuer, year, serial = m.groups()
    ling = year.translate(str.maketrans("0123456789", "〇一二三四五六七八九"))
    zero = ling.replace("〇", "零")
    return [
        f"{issuer}〔{year}〕{serial}",
        f"{issuer}({year}){serial}",
        f"{issuer}{year[2:]}年{serial}号",
        f"{issuer}〔{year[2:]}〕{serial}号",
        f"{issuer}〔{ling}〕{serial}号",
        f"{issuer}〔{zero}〕{serial}号",
        f"{issuer}{ling}年{serial}号",
    ]


# 契税法 第十六条 repeals 契税暂行条例; 民法典 第一千二百六十条, 婚姻法 (and with it its 解释)
REPEAL_LAWS = {
    "qishuifa.txt": ("docs/lawrefbook/jingjifa/lrb_02573.txt", "2020-08-11"),
    "zanxing.txt": ("docs/lawrefbook/xingzheng_fagui/lrb_03063.txt", "2019-03-02"),
    "jieshi.txt": ("docs/lawrefbook/sifa_jieshi/lrb_02332.txt", "2001-12-24"),
    "minfadian.txt": ("docs/lawrefbook/minfadian/lrb_02485.txt", "2020-05-28"),
}


def catalogued_laws(
    tmp_path: Path, laws: dict[str, tuple[str, str]], level: dict[str, str] | None = None
) -> tuple[Path, Path]:
    """Corpus files copied into ``tmp_path/laws`` under the names given, and a catalogue beside
    that folder giving each its manifest title, the date given and 主动公开 (or ``level``'s):
    (folder, catalogue). Written again with other levels, the same call re-decides them."""
    folder = tmp_path / "laws"
    folder.mkdir(exist_ok=True)
    lines = ["path,标题,成文日期,公开方式"]
    for name, (path, day) in laws.items():
        shutil.copy(require_corpus() / path, folder / name)
        title = manifest()[path]["title"]
        lines.append(f"laws/{name},{title},{day},{(level or {}).get(name, '主动公开')}")
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, catalog
