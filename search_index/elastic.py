"""The Elasticsearch backend: the same semantics as :mod:`search_index.embedded`, on a cluster.

Documents arrive with the token streams ``prepare()`` produced and are indexed with the prebuilt
``whitespace`` analyzer, so Elasticsearch splits them exactly where tantivy does and both backends
match the same documents (``tests/search_index/test_parity.py`` checks it on real documents).
The plan tree compiles clause for clause to query DSL; only BM25 details differ, so rankings are
close but not identical.

The physical index is versioned (``<prefix>-<schema>-<timestamp>``) behind the alias ``<prefix>``:
:meth:`ElasticsearchIndex.reindex` rebuilds a new one from the stored ``_source`` while searches
keep using the old one, then moves the alias in one atomic ``update_aliases`` call. Any network or
cluster failure surfaces as :class:`~model.errors.BackendUnavailable` naming the URL, never as a
client stack trace.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import secrets
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from elasticsearch import (
    ApiError,
    BadRequestError,
    ConnectionTimeout,
    Elasticsearch,
    TransportError,
    helpers,
)
from tqdm import tqdm

from analyzers.history import amended_year
from model.document import StoredDocument, document_from_stored, from_stored
from model.errors import (
    BackendUnavailable,
    BadRequest,
    ConfigError,
    Conflict,
    GovSearchError,
    NotFound,
    NotSupported,
)
from model.ids import fingerprint
from model.version import version_tag
from search_index.deadline import overdue
from search_index.elastic_copies import MAX_KEYS, CopyList, list_name
from search_index.elastic_dsl import (
    WORD_TERM_FIELDS,
    WRITE_BLOCKED,
    failure_reason,
    full_query,
    lucene_literal,
    mappings,
    schema_meta,
    short_hash,
    source_of,
    terms_field,
)
from search_index.elastic_shared import ElasticFolders
from search_index.fields import (
    FACETABLE,
    INT_FIELDS,
    TOKEN_FIELDS,
    facet_limit,
    facet_value_kept,
)
from search_index.prepare import prepare
from search_index.protocol import BackendHit, BackendResult, IndexedDocument, WriteResult
from search_index.tree import Plan

log = logging.getLogger(__name__)

# Bulk items and whole requests answered with these are retried with backoff: 429 is the
# cluster shedding load, 5xx a node or shard momentarily unavailable.
RETRY_STATUSES = (429, 500, 502, 503, 504)
# Any other request (a search, a fetch) is retried by the client on the next node for these:
# a gateway error, a node shutting down or a shard without a live copy, a dropped connection.
CLIENT_RETRY_STATUSES = (502, 503, 504)
# Composite aggregation page of the whole-dictionary walk (the default search.max_buckets is
# 65,536). Each page scans every document's words again: at a million generated documents
# (1.1 million distinct body words) a page of 10,000 took 10.5 s and one of 50,000 13.4 s.
_TERMS_PAGE = 50_000
HEALTH_SECONDS = 3.0  # /api/health's requests wait at most this (or the search timeout)
CONNECTIONS_PER_NODE = 48
HUNG_HOLD = 5.0  # seconds reads fail at once after one timed out (ElasticsearchIndex._guard)
HUNG_READS = frozenset(
    ("search", "fetch documents", "count documents", "report health", "list terms",
     "list the texts with copies", "list the catalogue", "read the stored documents",
     "list fingerprints", "list the source folders", "read the generation")
)  # fmt: skip
# ... and the reads whose timeout says the cluster hangs: a search's own request, with the
# search's timeout (not health's shorter one, nor a whole-dictionary walk, which may be slow)
HUNG_TRIPS = frozenset(("search", "fetch documents", "count documents", "read the generation"))
MAX_SOURCES = 10_000  # ingested folders an index can list (one per ingest root: a few dozen)
# A bulk load refreshes and updates the copy list after this many distinct content keys, so the
# keys waiting to be checked never take more than a few megabytes.
_LIST_EVERY = 50_000
_PREFIX_RE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,100}")
# seconds a generation read (stamp) answers again: the lexicon's, the mention counts' and the
# repealed ids' watchers each ask at most every 2 s, one reading does for the three
STAMP_REUSE = 1.0
# the indices kept beside a prefix's documents: <prefix>-copies (elastic_copies), -files (shared
# folders), -keys (search_api.keys_elastic), -querylog (reports.office), -moves (record_moves)
MANAGED_SUFFIXES = ("-copies", "-files", "-keys", "-querylog", "-moves")
_MOVES_MAPPINGS = {"dynamic": "strict", "properties": {"new": {"type": "keyword"}}}


def _redact(url: str) -> str:
    """A URL safe to show: credentials in ``user:password@host`` are dropped."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _error_type(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    err = body.get("error")
    return str(err.get("type", "")) if isinstance(err, dict) else ""


def _scheme_hint(message: str) -> str:
    """What an https:// URL to a plain-http node fails with says nothing of the scheme (QA pass
    38c: "[SSL: WRONG_VERSION_NUMBER]" sent the operator to debug the network)."""
    if "WRONG_VERSION_NUMBER" in message or "record layer failure" in message:
        return (" (the node answers plain http, not TLS: is it http://…? Give that scheme in "
                "GOVSEARCH_ES_URL)")
    return ""


def _api_reason(exc: ApiError) -> str:
    """``type: reason`` of an error answer (the client's own message is only the type)."""
    body = exc.body if isinstance(exc.body, dict) else {}
    err = body.get("error")
    if isinstance(err, dict):
        return failure_reason({"error": err})
    return str(exc.message)


