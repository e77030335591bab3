"""TXT decoding: every legacy encoding of files/txt, and short GBK/Big5 snippets."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ingest.errors import ExtractionError
from ingest.formats import extract
from ingest.formats.encoding import decode
from ingest.metadata import derive_meta


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


@pytest.mark.parametrize(
    "text",
    [
        "Politique de confidentialité. Le résumé des règles générales à l'été, où ça? Déjà vu.",
        "Café crème",
        "Ärger über Öl. Straße.",
        "Informe anual de transparencia. Año 2023: información pública «gestión» — atención.",
    ],
)
def test_a_latin1_text_reads_as_written(text: str) -> None:
    """QA pass 11: charset-normalizer read short Latin-1 files as cp1257 (à l'été → ą l'été),
    cp1006 or UTF-16, and they were ingested garbled."""
    assert decode(text.encode("cp1252")) == (text, "cp1252")  # Latin-1, and — “ ” € too
    _, ex = extract(text.encode("cp1252"), "notice.txt")
    assert ex.text == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [("Привет, как дела? Это тест.", "cp1251"), ("Zażółć gęślą jaźń", "cp1250")],
)
def test_other_single_byte_scripts_are_not_taken_for_latin1(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding)) == (text, encoding)


def test_crlf_normalised_and_empty_refused() -> None:
    _, ex = extract("第一条\r\n第二条\r第三条".encode(), "a.txt")
    assert ex.text == "第一条\n第二条\n第三条"
    with pytest.raises(ExtractionError, match="empty file"):
        extract(b"", "a.txt")
    with pytest.raises(ExtractionError, match="whitespace"):
        extract(b"  \r\n ", "a.txt")


# -- bytes that no encoding decodes strictly (QA pass 2, item 4) ---------------------------
NOTE = "附注：本文件由某单位转发。\n"


def test_gb18030_text_with_a_utf8_line_is_read_as_written(corpus: Path) -> None:
    """govcn_048 in GB18030 with a UTF-8 line appended was read as UTF-8 with replacement
    characters and published with a garbage title; now each part is read in its encoding."""
    source = (corpus / "docs/govcn_policy/govcn_048.txt").read_text(encoding="utf-8")
    data = source.encode("gb18030") + NOTE.encode("utf-8")
    text, encoding = decode(data)
    assert text == source + NOTE
    assert encoding == "gb18030, 1 line utf-8"
    fmt, ex = extract(data, "mixed.txt")
    meta = derive_meta(ex.text, ex.properties, title=ex.title)
    assert meta.title.startswith("国务院办公厅关于湖北省在温家宝总理考察工作时")
    assert meta.doc_number == "国办函〔2004〕25号"
    # the other way round: a UTF-8 file with one GB18030 line is read as UTF-8
    text, encoding = decode(source.encode("utf-8") + NOTE.encode("gb18030"))
    assert (text, encoding) == (source + NOTE, "utf-8, 1 line gb18030")


def test_a_few_damaged_bytes_cost_only_their_characters(corpus: Path) -> None:
    source = (corpus / "docs/govcn_policy/govcn_048.txt").read_text(encoding="utf-8")
    data = source.encode("gb18030")
    cut = data.index("温家宝总理率".encode("gb18030")) + 1  # the second byte of 温
    text, encoding = decode(data[:cut] + b"\xff" + data[cut + 1 :])  # overwritten
    assert encoding == "gb18030 (with replacement characters)"
    assert text == source.replace("温家宝总理率", "\ufffd\ufffd家宝总理率")


def test_bytes_that_are_not_text_in_any_encoding_are_refused(corpus: Path) -> None:
    """Compressed bytes named .txt (the middle of a real DOCX, past its ZIP header) used to be
    published as U+FFFD soup; they are refused with the share that nothing could read."""
    data = (corpus / "files/docx/doc_01.docx").read_bytes()[2000:22000].replace(b"\x00", b" ")
    with pytest.raises(ExtractionError, match=r"not readable text: \d+% of its characters"):
        decode(data)
    with pytest.raises(ExtractionError, match="not readable text"):
        extract(data, "junk.txt")


@pytest.mark.parametrize("codec", ["latin-1", "sloppy-windows-1252"])
def test_utf8_once_read_as_latin1_is_read_again_and_said(corpus: Path, codec: str) -> None:
    """QA pass 33b: a notice saved as UTF-8 once opened as Latin-1 and saved again was
    uploaded as 关 → å…³ (title éæ¾…), without a word; it is read again, and the report says
    so. A real corpus text, mangled the way a text editor mangles it."""
    import ftfy.bad_codecs  # noqa: F401  (Windows-1252 as Windows reads it: every byte)

    source = (corpus / "docs/govcn_policy/govcn_002.txt").read_text(encoding="utf-8")
    mangled = source.encode("utf-8").decode(codec).encode("utf-8")
    fmt, ex = extract(mangled, "notice.txt")
    assert fmt == "txt" and ex.properties["repaired"], ex.properties
    assert ex.text.splitlines()[0] == source.splitlines()[0]
    head = b"<head><style>" + b"body { margin: 0; padding: 0 }\n" * 200 + b"</style></head>"
    html = b"<html>" + head + b"<body><h1>" + mangled + b"</h1></body></html>"
    _, page = extract(html, "notice.html")
    assert page.properties["repaired"] and source.splitlines()[0] in page.text


@pytest.mark.parametrize(
    "text", ["Café résumé naïve à la carte, élève, garçon, déjà vu, crème brûlée", "中文正文，Café"]
)
def test_accents_and_chinese_are_left_as_they_are(text: str) -> None:
    _, ex = extract(text.encode("utf-8"), "a.txt")
    assert ex.text == text and "repaired" not in ex.properties
