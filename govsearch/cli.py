"""The ``govsearch`` command line: ingest, search, serve, stats, keys, reindex, learn-words,
embed."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from analyzers.chars import visible
from govsearch.cli_choices import FieldChoice
from govsearch.cli_paths import writable_file
from govsearch.configure import apply
from model.errors import GovSearchError
from model.fields import DISCLOSURE_VALUES
from model.settings import Settings, unknown_variables
from model.version import version_tag

if TYPE_CHECKING:
    from ingest.report import IngestReport
    from search_api.keys_elastic import Keys
    from search_index.index import SearchIndex
    from search_index.request import SearchResult


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


# Exit codes: 0 done, 1 a file or catalogue row failed (the rest is in), 2 the command could not
# run (usage, settings, the index), 3 the disk is full (or read-only), 130 stopped by Ctrl-C,
# 143 by SIGTERM.
EXIT_CODES = {"insufficient_storage": 3, "storage_read_only": 3}
INGEST_WRITER_WAIT = 86_400.0
SERVE_WORKER_VARIABLE = "GOVSEARCH_SERVE_WORKER"
CLI_SUGGEST_WAIT = 30.0  # seconds a search waits, the first time, for the pinyin lexicon
EMBED_PROGRESS_SECONDS = 60.0  # a line of `embed` progress this often when not on a terminal
# up to this many documents `serve` reads each one's content hash at start, to say how many
# lack vectors (semantic.off_reason): ~20 µs a document embedded (the corpus's 6,337 in
# 0.13 s), so at most ~2 s; past it, only how many there are
UNEMBEDDED_CHECK_MAX = 100_000


def _last_page(total: int, size: int) -> int:
    return -(-total // size)


def _fail(exc: GovSearchError) -> None:
    click.echo(f"error: {exc.message}", err=True)
    sys.exit(EXIT_CODES.get(exc.code, 2))


class _Commands(click.Group):
    """A reader that closes the pipe early (``govsearch search … | head -1``) had what it wanted:
    exit 0, not click's 1, which failed scripts under ``set -o pipefail`` (QA pass 38c)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            done = super().invoke(ctx)
            sys.stdout.flush()  # the last block is written here, not at exit where it cannot fail
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # the exit flush finds nowhere to fail
            ctx.exit(0)
        return done


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
# what is installed, and the index version it builds and reads (QA pass 51f: an operator could
# not tell); an index of another version is refused until re-ingested or reindexed
@click.version_option(
    package_name="govsearch", prog_name="govsearch",
    message=f"%(prog)s %(version)s (index version {version_tag()})",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),  # a file is refused by ``apply``, as for the variable
    default=None,
    help="Where the index lives (default: $GOVSEARCH_DATA_DIR or ./govsearch-data).",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """govsearch: full-text search for Chinese government documents."""
    for name, meant in unknown_variables():
        hint = f" (did you mean {meant}?)" if meant else ""
        click.echo(f"warning: {name} is no govsearch setting: ignored{hint}", err=True)
    try:
        settings = Settings.from_env()
    except GovSearchError as exc:
        _fail(exc)
        return
    if data_dir is not None:
        settings = Settings.from_env(data_dir=data_dir)
    try:
        apply(settings)
    except GovSearchError as exc:  # a file a setting names (GOVSEARCH_SYNONYMS) is unreadable
        _fail(exc)
        return
    ctx.obj = {"settings": settings}


def _one_catalog(given: tuple[Path, ...]) -> Path | None:
    """The one ``--catalog``: given twice, click kept the last and dropped the first without a
    word, and every file the first names was held back as named by a catalogue "not applied"
    (QA pass 32a)."""
    if len(given) > 1:
        raise click.BadParameter(
            f"given {len(given)} times ({', '.join(map(str, given))}); one catalogue per run: "
            "ingest each folder with its own catalogue, or merge them into one CSV",
            param_hint="'--catalog'",
        )
    return given[0] if given else None


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--catalog", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              multiple=True, callback=lambda _c, _p, v: _one_catalog(v),
              help="Catalog CSV whose values override extracted metadata (one per run).")
@click.option("--prune", is_flag=True, help="Remove indexed documents whose files are gone "
              "(a folder that no longer exists: all of its documents).")
