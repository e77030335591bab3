"""The corpus's own vocabulary, gathered while an ingest run writes documents.

Two files in ``<data_dir>/lexicon`` (read by :mod:`search_index.citizen_words`):

* ``mined.txt`` — ``short => long  # n documents, e.g. <path>``: short forms the documents
  define (:func:`analyzers.mining.abbreviation_pairs`). A later run adds the pairs it has not
  seen and leaves every existing line as staff left it (a ``#`` line stays off);
* ``regions.tsv`` — jurisdictions the documents apply to (``region`` keyword) with counts;
* ``titles.tsv`` — short titles of laws and regulations (``中华人民共和国`` and a trailing
  parenthesis dropped) with their level, for title abbreviations (消法 → 消费者权益保护法);
* ``vocabulary.tsv`` — ``word<TAB>documents`` for words in at least :data:`MIN_DF` documents, the
  gate that keeps thesaurus expansions to words the corpus really uses. Merged by maximum with
  the previous file (a re-ingest of the same documents does not double the counts).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from analyzers.mining import abbreviation_pairs
from search_index.citizen_words import (
    LEXICON_DIR,
    MINED_FILE,
    REGIONS_FILE,
    TITLE_LEVELS,
    TITLES_FILE,
    VOCABULARY_FILE,
    parse_rules,
    short_title,
)
from search_index.protocol import IndexedDocument

MIN_DF = 2


class LexiconBuilder:
    def __init__(self) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.where: dict[tuple[str, str], str] = {}
        self.df: Counter[str] = Counter()
        self.regions: Counter[str] = Counter()
        self.titles: Counter[tuple[str, str]] = Counter()

    def add(self, doc: IndexedDocument) -> None:
        for pair in abbreviation_pairs(doc.normalized):
            self.pairs[pair] += 1
            self.where.setdefault(pair, doc.doc.path)
        words = set(doc.tokens.get("body_w", "").split())
        words.update(doc.tokens.get("title_w", "").split())
        # every word is counted (in C: the filtering generator cost half of this method,
        # which runs in the ingest's single parent process); one-character words are left
        # out when the file is written
        self.df.update(words)
        self.regions.update(doc.keywords.get("region", ()))
        level = (doc.keywords.get("level") or ("其他",))[0]
        title = short_title("".join(doc.keywords.get("title_exact", ())))
        if level in TITLE_LEVELS and title:
            self.titles[(title, level)] += 1

    def write(self, data_dir: Path) -> Path:
        """Merge into ``<data_dir>/lexicon``; returns that folder."""
        folder = Path(data_dir) / LEXICON_DIR
        folder.mkdir(parents=True, exist_ok=True)
        mined = folder / MINED_FILE
        old = mined.read_text(encoding="utf-8") if mined.is_file() else (
            "# Short forms the documents define themselves, mined at ingest (govsearch).\n"
            "# `short => long  # provenance`. Edit freely; put # before a rule to switch it off:\n"
            "# later ingests add new pairs and never change an existing line.\n"
        )
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
        mined.write_text(text + "".join(x + "\n" for x in new), encoding="utf-8")
        vocab = folder / VOCABULARY_FILE
        df = Counter({w: n for w, n in self.df.items() if len(w) > 1})
        if vocab.is_file():
            for line in vocab.read_text(encoding="utf-8").splitlines():
                word, _, n = line.partition("\t")
                if n.isdigit():
                    df[word] = max(df[word], int(n))
        vocab.write_text(
            "".join(f"{w}\t{n}\n" for w, n in sorted(df.items()) if n >= MIN_DF), encoding="utf-8"
        )
        _merge_counts(folder / REGIONS_FILE, {(r,): n for r, n in self.regions.items()})
        _merge_counts(folder / TITLES_FILE, {k: n for k, n in self.titles.items()})
        return folder


def _merge_counts(path: Path, counts: dict[tuple[str, ...], int]) -> None:
    """``key…<TAB>count`` lines, merged by maximum with the existing file."""
    merged = dict(counts)
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            *key, n = line.split("\t")
            if n.isdigit():
                merged[tuple(key)] = max(merged.get(tuple(key), 0), int(n))
    path.write_text(
        "".join("\t".join((*k, str(n))) + "\n" for k, n in sorted(merged.items())),
        encoding="utf-8",
    )
