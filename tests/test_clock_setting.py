"""``TODOCHAT_CLOCK_FIXED``: a server whose "now" a test (or demo) controls; never in production."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pydantic
import pytest
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.mcp.server import Backend
from todochat.tasks.service import TaskService

INSTANT = datetime(2028, 2, 29, 23, 30, tzinfo=timezone(timedelta(hours=-5)))


def test_read_from_the_environment_with_its_offset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODOCHAT_CLOCK_FIXED", "2028-02-29T23:30-05:00")
    assert Settings(data_dir=tmp_path).clock_fixed == INSTANT
    monkeypatch.delenv("TODOCHAT_CLOCK_FIXED")
    assert Settings(data_dir=tmp_path).clock_fixed is None  # unset: the real clock


def test_a_time_without_an_offset_is_refused(tmp_path: Path) -> None:
    with pytest.raises(pydantic.ValidationError, match="TODOCHAT_CLOCK_FIXED needs an offset"):
        Settings(data_dir=tmp_path, clock_fixed="2028-02-29T23:30")


def test_refused_in_production(tmp_path: Path) -> None:
    real = {"data_dir": tmp_path, "environment": "production", "jwt_secret": "p" * 48}
    assert Settings(**real).clock_fixed is None
    with pytest.raises(pydantic.ValidationError, match=r"TODOCHAT_CLOCK_FIXED .* refused in production"):
        Settings(**real, clock_fixed=INSTANT)


async def test_the_app_and_mcp_run_on_it(settings: Settings, service: TaskService) -> None:
    pinned = settings.model_copy(update={"clock_fixed": INSTANT})
    async with in_process(pinned) as (app, http):
        assert app.state.clock.now() == INSTANT.astimezone(UTC)
        headers = {"Authorization": f"Bearer {issue_token('alice', pinned)}", "X-Timezone": "America/New_York"}
        made = (await http.post("/api/v1/tasks", json={"title": "Leap", "due": "2028-02-29"}, headers=headers)).json()
        assert made["created_at"] == "2028-03-01T04:30:00Z"
        listed = (await http.get("/api/v1/tasks", params={"due": "today"}, headers=headers)).json()["tasks"]
        assert [t["title"] for t in listed] == ["Leap"]  # still the 29th in New York
    backend = Backend(service=lambda: service, user=lambda: "alice", settings=pinned)
    assert (await backend.context()).now() == INSTANT.astimezone(UTC)
