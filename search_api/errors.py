"""One JSON error shape for every failure: ``{"error": {code, message, status, data}}``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from model.errors import GovSearchError, InvalidParameters, plain_words

log = logging.getLogger("govsearch.api")

# The one place an error code becomes an HTTP status (the layers below know no HTTP).
STATUS: dict[str, int] = {
    "bad_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "moved": 404,  # a GET or HEAD is sent on instead (moved_response)
    "conflict": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "unprocessable_content": 422,
    "invalid_parameters": 422,
    "calendar_unknown": 422,
    "too_many_requests": 429,
    "configuration_error": 500,
    "internal_error": 500,
    "not_implemented": 501,
    "backend_unavailable": 503,
    "insufficient_storage": 507,
    "storage_read_only": 503,
}


# What an anonymous caller is told of a server-side failure: its message names the cluster's
# addresses and the failing call (QA pass 7), which are the operator's business, not the
# public's; staff keys get the full message, and the log always has it.
PUBLIC_MESSAGES: dict[str, str] = {
    "backend_unavailable": "the search service is temporarily unavailable; try again later",
    "configuration_error": "the server is misconfigured; its operator has been told in the log",
    "insufficient_storage": "the server cannot store more documents now; its operator has been "
    "told in the log",
    "internal_error": "internal error",
    "storage_read_only": "the server cannot store anything now; its operator has been told in "
    "the log",
}


def status_of(exc: GovSearchError) -> int:
    return STATUS.get(exc.code, 500)


def error_body(exc: GovSearchError) -> dict[str, object]:
    """``{"error": {code, message, status, data}}``: the shape every failure answers with."""
    return {
        "error": {
            "code": exc.code,
            "message": exc.message,
            "status": status_of(exc),
            "data": exc.data,
        }
    }


def error_json(status: int, code: str, message: str, **data: object) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "status": status, "data": data}}
    return JSONResponse(body, status_code=status)


def problems_of(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic's errors as ``[{field, problem}]``, the ``problems`` of every 422
    ``invalid_parameters``, whether FastAPI or a route validated the request."""
    problems = []
    for err in errors:
        where = err.get("loc", ())
        loc = ".".join(str(p) for p in where if p not in ("query", "body", "path"))
        loc = loc or (str(where[0]) if where else "body")  # the body as a whole (not {…})
        problem = str(err.get("msg", ""))
        if err.get("type") == "value_error":  # our own validators' words, without pydantic's
            problem = problem.removeprefix("Value error, ")
        problems.append({"field": loc, "problem": problem})
    return problems


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict[str, str]]]:
    problems = problems_of(exc.errors())
    if not problems:
        return "invalid request parameters: invalid request", problems
    return InvalidParameters(problems).message, problems


