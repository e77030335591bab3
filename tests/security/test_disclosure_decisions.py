"""Disclosure decisions fail closed, and the ingest says what it decided (issue 10, part A).

Real corpus files are ingested through the real pipeline and CLI into a real embedded index,
and served by the real app; the same decisions on Elasticsearch are in the backend contract
(tests/search_index/contract.py, "ingest decisions").
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from govsearch.cli import main
from model.errors import BadRequest, ConfigError
from model.settings import Settings
from model.viewer import ANONYMOUS, STAFF
from pipeline.run import run_ingest
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from search_index.request import Query
from tests.corpus import CORPUS, require_corpus, sample_paths
from tests.security.conftest import serve


def _folder(root: Path, n: int, offset: int = 0) -> Path:
    """``n`` real corpus texts as a.txt, b.txt … in ``root``."""
    require_corpus()
    root.mkdir(parents=True)
    for i, path in enumerate(sample_paths(10, seed=3)[offset : offset + n]):
        shutil.copy(CORPUS / path, root / f"{chr(ord('a') + i)}.txt")
    return root


def _levels(index: SearchIndex) -> dict[str, str]:
    docs = index.backend.fetch(sorted(index.fingerprints()))
    return {d.path: d.disclosure for d in docs.values()}


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    ix = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    yield ix
    ix.close()


# -- 5: the catalogue fails closed --------------------------------------------------------------
def test_catalogue_row_in_other_letter_case_holds_the_file_back(tmp_path, index):
    folder = _folder(tmp_path / "archive", 2)
    csv = folder / "catalog.csv"
    csv.write_text("path,公开方式\nA.TXT,不予公开\n", encoding="utf-8")
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "public"}
    assert [h.path for h in report.held] == ["a.txt"]
    assert "catalog.csv line 2" in report.held[0].reason
    [row] = [f for f in report.failed if f.path == "catalog.csv line 2"]
    assert "names no file" in row.reason and "did you mean 'a.txt'" in row.reason
    assert "held back" in report.summary() and report.to_dict()["held_files"]
    # the levels add up to the documents written, the held back one too (QA pass 37a: a
    # script summing them found 106 fewer); the summary still says it once, as held back
    assert report.to_dict()["levels"] == {"not_public": 1, "public": 1}
    assert "written not public" not in report.summary()


def test_rows_typed_loosely_hold_their_files_back(tmp_path, index):
    """QA pass 24a: only a letter case was a near miss; rows typed with a Chinese input method
    (full-width digits, （） for ()), with a double space or another extension named no file,
    and their 不予公开 files were published. Each is held until a row names it exactly; a row
    naming its own file is no near miss for another."""
    folder = _folder(tmp_path / "archive", 7)
    names = ["2019年第3号请示.txt", "请示（草稿）.txt", "Notice.txt", "报告.txt", "会议 纪要.txt",
             "會議紀錄.txt"]  # fmt: skip
    for old, new in zip("abcdeg", names, strict=True):
        (folder / f"{old}.txt").rename(folder / new)
    (folder / "f.txt").rename(folder / "通知.pdf.txt")
    rows = ["２０１９年第３号请示.txt", "请示(草稿).txt", "notice.txt", "报告.doc",
            "会议  纪要.txt", "会议纪录.txt"]  # QA pass 24c: the other script
    csv = folder / "catalog.csv"
    csv.write_text("path,公开方式\n" + "".join(f"{r},不予公开\n" for r in rows), encoding="utf-8")
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    levels = _levels(index)
    assert all(levels[n] == "not_public" for n in names), levels
    assert levels["通知.pdf.txt"] == "public"
    assert sorted(h.path for h in report.held) == sorted(names)


def test_a_catalogue_in_the_folder_not_applied_holds_the_files_it_names(tmp_path, index):
    """QA pass 20: an ingest without --catalog (and the API's, which takes none) published a
    file the folder's own catalogue marks 不予公开: the catalogue was only reported as skipped.
    The files it names are held until an ingest applies it; the others are published."""
    folder = _folder(tmp_path / "archive", 3)
    csv = folder / "catalog.csv"
    csv.write_text("path,公开方式\na.txt,不予公开\nb.txt,主动公开\n", encoding="utf-8")
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "not_public", "c.txt": "public"}
    assert sorted(h.path for h in report.held) == ["a.txt", "b.txt"]
    assert "catalog.csv line 2" in report.held[0].reason and "--catalog" in report.held[0].reason
    report = run_ingest(index, [folder], catalog=csv, workers=1)  # applied: its levels
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "public", "c.txt": "public"}
    assert not report.held
    report = run_ingest(index, [folder / "c.txt"], workers=1)  # a file given: its folder's too
    assert _levels(index)["c.txt"] == "public"


def test_a_list_of_files_that_states_no_level_holds_nothing_back(tmp_path, index):
    """QA pass 46b: the corpus's files/manifest.csv (path,format,encoding,source_doc,notes),
    not applied, held back its 106 files, the corpus's one scan too, although none of its rows
    can say 不予公开. A catalogue with a 公开方式 column, or a level written in another column,
    still holds the files it names."""
    folder = _folder(tmp_path / "archive", 3)
    listing = folder / "files.csv"
    listing.write_text("path,format,notes\na.txt,txt,rendered\nb.txt,txt,\n", encoding="utf-8")
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a.txt": "public", "b.txt": "public", "c.txt": "public"}
    assert not report.held
    listing.write_text("path,format,notes\na.txt,txt,不予公开\n", encoding="utf-8")  # a level
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index)["a.txt"] == "not_public" and [h.path for h in report.held] == ["a.txt"]


def test_a_catalogue_none_of_whose_rows_names_a_file_is_refused(tmp_path):
    """QA pass 46b: a catalogue kept outside the folder its paths start from named every file
    "nearly", and one ingest held back the whole archive (6,443 documents). Refused, saying
    where its paths seem to start from, before any index is made."""
    folder = _folder(tmp_path / "archive", 2)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "catalog.csv").write_text("path,公开方式\na.txt,主动公开\nb.txt,不予公开\n",
                                         encoding="utf-8")  # fmt: skip
    data = tmp_path / "data"
    result = CliRunner().invoke(main, ["--data-dir", str(data), "ingest", str(folder),
                                       "--catalog", str(outside / "catalog.csv")])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "none of its 2 rows names a file" in result.output
    assert f"its paths seem to start from {folder}" in result.output
    assert "nothing was ingested" in result.output and not (data / "index").exists()
    shutil.move(outside / "catalog.csv", folder / "catalog.csv")  # where its paths start
    result = CliRunner().invoke(main, ["--data-dir", str(data), "ingest", str(folder),
                                       "--catalog", str(folder / "catalog.csv")])  # fmt: skip
    assert result.exit_code == 0, result.output


def test_rows_naming_a_file_by_its_name_or_from_a_folder_above_hold_it(tmp_path, index):
    """QA pass 46c: a catalogue whose rows gave bare names (n1.txt for docs/n1.txt) or paths
    from the folder above the one ingested (dept3/docs/n1.txt) was dropped unsaid, exit 0,
    and the file its row marks 不予公开 was published. A row naming no file whose path ends
    the file's path holds it, applied or only found, and is reported with the path to give."""
    dept = tmp_path / "roots" / "dept3"
    _folder(dept / "docs", 2)
    elsewhere = tmp_path / "cats"
    elsewhere.mkdir()
    for name, rows in (("parent.csv", "dept3/docs/a.txt"), ("bare.csv", "a.txt")):
        csv = elsewhere / name
        csv.write_text(f"path,公开方式\n{rows},不予公开\n", encoding="utf-8")
        report = run_ingest(index, [dept], catalog=csv, workers=1)
        assert _levels(index) == {"docs/a.txt": "not_public", "docs/b.txt": "public"}, name
        assert [h.path for h in report.held] == ["docs/a.txt"], name
        [row] = [f for f in report.failed if f.path == f"{name} line 2"]
        assert "did you mean '../roots/dept3/docs/a.txt'" in row.reason, row.reason
        index.delete(list(index.fingerprints()))
    inside = dept / "catalog.csv"  # bare names inside the folder, found and not applied
    inside.write_text("path,公开方式\na.txt,不予公开\n", encoding="utf-8")
    report = run_ingest(index, [dept], workers=1)
    assert _levels(index) == {"docs/a.txt": "not_public", "docs/b.txt": "public"}
    assert "catalog.csv line 2 names this file nearly" in report.held[0].reason


def test_a_held_files_advice_says_how_its_catalogue_can_be_applied(tmp_path, index):
    """QA pass 46c: a catalogue in meta/ with paths from the folder above held its files and
    advised --catalog, which was then refused (none of its rows names a file from meta/). The
    advice says the path the row should give first; given so, the catalogue applies."""
    dept = tmp_path / "dept4"
    _folder(dept / "docs", 2)
    (dept / "meta").mkdir()
    csv = dept / "meta" / "catalog.csv"
    csv.write_text("path,公开方式\ndocs/a.txt,不予公开\ndocs/b.txt,主动公开\n", encoding="utf-8")
    report = run_ingest(index, [dept], workers=1)
    reason = next(h.reason for h in report.held if h.path == "docs/a.txt")
    assert "write this row's as '../docs/a.txt', then --catalog" in reason, reason
    csv.write_text("path,公开方式\n../docs/a.txt,不予公开\n../docs/b.txt,主动公开\n",
                   encoding="utf-8")  # fmt: skip
    run_ingest(index, [dept], catalog=csv, workers=1)
    assert _levels(index) == {"docs/a.txt": "not_public", "docs/b.txt": "public"}


def test_a_level_in_a_notes_column_holds_the_file(tmp_path, index):
    """QA pass 46c: 涉密，不予公开, 不公开 or 依申请公开（个人信息） written in a notes column
    published the file; only a cell that was exactly a level held it. A title that names a
    level among other words is still text."""
    folder = _folder(tmp_path / "archive", 4)
    csv = folder / "catalog.csv"
    csv.write_text(
        "path,title,备注\na.txt,,涉密，不予公开\nb.txt,,不公开\nc.txt,,依申请公开（个人信息）\n"
        "d.txt,关于不予公开事项的通知,已核对\n", encoding="utf-8",
    )  # fmt: skip
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    levels = _levels(index)
    assert [levels[f"{n}.txt"] for n in "abcd"] == ["not_public"] * 3 + ["public"], levels
    assert sorted(h.path for h in report.held) == ["a.txt", "b.txt", "c.txt"]


def test_a_departments_catalogue_below_the_folder_ingested_holds_its_files(tmp_path, index):
    """QA pass 24a: a catalogue one folder down (an archive of departments, each with its own,
    ingested from its root; samples/ copied into an archive) was recognised as a catalogue and
    not applied, and the files it marks 不予公开 were published. It holds the files it names,
    with or without another catalogue given; a row of the catalogue given decides."""
    root = tmp_path / "archive"
    dept = _folder(root / "dept1", 2)
    _folder(root / "dept2", 1, offset=2)
    (dept / "目录.csv").write_text("文件名,标题,公开方式\na.txt,甲,不予公开\nB.doc,乙,不予公开\n",
                                   encoding="utf-8")  # fmt: skip
    report = run_ingest(index, [root], workers=1)
    assert _levels(index) == {"dept1/a.txt": "not_public", "dept1/b.txt": "not_public",
                              "dept2/a.txt": "public"}  # fmt: skip
    held = {h.path: h.reason for h in report.held}
    assert "目录.csv line 2 names this file," in held["dept1/a.txt"]
    assert "目录.csv line 3 names this file nearly" in held["dept1/b.txt"]  # QA pass 24c
    top = tmp_path / "top.csv"
    top.write_text("path,公开方式\narchive/dept2/a.txt,主动公开\n", encoding="utf-8")
    report = run_ingest(index, [root], catalog=top, workers=1)
    assert _levels(index)["dept1/a.txt"] == "not_public"
    top.write_text("path,公开方式\narchive/dept1/a.txt,主动公开\n", encoding="utf-8")
    report = run_ingest(index, [root], catalog=top, workers=1)  # the catalogue given decides
    assert _levels(index)["dept1/a.txt"] == "public"
    assert [h.path for h in report.held] == ["dept1/b.txt"]  # still nearly named there


def test_every_departments_catalogue_is_read_by_the_command_line(tmp_path, index):
    """The command line reads any number of catalogues of any size (the API's limit is the
    server's): a first version of that limit counted the command line's catalogues against 0
    and called the second department's too large."""
    root = tmp_path / "archive"
    for n, dept in enumerate(("dept1", "dept2", "dept3")):
        folder = _folder(root / dept, 1, offset=n)
        (folder / "目录.csv").write_text("文件名,标题,公开方式\na.txt,甲,依申请公开\n",
                                         encoding="utf-8")  # fmt: skip
    report = run_ingest(index, [root], workers=1)
    held = {h.path: h.reason for h in report.held}
    assert sorted(held) == ["dept1/a.txt", "dept2/a.txt", "dept3/a.txt"], held
    assert all("目录.csv line 2 names this file" in r for r in held.values()), held


@pytest.mark.parametrize(
    "text",
    ['path,公开方式\n"a.txt,不予公开\nb.txt,主动公开\n',  # a quote never closed
     'path,公开方式\na.txt,"不予公开"x\nb.txt,主动公开\n'],  # text after a closing quote
)  # fmt: skip
def test_a_catalogue_that_cannot_be_read_holds_its_folder(tmp_path, index, text):
    """QA pass 23b: a catalogue beside the files that could not be read, ingested without
    --catalog, was reported as an unsupported file and its 不予公开 file published. Which
    files it names cannot be told, so its folder's are held; a readable catalogue given
    applies, as ever."""
    folder = _folder(tmp_path / "archive", 2)
    bad = folder / "catalog.csv"
    bad.write_bytes(text.encode("gb18030"))
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "not_public"}
    assert sorted(h.path for h in report.held) == ["a.txt", "b.txt"]  # not the catalogue
    assert "cannot be read" in report.held[0].reason and "--catalog" in report.held[0].reason
    [sheet] = [s.reason for s in report.skipped if s.path == "catalog.csv"]
    assert "a catalogue" in sheet and "--catalog" in sheet
    good = tmp_path / "fixed.csv"
    good.write_text("path,公开方式\narchive/a.txt,不予公开\narchive/b.txt,主动公开\n",
                    encoding="utf-8")
    run_ingest(index, [folder], catalog=good, workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "public"}


