"""How govsearch documents and plans look to Elasticsearch: the mapping, the query DSL compiled
from a :class:`~search_index.plan.Plan`, and the ``_source`` round trip ``reindex`` relies on.

Pure functions, no client: :mod:`search_index.elastic` does the talking. Every rule mirrors
:mod:`search_index.embedded` (same fields, same defaults, same exclusions) because the two backends
must match the same documents for the same plan.
"""

from __future__ import annotations

from typing import Any

from model.document import to_stored
from model.version import INDEX_VERSION
from search_index.fields import INT_FIELDS, KEYWORD_FIELDS, POSITIONAL_FIELDS, TOKEN_FIELDS
from search_index.protocol import IndexedDocument
from search_index.tree import (
    Bool,
    Constant,
    MatchAll,
    MatchNone,
    Node,
    Phrase,
    Plan,
    Prefix,
    Range,
    Regex,
    Term,
)

DATE_MIN, DATE_MAX = 1, 99_991_231  # the same open-range defaults as the embedded backend
_KEYWORD_MAX_CHARS = 8191  # Lucene refuses terms over 32766 bytes; skip such values, keep the doc


def schema_meta() -> dict[str, str]:
    """What an index records about how it was built; an open refuses any other."""
    return dict(INDEX_VERSION)


WORD_TERM_FIELDS = ("title_w", "body_w")
TERMS_SUFFIX = "_terms"


def terms_field(field: str) -> str:
    """The keyword copy of a word field whose dictionary is walked (pinyin lexicon, typo
    suggestions): each document's distinct words, kept in doc values only.

    Aggregating the text field itself needs ``fielddata``, which Elasticsearch builds on the heap:
    848 MB for ``body_w`` at a million generated documents, past the default fielddata breaker
    of a 2 GB heap (HTTP 429 on the first search that wanted the lexicon). Doc values live on
    disk, in the page cache, and no breaker counts them."""
    return field + TERMS_SUFFIX


def lucene_literal(text: str) -> str:
    """``text`` as a Lucene regular expression matching exactly it."""
    return "".join(c if c.isalnum() else "\\" + c for c in text)


def mappings() -> dict[str, Any]:
    """Token fields analysed by ``whitespace`` (positions kept where phrases need them), exact
    keywords, int dates; display data only in ``_source``. Token fields are left out of
    ``_source``: they are rebuilt from the stored text by ``reindex`` and would roughly triple
    its size."""
    props: dict[str, Any] = {
        name: {
            "type": "text",
            "analyzer": "whitespace",
            "index_options": "positions" if name in POSITIONAL_FIELDS else "freqs",
        }
        for name in TOKEN_FIELDS
    }
    for name in WORD_TERM_FIELDS:  # their term dictionary is walked (suggestions, pinyin words)
        props[terms_field(name)] = {"type": "keyword", "index": False, "doc_values": True}
    for name in KEYWORD_FIELDS:
        props[name] = {"type": "keyword", "ignore_above": _KEYWORD_MAX_CHARS}
    for name in INT_FIELDS:
        props[name] = {"type": "integer"}
    props["meta"] = {"type": "object", "enabled": False}
    props["extra"] = {"type": "object", "enabled": False}
    props["text"] = {"type": "text", "index": False}
    return {
        "dynamic": "strict",
        "_meta": {"govsearch": schema_meta()},
        "_source": {"excludes": [*TOKEN_FIELDS, *map(terms_field, WORD_TERM_FIELDS)]},
        "properties": props,
    }