def _in_json_parser(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename.replace("\\", "/")
        if name.endswith(("/json/decoder.py", "/json/__init__.py")):
            return True
        tb = tb.tb_next
    return False


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed(request: Request, path: str | None = None) -> str:
    """What every route at the request's path (or ``path``) takes (the 405's ``Allow``): the
    router names only the first route the path matched, so ``PUT /api/documents/{id}`` said
    GET, HEAD where PATCH and DELETE are routes of their own (QA pass 38b). HEAD wherever GET
    is (``search_api.head`` answers it)."""
    routes = request.app.router.routes
    scope = request.scope if path is None else {**request.scope, "path": path}
    methods = {
        m for m in _METHODS
        if any(r.matches({**scope, "method": m})[0] == Match.FULL for r in routes)
    }  # fmt: skip
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(m for m in _METHODS if m in methods)


def govsearch_response(exc: GovSearchError, staff: bool) -> JSONResponse:
    """The one answer to an error of the product: a server-side one logged, and told to a
    caller who is not staff in :data:`PUBLIC_MESSAGES`' words (its message names paths and
    addresses). The staff gate answers with it too (QA pass 38c: a damaged key file was a 500
    on every staff request, its path told to any key sent, and nothing in the log)."""
    status = status_of(exc)
    if status >= 500:
        log.error("%s: %s", exc.code, exc.message)
    headers = None
    if "retry_after" in exc.data:
        headers = {"Retry-After": str(int(exc.data["retry_after"]))}
    body = error_body(exc)
    if exc.code in PUBLIC_MESSAGES and not staff:
        kept = {k: v for k, v in exc.data.items() if k == "retry_after"}
        body["error"].update(message=PUBLIC_MESSAGES[exc.code], data=kept)
    return JSONResponse(body, status_code=status, headers=headers)


def moved_response(request: Request, exc: GovSearchError) -> Response:
    """A GET of an address naming a document by the id it had before its file moved: the same
    address with its id now, query and all. 302, not 301: a browser keeps a 301, and a folder
    renamed back would then send the reader in a circle between the two ids."""
    old, new = str(exc.data["id"]), str(exc.data["moved_to"])
    parts = str(request.scope.get("path", "")).split("/")
    path = "/" + "/".join(new if p.lower() == old else p for p in parts).lstrip("/")
    query = request.url.query
    return RedirectResponse(path + (f"?{query}" if query else ""), 302)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(GovSearchError)
    async def _govsearch(request: Request, exc: GovSearchError) -> Response:
        if exc.code == "moved" and request.method in ("GET", "HEAD"):
            return moved_response(request, exc)
        return govsearch_response(exc, getattr(request.state, "staff", False))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        # a JSON body that is no JSON, or sent as another type, is answered as /api/duplicates
        # answers it (QA pass 27b: /api/ingest said 422 with a field named "1", and 422 where
        # the other said 415)
        errors = exc.errors()
        body = [e for e in errors if e.get("loc", ())[:1] == ("body",)]
        if any(e.get("type") == "json_invalid" for e in body):
            detail = next(e for e in body if e.get("type") == "json_invalid")
            reason = (detail.get("ctx") or {}).get("error", "")
            message = f"the body is not valid JSON: {plain_words(reason)}" if reason else (
                "not valid JSON")
            return error_json(400, "bad_request", message)
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        whole = any(tuple(e.get("loc", ())) == ("body",) for e in body)  # no object at all
        if whole and ctype != "application/json":
            return error_json(415, "unsupported_media_type",
                              f"send the body as application/json; got {ctype or 'no type'}",
                              content_type=ctype)  # fmt: skip
        message, problems = _validation_message(exc)
        return error_json(422, "invalid_parameters", message, problems=problems)

    # QA pass 36b: a body 5,000 levels deep, or a 5,000-digit number, sent to /api/ingest or
    # PATCH got this with the code http_error, which the README does not list
    _UNPARSED = "There was an error parsing the body"

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error"
        )
        message = str(exc.detail)
        if message == _UNPARSED:  # FastAPI's own, when its JSON parser fails but not on syntax
            message = ("the body could not be read as JSON: nested too deeply, or holding a "
                       "number too long to convert (over 4,300 digits)")  # fmt: skip
        allow = _allowed(request) if exc.status_code == 405 else ""
        path = request.url.path
        if exc.status_code == 404 and len(path) > 1 and path.endswith("/"):
            bare = path.rstrip("/")
            takes = _allowed(request, bare)
            # ... where that address takes this method (QA pass 42b: GET /api/documents/ was
            # sent to /api/documents, which takes POST only)
            if takes and request.method not in takes.split(", "):
                message = f"no such address; {bare}, without the trailing slash, takes {takes}"
            else:
                message = f"no such address; without the trailing slash: {bare}"
        if allow:
            message = f"{request.method} is not allowed here; this address takes {allow}"
        answer = error_json(exc.status_code, code, message)
        # the router's own headers, a 405's Allow among them (QA pass 17: it was dropped)
        answer.headers.update(exc.headers or {})
        if allow:
            answer.headers["allow"] = allow
        return answer

    @app.exception_handler(RecursionError)
    async def _too_deep(_: Request, exc: RecursionError) -> JSONResponse:
        # a JSON body of 100,000 "[" is the client's; any other recursion too deep is ours, and
        # was told to the client as its body's (the closing re-read of the 37th session)
        if _in_json_parser(exc):
            return error_json(400, "bad_request", "the request body is nested too deeply")
        log.error("recursion too deep", exc_info=exc)
        return error_json(500, "internal_error", "internal error; the incident was logged")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, ClientDisconnect):
            # the client went away mid-body: no error of ours, and nobody reads the answer
            # (QA pass 44c: logged as "unexpected error" with a 60-line traceback each time)
            log.info("client disconnected before its request's body was read")
            return error_json(400, "bad_request", "the client disconnected")
        log.exception("unexpected error")
        return error_json(500, "internal_error", "internal error; the incident was logged")


_EVERY_ROUTE = {
    "401": "a key header that is there but unusable (revoked, malformed, two different keys)",
    "422": "a parameter the route does not take, or a value it cannot read",
}
_WITH_A_BODY = {
    "400": "a body that cannot be read",
    "413": "a body over the size limit",
    "415": "a body of another content type",
}


def install_error_schema(app: FastAPI) -> None:
    """Every 422 in ``/openapi.json`` described as what is sent: the one error shape, not
    FastAPI's ``{detail: [...]}`` (QA pass 8: a client generated from the spec expected
    ``detail`` for a bad document id and got ``error``). Call after the routes are added."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = build()
        schemas = spec.get("components", {}).get("schemas", {})
        if "ErrorResponse" not in schemas:
            return spec
        ref = {"$ref": "#/components/schemas/ErrorResponse"}
        for path, item in spec.get("paths", {}).items():
            for op in item.values():
                answers = op.setdefault("responses", {})
                found = answers.get("422")
                if found is not None:
                    found["content"] = {"application/json": {"schema": ref}}
                if not path.startswith("/api/"):
                    continue
                # what every API route may answer, declared where a route did not (QA pass
                # 38b: /api/health?foo=1 was an undeclared 422, a bad key an undeclared 401,
                # a PATCH body of another type an undeclared 415)
                said = dict(_EVERY_ROUTE)
                if "requestBody" in op:
                    said.update(_WITH_A_BODY)
                for status, description in said.items():
                    answers.setdefault(status, {
                        "description": description,
                        "content": {"application/json": {"schema": ref}},
                    })  # fmt: skip
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
