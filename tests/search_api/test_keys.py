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
