"""Bar charts as inline SVG, drawn on the server.

The pages run under ``script-src 'self'; style-src 'self'`` and reading rooms are offline, so a
chart is markup: no script, no ``style`` attribute (presentation attributes only), no external
font. Every label is XML-escaped; each bar carries a ``<title>`` with its exact count, and the
figure an ``aria-label``, so the numbers are there for screen readers and for printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr


def _nice_max(value: int) -> int:
    """The smallest 1/2/5×10ⁿ at or above ``value`` (at least 1), for the axis top."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m >= value:
                return max(1, step * m)
        step *= 10


def bar_chart(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    title: str,
    width: int = 640,
    height: int = 260,
    unit: str = "件",
) -> str:
    """An SVG bar chart of ``values`` (non-negative counts) under ``labels``."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    left, right, top, bottom = 44, 12, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max(values, default=0))
    n = max(1, len(values))
    slot = plot_w / n
    bar_w = slot * 0.7
    summary = "，".join(f"{lab} {v}{unit}" for lab, v in zip(labels, values, strict=True))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart" '
        f"aria-label={quoteattr(f'{title}：{summary}')}>",
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="16" font-size="13" fill="#1a1a1a">{escape(title)}</text>',
    ]
    # gridlines at whole counts: fifths, quarters or each unit of a small top (QA pass 26a: a
    # top of 5 was marked 1.25, 2.5, 3.75 件)
    steps = next(k for k in (5, 4, 2, 1) if top_value % k == 0)
    for i in range(steps + 1):
        v = top_value * i // steps
        y = top + plot_h - plot_h * i / steps
        label = f"{v}"
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{"#555" if i == 0 else "#ddd"}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#444">{label}</text>'
        )
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * v / top_value
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h - h
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
            f'fill="#1f5fa8"><title>{escape(f"{lab}：{v}{unit}")}</title></rect>'
        )
        if v:
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="11" '
                f'text-anchor="middle" fill="#1a1a1a">{v}</text>'
            )
        out.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" font-size="11" '
            f'text-anchor="middle" fill="#444">{escape(lab)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def months_chart(year: int, counts: Sequence[int]) -> str:
    """Items per month of a year, the picture the annual report's table reads worst as."""
    return bar_chart([f"{m}月" for m in range(1, 13)], counts, title=f"{year}年各月主动公开信息数")
