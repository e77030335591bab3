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
    # ingest.processes first: its filter of runpy's "already imported" warning is inherited
    assert seen == [
        ["ingest.processes", "ingest.bounded", "govsearch.cli"],
        ["ingest.processes", "ingest.bounded"],
    ]


def test_a_python_m_ingest_prints_no_runpy_warning(tmp_path) -> None:
    """The preloaded main module made every fork-server child's runpy warn on the terminal."""
    import subprocess

    from tests.corpus import CORPUS, require_corpus

    require_corpus()
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("govcn_001.txt", "govcn_002.txt"):
        (folder / name).write_bytes((CORPUS / "docs" / "govcn_policy" / name).read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "govsearch.cli", "--data-dir", str(tmp_path / "data"), "ingest",
         str(folder), "--workers", "1", "--quiet"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "RuntimeWarning" not in proc.stderr, proc.stderr


def _children(pid: int) -> set[int]:
    import os

    found: set[int] = set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                found.add(int(name))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_workers_of_a_killed_ingest_end_and_free_the_index(tmp_path) -> None:
    """QA pass 9: ``kill -9`` of an ingest left its workers waiting for work, reparented to pid
    1 and holding the index writer's lock: every later ingest was refused as "being written by
    another process", forever."""
    import signal
    import subprocess
    import time

    from tests.corpus import CORPUS, require_corpus

    require_corpus()
    folder = CORPUS / "docs" / "lawrefbook" / "difang_beijing"
    data = tmp_path / "data"
    command = [sys.executable, "-m", "govsearch.cli", "--data-dir", str(data), "ingest"]
    proc = subprocess.Popen([*command, str(folder), "--workers", "2", "--quiet"])
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        # the workers exist and the index (and so its writer) too
        workers = _children(proc.pid)
        if len(workers) >= 2 and (data / "index" / "meta.json").is_file():
            break
        time.sleep(0.2)
    assert proc.poll() is None and len(workers) >= 2, "the ingest ended before it could be killed"
    grandchildren = set().union(*(_children(w) for w in workers))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in workers | grandchildren):
        time.sleep(0.2)
    assert not [p for p in workers | grandchildren if _alive(p)]
    again = subprocess.run(
        [*command, str(folder), "--workers", "2", "--quiet"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
