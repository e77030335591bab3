"""An ingest run end to end: real files in, documents in the index, a report out."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from govsearch.cli import main
from model.viewer import STAFF
from pipeline.run import run_ingest
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.request import Query
from tests.corpus import CORPUS, require_corpus


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    require_corpus()
    src = tmp_path / "archive"
    (src / "txt").mkdir(parents=True)
    for name in ("txt_01.txt", "txt_02.txt", "txt_06.txt", "txt_10.txt"):
        matches = sorted((CORPUS / "files" / "txt").glob(name.replace(".txt", "*")))
        if matches:
            shutil.copy(matches[0], src / "txt" / matches[0].name)
    for sub in ("pdf", "docx", "html"):
        (src / sub).mkdir()
        for f in sorted((CORPUS / "files" / sub).iterdir())[:2]:
            shutil.copy(f, src / sub / f.name)
    (src / "broken").mkdir()
    shutil.copy(CORPUS / "files" / "broken" / "broken_truncated.pdf", src / "broken")
    return src


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    return SearchIndex(EmbeddedIndex(tmp_path / "data"))


def test_ingest_reports_and_continues_past_bad_files(folder, index):
    report = run_ingest(index, [folder], workers=2)
    n_files = sum(1 for p in folder.rglob("*") if p.is_file())
    assert len(report.ok) == n_files - 1
    assert [f.path for f in report.failed] == ["broken/broken_truncated.pdf"]
    assert "PDF" in report.failed[0].reason
    assert index.count(STAFF) == n_files - 1
    assert "1 failed" in report.summary()


def test_reingest_unchanged_does_nothing_changed_replaces_prune_removes(folder, index):
    run_ingest(index, [folder], workers=1)
    before = index.fingerprints()
    again = run_ingest(index, [folder], workers=1)
    assert again.ok == [] and again.unchanged == len(before)
    assert index.fingerprints() == before

    target = next((folder / "txt").iterdir())
    target.write_text("关于城市绿化养护标准的通知\n全新正文内容：绿化养护。", encoding="utf-8")
    changed = run_ingest(index, [folder], workers=1)
    assert changed.ok == [f"txt/{target.name}"]
    assert index.count(STAFF) == len(before)
    assert index.search(Query(q='"绿化养护"', viewer=STAFF)).total == 1

    target.unlink()
    kept = run_ingest(index, [folder], workers=1)
    assert kept.pruned == [] and index.count(STAFF) == len(before)
    pruned = run_ingest(index, [folder], workers=1, prune=True)
    assert len(pruned.pruned) == 1 and index.count(STAFF) == len(before) - 1
    # the file is named, not only its document's id (QA pass 29a)
    assert [p.path for p in pruned.pruned_paths] == [f"txt/{target.name}"]
    assert f"txt/{target.name}: gone from disk" in pruned.summary()


def test_disclosure_default_and_folder_convention(tmp_path, index):
    require_corpus()
    src = tmp_path / "docs"
    (src / "依申请公开").mkdir(parents=True)
    text = (CORPUS / "docs" / "govcn_policy" / "govcn_002.txt").read_text(encoding="utf-8")
    (src / "依申请公开" / "a.txt").write_text(text, encoding="utf-8")
    (src / "b.txt").write_text(text + "\n附：另一份", encoding="utf-8")
    run_ingest(index, [src], default_disclosure="draft", workers=1)
    levels = sorted(
        h.doc.disclosure for h in index.search(Query(q="", viewer=STAFF, size=10)).hits
    )
    assert levels == ["draft", "on_request"]
    assert index.search(Query(q="")).total == 0


def test_cli_exit_codes(folder, tmp_path):
    runner = CliRunner()
    data = str(tmp_path / "cli-data")
    bad = runner.invoke(main, ["--data-dir", data, "ingest", str(folder)])
    assert bad.exit_code == 1 and "broken_truncated.pdf" in bad.output
    (folder / "broken" / "broken_truncated.pdf").unlink()
    good = runner.invoke(main, ["--data-dir", data, "ingest", str(folder)])
    assert good.exit_code == 0, good.output
    assert "unchanged" in good.output
    found = runner.invoke(main, ["--data-dir", data, "search", "--json", "条例"])
    assert found.exit_code == 0 and '"total"' in found.output


def test_catalogue_problems_are_counted_apart_from_files(tmp_path):
    """QA pass 2, item 8: a bad date, a bad 公开方式 cell and a row naming no file are three
    catalogue problems, not three failed files; every file is still ingested, and the run
    exits 1 so that a nightly job sees that the catalogue needs someone."""
    require_corpus()
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name, src in (("pure.txt", "govcn_002.txt"), ("other.txt", "govcn_003.txt")):
        shutil.copy(CORPUS / "docs" / "govcn_policy" / src, folder / name)
    csv = folder / "cat.csv"
    csv.write_text(
        "path,title,date,disclosure\npure.txt,新标题,2019-02-30,保密\nnope.txt,x,,\n",
        encoding="utf-8",
    )
    report_path = tmp_path / "report.json"
    result = CliRunner().invoke(
        main,
        ["--data-dir", str(tmp_path / "d"), "ingest", str(folder), "--catalog", str(csv),
         "--report", str(report_path)],
    )
    lines = result.output.splitlines()
    assert lines[0] == (
        "2 files: 2 ingested (txt 2), 0 skipped, 0 failed; 1 held back (not published); "
        "catalogue: 3 problems"
    ), result.output
    assert result.exit_code == 1
    start = lines.index("catalogue problems (ignored; the files are counted above):")
    # the last line (stderr) says what search by meaning needs now (QA pass 46a: an ingest,
    # then serve, answered words only and nothing said so)
    assert lines[-1].startswith("search by meaning: the 2 documents ingested now are found by "
                                "their words only until `govsearch embed` runs"), lines[-1]
    listed = lines[start + 1 : -1]
    assert [line.split(": ")[0].strip() for line in listed] == [
        "cat.csv line 2", "cat.csv line 2", "cat.csv line 3",
    ]  # fmt: skip
    assert "not a date: '2019-02-30'" in listed[0] and "'保密'" in listed[1]
    assert "names no file" in listed[2]
    assert "catalog: line" not in result.output  # the line is said once (QA pass 4)
    data = json.loads(report_path.read_text(encoding="utf-8"))
    assert (data["total"], data["ok"], data["failed"], data["failed_files"]) == (2, 2, 0, [])
    assert [p["path"] for p in data["catalog_problems"]] == [
        "cat.csv line 2", "cat.csv line 2", "cat.csv line 3",
    ]  # fmt: skip

    # the bad cell left out: no level named, so the held file stays held (QA pass 23c: a row
    # without a level is no decision to publish), and the run says what it needs
    csv.write_text("path,title\npure.txt,新标题\n", encoding="utf-8")
    args = ["--data-dir", str(tmp_path / "d"), "ingest", str(folder), "--catalog", str(csv)]
    unnamed = CliRunner().invoke(main, args)
    assert unnamed.exit_code == 1 and "pure.txt" in unnamed.output
    assert "gives it a level" in unnamed.output
    csv.write_text("path,title,公开方式\npure.txt,新标题,主动公开\n", encoding="utf-8")
    fixed = CliRunner().invoke(main, args)  # fixed: exit 0
    assert fixed.exit_code == 0, fixed.output
    assert "catalogue" not in fixed.output


@pytest.mark.parametrize(
    "rows",
    [
        "pure.txt,甲,public\npure.txt,乙,不予公开\n",  # the later row is the stricter
        "pure.txt,甲,不予公开\npure.txt,乙,public\n",
        "pure.txt,甲,\npure.txt,乙,不予公开\n",  # the first leaves it to the default level
    ],
)
def test_rows_that_disagree_on_disclosure_hold_the_document(tmp_path, rows):
    """QA pass 4: two rows for one file, the second 不予公开, published it (the first row won
    and the second was only "duplicate path"). Disclosure fails closed: held as not_public,
    said so, and a public search does not find it."""
    require_corpus()
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS / "docs" / "govcn_policy" / "govcn_002.txt", folder / "pure.txt")
    csv = folder / "cat.csv"
    csv.write_text("path,title,disclosure\n" + rows, encoding="utf-8")
    data = str(tmp_path / "d")
    result = CliRunner().invoke(main, ["--data-dir", data, "ingest", str(folder),
                                       "--catalog", str(csv)])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "1 held back (not published)" in result.output.splitlines()[0], result.output
    assert "other disclosure levels" in result.output
    index = SearchIndex(EmbeddedIndex(Path(data)))
    try:
        assert index.search(Query(q="")).total == 0
        assert index.search(Query(q="", viewer=STAFF)).total == 1
    finally:
        index.close()


def test_a_second_row_is_described_as_it_is(tmp_path):
    """QA pass 12: a duplicate row with an extra cell was reported as giving "other disclosure
    levels" though neither row named a level, and a duplicate row's bad date said nothing."""
    require_corpus()
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS / "docs" / "govcn_policy" / "govcn_002.txt", folder / "pure.txt")
    csv = folder / "cat.csv"
    csv.write_text("path,title,date\npure.txt,甲,2020-01-02\npure.txt,乙,2020-13-45\n"
                   "pure.txt,丙,2020-01-02,多余\n", encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "d"), "ingest", str(folder),
                                       "--catalog", str(csv)])  # fmt: skip
    assert "2020-13-45" in result.output, result.output
    assert "other disclosure levels" not in result.output
    assert "line 4" in result.output and "may be misread" in result.output, result.output
    assert "1 held back (not published)" in result.output.splitlines()[0], result.output


