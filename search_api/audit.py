"""The staff's changes, one JSON line each, in ``<data dir>/audit.log``: who (the key's id and
name, never its secret), from where, what and on which documents.

An office must be able to say who uploaded or deleted a document (QA pass 21: nothing recorded
it; the server logs warnings only). Appended with one ``write`` per line to a file opened with
``O_APPEND`` (whole lines from several server processes), readable by the server's user only.
Each server writes its own data folder's file: behind a balancer, read every server's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from fastapi import Request

from model.settings import Settings

AUDIT_FILE = "audit.log"


def record(request: Request, settings: Settings, action: str, **details: Any) -> None:
    """Append one line: the time (UTC), the staff key, the client, ``action`` and ``details``."""
    line = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "key_id": getattr(request.state, "key_id", ""),
        "key_name": getattr(request.state, "key_name", ""),
        "client": request.client.host if request.client else "",
        "action": action,
        **details,
    }
    path = Path(settings.data_dir) / AUDIT_FILE
    data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def query_log_deleted(
    request: Request, settings: Settings, before: dt.date | None, everything: bool, deleted: int
) -> None:
    """The query log's days before ``before`` (or all of it) deleted, by the API or the form:
    a staff change like any other (QA pass 34b: 1,386 searches deleted left no line)."""
    day = before.isoformat() if before else None
    record(request, settings, "delete_query_log", before=day, all=everything, deleted=deleted)