def test_a_hold_lifted_gives_the_default_and_keeps_a_decided_level(tmp_path, index):
    """QA pass 48d: an unreadable catalogue-kind file held its folder's public files back, and
    once it could be read they stayed withdrawn for good, taken for files an ingest had
    decided to hide (every later ingest "held as not_public … give it one"), and left out of
    the summary's count of files. A hold is no decision: lifted, the default applies, as to a
    new file. A level an ingest did decide (依申请公开) is kept through the hold and after."""
    folder = _folder(tmp_path / "archive", 2)
    run_ingest(index, [folder], workers=1)
    (folder / "catalog.csv").write_bytes('path,公开方式\n"a.txt,不予公开\n'.encode())
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "not_public"}
    assert sorted(h.path for h in report.held) == ["a.txt", "b.txt"]
    (folder / "catalog.csv").unlink()
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a.txt": "public", "b.txt": "public"}
    assert not report.held and report.total == 2, report.summary()

    run_ingest(index, [folder / "a.txt"], default_disclosure="on_request", workers=1)
    (folder / "catalog.csv").write_bytes('path,公开方式\n"a.txt,不予公开\n'.encode())
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a.txt": "on_request", "b.txt": "not_public"}
    held = {h.path: h.reason for h in report.held}
    assert "cannot be read" in held["a.txt"] and "on_request" in held["a.txt"], held
    assert report.total == 3 and report.unchanged == 1, report.summary()  # the sheet skipped
    # edited while held: its new text at the level decided before, nothing "not updated"
    (folder / "a.txt").write_text((folder / "a.txt").read_text() + "\n补充说明甲乙丙。",
                                  encoding="utf-8")  # fmt: skip
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a.txt": "on_request", "b.txt": "not_public"}
    assert not report.not_updated and "a.txt" in {h.path for h in report.held}, report.summary()
    assert index.search(Query(q='"补充说明甲乙丙"', viewer=STAFF)).total == 1
    again = run_ingest(index, [folder], workers=1)
    assert again.unchanged == 2 and "a.txt" in {h.path for h in again.held}, again.summary()
    (folder / "catalog.csv").unlink()
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a.txt": "on_request", "b.txt": "public"}
    assert [h.path for h in report.held] == ["a.txt"] and report.total == 2, report.summary()


