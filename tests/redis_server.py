"""Pytest plugin: a throwaway ``redis-server`` the test session starts on a free port and stops.

No persistence, bound to 127.0.0.1. ``redis_url`` empties it before each test. Missing binary:
skip on a developer machine, fail loudly when ``CI`` is set (``scripts/ensure-system-deps.sh``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from tests.pg import free_port, unavailable


class RedisServer:
    """One ``redis-server`` process; ``url`` is ``redis://127.0.0.1:<port>/0``."""

    def __init__(self, binary: str) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.command("PING", expect=b"+PONG", wait=10.0)

    def command(self, *words: str, expect: bytes = b"+OK", wait: float = 0.0) -> None:
        """Send one inline command and check the first reply line (retrying up to ``wait`` s).

        Raises:
            RuntimeError: no such reply in time (with the server's stderr if it exited).
        """
        deadline = time.monotonic() + wait
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
                    sock.sendall(" ".join(words).encode() + b"\r\n")
                    reply = sock.recv(64)
                if reply.startswith(expect):
                    return
                raise RuntimeError(f"redis {words[0]}: unexpected reply {reply!r}")
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    err = self.process.stderr.read().decode() if self.process.stderr else ""
                    raise RuntimeError(
                        f"redis-server did not answer on {self.port}: {err}"
                    ) from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Terminate the server and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """The session's throwaway Redis server."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("Redis", "redis-server not found; run scripts/ensure-system-deps.sh")
    server = RedisServer(binary)
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The throwaway Redis server's URL, emptied for this test."""
    redis_server.command("FLUSHALL")
    return redis_server.url
