"""The server-rendered chart: well-formed SVG, no script, no inline style, escaped labels."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reports.svg import bar_chart, months_chart

NS = "{http://www.w3.org/2000/svg}"


def test_months_chart_has_a_bar_with_its_count_per_month() -> None:
    svg = months_chart(2024, [1, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 1])
    root = ET.fromstring(svg)
    bars = root.findall(f"{NS}rect")
    assert len(bars) == 12
    assert [b.find(f"{NS}title").text for b in bars][2] == "3月：3件"
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == 0 and heights[2] == max(heights)
    assert "3月 3件" in root.get("aria-label")


def test_no_script_no_style_and_labels_escaped() -> None:
    svg = bar_chart(["<script>alert(1)</script>", "b&c"], [5, 0], title='"><img src=x>')
    ET.fromstring(svg)  # still well-formed
    assert "<script" not in svg and "<img" not in svg and "style=" not in svg
    assert "&lt;script&gt;" in svg


def test_empty_and_mismatched() -> None:
    ET.fromstring(months_chart(2024, [0] * 12))
    with pytest.raises(ValueError):
        bar_chart(["a"], [1, 2], title="x")


@pytest.mark.parametrize(
    ("values", "axis"),
    [([1, 5, 3], ["0", "1", "2", "3", "4", "5"]), ([2], ["0", "1", "2"]),
     ([13], ["0", "4", "8", "12", "16", "20"]), ([300], ["0", "100", "200", "300", "400", "500"])],
)  # fmt: skip
def test_the_axis_marks_whole_counts(values, axis) -> None:
    """QA pass 26a: a month chart whose top was 5 marked 1.25, 2.5 and 3.75 件."""
    root = ET.fromstring(bar_chart([str(i) for i in range(len(values))], values, title="t"))
    marks = [t.text for t in root.findall(f"{NS}text") if t.get("text-anchor") == "end"]
    assert marks == axis
