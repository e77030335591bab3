"""The house's floors: no package imports one above it, and the field table drives the rest."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from model import fields
from model.document import CatalogMeta, Document, StoredDocument, from_stored, to_stored
from search_api.models import DocumentMeta

ROOT = Path(__file__).resolve().parents[1]
FLOORS = {
    "model": 0,
    "analyzers": 1,
    "ingest": 2,
    "search_index": 3,
    "pipeline": 4,
    "duplicates": 4,
    "reports": 4,
    "search_api": 5,
    "web": 6,
    "govsearch": 7,
}


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
    return out


def test_imports_run_down_the_floors_only() -> None:
    wrong = []
    for package, floor in FLOORS.items():
        for path in (ROOT / package).rglob("*.py"):
            for top in _imports(path) & FLOORS.keys():
                if top != package and FLOORS[top] >= floor:
                    wrong.append(f"{path.relative_to(ROOT)} imports {top}")
    assert wrong == []


def test_every_field_is_declared_once_and_reaches_every_shape() -> None:
    shown = [f.name for f in fields.FIELDS if f.shown]
    assert set(shown) <= set(DocumentMeta.model_fields)
    catalog = {f.name for f in fields.CATALOG_FIELDS}
    assert {f.name for f in dataclasses.fields(CatalogMeta)} == catalog
    assert {f.name for f in fields.FILE_FIELDS} <= {f.name for f in dataclasses.fields(Document)}
    assert {f.name for f in fields.FIELDS} <= {f.name for f in dataclasses.fields(StoredDocument)}


_NEW_FIELD_CHECK = """
import datetime as dt
from model import fields
from model.document import CatalogMeta, Document, from_stored, to_stored
from search_api.models import DocumentMeta
from web.views import meta_rows
assert fields.CATALOG_COLUMNS["签发人"] == "signer"
meta = CatalogMeta(title="t", signer="张三", publish_date=dt.date(2020, 1, 2))
doc = Document(id="a" * 16, path="p.txt", text="x", meta=meta, format="txt")
stored = from_stored(to_stored(doc, "src"), "x")
assert stored.signer == "张三" and stored.metadata()["signer"] == "张三"
assert "signer" in DocumentMeta.model_fields
assert ("签发人", "张三") in meta_rows(stored)
# a PATCH writes it, and clears it with an empty value (QA pass 48a: refused as an extra input)
from search_api.admin import CLEARABLE
from search_api.models import DisclosureChange
assert DisclosureChange(signer="李四").signer == "李四" and "signer" in CLEARABLE
print("ok")
"""


def test_a_new_stored_and_shown_field_needs_only_its_row(tmp_path: Path) -> None:
    """A row added to the table (in a copy of ``model/``, nothing else changed) reaches the
    catalogue columns, the stored round trip, the API schema, the document page and PATCH."""
    shutil.copytree(ROOT / "model", tmp_path / "model")
    table = tmp_path / "model" / "fields.py"
    source = table.read_text(encoding="utf-8")
    anchor = '    Field("title", "text", "标题", aliases=("標題",)),\n'
    assert anchor in source
    row = '    Field("signer", "text", "签发人", aliases=("簽發人",)),\n'
    table.write_text(source.replace(anchor, anchor + row), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    out = subprocess.run(
        [sys.executable, "-c", _NEW_FIELD_CHECK], env=env, capture_output=True, text=True,
        cwd=tmp_path, timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"


def test_stored_form_round_trip_and_older_indexes() -> None:
    meta = CatalogMeta(title="标题", written_date=dt.date(2019, 3, 1), keywords=("甲", "乙"))
    doc = Document(id="b" * 16, path="a/b.txt", text="正文", meta=meta, format="txt", size=6)
    stored = to_stored(doc, "/data/a")
    back = from_stored(stored, "正文")
    assert (back.title, back.written_date, back.date, back.keywords) == (
        "标题", "2019-03-01", "2019-03-01", ("甲", "乙"),
    )  # fmt: skip
    older = {"id": "c" * 16, "path": "x.txt", "title": "旧"}  # an index from before a field
    assert from_stored(older, "").validity == "valid"
