"""One exception root for the whole product.

Every error a user can cause or meet carries a stable machine-readable ``code``, a message for
people and data. No layer below the API knows about HTTP: ``search_api.errors`` maps codes to
statuses and one JSON shape ``{"error": {"code", "message", "status", "data"}}``; the CLI prints
the message and exits non-zero; the web pages show it in Chinese.
"""

from __future__ import annotations

import errno
import re
from typing import Any

# what the interpreter says of itself inside a library's message, never the caller's business
# (QA pass 40a: a damaged PNG's answer named <_io.BytesIO object at 0x7fa1520e2200>, a long
# number's told the caller to use sys.set_int_max_str_digits())
_INTERNALS = (
    (re.compile(r" ?<[\w.]+ object at 0x[0-9a-fA-F]+>"), ""),
    (re.compile(r";? ?use sys\.set_int_max_str_digits\(\) to increase the limit"), ""),
)


def plain_words(message: str) -> str:
    """``message`` without the interpreter's internals (object addresses, its own settings)."""
    for pattern, said in _INTERNALS:
        message = pattern.sub(said, message)
    return message


class GovSearchError(Exception):
    code: str = "internal_error"

    def __init__(self, message: str, **data: Any) -> None:
        message = plain_words(message)
        super().__init__(message)
        self.message = message
        self.data = data


class BadRequest(GovSearchError):
    code = "bad_request"


class Unauthorized(GovSearchError):
    code = "unauthorized"


class Forbidden(GovSearchError):
    code = "forbidden"


class NotFound(GovSearchError):
    code = "not_found"


class Moved(NotFound):
    """A document asked for by an id it had before its file moved: ``data["moved_to"]`` is its
    id now. A "not found" to every caller but those that can send the reader on (a GET of its
    page or of the API), which answer with a redirect."""

    code = "moved"


class Conflict(GovSearchError):
    code = "conflict"


class PayloadTooLarge(GovSearchError):
    """Input over a size, time or memory limit."""

    code = "payload_too_large"


class UnsupportedMediaType(GovSearchError):
    code = "unsupported_media_type"


class UnprocessableContent(GovSearchError):
    code = "unprocessable_content"


class InvalidParameters(GovSearchError):
    """A field of a request (a parameter, a JSON body's field) that cannot be read: the same
    code and ``problems`` (``[{field, problem}]``) whatever route was sent it (QA pass 38b: a
    duplicate check's ``{"text": 5}`` was a 400 with no data, a PATCH's unknown field 422)."""

    code = "invalid_parameters"

    def __init__(self, problems: list[dict[str, str]], **data: object) -> None:
        said = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
        super().__init__(f"invalid request parameters: {said}", problems=problems, **data)


class UnknownAgency(UnprocessableContent):
    """A report asked for an agency no document has (a name a character short): its data
    names the agencies nearest each (``unknown_agencies``: name → nearest names), so that the
    pages can say it in Chinese and the API returns them."""


class TooManyRequests(GovSearchError):
    """A bounded queue is full; ``data['retry_after']`` says when to try again (seconds)."""

    code = "too_many_requests"


class NotSupported(GovSearchError):
    """The configured backend does not do this (e.g. ``reindex`` on the embedded index)."""

    code = "not_implemented"


class BackendUnavailable(GovSearchError):
    code = "backend_unavailable"


class StorageFull(GovSearchError):
    """The disk that holds the index is full: nothing more is written until space is freed;
    what was committed before stays."""

    code = "insufficient_storage"


class StorageReadOnly(StorageFull):
    """The data folder turned read-only (a remount, a permission changed) under a running
    server: like a full disk, nothing more is written; what is there is still searched."""

    code = "storage_read_only"


def storage_fault(exc: BaseException) -> str:
    """What an OS error says of storage that takes no more writes, or a library's message
    quoting one (tantivy's "os error 28", SQLite's "database or disk is full"): ``full``,
    ``quota``, ``too_large`` (a file-size limit, ``ulimit -f``), ``read_only`` (a read-only
    mount, or permission taken away), else "". One reading for the index and the uploads
    (QA pass 47b: each had its own errno list)."""
    number = exc.errno if isinstance(exc, OSError) else None
    text = str(exc).lower()
    for fault, numbers, said in _STORAGE_FAULTS:
        if number in numbers or any(s in text for s in said):
            return fault
    return ""


_STORAGE_FAULTS = (
    ("full", (errno.ENOSPC,), ("disk is full", "no space left", "os error 28")),
    ("quota", (errno.EDQUOT,), ("quota exceeded", "os error 122")),
    ("too_large", (errno.EFBIG,), ("file too large", "os error 27")),
    ("read_only", (errno.EROFS, errno.EACCES, errno.EPERM),
     ("readonlyfilesystem", "permissiondenied", "code: 30,", "code: 13,")),
)  # fmt: skip


class ConfigError(GovSearchError):
    code = "configuration_error"