@click.option("--disclosure", type=click.Choice(list(DISCLOSURE_VALUES)),
              callback=lambda _c, _p, v: DISCLOSURE_VALUES[v] if v else v,
              default=None, help="Disclosure of documents the catalog and folders don't classify: "
              "the code or its label, 依申请公开 (default: $GOVSEARCH_DEFAULT_DISCLOSURE or "
              "public).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Parallel worker processes.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              callback=writable_file, help="Also write the ingest report as JSON to this file.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--ocr/--no-ocr", default=None,
              help="Recognise scans (image-only PDF pages, TIFF/PNG/JPEG); default: on when an "
              "OCR engine is installed ($GOVSEARCH_OCR).")
@click.option("--ocr-engine", default=None,
              help="OCR engine (rapidocr, tesseract, …); default: the measured best installed.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], catalog: Path | None, prune: bool,
           disclosure: str | None, workers: int | None, report_path: Path | None,
           quiet: bool, ocr: bool | None, ocr_engine: str | None) -> None:
    """Ingest files and folders (TXT, HTML, PDF, DOCX, scans by OCR) into the index."""
    from ingest.ocr import engines
    from ingest.ocr import options as ocr_options
    from pipeline.run import read_catalog, run_ingest
    from search_index import citizen_words, semantic
    from search_index.backends import open_index

    missing = [p for p in paths if not p.exists()]
    if missing and not prune:  # with --prune, a folder gone from disk is emptied in the index
        raise click.BadParameter(f"Path {str(missing[0])!r} does not exist.",
                                 param_hint="'PATHS...'")
    settings = _settings(ctx)
    ocr_engine = ocr_engine.lower() if ocr_engine else ocr_engine  # Tesseract, as it is spelt
    if ocr_engine is not None and ocr_engine not in engines.names():
        raise click.BadParameter(f"choose one of {', '.join(engines.names())}",
                                 param_hint="--ocr-engine")
    if ocr is not None or ocr_engine is not None:
        ocr_options.configure(enabled=settings.ocr if ocr is None else ocr,
                              engine=ocr_engine or settings.ocr_engine)
    terminated = _terminate_as_interrupt()
    try:
        # refused before the index is opened, which makes one in a new data folder: an empty
        # index left by a refused ingest answered every later command "0 results" (QA pass 11)
        cat = read_catalog(catalog, paths=paths) if catalog is not None else None
        # a batch job: waits for another ingest to finish writing rather than fail (a day at most)
        index = open_index(dataclasses.replace(settings, writer_wait_seconds=INGEST_WRITER_WAIT))
        report = run_ingest(
            index,
            list(paths),
            catalog=cat,
            prune=prune,
            default_disclosure=disclosure or settings.default_disclosure,
            disclosure_given=disclosure is not None,
            workers=workers or settings.ingest_workers,
            progress=not quiet,  # a bar on a terminal, else a line a minute
            lexicon_dir=settings.data_dir,
        )
    except GovSearchError as exc:
        stopped = getattr(exc, "report", None)  # a full disk: what was done, said and kept
        if stopped is not None:
            _tell(stopped, report_path)
        _fail(exc)
        return
    _tell(report, report_path)
    semantic_on = report.ok and citizen_words.METHODS.semantic
    lacking = _not_embedded(index, settings.data_dir, report) if semantic_on else 0
    if lacking:
        which = ("the document ingested now is found by its" if len(report.ok) == 1 else
                 f"the {lacking} documents ingested now are" if lacking == len(report.ok) else
                 f"{lacking} of the {len(report.ok)} documents ingested now are")
        which += "" if len(report.ok) == 1 else " found by their"
        click.echo(f"search by meaning: {which} words "
                   "only until `govsearch embed` runs (it embeds new and changed documents, "
                   f"{semantic.EMBED_PACE})", err=True)  # fmt: skip
    # 130: stopped by Ctrl-C (as a shell reports it), not "a file failed" (1); 143 by SIGTERM
    stopped_code = 143 if terminated() else 130
    sys.exit(stopped_code if report.interrupted else 1 if report.failed else 0)