def compile_node(node: Node) -> dict[str, Any]:
    """One plan node as query DSL, mirroring ``EmbeddedIndex._compile`` clause for clause."""
    boost = getattr(node, "boost", 1.0)
    if isinstance(node, Term):
        value: Any = int(node.value) if node.field in INT_FIELDS else node.value
        return {"term": {node.field: {"value": value, "boost": boost}}}
    if isinstance(node, Phrase):
        if len(node.tokens) == 1:
            return {"term": {node.field: {"value": node.tokens[0], "boost": boost}}}
        body = {"query": " ".join(node.tokens), "slop": node.slop, "boost": boost}
        return {"match_phrase": {node.field: body}}
    if isinstance(node, Regex):
        # flags NONE: no Lucene extensions (@ & ~ <>), like the plain regex tantivy runs
        return {"regexp": {node.field: {"value": node.pattern, "flags": "NONE", "boost": boost}}}
    if isinstance(node, Prefix):
        # constant score, like tantivy's automaton (regex) query the embedded backend runs
        return {"prefix": {node.field: {"value": node.value, "boost": boost}}}
    if isinstance(node, Range):
        lo = node.lo if node.lo is not None else DATE_MIN
        hi = node.hi if node.hi is not None else DATE_MAX
        return {"range": {node.field: {"gte": lo, "lte": hi}}}
    if isinstance(node, MatchAll):
        return {"match_all": {"boost": boost}}
    if isinstance(node, MatchNone):
        return {"match_none": {}}
    if isinstance(node, Constant):
        return {"constant_score": {"filter": compile_node(node.node), "boost": node.score}}
    if isinstance(node, Bool):
        must = [compile_node(n) for n in node.must]
        if not node.must and not node.filter and not node.should:
            must.append({"match_all": {}})
        out: dict[str, Any] = {"must": must, "boost": boost}
        if node.filter:
            out["filter"] = [compile_node(n) for n in node.filter]
        if node.should:
            out["should"] = [compile_node(n) for n in node.should]
            if node.min_should:
                out["minimum_should_match"] = node.min_should
        if node.must_not:
            out["must_not"] = [compile_node(n) for n in node.must_not]
        return {"bool": out}
    raise TypeError(f"unknown plan node {node!r}")  # pragma: no cover - the plan types are closed


def full_query(plan: Plan) -> dict[str, Any]:
    """The scored query with the plan's filters (the viewer's disclosure rule among them), used
    for hits, totals and facets alike so they can never disagree."""
    return compile_node(Bool(must=(plan.query,), filter=plan.filters))


def source_of(item: IndexedDocument, term_copies: bool = True) -> dict[str, Any]:
    """The indexed JSON of a document: its fields exactly as ``prepare`` produced them, and
    (``term_copies``) the distinct words of each :data:`WORD_TERM_FIELDS` for
    :func:`terms_field`."""
    doc = item.doc
    src: dict[str, Any] = {
        "id": doc.id,
        "meta": to_stored(doc, item.source),
        "text": doc.text,
        "extra": item.stored,
    }
    for name, value in item.tokens.items():
        if value:
            src[name] = value
            if term_copies and name in WORD_TERM_FIELDS:
                src[terms_field(name)] = sorted(set(value.split()))
    for name, values in item.keywords.items():
        kept = [v for v in values if v]  # like embedded: an empty value is no value
        if kept:
            src[name] = kept
    for name, number in item.ints.items():
        src[name] = int(number)
    return src


def short_hash(content_hash: str) -> str:
    """``content_hash[:16]`` rendered exactly as the embedded backend's u64 fast field does."""
    try:
        return f"{int(content_hash[:16], 16):016x}" if content_hash else "0" * 16
    except ValueError:
        return content_hash[:16]


# said of a write refused while ``reindex`` holds the index read-only (an upload is then a 409)
WRITE_BLOCKED = "the index is read-only while `govsearch reindex` runs"


def failure_reason(info: dict[str, Any], limit: int = 300) -> str:
    """A bulk item's failure as one line a person can act on (Elasticsearch may quote the
    document's JSON in its reasons: cut to ``limit`` characters so reports stay readable)."""
    err = info.get("error")
    status = info.get("status", "")
    if isinstance(err, dict):
        text = f"{err.get('type', 'error')}: {_cut(str(err.get('reason', '')), limit)}"
        cause = err.get("caused_by")
        if isinstance(cause, dict) and cause.get("reason"):
            text += f" ({cause.get('type', '')}: {_cut(str(cause['reason']), limit // 2)})"
        if err.get("type") == "cluster_block_exception":
            text += f"; {WRITE_BLOCKED}: try again later"
    else:
        text = _cut(str(err or "unknown error"), limit)
    return f"HTTP {status}: {text}" if status else text


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
