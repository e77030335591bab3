"""The corpus's own vocabulary, gathered while an ingest run writes documents.

Files in ``<data_dir>/lexicon`` (read by :mod:`search_index.citizen_words`):

* ``mined.txt`` — ``short => long  # n documents, e.g. <path>``: short forms the documents
  define (:func:`analyzers.mining.abbreviation_pairs`). A later run adds the pairs it has not
  seen and leaves every existing line as staff left it (a ``#`` line stays off);
* ``regions.tsv`` — jurisdictions the documents apply to (``region`` keyword) with counts;
* ``titles.tsv`` — short titles of laws and regulations (``中华人民共和国`` and a trailing
  parenthesis dropped) with their level, for title abbreviations (消法 → 消费者权益保护法);
* ``issuers.tsv`` — issuers of orders (``国家市场监督管理总局令``, cut as 文号 keys are) with the
  documents that print or cite one of their orders, so that an issuer typed short
  (市场监管总局令第20号) finds the order printed under its full name;
* ``docno_prefixes.tsv`` — ``agency<TAB>prefix<TAB>documents``: the issuing agency of each
  document with a yearly 文号 of its own and that number's prefix (国务院办公厅 → 国办发), so
  that a number typed with the agency's name (国务院办公厅2019年6号文) finds the prefix's;
* ``vocabulary.tsv`` — ``word<TAB>documents`` for every word of two characters or more, the gate
  that keeps thesaurus expansions to words the corpus really uses (read from
  :data:`~search_index.citizen_words.VOCABULARY_MIN_DF` documents on);
* ``repeals.tsv`` — ``repealed title<TAB>id<TAB>title<TAB>date<TAB>statement``: the titles each
  document says it repeals (《…》同时废止, :mod:`analyzers.repeals`), so that search marks the
  older documents of those titles repealed whatever their catalogue says. A later run replaces
  the lines of the documents it wrote and keeps the others';
* ``taiwan_words.tsv`` — the same counts over the documents of Taiwan alone: a word used on one
  side of the strait only (身分证, 机车) tells which of its general-Chinese neighbours is the
  other side's wording (:func:`~search_index.citizen_words.cross_strait_twins`).

How a run's counts meet the file's (vocabulary, regions and titles alike). A run that wrote
every document the index holds replaces them: its counts are the index's. Otherwise the
documents new to the index are *added* (a folder ingested after another, or two ingest processes
loading one cluster, count once each), and a rewritten document adds nothing: its earlier
version was counted. (Until the fifteenth session the two were merged by maximum, so a second
folder raised no word's count past the larger folder's: split in two halves, the corpus gave
half its counts, and the gates that read them let common words through as rare.) A public
document staff withdraw or delete through the API is taken off (``add(withdrawn=True)``:
QA pass 47a); counts are not lowered when ``--prune`` removes documents or a rewrite drops a
word: an over-count of the few gone; a run over the whole index sets them right again.
Counting from the index's own term dictionary would be exact (it gives the same numbers: 62,709
of 62,710 words on the corpus) but walks every posting list, 1.6 s at 6,337 documents and linear
beyond: too much for every upload of one file through the API.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analyzers.chars import strip_skippable
from analyzers.docno import canonical, order_issuer, yearly_parts
from analyzers.mining import abbreviation_pairs
from analyzers.normalize import normalize
from analyzers.repeals import repealed_titles, short_title, title_key
from model.viewer import ANONYMOUS
from search_index.citizen_words import (
    DOCNO_PREFIXES_FILE,
    ISSUERS_FILE,
    LEXICON_DIR,
    MINED_FILE,
    REGIONS_FILE,
    REPEALS_FILE,
    TAIWAN,
    TAIWAN_WORDS_FILE,
    TITLE_LEVELS,
    TITLES_FILE,
    VOCABULARY_FILE,
    parse_rules,
)
from search_index.protocol import IndexedDocument

log = logging.getLogger(__name__)

# the catalogue fields whose values the builder counts (titles, issuers, 文号 prefixes, and the
# date a repeal is filed under), beside the text: a change of another (索引号, 分类, 有效性)
# changes no count
COUNTED_FIELDS = frozenset({"title", "agency", "doc_number", "written_date", "publish_date"})


class LexiconBuilder:
    def __init__(self) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.where: dict[tuple[str, str], str] = {}
        # every document written (.df, .regions, .titles) and, apart, the rewritten ones
        # (._again): the new documents are the difference
        self.df: Counter[str] = Counter()
        self.regions: Counter[str] = Counter()
        self.titles: Counter[tuple[str, str]] = Counter()
        self.issuers: Counter[str] = Counter()
        self.taiwan: Counter[str] = Counter()  # .df over Taiwan's documents
        self.prefixes: Counter[tuple[str, str]] = Counter()
        # (repealed title key, repealing id, its title, its date, statement), and every public
        # document written: its earlier lines in the file are replaced by these
        self.repeals: list[tuple[str, str, str, str, str]] = []
        self.repealers: set[str] = set()
        self.written = 0
        self.public = 0  # of them, those counted (anonymous users may see them)
        self._again: tuple[
            Counter[str], Counter[str], Counter[tuple[str, str]], Counter[str], Counter[str],
            Counter[tuple[str, str]],
        ] = (Counter(), Counter(), Counter(), Counter(), Counter(), Counter())  # fmt: skip

    def add(
        self, doc: IndexedDocument, *, rewritten: bool = False, withdrawn: bool = False
    ) -> None:
        """Count one written document; ``rewritten``: it replaced a version the index held;
        ``withdrawn``: it left the public (deleted, or made non-public; ``doc`` as it was),
        so its counts are taken off the file's (QA pass 47a: a withdrawn upload's 文号 prefix
        still read its number as a 文号 for everyone, telling that it had been published).

        Only what anonymous users may see is counted: the lexicon's words, short forms, titles
        and issuers are shown to everyone as the query's understanding (QA pass 13: a short
        form defined only in not_public documents was shown to anonymous users as 也查文件
        自述简称, a non-public law's title as the meaning of its abbreviation). A document made
        public by a later rewrite counts from the next run over the whole index (its earlier
        version, counted as if it had been, is subtracted): fewer words, never a hidden one."""
        self.written += 0 if withdrawn else 1
        # its earlier repeals go whatever it is now (QA pass 31c: a repealing text made
        # 不予公开 kept its repeal, title and words shown to everyone)
        self.repealers.add(doc.doc.id)
        disclosure = (doc.keywords.get("disclosure") or ("public",))[0]
        if not ANONYMOUS.can_see(disclosure):
            return
        if withdrawn:
            self._count((self._again,), doc)
            return
        self.public += 1
        for pair in abbreviation_pairs(doc.normalized):
            self.pairs[pair] += 1
            self.where.setdefault(pair, doc.doc.path)
        meta = doc.doc.meta
        for r in repealed_titles(doc.doc.text):
            # the catalogue's date, else the day its text says it takes effect
            when = meta.date.isoformat() if meta.date else r.effective
            row = (title_key(r.title), doc.doc.id, _one_line(meta.title), when)
            self.repeals.append((*row, _one_line(r.statement)))
        mine = (self.df, self.regions, self.titles, self.issuers, self.taiwan, self.prefixes)
        self._count((mine, *([self._again] if rewritten else [])), doc)

    def _count(self, into: tuple[tuple[Counter[Any], ...], ...], doc: IndexedDocument) -> None:
        words = set(doc.tokens.get("body_w", "").split())
        words.update(doc.tokens.get("title_w", "").split())
        regions = doc.keywords.get("region", ())
        level = (doc.keywords.get("level") or ("其他",))[0]
        title = short_title("".join(doc.keywords.get("title_exact", ())))
        titles = [(title, level)] if level in TITLE_LEVELS and title else []
        issuers = _order_issuers(
            (*doc.keywords.get("docno", ()), *doc.keywords.get("docno_text", ()))
        )
        prefix = _docno_prefix(doc)
        # every word is counted (in C: the filtering generator cost half of this method,
        # which runs in the ingest's single parent process); one-character words are left
        # out when the file is written
        taiwan = TAIWAN in regions
        for counts in into:
            counts[0].update(words)
            counts[1].update(regions)
            counts[2].update(titles)
            counts[3].update(issuers)
            if taiwan:
                counts[4].update(words)
            counts[5].update(prefix)

    def write(self, data_dir: Path, *, whole_index: bool = False) -> Path:
        """Merge into ``<data_dir>/lexicon``; returns that folder. ``whole_index``: this run
        wrote every document the index holds, so its counts replace the file's."""
        folder = Path(data_dir) / LEXICON_DIR
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # the server's user's alone, as the index is: short forms and 文号 prefixes are mined
        # from every document, withdrawn ones too (QA pass 40a: 0755, files 0644)
        folder.chmod(0o700)
        mined = folder / MINED_FILE
        try:
            old = mined.read_text(encoding="utf-8") if mined.is_file() else (
                "# Short forms the documents define themselves, mined at ingest (govsearch).\n"
                "# `short => long  # provenance`. Edit freely (UTF-8); put # before a rule to "
                "switch it off:\n"
                "# later ingests add new pairs and never change an existing line.\n"
            )
        except UnicodeDecodeError as exc:  # (saved by an editor in GBK: QA pass 51f)
            log.warning("%s is not UTF-8 (%s): left as it is, and no short form added to it "
                        "until it is saved as UTF-8", mined, exc)  # fmt: skip
            old = None
        if old is not None:
            self._write_mined(mined, old)
        self._write_repeals(folder / REPEALS_FILE, whole_index)
        counted = (
            self.df, self.regions, self.titles, self.issuers, self.taiwan, self.prefixes
        )  # fmt: skip
        if not whole_index:  # only the documents new to the index add to what is counted
            # (and a withdrawn one's take off: kept below zero, where ``-`` would drop them)
            counted = tuple(_less(c, a) for c, a in zip(counted, self._again, strict=True))
        df, regions, titles, issuers, taiwan, prefixes = counted
        add = not whole_index
        words = {(w,): n for w, n in df.items() if len(w) > 1}
        _merge_counts(folder / VOCABULARY_FILE, words, add=add)
        taiwan_words = {(w,): n for w, n in taiwan.items() if len(w) > 1}
        _merge_counts(folder / TAIWAN_WORDS_FILE, taiwan_words, add=add)
        _merge_counts(folder / REGIONS_FILE, {(r,): n for r, n in regions.items()}, add=add)
        _merge_counts(folder / TITLES_FILE, dict(titles.items()), add=add)
        _merge_counts(folder / ISSUERS_FILE, {(i,): n for i, n in issuers.items()}, add=add)
        _merge_counts(folder / DOCNO_PREFIXES_FILE, dict(prefixes.items()), add=add)
        return folder


    def _write_mined(self, mined: Path, old: str) -> None:
        """The file's lines as they are (edited or not), then the pairs it does not hold."""
        known = set()
        for line in old.splitlines():
            body = line.lstrip("# ")
            for short, longs in parse_rules(body).items():
                known.update((short, long) for long in longs)
        new = [
            f"{s} => {lg}  # {n} 篇, {self.where[(s, lg)]}"
            for (s, lg), n in sorted(self.pairs.items(), key=lambda kv: (-kv[1], kv[0]))
            if (s, lg) not in known
        ]
        text = old if old.endswith("\n") or not old else old + "\n"
        _write_whole(mined, text + "".join(x + "\n" for x in new))

    def _write_repeals(self, path: Path, whole_index: bool) -> None:
        """The file's lines of documents this run did not write, then this run's: a document
        written again (edited, or no longer public) leaves no stale line behind."""
        kept: list[str] = []
        if not whole_index and path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) == 5 and parts[1] not in self.repealers:
                    kept.append(line)
        kept.extend("\t".join(row) for row in dict.fromkeys(self.repeals))
        if kept or path.is_file():
            _write_whole(path, "".join(x + "\n" for x in kept))