def _not_embedded(index: SearchIndex, data_dir: Path, report: IngestReport) -> int:
    """How many documents the ingest wrote have no vectors of their content: all where nothing
    was embedded; a folder moved and ingested again keeps its ids and texts, and its vectors
    (QA pass 47b: "the 6444 documents ingested now are found by their words only")."""
    from search_index import semantic, vectors

    store = vectors.store(data_dir)
    ids = [i for _, i in report.ingested]
    if store is None or len(ids) != len(report.ok):
        return len(report.ok)
    if len(ids) > UNEMBEDDED_CHECK_MAX:  # by id only, as serve counts (not to read them all)
        return sum(1 for i in ids if not store.holds(i))
    hashes: dict[str, str] = {}
    for start in range(0, len(ids), 1000):
        found = index.backend.fetch(ids[start : start + 1000], texts=False)
        hashes.update((i, d.content_hash) for i, d in found.items())
    return semantic.unembedded_count(store, hashes)


def _terminate_as_interrupt() -> Callable[[], bool]:
    """SIGTERM stops an ingest as Ctrl-C does: what was written kept, the summary and
    ``--report`` written. ``timeout``, ``systemctl stop``, docker and Kubernetes send SIGTERM,
    which killed the run within 0.2 s with no word and no report, and lost what the next
    commit would have kept (QA pass 44b). Returns whether it came."""
    came: list[int] = []

    def stop(signum: int, _frame: object) -> None:  # (workers restore the default at start:
        came.append(signum)  # ingest.processes.pool_worker_start)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    return lambda: bool(came)


def _tell(report: IngestReport, report_path: Path | None) -> None:
    """The summary on the terminal and the ``--report`` file, for a run that ended or stopped."""
    click.echo(report.summary())
    if not report_path:
        return
    try:
        report_path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    except OSError as err:  # checked before the run; a full disk may still refuse it
        click.echo(f"error: the report could not be written to {report_path} ({err.strerror})",
                   err=True)  # fmt: skip


@main.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
@click.option("--size", type=int, default=10)
@click.option("--page", type=int, default=1)
@click.option("--sort", type=click.Choice(["relevance", "date_desc", "date_asc"]),
              default="relevance")
@click.option("--category", multiple=True, type=FieldChoice("category"),
              help="A category, in either script (repeat for several).")