def test_a_hidden_file_renamed_while_held_keeps_its_level_after(tmp_path, index):
    """QA pass 49c: a file an ingest had hidden (--disclosure 不予公开), renamed while its
    folder was held, was written held and its old document removed as moved; the hold's
    lifting published it. Held, it takes the level of the hidden text it copies, a decision."""
    folder = _folder(tmp_path / "archive", 2)
    run_ingest(index, [folder], default_disclosure="not_public", disclosure_given=True,
               workers=1)  # fmt: skip
    (folder / "catalog.csv").write_bytes('path,公开方式\n"x.txt,不予公开\n'.encode())
    (folder / "a.txt").rename(folder / "a2.txt")
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a2.txt": "not_public", "b.txt": "not_public"}
    held = {h.path: h.reason for h in report.held}
    assert "cannot be read" in held["a2.txt"] and "a.txt" in held["a2.txt"], held
    (folder / "catalog.csv").unlink()
    run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a2.txt": "not_public", "b.txt": "not_public"}
    assert index.search(Query(q="", viewer=ANONYMOUS)).total == 0


def test_a_hidden_level_given_while_held_is_a_decision(tmp_path, index):
    """QA pass 49c: 不予公开 given to an ingest while the folder was held was recorded as the
    hold's level only; once the hold's cause was gone, a plain ingest published the files. A
    level the ingest gives that hides them already is no hold: it outlives the cause."""
    folder = _folder(tmp_path / "archive", 2)
    (folder / "catalog.csv").write_bytes('path,公开方式\n"a.txt,不予公开\n'.encode())
    report = run_ingest(index, [folder], default_disclosure="on_request",
                        disclosure_given=True, workers=1)  # fmt: skip
    assert _levels(index) == {"a.txt": "on_request", "b.txt": "on_request"}
    assert not report.held, report.summary()
    (folder / "catalog.csv").unlink()
    run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a.txt": "on_request", "b.txt": "on_request"}
    # a public level given while held is held still: the unread catalogue may say 不予公开
    (folder / "c.txt").write_text("关于某某事项的通知\n各单位：现就某某事项通知如下。\n",
                                  encoding="utf-8")  # fmt: skip
    (folder / "catalog.csv").write_bytes('path,公开方式\n"a.txt,不予公开\n'.encode())
    report = run_ingest(index, [folder], default_disclosure="public", disclosure_given=True,
                        workers=1)  # fmt: skip
    assert _levels(index) == {"a.txt": "on_request", "b.txt": "on_request", "c.txt": "not_public"}
    assert sorted(h.path for h in report.held) == ["a.txt", "b.txt", "c.txt"], report.summary()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("catalog.csv", "path;公开方式\na.txt;不予公开\nb.txt;主动公开\n"),  # QA pass 23b
        ("catalog.tsv", "文件名\t公开方式\na.txt\t不予公开\nb.txt\t主动公开\n"),
        ("目录.txt", "文件名\t标题\t公开方式\na.txt\t甲\t不予公开\nb.txt\t乙\t主动公开\n"),
        ("catalog.csv", "2024年政府信息公开目录,,\n,,\npath,标题,公开方式\n"
                        "a.txt,甲,不予公开\nb.txt,乙,主动公开\n"),
        ("catalog.csv", "\ufeff某某局政府信息公开目录\npath|公开方式\n"
                        "a.txt|不予公开\nb.txt|主动公开\n"),
        # QA pass 25a: a title row with a comma or a semicolon, seven rows above the header,
        # Taiwan's and annotated column names, full-width commas, a Mac's CR-only lines
        ("catalog.csv", "某某局,2024年目录\n说明;见下\npath,公开方式\na.txt,不予公开\n"
                        "b.txt,主动公开\n"),
        ("catalog.csv", "目录\n" * 7 + "path,公开方式\na.txt,不予公开\nb.txt,主动公开\n"),
        ("catalog.csv", "檔案名稱,公開方式\na.txt,不予公开\nb.txt,主动公开\n"),
        ("catalog.csv", "文件名称（含扩展名）,公开方式\na.txt,不予公开\nb.txt,主动公开\n"),
        ("catalog.csv", "文件名，公开方式\na.txt，不予公开\nb.txt，主动公开\n"),
        ("catalog.csv", "path,公开方式\ra.txt,不予公开\rb.txt,主动公开\r"),
    ],
)  # fmt: skip
def test_a_catalogue_in_a_spreadsheets_other_shapes_is_read(tmp_path, index, name, text):
    """QA pass 24c: a catalogue saved as .tsv or .txt, or with a title row above its header,
    was not recognised: its 不予公开 files were published (the .txt became a public document
    listing them), and given with --catalog it was refused. Each is a catalogue: left beside
    the files it holds the ones it names; given, its rows apply."""
    folder = _folder(tmp_path / "archive", 2)
    sheet = folder / name
    sheet.write_bytes(text.encode("gb18030"))
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "not_public"}, report.summary()
    assert {h.path for h in report.held} == {"a.txt", "b.txt"}
    assert "names this file, but that catalogue was not applied" in report.held[0].reason
    [said] = [s.reason for s in report.skipped if s.path == name]
    assert "a catalogue" in said and "--catalog" in said
    given = run_ingest(index, [folder], catalog=sheet, workers=1)
    assert not given.catalog, given.catalog
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "public"}