def test_a_catalogue_that_cannot_be_read_stops_the_ingest(tmp_path):
    """QA pass 4: a catalogue that could not be read (then: separated by semicolons, which
    is read now) was "no 'path' column" and the ingest went on without it, publishing at the
    default level the files its rows hold back."""
    require_corpus()
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS / "docs" / "govcn_policy" / "govcn_002.txt", folder / "pure.txt")
    csv = folder / "cat.csv"
    csv.write_text("名称;title;disclosure\npure.txt;甲;不予公开\n", encoding="utf-8")
    data = tmp_path / "d"
    result = CliRunner().invoke(main, ["--data-dir", str(data), "ingest", str(folder),
                                       "--catalog", str(csv)])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "no 'path' column" in result.output
    assert "nothing was ingested" in result.output
    assert not data.exists()  # refused before the index was opened: see the next test


def test_a_catalogue_given_twice_is_refused_before_anything_is_read(tmp_path):
    """QA pass 32a: --catalog given twice kept the second and dropped the first without a word;
    every file the first names was held back, "its catalogue not applied", with the very
    --catalog the operator had passed as the advice. Refused: one catalogue per run."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("关于测试的通知", encoding="utf-8")
    first, second = folder / "one.csv", folder / "two.csv"
    for csv in (first, second):
        csv.write_text("path,title\na.txt,甲\n", encoding="utf-8")
    data = tmp_path / "d"
    result = CliRunner().invoke(main, ["--data-dir", str(data), "ingest", str(folder),
                                       "--catalog", str(first), "--catalog", str(second)])
    assert result.exit_code == 2, result.output
    assert "given 2 times" in result.output and "one catalogue per run" in result.output
    assert not data.exists()
    once = CliRunner().invoke(main, ["--data-dir", str(data), "ingest", str(folder), "--quiet",
                                     "--catalog", str(first)])  # fmt: skip
    assert once.exit_code == 0, once.output


def test_a_refused_catalogue_leaves_no_index_behind(tmp_path):
    """QA pass 11: the refusal left an empty index and texts.sqlite in the new data folder, so
    a later `search` answered "0 results" (exit 0) and `report annual` an all-zero report,
    where a folder with no index is "no index" (exit 2). A folder that holds an index keeps
    it, documents and all."""
    require_corpus()
    folder = tmp_path / "arch"
    (folder / "docs").mkdir(parents=True)
    shutil.copy(CORPUS / "docs" / "govcn_policy" / "govcn_002.txt", folder / "docs" / "x.txt")
    semi, quote = folder / "semi.csv", folder / "quote.csv"
    semi.write_text("名称;title;disclosure\ndocs/x.txt;x;public\n", encoding="utf-8")
    quote.write_text('path,title\n"docs/x.txt,x\n', encoding="utf-8")
    data = tmp_path / "d6"
    runner = CliRunner()

    def ingest(*args: str):
        return runner.invoke(main, ["--data-dir", str(data), "ingest", str(folder), "--quiet",
                                    *args])  # fmt: skip

    for csv, why in ((semi, "no 'path' column"), (quote, "never closed")):
        refused = ingest("--catalog", str(csv))
        assert refused.exit_code == 2 and why in refused.output, refused.output
        assert not data.exists()
        later = runner.invoke(main, ["--data-dir", str(data), "search", "国务院"])
        assert later.exit_code == 2 and "no index in" in later.output, later.output
    assert ingest().exit_code == 0
    before = sorted(p.name for p in data.iterdir())
    for csv in (semi, quote):
        assert ingest("--catalog", str(csv)).exit_code == 2
    assert sorted(p.name for p in data.iterdir()) == before
    index = SearchIndex(EmbeddedIndex(data))
    try:
        assert index.search(Query(q="", viewer=STAFF)).total == 1
    finally:
        index.close()


def test_cli_prunes_a_folder_gone_from_disk_and_refuses_a_missing_path(folder, tmp_path):
    """A path that does not exist is a usage error (exit 2) unless --prune asks to empty an
    indexed folder that is gone (QA pass 9: the old name of a renamed folder)."""
    data = tmp_path / "data"
    runner = CliRunner()
    first = runner.invoke(main, ["--data-dir", str(data), "ingest", str(folder), "--workers", "1"])
    assert first.exit_code == 1  # the broken PDF
    written = SearchIndex(EmbeddedIndex(data))
    assert written.count(STAFF) > 0
    written.close()
    shutil.rmtree(folder)
    missing = runner.invoke(main, ["--data-dir", str(data), "ingest", str(folder)])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    pruned = runner.invoke(main, ["--data-dir", str(data), "ingest", str(folder), "--prune"])
    assert pruned.exit_code == 0, pruned.output
    assert "removed (files gone)" in pruned.output
    assert SearchIndex(EmbeddedIndex(data)).count(STAFF) == 0
    nothing = runner.invoke(main, ["--data-dir", str(data), "ingest", str(folder), "--prune"])
    assert nothing.exit_code == 0 and "nothing indexed from it" in nothing.output


def test_prune_of_a_folder_holding_no_file_removes_nothing(folder, tmp_path):
    """QA pass 38c: a share not mounted is an empty folder, and a nightly --prune emptied the
    index ("0 files … 300 removed", exit 0). It removes nothing and fails, saying why; the
    folder deleted and its path pruned, its documents go."""
    data = tmp_path / "data"
    runner = CliRunner()
    runner.invoke(main, ["--data-dir", str(data), "ingest", str(folder), "--workers", "1"])
    index = SearchIndex(EmbeddedIndex(data))
    before = index.count(STAFF)
    index.close()
    assert before > 0
    for sub in folder.iterdir():
        shutil.rmtree(sub)  # the mount point stays, empty
    empty = runner.invoke(main, ["--data-dir", str(data), "ingest", str(folder), "--prune"])
    assert empty.exit_code == 1, empty.output
    assert "holds no files now: is it mounted?" in empty.output
    assert f"removed none of its {before} documents" in empty.output
    assert SearchIndex(EmbeddedIndex(data)).count(STAFF) == before
    folder.rmdir()
    gone = runner.invoke(main, ["--data-dir", str(data), "ingest", str(folder), "--prune"])
    assert gone.exit_code == 0 and "removed (files gone)" in gone.output, gone.output
    assert SearchIndex(EmbeddedIndex(data)).count(STAFF) == 0


def test_cli_prunes_the_old_name_of_a_folder_renamed_and_ingested_again(folder, tmp_path):
    """QA pass 13: after a renamed folder was ingested under its new name (its documents
    moved), ``ingest --prune OLD`` said "no such file or folder" and exited 1. Pruning a gone
    path leaves the index holding nothing from it: done, exit 0, with what it removed (here
    nothing). A subfolder renamed inside an indexed folder, or a file deleted, is pruned by its
    old path too, and only what is gone goes."""
    data = tmp_path / "data"
    runner = CliRunner()

    def ingest(*args: str) -> object:
        return runner.invoke(main, ["--data-dir", str(data), "ingest", "--workers", "1", *args])

    ingest(str(folder))
    renamed = folder.with_name("archive-2020")
    folder.rename(renamed)
    again = ingest(str(renamed))
    assert "moved (the old document removed)" in again.output
    old = ingest("--prune", str(folder))
    assert old.exit_code == 0, old.output
    assert "0 removed (files gone)" in old.output
    assert f"{folder}: no longer on disk and nothing indexed from it" in old.output
    index = SearchIndex(EmbeddedIndex(data))
    count = index.count(STAFF)
    index.close()

    (renamed / "pdf").rename(renamed / "pdf-old")  # not ingested again yet
    sub = ingest("--prune", str(renamed / "pdf"))
    assert sub.exit_code == 0, sub.output
    assert f"{renamed / 'pdf'}: no longer on disk; 2 documents ingested from it removed" in (
        sub.output
    )
    deleted = sorted((renamed / "txt").iterdir())[0]
    deleted.unlink()
    one = ingest("--prune", str(deleted))
    assert one.exit_code == 0 and "1 documents ingested from it removed" in one.output
    index = SearchIndex(EmbeddedIndex(data))
    assert index.count(STAFF) == count - 3  # the other files' documents stay
    index.close()


def test_prune_given_one_file_removes_only_what_is_gone(folder, index):
    """QA pass 13: ``ingest --prune folder/txt/a.txt`` read that one file, took every other
    document of the folder for gone and removed it, though their files were on disk. Only
    documents whose files are gone go."""
    run_ingest(index, [folder / "txt"], workers=1)
    count = index.count(STAFF)
    assert count >= 3
    first, second = sorted((folder / "txt").iterdir())[:2]
    second.unlink()
    report = run_ingest(index, [first], workers=1, prune=True)
    assert len(report.pruned) == 1
    assert index.count(STAFF) == count - 1
    assert index.search(Query(q="", viewer=STAFF, size=100)).total == count - 1
    report = run_ingest(index, [first], workers=1, prune=True)  # again: nothing more goes
    assert report.pruned == [] and index.count(STAFF) == count - 1


def test_prune_of_a_mistyped_path_names_the_indexed_folders_near_it(folder, tmp_path):
    """QA pass 14: ``ingest --prune archiv`` (a typo for ``archive``) exited 0 saying only
    "nothing indexed from it", as an old name's prune does. It still removes nothing and exits
    0 (a typo and a folder renamed look alike on disk), but it names the indexed folders near
    the path, or says that none is."""
    data = tmp_path / "data"
    runner = CliRunner()

    def ingest(*args: str) -> object:
        return runner.invoke(main, ["--data-dir", str(data), "ingest", "--workers", "1", *args])

    ingest(str(folder))
    typo = ingest("--prune", str(folder.with_name("archiv")))
    assert typo.exit_code == 0, typo.output
    assert "0 removed (files gone)" in typo.output
    assert f"if mistyped, the indexed folders nearest it are {folder.resolve()}" in typo.output
    far = ingest("--prune", str(tmp_path / "zzzz" / "qqqq"))
    assert "no indexed folder is near it: check the path" in far.output


def test_prune_of_a_subfolder_on_disk_removes_what_is_gone_under_it(folder, tmp_path):
    """QA pass 14: ``ingest --prune ARCHIVE/txt/`` (a subfolder of an indexed folder, still on
    disk) was refused as "part of ARCHIVE" and counted as 1 failed. It removes the documents
    under it whose files are gone, and only those: the rest of the folder is untouched."""
    data = tmp_path / "data"
    runner = CliRunner()

    def ingest(*args: str) -> object:
        return runner.invoke(main, ["--data-dir", str(data), "ingest", "--workers", "1", *args])

    ingest(str(folder))
    index = SearchIndex(EmbeddedIndex(data))
    count = index.count(STAFF)
    index.close()
    sorted((folder / "txt").iterdir())[0].unlink()
    sorted((folder / "pdf").iterdir())[0].unlink()  # outside the subfolder pruned: stays
    sub = ingest("--prune", str(folder / "txt") + "/")
    assert sub.exit_code == 0, sub.output
    assert "0 failed; 1 removed (files gone)" in sub.output
    assert f"part of {folder.resolve()}: 1 documents whose files are gone removed" in sub.output
    index = SearchIndex(EmbeddedIndex(data))
    assert index.count(STAFF) == count - 1
    index.close()


def test_prune_of_a_gone_file_with_a_gbk_name(folder, tmp_path):
    """QA pass 14: a file named in GBK bytes (copied from Windows) is stored under its
    readable name; ``ingest --prune`` of its old path, given in those bytes, said "nothing
    indexed from it" and left the document."""
    import os

    data = tmp_path / "data"
    sub = folder / "txt"
    gbk = os.fsdecode(os.fsencode(sub) + b"/" + "附件一.txt".encode("gbk"))
    shutil.copy(next(sub.iterdir()), gbk)
    runner = CliRunner()
    runner.invoke(main, ["--data-dir", str(data), "ingest", "--workers", "1", str(folder)])
    index = SearchIndex(EmbeddedIndex(data))
    count = index.count(STAFF)
    index.close()
    os.unlink(gbk)
    pruned = runner.invoke(
        main, ["--data-dir", str(data), "ingest", "--workers", "1", "--prune", gbk]
    )
    assert pruned.exit_code == 0, pruned.output
    assert "1 documents ingested from it removed" in pruned.output
    index = SearchIndex(EmbeddedIndex(data))
    assert index.count(STAFF) == count - 1
    index.close()


