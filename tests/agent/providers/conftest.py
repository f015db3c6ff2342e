"""Fixtures driving the real app through each provider path against the fake LLM server."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from tests.fake_llm import FakeLLM, FakeLLMServer, Flavour, fake_llm  # noqa: F401 — re-exported fixture

from todochat.api.app import create_app
from todochat.api.auth import issue_token
from todochat.client import ChatKitClient, Turn
from todochat.config import Settings
from todochat.context import RequestContext


@dataclass(frozen=True)
class Provider:
    """How one provider path is configured against the fake (model spec, keys, base-URL setting)."""

    name: str
    model: str
    flavour: Flavour
    env: dict[str, str]
    base_setting: str
    base_path: str
    api_path: str


PROVIDERS = {
    "openai": Provider("openai", "openai:gpt-4.1-mini", "openai", {"OPENAI_API_KEY": "sk-test-openai"},
                       "openai_base_url", "/v1", "/v1/responses"),
    "openai-compatible": Provider("openai-compatible", "openai-compatible:llama3.2", "openai", {},
                                  "openai_base_url", "/v1", "/v1/chat/completions"),
    "gemini": Provider("gemini", "gemini:gemini-2.5-flash", "gemini", {"GEMINI_API_KEY": "gm-test-key"},
                       "gemini_base_url", "/v1beta/openai/", "/v1beta/openai/chat/completions"),
}


@dataclass
class Harness:
    """The app (lifespan entered) on a test database, its ChatKit client as ``alice``, and the fake."""

    provider: Provider
    fake: FakeLLM
    app: FastAPI
    client: ChatKitClient
    settings: Settings

    async def send(self, text: str, thread_id: str | None = None) -> Turn:
        """Send a user message over ``/chatkit``."""
        return await self.client.send(text, thread_id)

    async def tasks(self) -> list[Any]:
        """Alice's tasks, read through the service (the database)."""
        return list(await self.app.state.service.list(RequestContext(user_id="alice")))


def provider_settings(settings: Settings, provider: Provider, fake: FakeLLM, **extra: Any) -> Settings:
    """``settings`` pointed at ``fake`` through ``provider``'s base-URL setting."""
    root = fake.base_url.removesuffix("/v1")
    update = {"model": provider.model, provider.base_setting: root + provider.base_path, "model_max_retries": 2, **extra}
    return settings.model_copy(update=update)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite unless a test parametrises ``database_url`` indirectly with ``"postgres"``
    (the provider wire is the same on both; the store-id test runs on both)."""
    if getattr(request, "param", "sqlite") == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=list(PROVIDERS))
def provider(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Provider:
    """Each provider path in turn, with its API key in the environment."""
    chosen = PROVIDERS[request.param]  # indirect parametrisation may pick one
    for key, value in chosen.env.items():
        monkeypatch.setenv(key, value)
    return chosen


class Running:
    """``async with Running(provider, settings) as h`` starts the fake (the provider's flavour) and
    the app on ``provider``'s path, lifespan entered, and gives the :class:`Harness`.

    The lifespan is entered in the test's own task (the MCP session manager inside it needs its
    cancel scope exited by the task that entered it, which an async fixture's teardown is not).
    """

    def __init__(self, provider: Provider, settings: Settings, **extra: Any) -> None:
        self.provider, self.settings, self.extra = provider, settings, extra
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> Harness:
        fake = FakeLLM(self.provider.flavour)
        self._stack.enter_context(FakeLLMServer(fake))
        configured = provider_settings(self.settings, self.provider, fake, **self.extra)
        app = create_app(configured)
        await self._stack.enter_async_context(app.router.lifespan_context(app))
        http = await self._stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://todochat.test")
        )
        return Harness(self.provider, fake, app, ChatKitClient(http, issue_token("alice", configured)), configured)

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()


@pytest.fixture
def harness(provider: Provider, settings: Settings) -> Running:
    """``async with harness as h:`` — the app on ``provider``'s path against a fresh fake."""
    return Running(provider, settings)
