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
    assert "日期: 2019年1月22日 → 2020年1月22日" in res.output  # (QA pass 49a: in Chinese)
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
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))  # as Excel reads it
    row = next(r for r in rows if {r["甲路径"], r["乙路径"]} == {GOVCN, edition.path})
    assert row["判断"] == "高度相似"  # as the duplicate page names it (QA pass 30c: near_copy)
    assert "日期：2019年1月22日 → 2020年1月22日" in row["改动的事实（乙 → 甲）"]
    res = _run(data, "dupes", "--format", "json")
    report = json.loads(res.stdout)
    pairs = [p for c in report["clusters"] for p in c["pairs"]]
    assert any(
        {"kind": "date", "b": "2019年1月22日", "a": "2020年1月22日"} in p["facts"] for p in pairs
    )


_NOTICE = (
    "关于进一步加强城市绿化养护管理工作的通知\n各区人民政府：为进一步加强城市绿化养护管理，"
    "现就有关事项通知如下。一、明确养护责任，各区园林部门负责辖区内公共绿地的日常养护。"
    "二、加强资金保障，养护经费列入年度预算。三、强化监督检查，每季度开展一次检查。\n{}\n"
)


def test_dupes_csv_starts_with_the_bom_the_report_csvs_carry(tmp_path):
    """QA pass 11: the report CSVs start with EF BB BF so that Excel reads the Chinese as UTF-8;
    the dupes CSV did not, on standard output or with -o."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, day in (("a.txt", "2019年1月22日"), ("b.txt", "2020年1月22日")):
        (folder / name).write_text(_NOTICE.format(day), encoding="utf-8")
    data = tmp_path / "data"
    assert _run(data, "ingest", str(folder), "--quiet").exit_code == 0
    out = tmp_path / "dupes.csv"
    written = _run(data, "dupes", "-o", str(out))
    printed = _run(data, "dupes", "--format", "csv")
    assert written.exit_code == 0 and printed.exit_code == 0, written.output + printed.output
    for raw in (out.read_bytes(), printed.stdout_bytes):
        assert raw.startswith("\ufeff组号,".encode()), raw[:20]
        assert raw.count(b"\xef\xbb\xbf") == 1  # once, before the header only
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert len(rows) == 1 and rows[0]["甲标题"] == "关于进一步加强城市绿化养护管理工作的通知"
    json_out = _run(data, "dupes", "--format", "json").stdout_bytes
    assert json_out.startswith(b"{")  # JSON is read by programs, not Excel: no BOM
