"""CSV exports that are safe to open in a spreadsheet.

A title or query typed by anyone ends up in these files; a cell starting with ``=``, ``+``, ``-``
or ``@`` (or a tab / carriage return) would run as a formula in Excel or LibreOffice (CSV
injection), so such text cells get a leading apostrophe. Other control characters (a NUL, an
ESC typed into a search) are written as U+FFFD and format characters dropped, so that no cell
carries what a citizen typed to fool the reader (QA pass 11). Numbers stay numbers. The text starts
with a byte-order mark so that Excel reads the Chinese as UTF-8.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from analyzers.chars import visible

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CELL_BREAKS = "\t\n\r"  # a quoted cell holds these as text; every other control is shown
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """``value`` as written to a CSV cell: ``None`` empty, text neutralised, numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = visible(str(value), keep=_CELL_BREAKS)  # before the check: "\u200b=1+1" is "=1+1"
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool = True) -> str:
    """The whole CSV document (header first), every cell through :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return (BOM if bom else "") + out.getvalue()


def download_name(kind: str, *period: object) -> str:
    """A report's file name, after its period when it has one (``timeliness-2019``,
    ``annual-2024``): the API and the pages name downloads alike (QA pass 20: every file was
    ``timeliness.csv``). Only a year or an ISO date goes into the name."""
    parts = [str(p) for p in period if p and re.fullmatch(r"[0-9-]{4,10}", str(p))]
    return "-".join([kind, *parts])
