"""Real ``todochat serve`` processes for end-to-end tests (fixtures ``live_server``, ``server_factory``)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from agents import Model
from fastapi import FastAPI
from tests.clock import TEST_NOW

from todochat.api.app import create_app
from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.context import Clock

TODOCHAT = str(Path(sys.executable).with_name("todochat"))
ROOT = Path(__file__).resolve().parents[1]
JWT_SECRET = "live-server-secret-" + "y" * 32


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """One ``todochat serve`` subprocess.

    Attributes:
        env: its environment (database URL, data dir, secret ...); reuse it for a replica.
        port: its port; ``base_url`` is ``http://127.0.0.1:<port>``.
    """

    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    output: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def token(self, user: str = "alice") -> str:
        """A valid token for ``user`` signed with this server's secret."""
        return issue_token(user, Settings(jwt_secret=JWT_SECRET, data_dir=Path(self.env["TODOCHAT_DATA_DIR"])))

    def headers(self, user: str = "alice") -> dict[str, str]:
        """``Authorization`` header for ``user``."""
        return {"Authorization": f"Bearer {self.token(user)}"}

    def start(self, timeout: float = 90) -> LiveServer:
        """Start the process and wait until ``/health`` answers.

        Raises:
            RuntimeError: it exited or did not answer in time (its output is in the message).
        """
        self.output = Path(self.env["TODOCHAT_DATA_DIR"]) / f"serve-{self.port}.log"
        self.output.parent.mkdir(parents=True, exist_ok=True)
        log = self.output.open("a")
        self.process = subprocess.Popen(
            [TODOCHAT, "serve", "--port", str(self.port)],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"todochat serve exited: {self.output.read_text()}")
            try:
                if httpx.get(self.base_url + "/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"todochat serve did not start: {self.output.read_text()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        """Stop the process (SIGTERM: graceful) and wait for it."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        """What the process printed."""
        return self.output.read_text() if self.output and self.output.exists() else ""


def server_env(database_url: str, data_dir: Path, **extra: str | None) -> dict[str, str]:
    """The environment of a test server: this database, a temp data dir, a fixed secret, no keys,
    and its clock pinned to ``TEST_NOW`` (``TODOCHAT_CLOCK_FIXED``). An ``extra`` value of None
    removes that variable (``TODOCHAT_CLOCK_FIXED=None``: the real clock)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TODOCHAT_") and k not in ("OPENAI_API_KEY", "GEMINI_API_KEY")}
    if env.get("PYTHONPATH"):  # tests chdir to tmp_path: a relative PYTHONPATH=src would run another tree's code
        env["PYTHONPATH"] = os.pathsep.join(
            str(Path(part) if Path(part).is_absolute() else ROOT / part) for part in env["PYTHONPATH"].split(os.pathsep)
        )
    env.update(
        TODOCHAT_DATABASE_URL=database_url,
        TODOCHAT_DATA_DIR=str(data_dir),
        TODOCHAT_JWT_SECRET=JWT_SECRET,
        TODOCHAT_LOG_LEVEL="WARNING",
        TODOCHAT_CLOCK_FIXED=TEST_NOW.isoformat(),
        OPENAI_AGENTS_DISABLE_TRACING="1",
    )
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.fixture
def server_factory(database_url: str, tmp_path: Path) -> Iterator[object]:
    """``make(**env_extra) -> LiveServer`` (started) on the test's database; all stopped at the end."""
    started: list[LiveServer] = []

    def make(**extra: str | None) -> LiveServer:
        server = LiveServer(server_env(database_url, tmp_path / "srv-data", **extra)).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def live_server(server_factory) -> LiveServer:  # type: ignore[no-untyped-def]
    """One running ``todochat serve`` on a fresh database (SQLite, and PostgreSQL where parametrised)."""
    return server_factory()  # type: ignore[no-any-return]


@asynccontextmanager
async def in_process(
    settings: Settings, *, model: Model | None = None, clock: Clock | None = None
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """``create_app`` with its lifespan entered in this task, and an httpx client over ASGI.

    Yields:
        ``(app, client)``; the client's base URL is ``http://t``.
    """
    app = create_app(settings, model=model, clock=clock)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        yield app, http
