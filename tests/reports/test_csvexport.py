from __future__ import annotations

import csv
import io

from analyzers.spreadsheet import safe_cell
from reports.csvexport import csv_text


def test_formula_cells_get_an_apostrophe() -> None:
    for bad in ("=1+1", "+86 10", "-废止", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(bad) == "'" + bad
    assert safe_cell("养老 = 退休") == "养老 = 退休"  # only a leading sign matters
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5  # numbers stay numbers
    assert safe_cell(None) == "" and safe_cell(True) == "是"


def test_csv_round_trip() -> None:
    text = csv_text(("a", "b"), [["=x", 1], ['含,逗号"引号', None]])
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["a", "b"],
        ["'=x", "1"],
        ['含,逗号"引号', ""],
    ]