def test_a_full_disk_is_a_clear_error_with_its_own_exit_code(folder, tmp_path, monkeypatch):
    """QA pass 9: a full disk ended an ingest in a raw SQLite traceback with exit 1, the code
    of "a file failed". It is named now, says what stays, and exits 3. (The disk's answer is
    simulated: a full file system cannot be made in every test environment.)"""
    import sqlite3

    from search_index.textstore import TextStore

    def full(self: TextStore) -> None:
        if self._pending:
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(TextStore, "flush", full)
    data = tmp_path / "data"
    report = tmp_path / "report.json"
    report.write_text('{"yesterday": true}')
    result = CliRunner().invoke(main, ["--data-dir", str(data), "ingest", str(folder),
                                       "--workers", "1", "--quiet", "--report", str(report)])
    assert result.exit_code == 3, result.output
    assert f"the disk holding {data} is full" in result.output
    assert "free space (or lift the limit) and run the same ingest again" in result.output
    assert "Traceback" not in result.output
    # and what was done, as Ctrl-C says it: the summary, and a report in place of the last
    # run's (QA pass 38c: none written, yesterday's left)
    assert "stopped: the disk holding" in result.output
    assert re.search(r"\n\d+ files? of the \d+ to read: 0 ingested", result.output), result.output
    written = json.loads(report.read_text())
    assert written["interrupted"] is True and "is full" in written["stopped"]
    # the lexicon is merged as after Ctrl-C: the re-run skips what was written (QA pass 38c)
    assert sorted(p.name for p in (data / "lexicon").iterdir()), "no lexicon merged"
    # ... or, on a disk too full for it too, said as the lexicon's, not counted as a file
    # (QA pass 47b: "1 files of the 6451 to read: … 1 failed", the lexicon the failed "file")
    import errno

    from pipeline.lexicon import LexiconBuilder

    def no_room(self, data_dir, whole_index=False):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(LexiconBuilder, "write", no_room)
    again = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data2"), "ingest",
                                      str(folder), "--workers", "1", "--quiet"])  # fmt: skip
    assert again.exit_code == 3, again.output
    lines = again.output.splitlines()
    counts = next(line for line in lines if " to read: " in line)
    assert counts.endswith("; lexicon not merged"), counts
    heading = lines.index("lexicon (the documents are in; the next ingest merges their counts):")
    assert lines[heading + 1] == (
        f"  {tmp_path / 'data2' / 'lexicon'}: not merged: [Errno 28] No space left on device")
    assert sum("lexicon" in line for line in lines) == 3, again.output  # no failed "file"


