"""Makers of real hostile files: PDFs written byte by byte, DOCX by python-docx, zip bombs.

They are generated rather than shipped so each test shows exactly what is in the file.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(lines: list[str], *, pages: int = 1, title: str = "") -> bytes:
    """A valid PDF whose every page shows ``lines`` (ASCII, Helvetica).

    All pages share one content stream and one font, so thousands of pages cost a few dozen
    bytes each: a file that is small on disk but slow to parse (the time-limit test).
    """
    ops = ["BT", "/F1 12 Tf", "14 TL", "50 780 Td"]
    for line in lines:
        ops.append(f"({_pdf_escape(line)}) Tj T*")
    ops.append("ET")
    content = "\n".join(ops).encode("latin-1")
    first_page = 5
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # pages tree, filled below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    kids = []
    for i in range(pages):
        kids.append(f"{first_page + i} 0 R")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
        )
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>".encode()
    info_ref = ""
    if title:
        objects.append(f"<< /Title ({_pdf_escape(title)}) >>".encode("latin-1"))
        info_ref = f" /Info {len(objects)} 0 R"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info_ref} >>\n"
    out.write(trailer.encode() + f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_docx(title: str, paragraphs: list[str], core_title: str = "") -> bytes:
    """A real Word document (python-docx) with a Title-style heading and body paragraphs."""
    from docx import Document

    doc = Document()
    if core_title:
        doc.core_properties.title = core_title
    doc.add_heading(title, level=0)
    for p in paragraphs:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def make_docx_bomb(inflated_mb: int = 8) -> bytes:
    """A DOCX (real document.xml) carrying a member of ``inflated_mb`` MB of zeros: ~1000:1."""
    base = make_docx("炸弹", ["这是一个压缩炸弹测试文件。"])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with dst.open("word/media/bomb.bin", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(inflated_mb):
                fh.write(chunk)
    return out.getvalue()


def make_png() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# -- files that attack the parsers (issue 10, part B) ---------------------------------------
QUADRATIC_TABLES = "<table><tr><td>索引号</td><td>发文字号" * 16000  # 16,000 nested tables
NESTED_STRONG = "<strong>字" * 32000  # 32,000 nested <strong> headings
NESTED_CHROME = '<div class="nav">字' * 16000  # 16,000 nested chrome blocks


def html_page(body: str) -> bytes:
    return ("<html><head><title>攻击</title></head><body>" + body + "</body></html>").encode()


def make_docx_paragraphs(count: int, text: str = "字") -> bytes:
    """A real DOCX whose body holds ``count`` tiny paragraphs (python-docx's base template)."""
    base = make_docx("段落", ["占位"])
    body = "".join(f"<w:p><w:r><w:t>{text}{i}</w:t></w:r></w:p>" for i in range(count))
    return _replace_member(base, "word/document.xml", _document_xml(base, body))


def _document_xml(base: bytes, body: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        xml = zf.read("word/document.xml").decode()
    start = xml.index("<w:body>") + len("<w:body>")
    return (xml[:start] + body + xml[xml.index("<w:sectPr", start):]).encode()


def _replace_member(base: bytes, name: str, payload: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, payload if info.filename == name else src.read(info))
    return out.getvalue()


def make_docx_lying_zip(inflated_mb: int = 64, claimed: int = 1000) -> bytes:
    """A DOCX whose ``word/document.xml`` (real XML, then ``inflated_mb`` MB of whitespace)
    is stated as ``claimed`` bytes in the ZIP's central directory (what ``infolist()`` reads):
    the directory check passes; ``zipfile.read()`` inflates it all before noticing."""
    base = make_docx("炸弹", ["这是一个压缩炸弹测试文件。"])
    out = io.BytesIO()
    name = "word/document.xml"
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst,
    ):
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info))
        with dst.open(name, "w", force_zip64=False) as fh:
            fh.write(zipfile.ZipFile(io.BytesIO(base)).read(name))
            chunk = b" " * (1 << 20)
            for _ in range(inflated_mb):
                fh.write(chunk)
    data = bytearray(out.getvalue())
    # patch the size fields of the member's central-directory entry (signature PK\1\2)
    key = name.encode()
    pos = data.rfind(key)
    entry = data.rfind(b"PK\x01\x02", 0, pos)
    struct.pack_into("<I", data, entry + 24, claimed)  # uncompressed size
    return bytes(data)


def make_pdf_stream_bomb(inflated_mb: int = 512) -> bytes:
    """A valid PDF whose one page's content stream is ``inflated_mb`` MB of spaces, deflated
    (~1000:1): small on disk, huge in the parser's memory."""
    raw = zlib.compressobj(9)
    parts = [raw.compress(b"BT /F1 12 Tf 50 780 Td (bomb) Tj ET\n")]
    chunk = b" " * (1 << 20)
    for _ in range(inflated_mb):
        parts.append(raw.compress(chunk))
    parts.append(raw.flush())
    content = b"".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
        + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
