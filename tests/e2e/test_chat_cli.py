"""``todochat chat`` against a running ``todochat serve``: text, widget tables, thread resume."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import time

import httpx
import jwt
import pytest
from tests import hardening_tally as tally
from tests.servers import JWT_SECRET, TODOCHAT, free_port, server_env

pytestmark = pytest.mark.slow


def chat(live_server, lines: str, *extra: str, cwd=None) -> str:
    result = subprocess.run(
        [TODOCHAT, "chat", "--url", live_server.base_url, "--token", live_server.token("alice"), "--timezone", "UTC", *extra],
        input=lines, capture_output=True, text=True, timeout=120, env={**live_server.env, "COLUMNS": "100"}, cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_chat_cli_talks_chatkit_and_resumes_a_thread(live_server):
    out = chat(live_server, "add buy milk\nshow my tasks\n")
    assert "Added task 1" in out
    assert re.search(r"│ ○ │ 1\. Buy milk", out), out
    thread = re.search(r"--thread (thr_\w+)", out).group(1)
    resumed = chat(live_server, "complete it\n", "--thread", thread)
    assert "you> add buy milk" in resumed  # history printed on resume
    assert re.search(r"│ ✓ │ 1\. Buy milk", resumed), resumed
    for lines in ("", "delete task 1\n"):  # bob resumes alice's thread: to read it, to write into it
        tally.cross_user("cli")
        other = subprocess.run(
            [TODOCHAT, "chat", "--url", live_server.base_url, "--token", live_server.token("bob"), "--thread", thread],
            input=lines, capture_output=True, text=True, timeout=60, env=live_server.env,
        )
        assert "404" in other.stdout and "Buy milk" not in other.stdout
    again = chat(live_server, "", "--thread", thread)  # alice's thread and task are as she left them
    assert "you> complete it" in again and "delete task 1" not in again
    tasks = httpx.get(f"{live_server.base_url}/api/v1/tasks", params={"status": "all"}, headers=live_server.headers("alice")).json()["tasks"]
    assert [(t["number"], t["title"], t["completed"]) for t in tasks] == [(1, "Buy milk", True)]


def test_chat_cli_exports_tasks_through_the_client_tool(live_server, tmp_path):
    out = chat(live_server, "add pay rent on friday #home\nadd =SUM(A1)\nexport my tasks\n", cwd=tmp_path)
    assert "Downloaded 2 tasks." in out, out
    text = (tmp_path / "todochat-tasks-2026-11-23.csv").read_text(encoding="utf-8")  # the server's export (tasks/export.py columns)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.startswith("number,title,description,completed,priority,tags,due,")
    assert [(r["number"], r["title"], r["completed"], r["tags"], r["due"]) for r in rows] == [
        ("1", "Pay rent", "false", "home", "2026-11-27"),  # Friday after TEST_NOW (Monday)
        ("2", "'=SUM(A1)", "false", "", ""),  # a formula-like cell starts with '
    ]


def _chat_exit(live_server, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TODOCHAT, "chat", "--url", live_server.base_url, "--timezone", "UTC", *args],
        input="add buy milk\n", capture_output=True, text=True, timeout=120, env={**env, "COLUMNS": "200"},
    )


def test_chat_cli_explains_a_token_signed_with_another_data_dir(live_server, tmp_path):
    env = {k: v for k, v in live_server.env.items() if k != "TODOCHAT_JWT_SECRET"}
    env["TODOCHAT_DATA_DIR"] = str(tmp_path / "another-data-dir")  # its own jwt_secret: not the server's
    result = _chat_exit(live_server, env=env)
    out = " ".join(result.stdout.split())
    assert result.returncode == 1, out
    assert f"The server at {live_server.base_url} refused the token: The token is invalid." in out
    assert f"{tmp_path / 'another-data-dir'}/jwt_secret" in out and "another data dir (TODOCHAT_DATA_DIR" in out
    assert "todochat token local" in out
    assert "Added task" not in out and "you>" not in out  # refused before the first prompt
    assert httpx.get(live_server.base_url + "/api/v1/tasks", headers=live_server.headers("local")).json()["tasks"] == []


def test_chat_cli_explains_an_expired_token(live_server):
    now = int(time.time())
    expired = jwt.encode({"sub": "alice", "iat": now - 7200, "exp": now - 3600, "todochat_ver": 0}, JWT_SECRET, algorithm="HS256")
    result = _chat_exit(live_server, "--token", expired, env=live_server.env)
    out = " ".join(result.stdout.split())
    assert result.returncode == 1, out
    assert "refused the token: The token has expired." in out and "lifetime is over" in out
    assert "todochat token" in out and "--token TOKEN" in out


def test_chat_cli_says_when_no_server_answers(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    result = subprocess.run(
        [TODOCHAT, "chat", "--url", url, "--token", "x.y.z"], input="hi\n", capture_output=True, text=True, timeout=60,
        env={**server_env("sqlite+aiosqlite:///" + str(tmp_path / "t.db"), tmp_path / "d"), "COLUMNS": "200"},
    )
    out = " ".join(result.stdout.split())
    assert result.returncode == 1, out
    assert f"Cannot reach the todochat server at {url}" in out and "make run" in out
