"""One JSON error shape for every failure: ``{"error": {code, message, status, data}}``."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from govsearch.errors import GovSearchError

log = logging.getLogger("govsearch.api")


def error_json(status: int, code: str, message: str, **data: object) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "status": status, "data": data}}
    return JSONResponse(body, status_code=status)


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict[str, object]]]:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path"))
        problems.append({"field": loc, "problem": str(err.get("msg", ""))})
    text = "; ".join(f"{p['field']}: {p['problem']}" for p in problems) or "invalid request"
    return f"invalid request parameters: {text}", problems


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(GovSearchError)
    async def _govsearch(_: Request, exc: GovSearchError) -> JSONResponse:
        if exc.status >= 500:
            log.error("%s: %s", exc.code, exc.message)
        return JSONResponse(exc.to_dict(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        message, problems = _validation_message(exc)
        return error_json(422, "invalid_parameters", message, problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_json(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_json(500, "internal_error", "internal error; the incident was logged")
