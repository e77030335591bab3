"""Command-line options that were accepted and then ignored or misread (QA pass 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from govsearch.cli import main
from model.errors import BadRequest
from search_api.keys import KeyStore


def _run(tmp_path: Path, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), *args])


def test_a_queries_report_of_no_weeks_is_refused(tmp_path):
    for weeks in ("0", "-5"):
        result = _run(tmp_path, "report", "queries", "--weeks", weeks)
        assert result.exit_code == 2 and "--weeks" in result.output, result.output


def test_before_without_delete_is_refused(tmp_path):
    """It was ignored, and the whole log's report printed."""
    result = _run(tmp_path, "report", "queries", "--before", "2020-01-01")
    assert result.exit_code == 2 and "--before goes with --delete" in result.output


def test_a_key_needs_a_name(tmp_path):
    for name in ("", "   "):
        result = _run(tmp_path, "keys", "create", name)
        assert result.exit_code == 2 and "give the key a name" in result.output, result.output


def test_the_default_level_takes_its_label(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("关于城市绿化养护的通知\n正文。", encoding="utf-8")
    result = _run(tmp_path, "ingest", str(folder), "--disclosure", "依申请公开", "--quiet")
    assert result.exit_code == 0, result.output
    assert _run(tmp_path, "search", "绿化养护").output.startswith("0 results")  # not public
    assert _run(tmp_path, "search", "绿化养护", "--staff").output.startswith("1 results")


def test_out_of_range_ports_and_worker_counts_are_refused(tmp_path):
    """QA pass 9: --port 99999 ended in an OverflowError traceback; ingest --workers 0 or -3
    was accepted."""
    folder = tmp_path / "in"
    folder.mkdir()
    for args, option in ((("serve", "--port", "99999"), "--port"),
                         (("serve", "--port", "0"), "--port"),
                         (("ingest", str(folder), "--workers", "0"), "--workers"),
                         (("ingest", str(folder), "--workers", "-3"), "--workers")):  # fmt: skip
        result = _run(tmp_path, *args)
        assert result.exit_code == 2 and option in result.output, result.output
        assert "Traceback" not in result.output


def test_a_port_in_use_is_said_before_any_address_is_printed(tmp_path):
    """QA pass 9: serve printed its URL as if it served, then failed on the busy port."""
    import socket

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("关于城市绿化养护的通知\n正文。", encoding="utf-8")
    assert _run(tmp_path, "ingest", str(folder), "--quiet").exit_code == 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _run(tmp_path, "serve", "--port", str(port))
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "http://" not in result.output


def test_a_page_past_the_last_is_said(tmp_path):
    """QA pass 22b: `search … --page 99` printed "73 results" and nothing else; the web page
    shows the last page and says so."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(f"关于城市绿化养护的通知{i}\n正文。", encoding="utf-8")
    assert _run(tmp_path, "ingest", str(folder), "--quiet").exit_code == 0
    past = _run(tmp_path, "search", "绿化", "--size", "2", "--page", "9")
    assert past.exit_code == 0 and past.output.startswith("3 results"), past.output
    assert "page 9 is past the last page of results, 2: try --page 2" in past.output
    # past the 10,000th result too: still a page past the last, not "narrow the query"
    far = _run(tmp_path, "search", "绿化", "--size", "100", "--page", "9999")
    assert far.exit_code == 0 and "past the last page of results, 1" in far.output, far.output
    assert "past the last" not in _run(tmp_path, "search", "绿化", "--page", "1").output


def test_the_command_line_offers_a_correction_as_the_pages_do(tmp_path):
    """QA pass 9: `govsearch search 社报` never said 社保, where the API and the pages did: its
    one search ended before the pinyin lexicon was built."""
    import shutil

    from tests.corpus import CORPUS, manifest, require_corpus

    require_corpus()
    folder = tmp_path / "in"
    folder.mkdir()
    with_word = [p for p in sorted(manifest()) if p.startswith("docs/")
                 and "社保" in (CORPUS / p).read_text(encoding="utf-8")][:6]  # fmt: skip
    assert len(with_word) >= 3
    for i, p in enumerate(with_word):
        shutil.copy(CORPUS / p, folder / f"{i}.txt")
    assert _run(tmp_path, "ingest", str(folder), "--quiet").exit_code == 0
    typo = _run(tmp_path, "search", "社报")
    assert typo.exit_code == 0 and typo.output.rstrip().endswith("did you mean: 社保"), typo.output
    assert "did you mean" not in _run(tmp_path, "search", "社保").output


def test_every_agency_option_refuses_what_names_no_agency(tmp_path):
    """QA pass 11: `report annual --year 2019 --agency 、` printed "0 主动公开 items", exit 0,
    where `search --agency 、` refused it; the reports now refuse it the same way."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("关于城市绿化养护的通知\n正文。", encoding="utf-8")
    assert _run(tmp_path, "ingest", str(folder), "--quiet").exit_code == 0
    searched = _run(tmp_path, "search", "绿化", "--agency", "、")
    assert searched.exit_code == 2 and "agency '、' names no agency" in searched.output
    for kind in (("annual", "--year", "2019"), ("timeliness",)):
        for agency in ("、", " "):
            result = _run(tmp_path, "report", *kind, "--agency", agency)
            assert result.exit_code == 2, result.output
            assert result.output == f"error: agency {agency!r} names no agency\n"
        # a name, but of no document here: refused with what the index has (QA pass 23b)
        unknown = _run(tmp_path, "report", *kind, "--agency", "国务院")
        assert unknown.exit_code == 2 and "no document of this index" in unknown.output


def test_a_key_name_is_one_line_of_at_most_200_characters(tmp_path):
    """QA pass 11: ``keys create $'a\\nb'`` and a name of 5,000 characters were accepted and
    broke the tab-separated ``keys list``; the stores refuse them as the command does."""
    refused = {"a\nb": "one line", "a\tb": "one line", "\x1b[2Jops": "one line",
               "ops\u202e": "one line", "x" * 5000: "at most 200 characters"}  # fmt: skip
    for name, why in refused.items():
        result = _run(tmp_path, "keys", "create", name)
        assert result.exit_code == 2 and why in result.output, result.output
        assert "Traceback" not in result.output
        with pytest.raises(BadRequest, match=why):
            KeyStore(tmp_path / "store").create(name)
    assert not (tmp_path / "store" / "api_keys.json").exists()  # nothing was stored
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("关于城市绿化养护的通知\n正文。", encoding="utf-8")
    assert _run(tmp_path, "ingest", str(folder), "--quiet").exit_code == 0
    longest = "运维" * 100  # 200 characters: still a name
    assert _run(tmp_path, "keys", "create", f"  {longest} ").exit_code == 0
    lines = _run(tmp_path, "keys", "list").output.splitlines()
    assert len(lines) == 1 and lines[0].split("\t")[1] == longest


def test_keys_list_keeps_a_name_stored_before_names_were_checked_on_its_line(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("关于城市绿化养护的通知\n正文。", encoding="utf-8")
    assert _run(tmp_path, "ingest", str(folder), "--quiet").exit_code == 0
    store = KeyStore(tmp_path / "data")
    store.create("ops")
    data = store._load()
    next(iter(data.values()))["name"] = "a\nb\tc\x1b"  # as an older version stored it
    store._save(data)
    lines = _run(tmp_path, "keys", "list").output.splitlines()
    assert len(lines) == 1 and lines[0].split("\t")[1] == "a\ufffdb\ufffdc\ufffd", lines


def test_the_annual_reports_heading_names_the_agency_as_its_documents_do(tmp_path):
    """QA pass 47b: `report annual --agency 国务院办` was headed "2019 国务院办", where the
    page and the API's ``agency_name`` say 国务院办公厅, as its documents name it."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("关于城市绿化养护的通知\n正文。", encoding="utf-8")
    catalog = folder / "c.csv"
    catalog.write_text("path,title,agency,date,category\n"
                       "a.txt,关于城市绿化养护的通知,国务院办公厅,2019-03-04,政策法规\n",
                       encoding="utf-8")  # fmt: skip
    assert _run(tmp_path, "ingest", str(folder), "--catalog", str(catalog),
                "--quiet").exit_code == 0  # fmt: skip
    result = _run(tmp_path, "report", "annual", "--year", "2019", "--agency", "国务院办")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2019 国务院办公厅: 1 主动公开 items"), result.output
