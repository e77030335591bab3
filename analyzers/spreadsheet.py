"""Text written to CSV for a spreadsheet: no cell runs as a formula, none hides what it says.

Titles, paths and queries typed by anyone end up in the staff's exports (the reports, the
duplicates list). A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab / carriage return,
or their full-width forms, which LibreOffice reads too, behind leading spaces, which Excel
skips) would run as a formula in Excel or LibreOffice (CSV injection: ``=HYPERLINK(…)`` leaks
data when clicked), so such text cells get a leading apostrophe, the OWASP advice. Other control
characters (a NUL, an ESC typed into a search) are written as U+FFFD and format characters
dropped, so that no cell carries what a citizen typed to fool the reader (QA pass 11). Numbers
stay numbers; yes/no cells read 是/否, for the staff who open these files. The text starts with
a byte-order mark, when asked, so that Excel reads the Chinese as UTF-8.

One guard for every export: the duplicates list kept its own copy once, without the invisible
characters' handling, and the reports' lacked the full-width signs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from analyzers.chars import visible

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_CELL_BREAKS = "\t\n\r"  # a quoted cell holds these as text; every other control is shown
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """``value`` as written to a CSV cell: ``None`` empty, text neutralised, numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    text = visible(str(value), keep=_CELL_BREAKS)  # before the check: "\u200b=1+1" is "=1+1"
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_STARTS) else text


def csv_document(
    headings: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool = True
) -> str:
    """The whole CSV document, headings first, every cell through :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headings])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return (BOM if bom else "") + out.getvalue()