def test_a_text_over_the_length_limit_is_reported_not_analysed(tmp_path, monkeypatch):
    """QA pass 9: a 60 MB TXT took 2.7 GB of memory to ingest, whatever
    GOVSEARCH_EXTRACT_MEMORY_MB said. A text longer than GOVSEARCH_MAX_TEXT_CHARS is reported
    as failed, never analysed; the rest of the folder is ingested."""
    from ingest import files

    require_corpus()
    folder = tmp_path / "archive"
    folder.mkdir()
    short = CORPUS / "docs" / "govcn_policy" / "govcn_001.txt"
    shutil.copy(short, folder / "short.txt")
    long_text = "".join(p.read_text(encoding="utf-8")
                        for p in sorted((CORPUS / "docs" / "govcn_policy").glob("*.txt")))
    (folder / "long.txt").write_text(long_text, encoding="utf-8")
    limit = len(short.read_text(encoding="utf-8")) + 10
    assert len(long_text) > limit
    monkeypatch.setenv("GOVSEARCH_MAX_TEXT_CHARS", str(limit))
    try:
        result = CliRunner().invoke(
            main, ["--data-dir", str(tmp_path / "data"), "ingest", str(folder), "--workers", "1"]
        )
    finally:
        files.configure(max_file_bytes=files.MAX_FILE_BYTES, max_text_chars=2_000_000)
    assert result.exit_code == 1, result.output  # a document is missing: someone must look
    assert "1 ingested" in result.output and "1 failed" in result.output
    assert f"long.txt: text too long ({len(long_text):,} characters" in result.output


