"""Ctrl-C during an ingest: what was written stays, is reported, and its lexicon is kept.

QA pass 7: an Elasticsearch load stopped with Ctrl-C and run again skipped the 153 documents
already written as unchanged, so their short forms (执委会 → 执行委员会) never reached the
lexicon: searches differed from an uninterrupted load, with no warning; the command said only
``Aborted!`` (exit 1, "a file failed"). The interrupt is injected after the first documents
are durably written (embedded commits every 5 documents here, as Elasticsearch's bulk
requests are durable as they go); everything else is the real pipeline and index.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.run import run_ingest
from search_index.citizen_words import LEXICON_DIR, MINED_FILE, TITLES_FILE
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex
from tests.corpus import CORPUS, manifest, sample_paths

DEFINES = "以下简称"


def _archive(tmp_path: Path) -> Path:
    defining = [p for p in sorted(manifest()) if p.endswith(".txt")
                and DEFINES in (CORPUS / p).read_text(encoding="utf-8")][:8]  # fmt: skip
    archive = tmp_path / "archive"
    for i, rel in enumerate(dict.fromkeys(defining + sample_paths(16))):
        (archive / f"{i:02d}").mkdir(parents=True)
        shutil.copy(CORPUS / rel, archive / f"{i:02d}" / Path(rel).name)
    return archive


def _rules(data: Path, name: str) -> set[str]:
    """The rules of a lexicon file without their counts (a resumed load counts in two runs)."""
    lines = (data / LEXICON_DIR / name).read_text(encoding="utf-8").splitlines()
    return {ln.split("#")[0].split("\t")[0].strip() for ln in lines if not ln.startswith("#")}


def test_an_interrupted_ingest_keeps_what_it_wrote_and_its_lexicon(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    whole = tmp_path / "whole"
    run_ingest(SearchIndex(EmbeddedIndex(whole)), [archive], workers=1, lexicon_dir=whole)

    data = tmp_path / "data"
    backend = EmbeddedIndex(data)
    real = backend.write

    def stopped_after_12(docs, **_kwargs):
        def until(items):
            for n, item in enumerate(items):
                if n == 12:
                    raise KeyboardInterrupt
                yield item

        return real(until(docs), commit_every=5)

    backend.write = stopped_after_12  # type: ignore[method-assign]
    index = SearchIndex(backend)
    first = run_ingest(index, [archive], workers=1, lexicon_dir=data)
    assert first.interrupted and len(first.ok) == 10  # two commits of 5
    assert first.summary().startswith("interrupted: ") and first.to_dict()["interrupted"]
    # "10 files" alone hid what was read and dropped (QA pass 38c: "0 files" after minutes)
    files = len(list(archive.rglob("*.txt")))
    assert f"\n10 files of the {files} to read: 10 ingested" in first.summary()
    assert "every 5,000 documents" in first.summary()
    assert index.count() == 10 and not first.pruned
    backend.write = real  # type: ignore[method-assign]
    again = run_ingest(index, [archive], workers=1, lexicon_dir=data)
    assert not again.interrupted and again.unchanged == 10 and index.count() == files
    assert _rules(whole, MINED_FILE), "the archive defines short forms"
    assert _rules(data, MINED_FILE) == _rules(whole, MINED_FILE)
    assert _rules(data, TITLES_FILE) == _rules(whole, TITLES_FILE)


def test_a_commit_interrupted_before_it_was_reported_is_counted(tmp_path: Path) -> None:
    """QA pass 29a: a Ctrl-C during or just after a commit left its documents in the index and
    none in the report ("0 ingested" with 5,000 written; "5000 ingested" with all 6,337),
    though the report says "the files counted as ingested are in the index, the others are
    not". The interrupt is injected as the first committed result comes back."""
    archive = _archive(tmp_path)
    backend = EmbeddedIndex(tmp_path / "data")
    real = backend.write

    def stopped_at_the_first_result(docs, **_kwargs):
        for _ in real(docs, commit_every=5):
            raise KeyboardInterrupt
            yield  # (a generator, as the real write is)

    backend.write = stopped_at_the_first_result  # type: ignore[method-assign]
    index = SearchIndex(backend)
    report = run_ingest(index, [archive], workers=1)
    assert report.interrupted and index.count() == 5
    assert len(report.ok) == 5 and sum(report.formats.values()) == 5
    assert set(report.ok) == {d.path for d in backend.catalog()}
    backend.write = real  # type: ignore[method-assign]
    again = run_ingest(index, [archive], workers=1)
    assert again.unchanged == 5 and not again.interrupted


_KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from pipeline.run import run_ingest
from search_index.embedded import EmbeddedIndex
from search_index.index import SearchIndex

archive, data = Path(sys.argv[1]), Path(sys.argv[2])
backend = EmbeddedIndex(data)
real = backend.write

def killed_after_the_first_commit(docs, **_kwargs):
    for n, result in enumerate(real(docs, commit_every=5)):
        if n == 5:  # the first commit's results are back: killed outright
            os.kill(os.getpid(), signal.SIGKILL)
        yield result

backend.write = killed_after_the_first_commit
run_ingest(SearchIndex(backend), [archive], workers=1, lexicon_dir=data)
"""


def test_a_run_killed_after_a_commit_loses_nothing_of_the_lexicon(tmp_path: Path) -> None:
    """QA pass 44b: a ``kill -9`` after a commit left documents in the index whose share of the
    lexicon was never merged; the next run skipped them as unchanged and said it was done
    (mined.txt 47 lines of 604, repeals.tsv missing, repealed laws shown as 有效). The killed
    run's journal makes the next one count them from the index."""
    import signal
    import subprocess
    import sys

    from pipeline.lexicon_journal import PREFIX

    archive = _archive(tmp_path)
    whole = tmp_path / "whole"
    run_ingest(SearchIndex(EmbeddedIndex(whole)), [archive], workers=1, lexicon_dir=whole)

    data = tmp_path / "data"
    killed = subprocess.run([sys.executable, "-c", _KILLED_RUN, str(archive), str(data)],
                            cwd=Path(__file__).resolve().parents[2], timeout=600)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert list((data / LEXICON_DIR).glob(f"{PREFIX}*")), "the killed run left its journal"
    index = SearchIndex(EmbeddedIndex(data))
    assert index.count() >= 5
    again = run_ingest(index, [archive], workers=1, lexicon_dir=data)
    assert again.unchanged >= 5 and again.recounted == again.unchanged
    assert f"lexicon: {again.recounted} documents an earlier ingest wrote" in again.summary()
    assert not list((data / LEXICON_DIR).glob(f"{PREFIX}*"))
    assert _rules(whole, MINED_FILE), "the archive defines short forms"
    assert _rules(data, MINED_FILE) == _rules(whole, MINED_FILE)
    assert _rules(data, TITLES_FILE) == _rules(whole, TITLES_FILE)
    third = run_ingest(index, [archive], workers=1, lexicon_dir=data)
    assert third.recounted == 0 and "lexicon:" not in third.summary()


def test_a_slow_ingest_commits_on_time_not_only_every_5000(tmp_path: Path, monkeypatch) -> None:
    """QA pass 44b: a kill before the 5,000th document lost the whole run's work, hours of OCR
    in a scanned archive. A write also commits once ``COMMIT_SECONDS`` have passed since its last
    commit (0 here: every document), so an interrupt keeps what was read before it."""
    from search_index import embedded

    monkeypatch.setattr(embedded, "COMMIT_SECONDS", 0.0)
    archive = _archive(tmp_path)
    backend = EmbeddedIndex(tmp_path / "data")
    real = backend.write

    def stopped_after_3(docs, **_kwargs):
        def until(items):
            for n, item in enumerate(items):
                if n == 3:
                    raise KeyboardInterrupt
                yield item

        return real(until(docs))  # the default commit_every, 5,000

    backend.write = stopped_after_3  # type: ignore[method-assign]
    index = SearchIndex(backend)
    report = run_ingest(index, [archive], workers=1)
    assert report.interrupted and index.count() == 3 and len(report.ok) == 3


def test_a_journal_line_the_full_disk_refused_does_not_end_the_ingest_in_a_traceback(tmp_path):
    """QA pass 51f: on a full disk, closing the lexicon journal flushed again the line the disk
    had refused, raised, and the ingest ended in a traceback with exit 1, no summary and no
    report. The journal is closed all the same. (The refusal is made here: a real one needs a
    full file system.)"""
    from pipeline.lexicon_journal import Journal

    journal = Journal(tmp_path)
    journal.wrote("a" * 16, "hash", "key")

    class Refused:
        def close(self) -> None:
            raise OSError(28, "No space left on device")

    real, journal._file = journal._file, Refused()
    journal.close()  # no error
    real.close()
    assert journal.path.is_file()  # kept for the next run, as on any failed merge
