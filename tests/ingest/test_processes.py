"""How bounded parser children are started (ingest.processes)."""

from __future__ import annotations

import multiprocessing
import sys

from ingest import processes


def test_lean_children_switch_off_plain_forks_and_nest() -> None:
    """Inside ``lean_children`` (a process that also writes an index) no child is a plain fork
    of the caller, however deeply nested; outside, the single-thread rule decides again."""
    before = processes.plain_fork_allowed()
    with processes.lean_children():
        assert not processes.plain_fork_allowed()
        with processes.lean_children():
            assert not processes.plain_fork_allowed()
        assert not processes.plain_fork_allowed()
    assert processes.plain_fork_allowed() == before


def test_the_fork_server_preloads_the_main_module(monkeypatch) -> None:
    """Children of the fork server run the caller's main module again before they start: the
    server imports it first (a named module only; a package's ``__main__`` would start the
    program in the server)."""
    seen: list[list[str]] = []
    ctx = multiprocessing.get_context("forkserver")
    monkeypatch.setattr(type(ctx), "set_forkserver_preload", lambda self, names: seen.append(names))
    main = sys.modules["__main__"]
    fake = type(sys)("fake_main")
    fake.__spec__ = type("Spec", (), {"name": "govsearch.cli"})()
    monkeypatch.setitem(sys.modules, "__main__", fake)
    processes.fork_server(["ingest.bounded"])
    fake.__spec__ = type("Spec", (), {"name": "pytest.__main__"})()
    processes.fork_server(["ingest.bounded"])
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert seen == [["ingest.bounded", "govsearch.cli"], ["ingest.bounded"]]
