"""The viewer's visibility as a plan filter: every search, suggestion, count, statistic and
duplicate check carries it, and :meth:`model.viewer.Viewer.can_see` answers for a single
document. No other code decides what a viewer may see."""

from __future__ import annotations

from model.viewer import Viewer
from search_index.tree import Bool, Node, Term


def terms(field: str, values: tuple[str, ...] | tuple[int, ...]) -> Node | None:
    """Any of ``values`` in a keyword field (None when there are none)."""
    vals = [str(v) for v in values if str(v)]
    if not vals:
        return None
    if len(vals) == 1:
        return Term(field, vals[0])
    return Bool(should=tuple(Term(field, v) for v in vals), min_should=1)


def visibility_filter(viewer: Viewer, wanted: tuple[str, ...] = ()) -> tuple[Node, ...]:
    """The disclosure filter for ``viewer``, narrowed to the levels ``wanted`` (if any): a level
    the viewer may not see matches nothing rather than being ignored."""
    visible = viewer.visible_disclosures
    if visible is not None:
        wanted = tuple(d for d in (wanted or visible) if d in visible) or ("__none__",)
    node = terms("disclosure", wanted)
    return () if node is None else (node,)
