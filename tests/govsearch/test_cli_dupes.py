"""``govsearch dupcheck`` and ``govsearch dupes`` on a real embedded index of corpus documents."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re

import pytest
from click.testing import CliRunner

from govsearch.cli import main
from search_index.embedded import EmbeddedIndex
from tests.corpus import CORPUS, corpus_document, require_corpus
from tests.search_index.dup_support import CANARY, GOVCN, HIDDEN, date_changed, documents, load


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    require_corpus()
    data = tmp_path_factory.mktemp("cli")
    b = EmbeddedIndex(data)
    load(b, documents())
    b.close()
    return data


def _run(data_dir, *args: str):
    env = {"GOVSEARCH_BACKEND": "embedded", "GOVSEARCH_DATA_DIR": str(data_dir)}
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], env=env)


def test_dupcheck_reports_the_date_change_and_exits_1(data_dir, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(date_changed(corpus_document(GOVCN).text), encoding="utf-8")
    res = _run(data_dir, "dupcheck", str(draft))
    assert res.exit_code == 1, res.output
    assert GOVCN in res.output and "near_copy" in res.output
    assert "date: 2019年1月22日 → 2020年1月22日" in res.output
    res = _run(data_dir, "dupcheck", "--json", str(draft))
    body = json.loads(res.output.splitlines()[0])
    assert body["candidates"][0]["diff"]["facts"] == [
        {"kind": "date", "draft": "2020年1月22日", "existing": "2019年1月22日"}
    ]


def test_dupcheck_exit_codes(data_dir, tmp_path):
    fresh = tmp_path / "fresh.txt"
    fresh.write_text("本市将继续推进老旧小区改造，计划改造小区一百个，惠及居民两万户。", "utf-8")
    res = _run(data_dir, "dupcheck", str(fresh))
    assert res.exit_code == 0 and "no duplicates" in res.output
    empty = CORPUS / "files" / "broken" / "broken_truncated.pdf"
    res = _run(data_dir, "dupcheck", str(fresh), str(empty))
    assert res.exit_code == 2 and "truncated" in res.output
    html = next((CORPUS / "files" / "html").glob("*.htm*"))
    assert _run(data_dir, "dupcheck", str(html)).exit_code in (0, 1)


def test_dupcheck_reads_a_scan(tmp_path):
    """An image-only PDF is checked on its recognised text: the scan of govcn_060 finds it."""
    from ingest.ocr.options import active_engine

    if active_engine() is None:
        pytest.skip("no OCR engine installed")
    b = EmbeddedIndex(tmp_path)
    load(b, [corpus_document("docs/govcn_policy/govcn_060.txt")])
    b.close()
    scan = CORPUS / "files" / "broken" / "broken_scanned_no_text.pdf"
    res = _run(tmp_path, "dupcheck", str(scan))
    assert res.exit_code == 1 and "govcn_060" in res.output, res.output
    # shares as the page shows them, never rounded up to 100% (an OCR'd copy is not identical)
    assert re.search(r"similarity \d{1,2}(\.\d)?%", res.output), res.output


def test_dupcheck_sees_drafts_unless_public_only(data_dir, tmp_path):
    hidden = corpus_document(HIDDEN)
    draft = tmp_path / "hidden.txt"
    draft.write_text(hidden.text + "\n" + CANARY, encoding="utf-8")
    staff = _run(data_dir, "dupcheck", str(draft))
    assert staff.exit_code == 1 and HIDDEN in staff.output
    public = _run(data_dir, "dupcheck", "--public-only", str(draft))
    assert HIDDEN not in public.output and CANARY not in public.output


def test_dupes_report_csv_and_json(tmp_path):
    require_corpus()
    data = tmp_path / "data"
    govcn = corpus_document(GOVCN)
    edition = dataclasses.replace(
        govcn, id="e" * 16, path="drafts/edition_2020.txt", text=date_changed(govcn.text)
    )
    b = EmbeddedIndex(data)
    load(b, [d for d in documents() if d.path != HIDDEN] + [edition])
    b.close()
    out = tmp_path / "dupes.csv"
    res = _run(data, "dupes", "--format", "csv", "--output", str(out))
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    row = next(r for r in rows if {r["a_path"], r["b_path"]} == {GOVCN, edition.path})
    assert row["reason"] == "near_copy"
    assert "date: 2019年1月22日 → 2020年1月22日" in row["changed_facts"]
    res = _run(data, "dupes", "--format", "json")
    report = json.loads(res.stdout)
    pairs = [p for c in report["clusters"] for p in c["pairs"]]
    assert any(
        {"kind": "date", "b": "2019年1月22日", "a": "2020年1月22日"} in p["facts"] for p in pairs
    )