def test_a_folder_given_inside_another_is_a_skipped_folder_not_a_file(tmp_path):
    """QA pass 11: `ingest cat5 cat5/docs` read "8 files: 6 ingested, 2 skipped", one of the
    two "skipped files" being the folder cat5/docs."""
    folder = tmp_path / "cat5"
    (folder / "docs").mkdir(parents=True)
    for i, path in enumerate(("a.txt", "docs/b.txt", "docs/c.txt")):
        (folder / path).write_text(f"关于第{i}号绿化养护的通知\n正文。", encoding="utf-8")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "ingest",
                                       str(folder), str(folder / "docs"), "--quiet",
                                       "--report", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("3 files: 3 ingested") and "0 skipped" in first, first
    assert first.endswith("; 1 folder skipped"), first
    assert f"skipped folders:\n  {folder / 'docs'}: inside {folder}" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["total"] == 3 and report["skipped"] == 0
    assert [f["path"] for f in report["skipped_folders"]] == [str(folder / "docs")]


def test_cli_a_catalogued_file_changed_and_ingested_without_the_catalogue_is_not_updated(
    tmp_path,
):
    """QA pass 13: a file ingested with --catalog, edited, then ingested without it was kept at
    its old version and counted as "skipped", exit 0: a nightly job saw nothing wrong while the
    new text was never searchable. It is "not updated" now, with why and what to run, and the
    run exits 1 (someone must look); the catalogued version (level, 有效性) stays, as README
    says, until an ingest with the catalogue writes the new text under the row. An unchanged
    catalogued file is still a plain skip (exit 0): the index holds exactly it."""
    require_corpus()
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in ("lrb_00000.txt", "lrb_00001.txt"):
        shutil.copy(CORPUS / "docs" / "lawrefbook" / "difang_shanghai" / name, folder / name)
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("path,公开方式,有效性\narchive/lrb_00000.txt,依申请公开,废止\n",
                       encoding="utf-8")  # fmt: skip
    data = tmp_path / "data"
    runner = CliRunner()

    def ingest(*args: str) -> object:
        return runner.invoke(main, ["--data-dir", str(data), "ingest", str(folder),
                                    "--workers", "1", *args])  # fmt: skip

    assert ingest("--catalog", str(catalog)).exit_code == 0
    unchanged = ingest()
    assert unchanged.exit_code == 0, unchanged.output
    assert "lrb_00000.txt: kept as catalogued by" in unchanged.output
    with open(folder / "lrb_00000.txt", "a", encoding="utf-8") as f:
        f.write("\n本条例第九十九条修订为：口岸服务绿色通道全年开放。\n")
    report = tmp_path / "report.json"
    changed = ingest("--report", str(report))
    assert changed.exit_code == 1, changed.output
    first = changed.output.splitlines()[0]
    assert first.startswith("2 files: 0 ingested, 1 unchanged, 0 skipped, 1 not updated, 0 failed")
    assert "not updated (the index keeps the earlier version):" in changed.output
    assert f"lrb_00000.txt: the file changed since it was catalogued by {catalog}" in (
        changed.output
    )
    assert f"ingest again with --catalog {catalog}" in changed.output
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["not_updated"] == 1 and written["skipped"] == 0
    assert [f["path"] for f in written["not_updated_files"]] == ["lrb_00000.txt"]

    def stored() -> tuple[int, tuple[str, str]]:
        """How many hold the new text, and the catalogued document's level and validity."""
        index = SearchIndex(EmbeddedIndex(data))
        try:
            total = index.search(Query(q='"绿色通道全年开放"', viewer=STAFF)).total
            [doc] = [d for d in index.backend.catalog() if d.path == "lrb_00000.txt"]
            return total, (doc.disclosure, doc.validity)
        finally:
            index.close()

    assert stored() == (0, ("on_request", "repealed"))
    applied = ingest("--catalog", str(catalog))
    assert applied.exit_code == 0 and "1 ingested" in applied.output, applied.output
    assert stored() == (1, ("on_request", "repealed"))


def test_sigterm_stops_an_ingest_as_ctrl_c_does(folder, tmp_path, monkeypatch):
    """QA pass 44b: ``timeout``, ``systemctl stop``, docker and Kubernetes send SIGTERM, which
    killed an ingest within 0.2 s: no summary, no ``--report``. It now stops as Ctrl-C does:
    what was written kept, the summary and the report written, exit 143. The signal is sent
    from inside the writer, after the first documents are committed."""
    import os
    import signal

    real = EmbeddedIndex.write

    def terminated_after_3(self, docs, **kwargs):
        def until(items):
            for n, item in enumerate(items):
                if n == 3:
                    os.kill(os.getpid(), signal.SIGTERM)
                yield item

        return real(self, until(docs), commit_every=2)

    monkeypatch.setattr(EmbeddedIndex, "write", terminated_after_3)
    before = signal.getsignal(signal.SIGTERM)
    data, report = tmp_path / "data", tmp_path / "report.json"
    try:
        result = CliRunner().invoke(main, ["--data-dir", str(data), "ingest", str(folder),
                                           "--workers", "1", "--quiet", "--report", str(report)])
    finally:
        signal.signal(signal.SIGTERM, before)
    assert result.exit_code == 143, result.output
    assert result.output.startswith("interrupted: ")
    said = json.loads(report.read_text(encoding="utf-8"))
    assert said["interrupted"] is True and said["ok"] == 2


