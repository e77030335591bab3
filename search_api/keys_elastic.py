"""Staff API keys kept in the Elasticsearch cluster, so the API tier holds no state of its own.

With the Elasticsearch backend, every ``govsearch serve`` behind a balancer (on any machine)
must accept the same keys, and a revocation must hold on all of them at once: a key file in
each server's data folder gives neither. Keys live in the index ``<prefix>-keys`` beside the
documents' alias, one document per key id holding what :class:`~search_api.keys.KeyStore`
keeps in its file (name, salt, salted SHA-256 digest, creation time, revoked) — never the
secret. Writes wait for a refresh and reads are real-time gets by id, so a key created or
revoked through one server is seen by every other one on its next request.
"""

from __future__ import annotations

import datetime as dt
import secrets
from contextlib import AbstractContextManager
from typing import Any, Protocol

from elasticsearch import Elasticsearch

from model.errors import NotFound
from search_api.keys import KeyInfo, KeyStore, _digest, check_entry, key_id_of, key_name
from search_index.elastic_guard import guarded

_MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "name": {"type": "keyword"},
        "salt": {"type": "keyword", "index": False},
        "digest": {"type": "keyword", "index": False},
        "created": {"type": "keyword"},
        "revoked": {"type": "boolean"},
    },
}


class Keys(Protocol):
    """What the API and the CLI need of a key store (file or cluster)."""

    def create(self, name: str) -> tuple[KeyInfo, str]: ...

    def revoke(self, key_id: str) -> None: ...

    def list(self) -> list[KeyInfo]: ...

    def verify(self, presented: str) -> KeyInfo | None: ...


class ElasticKeyStore:
    """:class:`~search_api.keys.KeyStore`'s contract, on the cluster (see the module doc)."""

    def __init__(self, es: Elasticsearch, index: str, shown_url: str = "") -> None:
        self.es, self.index, self.shown_url = es, index, shown_url
        with self._guard("create the key index"):
            self.es.options(ignore_status=400).indices.create(  # 400: it exists already
                index=index,
                mappings=_MAPPINGS,
                # small and read on every staff request: one shard, a copy on a second node
                settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
            )

    def _guard(self, doing: str) -> AbstractContextManager[None]:
        """A cluster failure is a 503 naming the URL, as for searches."""
        return guarded(self.shown_url, doing, "staff keys")

    def create(self, name: str) -> tuple[KeyInfo, str]:
        """Create a key; the full key is returned once and never stored."""
        name = key_name(name)
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(24).replace("_", "-")
        salt = secrets.token_hex(8)
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._guard("create a key"):
            self.es.create(
                index=self.index,
                id=key_id,
                document={
                    "name": name,
                    "salt": salt,
                    "digest": _digest(salt, secret),
                    "created": created,
                    "revoked": False,
                },
                refresh="wait_for",
            )
        return KeyInfo(key_id, name, created, False), f"gs_{key_id}_{secret}"

    def revoke(self, key_id: str) -> None:
        key_id = key_id_of(key_id)  # (an id, or the whole key)
        with self._guard("revoke a key"):
            res = self.es.options(ignore_status=404).update(
                index=self.index, id=key_id, doc={"revoked": True}, refresh="wait_for"
            )
        if res.meta.status == 404:
            raise NotFound(f"no API key with id {key_id!r}")

    def list(self) -> list[KeyInfo]:
        with self._guard("list keys"):
            res = self.es.search(index=self.index, size=10_000, query={"match_all": {}})
        return sorted(
            (
                KeyInfo(h["_id"], h["_source"]["name"], h["_source"]["created"],
                        bool(h["_source"]["revoked"]))
                for h in res["hits"]["hits"]
            ),
            key=lambda k: k.key_id,
        )

    def verify(self, presented: str) -> KeyInfo | None:
        """The key's info if ``presented`` is a valid, unrevoked key; else None (timing as in
        :meth:`search_api.keys.KeyStore.verify`)."""
        parts = presented.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != "gs" or not parts[1].isalnum():
            _digest("x", presented)
            return None
        key_id, secret = parts[1], parts[2]
        with self._guard("check a key"):
            got = self.es.options(ignore_status=404).get(index=self.index, id=key_id)
        entry = got.body.get("_source") if got.meta.status == 200 else None
        return check_entry(key_id, secret, entry)


def open_keys(settings: Any, backend: Any = None) -> Keys:
    """The key store for these settings: in the cluster with the Elasticsearch backend (the
    backend's client and alias, opened here if not given), else the data folder's file."""
    if settings.backend != "elasticsearch":
        return KeyStore(settings.data_dir)
    if backend is None:
        from search_index.backends import open_backend

        backend = open_backend(settings)
    return ElasticKeyStore(backend.es, f"{backend.alias}-keys", backend.shown_urls)
