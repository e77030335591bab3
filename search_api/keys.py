"""Staff API keys: created and revoked with ``govsearch keys``, hashed at rest.

A key reads ``gs_<key id>_<secret>``. Only a salted SHA-256 of the secret is stored (in
``<data dir>/api_keys.json``, mode 0600); verification looks the id up and compares digests
with :func:`hmac.compare_digest`, so timing does not reveal how much of a guess was right.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzers.chars import has_control
from model.errors import (
    BadRequest,
    ConfigError,
    NotFound,
    StorageFull,
    StorageReadOnly,
    Unauthorized,
    storage_fault,
)

MAX_NAME_CHARS = 200
MISSING_FILE_LOG_SECONDS = 60.0  # a missing key file is logged at most this often

log = logging.getLogger("govsearch.keys")


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    name: str
    created: str
    revoked: bool


def key_name(name: str) -> str:
    """``name`` as a key is stored under (trimmed), or :class:`BadRequest` saying why not.

    The one rule for every store and caller. The name is how a key is told apart when one is
    revoked (QA pass 8), and ``keys list`` prints one tab-separated line per key: QA pass 11
    created a key named ``a<newline>b`` (and one of 5,000 characters) that broke the listing, so
    a name is one line of printable text of at most :data:`MAX_NAME_CHARS` characters.
    """
    name = name.strip()
    if not name:
        raise BadRequest("give the key a name (who or what uses it)")
    if has_control(name):
        raise BadRequest(
            "a key name is one line of text: no line breaks, tabs or other control characters"
        )
    if len(name) > MAX_NAME_CHARS:
        raise BadRequest(
            f"a key name has at most {MAX_NAME_CHARS} characters (this one has {len(name)})"
        )
    return name


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


class KeyStore:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "api_keys.json"
        self._missing_logged = -MISSING_FILE_LOG_SECONDS

    def _load(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            # QA pass 21: a truncated or hand-edited file gave tracebacks and a 500 on every
            # staff request, the file never named
            raise ConfigError(
                f"{self.path} is not a valid key file ({exc}): restore it from a backup, or "
                "move it away and create the keys again"
            ) from None
        fields = ("name", "salt", "digest", "created")
        if not isinstance(data, dict) or not all(
            isinstance(v, dict) and all(f in v for f in fields) for v in data.values()
        ):
            raise ConfigError(
                f"{self.path} is not a valid key file (every key needs {', '.join(fields)}): "
                "restore it from a backup, or move it away and create the keys again"
            )
        return data

    @contextmanager
    def _changing(self) -> Iterator[dict[str, dict[str, object]]]:
        """The keys, to change and save under an exclusive lock: two commands run at once lost
        one's write (QA pass 21: a revoke lost, the key still working)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path.with_name(".api_keys.lock"), os.O_WRONLY | os.O_CREAT, 0o600)
        except OSError as exc:
            raise self._unwritten(exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            data = self._load()
            yield data
            self._save(data)
        finally:
            os.close(fd)  # closing releases the lock

    def _save(self, data: dict[str, dict[str, object]]) -> None:
        # a temporary name of this process's own, never shared with another writer
        tmp = self.path.with_name(f".api_keys.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1)
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise self._unwritten(exc) from None

    def _unwritten(self, exc: OSError) -> Exception:
        """A change the key file could not take, said in one line (QA pass 51f: a revoke on a
        full disk printed a traceback, and the leaked key stayed active unsaid)."""
        fault = storage_fault(exc)
        nothing = f"{self.path} was not changed (every key is as it was)"
        if fault in ("full", "quota", "too_large"):
            return StorageFull(f"the disk holding {self.path.parent} is full: {nothing}; free "
                               "space and run the command again", path=str(self.path))  # fmt: skip
        if fault == "read_only":
            return StorageReadOnly(f"{self.path.parent} cannot be written ({exc.strerror}): "
                                   f"{nothing}", path=str(self.path))  # fmt: skip
        return ConfigError(f"{self.path} could not be written ({exc.strerror or exc}): {nothing}")

    def create(self, name: str) -> tuple[KeyInfo, str]:
        """Create a key; the full key is returned once and never stored."""
        name = key_name(name)
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(24).replace("_", "-")
        salt = secrets.token_hex(8)
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._changing() as data:
            data[key_id] = {
                "name": name,
                "salt": salt,
                "digest": _digest(salt, secret),
                "created": created,
                "revoked": False,
            }
        return KeyInfo(key_id, name, created, False), f"gs_{key_id}_{secret}"

    def revoke(self, key_id: str) -> None:
        """Revoke by id, or by the whole key (``gs_<id>_<secret>``: what a leak report holds;
        QA pass 51f), which is never echoed back."""
        key_id = key_id_of(key_id)
        with self._changing() as data:
            if key_id not in data:
                raise NotFound(f"no API key with id {key_id!r}")
            data[key_id]["revoked"] = True

    def list(self) -> list[KeyInfo]:
        return [
            KeyInfo(k, str(v["name"]), str(v["created"]), bool(v["revoked"]))
            for k, v in sorted(self._load().items())
        ]

    def verify(self, presented: str) -> KeyInfo | None:
        """The key's info if ``presented`` is a valid, unrevoked key; else None."""
        parts = presented.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != "gs":
            _digest("x", presented)  # similar work either way
            return None
        key_id, secret = parts[1], parts[2]
        if not self.path.exists():
            # (QA pass 51f: a data folder restored without its key file told every staff
            # member "invalid or revoked", the log silent)
            now = time.monotonic()
            if now - self._missing_logged >= MISSING_FILE_LOG_SECONDS:
                self._missing_logged = now
                log.warning("a staff key was presented, and %s is missing: no key is valid "
                            "until it is restored or keys are created", self.path)  # fmt: skip
            raise Unauthorized("no API key is valid on this server: it holds no keys (none "
                               "created, or its key file is missing); tell its operator")
        return check_entry(key_id, secret, self._load().get(key_id))


_WHOLE_KEY = re.compile(r"(?<![A-Za-z0-9])gs_([0-9a-f]+)_")


def key_id_of(given: str) -> str:
    """The key id ``given`` names: an id, or a whole key ``gs_<id>_<secret>`` wherever it
    stands, as a leak report quotes it (``Authorization: Bearer gs_…``, ``X-API-Key: gs_…``,
    in quotes: QA pass 52b, which left the key active and echoed its secret)."""
    found = _WHOLE_KEY.search(given)
    return found.group(1) if found else given.strip()


def check_entry(key_id: str, secret: str, entry: dict[str, Any] | None) -> KeyInfo | None:
    """The key's holder if ``secret`` matches the stored ``entry`` and it is not revoked.

    Shared by the file and the cluster store, so both take the same time whether the id is
    unknown, the secret wrong or the key revoked."""
    if entry is None:
        hmac.compare_digest(_digest("x", secret), "0" * 64)
        return None
    ok = hmac.compare_digest(_digest(str(entry["salt"]), secret), str(entry["digest"]))
    if not ok or entry.get("revoked"):
        return None
    return KeyInfo(key_id, str(entry["name"]), str(entry["created"]), False)
