"""An API route refuses query parameters it does not take.

A parameter the route does not know was ignored, so a typo answered as if it had not been
written: ``/api/search?q=…&catgory=政策法规`` searched every category, ``format=csv`` on search
answered JSON, ``text_source=`` did nothing (QA pass 15). A client cannot tell a filter that
was applied from one that was dropped, so the API says which parameter it did not read and
which ones the route takes (the 422 ``invalid_parameters`` of a bad value). The web pages
keep ignoring what they do not read: a link from elsewhere may carry tracking parameters, and
a person is shown the page, not a machine's contract. An unknown parameter left empty asks for
nothing and is let through on a GET, as an empty filter is no filter: a form sends every box it
has. A POST or DELETE has no such form, and is refused it.

The names are the route's own (its and its dependencies' query parameters), read once per
route, so a parameter added to a route later is accepted without being listed here.

Two more things a client cannot see the server do are said the same way (QA pass 22): a
parameter that takes one value given twice with different values (``size=3&size=5``,
``q=养老&q=医疗``: the last one won, silently), and bytes that are no UTF-8 in the query string
or the path (``q=%E5%85%BB%FF`` searched 养 and a replacement character).
"""

from __future__ import annotations

import typing
from urllib.parse import unquote_to_bytes

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

_KNOWN: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
_SEQUENCES = (list, tuple, set, frozenset)


def _takes_many(annotation: object) -> bool:
    """Whether a parameter's type holds several values (``list[str] | None``)."""
    if typing.get_origin(annotation) in _SEQUENCES:
        return True
    return any(_takes_many(a) for a in typing.get_args(annotation))


def _params(route: APIRoute) -> tuple[frozenset[str], frozenset[str]]:
    """The route's query parameters, and those of them that take one value."""
    known = _KNOWN.get(id(route))
    if known is None:
        # walked here: FastAPI's helper for this moved between the versions this project
        # accepts (as its routing table's shape did, see search_api.staff_gate)
        found: set[str] = set()
        single: set[str] = set()
        stack = [route.dependant]
        while stack:
            dependant = stack.pop()
            for p in dependant.query_params:
                found.add(p.alias)
                info = getattr(p, "field_info", None)
                if not _takes_many(getattr(info, "annotation", None)):
                    single.add(p.alias)
            stack.extend(dependant.dependencies)
        known = (frozenset(found), frozenset(single))
        _KNOWN[id(route)] = known
    return known


def _not_utf8(raw: bytes) -> bool:
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def refuse_unknown_params(request: Request) -> None:
    """The routers' dependency: a 422 (``invalid_parameters``, as for a bad value) naming each
    parameter the route does not take, and the ones it does."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.path.startswith("/api/"):
        return  # the reference page at /docs is a page
    # the path's own location, not under "query" (QA pass 36b: bytes in a document id were
    # reported as the query's)
    for loc, raw in ((("query", "query string"), request.scope.get("query_string", b"")),
                     (("path", "URL path"), request.scope.get("raw_path") or b"")):  # fmt: skip
        if _not_utf8(raw):
            raise RequestValidationError([
                {"loc": loc, "type": "value_error",
                 "msg": "holds bytes that are no UTF-8: percent-encode text as UTF-8"}
            ])  # fmt: skip
    taken, single = _params(route)
    values: dict[str, set[str]] = {}
    for name, value in request.query_params.multi_items():
        if name in single:  # an empty one too: q=养老&q= searched nothing (QA pass 36b)
            values.setdefault(name, set()).add(value.strip())
    twice = [name for name, seen in values.items() if len(seen) > 1]
    if twice:
        raise RequestValidationError([
            {"loc": ("query", name), "type": "value_error",
             "msg": f"given {len(values[name])} different values; this parameter takes one"}
            for name in twice
        ])  # fmt: skip
    # an empty one asks for nothing, as an empty filter is no filter (a form sends its boxes);
    # only a GET form does: on a POST or DELETE it is a script's unset variable
    # (``POST /api/documents?disclosure=$LEVEL``, QA pass 24c: ignored, the upload published)
    lenient = request.method in ("GET", "HEAD")
    unknown = [name for name, value in request.query_params.multi_items()
               if name not in taken and (value.strip() or not lenient)]  # fmt: skip
    unknown = list(dict.fromkeys(unknown))
    if unknown:
        takes = ", ".join(sorted(taken)) if taken else "no query parameters"
        raise RequestValidationError([
            {"loc": ("query", name[:40]), "type": "extra_forbidden",
             "msg": f"unknown parameter; {route.path} takes {takes}"}
            for name in unknown[:10]
        ])  # fmt: skip
