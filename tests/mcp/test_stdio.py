"""``todochat mcp`` as a subprocess, driven by the SDK's stdio client, on a database the test then reads."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from tests.clock import TEST_NOW
from tests.mcp.test_tools import EXPECTED

from todochat import migrations
from todochat.config import Settings
from todochat.context import RequestContext
from todochat.db import make_engine, make_sessionmaker
from todochat.tasks.schemas import TaskCreate
from todochat.tasks.service import TaskService

TODOCHAT = str(Path(sys.executable).with_name("todochat"))
pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The server's environment: a fresh, not yet migrated SQLite file and data dir in tmp, and
    the clock pinned to TEST_NOW."""
    return {
        "TODOCHAT_CLOCK_FIXED": TEST_NOW.isoformat(),
        "TODOCHAT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'todochat.db'}",
        "TODOCHAT_DATA_DIR": str(tmp_path / "data"),
        "TODOCHAT_LOG_LEVEL": "WARNING",
    }


@asynccontextmanager
async def stdio_client(env: dict[str, str], *args: str) -> AsyncIterator[Client]:
    params = StdioServerParameters(command=TODOCHAT, args=["mcp", *args], env=env)
    async with Client(params, mode="legacy", read_timeout_seconds=60) as client:
        yield client


async def tasks_of(env: dict[str, str], user: str) -> list[tuple[int, str, bool]]:
    """What the task service itself finds in the server's database for ``user``."""
    engine = make_engine(Settings(database_url=env["TODOCHAT_DATABASE_URL"]))
    try:
        service = TaskService(make_sessionmaker(engine))
        return [
            (t.number, t.title, t.completed)
            for t in await service.list(RequestContext(user_id=user))
        ]
    finally:
        await engine.dispose()


async def test_stdio_serves_the_local_user_on_the_configured_database(env: dict[str, str]) -> None:
    async with stdio_client(env) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == set(EXPECTED) and tools["delete_tasks"].annotations.destructive_hint is True
        added = await client.call_tool(
            "add_task", {"title": "Email the landlord", "tags": ["home"]}
        )
        assert added.structured_content["number"] == 1
        await client.call_tool("add_task", {"title": "Book flights"})
        done = await client.call_tool("complete_task", {"task": "landlord"})
        assert done.structured_content["task"]["completed"] is True
        too_long = await client.call_tool("add_task", {"title": "z" * 201})
        assert too_long.is_error
        assert too_long.content[0].text == "The title is 201 characters long; the limit is 200."
        deleted = await client.call_tool("delete_task", {"task": 2})
        assert deleted.structured_content["title"] == "Book flights"
        today = await client.read_resource("todochat://tasks/today")
        assert today.contents[0].text == '{"count":0,"tasks":[]}'
    # the process migrated the fresh database and wrote as TODOCHAT_LOCAL_USER's default, "local"
    assert await tasks_of(env, "local") == [(1, "Email the landlord", True)]


async def test_stdio_user_option_sees_only_that_users_tasks(env: dict[str, str]) -> None:
    settings = Settings(
        database_url=env["TODOCHAT_DATABASE_URL"], data_dir=Path(env["TODOCHAT_DATA_DIR"])
    )
    (Path(env["TODOCHAT_DATA_DIR"]).parent / "fresh").mkdir()
    await asyncio.to_thread(migrations.upgrade, settings)  # it runs its own event loop
    engine = make_engine(settings)
    await TaskService(make_sessionmaker(engine)).add(
        RequestContext(user_id="local"), TaskCreate(title="Local's task")
    )
    await engine.dispose()
    async with stdio_client(env, "--user", "bob") as client:
        assert (await client.call_tool("list_tasks", {})).structured_content["count"] == 0
        missing = await client.call_tool("complete_task", {"task": 1})
        assert missing.is_error and missing.structured_content["error"] == "not_found"
        await client.call_tool("add_task", {"title": "Bob's task"})
    assert await tasks_of(env, "bob") == [(1, "Bob's task", False)]
    assert await tasks_of(env, "local") == [(1, "Local's task", False)]


def test_empty_user_is_refused(env: dict[str, str]) -> None:
    result = subprocess.run(
        [TODOCHAT, "mcp", "--user", " "],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "must not begin or end with white space" in result.stderr  # " " is no subject (api.auth.normalize_subject)
