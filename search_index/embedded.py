"""The embedded default backend: a tantivy index in a folder, no server.

Chosen by measurement (README.md "Libraries beyond the fixed list, and why"): at 100k documents
tantivy-py answered ranked top-10 queries in
p50 0.4 ms / p95 1.9 ms with the same hit sets as SQLite FTS5 (p50 17 ms / p95 100 ms, growing
with the number of matches), built 2× faster and 2.4× smaller. Token streams arrive already
analysed and are indexed with a whitespace tokenizer.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import tantivy

from model.document import StoredDocument, from_stored, to_stored
from model.errors import (
    BackendUnavailable,
    Conflict,
    NotSupported,
    StorageFull,
    StorageReadOnly,
    storage_fault,
)
from model.ids import fingerprint
from model.version import INDEX_VERSION
from search_index.fields import (
    FACETABLE,
    INT_FIELDS,
    KEYWORD_FIELDS,
    POSITIONAL_FIELDS,
    TOKEN_FIELDS,
    facet_limit,
    facet_value_kept,
)
from search_index.protocol import (
    BackendHit,
    BackendResult,
    IndexedDocument,
    WriteResult,
    same_score,
)
from search_index.shared_folders import LocalFolders
from search_index.term_walk import walk_in_child
from search_index.textstore import TextStore
from search_index.tree import (
    Bool,
    Constant,
    MatchAll,
    MatchNone,
    Node,
    Phrase,
    Plan,
    Prefix,
    Range,
    Regex,
    Term,
)

_EAGER_DOCS = 20
# A write commits every ``commit_every`` documents (5,000), and at the latest this long after its
# last commit: a scanned archive read by OCR at seconds a page takes hours to reach 5,000, and a
# crash lost all of it (QA pass 44b). A commit costs ~0.1 s and a merge later; a fast ingest
# reaches 5,000 first.
COMMIT_SECONDS = 300.0
# hits a relevance page reads at most to put a run of equal scores at its edge in id order
TIE_WINDOW = 2000
# hits the first read of a relevance page collects: as cheap as 11 (bench/README.md, "Ties
# without a second search"), and most runs of equal scores at a page's edge end within it
FIRST_READ = 256
_COMPILED_KEPT = 4096  # Bool nodes: a few searches' worth
_FEW_KEYS = 64  # copy keys looked up one by one rather than as a term set
_FACET_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="facets")
# facets are counted from fast fields; content_key groups identical texts
_FAST_KEYWORDS = (set(FACETABLE) - set(INT_FIELDS)) | {"content_key"}


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_unsigned_field("id_num", indexed=True, fast=True)
    sb.add_unsigned_field("hash_num", fast=True)
    for name in TOKEN_FIELDS:
        option = "position" if name in POSITIONAL_FIELDS else "freq"
        sb.add_text_field(name, tokenizer_name="ws", index_option=option)
    for name in KEYWORD_FIELDS:
        if name == "id":
            continue
        sb.add_text_field(
            name, tokenizer_name="raw", index_option="basic", fast=name in _FAST_KEYWORDS
        )
    for name in INT_FIELDS:
        sb.add_integer_field(name, indexed=True, fast=True)
    sb.add_bytes_field("meta", stored=True)
    sb.add_bytes_field("extra", stored=True)
    return sb.build()


def _runs(scores: list[float]) -> list[int]:
    """Where each run of equal scores (within float noise, :func:`same_score`) starts in a
    ranking, each compared with its run's first, then ``len(scores)``."""
    starts = [0]
    base = scores[0] if scores else 0.0
    for i in range(1, len(scores)):
        sc = scores[i]
        if not same_score(base, sc):
            starts.append(i)
            base = sc
    starts.append(len(scores))
    return starts


def _bigram_cover(tokens: tuple[str, ...]) -> list[tuple[int, str]]:
    """Every other bigram of an exact bigram phrase, plus the last, at their offsets.

    中华 人民 共和 和国 pins the same characters as all six bigrams of 中华人民共和国 (so the
    same documents match) with half the posting lists to intersect: measured, this was the
    largest cost of queries made of common words.
    """
    keep = list(range(0, len(tokens), 2))
    if keep[-1] != len(tokens) - 1:
        keep.append(len(tokens) - 1)
    return [(i, tokens[i]) for i in keep]


def _left_out(node: Node) -> Term | None:
    """The term of a bonus for "every document but these" (``Constant`` over ``MatchAll``
    minus one term): the planner's preference for the side of the strait a query's script
    belongs to, whose bonus goes to every document not Taiwan's."""
    if not isinstance(node, Constant) or not isinstance(node.node, Bool):
        return None
    b = node.node
    if b.must != (MatchAll(),) or b.should or b.filter or b.boost != 1.0 or len(b.must_not) != 1:
        return None
    out = b.must_not[0]
    return out if isinstance(out, Term) and out.boost == 1.0 else None