@pytest.mark.parametrize("encoding", ["utf-16", "big5"])
def test_a_catalogue_in_excels_unicode_text_or_big5_is_read(tmp_path, index, encoding):
    """QA pass 25a: a catalogue saved as Excel's "Unicode Text" (UTF-16, tabs) became a public
    document itself and its 不予公开 file was published; one in Big5 was not recognised."""
    folder = _folder(tmp_path / "archive", 2)
    sheet = folder / "目錄.txt"
    sheet.write_bytes("檔名\t公開方式\na.txt\t不予公開\nb.txt\t主動公開\n".encode(encoding))
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "not_public"}, report.summary()
    run_ingest(index, [folder], catalog=sheet, workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "public"}


def test_a_title_row_keeps_the_catalogues_line_numbers(tmp_path):
    """The lines a catalogue's problems name are the file's own, title rows counted."""
    from ingest.catalog import load_catalog

    sheet = tmp_path / "catalog.csv"
    sheet.write_text("政府信息公开目录\npath,发布日期\na.txt,2020-13-45\nb.txt,2020-01-02\n",
                     encoding="utf-8")  # fmt: skip
    catalog = load_catalog(sheet)
    assert [(e.line, e.path) for e in catalog.errors] == [(3, "a.txt")], catalog.errors
    assert catalog.entries["b.txt"].line == 4
    # a row of several cells above the header is a title too (QA pass 25a)
    sheet.write_text("甲,乙\npath,发布日期\na.txt,2020-13-45\n", encoding="utf-8")
    assert [(e.line, e.path) for e in load_catalog(sheet).errors] == [(3, "a.txt")]


def test_a_catalogued_document_kept_by_a_plain_ingest_is_not_called_held(tmp_path, index):
    """QA 23b: a folder ingested with its catalogue, one file changed, then ingested without
    --catalog, said "8 held back as not_public" while its public documents stayed public (and
    were listed as "kept as catalogued … (public)" too). Held back is what the index now holds
    so; a document kept at its catalogued level is reported as kept, whatever that level."""
    folder = _folder(tmp_path / "archive", 4)
    csv = folder / "catalog.csv"
    csv.write_text("path,公开方式\na.txt,主动公开\nb.txt,主动公开\nc.txt,不予公开\nd.txt,依申请公开\n",
                   encoding="utf-8")  # fmt: skip
    assert run_ingest(index, [folder], catalog=csv, workers=1).ok
    levels = _levels(index)
    (folder / "b.txt").write_text((folder / "b.txt").read_text() + "改", encoding="utf-8")
    plain = run_ingest(index, [folder], workers=1)
    assert _levels(index) == levels  # nothing published, nothing withdrawn
    assert ix_public(index) == 2
    assert plain.held == [] and plain.to_dict()["held_files"] == []
    assert "held back" not in plain.summary()
    kept = {s.path: s.reason for s in plain.skipped if "kept as catalogued" in s.reason}
    # c.txt's row gives only 不予公开, the level a hold gives, but a hold is no decision: it
    # too is kept as catalogued
    assert set(kept) == {"a.txt", "c.txt", "d.txt"} and "(public)" in kept["a.txt"]
    assert "(not_public)" in kept["c.txt"] and plain.unchanged == 0
    assert [f.path for f in plain.not_updated] == ["b.txt"]
    # a folder whose catalogue was never applied: held when written, and while unchanged
    other = _folder(tmp_path / "other", 1, offset=5)
    (other / "catalog.csv").write_text("path,公开方式\na.txt,主动公开\n", encoding="utf-8")
    for _ in range(2):
        again = run_ingest(index, [other], workers=1)
        assert [h.path for h in again.held] == ["a.txt"]
        assert "1 held back (not published)" in again.summary()


def ix_public(index: SearchIndex) -> int:
    return index.search(Query(q="", viewer=ANONYMOUS)).total


def test_catalogue_in_another_folder_holds_the_files_it_names(tmp_path, index):
    folder = _folder(tmp_path / "archive", 2)
    (tmp_path / "elsewhere").mkdir()
    csv = tmp_path / "elsewhere" / "catalog.csv"
    csv.write_text("path,公开方式\nb.txt,不予公开\nc.txt,主动公开\n", encoding="utf-8")
    # none of its rows names a file from its folder, and they do from the folder ingested: the
    # run is refused, nothing written (QA pass 46b: such a catalogue held back every file of
    # an archive, published ones too)
    with pytest.raises(BadRequest, match="seem to start from .*archive .line 2 names 'b.txt'"):
        run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {}
    # one row naming a file from its folder: the others are near misses, held and reported
    # with the path the row should give, from the catalogue's folder (QA pass 8: "did you
    # mean 'b.txt'?" repeated the row's own cell)
    (tmp_path / "elsewhere" / "own.txt").write_text("其文件夹中的文件", encoding="utf-8")
    csv.write_text("path,公开方式\nb.txt,不予公开\nown.txt,主动公开\n", encoding="utf-8")
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {"a.txt": "public", "b.txt": "not_public"}
    assert [h.path for h in report.held] == ["b.txt"]
    assert any(
        "names no file" in f.reason and "did you mean '../archive/b.txt'" in f.reason
        for f in report.failed
    ), report.failed
    # ... and that path, as the report suggests it, is applied (QA pass 24c: ../archive/b.txt
    # was silently not applied, the file published, exit 0); nearly, it holds the file
    csv.write_text("path,公开方式\n../archive/b.txt,不予公开\n../archive/A.txt,不予公开\n",
                   encoding="utf-8")  # fmt: skip
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "not_public"}
    assert [h.path for h in report.held] == ["a.txt"]
    assert not any("../archive/b.txt" in f.path for f in report.failed), report.failed


def test_invalid_disclosure_cell_is_not_published(tmp_path, index):
    folder = _folder(tmp_path / "archive", 2)
    csv = folder / "catalog.csv"
    csv.write_text("path,公开方式,标题\na.txt,保密,改过的标题\n", encoding="utf-8")
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "public"}
    assert [h.path for h in report.held] == ["a.txt"]
    assert any("保密" in f.reason and "not_public" in f.reason for f in report.failed)
    assert index.search(Query(q="改过的标题", viewer=ANONYMOUS)).total == 0
    assert index.search(Query(q="改过的标题", viewer=STAFF)).total == 1


def test_the_usual_names_of_the_level_column_are_read(tmp_path, index):
    """QA pass 8: a catalogue headed 公开属性 (as common as 公开方式) published its 不予公开 row."""
    folder = _folder(tmp_path / "archive", 2)
    csv = folder / "catalog.csv"
    csv.write_text("path,标题,公开属性\na.txt,内部文件甲,不予公开\n", encoding="utf-8")
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "public"}
    assert not [f for f in report.failed if "catalog" in f.path]


