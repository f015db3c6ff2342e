"""A real ``todochat serve``: a rotating X-Forwarded-For from 127.0.0.1 (uvicorn's default trusted
proxy, the probe's bypass) does not escape the per-address limit; with TODOCHAT_TRUSTED_PROXIES the
real client is the right-most untrusted address."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.slow


def codes(server, forwarded: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        return [http.get("/api/v1/tasks", headers={"X-Forwarded-For": value}).status_code for value in forwarded]


def test_rotating_forwarded_for_is_ignored_without_trusted_proxies(server_factory) -> None:  # type: ignore[no-untyped-def]
    server = server_factory(TODOCHAT_RATE_LIMIT="3/minute")
    assert codes(server, [f"198.51.100.{n}" for n in range(5)]) == [401, 401, 401, 429, 429]


def test_behind_a_trusted_proxy_the_client_appended_last_is_counted(server_factory) -> None:  # type: ignore[no-untyped-def]
    server = server_factory(TODOCHAT_RATE_LIMIT="3/minute", TODOCHAT_TRUSTED_PROXIES='["127.0.0.1"]')
    rotating = [f"198.51.100.{n}, 203.0.113.9" for n in range(4)]
    assert codes(server, rotating) == [401, 401, 401, 429]
    assert codes(server, ["203.0.113.10"]) == [401]  # another client behind the proxy
