"""``govsearch report timeliness|annual|queries|gaps``: the disclosure office's reports on the
command line, as a table, CSV or JSON (the same numbers as ``GET /api/reports/…``)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import click

from analyzers.chars import visible
from govsearch.cli_choices import FieldChoice
from model.errors import GovSearchError
from reports.gaps import GAP_FIELDS, gap_label
from reports.timeliness import ReportFilter
from reports.years import FIRST_YEAR, LAST_YEAR


def _table(rows: list[list[Any]], header: list[str]) -> str:
    """Columns padded by display width (a Han character is two columns); control characters
    shown as U+FFFD."""

    def width(s: str) -> int:
        return sum(2 if ord(c) > 0x2E7F else 1 for c in s)

    # every cell through visible(): the queries report holds what anyone typed, and an ESC or a
    # backspace printed raw would reset or overwrite the operator's terminal (QA pass 11)
    cells = [[visible(str("" if c is None else c)) for c in r] for r in [header, *rows]]
    widths = [max(width(r[i]) for r in cells) for i in range(len(header))]
    lines = [
        "  ".join(c + " " * (w - width(c)) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in cells
    ]
    return "\n".join(lines)


def _timeliness_table(rep: Any) -> str:
    out = [
        f"{len(rep.documents)} documents measured, {rep.late_count} late "
        f"(over {rep.deadline} working days); {len(rep.missing)} lack a date; "
        f"{len(rep.uncountable)} cannot be counted"
    ]
    out.append(
        _table(
            [
                [
                    a.agency or "-",
                    a.count,
                    a.late,
                    a.median_working_days,
                    a.missing,
                    a.uncountable,
                ]
                for a in rep.by_agency
            ],
            ["agency", "count", "late", "median", "missing", "uncountable"],
        )
    )
    late = [d for d in rep.documents if d.late]
    if late:
        out.append("\nlate:")
        out.append(
            _table(
                [
                    [
                        d.working_days,
                        d.entry.written_date,
                        d.entry.publish_date,
                        d.entry.agency,
                        d.entry.title[:40],
                    ]
                    for d in late
                ],
                ["days", "written", "published", "agency", "title"],
            )
        )
    if rep.missing:
        out.append("\nmissing a date:")
        out.append(
            _table(
                [[m.lacks, m.entry.agency, m.entry.title[:40]] for m in rep.missing],
                ["lacks", "agency", "title"],
            )
        )
    if rep.uncountable:
        out.append("\ncannot be counted:")
        out.extend(f"  {u.entry.path}: {u.reason}" for u in rep.uncountable)
    if rep.pending:
        out.append(f"\ndrafts not published ({rep.overdue_count} overdue, as of {rep.today}):")
        out.append(
            _table(
                [["-" if p.working_days is None else p.working_days, p.entry.written_date,
                  p.due or p.reason,
                  "overdue" if p.overdue else "", p.entry.agency, p.entry.title[:40]]
                 for p in rep.pending],  # fmt: skip
                ["days", "written", "due", "", "agency", "title"],
            )
        )
    return "\n".join(out)


def _annual_table(rep: Any) -> str:
    out = [
        # the agency as the documents name it, as the page's heading (QA pass 47b: 国务院办)
        f"{rep.year}{' ' + (rep.agency_name or rep.agency) if rep.agency else ''}: "
        f"{rep.total} 主动公开 items"
        f" ({rep.undated} undated items are in no year; {rep.repealed_undated} catalogued"
        " 废止/失效 without a document repealing them: no year of repeal)"
    ]
    out.append(
        _table(
            [
                [r.category, r.new, r.changed, r.total, r.repealed, r.in_force]
                for r in rep.by_category
            ],
            ["分类", "新制发", "修改", "制发合计", "废止/失效", "现行有效"],
        )
    )
    out.append(
        "\n"
        + _table(
            [[f"{m}月" for m in range(1, 13)], list(rep.by_month)], ["" for _ in range(12)]
        ).lstrip("\n")
    )
    out.append("\n" + _table([[a, c] for a, c in rep.by_agency], ["发布机构", "件数"]))
    return "\n".join(out)


def _queries_table(rep: Any) -> str:
    if not rep.recorded:
        return (
            "no search has ever been recorded here: there is no query log "
            "(a server run with GOVSEARCH_QUERY_LOG=1 records anonymous searches)"
        )
    out = [f"{rep.since} – {rep.until}"]
    if not rep.weeks:
        out.append("no searches recorded in these weeks")
    for w in rep.weeks:
        out.append(f"\n{w.week} ({w.searches} searches)")
        for name, stats in (
            ("top", w.top),
            ("zero results", w.zero_results),
            ("zero results only with filters set", w.filtered_out),
            ("results, none holding every word (perhaps not found)", w.found_part),
            ("results nobody opened", w.unopened),
        ):
            if stats:
                out.append(f"  {name}:")
                out.append(
                    _table(
                        [
                            [s.query, s.searches, s.zero_results, s.filtered_zero_results,
                             s.opened, s.understood,
                             "; ".join(f"{f} ({n}×)" for f, n in s.zero_result_filters)]
                            for s in stats
                        ],  # fmt: skip
                        ["query", "searches", "zero", "zero filtered", "opened", "understood as",
                         "filters of the zero results"],  # fmt: skip
                    )
                )
    return "\n".join(out)


def _gaps_table(rep: Any) -> str:
    counts = "; ".join(f"{gap_label(name)} {n}" for name, n in rep.counts)
    out = [f"{len(rep.rows)} of {rep.covered} files lack a field ({counts})"]
    rows = [[g.entry.path, g.entry.title[:30], g.entry.agency or "-",
             "、".join(gap_label(n) for n in g.lacks)] for g in rep.rows]  # fmt: skip
    out.append(_table(rows, ["path", "title", "agency", "lacks"]))
    return "\n".join(out)


@click.command("report")
@click.argument("kind", type=click.Choice(["timeliness", "annual", "queries", "gaps"]))
@click.option("--year", type=click.IntRange(FIRST_YEAR, LAST_YEAR),
              help="Year (required for annual).")  # QA pass 16: --year 0 was a traceback
@click.option("--agency", help="One agency (发布机构).")
@click.option("--category", type=FieldChoice("category"),
              help="One category, in either script (timeliness, gaps).")
@click.option("--lacks", multiple=True, type=click.Choice(GAP_FIELDS),
              help="gaps: only files lacking this field (repeatable; default: any field).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Published from.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Published until.")
@click.option("--weeks", type=click.IntRange(1, 53), default=4, show_default=True,
              help="Weeks (queries).")
@click.option("--top", type=click.IntRange(1, 200), default=20, show_default=True,
              help="Queries listed per week (queries).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--delete", is_flag=True, help="queries: delete the log (--before DAY, or --all).")
@click.option("--before", type=click.DateTime(["%Y-%m-%d"]), help="With --delete.")
@click.option("--all", "everything", is_flag=True,
              help="With --delete and no --before: delete the whole log.")
@click.pass_context
def report(
    ctx: click.Context,
    kind: str,
    year: int | None,
    agency: str | None,
    category: str | None,
    lacks: tuple[str, ...],
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    weeks: int,
    top: int,
    fmt: str,
    delete: bool,
    before: dt.datetime | None,
    everything: bool,
) -> None:
    """Reports for the disclosure office: publication timeliness (working days, official
    calendar), the annual report's statistics, what citizens searched for, and the catalogue's
    gaps (the files lacking a 发布机构, 文号, 索引号, date …)."""
    from govsearch.cli_shared import fetch_lexicon
    from reports.office import Reports, open_querylog
    from search_index.backends import open_index
    from search_index.index import validate_agencies

    settings = ctx.find_root().obj["settings"]
    if kind == "annual" and year is None:
        raise click.UsageError("annual needs --year")
    if before is not None and not delete:  # it was ignored, and the whole report printed
        raise click.UsageError("--before goes with --delete (delete the searches before a day)")
    if lacks and kind != "gaps":
        raise click.UsageError("--lacks goes with the gaps report (the files lacking a field)")
    if everything and not delete:
        raise click.UsageError("--all goes with --delete (delete the whole query log)")
    if delete and (before is None) == (not everything):  # QA pass 13: all was the default
        raise click.UsageError(
            "--delete needs --before DAY (the searches before it) or --all (the whole log), "
            "one of them: nothing was deleted"
        )
    try:
        # refused as `search --agency` refuses it (QA pass 11: `--agency 、` gave a report of 0)
        validate_agencies(() if agency is None else (agency,))
        index = open_index(settings, create=False)
        fetch_lexicon(settings, index)  # the servers' (on Elasticsearch, the cluster's)
        reports = Reports(  # the server records searches; a command only reads them
            index,
            open_querylog(settings, index.backend, record=False),
            retention_days=settings.query_log_retention_days,
            server=False,
        )
        try:
            if delete:
                if kind != "queries":
                    raise click.UsageError("--delete applies to the queries report")
                if reports.querylog is None:
                    click.echo("no search has ever been recorded here: nothing to delete")
                    return
                n = reports.clear_queries(
                    before.date() if before else None, everything=everything
                )
                click.echo(f"deleted {n} logged searches")
                return
            if kind in ("timeliness", "gaps"):
                flt = ReportFilter(
                    (agency,) if agency else (),
                    (category,) if category else (),
                    year,
                    date_from.date() if date_from else None,
                    date_to.date() if date_to else None,
                )
                if kind == "timeliness":
                    rep: Any = reports.timeliness(flt)
                    table = _timeliness_table
                else:
                    rep, table = reports.gaps(flt, lacks), _gaps_table
            elif kind == "annual":
                rep, table = reports.annual(year or 0, agency), _annual_table
            else:
                rep, table = reports.queries(weeks, top), _queries_table
        finally:
            reports.close()
            index.close()
    except GovSearchError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps(rep.to_dict(), ensure_ascii=False, indent=1))
    elif fmt == "csv":
        click.echo(rep.to_csv(), nl=False)
    else:
        click.echo(table(rep))
