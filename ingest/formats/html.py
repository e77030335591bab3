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

from ingest.errors import ExtractionError, UnsafeFile
from ingest.formats.base import Extracted
from ingest.formats.encoding import (
    REPAIRED,
    decode,
    normalise_newlines,
    unmangled,
    without_stray_nuls,
)
from ingest.formats.registry import Format, register
from ingest.labels import LABELS

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


# Elements a page must close itself (void elements and those whose end tag HTML infers, such
# as <p>, <li>, <td>, are left out): a page that opens thousands of them inside each other nests
# thousands deep, and the parser's scope checks make that quadratic (16,000 nested <div> took
# lexbor seconds), whether or not it closes them later. Real pages nest a few dozen at most.
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})")
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta source track wbr param keygen "
    "p li td th tr dt dd option optgroup rt rp colgroup caption thead tbody tfoot "
    "html head body".split()
)
MAX_OPEN_ELEMENTS = 3000


# what the parser reads as markup: comments and raw text (script, style …) hold no elements, an
# attribute's value holds no tag, and the tags themselves
# a tag's attributes stop at the next <, and a quoted value is bounded: each left the match to
# scan to the end of the page from every < (64,000 "<p" took 167 s; the thirty-fourth session's
# review; 64,000 "<script" 27 s, QA pass 51b)
_ATTRIBUTES = r"(?:[^>\"'<]|\"[^\"]{0,4096}\"|'[^']{0,4096}')*"
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    rf"|<(script|style|textarea|title|xmp|noscript|template)\b{_ATTRIBUTES}>.*?(?:</\1\s*>|\Z)"
    rf"|<(/?)([a-zA-Z][a-zA-Z0-9]{{0,15}})({_ATTRIBUTES})>",
    re.S | re.I,
)


def nesting_depth(text: str) -> int:
    """How deep the elements that nest stand at the deepest point of the page, read as the
    parser reads the end tags: one closes the innermost open element of its name and what is
    open inside it; one that closes nothing open (``</x>``), and anything in a comment, a script
    or an attribute's value, closes nothing. The depth reached, not what is left open at the
    end: 100,000 <div> closed again took the parser 16 s (QA pass 24a), and <div></x> or end
    tags inside comments passed the count of start and end tags (QA pass 24c)."""
    stack: list[str] = []
    open_names: dict[str, int] = {}
    deepest = 0
    for m in _MARKUP.finditer(text):
        name = m.group(3)
        if name is None:  # a comment or raw text
            continue
        name = name.lower()
        if name in _NOT_NESTING:
            continue
        if not m.group(2):
            if m.group(4).rstrip().endswith("/"):
                continue  # <div/>: nothing stays open in the count (the parser's way aside)
            stack.append(name)
            open_names[name] = open_names.get(name, 0) + 1
            deepest = max(deepest, len(stack))
        elif open_names.get(name):
            while stack:
                top = stack.pop()
                open_names[top] -= 1
                if top == name:
                    break
    return deepest