def cheaper_bonuses(query: Node, fewer: Callable[[Term], bool]) -> tuple[Node, float]:
    """``query`` with each optional bonus for every document but those of a term turned into
    the same bonus taken from that term's documents, when ``fewer(term)``; and the amount each
    score then has to get back.

    Among a query's matches, +c for every document but X's ranks exactly as −c for X's
    documents (every score moves by c), but tantivy scores an optional clause over every
    document of its posting lists near a match: the mainland's bonus visited every document not
    Taiwan's (at a million documents, 1.18× the median search, bench/README.md), while the
    side left out is usually the smaller, and in an index of one side's documents empty. Only
    optional clauses of a top level that must match otherwise qualify: there every match gets
    the same shift, which :meth:`EmbeddedIndex.search` adds back, so the scores are the plan's.
    """
    if not (isinstance(query, Bool) and query.must and not query.min_should and query.boost == 1.0):
        return query, 0.0
    should: list[Node] = []
    shift = 0.0
    for clause in query.should:
        term = _left_out(clause)
        if term is not None and fewer(term):
            assert isinstance(clause, Constant)
            should.append(Constant(term, -clause.score))
            shift += clause.score
        else:
            should.append(clause)
    if not shift:
        return query, 0.0
    return Bool(must=query.must, should=tuple(should), must_not=query.must_not,
                filter=query.filter), shift  # fmt: skip


def fewer_in(searcher: tantivy.Searcher) -> Callable[[Term], bool]:
    """Whether a keyword term's documents are under half of ``searcher``'s: then a bonus for
    every document but them is cheaper taken from them (:func:`cheaper_bonuses`)."""
    total = searcher.num_docs

    def fewer(t: Term) -> bool:
        return t.field in KEYWORD_FIELDS and 2 * searcher.doc_freq(t.field, t.value) < total

    return fewer


def id_number(doc_id: str) -> int:
    return int(doc_id[:16], 16)


def hash_number(content_hash: str) -> int:
    return int(content_hash[:16], 16) if content_hash else 0


def _holds_documents(path: Path) -> bool:
    """Whether the tantivy index in ``path`` lists a segment (read from its meta.json)."""
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(meta.get("segments")) if isinstance(meta, dict) else False


def _damaged(path: Path, exc: Exception) -> Conflict:
    """A damaged index, said with the way out (QA pass 38c: a traceback, exit 1)."""
    return Conflict(
        f"the index in {path} is damaged ({str(exc)[:200]}): restore the data folder from a "
        f"backup, or delete {path} and ingest again",
        path=str(path),
    )


