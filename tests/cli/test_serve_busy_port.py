"""``todochat serve`` on a busy port says so before printing any sign-in link (issue 16, item 9)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path


def test_serve_on_a_busy_port_says_so_and_prints_no_sign_in_link(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "TODOCHAT_DATA_DIR": str(tmp_path), "TODOCHAT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
               "OPENAI_AGENTS_DISABLE_TRACING": "1"}  # fmt: skip
        done = subprocess.run([str(Path(sys.executable).with_name("todochat")), "serve", "--port", str(port)],
                              env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert f"port {port} on 127.0.0.1 is busy" in done.stderr
    assert f'--port {port + 1}' in done.stderr
    assert "#token=" not in done.stdout + done.stderr
