"""Who issued a version of a text whose catalogue names no issuer (QA pass 42b).

Versions of one text share a title and an issuer (:func:`search_index.index.version_key`). An
empty issuer is unknown, not another issuer: the catalogue left it empty for the older text of 8
of the corpus's Shanghai 地方性法规 (上海市科学技术进步条例 of 2010 beside the 上海市人大常委会's
of 2024), so the older text said nothing of the newer one and listed no 其他版本.

A title that names its place (上海市…) is a text of that place: when exactly one issuer of that
place has the title among the documents read, a text of the title without an issuer is that
issuer's. A title that names no place is left alone, since same-titled texts of different bodies
are different texts (殡葬管理条例: the State Council's and Taiwan's President's; 工作规则,
实施办法), and so is a title two issuers of its place share: which one issued it is not known.
Pure: the caller gives the keys it read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import chain

from analyzers.hierarchy import named_place

Key = tuple[str, str]  # (compact title, issuer as the agency filter compares it; "" unknown)


def unresolved_titles(keys: Iterable[Key]) -> set[str]:
    """The titles of ``keys`` whose unknown issuer :func:`resolve` may tell: a title naming its
    place, held by a key without an issuer and by one with an issuer."""
    keys = list(keys)
    known = {t for t, issuer in keys if issuer}
    return {t for t, issuer in keys if not issuer and t in known and named_place(t)}


def resolve(keys: Mapping[str, Key], context: Iterable[Key] = ()) -> dict[str, Key]:
    """``keys`` (id → key) with each unknown issuer replaced by the one issuer of its title's
    place that has the title among ``keys`` and ``context`` (keys of other documents of those
    titles), where there is exactly one; every other key as given."""
    issuers: dict[str, set[str]] = {}
    for title, issuer in chain(keys.values(), context):
        if issuer:
            issuers.setdefault(title, set()).add(issuer)
    out: dict[str, Key] = {}
    for doc_id, (title, issuer) in keys.items():
        place = "" if issuer else named_place(title)
        if place:
            same = [a for a in issuers.get(title, ()) if named_place(a) == place]
            issuer = same[0] if len(same) == 1 else issuer
        out[doc_id] = (title, issuer)
    return out
