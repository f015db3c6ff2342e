"""``todochat chat`` against a running ``todochat serve``: text, widget tables, thread resume."""

from __future__ import annotations

import csv
import io
import re
import subprocess

import pytest
from tests.servers import TODOCHAT

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
    other = subprocess.run(
        [TODOCHAT, "chat", "--url", live_server.base_url, "--token", live_server.token("bob"), "--thread", thread],
        input="", capture_output=True, text=True, timeout=60, env=live_server.env,
    )
    assert "404" in other.stdout and "Buy milk" not in other.stdout


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
