"""``todochat serve --workers 2`` on SQLite and PostgreSQL: both workers answer on one port, and
concurrent messages to one thread still run one turn at a time (each answers its own message,
every task is added once)."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import httpx
from tests.servers import TODOCHAT, LiveServer, server_env

from todochat.client import ChatKitClient


class WorkersServer(LiveServer):
    """A ``todochat serve --workers 2`` process."""

    def start(self, timeout: float = 90) -> LiveServer:
        real = subprocess.Popen

        def popen(cmd, *args, **kwargs):  # type: ignore[no-untyped-def]
            if cmd[:2] == [TODOCHAT, "serve"]:
                cmd = [*cmd, "--workers", "2"]
            return real(cmd, *args, **kwargs)

        subprocess.Popen = popen  # type: ignore[assignment,misc]
        try:
            return super().start(timeout)
        finally:
            subprocess.Popen = real  # type: ignore[misc]


async def test_two_workers_serve_concurrent_turns_of_one_thread_in_order(database_url: str, tmp_path: Path) -> None:
    server = WorkersServer(server_env(database_url, tmp_path / "data")).start()
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as http:
            client = ChatKitClient(http, server.token(), "UTC")
            first = await client.send("hello")
            turns = await asyncio.gather(*(client.send(f"add task {i}", first.thread_id) for i in range(8)))
            for i, turn in enumerate(turns):
                assert turn.error is None and turn.text.endswith(f": {i}."), (i, [t.text for t in turns])
            r = await http.get("/api/v1/tasks", headers=server.headers())
            body = r.json()
            titles = sorted(t["title"] for t in (body["tasks"] if isinstance(body, dict) else body))
            assert titles == [str(i) for i in range(8)]
            items = await client.items(first.thread_id)
            kinds = [i["type"] for i in items if i["type"] in ("user_message", "assistant_message")]
            assert kinds == ["user_message", "assistant_message"] * 9  # turns never interleaved
        assert server.process is not None and server.process.poll() is None
    finally:
        server.stop()
