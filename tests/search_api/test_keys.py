"""The staff keys' file: a damaged one is named, not a traceback; writers never lose a change."""

from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner

from govsearch.cli import main
from model.errors import ConfigError
from search_api.keys import KeyStore
from search_index.embedded import EmbeddedIndex


@pytest.mark.parametrize(
    "content", ['{"52ed8d8965f7": {"name": "x", "salt"', '{"a": {"name": "x"}}', "[1, 2]"]
)
def test_a_damaged_key_file_is_named(tmp_path, content: str) -> None:
    """QA pass 21: a truncated or hand-edited api_keys.json gave tracebacks in `keys` and a
    500 without a word on every staff request."""
    (tmp_path / "api_keys.json").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match="api_keys.json is not a valid key file"):
        KeyStore(tmp_path).list()
    with pytest.raises(ConfigError):
        KeyStore(tmp_path).verify("gs_52ed8d8965f7_secret")
    EmbeddedIndex(tmp_path).close()  # `keys` needs an index in the folder
    done = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "keys", "list"])
    assert done.exit_code == 2 and "not a valid key file" in done.output, done.output
    assert "Traceback" not in done.output


def test_a_server_does_not_start_on_a_damaged_key_file_and_logs_a_500(tmp_path, caplog):
    """QA pass 38c: the server started on a damaged api_keys.json and every staff request was
    a 500 naming the file to whoever sent a key, with nothing in the log. It refuses to start,
    naming the file; a key file damaged while it runs is a logged 500, said to a key sent
    (not yet checked) in the public's words."""
    import logging

    from fastapi.testclient import TestClient

    from govsearch.app import create_app
    from model.settings import Settings

    EmbeddedIndex(tmp_path).close()
    _, secret = KeyStore(tmp_path).create("ops")
    app = create_app(Settings(data_dir=tmp_path))
    (tmp_path / "api_keys.json").write_text("{bad", encoding="utf-8")
    with pytest.raises(ConfigError, match="api_keys.json is not a valid key file"):
        create_app(Settings(data_dir=tmp_path))
    with caplog.at_level(logging.ERROR, logger="govsearch.api"):
        r = TestClient(app).get("/api/health", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 500 and "api_keys.json" not in r.text, r.text
    assert r.json()["error"]["message"].startswith("the server is misconfigured")
    assert any("api_keys.json is not a valid key file" in m for m in caplog.messages)


def test_keys_created_and_revoked_at_once_are_all_kept(tmp_path) -> None:
    """QA pass 21: create and revoke read, changed and wrote the file unlocked, through one
    temporary name: 3 revokes of 50 were lost, the revoked keys still working."""
    store = KeyStore(tmp_path)
    lost = 0
    for _ in range(20):
        victim, secret = store.create("victim")

        def revoke(key_id: str = victim.key_id) -> None:
            KeyStore(tmp_path).revoke(key_id)

        threads = [threading.Thread(target=revoke)] + [
            threading.Thread(target=KeyStore(tmp_path).create, args=("other",)) for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        lost += store.verify(secret) is not None
    assert lost == 0
    assert len(store.list()) == 20 * 4


def test_keys_on_a_full_disk_say_so_in_one_line_and_change_nothing(tmp_path, monkeypatch):
    """QA pass 51f: `keys revoke` on a full disk printed a 30-line traceback, exit 1, and the
    leaked key stayed active unsaid. It says the disk is full (exit 3, as ingest), and the
    file is as it was, no temporary file left. (The disk's refusal is simulated, as in the
    ingest's full-disk test: a full file system cannot be made in every test environment.)"""
    import errno
    import json

    EmbeddedIndex(tmp_path).close()
    info, secret = KeyStore(tmp_path).create("ops")
    before = (tmp_path / "api_keys.json").read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(json, "dump", full)
    runner = CliRunner()
    for args in (["revoke", info.key_id], ["create", "other"]):
        done = runner.invoke(main, ["--data-dir", str(tmp_path), "keys", *args])
        assert done.exit_code == 3, done.output
        assert f"the disk holding {tmp_path} is full" in done.output, done.output
        assert "Traceback" not in done.output
    assert (tmp_path / "api_keys.json").read_bytes() == before
    assert not list(tmp_path.glob(".api_keys.*.tmp"))
    assert KeyStore(tmp_path).verify(secret) is not None


def test_a_key_is_revoked_by_the_whole_key_without_echoing_its_secret(tmp_path):
    """QA pass 51f: a leak report holds the whole key; `keys revoke gs_<id>_<secret>` said "no
    API key with id 'gs_…'", the secret echoed to the terminal."""
    EmbeddedIndex(tmp_path).close()
    # ... as a leak report quotes it, too (QA pass 52b: the header's words around it left the
    # key active, and the error echoed the secret)
    for quoted in ("{}", "Authorization: Bearer {}", "X-API-Key: {}", '"{}"'):
        info, secret = KeyStore(tmp_path).create("leaked")
        given = quoted.format(secret)
        done = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "keys", "revoke", given])
        assert done.exit_code == 0, done.output
        assert done.output.strip() == f"revoked {info.key_id}"
        assert KeyStore(tmp_path).verify(secret) is None
    unknown = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "keys", "revoke",
                                        "gs_0123456789ab_SECRETPART"])  # fmt: skip
    assert unknown.exit_code == 2 and "SECRETPART" not in unknown.output, unknown.output


