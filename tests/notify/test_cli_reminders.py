"""``todochat reminders``: pending reminders and recent deliveries with status, attempts, late and
the last error, on SQLite and PostgreSQL; user text printed as written (Rich markup escaped)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tests.clock import TEST_NOW
from tests.notify.conftest import add_reminder
from tests.servers import free_port
from typer.testing import CliRunner

from todochat.cli import app
from todochat.config import Settings, get_settings
from todochat.context import Clock, RequestContext
from todochat.db import make_engine, make_sessionmaker
from todochat.notify.dispatcher import Dispatcher
from todochat.tasks.schemas import TaskCreate
from todochat.tasks.service import TaskService


async def seed(settings: Settings) -> None:
    engine = make_engine(settings)
    try:
        sm = make_sessionmaker(engine)
        ctx = RequestContext(user_id="alice", clock=Clock(fixed=TEST_NOW))
        task = await TaskService(sm).add(ctx, TaskCreate(title="[red]Pay[/red] rent"))
        await add_reminder(sm, "alice", task.number, TEST_NOW - timedelta(minutes=5))  # fires now, late
        await add_reminder(sm, "alice", task.number, TEST_NOW + timedelta(days=1))  # still pending
        unreachable = settings.model_copy(update={"reminder_webhook_url": f"http://127.0.0.1:{free_port()}/"})
        await Dispatcher(lambda: sm, unreachable, lambda: Clock(fixed=TEST_NOW)).tick()
    finally:
        await engine.dispose()


def test_reminders_command(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    asyncio.run(seed(settings))
    monkeypatch.setenv("TODOCHAT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["reminders", "--user", "alice"])
        other = CliRunner().invoke(app, ["reminders", "--user", "bob"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Pending reminders (1)" in out and "Recent deliveries (2)" in out
    assert "[red]Pay[/red] rent" in out  # escaped, not styled away
    assert "2026-11-24 09:00:00 UTC" in out  # the pending one
    lines = {line.split("│")[5].strip(): line for line in out.splitlines() if line.count("│") > 8}
    assert "sent" in lines["page"] and "late" in lines["page"]
    assert "pending" in lines["webhook"] and "ConnectError" in lines["webhook"]
    assert other.exit_code == 0 and "Pending reminders (0)" in other.output and "Recent deliveries (0)" in other.output