# lexbor compares each attribute of an element with all those before it: 8,000 on one element
# took 0.13 s, 16,000 0.5 s, and a 4.8 MB page of 300,000 held an extraction to its 30 s limit
# (QA pass 36b). Real elements carry a handful; a page over this limit is refused as unsafe.
MAX_ATTRIBUTES = 1000
_ATTRIBUTE = re.compile(r"""[^\s"'=<>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


def most_attributes(text: str) -> int:
    """The most attributes one tag of the page has, read as :func:`nesting_depth` reads tags
    (not in comments, scripts or attribute values); linear in the page. A tag too short to
    hold more than the limit is not counted."""
    most = 0
    for m in _MARKUP.finditer(text):
        inside = m.group(4)
        if inside is None or len(inside) <= 2 * MAX_ATTRIBUTES:  # each takes 2 characters
            continue
        most = max(most, sum(1 for _ in _ATTRIBUTE.finditer(inside)))
    return most


def _visible_text(page: str) -> str:
    """A page's text without its scripts and styles (for judging its encoding)."""
    tree = LexborHTMLParser(page)
    tree.strip_tags(["script", "style"])
    return tree.body.text(separator=" ") if tree.body is not None else tree.text(separator=" ")


# a DOCTYPE with an internal subset (<!DOCTYPE html [<!ENTITY …>]>), as XHTML and XML tools
# write it: an HTML parser ends the DOCTYPE at its first > and reads the rest, ]> and all, as
# text (QA pass 40a: titles ]>laughs and ]>xxe). Its entities are never expanded either way;
# the subset is dropped whole. Looked for in the head only (the first 64 KB), unnested.
_DOCTYPE_SUBSET = re.compile(r"<!doctype[^\[>]{0,200}\[[^\]]{0,65536}\]\s*>", re.IGNORECASE)


def extract(data: bytes, filename: str) -> Extracted:
    """Article text, title and catalog properties of an HTML page."""
    text, encoding = decode(data, declared_charset(data))
    # a stray few NULs removed and said so (QA pass 44c: the parser dropped them unsaid)
    text, nuls = without_stray_nuls(text, encoding, "an HTML page")
    text = _DOCTYPE_SUBSET.sub("<!DOCTYPE html>", text[:70_000], count=1) + text[70_000:]
    depth = nesting_depth(text)
    if depth > MAX_OPEN_ELEMENTS:
        raise UnsafeFile(
            f"refused: the page nests {depth:,} elements open inside each other (limit "
            f"{MAX_OPEN_ELEMENTS:,}); pathological nesting"
        )
    most = most_attributes(text)
    if most > MAX_ATTRIBUTES:
        raise UnsafeFile(
            f"refused: an element of the page has {most:,} attributes (limit "
            f"{MAX_ATTRIBUTES:,}); pathological markup"
        )
    text, repaired = unmangled(text, _visible_text)
    tree = LexborHTMLParser(text)
    props: dict[str, str] = {"encoding": encoding}
    fixed = [f"{encoding} page once read as Latin-1 (mojibake), read again"] if repaired else []
    if nuls:
        fixed.append(nuls)
    if fixed:
        props[REPAIRED] = "; ".join(fixed)
    for node in tree.css("meta[name]"):
        key = _PROPERTY_METAS.get((node.attributes.get("name") or "").lower())
        value = (node.attributes.get("content") or "").strip()
        if key and value:
            props[key] = value
    page_title = _clean(tree.css_first("title").text()) if tree.css_first("title") else ""
    h1 = tree.css_first("h1")
    h1_text = _clean(h1.text()) if h1 is not None else ""
    props.update(_metadata_table(tree))
    _remove(tree.css(", ".join(_DROP_TAGS)))
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
    """Read and remove a gov.cn-style metadata table (label cell, value cell pairs).

    Linear in the page: each cell belongs to its nearest table, a cell that holds a nested
    table is layout (not a label or a value) and is not read, so 16,000 nested tables cost
    16,000 short cells, not 16,000 copies of the rest of the page.
    """
    groups: dict[int, tuple[LexborNode, list[str]]] = {}
    for cell in tree.css("th, td"):
        if cell.css_first("table") is not None:
            continue
        table = _nearest_table(cell)
        if table is not None:
            groups.setdefault(table.mem_id, (table, []))[1].append(_clean(cell.text()))
    found: dict[str, str] = {}
    doomed: list[LexborNode] = []
    for table, cells in groups.values():
        # keyed as ingest.labels keys either script's labels (QA pass 48a: each table reader
        # kept its own list, and they had drifted)
        keys = [LABELS.get(re.sub(r"[\s：:]", "", c)) for c in cells]
        if sum(key is not None for key in keys) < 2:
            continue
        for i, key in enumerate(keys[:-1]):
            if key is not None and cells[i + 1] and keys[i + 1] is None:
                found.setdefault(key, cells[i + 1])
        doomed.append(table)
    _remove(doomed)
    return found


def _nearest_table(cell: LexborNode) -> LexborNode | None:
    node = cell.parent
    for _ in range(4):  # td → tr → tbody/thead/tfoot → table
        if node is None:
            return None
        if node.tag == "table":
            return node
        node = node.parent
    return None


def _remove(nodes: list[LexborNode]) -> None:
    """Decompose nodes innermost first (reverse document order), each once: a node inside an
    already removed one is never touched again, and nested nodes cost their own size once."""
    _remove_ordered(list(enumerate(nodes)))


def _remove_ordered(doomed: list[tuple[int, LexborNode]]) -> None:
    """``(document-order index, node)`` pairs: decompose each node once, deepest first."""
    seen: set[int] = set()
    for _, node in sorted(doomed, key=lambda item: item[0], reverse=True):
        if node.mem_id not in seen:
            seen.add(node.mem_id)
            node.decompose()


def _protected(tree: LexborHTMLParser) -> set[int]:
    """Nodes that hold the article (its containers and their ancestors): never chrome."""
    keep: set[int] = set()
    for node in tree.css("#UCAP-CONTENT, .TRS_Editor, article, main"):
        while node is not None and node.mem_id not in keep:
            keep.add(node.mem_id)
            node = node.parent
    return keep


def _head_text(node: LexborNode, chars: int = 12, nodes: int = 64) -> str:
    """The first few characters of a heading, reading at most ``nodes`` descendants (a
    heading's whole text may be the rest of a hostile page)."""
    out: list[str] = []
    got = 0
    for i, sub in enumerate(node.traverse(include_text=True)):
        if i >= nodes or got >= chars:
            break
        if sub.tag == "-text":
            text = _clean(sub.text_content or "")
            out.append(text)
            got += len(text)
    return _clean(" ".join(out))


_HEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6", "dt", "strong"))


def _drop_chrome(tree: LexborHTMLParser) -> None:
    """Remove blocks whose class/id or leading heading says they are site furniture.

    One walk over the tree (a removed block is not entered), then removal innermost first:
    linear in the page however deeply hostile markup nests.
    """
    root = tree.root
    if root is None:
        return
    keep = _protected(tree)
    seen: dict[int, int] = {}  # mem_id → document order, for a heading's block
    doomed: list[tuple[int, LexborNode]] = []
    stack: list[LexborNode] = [root]
    while stack:
        node = stack.pop()
        order = seen[node.mem_id] = len(seen)
        tag = node.tag
        if tag not in ("html", "body") and node.mem_id not in keep:
            ident = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
            if ident.strip() and _CHROME_RE.search(ident):
                doomed.append((order, node))
                continue
        if tag in _HEADINGS and _CHROME_HEADINGS.match(_head_text(node)):
            block = node.parent
            if block is None or block.tag in ("body", "html") or block.mem_id in keep:
                doomed.append((order, node))
            else:
                doomed.append((seen.get(block.mem_id, order), block))
            continue
        stack.extend(reversed([c for c in node.iter() if _is_element(c)]))
    _remove_ordered(doomed)


def _is_element(node: LexborNode) -> bool:
    return not node.tag.startswith("-") and node.tag != "!doctype"


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
                sniff=sniff, priority=50, text=True))  # fmt: skip
