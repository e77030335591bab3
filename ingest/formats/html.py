"""Web pages: decode by the declared charset, keep the article, drop the site chrome.

Government pages wrap a short article in a lot of site furniture (top bar, navigation,
breadcrumb, "相关链接", "联系我们", "网站地图", ICP footer). Indexing that furniture would make
every page match "网站地图", so we prefer the article container and strip chrome by tag, by
class/id and by the headings that announce it. The gov.cn metadata table (索引号, 发文字号…)
and the ``ArticleTitle``/``PubDate``/``ContentSource`` meta tags are catalog data, so they go
into ``properties`` rather than the body.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingest.errors import ExtractionError
from ingest.formats.base import Extracted
from ingest.formats.encoding import decode, normalise_newlines
from ingest.formats.registry import Format, register

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SNIFF_RE = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.I | re.S,
)

_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "nav", "header", "footer", "aside", "form", "button", "input", "select", "textarea",
)  # fmt: skip
_CHROME_RE = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumbs?|crumbs?|position|location|top-?bar|header|"
    r"footer|foot|share|related|relate|sidebar|side|toolbar|tools|copyright|logo|search|"
    r"info|pubinfo|print|pager|skip)($|[\s_-])",
    re.I,
)
_CHROME_HEADINGS = re.compile(
    r"^(相关链接|相關鏈接|相關連結|相关词条|相關詞條|热门词条|熱門詞條|联系我们|聯繫我們|聯絡我們|"
    r"网站地图|網站地圖|友情链接|友情鏈接|相关文章|相關文章|相关阅读|相關閱讀|扫一扫|掃一掃)"
)
_CONTAINERS = (
    "#UCAP-CONTENT", ".TRS_Editor", "#zoom", ".pages_content", "article", "[role=main]",
    "main", ".article-content", ".content", "#content", ".article", ".main",
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table tbody thead tfoot section article "
    "blockquote pre dd dt dl hr address center figure figcaption caption main".split()
)
_CELL_TAGS = frozenset(("td", "th"))
_META_LABELS = ("索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "发布日期",
                "索引號", "主題分類", "發文機關", "發文字號", "發佈日期", "發布日期")  # fmt: skip
_PROPERTY_METAS = {
    "articletitle": "ArticleTitle",
    "pubdate": "PubDate",
    "contentsource": "ContentSource",
    "keywords": "keywords",
    "description": "description",
    "author": "author",
    "columnname": "ColumnName",
    "sitename": "SiteName",
}
_SPACES = re.compile(r"[ \xa0\r\n\f\v\u200b]+")


def sniff(data: bytes) -> bool:
    """True when the bytes start like an HTML document (after BOM, whitespace, comments)."""
    return bool(_SNIFF_RE.match(data[:2048]))


def declared_charset(data: bytes) -> str | None:
    """The charset named by ``<meta charset>`` or ``http-equiv`` in the first 4 KB."""
    m = _CHARSET_RE.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def extract(data: bytes, filename: str) -> Extracted:
    """Article text, title and catalog properties of an HTML page."""
    text, encoding = decode(data, declared_charset(data))
    tree = LexborHTMLParser(text)
    props: dict[str, str] = {"encoding": encoding}
    for node in tree.css("meta[name]"):
        key = _PROPERTY_METAS.get((node.attributes.get("name") or "").lower())
        value = (node.attributes.get("content") or "").strip()
        if key and value:
            props[key] = value
    page_title = _clean(tree.css_first("title").text()) if tree.css_first("title") else ""
    h1 = tree.css_first("h1")
    h1_text = _clean(h1.text()) if h1 is not None else ""
    props.update(_metadata_table(tree))
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    _drop_chrome(tree)
    root = _container(tree)
    if root is None:
        raise ExtractionError("HTML page has no body text")
    body = _to_text(root)
    title = props.get("ArticleTitle") or h1_text or _site_title_part(page_title)
    if title and _squash(title) not in _squash(body[: len(title) * 3 + 40]):
        body = f"{title}\n{body}"
    if not body.strip():
        raise ExtractionError("HTML page has no body text")
    return Extracted(text=body, title=title, properties=props)


def _clean(s: str) -> str:
    return _SPACES.sub(" ", s).strip()


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _site_title_part(title: str) -> str:
    """``文件标题_中国政府网`` → ``文件标题``: pages append the site name to <title>."""
    parts = [p.strip() for p in re.split(r"\s*(?:_|\||——| - |－)\s*", title) if p.strip()]
    return max(parts, key=len) if parts else ""


def _metadata_table(tree: LexborHTMLParser) -> dict[str, str]:
    """Read and remove a gov.cn-style metadata table (label cell, value cell pairs)."""
    found: dict[str, str] = {}
    for table in tree.css("table"):
        cells = [_clean(c.text()) for c in table.css("th, td")]
        labels = [re.sub(r"[\s：:]", "", c) for c in cells]
        if sum(lab in _META_LABELS for lab in labels) < 2:
            continue
        for i, lab in enumerate(labels[:-1]):
            if lab in _META_LABELS and cells[i + 1] and labels[i + 1] not in _META_LABELS:
                found.setdefault(lab, cells[i + 1])
        table.decompose()
    return found


def _drop_chrome(tree: LexborHTMLParser) -> None:
    """Remove blocks whose class/id or leading heading says they are site furniture."""
    for node in tree.css("[class], [id]"):
        if node.parent is None:
            continue
        ident = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if node.tag not in ("html", "body") and _CHROME_RE.search(ident):
            if not node.css_first("#UCAP-CONTENT, .TRS_Editor, article, main"):
                node.decompose()
    for heading in tree.css("h2, h3, h4, h5, h6, dt, strong"):
        if heading.parent is not None and _CHROME_HEADINGS.match(_clean(heading.text())):
            block = heading.parent
            if block.tag in ("body", "html") or block.css_first("#UCAP-CONTENT, article, main"):
                heading.decompose()
            else:
                block.decompose()


def _container(tree: LexborHTMLParser) -> LexborNode | None:
    """The article container if the page has one with real text, else the body."""
    body = tree.body
    total = len(_squash(body.text())) if body is not None else 0
    for selector in _CONTAINERS:
        node = tree.css_first(selector)
        if node is not None and len(_squash(node.text())) >= max(20, total * 0.3):
            return node
    return body


def _to_text(root: LexborNode) -> str:
    """Flatten: block elements become line breaks, table cells tab-separated."""
    out: list[str] = []
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            if tag in _BLOCK_TAGS:
                out.append("\n")
            elif tag in _CELL_TAGS:
                out.append("\t")
            continue
        if tag == "-text":
            out.append(_SPACES.sub(" ", node.text_content or ""))
            continue
        if tag in ("-comment", "!doctype"):
            continue
        if tag in _BLOCK_TAGS:
            out.append("\n")
        stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    lines = []
    for line in normalise_newlines("".join(out)).split("\n"):
        cells = [c.strip(" ") for c in line.strip(" \t").split("\t")]
        line = "\t".join(c for c in cells if c) if len(cells) > 1 else cells[0]
        if line:
            lines.append(line)
    return "\n".join(lines)


register(Format(name="html", extensions=("html", "htm", "xhtml", "shtml"), extract=extract,
                sniff=sniff, priority=50))  # fmt: skip
