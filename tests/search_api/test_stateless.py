"""A stateless API tier: two ``govsearch serve`` processes on one Elasticsearch cluster.

Each server has its own (empty) data folder, as two machines behind a balancer would; the key is
created by a third process with a third data folder. Both must accept it, give the same answers,
and refuse it as soon as it is revoked: nothing a server needs lives on its own disk. The
lexicon mined at ingest and the vectors of ``govsearch embed``, written on the third machine,
reach both servers through the cluster, and so does a hand edit of the lexicon.
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
    return send(base, path, key)


def send(
    base: str, path: str, key: str | None = None, method: str = "GET",
    data: bytes | None = None, ctype: str = "", timeout: float = 30,
) -> tuple[int, dict]:
    """The status and JSON body of one request (an error status too)."""
    req = urllib.request.Request(base + path, data=data, method=method)
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
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
        admin = env_for(url, prefix, dirs[2])
        cli(admin, "ingest", "samples/docs/gov_work_report", "--quiet")
        bases = []
        for d in dirs[:2]:
            port = free_port()
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "govsearch.cli", "serve", "--port", str(port)],
                cwd=ROOT, env={**env_for(url, prefix, d), "GOVSEARCH_SHARED_POLL": "1"},
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
        yield {"bases": bases, "admin": admin, "dirs": dirs}
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


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def wait_until(check, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while True:
        got = check()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(0.5)


def test_the_lexicon_and_vectors_reach_every_server_through_the_cluster(servers):
    bases, admin, dirs = servers["bases"], servers["admin"], servers["dirs"]
    mined = files_of(dirs[2] / "lexicon")
    assert mined["mined.txt"] and mined["vocabulary.tsv"]
    for d in dirs[:2]:  # fetched at start, written by the ingest on another machine
        assert files_of(d / "lexicon") == mined

    # staff add a rule by hand on the third machine and publish it: both servers answer with it
    made_up = "甲乙丙丁"
    for base in bases:
        assert get(base, f"/api/search?q={quote(made_up)}")[1]["total"] == 0
    with (dirs[2] / "lexicon" / "mined.txt").open("a", encoding="utf-8") as f:
        f.write(f"{made_up} => 政府工作报告  # staff\n")
    assert "published generation" in cli(admin, "shared", "push", "lexicon")
    for base in bases:
        total = wait_until(lambda b=base: get(b, f"/api/search?q={quote(made_up)}")[1]["total"])
        assert total > 0, f"{base} did not follow the published lexicon"

    # vectors embedded on the third machine: both servers find the rule by meaning
    from analyzers import embedding

    if not embedding.available():
        msg = f"the embedding model is not at {embedding.model_dir()} (bash .ci/fetch-model.sh)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    assert "documents embedded" in cli(admin, "embed", "--threads", "1")
    # a rule uploaded through one server is embedded there and found by meaning on both
    key = cli(admin, "keys", "create", "uploads").strip().splitlines()[-1]
    points = ROOT / "samples/docs/lawrefbook/bumen_guizhang/lrb_03455.txt"
    boundary = "govsearch-test-boundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"points.txt\"\r\nContent-Type: text/plain\r\n\r\n"
    ).encode() + points.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(
        bases[0] + "/api/documents", data=body, method="POST",
        headers={"Authorization": f"Bearer {key}",
                 "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )  # fmt: skip
    with urllib.request.urlopen(req, timeout=120) as resp:
        uploaded = json.loads(resp.read())
    assert uploaded["embedded"] == 1, uploaded
    q = quote("闯红灯扣几分")  # the rule says 不按交通信号灯指示通行 and 记分

    def found_by_meaning(base: str) -> list[str]:
        body = get(base, f"/api/search?q={q}")[1]
        titles = [h["title"] for h in body["hits"]] if body["understood"]["semantic"] else []
        return titles if any("记分管理办法" in t for t in titles[:3]) else []

    answers = []
    for base in bases:
        titles = wait_until(lambda b=base: found_by_meaning(b))
        assert titles, f"{base} does not find the uploaded rule by meaning"
        answers.append(titles)
    assert answers[0] == answers[1]
    assert files_of(dirs[0] / "vectors") == files_of(dirs[1] / "vectors")
    assert "recent.npz" in files_of(dirs[1] / "vectors")  # the upload's, fetched by the other


def test_an_upload_through_one_server_is_withdrawn_and_deleted_through_the_other(servers):
    """QA pass 35c: behind a balancer, a PATCH through B of a document uploaded through A was
    a 409 ("its 公开方式 comes from that folder's catalogue"), and a DELETE through B left A's
    copy of the file on disk."""
    bases, admin, dirs = servers["bases"], servers["admin"], servers["dirs"]
    key = cli(admin, "keys", "create", "withdrawals").strip().splitlines()[-1]
    boundary = "govsearch-test-boundary"
    text = "关于开展青松县河道保洁专项行动的通知\n各乡镇：现将河道保洁专项行动有关事项通知如下。\n"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"river.txt\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n"
    ).encode()

    status, uploaded = send(bases[0], "/api/documents", key, "POST", body,
                            f"multipart/form-data; boundary={boundary}", timeout=120)  # fmt: skip
    assert status == 201, uploaded
    (doc,) = uploaded["documents"]
    assert (dirs[0] / "uploads" / doc["path"]).exists()
    status, changed = send(bases[1], f"/api/documents/{doc['id']}", key, "PATCH",
                           json.dumps({"disclosure": "不予公开"}).encode(), "application/json")
    assert status == 200 and changed["disclosure"] == "not_public", changed
    assert get(bases[0], f"/api/documents/{doc['id']}")[0] == 404  # hidden on both
    status, gone = send(bases[1], f"/api/documents/{doc['id']}", key, "DELETE")
    assert status == 200 and gone["deleted"], gone
    assert not (dirs[0] / "uploads" / doc["path"]).exists()  # A's file, on this machine
