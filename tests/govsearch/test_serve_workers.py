"""``govsearch serve --workers N``: several processes reading one embedded index (issue 13)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "docs" / "govcn_policy"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=30) as res:  # noqa: S310 - loopback only
        return res.status, json.loads(res.read())


def _wait_healthy(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if _get(f"http://127.0.0.1:{port}/api/health")[1]["status"] == "ok":
                return
        except OSError:
            pass
        assert server.poll() is None, server.communicate()[0]
        assert time.monotonic() < deadline, "the server did not become healthy"
        time.sleep(0.5)


def _stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.communicate(timeout=30)  # reads and closes its output
    except subprocess.TimeoutExpired:
        server.kill()
        server.communicate()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def _two_workers(tmp_path: Path) -> tuple[subprocess.Popen, int]:
    """``serve --workers 2`` on the samples, started (not yet healthy): (server, port)."""
    data = tmp_path / "data"
    cli = [sys.executable, "-m", "govsearch.cli", "--data-dir", str(data)]
    subprocess.run([*cli, "ingest", str(SAMPLES), "--quiet"], check=True, cwd=REPO, timeout=600)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSEARCH_")}
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "2"], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    return server, port


def _its_workers(server: subprocess.Popen, port: int) -> list[int]:
    _wait_healthy(server, port)
    workers = [p for p in _children(server.pid)
               if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]  # fmt: skip
    assert len(workers) == 2, workers
    return workers


def test_two_workers_serve_one_index(tmp_path: Path) -> None:
    server, port = _two_workers(tmp_path)
    base = f"http://127.0.0.1:{port}"
    workers: list[int] = []
    try:
        workers = _its_workers(server, port)
        q = urllib.parse.quote("融资担保")
        answers = {_get(f"{base}/api/search?q={q}")[1]["total"] for _ in range(40)}
        assert len(answers) == 1 and answers.pop() >= 1  # every worker reads the same index
    finally:
        _stop(server)
    assert not [p for p in workers if _running(p)]  # the workers stopped with it


def test_a_worker_killed_and_the_servers_stop_are_in_its_log(tmp_path: Path) -> None:
    """QA pass 47b: a worker killed with ``kill -9`` was replaced, and a SIGTERM stopped the
    server, without a line in its log; uvicorn's lines on its processes are kept (its other
    INFO lines, and one per request, are not)."""
    server, port = _two_workers(tmp_path)
    workers = _its_workers(server, port)
    os.kill(workers[0], signal.SIGKILL)
    deadline = time.monotonic() + 60
    while len([p for p in _children(server.pid) if _running(p)
               and b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]) < 2:  # fmt: skip
        assert time.monotonic() < deadline, "the killed worker was not replaced"
        time.sleep(0.5)
    _get(f"http://127.0.0.1:{port}/api/search?q=x")
    server.send_signal(signal.SIGTERM)
    out = server.communicate(timeout=60)[0]
    assert f"Child process [{workers[0]}] died" in out, out
    assert "Received SIGTERM, exiting." in out and "Shutting down" in out, out
    assert "GET /api/search" not in out and "Application startup complete" not in out, out


def test_one_worker_serves_the_data_dir_given(tmp_path: Path) -> None:
    """``--data-dir`` with one worker: the app was built from the environment alone, so it
    served (and created) ./govsearch-data instead of the folder given."""
    data = tmp_path / "data"
    cli = [sys.executable, "-m", "govsearch.cli", "--data-dir", str(data)]
    subprocess.run([*cli, "ingest", str(SAMPLES), "--quiet"], check=True, cwd=REPO, timeout=600)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSEARCH_")}
    env["PYTHONPATH"] = str(REPO)
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        _wait_healthy(server, port)
        q = urllib.parse.quote("融资担保")
        assert _get(f"http://127.0.0.1:{port}/api/search?q={q}")[1]["total"] >= 1
        assert not (tmp_path / "govsearch-data").exists()
    finally:
        _stop(server)


def test_workers_of_a_killed_server_stop_serving(tmp_path: Path) -> None:
    """QA pass 9: after ``kill -9`` of ``serve --workers 2``, its workers went on serving the
    port, orphaned, with nothing left to stop them."""
    server, port = _two_workers(tmp_path)
    workers: list[int] = []
    try:
        workers = _its_workers(server, port)
        server.kill()
        server.communicate(timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_running(p) for p in workers):
            time.sleep(0.2)
        assert not [p for p in workers if _running(p)]
        with socket.socket() as probe:  # the port is free again (for a server, as it binds)
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))
    finally:
        for p in workers:
            if _running(p):
                os.kill(p, signal.SIGKILL)
        if server.poll() is None:
            server.kill()


def _served(tmp_path: Path, *options: str, rate: str = "2/minute") -> tuple[subprocess.Popen, int]:
    data = tmp_path / "data"
    cli = [sys.executable, "-m", "govsearch.cli", "--data-dir", str(data)]
    if not data.exists():
        subprocess.run([*cli, "ingest", str(SAMPLES), "--quiet"], check=True, cwd=REPO,
                       timeout=600)  # fmt: skip
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSEARCH_")}
    env["GOVSEARCH_RATE_LIMIT"] = rate
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), *options], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    _wait_healthy(server, port)
    return server, port


def _checks(port: int, addresses: list[str]) -> list[int]:
    """Duplicate checks (a rate-limited request) sent as if from ``addresses``."""
    statuses = []
    for address in addresses:
        body = json.dumps({"text": "关于进一步加强政务公开工作的通知，各单位要认真落实。"}).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/duplicates", data=body,
            headers={"Content-Type": "application/json", "X-Forwarded-For": address},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(req, timeout=60) as res:  # noqa: S310 - loopback
                statuses.append(res.status)
        except urllib.error.HTTPError as err:
            statuses.append(err.code)
    return statuses


def test_a_forwarded_address_is_believed_only_from_the_proxies_named(tmp_path: Path) -> None:
    """QA pass 36b: uvicorn's default believed X-Forwarded-For from 127.0.0.1, so a local caller
    chose its address and passed the rate limit (the 31st check from 10.5.5.5 a 429, the next
    from 10.5.5.6 a 200). By default no proxy is believed: three checks are one client's."""
    addresses = ["10.5.5.5", "10.5.5.6", "10.5.5.7"]
    server, port = _served(tmp_path)
    try:
        assert _checks(port, addresses) == [200, 200, 429]
    finally:
        _stop(server)
    server, port = _served(tmp_path, "--forwarded-allow-ips", "127.0.0.1")
    try:  # a proxy on this host named: each address is its own client
        assert _checks(port, addresses) == [200, 200, 200]
    finally:
        _stop(server)
