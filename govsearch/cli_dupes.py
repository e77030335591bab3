"""``govsearch dupcheck`` and ``govsearch dupes``: the duplicate check from the command line.

``dupcheck`` is for scripts in a publishing workflow, so its exit code is the answer: 0 no
duplicate, 1 duplicates found, 2 a file could not be checked (unreadable, unsupported, empty).
The operator of the CLI has the index on disk, so checks see every disclosure level by default
(a draft must be compared with what is not public yet); ``--public-only`` shows what an
anonymous web user's check would find. ``dupes`` writes the corpus-wide cluster report for
cleaning an existing catalogue (its CSV starts with a byte-order mark, as the reports' do).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from analyzers.spreadsheet import BOM
from duplicates.defaults import DEFAULT_LIMIT, DEFAULT_THRESHOLD, MAX_LIMIT
from duplicates.textdiff import KIND_LABELS
from govsearch.cli_paths import writable_file
from model.errors import GovSearchError
from model.settings import Settings

if TYPE_CHECKING:
    from duplicates.check import CheckResult



def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj["settings"]


def _viewer(public_only: bool):  # -> Viewer
    from model.viewer import ANONYMOUS, STAFF

    return ANONYMOUS if public_only else STAFF


def _print_result(path: Path, result: CheckResult) -> None:
    from duplicates.check import percent

    if not result.candidates:
        click.echo(f"{path}: no duplicates")
        return
    n = len(result.candidates)
    click.echo(f"{path}: {n} possible duplicate{'s' if n > 1 else ''}")
    for c in result.candidates:
        d = c.doc
        click.echo(
            f"  {c.reason:<12} similarity {percent(c.overlap.resemblance)}  "
            f"containment {percent(c.overlap.containment)}/"
            f"{percent(c.overlap.reverse_containment)}  "
            f"{d.title}  [{d.id}] {d.path}"
        )
        meta = " · ".join(x for x in (d.doc_number, d.agency, d.date, d.disclosure) if x)
        if meta:
            click.echo(f"               {meta}")
        if c.diff is not None and not c.diff.identical:
            click.echo(f"               {c.diff.summary()}")
            for f in c.diff.facts[:10]:
                name = KIND_LABELS.get(f.kind, f.kind)
                click.echo(
                    "               "
                    + click.style(f"{name}: {f.existing} → {f.draft}", fg="yellow", bold=True)
                )


@click.command("dupcheck")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True),
              default=DEFAULT_THRESHOLD, show_default=True,
              help="Minimum resemblance or containment to report a copy.")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=DEFAULT_LIMIT,
              show_default=True, help="At most this many candidates per file.")
@click.option("--public-only", is_flag=True,
              help="Compare with public documents only (what an anonymous caller sees).")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON, one object per file.")
@click.pass_context
def dupcheck(ctx: click.Context, files: tuple[Path, ...], threshold: float, limit: int,
             public_only: bool, as_json: bool) -> None:
    """Check draft FILEs (any ingest format) for existing exact or near duplicates.

    Exit code: 0 none found, 1 duplicates found, 2 a file could not be checked.
    """  # fmt: skip
    from duplicates.check import check, draft_from_file
    from search_index.backends import open_index

    settings = _settings(ctx)
    try:
        index = open_index(settings, create=False)  # a mistyped folder is no empty archive
    except GovSearchError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    found = failed = False
    for path in files:
        try:
            draft, fmt = draft_from_file(
                path.read_bytes(), path.name, max_bytes=settings.max_upload_bytes
            )
            result = check(
                index, draft, viewer=_viewer(public_only), threshold=threshold, limit=limit
            )
        except GovSearchError as exc:
            failed = True
            click.echo(f"{path}: cannot check: {exc.message}", err=True)
            continue
        except OSError as exc:
            failed = True
            click.echo(f"{path}: cannot read: {exc}", err=True)
            continue
        found = found or result.found
        if as_json:
            body = result.to_dict()
            body["draft"]["format"] = fmt
            body["file"] = str(path)
            click.echo(json.dumps(body, ensure_ascii=False))
        else:
            _print_result(path, result)
    sys.exit(2 if failed else 1 if found else 0)


@click.command("dupes")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              callback=writable_file, help="Write the report here instead of standard output.")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True),
              default=DEFAULT_THRESHOLD, show_default=True)
@click.option("--metadata", is_flag=True,
              help="Also pair documents that only share a 文号 or a title.")
@click.option("--public-only", is_flag=True, help="Only public documents.")
@click.pass_context
def dupes(ctx: click.Context, fmt: str, output: Path | None, threshold: float, metadata: bool,
          public_only: bool) -> None:
    """Report clusters of duplicate documents in the whole index (CSV: one row per pair)."""
    from duplicates.report import corpus_report
    from search_index.backends import open_index

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            click.echo(f"\rscanned {done}/{total} documents", err=True, nl=done >= total)

    try:
        index = open_index(_settings(ctx), create=False)
        report = corpus_report(
            index,
            viewer=_viewer(public_only),
            threshold=threshold,
            metadata=metadata,
            progress=progress,
        )
    except GovSearchError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    text = (
        # with the BOM the report CSVs carry, so that Excel reads the Chinese as UTF-8 (QA pass
        # 11: it read titles and paths as mojibake); added here because duplicates/ sits on the
        # floor of reports/ and may not import it
        BOM + report.to_csv()
        if fmt == "csv"
        else json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n"
    )
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    pairs = sum(len(c.pairs) for c in report.clusters)
    click.echo(
        f"{report.documents} documents, {len(report.clusters)} clusters, {pairs} duplicate "
        f"pairs ({report.took_s:.1f} s)",
        err=True,
    )
