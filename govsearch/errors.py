"""One exception root for the whole product.

Every error a user can cause or meet carries an HTTP status, a stable machine-readable ``code``
and data; ``search_api`` maps them all to one JSON shape
``{"error": {"code", "message", "status", "data"}}`` and the CLI prints the message.
"""

from __future__ import annotations

from typing import Any


class GovSearchError(Exception):
    status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "status": self.status,
                "data": self.data,
            }
        }


class BadRequest(GovSearchError):
    status, code = 400, "bad_request"


class Unauthorized(GovSearchError):
    status, code = 401, "unauthorized"


class Forbidden(GovSearchError):
    status, code = 403, "forbidden"


class NotFound(GovSearchError):
    status, code = 404, "not_found"


class Conflict(GovSearchError):
    status, code = 409, "conflict"


class PayloadTooLarge(GovSearchError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(GovSearchError):
    status, code = 415, "unsupported_media_type"


class UnprocessableContent(GovSearchError):
    status, code = 422, "unprocessable_content"


class BackendUnavailable(GovSearchError):
    status, code = 503, "backend_unavailable"


class ConfigError(GovSearchError):
    status, code = 500, "configuration_error"