def test_an_ingest_with_workers_ends_without_a_traceback(folder, tmp_path):
    """QA pass 44c: the SIGTERM handler (above) was inherited by the worker processes, which
    the run stops with SIGTERM at its end: every ingest with workers printed two
    KeyboardInterrupt tracebacks, mailed nightly by cron. A real process, as cron runs it."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "govsearch", "--data-dir", str(tmp_path / "data"), "ingest",
         str(folder), "--workers", "2", "--quiet"],
        capture_output=True, text=True, timeout=600, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr  # the fixture's one broken PDF
    assert "Traceback" not in run.stderr and "KeyboardInterrupt" not in run.stderr, run.stderr


def test_files_a_catalogue_not_applied_holds_share_one_line(tmp_path):
    """QA pass 47: an ingest of a catalogued folder without --catalog printed one "held back"
    line per file, each naming its own row (20,000 lines for 20,000 files). Files held for one
    cause share a line of the summary; the report still lists each with its row."""
    require_corpus()
    folder = tmp_path / "docs"
    folder.mkdir()
    text = (CORPUS / "docs" / "govcn_policy" / "govcn_002.txt").read_text(encoding="utf-8")
    rows = ["path,title,disclosure"]
    for i in range(6):
        (folder / f"f{i}.txt").write_text(f"{text}\n第{i}份。", encoding="utf-8")
        rows.append(f"f{i}.txt,标题{i},主动公开")
    (folder / "catalog.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "d"), "ingest", str(folder),
                                       "--report", str(report)])  # fmt: skip
    assert "6 held back (not published)" in result.output.splitlines()[0], result.output
    held = [line for line in result.output.splitlines() if "names this file" in line]
    assert held == [
        "  6 files (f0.txt, f1.txt, f2.txt and 3 more; --report lists them all): catalog.csv "
        "line … names this file, but that catalogue was not applied: held as not_public until "
        f"an ingest gives it (--catalog {folder / 'catalog.csv'}, or the API's \"catalog\")"
    ], result.output
    listed = json.loads(report.read_text(encoding="utf-8"))["held_files"]
    assert sorted(h["reason"].split(" names")[0] for h in listed) == [
        f"catalog.csv line {n}" for n in range(2, 8)]


def test_a_file_size_limit_stops_the_ingest_as_a_full_disk_does(tmp_path):
    """QA pass 47b: under ``ulimit -f`` (or a quota) an ingest ended in a raw traceback
    (SQLite's "disk I/O error"), exit 1, no --report, where a full disk stopped it cleanly.
    A real limit here: the command runs in a process whose RLIMIT_FSIZE its texts outgrow."""
    import resource
    import subprocess
    import sys

    require_corpus()
    folder = tmp_path / "docs"
    folder.mkdir()
    for path in sorted((CORPUS / "docs" / "govcn_policy").glob("govcn_0[0-2]*.txt")):
        shutil.copy(path, folder / path.name)
    data, report = tmp_path / "data", tmp_path / "report.json"

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    done = subprocess.run(
        [sys.executable, "-m", "govsearch", "--data-dir", str(data), "ingest", str(folder),
         "--workers", "1", "--report", str(report)],
        capture_output=True, text=True, preexec_fn=limited, timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert "Traceback" not in out
    assert f"the disk holding {data} " in out and "file-size limit" in out, out
    stopped = next(line for line in out.splitlines() if line.startswith("stopped: "))
    assert stopped.count("run the same") == 1, stopped  # said once (QA pass 47c: twice)
    assert json.loads(report.read_text())["interrupted"] is True


def test_an_archive_moved_keeps_its_vectors_and_is_not_told_to_embed_again(tmp_path):
    """QA pass 47b: a folder moved and ingested again (its ids and texts kept, and so its
    vectors) was told "the 6444 documents ingested now are found by their words only until
    `govsearch embed` runs": hours of embedding for nothing. Only documents without vectors of
    their content are counted."""
    from tests.search_index.test_semantic import require_model

    require_corpus()
    require_model()
    archive = tmp_path / "archive"
    (archive / "docs").mkdir(parents=True)
    for name in ("govcn_002.txt", "govcn_003.txt"):
        shutil.copy(CORPUS / "docs" / "govcn_policy" / name, archive / "docs" / name)
    data = ["--data-dir", str(tmp_path / "d")]
    runner = CliRunner()
    first = runner.invoke(main, [*data, "ingest", str(archive / "docs")])
    assert "search by meaning: the 2 documents" in first.output, first.output
    assert runner.invoke(main, [*data, "embed", "--threads", "1"]).exit_code == 0
    moved = tmp_path / "moved"
    archive.rename(moved)
    (moved / "docs" / "new.txt").write_text(
        "关于青松县开展湿地巡护工作的通知\n各乡镇：现就湿地巡护工作通知如下。\n", encoding="utf-8")
    again = runner.invoke(main, [*data, "ingest", str(moved / "docs"), "--prune"])
    assert again.exit_code == 0, again.output
    assert "3 ingested" in again.output.splitlines()[0], again.output
    assert "search by meaning: 1 of the 3 documents ingested now" in again.output, again.output


def test_a_row_naming_a_file_moved_in_the_run_says_where_it_is_now(tmp_path):
    """QA pass 47b: after `mv govcn_001.txt govcn_001_v2.txt`, one report said "moved:
    govcn_001.txt → govcn_001_v2.txt" and "line 3: docs/govcn_001.txt: row names no file",
    and nothing joined the two: the row says where its file is now."""
    require_corpus()
    folder = tmp_path / "archive"
    (folder / "docs").mkdir(parents=True)
    for name in ("govcn_002.txt", "govcn_003.txt"):
        shutil.copy(CORPUS / "docs" / "govcn_policy" / name, folder / "docs" / name)
    catalog = folder / "catalog.csv"
    catalog.write_text("path,title\ndocs/govcn_002.txt,甲\ndocs/govcn_003.txt,乙\n",
                       encoding="utf-8")  # fmt: skip
    data = ["--data-dir", str(tmp_path / "d")]
    args = ["ingest", str(folder), "--catalog", str(catalog)]
    assert CliRunner().invoke(main, [*data, *args]).exit_code == 0
    (folder / "docs" / "govcn_002.txt").rename(folder / "docs" / "govcn_002_v2.txt")
    again = CliRunner().invoke(main, [*data, *args])
    assert "docs/govcn_002.txt → docs/govcn_002_v2.txt" in again.output, again.output
    assert ("docs/govcn_002.txt: row names no file in the catalogue's folder; its file moved in "
            "this run to 'docs/govcn_002_v2.txt': write that path in the row") in again.output, (
        again.output)


def test_each_identical_copy_of_a_renamed_folder_moves_to_its_own_file(tmp_path):
    """QA pass 47c: a folder holding one text twice (a public copy, and one its row holds
    不予公开) was renamed; the held copy's old id was recorded as moved to the public copy,
    since the run kept one file per text. Each old id leads to its own file."""
    require_corpus()
    old = tmp_path / "mv1"
    (old / "docs").mkdir(parents=True)
    text = CORPUS / "docs" / "govcn_policy" / "govcn_002.txt"
    shutil.copy(text, old / "docs" / "a.txt")
    shutil.copy(text, old / "docs" / "copy_of_a.txt")
    (old / "catalog.csv").write_text(
        "path,公开方式\ndocs/a.txt,主动公开\ndocs/copy_of_a.txt,不予公开\n", encoding="utf-8")
    data = ["--data-dir", str(tmp_path / "d")]
    first = CliRunner().invoke(main, [*data, "ingest", str(old), "--catalog",
                                      str(old / "catalog.csv")])  # fmt: skip
    assert first.exit_code == 0, first.output
    new = tmp_path / "mv2"
    old.rename(new)
    again = CliRunner().invoke(main, [*data, "ingest", str(new), "--catalog",
                                      str(new / "catalog.csv")])  # fmt: skip
    assert f"{old / 'docs' / 'a.txt'} → docs/a.txt" in again.output, again.output
    assert f"{old / 'docs' / 'copy_of_a.txt'} → docs/copy_of_a.txt" in again.output, (
        again.output)


def test_each_identical_copy_of_a_folder_read_again_inside_another_moves_to_its_own_file(
    tmp_path,
):
    """The same as a folder ingested apart, then read again as part of its parent."""
    require_corpus()
    sub = tmp_path / "top" / "sub"
    sub.mkdir(parents=True)
    text = CORPUS / "docs" / "govcn_policy" / "govcn_002.txt"
    shutil.copy(text, sub / "b_copy.txt")
    shutil.copy(text, sub / "a.txt")
    data = ["--data-dir", str(tmp_path / "d")]
    assert CliRunner().invoke(main, [*data, "ingest", str(sub)]).exit_code == 0
    again = CliRunner().invoke(main, [*data, "ingest", str(tmp_path / "top")])
    assert f"{sub / 'a.txt'} → sub/a.txt" in again.output, again.output
    assert f"{sub / 'b_copy.txt'} → sub/b_copy.txt" in again.output, again.output


def test_a_folder_that_cannot_be_read_is_reported_and_stops_nothing(tmp_path):
    """QA pass 48a: a subfolder without search permission (``chmod 000``, or ``644``) stopped
    the whole ingest with a traceback (no summary, no report, nothing else ingested), and one
    that could not be listed (``311``) was passed over without a word; 48d: one that can be
    listed but not searched (``644``) holding a .txt still did. Each is a skipped
    entry saying why; the rest is ingested; ``--prune`` removes none of their documents. Run as
    a user without root's permission bypass (root's capabilities dropped, if root)."""
    import shutil as sh
    import subprocess
    import sys

    require_corpus()
    arch = tmp_path / "arch"
    for sub, name in (("a", "govcn_002.txt"), ("b", "govcn_003.txt"), ("c", "govcn_004.txt")):
        (arch / sub).mkdir(parents=True)
        sh.copy(CORPUS / "docs" / "govcn_policy" / name, arch / sub / name)
    data = tmp_path / "data"
    assert CliRunner().invoke(main, ["--data-dir", str(data), "ingest", str(arch)]).exit_code == 0
    sh.copy(CORPUS / "docs" / "govcn_policy" / "govcn_005.txt", arch / "a" / "new.txt")
    (arch / "b").chmod(0o000)
    (arch / "c").chmod(0o311)
    (arch / "d").mkdir()  # listed, not searched (QA pass 48d: its .txt, looked at as a
    sh.copy(CORPUS / "docs" / "govcn_policy" / "govcn_006.txt", arch / "d" / "x.txt")
    (arch / "d").chmod(0o644)  # catalogue, still stopped the run)
    report = tmp_path / "report.json"
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []  # fmt: skip
    try:
        run = subprocess.run(
            [*drop, sys.executable, "-m", "govsearch", "--data-dir", str(data), "ingest",
             str(arch), "--prune", "--report", str(report)],
            capture_output=True, text=True, timeout=600, cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
    finally:
        for sub in ("b", "c", "d"):
            (arch / sub).chmod(0o755)
    assert "Traceback" not in run.stderr, run.stderr
    said = json.loads(report.read_text(encoding="utf-8"))
    skipped = {s["path"]: s["reason"] for s in said["skipped_files"]}
    for sub in ("b", "c", "d"):
        assert "a folder that cannot be read (Permission denied)" in skipped[sub], said
    assert [d["path"] for d in said["ingested_files"]] == ["a/new.txt"], said
    assert not said.get("pruned"), said
    index = SearchIndex(EmbeddedIndex(data))
    try:
        assert len(list(index.backend.catalog())) == 4
    finally:
        index.close()


def test_a_copy_renamed_beside_an_unchanged_copy_moves_to_its_new_name(tmp_path):
    """A folder holds one text twice; one copy is renamed. Its old id leads to the renamed
    file, not to the copy that stayed where it was (a file already in the index is itself)."""
    require_corpus()
    folder = tmp_path / "docs"
    folder.mkdir()
    text = CORPUS / "docs" / "govcn_policy" / "govcn_002.txt"
    shutil.copy(text, folder / "a.txt")
    shutil.copy(text, folder / "b.txt")
    data = ["--data-dir", str(tmp_path / "d")]
    assert CliRunner().invoke(main, [*data, "ingest", str(folder)]).exit_code == 0
    (folder / "b.txt").rename(folder / "c.txt")
    again = CliRunner().invoke(main, [*data, "ingest", str(folder)])
    assert "b.txt → c.txt" in again.output and "b.txt → a.txt" not in again.output, again.output


def test_one_file_is_said_in_the_singular(tmp_path):
    """QA pass 48d: "1 files: 1 ingested", and "the document ingested now is found by their
    words"."""
    require_corpus()
    one = tmp_path / "one.txt"
    shutil.copy(CORPUS / "docs" / "govcn_policy" / "govcn_002.txt", one)
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "d"), "ingest", str(one)])
    assert result.output.startswith("1 file: 1 ingested"), result.output
    if "search by meaning" in result.output:  # (with the embedding model installed)
        assert "the document ingested now is found by its words only" in result.output