@click.option("--agency", multiple=True, help="An agency (repeat for several).")
@click.option("--staff", is_flag=True, help="Include non-public documents (local operator).")
@click.pass_context
def search(ctx: click.Context, query: str, as_json: bool, size: int, page: int, sort: str,
           category: tuple[str, ...], agency: tuple[str, ...], staff: bool) -> None:
    """Search the index."""
    import html
    import re

    from govsearch.cli_shared import fetch_lexicon
    from model.viewer import ANONYMOUS, STAFF
    from search_index.backends import open_index
    from search_index.request import Query

    try:
        settings = _settings(ctx)
        index = open_index(settings, create=False)
        fetch_lexicon(settings, index)  # the servers' (on Elasticsearch, the cluster's)
        # an empty value is no filter, as on the API (QA pass 14: --agency " " was refused)
        categories = tuple(c for c in category if c)
        agencies = tuple(a for a in agency if a.strip())
        asked = Query(q=query, size=size, page=page, sort=sort, categories=categories,
                      agencies=agencies, viewer=STAFF if staff else ANONYMOUS)  # fmt: skip
        try:
            res = index.search(asked)
        except GovSearchError as exc:
            if "limit" not in exc.data:  # a page past the 10,000th result
                raise
            # ... which may be past the last page of far fewer (QA pass 22c: page 9999 of
            # 3,064 results was told to narrow the query)
            res = index.search(dataclasses.replace(asked, page=1, size=1))
            if _last_page(res.total, size) >= page:
                raise
            res = dataclasses.replace(res, hits=(), page=page, size=size)
    except GovSearchError as exc:
        _fail(exc)
        return
    if as_json:
        res = dataclasses.replace(res, did_you_mean=_suggestion(index, res))
        click.echo(json.dumps(res.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo(f"{res.total} results ({res.took_ms:.1f} ms)")
    if res.understood.partial_left_out:  # the page says it too (see web.views)
        click.echo("  sorted by date: only documents holding every word; --sort relevance also "
                   "lists those holding some of them or found by meaning")  # fmt: skip
    last = _last_page(res.total, size)
    if res.total and not res.hits and page > last:  # the web page shows the last one, says so
        click.echo(f"  page {page} is past the last page of results, {last}: try --page {last}")
    for i, h in enumerate(res.hits, start=(page - 1) * size + 1):
        d = h.doc
        meta = " · ".join(x for x in (d.doc_number, d.agency, d.date, d.category) if x)
        click.echo(f"{i:>3}. {d.title}  [{d.id}]")
        if meta:
            click.echo(f"     {meta}")
        text = html.unescape(re.sub(r"</?mark>", "", h.snippet))
        click.echo(f"     {text[:120]}")
    suggestion = _suggestion(index, res)  # after the results: it may wait for the lexicon
    if suggestion:
        click.echo(f"did you mean: {suggestion}")


def _suggestion(index: SearchIndex, res: SearchResult) -> str:
    """"did you mean", offered as the API and the pages offer it (QA pass 9: the CLI never
    did, its one search ending before the pinyin lexicon is built). Waited for once: the table
    is then kept in the data folder for the next command (QA pass 11 found the 6–8 s the
    corpus's build takes beyond the 3 s once waited, so no search ever offered one)."""
    import re

    if res.did_you_mean or not re.search(r"[\u4e00-\u9fff]", res.understood.normalized):
        return res.did_you_mean
    return index.did_you_mean(
        res.understood.normalized, wait=CLI_SUGGEST_WAIT,
        traditional=res.understood.converted_script,
    )


def _cannot_listen(host: str, port: int) -> str:
    """Why ``host:port`` cannot be listened on (in use, not this machine's address), or ""."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        return str(exc)
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            return exc.strerror or str(exc)
    return ""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=click.IntRange(1, 65535), show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes; on the embedded backend they all read the one index.")
@click.option("--forwarded-allow-ips", "forwarded", default="", metavar="ADDRESSES",
              help="Reverse proxies (comma-separated addresses, or *) whose X-Forwarded-For "
                   "names the client; none by default.")
@click.option("--access-log", "access_log", default=None, metavar="FILE",
              help="One line a request (Common Log Format, no query strings) to FILE, or - "
                   "for standard error; as GOVSEARCH_ACCESS_LOG.")
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, workers: int, forwarded: str, access_log: str | None
) -> None:
    """Serve the search API and web pages.

    The client is the address a request comes from, which the per-client limits count (the
    rate limit, one place at the gate per address) and the audit log records. A proxy's
    X-Forwarded-For is believed only from ``--forwarded-allow-ips``: uvicorn's default believed
    it from 127.0.0.1, so any local caller, or a proxy on the host passing a client's own
    header on, chose its address and passed every per-client limit (QA pass 36b)."""
    import os

    import uvicorn

    from govsearch.app import create_served_app
    from govsearch.http_server import Utf8TargetH11Protocol, log_config
    from model.viewer import STAFF
    from search_index import citizen_words, life_events, semantic
    from search_index.backends import open_index

    settings = _settings(ctx)
    if access_log is not None:
        settings = dataclasses.replace(settings, access_log=access_log.strip())
        os.environ["GOVSEARCH_ACCESS_LOG"] = settings.access_log  # for the workers, as below
    if workers > 1:  # workers are started afresh and read their settings from the environment
        os.environ["GOVSEARCH_DATA_DIR"] = str(settings.data_dir.resolve())
        os.environ[SERVE_WORKER_VARIABLE] = str(os.getpid())  # each ends with this process
    try:
        life_events.load(settings.life_events_file)  # workers load it again: refuse it here
        index = open_index(settings, create=False)
        try:  # the documents search by meaning should cover (semantic.off_reason): each one's
            # content hash, or past UNEMBEDDED_CHECK_MAX only how many (not to read them all)
            documents: Any = index.count(STAFF)
            if documents <= UNEMBEDDED_CHECK_MAX:
                documents = {d.id: d.content_hash for d in index.backend.catalog()}
        finally:
            index.close()
        app = create_served_app(settings) if workers == 1 else None
    except GovSearchError as exc:
        _fail(exc)
        return
    problem = _cannot_listen(host, port)
    if problem:  # said before the address is printed as if it served (QA pass 9)
        click.echo(f"error: cannot listen on {host}:{port}: {problem}", err=True)
        sys.exit(2)
    where = "a reading-room terminal" if settings.kiosk else "API docs at /docs"
    click.echo(f"govsearch: http://{host}:{port}/  ({where})"
               + (f", {workers} worker processes" if workers > 1 else ""))
    for off in (semantic.off_reason(settings.data_dir, documents),
                citizen_words.general_off_reason()):  # fmt: skip
        if off:
            click.echo(f"warning: {off}", err=True)
    uvicorn.run(
        app or "govsearch.app:create_served_app", factory=app is None, workers=workers,
        host=host, port=port, log_level="info", log_config=log_config(), access_log=False,
        http=Utf8TargetH11Protocol,
        proxy_headers=bool(forwarded.strip()), forwarded_allow_ips=forwarded.strip() or None,
    )  # fmt: skip


@main.command()
@click.pass_context
def stats(ctx: click.Context) -> None:
    """Document counts by category, agency, year."""
    from model.viewer import STAFF
    from search_index.backends import open_index

    try:
        index = open_index(_settings(ctx), create=False)
        click.echo(json.dumps(index.stats(STAFF), ensure_ascii=False, indent=1))
    except GovSearchError as exc:
        _fail(exc)


@main.command("learn-words")
@click.pass_context
def learn_words(ctx: click.Context) -> None:
    """Learn word associations (word vectors) from the public documents of the index into
    <data-dir>/lexicon/learned.tsv, for the citizens'-words method ``learned``."""
    from pipeline.learned import NothingToLearn, learn
    from search_index.backends import open_index

    settings = _settings(ctx)
    try:
        index = open_index(settings, create=False)
        path, words, took = learn(index, settings.data_dir)
    except GovSearchError as exc:
        _fail(exc)
        return
    except NothingToLearn as exc:  # like ``embed`` with nothing new: said, exit 0, file kept
        click.echo(f"nothing to learn from: {exc}; no word associations written")
        return
    click.echo(f"{words} words with learned neighbours in {took:.0f} s: {path}")


@main.command()
@click.option("--threads", type=click.IntRange(min=1), default=2, show_default=True,
              help="model threads")  # 0 was taken, meaning nothing said (QA pass 38c)
@click.pass_context
def embed(ctx: click.Context, threads: int) -> None:
    """Embed new and changed documents for the semantic leg (citizens'-words method
    ``semantic``) into <data-dir>/vectors; run after an ingest. Needs the model files
    (bash .ci/fetch-model.sh)."""
    from ingest.progress import LogLines
    from pipeline.embed import EmbedInterrupted
    from pipeline.embed import embed as run
    from search_index.backends import open_index

    settings = _settings(ctx)
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit="doc", desc="embed")
    # a job's log says how far it is (QA pass 32a: 35 minutes without a line)
    lines = LogLines("embed", "documents", EMBED_PROGRESS_SECONDS, last=True)

    def progress(done: int, total: int) -> None:
        if bar is None:
            lines.at(done, total)
            return
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        index = open_index(settings, create=False)
        done, stored, took = run(index, settings.data_dir, threads=threads, progress=progress)
    except EmbedInterrupted as stop:
        click.echo(f"{stop}; run `govsearch embed` again to embed the rest", err=True)
        sys.exit(130)
    except GovSearchError as exc:
        _fail(exc)
        return
    finally:
        if bar is not None:
            bar.close()
    click.echo(f"{done} documents embedded in {took:.0f} s; {stored} documents have vectors")


@main.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the index from stored documents and switch to it atomically.

    On Elasticsearch this also repairs an index built by an older schema or analysis version
    (the one case where opening it normally is refused). The embedded index says how it is
    rebuilt instead: by ingesting again.
    """
    from model.errors import Conflict
    from pipeline.run import rebuild
    from search_index.backends import open_backend, open_index
    from search_index.index import SearchIndex

    settings = _settings(ctx)
    try:
        try:  # a data folder or prefix without an index is refused, not given an empty one
            backend = open_index(settings, create=False).backend
        except Conflict:  # built by another version: what reindex is for
            backend = open_backend(settings, allow_stale=True, create=False)
        # the rebuild analyses the documents anew: the lexicon counted from them is counted
        # again (QA pass 45b: it stayed the old analysis's, and 身份证 lost 身分证's documents)
        result = rebuild(SearchIndex(backend), settings.data_dir, progress=sys.stderr.isatty())
        click.echo(json.dumps(result, ensure_ascii=False))
        if result["lexicon"]["failed"]:  # type: ignore[index]
            sys.exit(1)
    except GovSearchError as exc:
        _fail(exc)
    except KeyboardInterrupt:  # QA pass 32a: only "Aborted!", exit 1
        click.echo("interrupted: stopped before its switch, a reindex drops the index it was "
                   "building, and the old one stays in use and takes writes again "
                   "(`govsearch stats` names the index that serves)", err=True)  # fmt: skip
        sys.exit(130)


@main.group()
def keys() -> None:
    """Staff API keys (hashed at rest)."""


@contextmanager
def _key_store(ctx: click.Context, reading: bool = False) -> Iterator[Keys]:
    """The key store of ``serve`` on these settings, behind the same "no index" check as
    ``search`` (``open_index(create=False)``), for ``keys create`` as for ``list`` and ``revoke``.

    With the embedded backend the keys are ``<data dir>/api_keys.json``, read only by a server
    on that folder, and ``serve`` refuses a folder without an index: a key created or listed
    there is a mistyped ``--data-dir`` (a key that would be refused everywhere, or "no keys"
    where there are some), so the command says "no index in …" and exits 2; ingest first.
    With Elasticsearch the keys live in the cluster and the data folder plays no part, so an
    API server's new or empty folder is fine: the check only looks at embedded folders.
    ``reading`` (``keys list``) accepts a read-only folder that holds an index: listing only
    reads the key file (QA pass 38c: refused because the index "writes lock files").
    """
    from model.errors import BackendUnavailable, Conflict, NotFound
    from search_api.keys_elastic import open_keys
    from search_index.backends import open_index

    settings = _settings(ctx.find_root())
    try:
        index = open_index(settings, create=False)
    except (BackendUnavailable, NotFound) as exc:
        embedded_index = Path(settings.data_dir) / "index" / "meta.json"
        # ... and a folder whose keys are there though its index is not: an upgrade's
        # re-ingest under way after `rm -rf <data dir>/index`, as the README says (QA pass 47b:
        # a leaked key could not be revoked until the re-ingest was done)
        keys_kept = isinstance(exc, NotFound) and (
            Path(settings.data_dir) / "api_keys.json").is_file()
        read_only = reading and isinstance(exc, BackendUnavailable) and embedded_index.exists()
        if settings.backend == "elasticsearch" or not (keys_kept or read_only):
            raise
        yield open_keys(settings)
        return
    except Conflict:
        if settings.backend == "elasticsearch":
            raise
        # an index of another version is an archive all the same, waiting for its re-ingest:
        # its keys are the folder's file, which the upgrade keeps (QA pass 29a: keys could be
        # neither listed nor created until the re-ingest was done)
        yield open_keys(settings)
        return
    try:
        yield open_keys(settings, index.backend)
    finally:
        index.close()


@keys.command("create")
@click.argument("name")
@click.pass_context
def keys_create(ctx: click.Context, name: str) -> None:
    """Create a key; it is printed once and never stored."""
    from search_api.keys import key_name

    try:  # the stores' one rule, checked before any store is opened (QA pass 8, 11)
        name = key_name(name)
    except GovSearchError as exc:
        raise click.BadParameter(exc.message, param_hint="NAME") from None
    try:
        with _key_store(ctx) as store:
            info, key = store.create(name)
    except GovSearchError as exc:
        _fail(exc)
        return
    click.echo(f"created key {info.key_id} for {name!r}; keep it safe, it is not shown again:")
    click.echo(key)


@keys.command("list")
@click.pass_context
def keys_list(ctx: click.Context) -> None:
    """Every key: id, name, created, active or revoked."""
    try:
        with _key_store(ctx, reading=True) as store:
            found = store.list()
    except GovSearchError as exc:
        _fail(exc)
        return
    for k in found:  # a name stored before names were checked still keeps to its line
        name = visible(k.name)  # (QA pass 11)
        click.echo(f"{k.key_id}\t{name}\t{k.created}\t{'revoked' if k.revoked else 'active'}")


@keys.command("revoke")
@click.argument("key_id")
@click.pass_context
def keys_revoke(ctx: click.Context, key_id: str) -> None:
    """Revoke a key, by its id or the whole key; effective on the next request."""
    from search_api.keys import key_id_of

    try:
        with _key_store(ctx) as store:
            store.revoke(key_id)
    except GovSearchError as exc:
        _fail(exc)
    click.echo(f"revoked {key_id_of(key_id)}")  # (never the secret of a whole key given)


from govsearch.cli_dupes import dupcheck, dupes  # noqa: E402 (registered after main exists)
from govsearch.cli_reports import report  # noqa: E402
from govsearch.cli_shared import shared  # noqa: E402

main.add_command(dupcheck)
main.add_command(dupes)
main.add_command(report)
main.add_command(shared)


if __name__ == "__main__":  # pragma: no cover
    main()
