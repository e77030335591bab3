"""Files the command line writes are checked before the work (QA pass 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govsearch.cli import main


def _run(data: Path, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(data), *args])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("关于城市绿化养护的通知\n正文。", encoding="utf-8")
    return src


def _refused(result, option: str) -> None:
    """One line saying why, exit 2 (the command could not run), no traceback."""
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: cannot write {option} "), result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output


def test_an_ingest_report_that_cannot_be_written_is_refused_before_the_ingest(folder, tmp_path):
    """It ingested the folder, then died in a FileNotFoundError traceback, exit 1."""
    data = tmp_path / "data"
    for target, why in ((tmp_path / "missing" / "r.json", "does not exist"),
                        (folder / "a.txt" / "r.json", "is not a folder")):  # fmt: skip
        result = _run(data, "ingest", str(folder), "--quiet", "--report", str(target))
        _refused(result, "--report")
        assert why in result.output
        assert not data.exists()  # refused before any work: no index was made
    kept = tmp_path / "r.json"  # the file itself need not exist
    result = _run(data, "ingest", str(folder), "--quiet", "--report", str(kept))
    assert result.exit_code == 0, result.output
    assert json.loads(kept.read_text(encoding="utf-8"))["ok"] == 1


def test_a_dupes_output_that_cannot_be_written_is_refused_before_the_report(folder, tmp_path):
    """It computed the whole report, then died in a FileNotFoundError traceback, exit 1."""
    data = tmp_path / "data"
    assert _run(data, "ingest", str(folder), "--quiet").exit_code == 0
    for option in ("-o", "--output"):
        result = _run(data, "dupes", option, str(tmp_path / "missing" / "out.csv"))
        _refused(result, "--output")
        assert "documents," not in result.output  # the report's own summary line: not computed
    out = tmp_path / "out.csv"
    assert _run(data, "dupes", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("\ufeff组号")  # with its BOM


def test_search_reads_a_category_in_either_script_and_an_empty_filter_as_none(tmp_path):
    """QA pass 14: ``search --category 政策法規`` was refused by the command's fixed list while
    the API took it, and ``--agency " "`` was refused where the API reads it as no filter."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("关于城市绿化养护的通知\n正文。", encoding="utf-8")
    (src / "catalog.csv").write_text("path,分类\na.txt,政策法规\n", encoding="utf-8")
    data = tmp_path / "data"
    assert _run(data, "ingest", str(src / "a.txt"), "--catalog", str(src / "catalog.csv"),
                "--workers", "1").exit_code == 0  # fmt: skip

    def total(*args: str) -> int:
        result = _run(data, "search", "绿化", "--json", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["total"]

    assert total() == 1
    assert total("--category", "政策法規") == total("--category", "政策法规") == 1
    assert total("--category", "工作動態") == 0
    assert total("--agency", " ") == total("--category", "") == 1
    bogus = _run(data, "search", "绿化", "--category", "bogus")
    assert bogus.exit_code == 2 and "'bogus' is not a category; use one of 政策法规" in bogus.output


def test_search_sorted_by_date_says_what_it_left_out(tmp_path):
    """QA pass 17/18: sorted by date every word must match; the command says so when the
    relevance order lists more, as the page does."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("关于城市绿化养护的通知\n绿化养护正文。", encoding="utf-8")
    (src / "b.txt").write_text("关于城市道路清扫的通知\n绿化以外的正文。", encoding="utf-8")
    data = tmp_path / "data"
    assert _run(data, "ingest", str(src), "--workers", "1").exit_code == 0
    ranked = _run(data, "search", "绿化 养护")
    dated = _run(data, "search", "绿化 养护", "--sort", "date_desc")
    assert ranked.output.startswith("2 results") and "sorted by date" not in ranked.output
    assert dated.output.startswith("1 results") and "sorted by date: only documents" in dated.output


def test_a_reader_that_closes_the_pipe_early_is_no_failure(tmp_path):
    """``govsearch search … | head -1`` exited 1 (click's answer to a broken pipe), so a script
    under ``set -o pipefail`` failed (QA pass 38c). A real pipe: the CliRunner has none."""
    import subprocess
    import sys

    src = tmp_path / "in"
    src.mkdir()
    for i in range(60):
        (src / f"{i}.txt").write_text(f"关于城市绿化养护的通知第{i}号\n" + "绿化养护。" * 400,
                                      encoding="utf-8")
    data = tmp_path / "data"
    assert _run(data, "ingest", str(src), "--quiet").exit_code == 0
    for extra in ((), ("--json",)):
        errors = tmp_path / "err.txt"
        with errors.open("wb") as err_file, subprocess.Popen(
            [sys.executable, "-m", "govsearch", "--data-dir", str(data), "search", "绿化",
             "--size", "50", *extra],
            stdout=subprocess.PIPE, stderr=err_file) as reader:
            assert reader.stdout.read(5)  # the reader takes a little and goes, as head does
            reader.stdout.close()
            status = reader.wait(timeout=60)
        err = errors.read_text(encoding="utf-8", errors="replace")
        assert status == 0, err
        assert "Traceback" not in err and "Exception ignored" not in err, err
