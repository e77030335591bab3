"""CSV exports that are safe to open in a spreadsheet, with headers staff can read.

The staff who open these files read Chinese: every column is headed by its Chinese name (a
document field's label from :mod:`model.fields`, a report's own columns from
:data:`COLUMN_LABELS`), and yes/no cells read 是/否 (QA pass 28a: the headers were the JSON keys,
``working_days``, ``late``, ``true``). The JSON answers keep the keys, for programs.

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
from model.fields import label

# a cell starting with one of these runs as a formula; LibreOffice reads the full-width forms
# too, and leading spaces do not stop Excel
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_CELL_BREAKS = "\t\n\r"  # a quoted cell holds these as text; every other control is shown
BOM = "\ufeff"

# the reports' own columns (document fields are headed by model.fields.label)
COLUMN_LABELS = {
    # annual report
    "section": "统计项",
    "name": "名称",
    "total": "件数",
    "new": "新制发",
    "changed": "修改",
    "repealed": "废止/失效",
    "in_force": "现行有效",
    "superseded": "已有新版本",
    # timeliness
    "working_days": "相隔工作日",
    "late": "超过时限",
    "note": "说明",
    # query log
    "week": "周",
    "list": "列表",
    "query": "检索词",
    "searches": "检索次数",
    "zero_results": "无结果次数",
    "opened": "打开结果次数",
    "understood": "检索词的理解",
    "filtered_zero_results": "筛选后无结果次数",
    "zero_result_filters": "无结果时的筛选条件",
    "variants": "其他写法",
    # duplicates
    "cluster": "组号",
    "cluster_size": "组内文件数",
    "reason": "判断",
    "reasons": "依据",
    "similarity": "相似度",
    "containment_a_in_b": "甲在乙中的比例",
    "containment_b_in_a": "乙在甲中的比例",
    "differences": "不同之处",
    "changed_facts": "改动的事实",
}
_SIDES = {"a_": "甲", "b_": "乙"}  # the two files of a duplicate pair


def column_label(key: str) -> str:
    """The Chinese heading of a column: a report's own, else a document field's label
    (``a_title`` is 甲标题)."""
    side = _SIDES.get(key[:2], "")
    if side:
        return side + column_label(key[2:])
    return COLUMN_LABELS.get(key) or label(key)


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


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool = True) -> str:
    """The whole CSV document: the columns' Chinese headings (:func:`column_label`) first,
    every cell through :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(column_label(c)) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return (BOM if bom else "") + out.getvalue()


def download_name(kind: str, *period: object) -> str:
    """A report's file name, after its period when it has one (``timeliness-2019``,
    ``annual-2024``): the API and the pages name downloads alike (QA pass 20: every file was
    ``timeliness.csv``). Only a year or an ISO date goes into the name."""
    parts = [str(p) for p in period if p and re.fullmatch(r"[0-9-]{4,10}", str(p))]
    return "-".join([kind, *parts])
