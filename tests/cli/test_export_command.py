"""``todochat export`` on both databases: the same exporter as REST, for the chosen user only."""

from __future__ import annotations

import asyncio
import csv
import io
import stat
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from todochat.cli import app
from todochat.config import Settings, get_settings
from todochat.context import Clock, RequestContext
from todochat.db import make_engine, make_sessionmaker
from todochat.tasks.export import task_uid
from todochat.tasks.schemas import TaskCreate
from todochat.tasks.service import TaskService


async def _seed(settings: Settings) -> None:
    engine = make_engine(settings)
    try:
        service = TaskService(make_sessionmaker(engine))
        for user, title, due in (("alice", "-Pay rent 💶", "2026-12-01"), ("alice", "Call Zoë", "2026-11-24T15:00"), ("bob", "Bob's", None)):
            ctx = RequestContext(user_id=user, tz=ZoneInfo("Europe/Berlin"), clock=Clock(settings.clock_fixed))
            await service.add(ctx, TaskCreate(title=title, due=due, tags=["home"] if user == "alice" else None,
                                              recurrence="FREQ=MONTHLY;BYMONTHDAY=1" if due == "2026-12-01" else None))
    finally:
        await engine.dispose()


def test_export_command_writes_csv_and_ics(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asyncio.run(_seed(settings))
    monkeypatch.setenv("TODOCHAT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TODOCHAT_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("TODOCHAT_CLOCK_FIXED", settings.clock_fixed.isoformat())  # type: ignore[union-attr]
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(app, ["export", "--user", "alice"])
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        assert [(r["number"], r["title"], r["tags"], r["due"], r["recurrence"]) for r in rows] == [
            ("1", "'-Pay rent 💶", "home", "2026-12-01", "FREQ=MONTHLY;BYMONTHDAY=1"),
            ("2", "Call Zoë", "home", "2026-11-24T15:00", ""),
        ]
        target = tmp_path / "tasks.ics"
        result = runner.invoke(app, ["export", "--user", "alice", "--format", "ics", "--output", str(target)])
        assert result.exit_code == 0, result.output
        assert "Wrote 2 tasks" in result.stderr
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        todos = Calendar.from_ical(target.read_bytes()).walk("VTODO")
        assert [str(t["uid"]) for t in todos] == [task_uid("alice", 1), task_uid("alice", 2)]
        assert str(todos[0]["summary"]) == "-Pay rent 💶" and todos[0]["due"].dt == date(2026, 12, 1)
        assert todos[1]["due"].to_ical() == b"20261124T140000Z"
        result = runner.invoke(app, ["export", "--format", "pdf"])
        assert result.exit_code == 2 and "--format must be csv or ics" in result.stderr
    finally:
        get_settings.cache_clear()
