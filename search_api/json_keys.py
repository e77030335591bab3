"""A JSON body that names a key twice with different values is refused, not read as its last.

``json.loads`` keeps the last of a key given twice, and so does FastAPI: ``{"disclosure":
"不予公开", "disclosure": "主动公开"}`` published a document that any reviewer, proxy or log
reading the first value took for withdrawn (QA pass 34b), while a multipart upload refused the
same (``search_api.admin``). The standard library parses the body again with a hook that sees
every pair; no JSON library of the project's says which keys repeat.
"""

from __future__ import annotations

import email.message
import json
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from model.errors import UnprocessableContent


class _Repeated(Exception):
    def __init__(self, key: str, values: list[Any]) -> None:
        self.key, self.values = key, values


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen and seen[key] != value:
            raise _Repeated(key, [seen[key], value])
        seen[key] = value
    return seen


def _read_as_json(content_type: str | None) -> bool:
    """Whether FastAPI reads a body of this type as JSON: none given, or ``application/json``
    and ``application/…+json`` in any letter case and with parameters (the review: checked
    as ``"json" in`` the header, ``application/JSON`` slipped by and published again)."""
    if not content_type:
        return True
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


async def json_keys_once(request: Request) -> None:
    """A dependency of the routes that read a JSON body (the staff routes after the key is
    checked, the duplicate check): 422 when a JSON body gives
    a key twice with different values (the same value twice is that value). A body that is no
    JSON is left to the route, which says so. Parsed in a worker thread: a body of many small
    objects takes a second to walk."""
    if not _read_as_json(request.headers.get("content-type")):
        return
    body = await request.body()
    if not body:
        return
    try:
        await run_in_threadpool(json.loads, body, object_pairs_hook=_once)
    except _Repeated as exc:
        said = ", ".join(json.dumps(v, ensure_ascii=False) for v in exc.values)
        raise UnprocessableContent(
            f"{exc.key} is given more than once with different values ({said}): nothing was "
            "changed; give it once",
            field=exc.key,
        ) from None
    except ValueError:
        return
