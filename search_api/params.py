"""An API route refuses query parameters it does not take.

A parameter the route does not know was ignored, so a typo answered as if it had not been
written: ``/api/search?q=…&catgory=政策法规`` searched every category, ``format=csv`` on search
answered JSON, ``text_source=`` did nothing (QA pass 15). A client cannot tell a filter that
was applied from one that was dropped, so the API says which parameter it did not read and
which ones the route takes (the 422 ``invalid_parameters`` of a bad value). The web pages
keep ignoring what they do not read: a link from elsewhere may carry tracking parameters, and
a person is shown the page, not a machine's contract. An unknown parameter left empty asks for
nothing and is let through, as an empty filter is no filter: a form sends every box it has.

The names are the route's own (its and its dependencies' query parameters), read once per
route, so a parameter added to a route later is accepted without being listed here.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

_KNOWN: dict[int, frozenset[str]] = {}


def _taken(route: APIRoute) -> frozenset[str]:
    names = _KNOWN.get(id(route))
    if names is None:
        # walked here: FastAPI's helper for this moved between the versions this project
        # accepts (as its routing table's shape did, see search_api.staff_gate)
        found: set[str] = set()
        stack = [route.dependant]
        while stack:
            dependant = stack.pop()
            found.update(p.alias for p in dependant.query_params)
            stack.extend(dependant.dependencies)
        names = frozenset(found)
        _KNOWN[id(route)] = names
    return names


def refuse_unknown_params(request: Request) -> None:
    """The routers' dependency: a 422 (``invalid_parameters``, as for a bad value) naming each
    parameter the route does not take, and the ones it does."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.path.startswith("/api/"):
        return  # the reference page at /docs is a page
    taken = _taken(route)
    # an empty one asks for nothing, as an empty filter is no filter (a form sends its boxes)
    unknown = [name for name, value in request.query_params.multi_items()
               if name not in taken and value.strip()]  # fmt: skip
    unknown = list(dict.fromkeys(unknown))
    if unknown:
        takes = ", ".join(sorted(taken)) if taken else "no query parameters"
        raise RequestValidationError([
            {"loc": ("query", name[:40]), "type": "extra_forbidden",
             "msg": f"unknown parameter; {route.path} takes {takes}"}
            for name in unknown[:10]
        ])  # fmt: skip
