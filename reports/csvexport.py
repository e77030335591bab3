"""The reports' CSV exports, headed in Chinese for the staff who open them.

Every column is headed by its Chinese name (a document field's label from :mod:`model.fields`, a
report's own columns from :data:`COLUMN_LABELS`; QA pass 28a: the headers were the JSON keys,
``working_days``, ``late``, ``true``); the JSON answers keep the keys, for programs. Cells are
made safe for a spreadsheet by :mod:`analyzers.spreadsheet`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from analyzers.spreadsheet import csv_document
from model.fields import label

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
    "superseded": "已有新版本或已被废止",
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
    "partial": "最相关结果缺词次数",
    # a search's export (search_api.export)
    "url": "链接",
    # catalogue gaps: the folder a file was ingested from (its path is inside it)
    "source": "所在文件夹",
}


def column_label(key: str) -> str:
    """The Chinese heading of a column: a report's own, else a document field's label."""
    return COLUMN_LABELS.get(key) or label(key)


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool = True) -> str:
    """The whole CSV document: the columns' Chinese headings (:func:`column_label`) first."""
    return csv_document([column_label(c) for c in columns], rows, bom)


def download_name(kind: str, *period: object) -> str:
    """A report's file name, after its period when it has one (``timeliness-2019``,
    ``annual-2024``): the API and the pages name downloads alike (QA pass 20: every file was
    ``timeliness.csv``). Only a year or an ISO date goes into the name."""
    parts = [str(p) for p in period if p and re.fullmatch(r"[0-9-]{4,10}", str(p))]
    return "-".join([kind, *parts])