@pytest.mark.parametrize(
    ("catalogue", "said"),
    [
        # a level under a column that is no catalogue field (misspelt): nobody applied it
        ("path,title,disclosre\na.txt,内部文件甲,不予公开\nb.txt,公开文件,主动公开\n",
         "column 'disclosre'"),
        # a comma missing: 不予公开 lands in the 有效性 column, was reported as an unknown
        # validity and the document published
        ("path,title,validity,disclosure\na.txt,内部文件甲,不予公开\nb.txt,公开文件,有效,\n",
         "3 cells for 4 columns"),
        # the same with a trailing comma, so that the count is right (QA pass 8C)
        ("path,title,validity,disclosure\na.txt,内部文件甲有效,不予公开,\nb.txt,公开文件,有效,\n",
         "column 'validity', which is not the level's column"),
        # two level columns that disagree (the last one won, silently)
        ("path,title,公开方式,公开属性\na.txt,内部文件甲,主动公开,不予公开\n"
         "b.txt,公开文件,主动公开,主动公开\n", "level columns disagree"),
        ("path,title,disclosure,disclosure\na.txt,内部文件甲,草稿,主动公开\nb.txt,公开文件,,\n",
         "level columns disagree"),
    ],
)  # fmt: skip
def test_a_row_whose_cells_may_be_misread_is_held_back(tmp_path, index, catalogue, said):
    folder = _folder(tmp_path / "archive", 2)
    csv = folder / "catalog.csv"
    csv.write_text(catalogue, encoding="utf-8")
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "public"}
    assert [h.path for h in report.held] == ["a.txt"]
    assert any(said in f.reason and "held as not_public" in f.reason for f in report.failed)
    found = index.search(Query(q='"内部文件甲"', viewer=ANONYMOUS, size=50)).hits
    assert "a.txt" not in {h.doc.path for h in found}


def test_a_row_naming_its_file_by_absolute_path(tmp_path, index):
    """QA pass 8C: /…/archive/a.txt named no file and its 不予公开 was not applied."""
    folder = _folder(tmp_path / "archive", 2)
    csv = folder / "catalog.csv"
    csv.write_text(f"path,公开方式\n{folder / 'a.txt'},不予公开\n", encoding="utf-8")
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "public"}
    assert not report.held and not report.failed, report.summary()
    # a catalogue kept elsewhere naming the file by its absolute path: its row applies
    (tmp_path / "elsewhere").mkdir()
    other = tmp_path / "elsewhere" / "catalog.csv"
    other.write_text(f"path,公开方式\n{folder / 'b.txt'},草稿\n", encoding="utf-8")
    report = run_ingest(index, [folder], catalog=other, workers=1)
    assert _levels(index)["b.txt"] == "draft", report.summary()


def test_an_unknown_column_is_said(tmp_path, index):
    folder = _folder(tmp_path / "archive", 1)
    csv = folder / "catalog.csv"
    csv.write_text("path,备注\na.txt,已核对\n", encoding="utf-8")
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert report.ok == ["a.txt"] and not report.held  # a note is no level: published
    # said as a note, not a problem to fix: a catalogue's own columns (its provenance) made
    # every nightly run exit 1 (QA pass 47b)
    assert any("'备注' is no catalogue field" in f.reason for f in report.catalog_notes)
    assert not report.failed, report.summary()
    assert "catalogue notes:" in report.summary() and "catalogue:" not in report.summary()
    # a level under it is still a problem of its row, which it holds
    csv.write_text("path,备注\na.txt,不予公开\n", encoding="utf-8")
    again = run_ingest(index, [folder], catalog=csv, workers=1)
    assert again.held and again.failed, again.summary()


def test_a_quote_never_closed_stops_the_ingest(tmp_path, index):
    """QA pass 8: the cell ran to the end of the file, swallowing the rows that held two
    documents back, and both were published with exit 0."""
    folder = _folder(tmp_path / "archive", 3)
    csv = folder / "catalog.csv"
    csv.write_text(
        'path,title,disclosure\na.txt,"关于印发《实施方案》的通知,主动公开\n'
        "b.txt,内部文件乙,不予公开\nc.txt,草稿丙,草稿\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["--data-dir", str(tmp_path / "cli"), "ingest", str(folder), "--catalog", str(csv)]
    )
    assert result.exit_code == 2 and "never closed" in result.output, result.output
    assert not (tmp_path / "cli" / "index").exists() or not _levels(
        SearchIndex(EmbeddedIndex(tmp_path / "cli"))
    )


def test_a_cell_too_long_is_named_with_its_line_column_and_the_limit(tmp_path, index):
    """QA pass 13: a catalogue with a 1,000,000-character cell was refused as "a quote opened
    and never closed?" (the csv module's field limit, misexplained). The cell is named — line,
    column, length, limit — and ignored; its row's document is held, as for any row whose
    cells may be misread, and the other rows apply. The message for a quote never closed stays
    for a quote never closed (above)."""
    from ingest.catalog import MAX_CELL_CHARS

    folder = _folder(tmp_path / "archive", 3)
    csv = folder / "catalog.csv"
    long = "长" * 1_000_000
    csv.write_text(
        f"path,标题,公开方式\na.txt,{long},主动公开\nb.txt,内部文件乙,不予公开\n"
        f'"{long}",标题丙,主动公开\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "cli"), "ingest",
                                       str(folder), "--catalog", str(csv), "--workers", "1"])
    assert result.exit_code == 1, result.output  # a catalogue problem: someone must look
    assert "never closed" not in result.output
    assert (f"catalog.csv line 2: a.txt: column '标题' holds 1,000,000 characters, over the "
            f"{MAX_CELL_CHARS:,} a catalogue cell may hold") in result.output
    assert ("catalog.csv line 4: column 'path' holds 1,000,000 characters, over the "
            f"{MAX_CELL_CHARS:,}") in result.output
    assert "3 files: 3 ingested (txt 3), 0 skipped, 0 failed; 1 held back" in result.output
    ingested = SearchIndex(EmbeddedIndex(tmp_path / "cli"))
    try:
        assert _levels(ingested) == {"a.txt": "not_public", "b.txt": "not_public",
                                     "c.txt": "public"}  # fmt: skip
        assert all(len(d.title) < 1000 for d in ingested.backend.catalog())
    finally:
        ingested.close()


def test_a_readme_in_a_document_format_beside_the_catalogue_is_a_document(tmp_path, index):
    """QA pass 8: a notice saved as README.txt beside catalog.csv was dropped, counted nowhere;
    a Markdown README there describes the archive and is passed over (issue 11, item 10)."""
    folder = _folder(tmp_path / "archive", 2)
    (folder / "b.txt").rename(folder / "README.txt")
    (folder / "README.md").write_text("# 本目录说明\n", encoding="utf-8")
    csv = folder / "catalog.csv"
    csv.write_text("path,公开方式\na.txt,主动公开\n", encoding="utf-8")
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert sorted(report.ok) == ["README.txt", "a.txt"]
    assert "README.md" not in report.summary()


def test_unknown_default_level_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="GOVSEARCH_DEFAULT_DISCLOSURE"):
        Settings.from_env({"GOVSEARCH_DEFAULT_DISCLOSURE": "secret"})
    settings = Settings.from_env({"GOVSEARCH_DEFAULT_DISCLOSURE": "不予公开"})
    assert settings.default_disclosure == "not_public"


