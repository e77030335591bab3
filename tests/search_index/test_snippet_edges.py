"""A snippet's edges never cut a number or a Latin word (QA pass 17)."""

from __future__ import annotations

import re

from search_index.highlight import snippet


def _plain(html_snippet: str) -> str:
    return re.sub(r"</?mark>", "", html_snippet).strip("…")


def test_a_snippet_ends_after_the_whole_number():
    """A snippet ended "吸引4" where the text says 吸引472億元, and "或洽(0" inside a telephone
    number; at either edge the number is shown whole."""
    for tail in ("吸引472億元的投資。", "或洽(06)2991111轉8341。"):
        for pad in range(0, 40):
            text = "台南就業" + "甲" * pad + tail + "乙" * 200
            got = _plain(snippet(text, ("就業",), 40))
            shown = set(re.findall(r"[0-9()]+", got))
            assert shown <= set(re.findall(r"[0-9()]+", tail)), (pad, got)


def test_a_snippet_starts_at_a_whole_number():
    text = "乙" * 300 + "促轉三字第1075300071號令規定，" + "乙" * 10 + "就業服務" + "乙" * 300
    got = _plain(snippet(text, ("就業",), 60))
    numbers = re.findall(r"\d+", got)
    assert all(n == "1075300071" for n in numbers), got


def test_a_run_too_long_is_cut_as_before():
    text = "就業" + "甲" * 30 + "x" * 400
    got = _plain(snippet(text, ("就業",), 60))
    assert len(got) < 100
