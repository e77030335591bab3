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
