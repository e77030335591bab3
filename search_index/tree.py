"""A backend-neutral query tree.

The planner turns a parsed user query into these nodes; each backend compiles them to its own
engine (tantivy queries, Elasticsearch DSL). Raw engine syntax never passes through, so no user
input can become a backend syntax error. Field names are the logical fields of
:mod:`search_index.fields`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    field: str
    value: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Consecutive tokens; ``slop`` allows that many extra positions between them."""

    field: str
    tokens: tuple[str, ...]
    slop: int = 0
    boost: float = 1.0


@dataclass(frozen=True)
class Regex:
    """Terms matching a regular expression (used only for one-character phrases)."""

    field: str
    pattern: str
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """Terms starting with ``value`` (suggestions, pinyin as it is being typed)."""

    field: str
    value: str
    boost: float = 1.0


@dataclass(frozen=True)
class Range:
    field: str
    lo: int | None = None
    hi: int | None = None


@dataclass(frozen=True)
class MatchAll:
    boost: float = 1.0


@dataclass(frozen=True)
class MatchNone:
    pass


@dataclass(frozen=True)
class Bool:
    """``must`` all match; at least ``min_should`` of ``should`` match (0: optional scoring);
    ``must_not`` exclude; ``filter`` must match without scoring."""

    must: tuple[Node, ...] = ()
    should: tuple[Node, ...] = ()
    must_not: tuple[Node, ...] = ()
    filter: tuple[Node, ...] = ()
    min_should: int = 0
    boost: float = 1.0


@dataclass(frozen=True)
class Constant:
    """Matches what ``node`` matches, every match scoring exactly ``score`` (no BM25).

    A bonus for a property most documents share (validity: 98.7% are 现行有效) must be a
    constant: as a scored term its IDF is ~0.06 and no boost makes it count.
    """

    node: Node
    score: float = 1.0


Node = Term | Phrase | Regex | Prefix | Range | MatchAll | MatchNone | Bool | Constant


@dataclass(frozen=True)
class Plan:
    """What the backend runs: a scored query, filters, and the terms to highlight."""

    query: Node
    filters: tuple[Node, ...] = ()
    highlight: tuple[str, ...] = field(default=())
    # (term, the typed word it is another wording of): a passage's words asked for are counted
    # as the typed words, not their wordings (search_index.highlight)
    groups: tuple[tuple[str, str], ...] = field(default=())
    # (facet field, the node of ``filters`` that filters on it): a facet is counted without
    # its own filter, so a chosen value's siblings keep their counts (disjunctive facets)
    facet_filters: tuple[tuple[str, Node], ...] = field(default=())