def _less(counts: Counter[Any], taken: Counter[Any]) -> Counter[Any]:
    out = counts.copy()
    out.subtract(taken)
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _docno_prefix(doc: IndexedDocument) -> list[tuple[str, str]]:
    """``[(agency, prefix)]`` of a document whose own 文号 is a yearly one (国办发〔2019〕6号
    under 国务院办公厅), else ``[]``; a prefix that is the agency's name itself tells nothing."""
    meta = doc.doc.meta
    if not meta.doc_number or not meta.agency:
        return []
    key = canonical(normalize(meta.doc_number))
    parts = yearly_parts(key) if key else None
    agency = strip_skippable(normalize(meta.agency))
    if not parts or len(agency) < 2 or parts[0] == agency[-len(parts[0]) :]:
        return []
    return [(agency, parts[0])]


def _order_issuers(keys: tuple[str, ...]) -> set[str]:
    """The issuers of the orders a document's 文号 keys name, each at its longest: the keys hold
    every suffix of an issuer (总局令, 管理总局令 …), and an issuer that ends another with the
    same number is that one cut."""
    by_number: dict[str, set[str]] = {}
    for key in keys:
        parts = order_issuer(key)
        if parts:
            by_number.setdefault(parts[1], set()).add(parts[0])
    return {
        i
        for issuers in by_number.values()
        for i in issuers
        if not any(o != i and o.endswith(i) for o in issuers)
    }


def _merge_counts(path: Path, counts: Mapping[tuple[str, ...], int], *, add: bool) -> None:
    """``key…<TAB>count`` lines: ``counts`` added to the file's (``add``) or replacing them."""
    merged: Counter[tuple[str, ...]] = Counter(counts)
    if add and path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            *key, n = line.split("\t")
            if n.isdigit():
                merged[tuple(key)] += int(n)
    _write_whole(
        path, "".join("\t".join((*k, str(n))) + "\n" for k, n in sorted(merged.items()) if n > 0)
    )


def _write_whole(path: Path, text: str) -> None:
    """``text`` as the file's whole content, or the file as it was: written beside it and
    renamed over it, so a disk filling up midway never leaves half a file (QA pass 51f: a cut
    mined.txt, ending in half a character, made every search a 500 until it was mended)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
