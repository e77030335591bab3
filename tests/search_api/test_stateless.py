"""A stateless API tier: two ``govsearch serve`` processes on one Elasticsearch cluster.

Each server has its own (empty) data folder, as two machines behind a balancer would; the key is
created by a third process with a third data folder. Both must accept it, give the same answers,
and refuse it as soon as it is revoked: nothing a server needs lives on its own disk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.search_index.elastic_support import cluster_url, drop, unique_prefix

pytestmark = pytest.mark.elasticsearch

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(url: str, prefix: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GOVSEARCH_BACKEND": "elasticsearch",
        "GOVSEARCH_ES_URL": url,
        "GOVSEARCH_ES_INDEX_PREFIX": prefix,
        "GOVSEARCH_DATA_DIR": str(data_dir),
    }


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "govsearch.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, f"govsearch {' '.join(args)}: {done.stdout}\n{done.stderr}"
    return done.stdout


def get(base: str, path: str, key: str | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(base + path)
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read() or b"{}")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    url = cluster_url()
    prefix = unique_prefix("stateless")
    dirs = [tmp_path_factory.mktemp(f"server{i}") for i in range(3)]
    procs: list[subprocess.Popen] = []
    try:
        cli(env_for(url, prefix, dirs[2]), "ingest", "samples/docs/gov_work_report", "--quiet")
        bases = []
        for d in dirs[:2]:
            port = free_port()
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "govsearch.cli", "serve", "--port", str(port)],
                cwd=ROOT, env=env_for(url, prefix, d),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + STARTUP_SECONDS
        for base, proc in zip(bases, procs, strict=True):
            while True:
                assert proc.poll() is None, f"server {base} exited {proc.returncode}"
                try:
                    if get(base, "/api/health")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, f"server {base} did not start"
                time.sleep(0.5)
        yield {"bases": bases, "admin": env_for(url, prefix, dirs[2]), "dirs": dirs}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        drop(url, [prefix])


def test_two_servers_share_keys_and_answers(servers):
    bases, admin = servers["bases"], servers["admin"]
    out = cli(admin, "keys", "create", "reading room 2").strip().splitlines()
    key = out[-1]
    key_id = key.split("_")[1]
    assert key.startswith("gs_") and key_id in out[0]
    for d in servers["dirs"]:
        assert not (d / "api_keys.json").exists()  # nothing on any server's disk

    answers = []
    for base in bases:
        status, body = get(base, f"/api/search?q={quote('政府工作报告')}&size=20", key)
        assert status == 200, body
        answers.append((body["total"], [h["id"] for h in body["hits"]]))
        assert get(base, "/api/search?q=x", "gs_000000000000_wrong")[0] == 401
    assert answers[0] == answers[1] and answers[0][0] > 0
    assert key_id in cli(admin, "keys", "list")

    cli(admin, "keys", "revoke", key_id)
    for base in bases:  # revoked everywhere at once: no cache, no file to copy
        assert get(base, "/api/search?q=x", key)[0] == 401