class ElasticsearchIndex:
    """An alias ``<prefix>`` over a versioned physical index on an Elasticsearch 8 cluster."""

    name = "elasticsearch"

    def __init__(
        self,
        urls: Sequence[str] = ("http://127.0.0.1:9200",),
        *,
        api_key: str = "",
        username: str = "",
        password: str = "",
        verify_certs: bool = True,
        ca_file: str = "",
        index_prefix: str = "govsearch",
        shards: int = 1,
        replicas: int = 0,
        timeout: float = 10.0,
        chunk_docs: int = 200,
        chunk_bytes: int = 16 * 1024 * 1024,
        max_retries: int = 5,
        initial_backoff: float = 0.5,
        max_backoff: float = 30.0,
        client_retries: int = 3,
        refresh_interval: str = "1s",
        bulk_refresh_interval: str | None = "-1",
        allow_stale: bool = False,
        create: bool = True,
        client: Elasticsearch | None = None,
    ) -> None:
        """Connect, then open the alias (creating a first index if there is none).

        ``allow_stale`` opens an index built by another schema/analysis version, which is only
        useful to :meth:`reindex` it; ``client`` replaces the client built from the URLs (tests
        inject network faults through it). ``client_retries`` is how many other nodes a failed
        search or fetch is tried on. ``bulk_refresh_interval`` is the index's refresh interval
        while a write of more than one bulk chunk runs (``None`` leaves it alone); it is set
        back to ``refresh_interval`` afterwards (see :meth:`write`). With ``create=False`` an
        alias with no index behind it is refused (:class:`NotFound`) instead of becoming a new,
        empty index: staff commands on a mistyped prefix must not answer "0 documents".
        """
        self.urls = tuple(urls)
        self.shown_urls = ", ".join(_redact(u) for u in self.urls)
        if not _PREFIX_RE.fullmatch(index_prefix):
            raise ConfigError(
                f"index prefix {index_prefix!r} is not a valid Elasticsearch index name "
                "(lowercase letters, digits, '-', '_', '.')"
            )
        taken = next((x for x in MANAGED_SUFFIXES if index_prefix.endswith(x)), None)
        if taken:
            # QA pass 7: qame-copies was taken for a prefix of its own, its "rebuild with
            # govsearch reindex" advice followed, and the reindex replaced qame's copy index
            raise ConfigError(
                f"index prefix {index_prefix!r} ends with {taken!r}: govsearch keeps "
                f"<prefix>{taken} beside the documents of a prefix, so this names another "
                f"prefix's {taken[1:]} index; use the prefix without {taken!r}"
            )
        self.alias = index_prefix
        self.shards, self.replicas, self.timeout = shards, replicas, timeout
        self.refresh_interval, self.bulk_refresh_interval = refresh_interval, bulk_refresh_interval
        self.index_shards = shards  # of the open index, read by _open
        # whether the open index has the words' keyword copies (terms_field), read by _open
        self._term_copies = True
        self._stamp, self._stamp_read = "", float("-inf")  # the last generation read (stamp)
        self.chunk_docs, self.chunk_bytes = max(1, chunk_docs), chunk_bytes
        self.max_retries, self.initial_backoff, self.max_backoff = (
            max_retries,
            initial_backoff,
            max_backoff,
        )
        if client is None:
            try:
                client = Elasticsearch(
                    list(self.urls),
                    api_key=api_key or None,
                    basic_auth=(username, password) if username else None,
                    verify_certs=verify_certs,
                    ca_certs=ca_file or None,
                    request_timeout=timeout,
                    max_retries=max(0, client_retries),
                    retry_on_status=CLIENT_RETRY_STATUSES,
                    # with one URL a hung cluster costs one timeout, not three; with several, a
                    # hung node is one of them and the next may answer
                    retry_on_timeout=len(self.urls) > 1,
                    # one connection for each of the server's threads (anyio's 40): with the
                    # client's 10, searches past the tenth waited for a connection through
                    # the others' timeouts, then their own (QA pass 32a: 20 s, not 10)
                    connections_per_node=CONNECTIONS_PER_NODE,
                )
            except ValueError as exc:
                raise ConfigError(f"bad Elasticsearch URL {self.shown_urls}: {exc}") from exc
        self.es = client
        self._hung_until = 0.0  # reads fail at once until then (_guard)
        self._shared: ElasticFolders | None = None
        # bulk requests are retried by write() itself, with backoff, item by item
        self._bulk_es = client.options(
            max_retries=0, retry_on_status=(), request_timeout=max(timeout, 120.0)
        )
        with self._guard("connect"):
            self.es.cluster.health()
        self.physical = self._open(allow_stale, create)

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> ElasticsearchIndex:
        """Build from anything with the ``es_*`` attributes of ``govsearch.settings.Settings``
        (duck-typed: the index layer does not import the application's settings)."""
        kwargs: dict[str, Any] = {
            "urls": tuple(settings.es_urls),
            "api_key": settings.es_api_key,
            "username": settings.es_username,
            "password": settings.es_password,
            "verify_certs": settings.es_verify_certs,
            "ca_file": settings.es_ca_file,
            "index_prefix": settings.es_index_prefix,
            "shards": settings.es_shards,
            "replicas": settings.es_replicas,
            "timeout": settings.es_timeout,
        }
        kwargs.update(overrides)
        return cls(**kwargs)

    # -- failures ------------------------------------------------------------------------
    def _missing(self, doing: str) -> BackendUnavailable:
        return BackendUnavailable(
            f"the index '{self.alias}' is missing on Elasticsearch at {self.shown_urls} "
            f"({doing}); ingest documents again or restore it",
            url=self.shown_urls,
        )

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        """Turn client and cluster failures into the product's errors, naming the URL.

        A read that timed out holds the reads back for :data:`HUNG_HOLD` seconds: they fail
        at once instead of each waiting its own timeout (QA pass 32a: with the cluster hung,
        a search that asks twice took 20 s, and /api/health 13 s, where a monitor waits 5).
        A read past its request's deadline (:mod:`search_index.deadline`) fails too."""
        read = doing in HUNG_READS
        if read and time.monotonic() < self._hung_until:
            raise BackendUnavailable(
                f"Elasticsearch at {self.shown_urls} did not answer within {self.timeout:g} s "
                f"moments ago ({doing}); tried again in a few seconds",
                url=self.shown_urls,
            )
        if read and overdue():  # this request's calls together (search_index.deadline)
            raise BackendUnavailable(
                f"Elasticsearch at {self.shown_urls} answers too slowly: this request ran out "
                f"of time before it could {doing}",
                url=self.shown_urls,
            )
        try:
            yield
        except GovSearchError:
            raise
        except ApiError as exc:
            status = exc.meta.status if exc.meta else 0
            why = _api_reason(exc)
            if status == 400:
                raise BadRequest(
                    f"Elasticsearch rejected the request ({doing}): {why}",
                    url=self.shown_urls,
                ) from exc
            if status == 404:
                raise self._missing(doing) from exc
            raise BackendUnavailable(
                f"Elasticsearch at {self.shown_urls} failed to {doing}: HTTP {status} {why}",
                url=self.shown_urls,
                status=status,
            ) from exc
        except TransportError as exc:
            if doing in HUNG_TRIPS and isinstance(exc, ConnectionTimeout):
                self._hung_until = time.monotonic() + HUNG_HOLD
            raise BackendUnavailable(
                f"Elasticsearch at {self.shown_urls} is unreachable ({doing}): {exc.message}"
                + _scheme_hint(str(exc.message)),
                url=self.shown_urls,
            ) from exc

    # -- lifecycle -----------------------------------------------------------------------
    def _new_name(self) -> str:
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        return f"{self.alias}-{version_tag()}-{stamp}-{secrets.token_hex(3)}"

    def _first_name(self) -> str:
        """The name of the first index under the alias, the same in every process."""
        return f"{self.alias}-{version_tag()}-first"

    def _index_settings(self, building: bool = False) -> dict[str, Any]:
        return {
            "number_of_shards": self.shards,
            "number_of_replicas": 0 if building else self.replicas,
            "refresh_interval": "-1" if building else self.refresh_interval,
        }

    def _resolve(self, client: Elasticsearch | None = None) -> list[str]:
        """Physical indexes behind the alias (empty when there is none)."""
        es = (client or self.es).options(ignore_status=404)
        found = es.indices.get_alias(name=self.alias)
        if found.meta.status == 404:
            if es.indices.exists(index=self.alias):
                raise Conflict(
                    f"'{self.alias}' on Elasticsearch at {self.shown_urls} is an index, not the "
                    "alias govsearch manages; choose another GOVSEARCH_ES_INDEX_PREFIX",
                    index=self.alias,
                )
            return []
        return sorted(found.body)

    def _open(self, allow_stale: bool, create: bool = True) -> str:
        with self._guard("open the index"):
            names = self._resolve()
            if not names and not create:
                raise NotFound(
                    f"no index '{self.alias}' on Elasticsearch at {self.shown_urls}: check "
                    "GOVSEARCH_ES_INDEX_PREFIX, or create it with `govsearch ingest PATH…`",
                    index=self.alias,
                )
            if not names:
                # Every process that finds no index creates the same name: index creation is
                # atomic, so exactly one succeeds and the others find it (two `govsearch
                # ingest` started together on an empty cluster each made their own index and
                # then failed with "alias points to 2 indexes" when names were random).
                name = self._first_name()
                # the copy list first: whoever finds the index finds its list
                CopyList.create(self.es, name, alias=list_name(self.alias))
                try:
                    # creation waits for the primaries, which a busy cluster can take a while
                    # to start: a generous timeout, so the client does not retry it
                    self.es.options(request_timeout=max(self.timeout, 60.0)).indices.create(
                        index=name,
                        mappings=mappings(),
                        settings=self._index_settings(),
                        aliases={self.alias: {}},
                    )
                except ApiError as exc:
                    # another process (or our own create, retried after a timeout) made it
                    if _error_type(exc) != "resource_already_exists_exception":
                        raise
                names = self._resolve()
                if not names:
                    raise Conflict(
                        f"index '{name}' exists on Elasticsearch at {self.shown_urls} without the "
                        f"alias '{self.alias}'; delete it or add the alias",
                        index=name,
                    )
            if len(names) != 1:
                raise Conflict(
                    f"alias '{self.alias}' points to {len(names)} indexes ({', '.join(names)}); "
                    "expected exactly one",
                    indexes=names,
                )
            name = names[0]
            # A new index answers searches only once its primaries have started, which a
            # loaded cluster may not have done when the create returns, nor when another
            # process finds the index just made (seen: "all shards failed" listing
            # fingerprints). Instant on a settled index; 408 after 120 s: go on, a search then
            # says what is wrong. (50 s was not enough for a 3-node cluster just started on a
            # loaded 2-core CI machine while two ingests created the index together.)
            self.es.options(
                request_timeout=max(self.timeout, 130.0), ignore_status=408
            ).cluster.health(index=name, wait_for_status="yellow", timeout="120s")
            self._searchable(name)
            mapping = self.es.indices.get_mapping(index=name)[name]["mappings"]
            found = mapping.get("_meta", {})
            # an index made before the keyword copies walks its text fields' fielddata
            props = mapping.get("properties", {})
            self._term_copies = all(terms_field(f) in props for f in WORD_TERM_FIELDS)
            # searches use the layout the index has, whoever created it with what settings
            shards = self.es.indices.get_settings(index=name, name="index.number_of_shards")
            self.index_shards = int(shards[name]["settings"]["index"]["number_of_shards"])
            self.copy_list = CopyList(self.es, self.alias, list_name(self.alias))
        built = found.get("govsearch")
        if built != schema_meta() and not allow_stale:
            raise Conflict(
                f"the Elasticsearch index '{name}' was built with {built or 'no govsearch schema'}"
                f", this version needs {schema_meta()}; rebuild it with `govsearch reindex`",
                index=name,
                found=built,
                needed=schema_meta(),
            )
        return name

    def _searchable(self, name: str, wait: float = 60.0) -> None:
        """Wait until a search of the index answers: on a 3-node cluster that two ingests had
        just created an index on, yellow health came back and the next search still failed
        with 503 "all shards failed" (once in a CI run). Instant on a settled index."""
        deadline = time.monotonic() + wait
        while True:
            try:
                self.es.count(index=name)
                return
            except ApiError as exc:
                if exc.meta.status != 503 or time.monotonic() > deadline:
                    return  # not this transient state: the caller's search says what is wrong
                time.sleep(0.5)

    def close(self) -> None:
        if self._shared is not None:
            self._shared.closed = True  # its follower stops instead of polling a closed client
        self.es.close()

    def shared_folders(self) -> ElasticFolders:
        """In the cluster, beside the alias (``<prefix>-files``): API servers on other machines
        fetch the lexicon and vectors from there (:mod:`search_index.elastic_shared`)."""
        if self._shared is None:
            self._shared = ElasticFolders(self.es, f"{self.alias}-files", self.shown_urls)
        return self._shared

    def health(self) -> dict[str, Any]:
        out: dict[str, Any] = {"backend": self.name, "url": self.shown_urls}
        # a monitor waits a few seconds: a hung cluster is said within them (QA pass 32a: two
        # requests of the search's 10 s each answered /api/health after 20 s)
        # (three requests, each a third of it, none retried)
        es = self.es.options(
            request_timeout=min(self.timeout, HEALTH_SECONDS) / 3, max_retries=0,
            retry_on_timeout=False,
        )  # fmt: skip
        try:
            with self._guard("report health"):
                names = self._resolve(es)
                status = es.cluster.health(index=self.alias)["status"] if names else "red"
                count = int(es.count(index=self.alias)["count"]) if names else 0
                out.update(status=status, index=", ".join(names) or None, documents=count)
        except GovSearchError as exc:
            out.update(status="unavailable", index=self.physical, documents=0, error=exc.message)
        return out

    # -- writes --------------------------------------------------------------------------
    def _chunks(
        self, docs: Iterable[IndexedDocument], term_copies: bool | None = None
    ) -> Iterator[list[tuple[IndexedDocument, dict[str, Any]]]]:
        """Runs of documents under the count and (estimated) byte limits, ids unique in each,
        so every bulk item maps back to exactly one input document. ``term_copies``: whether
        the target index maps the words' keyword copies (by default: whether the open one
        does; an index made before them refuses unknown fields and keeps using fielddata)."""
        if term_copies is None:
            term_copies = self._term_copies
        chunk: list[tuple[IndexedDocument, dict[str, Any]]] = []
        ids: set[str] = set()
        size = 0
        for item in docs:
            src = source_of(item, term_copies=term_copies)
            weight = 3 * (len(item.doc.text) + sum(len(v) for v in item.tokens.values())) + 2048
            if chunk and (
                len(chunk) >= self.chunk_docs
                or size + weight > self.chunk_bytes
                or item.doc.id in ids
            ):
                yield chunk
                chunk, ids, size = [], set(), 0
            chunk.append((item, src))
            ids.add(item.doc.id)
            size += weight
        if chunk:
            yield chunk

    def _backoff(self, attempt: int) -> float:
        return min(self.max_backoff, self.initial_backoff * 2 ** (attempt - 1))

    def _bulk_chunk(
        self, chunk: list[tuple[IndexedDocument, dict[str, Any]]], index: str
    ) -> Iterator[WriteResult]:
        """One bulk request, retried until every document has an answer.

        ``streaming_bulk`` retries the items (or the whole request) answered 429/5xx with
        exponential backoff; a dropped connection or a timeout is retried here with the same
        backoff for the documents that have no answer yet. Indexing is an upsert by ``_id``, so
        a retry after an ambiguous failure never indexes a document twice.
        """
        waiting = {item.doc.id: (item, src) for item, src in chunk}
        attempt = 0
        while waiting:
            actions = [
                {"_op_type": "index", "_index": index, "_id": doc_id, "_source": src}
                for doc_id, (_, src) in waiting.items()
            ]
            try:
                for ok, info in self._stream_bulk(
                    actions,
                    chunk_size=len(actions),
                    max_chunk_bytes=2**31 - 1,
                    # never let a write auto-create a concrete index where the alias should be
                    require_alias=index == self.alias,
                ):
                    result = next(iter(info.values()))
                    item, _ = waiting.pop(result["_id"])
                    error = "" if ok else failure_reason(result)
                    yield WriteResult(item.doc.id, item.doc.path, ok, error)
            except TransportError as exc:
                attempt += 1
                if attempt <= self.max_retries:
                    time.sleep(self._backoff(attempt))
                    continue
                reason = f"Elasticsearch at {self.shown_urls} is unreachable: {exc.message}"
                for item, _ in list(waiting.values()):
                    yield WriteResult(item.doc.id, item.doc.path, False, reason)
                raise BackendUnavailable(reason, url=self.shown_urls) from exc

    def _refresh(self, index: str) -> None:
        with self._guard("refresh the index"):
            self.es.indices.refresh(index=index)

    def write(self, docs: Iterable[IndexedDocument]) -> Iterator[WriteResult]:
        """Upsert by id in chunks, one result per document (a failed one carries the reason);
        refreshed at the end, even when the consumer stops early, so writes become visible
        like a tantivy commit.

        From the second chunk on (a bulk load, not an upload) the index stops refreshing
        every second until the load ends: each refresh writes a new segment that merges then
        rewrite (``bench/cluster.py`` measures the difference). It is restored to the
        configured interval, not to what was found, so two loads running at once cannot leave
        it switched off; the final explicit refresh makes everything visible either way.
        """
        wrote = finished = relaxed = False
        keys: set[str] = set()  # content keys written since the copy list was last updated
        try:
            for n, chunk in enumerate(self._chunks(docs)):
                if n == 1 and self.bulk_refresh_interval is not None:
                    relaxed = self._set_refresh_interval(self.bulk_refresh_interval) is None
                for result in self._bulk_chunk(chunk, self.alias):
                    wrote = wrote or result.ok
                    yield result
                keys = self._note_keys(keys, chunk, self.alias, self.copy_list)
            finished = True
        finally:
            try:
                failed = self._restore_refresh_interval() if relaxed else None
                if failed and finished:
                    raise BackendUnavailable(
                        f"could not restore refresh_interval={self.refresh_interval} on "
                        f"'{self.alias}' at {self.shown_urls} ({failed}); set it by hand",
                        url=self.shown_urls,
                    )
                if wrote:
                    self._refresh(self.alias)
                    try:
                        self._list_copies(self.copy_list, keys)
                    finally:  # the documents are visible: say so, whatever the list did
                        self._bump()
            except BackendUnavailable:
                if finished:  # otherwise an error is already on its way: do not mask it
                    raise

    def _bump(self) -> None:
        """Move the documents' generation every server reads as its stamp (after a refresh).
        A failure is logged, not raised: the write is done, and other servers learn of it at
        the next write or their own count's check (the review: a failed bump after a reindex
        reported the finished reindex as failed)."""
        try:
            with self._guard("count the write"):
                self.copy_list.bump()
        except GovSearchError as exc:
            log.warning("the documents' generation was not moved: %s", exc.message)
        self._stamp_read = float("-inf")

    def _list_copies(self, copy_list: CopyList, keys: set[str]) -> None:
        """Add the written keys that now have copies to the copy list (after the refresh that
        made the documents visible; :mod:`search_index.elastic_copies`)."""
        with self._guard("list the texts with copies"):
            copy_list.record(keys)

    def _note_keys(
        self,
        keys: set[str],
        chunk: list[tuple[IndexedDocument, dict[str, Any]]],
        index: str,
        copy_list: CopyList,
    ) -> set[str]:
        """The content keys still to check after a written chunk: past ``_LIST_EVERY`` the
        index is refreshed and the copies found so far listed, so a million-document load
        never holds a million keys."""
        keys.update(k for item, _ in chunk for k in item.keywords.get("content_key", ()))
        if len(keys) < _LIST_EVERY:
            return keys
        self._refresh(index)
        self._list_copies(copy_list, keys)
        return set()

    def _set_refresh_interval(self, value: str) -> str | None:
        """Set the index's refresh interval; the reason if the cluster refused or did not
        answer (a key without the manage privilege still loads, only slower)."""
        try:
            self.es.indices.put_settings(
                index=self.alias, settings={"index": {"refresh_interval": value}}
            )
        except ApiError as exc:
            return f"HTTP {exc.meta.status}: {_api_reason(exc)}"
        except TransportError as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def _restore_refresh_interval(self, tries: int = 4) -> str | None:
        """Restore the configured interval after a bulk load, trying again for a few seconds:
        a node busy merging what the load wrote once failed to answer the first request
        (``bench/es_lexicon.py``, 20,000 documents on a loaded 2-core machine), and an index
        left at ``-1`` never shows later writes until someone notices."""
        failed = None
        for n in range(tries):
            failed = self._set_refresh_interval(self.refresh_interval)
            if failed is None:
                return None
            log.warning("refresh_interval not restored (try %d of %d): %s", n + 1, tries, failed)
            time.sleep(min(self.max_backoff, self.initial_backoff * 2**n))
        return failed

    def _stream_bulk(self, actions: Any, **options: Any) -> Iterator[tuple[bool, dict[str, Any]]]:
        """``streaming_bulk`` with this index's retry policy; a result per action, never raising
        for a refused document (the caller reports it)."""
        return helpers.streaming_bulk(
            self._bulk_es,
            actions,
            raise_on_error=False,
            raise_on_exception=False,
            max_retries=self.max_retries,
            initial_backoff=self.initial_backoff,
            max_backoff=self.max_backoff,
            retry_on_status=RETRY_STATUSES,
            **options,
        )

    def delete(self, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return 0
        failed: list[str] = []
        with self._guard("delete documents"):
            for ok, info in self._stream_bulk(
                ({"_op_type": "delete", "_index": self.alias, "_id": i} for i in ids),
                chunk_size=1000,
            ):
                result = next(iter(info.values()))
                if not ok and result.get("status") != 404:  # already gone is fine
                    failed.append(f"{result.get('_id')}: {failure_reason(result)}")
            self.es.indices.refresh(index=self.alias)
        self._bump()
        if failed and all(WRITE_BLOCKED in f for f in failed):  # QA pass 35c: a 503
            raise Conflict(f"nothing was deleted: {WRITE_BLOCKED}; delete again when it ends",
                           retry_after=60)  # fmt: skip
        if failed:
            raise BackendUnavailable(
                f"{len(failed)} of {len(ids)} deletions failed on Elasticsearch at "
                f"{self.shown_urls}, first: {failed[0]}",
                failed=len(failed),
            )
        return len(ids)

    # -- reads ---------------------------------------------------------------------------
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
        order = {"date_desc": "desc", "date_asc": "asc"}.get(sort)
        # the id tie-break makes pages stable across shards and replicas
        sort_by = [{"date": order} if order else {"_score": "desc"}, {"id": "asc"}]
        wanted = [f for f in facets if f in FACETABLE]
        aggs = {f: {"terms": {"field": f, "size": facet_limit(f, facet_size)}} for f in wanted}
        with self._guard("search"):
            res = self.es.search(
                index=self.alias,
                query=full_query(plan),
                from_=offset,
                size=limit,
                sort=sort_by,
                track_total_hits=True,
                track_scores=False,
                # ids from doc values, no stored field read: reading `_id` decompresses each
                # hit's stored block (its whole _source, ~50 KB here), which made a search for
                # 100 ids (the semantic leg's first pass) cost 19 ms instead of 5
                source=False,
                stored_fields="_none_",
                docvalue_fields=["id"],
                aggs=aggs or None,
                search_type="dfs_query_then_fetch" if self.index_shards > 1 else None,
                # a shard with no live copy must fail the search (503, retried by the client),
                # never quietly drop that shard's documents from the answer
                allow_partial_search_results=False,
            )
        hits = tuple(
            BackendHit(h["fields"]["id"][0], float(h["_score"] or 0.0) if not order else 0.0)
            for h in res["hits"]["hits"]
        )
        total = int(res["hits"]["total"]["value"])
        # like embedded: every facet asked for is there, empty for an empty result
        raw = (res.get("aggregations") or {}) if total else {}
        facet_values: dict[str, tuple[tuple[str, int], ...]] = {
            f: tuple(
                (str(b["key"]), int(b["doc_count"]))
                for b in raw.get(f, {}).get("buckets", [])
                if facet_value_kept(f, b["key"])
            )
            for f in wanted
        }
        return BackendResult(total=total, hits=hits, facets=facet_values)

    def copy_groups(self, plan: Plan, limit: int = 10_000) -> dict[str, int]:
        # shard_size covers every key of a shard, so counts stay exact with several shards
        agg = {"terms": {"field": "content_key", "size": limit, "min_doc_count": 2,
                         "shard_size": 1 << 20}}
        query = full_query(plan)
        with self._guard("search"):
            listed = self.copy_list.keys(self.timeout)
            if listed is not None and len(listed) <= MAX_KEYS:
                if not listed:  # no text has two documents: nothing to count
                    return {}
                # count only the matches holding a key known to have copies
                query = {"bool": {"must": [query],
                                  "filter": [{"terms": {"content_key": list(listed)}}]}}
            res = self.es.search(index=self.alias, query=query, size=0,
                                 track_total_hits=False, aggs={"g": agg})
        buckets = (res.get("aggregations") or {}).get("g", {}).get("buckets", [])
        return {str(b["key"]): int(b["doc_count"]) for b in buckets if b["key"]}

    def _sources(self, ids: list[str], fields: list[str]) -> dict[str, dict[str, Any]]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        with self._guard("fetch documents"):
            res = self.es.mget(index=self.alias, ids=ids, source=fields)
        # mget answers a missing index per document, with an error rather than a 404: read as
        # "no such document", a document page said 404 while searches said 503 (QA pass 18)
        failed = next((d["error"] for d in res["docs"] if d.get("error")), None)
        if failed is not None:
            kind = failed.get("type", "") if isinstance(failed, dict) else ""
            why = failed.get("reason", failed) if isinstance(failed, dict) else failed
            if kind == "index_not_found_exception":
                raise self._missing("fetch documents")
            raise BackendUnavailable(
                f"Elasticsearch at {self.shown_urls} failed to fetch documents: {why}",
                url=self.shown_urls,
            )
        return {d["_id"]: d.get("_source", {}) for d in res["docs"] if d.get("found")}

    def record_moves(self, moves: dict[str, str]) -> None:
        """In ``<prefix>-moves`` (one document per old id), beside the alias rather than behind
        it: ids outlive a reindex, and every API server reads the same table."""
        if not moves:
            return
        name = f"{self.alias}-moves"
        with self._guard("record moved documents"):
            self.es.options(ignore_status=400).indices.create(  # 400: it exists already
                index=name, mappings=_MOVES_MAPPINGS,
                settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
            )  # fmt: skip
            actions = [{"_index": name, "_id": old, "_source": {"new": new}}
                       for old, new in moves.items()]  # fmt: skip
            helpers.bulk(self.es, actions, refresh="wait_for")

    def moved(self, ids: list[str]) -> dict[str, str]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        with self._guard("look up moved documents"):
            res = self.es.options(ignore_status=404).mget(index=f"{self.alias}-moves", ids=ids)
        # no table yet (nothing ever moved): every document of the answer says so
        return {d["_id"]: d["_source"]["new"] for d in res.get("docs", ()) if d.get("found")}

    def fetch(self, ids: list[str], *, texts: bool = True) -> dict[str, StoredDocument]:
        return {
            i: from_stored(src["meta"], src.get("text", ""))
            for i, src in self._sources(ids, ["meta", "text"] if texts else ["meta"]).items()
        }

    def stored_extra(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        return {i: src.get("extra") or {} for i, src in self._sources(ids, ["extra"]).items()}

    def fingerprints(self, source: str | None = None) -> dict[str, str]:
        query = {"term": {"source": source}} if source is not None else {"match_all": {}}
        with self._guard("list fingerprints"):
            return {
                h["_source"]["id"]: short_hash(
                    fingerprint(
                        h["_source"]["meta"].get("content_hash", ""),
                        h["_source"]["meta"].get("ingest_key", ""),
                    )
                )
                for h in helpers.scan(
                    self.es,
                    index=self.alias,
                    query={
                        "query": query,
                        "_source": ["id", "meta.content_hash", "meta.ingest_key"],
                    },
                    size=2000,
                    scroll="2m",
                )
            }

    def sources(self) -> dict[str, int]:
        with self._guard("list the source folders"):
            res = self.es.search(
                index=self.alias,
                size=0,
                aggs={"s": {"terms": {"field": "source", "size": MAX_SOURCES}}},
            )
        return {str(b["key"]): int(b["doc_count"]) for b in res["aggregations"]["s"]["buckets"]}

    def catalog(self) -> Iterator[StoredDocument]:
        with self._guard("list the catalogue"):
            for h in helpers.scan(
                self.es,
                index=self.alias,
                query={"query": {"match_all": {}}, "_source": ["meta"]},
                size=2000,
                scroll="2m",
            ):
                yield from_stored(h["_source"]["meta"], "")

    def stamp(self) -> str:
        """The documents' generation, which every write through govsearch moves after its
        refresh (:meth:`CopyList.generation`): one small search, which
        :class:`~search_index.stamp_watch.StampWatcher` makes at most every 2 s. The last
        reading while the cluster does not answer (the search itself says so)."""
        now = time.monotonic()
        if now - self._stamp_read < STAMP_REUSE:  # three watchers ask in turn
            return self._stamp
        # a failed reading is shared too, and a hung cluster's is held back as a search's is
        # (the review: each watcher waited its own timeout, three per search)
        self._stamp_read = now
        try:
            with self._guard("read the generation"):
                self._stamp = self.copy_list.generation()
        except GovSearchError as exc:
            log.info("generation not read: %s", exc.message)
        return self._stamp

    def count(self) -> int:
        with self._guard("count documents"):
            return int(self.es.count(index=self.alias)["count"])

    # -- rebuild -------------------------------------------------------------------------
    def _rebuilt(self, hits: Iterable[dict[str, Any]]) -> Iterator[IndexedDocument]:
        """Documents from stored ``_source``, analysed again by the current ``prepare``.

        What ``prepare`` produces is recomputed; keyword fields and ``extra`` keys it does not
        produce (data added by other stages) are carried over as stored.
        """
        produced = set(TOKEN_FIELDS) | set(INT_FIELDS) | {"id", "meta", "text", "extra"}
        for hit in hits:
            src = hit["_source"]
            doc, source = document_from_stored(src["meta"], src.get("text", ""))
            if not doc.amended:  # stored before the field was (a rebuild has the text)
                doc = dataclasses.replace(doc, amended=str(amended_year(doc.text) or ""))
            item = prepare(doc, source)
            kept = {
                k: tuple(v) for k, v in src.items() if k not in produced and k not in item.keywords
            }
            yield dataclasses.replace(
                item,
                keywords={**kept, **item.keywords},
                stored={**(src.get("extra") or {}), **item.stored},
            )

    def _abandon(self, old: str, new: str) -> None:
        """Undo a failed rebuild: lift the block, drop the half-built index, unless the alias
        switch did happen (a timeout can hide a success), in which case the old one goes."""
        es = self.es.options(ignore_status=404)
        try:
            if self._resolve() == [new]:
                es.indices.delete(index=[old, list_name(old)], ignore_unavailable=True)
                self.physical = new
                self.copy_list.forget()
                return
            es.indices.put_settings(index=old, settings={"index.blocks.write": None})
            es.indices.delete(index=[new, list_name(new)], ignore_unavailable=True)
        except (TransportError, ApiError, GovSearchError):
            pass  # the cluster is gone; the error being raised says so

    def terms(
        self, field: str, prefix: str, plan: Plan, limit: int | None = 10
    ) -> list[tuple[str, int]]:
        """Terms of a word field (:data:`WORD_TERM_FIELDS`, read from its doc-values keyword copy,
        :func:`terms_field`) in documents matching ``plan``: a terms aggregation for a prefix and
        a limit, pages of a composite aggregation for the whole dictionary (the pinyin lexicon)."""
        if field not in WORD_TERM_FIELDS:
            raise NotSupported(f"no term dictionary walk for {field!r} on Elasticsearch")
        field = terms_field(field) if self._term_copies else field
        query = full_query(plan)
        out: list[tuple[str, int]] = []
        with self._guard("list terms"):
            try:
                if limit is not None:
                    agg: dict[str, Any] = {"field": field, "size": max(1, limit)}
                    if prefix:
                        agg["include"] = lucene_literal(prefix) + ".*"
                    res = self.es.search(
                        index=self.alias, query=query, size=0, aggs={"t": {"terms": agg}}
                    )
                    buckets = res["aggregations"]["t"]["buckets"]
                    return [(str(b["key"]), int(b["doc_count"])) for b in buckets]
                after: dict[str, Any] | None = None
                while True:
                    comp: dict[str, Any] = {
                        "size": _TERMS_PAGE,
                        "sources": [{"t": {"terms": {"field": field}}}],
                    }
                    if after:
                        comp["after"] = after
                    res = self.es.search(
                        index=self.alias, query=query, size=0, aggs={"c": {"composite": comp}}
                    )
                    page = res["aggregations"]["c"]
                    out += [
                        (str(b["key"]["t"]), int(b["doc_count"]))
                        for b in page["buckets"]
                        if str(b["key"]["t"]).startswith(prefix)
                    ]
                    after = page.get("after_key")
                    if not page["buckets"] or not after:
                        break
            except BadRequestError as exc:  # an old index with neither copy nor fielddata
                raise NotSupported(
                    f"the index cannot list the terms of {field} ({_api_reason(exc)}); rebuild it "
                    "with `govsearch reindex`"
                ) from exc
        out.sort(key=lambda tc: (-tc[1], tc[0]))
        return out

    def reindex(self, progress: bool = False) -> dict[str, Any]:
        """Rebuild into a new physical index from the stored ``_source``, then switch the alias.

        Searches keep using the old index until the one atomic ``update_aliases`` call. The old
        index is write-blocked meanwhile, so a concurrent ingest gets a clear per-document
        failure instead of a write that would be silently lost with the old index; on any
        failure the block is lifted and the half-built index deleted.
        """
        t0 = time.perf_counter()
        with self._guard("reindex"):
            old = self._open(allow_stale=True)
            blocked = self.es.indices.get_settings(index=old, name="index.blocks.write")
            flags = blocked.body.get(old, {}).get("settings", {}).get("index", {})
            if flags.get("blocks", {}).get("write") == "true":
                raise Conflict(
                    f"index '{old}' is write-blocked: another `govsearch reindex` is running "
                    "(or one was interrupted; lift the block with "
                    f"PUT /{old}/_settings {{\"index.blocks.write\": null}})",
                    index=old,
                )
        new = self._new_name()
        try:
            with self._guard("start the new index"):
                self.es.indices.add_block(index=old, block="write")
                CopyList.create(self.es, new)  # moved under the list alias with the index
                self.es.indices.create(
                    index=new, mappings=mappings(), settings=self._index_settings(building=True)
                )
            expected = self.count()
            failures: list[WriteResult] = []
            written = 0
            keys: set[str] = set()
            new_list = CopyList(self.es, new, list_name(new))
            with self._guard("read the stored documents"):
                hits = helpers.scan(
                    self.es,
                    index=old,
                    query={"query": {"match_all": {}}},
                    size=500,
                    scroll="10m",
                )
                with tqdm(total=expected, unit="doc", desc="reindex", disable=not progress) as bar:
                    # a new index has the words' keyword copies
                    for chunk in self._chunks(self._rebuilt(hits), term_copies=True):
                        for result in self._bulk_chunk(chunk, new):
                            if result.ok:
                                written += 1
                            else:
                                failures.append(result)
                            bar.update(1)
                        keys = self._note_keys(keys, chunk, new, new_list)
            if failures or written != expected:
                first = f"; first: {failures[0].path}: {failures[0].error}" if failures else ""
                raise BackendUnavailable(
                    f"reindex wrote {written} of {expected} documents, the old index stays in "
                    f"use{first}",
                    failed=len(failures),
                )
            with self._guard("finish the new index"):
                live = self._index_settings()
                del live["number_of_shards"]  # static: fixed at creation
                self.es.indices.put_settings(index=new, settings=live)
                self.es.indices.refresh(index=new)
                new_list.record(keys)
                lists = list_name(self.alias)
                had_list = self.es.indices.exists(index=list_name(old))
                self.es.indices.update_aliases(
                    actions=[
                        {"remove": {"index": old, "alias": self.alias, "must_exist": True}},
                        {"add": {"index": new, "alias": self.alias}},
                        *([{"remove": {"index": list_name(old), "alias": lists}}] if had_list
                          else []),
                        {"add": {"index": list_name(new), "alias": lists,
                                 "is_write_index": True}},
                    ]
                )  # fmt: skip
        except BaseException:
            self._abandon(old, new)
            raise
        with self._guard("delete the old index"):
            self.es.indices.delete(index=old)
            self.es.indices.delete(index=list_name(old), ignore_unavailable=True)
        self.physical, self.index_shards, self._term_copies = new, self.shards, True
        self.copy_list.forget()
        self._bump()
        return {
            "backend": self.name,
            "old_index": old,
            "index": new,
            "documents": written,
            "seconds": round(time.perf_counter() - t0, 2),
        }


__all__ = ["ElasticsearchIndex"]
