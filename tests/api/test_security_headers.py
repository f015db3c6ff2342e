"""Hygiene of every answer (api/security.py, routes/web.py, app.py): security headers and CSPs,
strict CORS, X-Forwarded-For only from trusted proxies (and the rate limit it keys), the request
id, and no query strings in access logs (issue 17's security probe)."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from tests.servers import in_process

from todochat.api.app import attach_database, create_app
from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.logging import AccessLogWithoutQuery

BASE = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY"}


@pytest.fixture
def make_settings(tmp_path: Path, sqlite_template: Path):  # type: ignore[no-untyped-def]
    def make(**overrides: Any) -> Settings:
        db = tmp_path / f"sec-{len(list(tmp_path.glob('sec-*.db')))}.db"
        shutil.copyfile(sqlite_template, db)
        return Settings(database_url=f"sqlite+aiosqlite:///{db}", data_dir=tmp_path / "data",
                        jwt_secret="sec-secret-" + "s" * 32, **overrides)  # fmt: skip

    return make


@pytest.fixture
async def http(make_settings) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """The app over ASGI with its database attached (no lifespan: a fixture runs in another task)."""
    settings = make_settings(cors_origins=["https://app.example.com"])
    app = create_app(settings)
    attach_database(app, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        yield client
    await app.state.engine.dispose()


def assert_base(response: httpx.Response) -> None:
    for name, value in BASE.items():
        assert response.headers.get(name) == value, (response.url, name)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"], response.url


def directives(csp: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in csp.split(";") if part.strip()}


async def test_every_kind_of_answer_carries_the_security_headers(http: httpx.AsyncClient) -> None:
    answers = [
        await http.get("/"),
        await http.get("/chatkit-ui"),
        await http.get("/static/app.js"),
        await http.get("/static/icon.svg"),
        await http.get("/static/nope.js"),  # 404
        await http.get("/health"),
        await http.get("/api/v1/tasks"),  # 401
        await http.post("/api/v1/tasks", content=b"x" * 2_000_000, headers={"Content-Type": "application/json"}),  # 413
        await http.get("/openapi.json"),
        await http.get("/docs"),
    ]
    assert [a.status_code for a in answers][4:8] == [404, 200, 401, 413]
    for answer in answers:
        assert_base(answer)
    api = directives(answers[6].headers["content-security-policy"])
    assert api["default-src"] == "default-src 'none'"


async def test_the_builtin_page_allows_only_its_own_scripts_and_images(http: httpx.AsyncClient) -> None:
    page = await http.get("/")
    csp = directives(page.headers["content-security-policy"])
    assert csp["script-src"] == "script-src 'self'"
    assert csp["img-src"] == "img-src 'self' data:"  # no remote image (was: https:)
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) and "<style" not in page.text


async def test_the_chatkit_page_allows_only_openais_cdn_and_cannot_be_framed(http: httpx.AsyncClient) -> None:
    page = await http.get("/chatkit-ui")
    csp = directives(page.headers["content-security-policy"])
    assert csp["script-src"] == "script-src 'self' https://cdn.platform.openai.com"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'" and csp["object-src"] == "object-src 'none'"
    assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in page.headers["content-security-policy"]
    # no inline script or style in the page itself: every script has a src on this server or the CDN
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) and "<style" not in page.text
    for src in re.findall(r'<script[^>]*\bsrc="([^"]+)"', page.text):
        assert src.startswith(("/static/", "https://cdn.platform.openai.com/")), src
    css = await http.get("/static/chatkit-ui.css")
    assert css.status_code == 200 and "openai-chatkit" in css.text


async def test_cors_answers_only_configured_origins(http: httpx.AsyncClient) -> None:
    ok = await http.get("/health", headers={"Origin": "https://app.example.com"})
    assert ok.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "access-control-allow-credentials" not in ok.headers
    other = await http.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = await http.options("/api/v1/tasks", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "DELETE"})  # fmt: skip
    assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers
    allowed = await http.options("/api/v1/tasks", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "DELETE",
        "Access-Control-Request-Headers": "authorization"})  # fmt: skip
    assert allowed.status_code == 200 and "DELETE" in allowed.headers["access-control-allow-methods"]


def test_settings_refuse_wildcard_origins_and_proxies() -> None:
    for origins in (["*"], ["https://app.example.com/path"], ["app.example.com"]):
        with pytest.raises(ValidationError, match="TODOCHAT_CORS_ORIGINS"):
            Settings(cors_origins=origins)
    for proxies in (["*"], ["proxy.internal"], ["10.0.0.0/33"]):
        with pytest.raises(ValidationError, match="TODOCHAT_TRUSTED_PROXIES"):
            Settings(trusted_proxies=proxies)
    assert Settings(trusted_proxies=["10.0.0.0/8", "::1"]).trusted_proxies == ["10.0.0.0/8", "::1"]


async def statuses(app: Any, peer: str, forwarded: list[str | None]) -> list[int]:
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        out = []
        for value in forwarded:
            headers = {"X-Forwarded-For": value} if value else {}
            out.append((await client.get("/api/v1/tasks", headers=headers)).status_code)
        return out


async def test_a_rotating_forwarded_for_from_a_trusted_proxy_does_not_escape_the_address_limit(make_settings) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(rate_limit="3/minute", trusted_proxies=["10.0.0.0/8"])
    async with in_process(settings) as (app, _http):
        # the proxy (10.0.0.5) appends the real client 203.0.113.9 after whatever the client sent
        rotating = [f"198.51.100.{n}, 203.0.113.9" for n in range(6)]
        assert await statuses(app, "10.0.0.5", rotating) == [401, 401, 401, 429, 429, 429]
        # a second hop through another trusted proxy: still the right-most untrusted address
        assert await statuses(app, "10.0.0.6", ["192.0.2.1, 203.0.113.9, 10.0.0.7"]) == [429]
        # another real client behind the same proxy has its own counter
        assert await statuses(app, "10.0.0.5", ["203.0.113.10"]) == [401]
        # an untrusted peer's X-Forwarded-For is ignored: the peer itself is counted
        assert await statuses(app, "192.0.2.50", [f"203.0.113.{n}" for n in range(20, 24)]) == [401, 401, 401, 429]


async def test_forwarded_for_is_ignored_without_trusted_proxies(make_settings) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(rate_limit="3/minute")
    async with in_process(settings) as (app, _http):
        assert await statuses(app, "127.0.0.1", [f"198.51.100.{n}" for n in range(4)]) == [401, 401, 401, 429]


async def test_request_id_is_kept_only_when_short_and_plain(http: httpx.AsyncClient) -> None:
    good = "req-" + "a" * 60
    assert (await http.get("/health", headers={"X-Request-ID": good})).headers["x-request-id"] == good
    for bad in ("x" * 65, "a:b", "a b", "a/b", "é".encode(), "x" * 8000):
        rid = (await http.get("/health", headers={"X-Request-ID": bad})).headers["x-request-id"]
        assert rid != bad and re.fullmatch(r"[0-9a-f]{16}", rid), bad


def test_access_log_lines_lose_their_query_string() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/api/v1/tasks?q=my+secret+diagnosis", "1.1", 200), None)  # fmt: skip
    assert AccessLogWithoutQuery().filter(record)
    line = record.getMessage()
    assert "diagnosis" not in line and '"GET /api/v1/tasks?… HTTP/1.1" 200' in line


async def test_a_signed_in_page_request_still_works_under_the_policy(http: httpx.AsyncClient, make_settings) -> None:  # type: ignore[no-untyped-def]
    token = issue_token("ann", make_settings())
    listed = await http.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert_base(listed)
