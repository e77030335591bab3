"""Symlinks met while walking a folder (QA pass 2, item 1): one leading out of the folder is
never followed, by ``govsearch ingest`` as by ``POST /api/ingest``; one staying inside is read.

Real folders with real symlinks and real corpus texts, ingested through the real pipeline into
a real embedded index.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from govsearch.cli import main
from ingest.files import IngestFailure, iter_documents, leads_outside
from ingest.report import IngestReport
from model.document import Document
from model.viewer import STAFF
from pipeline.run import run_ingest
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.request import Query

TEXT = "files/txt/txt_18_utf8crlf.txt"


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    ix = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    yield ix
    ix.close()


def _levels(index: SearchIndex) -> dict[str, str]:
    return {d.path: d.disclosure for d in index.backend.fetch(list(index.fingerprints())).values()}


@pytest.fixture
def layout(corpus: Path, tmp_path: Path) -> tuple[Path, Path]:
    """``inbox/`` with a real text, links inside it and links leading out to ``outside/``."""
    outside = tmp_path / "outside"
    (outside / "secrets").mkdir(parents=True)
    secret = outside / "secrets" / "secret.txt"
    secret.write_text("机密绝密口令甲乙丙丁戊己庚辛\n", encoding="utf-8")
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    shutil.copy(corpus / TEXT, inbox / "doc.txt")
    os.symlink(secret, inbox / "out.txt")  # absolute link out
    os.symlink("../../outside/secrets/secret.txt", inbox / "sub" / "rel-out.txt")  # relative
    os.symlink(outside / "secrets", inbox / "out-dir")  # a folder out
    os.symlink(outside / "nope.txt", inbox / "dangling-out.txt")  # out, target missing
    os.symlink("../doc.txt", inbox / "sub" / "in.txt")  # stays inside
    os.symlink(inbox / "sub", inbox / "in-dir")  # a folder link inside: not entered, as before
    return inbox, secret


def test_the_walk_skips_links_leading_out_and_reads_links_inside(layout) -> None:
    inbox, _ = layout
    report = IngestReport()
    results = list(report.track(iter_documents([inbox])))
    docs = {r.path: r for r in results if isinstance(r, Document)}
    assert set(docs) == {"doc.txt", "sub/in.txt"}
    assert docs["sub/in.txt"].text == docs["doc.txt"].text
    assert not any("机密" in r.text for r in docs.values())
    skipped = {f.path: f.reason for f in report.skipped}
    assert set(skipped) == {"out.txt", "sub/rel-out.txt", "out-dir", "dangling-out.txt"}
    assert skipped["out.txt"].startswith(
        f"a symlink to a file outside the ingested folder ({inbox.parent}/outside/secrets/"
        "secret.txt): not followed"
    )
    assert "(../../outside/secrets/secret.txt)" in skipped["sub/rel-out.txt"]
    assert skipped["out-dir"].startswith("a symlink to a folder outside the ingested folder")
    assert report.failed == []
    assert report.summary().startswith("6 files: 2 ingested (txt 2), 4 skipped, 0 failed")


def test_the_folder_given_through_a_link_is_the_folder_links_are_judged_by(layout) -> None:
    inbox, _ = layout
    alias = inbox.parent / "inbox-alias"
    os.symlink(inbox, alias)
    paths = {r.path for r in iter_documents([alias]) if isinstance(r, Document)}
    assert paths == {"doc.txt", "sub/in.txt"}


def test_a_file_named_on_the_command_line_is_read_wherever_it_leads(layout) -> None:
    inbox, _ = layout
    [result] = list(iter_documents([inbox / "out.txt"]))
    assert isinstance(result, Document) and "机密绝密口令" in result.text


def test_the_one_rule(layout, tmp_path: Path) -> None:
    inbox, secret = layout
    roots = [inbox.resolve()]
    assert leads_outside(inbox / "out.txt", roots)
    assert leads_outside(inbox / "dangling-out.txt", roots)
    assert not leads_outside(inbox / "sub" / "in.txt", roots)
    assert not leads_outside(inbox / "doc.txt", roots)  # not a link
    assert not leads_outside(inbox / "out.txt", [tmp_path.resolve()])  # inside wider roots
    assert not leads_outside(secret, roots)  # not a link: where it is is the caller's business


def test_ingest_never_publishes_a_link_out_and_withdraws_one_published_before(
    layout, index: SearchIndex
) -> None:
    inbox, secret = layout
    report = run_ingest(index, [inbox], workers=1)
    assert sorted(report.ok) == ["doc.txt", "sub/in.txt"]
    assert len(report.skipped) == 4 and not report.failed
    assert index.search(Query(q="机密绝密口令", viewer=STAFF)).total == 0

    # an index that an earlier version filled from the link (the target was a folder of its
    # own then): the next ingest of the folder removes that document
    (inbox / "out.txt").unlink()
    shutil.copy(secret, inbox / "out.txt")
    # (the link, which may have been a catalogue, held the folder's files; a file now, and
    # none, it holds them no longer: the default publishes them, QA pass 48d)
    assert run_ingest(index, [inbox], workers=1).ok == ["doc.txt", "out.txt", "sub/in.txt"]
    assert index.search(Query(q="机密绝密口令", viewer=STAFF)).total == 1
    levels = _levels(index)
    assert levels == {"doc.txt": "public", "out.txt": "public", "sub/in.txt": "public"}
    (inbox / "out.txt").unlink()
    os.symlink(secret, inbox / "out.txt")
    again = run_ingest(index, [inbox], workers=1)
    assert index.search(Query(q="机密绝密口令", viewer=STAFF)).total == 0
    [withdrawn] = [f for f in again.skipped if f.path == "out.txt"]
    assert withdrawn.reason.endswith("; the document an earlier ingest made of it is removed")
    assert sorted(h.path for h in again.held) == ["doc.txt", "sub/in.txt"] and not again.failed
    levels = _levels(index)
    assert levels == {"doc.txt": "not_public", "sub/in.txt": "not_public"}


def test_cli_reports_the_skip_and_exits_0(layout, tmp_path: Path) -> None:
    inbox, _ = layout
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "d"), "ingest", str(inbox)])
    assert result.exit_code == 0, result.output
    assert "out.txt: a symlink to a file outside the ingested folder" in result.output
    assert "机密" not in result.output
    found = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "d"), "search", "机密绝密口令"])
    assert found.output.startswith("0 results"), found.output


def test_a_refused_link_is_a_skip_in_line_with_the_other_results(layout) -> None:
    inbox, _ = layout
    results = list(iter_documents([inbox], workers=2))
    kinds = [(r.path, isinstance(r, IngestFailure) and r.skipped) for r in results]
    assert kinds == [
        ("dangling-out.txt", True), ("doc.txt", False), ("out-dir", True), ("out.txt", True),
        ("sub/in.txt", False), ("sub/rel-out.txt", True),
    ]  # fmt: skip


def test_a_loop_of_links_is_a_failed_file_not_a_crash(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "loop"
    folder.mkdir()
    shutil.copy(corpus / TEXT, folder / "doc.txt")
    os.symlink("b.txt", folder / "a.txt")
    os.symlink("a.txt", folder / "b.txt")
    report = IngestReport()
    list(report.track(iter_documents([folder])))
    assert report.ok == ["doc.txt"]
    assert {f.path: f.reason for f in report.failed} == {
        "a.txt": "cannot read file: Too many levels of symbolic links",
        "b.txt": "cannot read file: Too many levels of symbolic links",
    }


@pytest.mark.parametrize("catalogue", ["link out", "unclosed quote"])
def test_a_loop_beside_an_unreadable_catalogue_is_held_and_failed_not_a_crash(
    corpus: Path, tmp_path: Path, catalogue: str
) -> None:
    """QA pass 44b: a loop of links in a folder whose catalogue cannot be read (a CSV linked
    from outside, or one with an unclosed quote) stopped the whole run with a traceback,
    nothing ingested; each alone was handled. The loop's two files fail, the folder's file is
    held back as the unreadable catalogue holds it, and the run ends."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(corpus / TEXT, folder / "doc.txt")
    if catalogue == "link out":
        outside = tmp_path / "elsewhere.csv"
        outside.write_text("path,公开方式\ndoc.txt,主动公开\n", encoding="utf-8")
        os.symlink(outside, folder / "catalog.csv")
    else:
        (folder / "catalog.csv").write_text('path,公开方式\n"doc.txt,主动公开\n', encoding="utf-8")
    os.symlink("b.txt", folder / "a.txt")
    os.symlink("a.txt", folder / "b.txt")
    report = run_ingest(SearchIndex(EmbeddedIndex(tmp_path / "data")), [folder], workers=1)
    assert sorted(f.path for f in report.failed) == ["a.txt", "b.txt"]
    assert [h.path for h in report.held] == ["doc.txt"]
