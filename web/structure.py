"""A law's parts and articles as headings on the document page.

QA pass 41a: a law was one block of text, so a blind reader could only read it line by line or
jump from match to match; a screen reader's list of headings held the title and 正文 alone. A
line that is a part's heading (第二章 基本养老保险, 第一节, 第三编) becomes a heading, and each
article's number (第十九条, 第 17 條) a heading of the level below, so 第十九条 is one keystroke
away. The text stays as it is (``white-space: pre-wrap``, its marks): only elements with
``role="heading"`` are put around what is already there, never across a mark.
"""

from __future__ import annotations

import html
import re

_NUMBER = r"第\s*[一二三四五六七八九十百千零〇两\d]+\s*"
_PART = re.compile(_NUMBER + r"([编編章节節])(?:\s+\S.{0,30})?")
_ARTICLE = re.compile(_NUMBER + r"[条條](?:之[一二三四五六七八九十\d]+)?(?=[\s\u3000]|$)")
_SENTENCE = re.compile(r"[，。；：、,;]")  # a part's heading is a name, not a sentence
_TAG = re.compile(r"<[^>]*>")
_OPEN = re.compile(r"<mark\b")
_CLOSE = re.compile(r"</mark>")
_RANK = {"编": 0, "編": 0, "章": 1, "节": 2, "節": 2}
TOP_LEVEL = 3  # the page's h1 is the title, its h2 正文
MIN_HEADINGS = 3  # fewer are a news item's 第一条 in passing, not a law's structure


def _part(visible: str) -> str:
    m = _PART.fullmatch(visible)
    return m.group(1) if m and not _SENTENCE.search(visible) else ""


def headed(marked: str) -> str:
    """``marked`` (the escaped text with its matches marked, one line per line) with its parts'
    lines and its articles' numbers as headings; as it was where it has fewer than three."""
    lines = marked.split("\n")
    visible = [html.unescape(_TAG.sub("", line)).strip(" \t\u3000") for line in lines]
    parts = [_part(v) for v in visible]
    articles = [bool(_ARTICLE.match(v)) and not p for v, p in zip(visible, parts, strict=True)]
    if sum(map(bool, parts)) + sum(articles) < MIN_HEADINGS:
        return marked
    ranks = sorted({_RANK[p] for p in parts if p})
    level = {rank: TOP_LEVEL + i for i, rank in enumerate(ranks)}
    article_level = TOP_LEVEL + len(ranks)
    out = []
    depth = 0  # marks open at the start of the line (a match across a line break)
    for line, part, article in zip(lines, parts, articles, strict=True):
        opened, closed = len(_OPEN.findall(line)), len(_CLOSE.findall(line))
        if depth == 0 and opened == closed and part:
            line = (f'<span class="document__part" role="heading" '
                    f'aria-level="{level[_RANK[part]]}">{line}</span>')  # fmt: skip
        elif depth == 0 and article:
            line = _article_heading(line, article_level)
        depth += opened - closed
        out.append(line)
    return "\n".join(out)


def _article_heading(line: str, level: int) -> str:
    """The article's number at the line's start as a heading, if no tag is in or before it."""
    body = line.lstrip(" \t\u3000")
    m = _ARTICLE.match(body)
    if not m:  # the number is marked, or something precedes it: left as it is
        return line
    lead = line[: len(line) - len(body)]
    return (f'{lead}<span class="document__article" role="heading" aria-level="{level}">'
            f"{m.group(0)}</span>{body[m.end():]}")
