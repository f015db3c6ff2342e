"""Fixtures of the page tests: the app over ASGI, a fake of OpenAI's ChatKit sessions API, Chromium."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from agents.testing import ScriptedModel
from tests.clock import TEST_NOW
from tests.servers import LiveServer, server_env
from tests.web.stage import StageServer, run_stage_server

from todochat.api.app import attach_database, create_app
from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.context import Clock

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOW = TEST_NOW  # Monday 23 Nov 2026, 09:00 UTC; the live servers here run on it too


def auth(settings: Settings, user: str = "alice") -> dict[str, str]:
    """An ``Authorization`` header for ``user``."""
    return {"Authorization": f"Bearer {issue_token(user, settings)}"}


@pytest.fixture
def settings(tmp_path: Path, sqlite_template: Path) -> Settings:
    """Settings for the page tests: SQLite, a copy of the session's migrated template (the routes
    only read the token versions table, to refuse signed-out tokens)."""
    shutil.copyfile(sqlite_template, tmp_path / "web.db")
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'web.db'}",
        data_dir=tmp_path / "data",
        jwt_secret="test-secret-" + "x" * 32,
        model="builtin",
    )


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on ``create_app(settings)`` (fixed clock; a model that is never called)."""
    app = create_app(settings, clock=Clock(fixed=NOW), model=ScriptedModel())
    attach_database(app, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client
    await app.state.engine.dispose()


# ---------------------------------------------------------------- fake OpenAI ChatKit sessions API


@dataclass
class FakeOpenAI:
    """A local HTTP server speaking OpenAI's ``POST /v1/chatkit/sessions`` wire format.

    Attributes:
        requests: what it received: ``{"path", "headers", "body"}`` each.
        status: the status it answers with (200: a ``chatkit.session`` object).
        lifetime: seconds from ``NOW`` until the sessions it creates expire.
    """

    requests: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    lifetime: int = 600
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def session(self, body: dict[str, Any]) -> dict[str, Any]:
        """The ``chatkit.session`` object for a create request (fields as openai-python ``ChatSession``)."""
        n = len(self.requests)
        created = int(NOW.timestamp())
        return {
            "id": f"cksess_{n}",
            "object": "chatkit.session",
            "client_secret": f"ek_test_secret_{n}",
            "expires_at": created + self.lifetime,
            "max_requests_per_1_minute": 10,
            "rate_limits": {"max_requests_per_1_minute": 10},
            "status": "active",
            "user": body.get("user"),
            "workflow": {"id": body.get("workflow", {}).get("id"), "version": None, "state_variables": None, "tracing": {"enabled": True}},
            "chatkit_configuration": {
                "automatic_thread_titling": {"enabled": True},
                "file_upload": {"enabled": False, "max_file_size": 512, "max_files": 10},
                "history": {"enabled": True, "recent_threads": None},
            },
        }


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """The fake, listening on a free port of 127.0.0.1 for the test's duration."""
    fake = FakeOpenAI()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length)
            body = json.loads(raw) if raw else {}
            fake.requests.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
            if self.path != "/v1/chatkit/sessions":
                self._send(404, {"error": {"message": f"Invalid URL (POST {self.path})", "type": "invalid_request_error"}})
            elif fake.status != 200:
                self._send(fake.status, {"error": {"message": "Incorrect API key provided: sk-bad.", "type": "invalid_request_error", "code": "invalid_api_key"}})
            else:
                self._send(200, fake.session(body))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=fake.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
    thread.join(5)


# ---------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser).

    Module-scoped: Playwright's sync API keeps an event loop running in this thread while it is
    open, which would stop the asyncio tests that follow."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real ``todochat serve`` (built-in model, SQLite, clock pinned to ``NOW``) for a module's
    browser tests; each test signs in as its own user, so tests do not see each other's data."""
    data = tmp_path_factory.mktemp("web-server")
    server = LiveServer(server_env(f"sqlite+aiosqlite:///{data / 'web.db'}", data)).start(timeout=60)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stage_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StageServer]:
    """A real todochat server in this process whose model can be slow, flaky or export (stage.py)."""
    yield from run_stage_server(tmp_path_factory.mktemp("stage"))


@pytest.fixture
def user(request: pytest.FixtureRequest) -> str:
    """A user name of this test's own."""
    return "u-" + request.node.name.replace("[", "-").replace("]", "")[:60]


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh browser context and page (1200×800, downloads allowed, the browser's time zone UTC
    whatever the machine's); its console errors fail the test."""
    context = chromium.new_context(
        viewport={"width": 1200, "height": 800}, accept_downloads=True, timezone_id="UTC"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"

