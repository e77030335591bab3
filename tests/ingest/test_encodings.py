"""TXT decoding: every legacy encoding of files/txt, and short GBK/Big5 snippets."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.errors import ExtractionError
from ingest.formats import extract
from ingest.formats.encoding import decode


def test_every_txt_file_decodes_exactly(corpus: Path, files_manifest: list[dict[str, str]]) -> None:
    rows = [r for r in files_manifest if r["path"].startswith("files/txt/")]
    assert len(rows) == 20
    for row in rows:
        fmt, ex = extract((corpus / row["path"]).read_bytes(), row["path"])
        source = (corpus / row["source_doc"]).read_text(encoding="utf-8")
        assert fmt == "txt"
        assert "\r" not in ex.text, row["path"]
        assert ex.text.strip() == source.strip(), f"{row['path']} ({row['encoding']})"


def test_short_snippets_gbk_vs_big5(corpus: Path, docs_manifest: dict[str, dict[str, str]]) -> None:
    """Statistical detectors confuse GBK and Big5 on short text; the cascade must not."""
    paths = sorted(docs_manifest)[::40]
    tried = 0
    for path in paths:
        snippet = (corpus / path).read_text(encoding="utf-8")[:30]
        for enc in ("gbk", "big5"):
            try:
                data = snippet.encode(enc)
            except UnicodeEncodeError:
                continue
            tried += 1
            assert decode(data)[0] == snippet, (path, enc)
    assert tried > 100


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + "国务院令".encode(), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "国务院令".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "国务院令".encode("utf-16-be"), "utf-16-be"),
        ("第1条 国务院令\r\n".encode("utf-16-le") * 5, "utf-16-le"),
        ("第一条 为了规范管理".encode("gb18030"), "gb18030"),
        ("第一條 為了規範管理".encode("big5"), "big5hkscs"),
    ],
)
def test_decode_cascade(data: bytes, expected: str) -> None:
    assert decode(data)[1] == expected


def test_crlf_normalised_and_empty_refused() -> None:
    _, ex = extract("第一条\r\n第二条\r第三条".encode(), "a.txt")
    assert ex.text == "第一条\n第二条\n第三条"
    with pytest.raises(ExtractionError, match="empty file"):
        extract(b"", "a.txt")
    with pytest.raises(ExtractionError, match="whitespace"):
        extract(b"  \r\n ", "a.txt")