# -- 3: an original is the file the document was made from --------------------------------------
def test_original_download_never_crosses_folders(tmp_path, index):
    pub = _folder(tmp_path / "originals" / "pub", 1)
    secret = _folder(tmp_path / "originals" / "secret", 1, offset=4)
    run_ingest(index, [pub], workers=1)
    run_ingest(index, [secret], default_disclosure="not_public", workers=1)
    [public_id] = index.fingerprints(str(pub.resolve()))
    # the originals folder is the secret folder: the public document's path resolves there
    s = serve(Settings(data_dir=tmp_path / "data", originals_dir=secret), index)
    r = s.client.get(f"/documents/{public_id}/original")
    assert r.status_code == 404 and r.content != (secret / "a.txt").read_bytes()
    assert "/original" not in s.client.get(f"/documents/{public_id}").text
    # above both folders: each document's own file, found from its folder
    s = serve(Settings(data_dir=tmp_path / "data2", originals_dir=tmp_path / "originals"), index)
    r = s.client.get(f"/documents/{public_id}/original")
    assert r.status_code == 200 and r.content == (pub / "a.txt").read_bytes()


# -- 7: a file name that is not UTF-8 --------------------------------------------------------------
def test_non_utf8_file_name_through_cli_report_and_json(tmp_path):
    folder = _folder(tmp_path / "archive", 2)
    gbk = os.fsdecode("关于网络安全的通知.txt".encode("gbk"))
    os.rename(folder / "a.txt", folder / gbk)
    report_file = tmp_path / "report.json"
    env = {"GOVSEARCH_DATA_DIR": str(tmp_path / "data")}
    r = CliRunner().invoke(
        main, ["ingest", "--quiet", "--report", str(report_file), str(folder)], env=env
    )
    assert r.exit_code == 0, r.output
    assert "2 ingested" in r.output and "0 failed" in r.output
    body = json.loads(report_file.read_text(encoding="utf-8"))
    assert body["ok"] == 2 and body["failed_files"] == []
    ix = SearchIndex(EmbeddedIndex(tmp_path / "data"))
    assert set(_levels(ix)) == {"关于网络安全的通知.txt", "b.txt"}
    s = serve(Settings(data_dir=tmp_path / "data", originals_dir=folder), ix)
    [doc_id] = [
        i for i, d in ix.backend.fetch(sorted(ix.fingerprints())).items() if d.path != "b.txt"
    ]
    assert s.client.get(f"/api/documents/{doc_id}").json()["path"] == "关于网络安全的通知.txt"
    r = s.client.get(f"/documents/{doc_id}/original")
    assert r.status_code == 200 and r.content == (folder / gbk).read_bytes()


# -- 12: one answer for one file -----------------------------------------------------------------
def test_markdown_draft_is_text_for_the_duplicate_check_and_the_upload(tmp_path, index):
    draft = "# 关于开展城市绿化养护检查的通知\n\n各区县：为做好城市绿化养护工作，现通知如下。\n"
    s = serve(Settings(data_dir=tmp_path / "data"), index)
    files = {"file": ("draft.md", draft.encode(), "text/markdown")}
    check = s.client.post("/api/duplicates", files=files, headers=s.staff)
    upload = s.client.post("/api/documents", files=files, headers=s.staff)
    assert (check.status_code, upload.status_code) == (200, 201), (check.text, upload.text)
    assert check.json()["draft"]["format"] == "txt"


def test_rows_outside_the_ingested_subfolder_are_not_reported(tmp_path, index):
    folder = _folder(tmp_path / "archive" / "one", 1)
    csv = tmp_path / "archive" / "catalog.csv"
    csv.write_text(
        "path,公开方式\none/a.txt,依申请公开\ntwo/x.txt,不予公开\none/gone.txt,不予公开\n",
        encoding="utf-8",
    )
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {"a.txt": "on_request"}
    assert [f.path for f in report.failed] == ["catalog.csv line 4"]  # one/gone.txt only
    assert "names no file" in report.failed[0].reason and not report.held


def test_rows_naming_files_outside_the_catalogues_folder_are_said(tmp_path, index):
    """QA pass 34b: rows naming ../../../../etc/passwd, ../t1/a.txt and /etc/hostname were
    dropped without a word (nothing outside was read): the report lists each, not applied."""
    folder = _folder(tmp_path / "inbox" / "t2", 1)
    csv = folder / "catalog.csv"
    csv.write_text(
        "path,公开方式\na.txt,依申请公开\n../../../../etc/passwd,主动公开\n../t1/a.txt,主动公开\n"
        "/etc/hostname,主动公开\n",
        encoding="utf-8",
    )
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {"a.txt": "on_request"}
    said = {f.path: f.reason for f in report.warned}
    assert set(said) == {f"catalog.csv line {n}" for n in (3, 4, 5)}, said
    assert all("outside the catalogue's folder" in why for why in said.values())
    # warnings, not failures: an archive's catalogue beside its folders names them all, and
    # ingesting one of them exits 0 (the review: it exited 1)
    assert not report.failed and report.ok


def test_the_texts_the_index_and_the_lexicon_are_the_servers_users_alone(tmp_path, index):
    """QA pass 20: texts.sqlite (every document's text, 不予公开 ones too) was 0644 and the index
    folder 0755 under the usual umask, readable by any local account."""
    folder = _folder(tmp_path / "archive", 1)
    csv = folder / "catalog.csv"
    csv.write_text("path,公开方式\na.txt,不予公开\n", encoding="utf-8")
    data = tmp_path / "data"
    report = run_ingest(index, [folder], catalog=csv, workers=1, lexicon_dir=data)
    assert report.ok
    texts = [p for p in data.iterdir() if p.name.startswith("texts.sqlite")]
    assert texts and all(p.stat().st_mode & 0o077 == 0 for p in texts), texts
    assert (data / "index").stat().st_mode & 0o077 == 0
    # ... and the lexicon, mined from every document, withdrawn ones too (QA pass 40a: 0755)
    assert (data / "lexicon").stat().st_mode & 0o077 == 0


def test_a_file_moved_or_renamed_keeps_its_level(tmp_path, index):
    """QA pass 24a: a restricted file renamed, moved out of its 不予公开/ folder, or ingested
    again from its parent folder was reported as moved, its old document removed, and the file
    written at the default level: published, exit 0. Its text keeps the level the index held
    it at, said as held, until an ingest names one."""
    root = tmp_path / "archive"
    _folder(root / "dept", 3)
    (root / "dept" / "不予公开").mkdir()
    (root / "dept" / "c.txt").rename(root / "dept" / "不予公开" / "c.txt")
    csv = root / "dept" / "catalog.csv"
    csv.write_text("path,公开方式\na.txt,不予公开\n", encoding="utf-8")
    run_ingest(index, [root / "dept"], catalog=csv, default_disclosure="on_request",
               disclosure_given=True, workers=1)
    assert _levels(index) == {"a.txt": "not_public", "b.txt": "on_request",
                              "不予公开/c.txt": "not_public"}  # fmt: skip
    (root / "dept" / "a.txt").rename(root / "dept" / "a-2024.txt")
    (root / "dept" / "b.txt").rename(root / "dept" / "b-final.txt")
    (root / "dept" / "不予公开" / "c.txt").rename(root / "dept" / "c.txt")
    report = run_ingest(index, [root / "dept"], workers=1)
    assert _levels(index) == {"a-2024.txt": "not_public", "b-final.txt": "on_request",
                              "c.txt": "not_public"}  # fmt: skip
    assert len(report.moved) == 3 and len(report.held) == 3
    assert "the index holds this text as a.txt (不予公开)" in {h.path: h.reason
                                                          for h in report.held}["a-2024.txt"]
    report = run_ingest(index, [root], workers=1)  # the parent folder takes them over
    assert set(_levels(index).values()) == {"not_public", "on_request"}, _levels(index)
    assert index.search(Query(q="的", viewer=ANONYMOUS)).total == 0
    run_ingest(index, [root], default_disclosure="public", disclosure_given=True, workers=1)
    assert set(_levels(index).values()) == {"public"}