def test_a_missing_key_file_is_said_to_staff_and_logged(tmp_path, caplog):
    """QA pass 51f: a data folder restored without api_keys.json told every staff member
    "invalid or revoked API key", the log silent. The 401 says the server holds no keys, and
    the log names the file (once a minute at most)."""
    import logging

    from fastapi.testclient import TestClient

    from govsearch.app import create_app
    from model.settings import Settings

    EmbeddedIndex(tmp_path).close()
    _, secret = KeyStore(tmp_path).create("ops")
    client = TestClient(create_app(Settings(data_dir=tmp_path)))
    assert client.get("/api/health", headers={"Authorization": f"Bearer {secret}"}).is_success
    (tmp_path / "api_keys.json").unlink()
    with caplog.at_level(logging.WARNING, logger="govsearch.keys"):
        for _ in range(2):
            r = client.get("/api/health", headers={"Authorization": f"Bearer {secret}"})
            assert r.status_code == 401, r.text
            assert "it holds no keys" in r.json()["error"]["message"]
            assert str(tmp_path) not in r.text
    said = [m for m in caplog.messages if "api_keys.json is missing" in m]
    assert len(said) == 1, caplog.messages


@pytest.mark.parametrize("backend_kind", ["embedded", "elasticsearch"])
def test_both_stores_revoke_by_the_whole_key(tmp_path, backend_kind: str) -> None:
    """QA pass 51f: `keys revoke` takes the whole key on either store (the cluster's too)."""
    from model.errors import NotFound
    from model.settings import Settings
    from search_api.keys_elastic import open_keys
    from tests.security.conftest import open_backend_index

    backend = "elasticsearch" if backend_kind == "elasticsearch" else "embedded"
    from contextlib import contextmanager

    with contextmanager(open_backend_index)(backend_kind, tmp_path / "data", "revoke") as index:
        settings = Settings(data_dir=tmp_path / "data", backend=backend)
        store = open_keys(settings, index.backend if backend == "elasticsearch" else None)
        info, secret = store.create("leaked")
        assert store.verify(secret) is not None
        store.revoke(secret)
        assert store.verify(secret) is None
        assert [k.revoked for k in store.list() if k.key_id == info.key_id] == [True]
        with pytest.raises(NotFound) as refused:
            store.revoke("gs_0123456789ab_SECRETPART")
        assert "SECRETPART" not in refused.value.message
