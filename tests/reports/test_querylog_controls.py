"""Control characters typed into a search cannot drive the staff terminal or a CSV export
(QA pass 11: ``社保\\x1bc\\x08\\x08\\x08\\x08伪造`` reset the terminal and overwrote what the
operator read in ``govsearch report queries``; ``q=%00`` put a NUL in a CSV cell)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from click.testing import CliRunner

from analyzers.chars import has_control, visible
from analyzers.spreadsheet import safe_cell
from govsearch.cli import main
from model.settings import Settings
from reports.csvexport import csv_text
from reports.querylog import LoggedSearch, new_token, scrub
from reports.querylog_sqlite import SqliteQueryLog
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from tests.reports.stack import client_for, fill

TYPED = ("社保\x1bc\x08\x08\x08\x08伪造", "\x1b]0;pwned\x07养老", "\x00", "养老\x9b31m\u202e金")
# C0 and C1 controls and DEL; the table's and the CSV's own line ends are allowed
_CONTROL = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _cli(data: Path, *args: str) -> str:
    env = {"GOVSEARCH_BACKEND": "embedded", "GOVSEARCH_QUERY_LOG": None}
    out = CliRunner().invoke(main, ["--data-dir", str(data), "report", "queries", *args], env=env)
    assert out.exit_code == 0, out.output
    return out.output


def _assert_harmless(text: str) -> None:
    assert not _CONTROL.search(text), repr(text)
    assert "社保\ufffdc\ufffd\ufffd\ufffd\ufffd伪造" in text  # shown, where it was typed
    assert "\ufffd]0;pwned\ufffd养老" in text


def test_typed_controls_are_recorded_visible_and_never_reach_the_terminal(tmp_path) -> None:
    index = SearchIndex(EmbeddedIndex(tmp_path))
    fill(index)
    client, key = client_for(index, Settings(data_dir=tmp_path, query_log=True))
    with client:
        for q in TYPED:
            assert client.get("/api/search", params={"q": q}).json()["log_token"]
        client.app.state.reports.querylog.flush()
        exported = client.get(
            "/api/reports/queries?weeks=1&format=csv", headers={"Authorization": f"Bearer {key}"}
        ).text
    index.close()
    stored = SqliteQueryLog(tmp_path / "querylog.sqlite", record=False)
    try:
        queries = [s.query for s in stored.searches(dt.date.min, dt.date.max)]
    finally:
        stored.close()
    assert len(queries) == len(TYPED) and not any(has_control(q) for q in queries), queries
    for text in (_cli(tmp_path), _cli(tmp_path, "--format", "csv"), exported):
        _assert_harmless(text)


def test_records_stored_before_are_rendered_harmless(tmp_path) -> None:
    # a log written before the scrubber took control characters out still holds them raw
    index = SearchIndex(EmbeddedIndex(tmp_path))
    fill(index)
    index.close()
    log = SqliteQueryLog(tmp_path / "querylog.sqlite")
    for q in TYPED:
        log.record_search(LoggedSearch(new_token(), dt.date.today(), q, 0, f"分词：{q}"))
    assert log.flush()
    log.close()
    # JSON too: json.dumps escapes C0 controls but writes DEL and C1 (\x9b: CSI) raw
    for fmt in ("table", "csv", "json"):
        _assert_harmless(_cli(tmp_path, "--format", fmt))


def test_scrub_shows_controls_and_drops_format_characters() -> None:
    assert scrub("社保\x1bc\x08伪造") == "社保\ufffdc\ufffd伪造"
    assert scrub("养\u200b老\u202e金") == "养老金"  # invisible: the engine ignores them too
    assert scrub("\x00") == "\ufffd"
    assert scrub("138\u200b1234\u200b5678") == "###########"  # a hidden character hides no phone
    assert scrub("养老\t金\r\n") == "养老 金"  # whitespace still collapsed


def test_csv_cells_and_visible() -> None:
    assert safe_cell("a\x00b\x1b") == "a\ufffdb\ufffd"
    assert safe_cell("\u200b=1+1") == "'=1+1"  # the formula check sees what the sheet sees
    assert safe_cell("第一行\n第二行") == "第一行\n第二行"  # a quoted cell keeps its lines
    assert not _CONTROL.search(csv_text(["q"], [["\x00"], ["\x1b[2J"]]))
    assert visible("养老 金\u3000") == "养老 金\u3000"
    assert visible("a\tb") == "a\ufffdb" and visible("a\tb", keep="\t") == "a\tb"
    assert has_control("a\nb") and has_control("a\u2028b") and not has_control("社保 养老")