def test_copies_of_one_text_at_two_levels_are_warned_of(tmp_path, index):
    """QA pass 20: a 不予公开 notice was readable through its copy in another file, which no
    catalogue row named (published at the default level), and nothing said so. The copy no
    row names keeps the level this ingest gives the text (held, said), and a copy given
    another level on purpose is warned of."""
    folder = _folder(tmp_path / "archive", 2)
    shutil.copy(folder / "a.txt", folder / "a-copy.txt")
    csv = folder / "catalog.csv"
    csv.write_text("path,公开方式\na.txt,不予公开\n", encoding="utf-8")
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {"a.txt": "not_public", "a-copy.txt": "not_public",
                              "b.txt": "public"}  # fmt: skip
    assert [h.path for h in report.held] == ["a-copy.txt"], report.held
    assert "the index holds this text as a.txt (不予公开)" in report.held[0].reason
    csv.write_text("path,公开方式\na.txt,不予公开\na-copy.txt,主动公开\n", encoding="utf-8")
    report = run_ingest(index, [folder], catalog=csv, workers=1)
    assert _levels(index) == {"a.txt": "not_public", "a-copy.txt": "public", "b.txt": "public"}
    warned = {w.path: w.reason for w in report.warned}
    assert set(warned) == {"a-copy.txt"}, report.warned
    assert "a.txt (不予公开)" in warned["a-copy.txt"]
    assert "warning" in report.summary()
    report = run_ingest(index, [folder], catalog=csv, workers=1)  # nothing written: no news
    assert not report.warned


def test_copies_of_a_hidden_text_are_held_by_what_they_share_exactly(tmp_path, index):
    """QA pass 25a: the 80% was MinHash's estimate (64 values, ±0.1): a 4,271-character text
    with 53 characters changed, 87% alike, was published, as was a one-character edit of a
    short notice; a text holding a whole hidden one plus lines was published (likeness only
    was asked); a public file overwritten with a hidden text's copy was published. Compared
    exactly: 80% alike, or 80% of the hidden text held, keeps the hidden level."""
    folder = _folder(tmp_path / "archive", 3)
    secret = folder / "c.txt"
    secret.rename(tmp_path / "c.txt")
    run_ingest(index, [folder], workers=1)  # a.txt, b.txt public
    hidden = tmp_path / "restricted"
    hidden.mkdir()
    (tmp_path / "c.txt").rename(hidden / "c.txt")
    run_ingest(index, [hidden], default_disclosure="not_public", disclosure_given=True,
               workers=1)  # fmt: skip
    text = (hidden / "c.txt").read_text(encoding="utf-8")
    step = max(1, len(text) // 60)  # ~60 characters changed, spread over the text
    edited = "".join("某" if i % step == step // 2 and not ch.isspace() else ch
                     for i, ch in enumerate(text))  # fmt: skip
    (folder / "edited.txt").write_text(edited, encoding="utf-8")
    other = (folder / "a.txt").read_text(encoding="utf-8")
    (folder / "longer.txt").write_text(text + "\n附件：\n" + other[: len(text) // 3],
                                       encoding="utf-8")  # a third more: 75% alike
    (folder / "b.txt").write_text(text + "\n（转发）\n", encoding="utf-8")  # overwritten
    report = run_ingest(index, [folder], workers=1)
    levels = _levels(index)
    assert {p: levels[p] for p in ("edited.txt", "longer.txt", "b.txt", "a.txt")} == {
        "edited.txt": "not_public", "longer.txt": "not_public", "b.txt": "not_public",
        "a.txt": "public"}, report.summary()  # fmt: skip
    reasons = {h.path: h.reason for h in report.held}
    assert "a near copy of this text (" in reasons["edited.txt"], reasons
    longer = reasons["longer.txt"]
    assert "the index holds a text that this file holds " in longer, reasons
    assert "% of, within a longer one, as c.txt" in longer, reasons
    assert "as c.txt (不予公开)" in reasons["b.txt"], reasons
    assert "disclosure=public in an upload" in reasons["b.txt"]
    assert "held back (not published)" in report.summary()


def test_a_hidden_text_inside_a_much_longer_file_is_held(tmp_path, index):
    """QA pass 25a: a restricted notice pasted into a file several times its length was
    published (their resemblance, far below 50%, never made it a candidate). The hidden text's
    kept anchors find it; the exact comparison then says how much of it the new file holds.
    A hidden text of a few lines is no text of its own: one sentence of it elsewhere holds
    nothing back."""
    from pipeline.hidden_copies import MIN_CONTAINED_SHINGLES

    folder = _folder(tmp_path / "archive", 6)
    hidden = tmp_path / "restricted"
    hidden.mkdir()
    (folder / "c.txt").rename(hidden / "c.txt")
    short = "内部讨论稿：关于测试事项的处理意见，请各处室于本周五前反馈，不得外传。"
    (hidden / "short.txt").write_text(short, encoding="utf-8")
    assert len(short) < MIN_CONTAINED_SHINGLES
    run_ingest(index, [hidden], default_disclosure="not_public", disclosure_given=True,
               workers=1)  # fmt: skip
    secret = (hidden / "c.txt").read_text(encoding="utf-8")
    others = [(folder / f"{n}.txt").read_text(encoding="utf-8") for n in "abdef"]
    around = "\n".join(others)
    assert len(around) >= 4 * len(secret), (len(around), len(secret))
    cut = len(around) // 2
    (folder / "compiled.txt").write_text(
        around[:cut] + "\n" + secret + "\n" + around[cut:], encoding="utf-8"
    )
    (folder / "quoted.txt").write_text(others[0] + "\n" + short + "\n", encoding="utf-8")
    report = run_ingest(index, [folder], workers=1)
    levels = _levels(index)
    assert levels["compiled.txt"] == "not_public", report.summary()
    assert levels["quoted.txt"] == "public" and levels["a.txt"] == "public"
    reasons = {h.path: h.reason for h in report.held}
    assert set(reasons) == {"compiled.txt"}, reasons
    said = reasons["compiled.txt"]
    assert "the index holds a text that this file holds " in said, said
    assert "% of, within a longer one, as c.txt (不予公开)" in said, said
    assert "a restricted text copied into another file keeps its level" in said, said


def test_hidden_texts_are_looked_up_per_batch_past_the_ones_read_at_once(
    tmp_path, index, monkeypatch
):
    """Past IN_MEMORY hidden documents, the copies are looked up per batch: the same holds."""
    from pipeline import hidden_copies

    monkeypatch.setattr(hidden_copies, "IN_MEMORY", 0)
    folder = _folder(tmp_path / "archive", 2)
    run_ingest(index, [folder], default_disclosure="not_public", disclosure_given=True,
               workers=1)  # fmt: skip
    text = (folder / "a.txt").read_text(encoding="utf-8")
    (folder / "a.txt").rename(folder / "a-moved.txt")
    (folder / "b.txt").write_text(text[: len(text) // 2] + "（修订）" + text[len(text) // 2 :],
                                  encoding="utf-8")  # fmt: skip
    shutil.copy(folder / "a-moved.txt", folder / "c.txt")
    report = run_ingest(index, [folder], workers=1)
    assert _levels(index) == {"a-moved.txt": "not_public", "b.txt": "not_public",
                              "c.txt": "not_public"}, report.summary()  # fmt: skip
    assert sorted(h.path for h in report.held) == ["a-moved.txt", "c.txt"]


def test_the_data_folders_uploads_are_never_ingested_as_a_folder(tmp_path, index):
    """QA pass 21: after deleting index/ for an upgrade, ingesting uploads/ brought uploaded
    documents back at the default level, a 不予公开 upload published, its fields lost."""
    from model.errors import BadRequest

    uploads = tmp_path / "data" / "uploads"
    uploads.mkdir(parents=True)
    upload = uploads / "2026-12-04-abc.txt"
    upload.write_text("内部讨论稿：关于机密测试事项的意见", encoding="utf-8")
    for given in (uploads, upload, tmp_path / "data" / "uploads" / "."):
        with pytest.raises(BadRequest, match="upload them again"):
            run_ingest(index, [given], workers=1, lexicon_dir=tmp_path / "data")
    assert _levels(index) == {}
    done = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "ingest", str(uploads)])
    assert done.exit_code == 2 and "upload them again" in done.output, done.output
    # nor the data folder itself, or a folder inside it (QA pass 38c: `ingest $DATA_DIR` read
    # the uploads as folder documents, their titles and ids lost, and listed index files)
    (tmp_path / "data" / "lexicon").mkdir()
    for given in (tmp_path / "data", tmp_path / "data" / "lexicon"):
        done = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "ingest",
                                         str(given)])  # fmt: skip
        assert done.exit_code == 2 and "is the data folder itself" in done.output, done.output
    assert _levels(index) == {}