class EmbeddedIndex:
    """A tantivy index under ``<data_dir>/index``; readers reload when a writer commits."""

    name = "embedded"

    def __init__(
        self,
        data_dir: Path,
        *,
        writer_heap: int = 256_000_000,
        threads: int = 2,
        allow_stale: bool = False,
        writer_wait: float = 30.0,
    ):
        self.path = Path(data_dir) / "index"
        self.writer_wait = writer_wait
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        # the index holds every document's words and stored fields, 不予公开 ones too: a new
        # index folder is the server's user's alone (QA pass 20: 0755 under the usual umask)
        self.path.mkdir(mode=0o700, exist_ok=True)
        if not os.access(self.path, os.W_OK) or not os.access(data_dir, os.W_OK):
            # tantivy takes a lock file even to read, and the text store's log lives beside
            # it: on read-only storage every command died in a traceback (QA pass 9)
            raise BackendUnavailable(
                f"the data folder {data_dir} is not writable by this user (read-only storage, "
                "or another owner): the embedded index writes lock files even to search; "
                "copy the folder to writable storage, or run as its owner"
            )
        texts = Path(data_dir) / "texts.sqlite"
        if texts.exists() and not os.access(texts, os.R_OK | os.W_OK):
            # a restore or a `cp -a` run as another user: a traceback "attempt to write a
            # readonly database" half-way through an ingest (QA pass 38c)
            raise BackendUnavailable(
                f"the text store {texts} is not writable by this user (another owner, or its "
                "mode): give it to the user the server and ingest run as (chown, chmod u+rw)"
            )
        if not texts.exists() and _holds_documents(self.path):
            # created empty, it served every document without its text, and an ingest found
            # every file unchanged (QA pass 38c: a restore that left this one file out)
            raise Conflict(
                f"the text store {texts} is missing, while the index in {self.path} holds "
                "documents (every page would show them empty): restore texts.sqlite from the "
                f"backup the index came from, or delete {self.path} and ingest again",
                path=str(texts),
            )
        try:
            self.texts = TextStore(texts)
        except sqlite3.DatabaseError as exc:
            raise Conflict(
                f"the text store {texts} is damaged ({exc}): restore the data folder from a "
                f"backup, or delete {texts} and {self.path} and ingest again",
                path=str(texts),
            ) from None
        self.schema = _schema()
        if not allow_stale:
            self._check_version()
        try:
            self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        except ValueError as exc:  # tantivy's "Data corrupted", a file missing (QA pass 38c)
            raise _damaged(self.path, exc) from None
        self.index.register_tokenizer(
            "ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )
        self._writer_heap = writer_heap
        self._threads = threads
        self._lock = threading.Lock()
        self._meta_mtime = 0.0
        self._copies_path = self.path / "govsearch-copies.json"
        self._copies: tuple[float, tuple[str, ...]] = (-1.0, ())
        # compiled Bool nodes by identity: a search compiles the same subtrees again (the
        # semantic leg's fused plan holds the word plan, the copy count takes the searched
        # plan), and compiling a plan costs ~0.6 ms of Python at 200 clauses
        self._compiled: OrderedDict[int, tuple[Bool, tantivy.Query]] = OrderedDict()
        self._compiled_lock = threading.Lock()
        try:
            self._reload(force=True)
        except ValueError as exc:  # a segment's file gone or cut short
            raise _damaged(self.path, exc) from None

    # -- lifecycle -----------------------------------------------------------------------
    def _check_version(self) -> None:
        marker = self.path / "govsearch-schema.json"
        current = INDEX_VERSION
        if marker.exists():
            found = json.loads(marker.read_text())
            if found != current:
                raise Conflict(
                    f"index at {self.path} was built with version {found}, this version needs "
                    f"{current}; delete {self.path} (that folder only: the staff keys, query "
                    "log, uploads and lexicon beside it stay) and ingest again (the embedded "
                    "index is rebuilt from the files) with each folder's own --catalog and "
                    "--disclosure, as first ingested: the new index remembers no level, and a "
                    "folder ingested --disclosure not_public would be published at the "
                    "default (or set GOVSEARCH_DEFAULT_DISCLOSURE=draft for the rebuild); "
                    "documents uploaded through the API must be uploaded again with their "
                    "fields (ingesting uploads/ is refused)",
                    path=str(self.path),
                )
        else:
            marker.write_text(json.dumps(current))

    def _reload(self, force: bool = False) -> None:
        meta = self.path / "meta.json"
        try:
            mtime = meta.stat().st_mtime_ns
        except FileNotFoundError:
            if self._meta_mtime:  # it was there: the folder was removed under a running server
                raise BackendUnavailable(
                    f"the index at {self.path} is gone (no meta.json): restore it from a backup "
                    "or ingest again, then restart the server",
                    path=str(self.path),
                ) from None
            mtime = 0
        if force or mtime != self._meta_mtime:
            self.index.reload()
            self._meta_mtime = mtime

    def _searcher(self) -> tantivy.Searcher:
        self._reload()
        return self.index.searcher()

    def close(self) -> None:
        pass

    def shared_folders(self) -> LocalFolders:
        """The data folder is the one copy every process of this machine reads."""
        return LocalFolders()

    def health(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "status": "ok",
            "path": str(self.path),
            "documents": self.count(),
        }

    # -- writes --------------------------------------------------------------------------
    def _writer(self) -> tantivy.IndexWriter:
        """The index's one writer, waiting up to :attr:`writer_wait` seconds while another
        process holds it (QA pass 9: of two ingests started together, one failed at once)."""
        deadline = time.monotonic() + self.writer_wait
        told = False
        while True:
            try:
                return self.index.writer(heap_size=self._writer_heap, num_threads=self._threads)
            except ValueError as exc:  # another process holds the writer lock
                if storage_fault(exc) == "read_only":  # ... or none may (QA pass 47b:
                    # a folder remounted read-only under a server waited 30 s, then blamed an
                    # ingest that was not running)
                    folder = self.path.parent.absolute()  # (QA pass 47c: relative, and
                    # quoting tantivy's "another IndexWriter", the wrong cause)
                    raise StorageReadOnly(
                        f"the data folder {folder} is read-only now: nothing can be written "
                        "to the index; make it writable again", path=str(folder),
                    ) from exc  # fmt: skip
                holders = _holders(self.path / WRITER_LOCK)
                who = f" (process {', '.join(map(str, holders))})" if holders else ""
                if time.monotonic() >= deadline:
                    raise Conflict(
                        f"the index is being written by another process{who} (an ingest is "
                        "running); try again when it has finished",
                        path=str(self.path),
                    ) from exc
                if not told:
                    log.warning("waiting while another process%s writes %s", who, self.path)
                    told = True
                time.sleep(min(WRITER_POLL_SECONDS, max(0.0, deadline - time.monotonic())))

    def _tantivy_doc(self, item: IndexedDocument) -> tantivy.Document:
        doc = item.doc
        d = tantivy.Document()
        d.add_text("id", doc.id)
        d.add_unsigned("id_num", id_number(doc.id))
        d.add_unsigned("hash_num", hash_number(fingerprint(doc.content_hash, doc.ingest_key)))
        for name, value in item.tokens.items():
            if value:
                d.add_text(name, value)
        for name, values in item.keywords.items():
            for v in values:
                if v:
                    d.add_text(name, v)
        for name, value in item.ints.items():
            d.add_integer(name, int(value))
        d.add_bytes("meta", json.dumps(to_stored(doc, item.source), ensure_ascii=False).encode())
        d.add_bytes("extra", json.dumps(item.stored, ensure_ascii=False).encode("utf-8"))
        return d

    def write(
        self, docs: Iterable[IndexedDocument], *, commit_every: int = 5000
    ) -> Iterator[WriteResult]:
        """Upsert by id (delete-then-add in one commit, so a document is never there twice).
        A full disk raises :class:`StorageFull` (QA pass 9: a raw traceback, exit 1 as if a
        file had failed); the commits before it stay."""
        try:
            yield from self._write(docs, commit_every)
        except (sqlite3.OperationalError, OSError, ValueError) as exc:
            why = _unwritable(exc)
            if not why:
                raise
            raise StorageFull(
                f"the disk holding {self.path.parent} {why} ({exc}): the documents committed "
                "before stay; free space (or lift the limit) and run the same ingest again "
                "(what is in is skipped as unchanged)",
                path=str(self.path.parent),
            ) from exc

    def _write(self, docs: Iterable[IndexedDocument], commit_every: int) -> Iterator[WriteResult]:
        with self._lock:
            writer = self._writer()
            pending: list[WriteResult] = []
            written: dict[str, str] = {}  # id → content version, to collect superseded texts
            keys: set[str] = set()  # content keys written since the last commit
            last_commit = time.monotonic()
            try:
                for item in docs:
                    try:
                        self.texts.stage(
                            item.doc.id, item.doc.content_hash, item.doc.text, item.normalized
                        )
                        writer.delete_documents_by_term("id", item.doc.id)
                        writer.add_document(self._tantivy_doc(item))
                        pending.append(WriteResult(item.doc.id, item.doc.path, True))
                        written[item.doc.id] = item.doc.content_hash
                        keys.update(k for k in item.keywords.get("content_key", ()) if k)
                    except (ValueError, OverflowError) as exc:
                        yield WriteResult(item.doc.id, item.doc.path, False, str(exc))
                        continue
                    if len(pending) >= commit_every or (
                        time.monotonic() - last_commit >= COMMIT_SECONDS
                    ):
                        self.texts.flush()
                        writer.commit()
                        last_commit = time.monotonic()
                        self._record_copies(keys)
                        keys = set()
                        yield from pending
                        pending = []
                self.texts.flush()
                writer.commit()
                self._record_copies(keys)
                yield from pending
                pending = []
                self._reload(force=True)
                self.texts.collect_superseded(written)
                self.texts.checkpoint()
            finally:
                if pending:  # the consumer stopped early or a commit failed: not durable
                    writer.rollback()
                    self.texts.discard()
                writer.wait_merging_threads()
        self._reload(force=True)

    def delete(self, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))  # an id given twice is one document (as Elasticsearch's)
        if not ids:
            return 0
        with self._lock:
            writer = self._writer()
            try:
                for i in ids:
                    writer.delete_documents_by_term("id", i)
                writer.commit()
                self.texts.delete(ids)
                self.texts.checkpoint()
            finally:
                writer.wait_merging_threads()
        self._reload(force=True)
        return len(ids)

    # -- reads ---------------------------------------------------------------------------
    def _compile(self, node: Node) -> tantivy.Query:
        q = tantivy.Query
        s = self.schema
        if isinstance(node, Term):
            value: Any = int(node.value) if node.field in INT_FIELDS else node.value
            out = q.term_query(s, node.field, value)
        elif isinstance(node, Phrase):
            if len(node.tokens) == 1:
                out = q.term_query(s, node.field, node.tokens[0])
            elif node.slop == 0 and node.field.endswith("_bi") and len(node.tokens) > 2:
                out = q.phrase_query(s, node.field, _bigram_cover(node.tokens), 0)
            else:
                out = q.phrase_query(s, node.field, list(node.tokens), node.slop)
        elif isinstance(node, Regex):
            out = q.regex_query(s, node.field, node.pattern)
        elif isinstance(node, Prefix):
            out = q.regex_query(s, node.field, re.escape(node.value) + ".*")
        elif isinstance(node, Range):
            out = q.range_query(
                s,
                node.field,
                tantivy.FieldType.Integer,
                node.lo if node.lo is not None else 1,
                node.hi if node.hi is not None else 99_991_231,
            )
        elif isinstance(node, MatchAll):
            out = q.all_query()
        elif isinstance(node, MatchNone):
            return q.empty_query()
        elif isinstance(node, Constant):
            return q.const_score_query(self._compile(node.node), node.score)
        elif isinstance(node, Bool):
            with self._compiled_lock:
                hit = self._compiled.get(id(node))
            if hit is not None and hit[0] is node:  # the entry keeps ``node`` alive: same id
                return hit[1]
            subs: list[tuple[tantivy.Occur, tantivy.Query]] = []
            subs += [(tantivy.Occur.Must, self._compile(n)) for n in node.must]
            subs += [
                (tantivy.Occur.Must, q.const_score_query(self._compile(n), 0.0))
                for n in node.filter
            ]
            subs += [(tantivy.Occur.Should, self._compile(n)) for n in node.should]
            subs += [(tantivy.Occur.MustNot, self._compile(n)) for n in node.must_not]
            if not node.must and not node.filter and not node.should:
                subs.append((tantivy.Occur.Must, q.all_query()))
            if node.min_should and node.should:
                out = q.boolean_query(subs, node.min_should)
            else:
                out = q.boolean_query(subs)
        else:  # pragma: no cover - the plan types are closed
            raise TypeError(f"unknown plan node {node!r}")
        boost = getattr(node, "boost", 1.0)
        out = q.boost_query(out, boost) if boost != 1.0 else out
        if isinstance(node, Bool):
            with self._compiled_lock:
                self._compiled[id(node)] = (node, out)
                while len(self._compiled) > _COMPILED_KEPT:
                    self._compiled.popitem(last=False)
        return out

    def _full_query(self, plan: Plan) -> tantivy.Query:
        return self._compile(Bool(must=(plan.query,), filter=plan.filters))

    def search(
        self,
        plan: Plan,
        *,
        offset: int = 0,
        limit: int = 10,
        sort: str = "relevance",
        facets: tuple[str, ...] = (),
        facet_size: int = 30,
    ) -> BackendResult:
        searcher = self._searcher()
        shift = 0.0
        if sort == "relevance":
            node, shift = cheaper_bonuses(plan.query, fewer_in(searcher))
            plan = replace(plan, query=node)
        query = self._full_query(plan)
        kwargs: dict[str, Any] = {"limit": max(limit, 1), "offset": offset, "count": True}
        if sort in ("date_desc", "date_asc"):
            kwargs["order_by_field"] = "date"
            kwargs["order"] = tantivy.Order.Desc if sort == "date_desc" else tantivy.Order.Asc
        elif isinstance(plan.query, MatchAll):  # one score for all: by id, as Elasticsearch
            kwargs["order_by_field"] = "id_num"  # (its tie-break; tantivy's was the segments'
            kwargs["order"] = tantivy.Order.Asc  # order, so a filter's pages differed)
        wanted = [f for f in facets if f in FACETABLE]
        pending = None
        if wanted:
            # tantivy releases the GIL: counting facets over every match runs on the other
            # core while the top hits are collected (measured: p95 halved at 100k documents)
            aggs = {f: {"terms": {"field": f, "size": facet_limit(f, facet_size)}} for f in wanted}
            pending = _FACET_POOL.submit(searcher.aggregate, query, aggs)
        by_score = sort == "relevance" and "order_by_field" not in kwargs
        if by_score and limit:  # equal scores in id order, as Elasticsearch breaks ties
            result, ranked = self._scores_by_id(searcher, query, offset, limit)
        else:
            result = searcher.search(query, **kwargs)
            ranked = [(float(s), addr) for s, addr in result.hits][:limit] if limit else []
        addrs = [addr for _, addr in ranked]
        if sort != "relevance" and addrs:
            last_page = offset + len(addrs) >= result.count
            addrs = self._ties_by_id(searcher, plan, addrs, offset, sort, last_page)
        scores = [sc + shift if by_score else 0.0 for sc, _ in ranked]
        if len(addrs) <= _EAGER_DOCS:  # a page of results: read the documents right here
            hits = tuple(
                BackendHit(doc_id, sc, doc)
                for (doc_id, doc), sc in zip(self._read(searcher, addrs), scores, strict=True)
            )
        else:  # candidate lists (duplicate check, suggestions) need only ids
            ids = [f"{n:016x}" for n in searcher.fast_field_values("id_num", addrs)]
            hits = tuple(BackendHit(i, sc) for i, sc in zip(ids, scores, strict=True))
        facet_values: dict[str, tuple[tuple[str, int], ...]] = {}
        if pending is not None:
            raw = pending.result() if result.count else {}
            for f in wanted:
                buckets = raw.get(f, {}).get("buckets", [])
                facet_values[f] = tuple(
                    (
                        str(int(b["key"])) if isinstance(b["key"], float) else str(b["key"]),
                        int(b["doc_count"]),
                    )
                    for b in buckets
                    if facet_value_kept(f, b.get("key"))
                )
        return BackendResult(total=int(result.count), hits=hits, facets=facet_values)

    def _scores_by_id(
        self, searcher: tantivy.Searcher, query: tantivy.Query, offset: int, limit: int
    ) -> tuple[Any, list[tuple[float, Any]]]:
        """The page ranked by score, equal scores in ascending id, as Elasticsearch orders them
        (its sort has the id as tie-break; tantivy left ties in the order of its segments, so
        a query every match of which scores alike, 机构:国务院, showed 5 other documents of 10
        on page 1: QA pass 18b). Scores within float noise are equal (copies in two segments).

        The ranking is read from the first hit to one past the page, so a run of equal scores
        at either edge of the page is seen whole; a run that goes on past what was read is
        read further, up to :data:`TIE_WINDOW` hits. A run is put in id order when it ends
        within the first :data:`TIE_WINDOW` hits of the whole ranking, and keeps tantivy's
        order otherwise: a rule of the ranking alone, not of how much a page read, so pages
        fetched one after another never repeat or skip a document (they did past 2,000 hits:
        page 1 kept a long run in tantivy's order, page 2 read its end and sorted it)."""
        # a search costs about the same for 11 hits or 256 (it scores every match either way;
        # collecting more adds little), while each read again repeats it whole: the first read
        # goes far enough to see most runs end
        want = max(offset + limit + 1, FIRST_READ)
        while True:
            result = searcher.search(query, limit=want, offset=0, count=True)
            scores = [float(sc) for sc, _ in result.hits]
            n = len(scores)
            if n <= offset:
                return result, []
            starts = _runs(scores)  # where each run of equal scores starts, then n
            end = min(offset + limit, n)  # the page is [offset, end)
            last_run = bisect.bisect_right(starts, end - 1) - 1
            run_goes_on = n == want and starts[last_run + 1] == n
            if not run_goes_on or want > TIE_WINDOW:
                break
            want = TIE_WINDOW + 1  # one more read at most: enough to see a run end before it
        addrs = [addr for _, addr in result.hits]
        first_run = bisect.bisect_right(starts, offset) - 1
        lo, hi = starts[first_run], starts[last_run + 1]  # the runs the page overlaps
        ids = list(searcher.fast_field_values("id_num", addrs[lo:hi]))
        ordered: list[int] = []
        for r in range(first_run, last_run + 1):
            s, e = starts[r], starts[r + 1]
            run = list(range(s, e))
            # the run's end is seen if a hit of another score follows, or the ranking ends
            if (e < n or n < want) and e - 1 < TIE_WINDOW:
                run.sort(key=lambda i: ids[i - lo])
            ordered.extend(run)
        page = ordered[offset - lo : offset - lo + limit]
        return result, [(scores[i], addrs[i]) for i in page]

    def _ties_by_id(
        self,
        searcher: tantivy.Searcher,
        plan: Plan,
        addrs: list[Any],
        offset: int,
        sort: str,
        last_page: bool = False,
    ) -> list[Any]:
        """A page sorted by date with the documents of one day in ascending id, as
        Elasticsearch orders them (its sort has the id as tie-break; tantivy sorts by one field
        and left ties in the order of the index's segments, so the two backends' pages
        differed).

        Only the page's first and last day can run past its edges; each is read again in id
        order (``id_num`` is the id as a number, so its order is the id's). A day wholly inside
        the page is ordered here. At most one count and two searches more, date sorts only;
        none for the last day of the results' last page (nothing runs past it).
        """
        dates = list(searcher.fast_field_values("date", addrs))
        ids = list(searcher.fast_field_values("id_num", addrs))
        sign = -1 if sort == "date_desc" else 1
        page = sorted(zip(dates, ids, addrs, strict=True), key=lambda x: (sign * x[0], x[1]))
        out = [addr for _, _, addr in page]
        first, last = dates[0], dates[-1]
        n_first, n_last = dates.count(first), dates.count(last)
        if offset:  # the first day may have begun on an earlier page
            before = self._count_ahead_of(searcher, plan, first, sort)
            out[:n_first] = self._day_by_id(searcher, plan, first, offset - before, n_first)
        if (last != first or not offset) and not last_page:  # it may go on past the page
            start = len(out) - n_last
            out[start:] = self._day_by_id(searcher, plan, last, 0, n_last)  # it began here
        return out if len(out) == len(addrs) else [addr for _, _, addr in page]

    def _count_ahead_of(self, searcher: tantivy.Searcher, plan: Plan, day: int, sort: str) -> int:
        """How many documents matching ``plan`` a date sort puts before those of ``day``."""
        if sort == "date_desc":
            ahead = Range("date", lo=day + 1)
        elif day > 0:  # undated documents (0) come first from old to new in the engine
            ahead = Range("date", lo=0, hi=day - 1)  # (SearchIndex asks for them apart)
        else:
            return 0
        query = self._full_query(replace(plan, filters=plan.filters + (ahead,)))
        return int(searcher.search(query, limit=1, count=True).count)

    def _day_by_id(
        self, searcher: tantivy.Searcher, plan: Plan, day: int, start: int, count: int
    ) -> list[Any]:
        """``count`` documents matching ``plan`` dated ``day``, from the ``start``-th in id
        order."""
        query = self._full_query(replace(plan, filters=plan.filters + (Term("date", str(day)),)))
        got = searcher.search(query, limit=count, offset=max(0, start), count=False,
                              order_by_field="id_num", order=tantivy.Order.Asc)  # fmt: skip
        return [addr for _, addr in got.hits]

    # -- copies: documents with the same text -------------------------------------------
    # Counting content keys over every match is slow (measured: 1.1 s for 100k matches of a
    # terms aggregation on the key), so the writer records, after each commit, the keys its
    # documents share with any indexed document (``govsearch-copies.json``, read by every
    # process that opens the index), and a search counts only matches holding one of those.
    # The file may keep keys whose copies were deleted since: a superset costs a little
    # time, never a wrong answer, because the counts are taken on the index itself.
    def _record_copies(self, keys: set[str]) -> None:
        if not keys:
            return
        self.index.reload()
        searcher = self.index.searcher()
        query = tantivy.Query.term_set_query(self.schema, "content_key", sorted(keys))
        found = set(self._count_keys(searcher, query, len(keys)))
        known = set(self._copy_keys())
        if found - known:
            tmp = self._copies_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(sorted(known | found)))
            tmp.replace(self._copies_path)

    def _copy_keys(self) -> tuple[str, ...]:
        try:
            mtime = self._copies_path.stat().st_mtime_ns
        except FileNotFoundError:
            return ()
        if mtime != self._copies[0]:
            self._copies = (mtime, tuple(json.loads(self._copies_path.read_text())))
        return self._copies[1]

    @staticmethod
    def _count_keys(searcher: tantivy.Searcher, query: tantivy.Query, size: int) -> dict[str, int]:
        # segment_size above any segment's term count keeps the counts exact across segments
        # (copies usually sit in different segments, each counting 1 there)
        aggs = {"g": {"terms": {"field": "content_key", "size": max(size, 1),
                                "min_doc_count": 2, "segment_size": 1 << 30}}}  # fmt: skip
        buckets = searcher.aggregate(query, aggs).get("g", {}).get("buckets", [])
        return {str(b["key"]): int(b["doc_count"]) for b in buckets if b["key"]}

    def record_moves(self, moves: dict[str, str]) -> None:
        self.texts.record_moves(moves)

    def moved(self, ids: list[str]) -> dict[str, str]:
        return self.texts.moved(ids)

    def copy_groups(self, plan: Plan, limit: int = 10_000) -> dict[str, int]:
        keys = self._copy_keys()
        if not keys:
            return {}
        searcher = self._searcher()
        query = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, self._full_query(plan)),
            (tantivy.Occur.Must, self._any_key(keys)),
        ])  # fmt: skip
        return self._count_keys(searcher, query, limit)

    def _any_key(self, keys: tuple[str, ...]) -> tantivy.Query:
        """Documents holding one of ``keys``. A term-set query walks the whole content_key
        dictionary (measured: 0.3 ms of every search at 2,000 documents, with 2 keys); a
        few keys are looked up one by one instead (15 µs)."""
        q = tantivy.Query
        if len(keys) > _FEW_KEYS:
            return q.term_set_query(self.schema, "content_key", list(keys))
        return q.boolean_query(
            [(tantivy.Occur.Should, q.term_query(self.schema, "content_key", k)) for k in keys]
        )

    def _read(
        self, searcher: tantivy.Searcher, addrs: list[Any]
    ) -> list[tuple[str, StoredDocument | None]]:
        """``(id, stored document)`` at these addresses (metadata from tantivy, text from
        SQLite). A text superseded by a commit since the searcher was taken gives None, so the
        caller falls back to :meth:`fetch`, which looks the document up again."""
        out: list[tuple[str, StoredDocument | None]] = []
        for addr in addrs:
            meta = json.loads(bytes(searcher.doc(addr).to_dict()["meta"][0]))
            got = self.texts.get(meta["id"], meta.get("content_hash", ""))
            out.append((meta["id"], None if got is None else from_stored(meta, *got)))
        return out

    def _docs_by_id(self, ids: list[str], fields: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        searcher = self._searcher()
        query = tantivy.Query.term_set_query(self.schema, "id", list(dict.fromkeys(ids)))
        result = searcher.search(query, limit=len(ids), count=False)
        out: dict[str, dict[str, Any]] = {}
        for _, addr in result.hits:
            d = searcher.doc(addr).to_dict()
            out[d["id"][0]] = {f: (d[f][0] if d.get(f) else None) for f in fields}
        return out

    def fetch(self, ids: list[str], *, texts: bool = True) -> dict[str, StoredDocument]:
        """Stored documents with their texts (``texts=False``: metadata only, no SQLite
        read), each one whole version.

        A reader can look a document up in the index just before an ingest commits a new
        version and collects the old text: its text is then gone. Such ids are looked up
        again in the newly committed index (measured: 27 of 96,800 fetches during constant
        re-ingest came back with an empty text before this retry, none after).
        """
        out: dict[str, StoredDocument] = {}
        wanted = list(ids)
        for attempt in range(4):
            raw = self._docs_by_id(wanted, ("meta",))
            superseded: list[str] = []
            for i, v in raw.items():
                meta = json.loads(bytes(v["meta"]))
                if not texts:
                    out[i] = from_stored(meta, "")
                    continue
                got = self.texts.get(i, meta.get("content_hash", ""))
                if got is None and attempt < 3:
                    superseded.append(i)
                    continue
                text, norm = got or ("", None)
                out[i] = from_stored(meta, text, norm)
            if not superseded:
                break
            wanted = superseded
            self._reload(force=True)
        return out

    def stored_extra(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        raw = self._docs_by_id(ids, ("extra",))
        return {i: json.loads(bytes(v["extra"] or b"{}")) for i, v in raw.items()}

    def fingerprints(self, source: str | None = None) -> dict[str, str]:
        searcher = self._searcher()
        n = searcher.num_docs
        if n == 0:
            return {}
        query = (
            tantivy.Query.term_query(self.schema, "source", source)
            if source is not None
            else tantivy.Query.all_query()
        )
        result = searcher.search(query, limit=n, count=False)
        addrs = [a for _, a in result.hits]
        ids = searcher.fast_field_values("id_num", addrs)
        hashes = searcher.fast_field_values("hash_num", addrs)
        return {f"{i:016x}": f"{h:016x}" for i, h in zip(ids, hashes, strict=True)}

    def sources(self) -> dict[str, int]:
        searcher = self._searcher()
        if searcher.num_docs == 0:
            return {}
        found = searcher.terms_with_prefix(
            "source", "", filter_query=tantivy.Query.all_query(), limit=None
        )
        return {t: int(c) for t, c in found if c}

    def catalog(self) -> Iterator[StoredDocument]:
        searcher = self._searcher()
        n = searcher.num_docs
        if n == 0:
            return
        result = searcher.search(tantivy.Query.all_query(), limit=n, count=False)
        for _, addr in result.hits:
            yield from_stored(json.loads(bytes(searcher.doc(addr).to_dict()["meta"][0])), "")

    def count(self) -> int:
        return int(self._searcher().num_docs)

    def stamp(self) -> str:
        # tantivy rewrites meta.json at every commit (its segments and opstamp)
        try:
            return hashlib.sha1((self.path / "meta.json").read_bytes()).hexdigest()
        except OSError:
            return ""

    def terms(
        self, field: str, prefix: str, plan: Plan, limit: int | None = 10
    ) -> list[tuple[str, int]]:
        """A few terms in process (suggestions); the whole dictionary (``limit=None``, the
        pinyin lexicon) in a child process, so its walk's index pages are not left mapped in
        this one (:mod:`search_index.term_walk`)."""
        if limit is None:
            return walk_in_child(self.path.parent, field, prefix, plan)
        return self.walk_terms(field, prefix, plan, limit)

    def walk_terms(
        self, field: str, prefix: str, plan: Plan, limit: int | None
    ) -> list[tuple[str, int]]:
        searcher = self._searcher()
        return [
            (t, int(c))
            for t, c in searcher.terms_with_prefix(
                field, prefix, filter_query=self._full_query(plan), limit=limit
            )
        ]

    def reindex(self, progress: bool = False) -> dict[str, Any]:
        raise NotSupported(
            "the embedded backend cannot reindex from its store; re-run "
            "`govsearch ingest` on the source folders (unchanged files are skipped; after an "
            "upgrade that changed the index version, delete <data-dir>/index only, then "
            "ingest the folders again: README, \"The data folder and backups\")"
        )


WRITER_LOCK = ".tantivy-writer.lock"
WRITER_POLL_SECONDS = 0.5
log = logging.getLogger("govsearch.index")


def _unwritable(exc: BaseException) -> str:
    """What SQLite, the OS or tantivy said of storage that takes no more (a full disk, a
    quota, a file-size limit), as words after "the disk holding …"; "" for anything else.
    QA pass 47b: under ``ulimit -f`` (EFBIG) or a quota the ingest ended in a traceback,
    without its summary or --report, where a full disk stopped it cleanly; SQLite says only
    "disk I/O error" of a write the OS refused."""
    said = _SAID.get(storage_fault(exc), "")
    if not said and isinstance(exc, sqlite3.OperationalError) and "disk i/o error" in str(
        exc
    ).lower():
        return "could not be written (a full disk, a quota or a file-size limit)"
    return said


_SAID = {
    "full": "is full",
    "quota": "is over its quota",
    "too_large": "took no more: a file reached the file-size limit (ulimit -f)",
}


def _holders(lock: Path) -> list[int]:
    """Processes of this machine with ``lock`` open: the operator's answer to "which ingest?"
    (QA pass 9: orphaned workers held it and the message named none)."""
    found: list[int] = []
    try:
        target = str(lock.resolve())
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
    except OSError:
        return found
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    found.append(pid)
                    break
            except OSError:
                continue
    return sorted(found)


def index_exists(data_dir: Path | str) -> bool:
    """Whether ``data_dir`` holds an embedded index (one ``ingest`` has created)."""
    return (Path(data_dir) / "index" / "meta.json").is_file()


def open_embedded(
    data_dir: Path | str, *, allow_stale: bool = False, writer_wait: float = 30.0
) -> EmbeddedIndex:
    try:
        return EmbeddedIndex(Path(data_dir), allow_stale=allow_stale, writer_wait=writer_wait)
    except OSError as exc:
        raise BackendUnavailable(f"cannot open the index in {data_dir}: {exc}") from exc