def _moved_archive(tmp_path: Path) -> tuple[Path, Path]:
    """An archive of two notices, and the path it is moved to (not yet moved)."""
    require_corpus()
    archive = tmp_path / "disk1" / "archive"
    archive.mkdir(parents=True)
    for name in ("govcn_002.txt", "govcn_003.txt"):
        shutil.copy(CORPUS / "docs" / "govcn_policy" / name, archive / name)
    return archive, tmp_path / "disk2" / "archive"


def _levels(index: SearchIndex) -> dict[str, str]:
    return {d.path: d.disclosure for d in index.backend.catalog()}


def test_a_moved_archive_keeps_public_what_a_hidden_copy_elsewhere_also_holds(tmp_path, index):
    """QA pass 51f: a public archive, moved to another disk, was held back wherever an
    internal folder held a hidden copy of one of its notices (taken as a new file copying a
    hidden text), and every later run said "not updated". Its ids are kept, and so is the
    level its own ingest gave it."""
    archive, moved = _moved_archive(tmp_path)
    internal = tmp_path / "internal"
    internal.mkdir()
    shutil.copy(archive / "govcn_002.txt", internal / "copy.txt")
    run_ingest(index, [archive], workers=1)
    run_ingest(index, [internal], default_disclosure="not_public", disclosure_given=True,
               workers=1)  # fmt: skip
    moved.parent.mkdir()
    archive.rename(moved)
    report = run_ingest(index, [moved], workers=1)
    assert not report.held, report.summary()
    # the move said (QA pass 52b: no line of the report told it was recognised)
    assert report.moved == [f"{archive} → {moved} (an archive moved: 2 documents keep their ids)"]
    assert _levels(index) == {
        "govcn_002.txt": "public", "govcn_003.txt": "public", "copy.txt": "not_public"}
    again = run_ingest(index, [moved], workers=1)
    assert again.unchanged == 2 and not again.held and not again.not_updated, again.summary()


