"""The documents an ingest has written whose share of the lexicon is not merged yet.

An ingest mines the lexicon (short forms, repeals, titles, issuers, the vocabulary:
:mod:`pipeline.lexicon`) from the documents it writes and merges it once, at its end; Ctrl-C
and a full disk merge it too. A process killed outright (``kill -9``, the OOM killer, a power
cut of the machine that ran it) after an index commit left documents in the index whose share
never reached the lexicon, and the next run, finding their files unchanged, never read them
again: repealed laws shown as 有效, short forms not understood, and a run that said it was done
(QA pass 44b: mined.txt 47 lines of 604, repeals.tsv missing, until the index was deleted and
everything ingested again).

So each run notes every document it hands to the index, before the index can commit it, in a
file of its own (``lexicon/.unmerged-<pid>``: a dot file is never published to other servers),
and removes the file once its lexicon is merged. A run that finds the file of a process no longer
alive counts those documents again, from what the index stored (no file is read again), where the
index holds the version the dead run wrote; a version it never committed is read by this run or
was never there.

Written by hand: a few lines of append-only text; no library keeps such a journal better.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from model.document import StoredDocument, document_from_stored
from model.ids import fingerprint
from pipeline.lexicon import LexiconBuilder
from search_index.citizen_words import LEXICON_DIR
from search_index.index import SearchIndex
from search_index.prepare import prepare
from search_index.protocol import IndexedDocument

PREFIX = ".unmerged-"
BATCH = 200  # documents fetched from the index at a time when counting again


class Journal:
    """This process's list of documents written and not yet merged (module doc)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LEXICON_DIR / f"{PREFIX}{os.getpid()}"
        self._file: TextIO | None = None

    def wrote(self, doc_id: str, content_hash: str, ingest_key: str) -> None:
        """Note a document handed to the index. Flushed at once: the operating system keeps
        what was written through a ``kill -9`` of this process."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
        self._file.write(f"{doc_id}\t{fingerprint(content_hash, ingest_key)}\n")
        self._file.flush()

    def merged(self) -> None:
        """The lexicon holds every document noted: the journal goes."""
        self.close()
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """Stop noting, the journal kept: the lexicon could not be merged (a full disk), so
        the next ingest counts what it lists (:func:`left_behind`)."""
        if self._file is not None:
            file, self._file = self._file, None
            try:
                file.close()
            except OSError:
                # a line the full disk refused is flushed again by close, and refused again:
                # the file is closed all the same, and the ingest ends as a full disk ends it,
                # with its summary, report and exit code (QA pass 51f: a traceback, exit 1)
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def left_behind(data_dir: Path) -> list[Path]:
    """The journals of processes that are gone, which died before merging their lexicon."""
    folder = Path(data_dir) / LEXICON_DIR
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob(f"{PREFIX}*")):
        pid = path.name.removeprefix(PREFIX)
        if not pid.isdigit() or not _alive(int(pid)):
            out.append(path)
    return out


def _noted(paths: list[Path]) -> dict[str, str]:
    """``id → fingerprint`` noted in ``paths``, the last note of an id winning."""
    out: dict[str, str] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            doc_id, _, print_ = line.partition("\t")
            if doc_id and print_:  # a last line cut short by the kill is no note
                out[doc_id] = print_
    return out


def count_again(index: SearchIndex, paths: list[Path], builder: LexiconBuilder) -> int:
    """Count into ``builder`` the documents ``paths`` noted that the index holds as noted
    (analysed again from their stored form, as a rebuild does); returns how many."""
    noted = _noted(paths)
    # a version other than the one the dead run wrote was never committed: not counted
    return count_stored(
        index, list(noted), builder,
        lambda stored: fingerprint(stored.content_hash, stored.ingest_key) == noted[stored.id],
    )  # fmt: skip


def count_stored(
    index: SearchIndex,
    ids: list[str],
    builder: LexiconBuilder,
    wanted: Callable[[StoredDocument], bool] = lambda stored: True,
) -> int:
    """Count into ``builder`` the documents ``ids`` the index holds (those ``wanted``),
    analysed again from their stored form as a rebuild does, a batch fetched at a time;
    returns how many."""
    counted = 0
    for batch in _batches(ids):
        for stored in index.backend.fetch(batch).values():
            if not wanted(stored):
                continue
            builder.add(analysed(stored))
            counted += 1
    return counted


def analysed(stored: StoredDocument) -> IndexedDocument:
    """A stored document analysed again from its stored form, as a rebuild does."""
    doc, source = document_from_stored(dataclasses.asdict(stored), stored.text)
    return prepare(doc, source)


def _batches(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]