def test_a_data_folder_inside_the_archive_is_never_read_as_documents(tmp_path):
    """QA pass 24c: `cd /archive && govsearch ingest .` read ./govsearch-data: lexicon/mined.txt
    (short forms and paths of hidden documents) became a public document, the lexicon's empty
    files failed the run, and uploads were "moved" into the archive. It is skipped, and said."""
    folder = _folder(tmp_path / "archive", 2)
    data = folder / "govsearch-data"
    index = SearchIndex(EmbeddedIndex(data / "index"))
    try:
        run_ingest(index, [folder], workers=1, lexicon_dir=data)
        report = run_ingest(index, [folder], workers=1, lexicon_dir=data)
        assert (data / "lexicon").is_dir() and (data / "index").is_dir()
        assert set(_levels(index)) == {"a.txt", "b.txt"}
        assert not report.failed
        [skipped] = [s for s in report.skipped if s.path == "govsearch-data"]
        assert "a govsearch data folder" in skipped.reason
    finally:
        index.close()


def test_prune_of_a_folder_emptied_says_so_and_the_folder_deleted_removes_them(tmp_path, index):
    """QA pass 24c: every file of a folder deleted, `ingest --prune` of it removed nothing and
    said nothing, and the withdrawn documents stayed public; without --prune they are listed
    as gone from disk. A folder there and holding no file is also a share not mounted (QA
    pass 38c: a nightly prune emptied the index): its prune fails, saying why and what to do,
    and the folder deleted, the prune of its path removes them."""
    folder = _folder(tmp_path / "archive", 2)
    run_ingest(index, [folder], workers=1)
    for f in folder.iterdir():
        f.unlink()
    report = run_ingest(index, [folder], workers=1)
    assert sorted(g.path for g in report.gone) == ["a.txt", "b.txt"]
    report = run_ingest(index, [folder], prune=True, workers=1)
    assert not report.pruned and len(_levels(index)) == 2
    [said] = report.failed
    assert "is it mounted?" in said.reason and "delete the folder itself" in said.reason
    folder.rmdir()
    report = run_ingest(index, [folder], prune=True, workers=1)
    assert len(report.pruned) == 2 and _levels(index) == {}


def test_the_summary_says_how_many_documents_are_not_published(tmp_path, index):
    """QA pass 25b: an ingest with --disclosure 不予公开 never told the archivist that its files
    are not published; the summary line counts them by level (a hold is said apart)."""
    folder = _folder(tmp_path / "archive", 2)
    report = run_ingest(index, [folder], default_disclosure="not_public", disclosure_given=True,
                        workers=1)  # fmt: skip
    assert "; 2 written not public (不予公开 2)" in report.summary().splitlines()[0]
    assert report.to_dict()["levels"] == {"not_public": 2}
    public = run_ingest(index, [_folder(tmp_path / "other", 1, offset=5)], workers=1)
    assert "not public" not in public.summary()


def test_files_a_given_catalogue_holds_are_held_again_while_unchanged(tmp_path, index):
    """QA pass 31a: a folder whose catalogue names one file otherwise (R3.TXT) and gives
    another a level no catalogue knows (保密) was ingested twice with it; the second answer
    said held 0 while both stayed hidden. Held they are, each time."""
    folder = _folder(tmp_path / "batch", 3)
    csv = tmp_path / "catalog.csv"
    csv.write_text("path,公开方式\nbatch/a.txt,主动公开\nbatch/B.TXT,主动公开\nbatch/c.txt,保密\n",
                   encoding="utf-8")  # fmt: skip
    for _ in range(2):
        again = run_ingest(index, [folder], catalog=csv, workers=1)
        assert sorted(h.path for h in again.held) == ["b.txt", "c.txt"], again.summary()
        assert ix_public(index) == 1


def test_a_renamed_file_held_at_its_level_is_held_on_every_run_not_skipped(tmp_path, index):
    """QA pass 42a: a scan catalogued 依申请公开, renamed, keeps its level (held back), and
    every later ingest then called the document, which the index holds, "skipped": a nightly
    report listed a file as not loaded that was. It is held back, as the first run said."""
    folder = _folder(tmp_path / "archive", 2)
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("path,disclosure\narchive/a.txt,依申请公开\narchive/b.txt,主动公开\n")
    run_ingest(index, [folder], catalog=catalog, workers=1)
    (folder / "a.txt").rename(folder / "a2.txt")
    first = run_ingest(index, [folder], catalog=catalog, workers=1)
    assert [h.path for h in first.held] == ["a2.txt"], first.summary()
    again = run_ingest(index, [folder], catalog=catalog, workers=1)
    assert _levels(index) == {"a2.txt": "on_request", "b.txt": "public"}
    assert not again.skipped, again.summary()
    assert [h.path for h in again.held] == ["a2.txt"], again.summary()
    assert again.held[0].reason.startswith("held as on_request")