def test_a_moved_hidden_archive_is_not_published_by_the_default(tmp_path, index):
    """QA 51f's move, the other way: an archive ingested 不予公开, moved, and ingested again
    with no level named came back public (a new file at the default level, with no other
    copy to take a level from)."""
    archive, moved = _moved_archive(tmp_path)
    run_ingest(index, [archive], default_disclosure="not_public", disclosure_given=True,
               workers=1)  # fmt: skip
    moved.parent.mkdir()
    archive.rename(moved)
    run_ingest(index, [moved], workers=1)
    assert set(_levels(index).values()) == {"not_public"}
    assert index.count() == 0
    run_ingest(index, [moved], workers=1)
    assert set(_levels(index).values()) == {"not_public"}
    published = run_ingest(index, [moved], default_disclosure="public", disclosure_given=True,
                           workers=1)  # fmt: skip
    assert set(_levels(index).values()) == {"public"}, published.summary()


def test_a_moved_catalogued_archive_read_without_its_catalogue_keeps_its_cells(tmp_path, index):
    """QA pass 52b: moved, and ingested again without --catalog (a nightly job's flag
    forgotten), a rule the catalogue marked 废止 came back 有效, its 文号, title and date gone,
    exit 0; where the folder held its catalogue, its public rows were held back. The same
    ingest of the archive never moved keeps the catalogued version: moved, it does too, and
    says so."""
    archive, moved = _moved_archive(tmp_path)
    catalog = archive / "catalog.csv"
    catalog.write_text(
        "path,title,有效性,文号,发布日期,公开方式\n"
        "govcn_002.txt,旧的通知,废止,人社部发〔2019〕9号,2019-05-01,依申请公开\n"
        "govcn_003.txt,另一份通知,,,,主动公开\n", encoding="utf-8")
    run_ingest(index, [archive], catalog=catalog, workers=1)
    before = {d.path: d for d in index.backend.catalog()}
    moved.parent.mkdir()
    archive.rename(moved)
    report = run_ingest(index, [moved], workers=1)
    after = {d.path: d for d in index.backend.catalog()}
    old = after["govcn_002.txt"]
    assert (old.title, old.validity, old.doc_number, old.publish_date, old.disclosure) == (
        "旧的通知", "repealed", "人社部发〔2019〕9号", "2019-05-01", "on_request")
    assert after["govcn_003.txt"].disclosure == "public" and not report.held, report.summary()
    assert {p: d.catalog for p, d in after.items()} == {p: d.catalog for p, d in before.items()}
    kept = [w for w in report.warned if w.path == "govcn_002.txt"]
    assert kept and "kept as catalogued" in kept[0].reason and "--catalog" in kept[0].reason
    assert run_ingest(index, [moved], workers=1).failed == []


def test_a_hidden_archive_moved_into_a_held_folder_stays_hidden_once_the_hold_is_lifted(
    tmp_path, index
):
    """The review of QA pass 52c: ingested 不予公开, moved, and held on the run after the move
    (a catalogue in it leading outside), the notices were written with a hold over
    their decided level; once the hold was lifted the next plain ingest published them. An
    archive never moved keeps 不予公开 through the same runs, and so does a moved one."""
    archive, moved = _moved_archive(tmp_path)
    run_ingest(index, [archive], default_disclosure="not_public", disclosure_given=True,
               workers=1)  # fmt: skip
    moved.parent.mkdir()
    archive.rename(moved)
    # a catalogue in the folder that leads outside it: not read, and the folder held
    outside = tmp_path / "outside.csv"
    outside.write_text("path,公开方式\n", encoding="utf-8")
    (moved / "catalog.csv").symlink_to(outside)
    assert run_ingest(index, [moved], workers=1).held
    assert set(_levels(index).values()) == {"not_public"}
    (moved / "catalog.csv").unlink()
    run_ingest(index, [moved], workers=1)
    assert set(_levels(index).values()) == {"not_public"} and index.count() == 0
