"""Reminders on the built-in page in Debian's Chromium against a real ``todochat serve``: a fired
reminder shows in the page (user text as text) with Done and Snooze 10 min that really act."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from tests.clock import TEST_NOW
from tests.notify.conftest import add_reminder
from tests.servers import LiveServer, server_env
from tests.web.helpers import open_page

from todochat.config import Settings
from todochat.db import make_engine, make_sessionmaker
from todochat.tasks.models import Reminder

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def reminder_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``todochat serve`` on SQLite, clock pinned to ``TEST_NOW``, dispatcher ticking every second."""
    data = tmp_path_factory.mktemp("reminder-server")
    env = server_env(f"sqlite+aiosqlite:///{data / 'web.db'}", data, TODOCHAT_REMINDERS_POLL_SECONDS="1")
    server = LiveServer(env).start(timeout=60)
    yield server
    server.stop()


def in_db(server: LiveServer, work: Any) -> Any:
    """Run ``await work(sessionmaker)`` on the server's database, in a thread of its own (the sync
    Playwright API owns this thread's event loop)."""
    async def run() -> Any:
        settings = Settings(database_url=server.env["TODOCHAT_DATABASE_URL"], data_dir=Path(server.env["TODOCHAT_DATA_DIR"]), jwt_secret="x" * 40)
        engine = make_engine(settings)
        try:
            return await work(make_sessionmaker(engine))
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def add_task(server: LiveServer, user: str, title: str) -> int:
    response = httpx.post(f"{server.base_url}/api/v1/tasks", headers=server.headers(user), json={"title": title}, timeout=10)
    assert response.status_code == 201, response.text
    return int(response.json()["number"])


def test_a_fired_reminder_shows_in_the_page_with_done_and_snooze(page: Page, reminder_server: LiveServer) -> None:
    user = "u-reminders"
    open_page(page, reminder_server, user)
    first = add_task(reminder_server, user, "Stretch <b>now</b>")
    in_db(reminder_server, lambda sm: add_reminder(sm, user, first, TEST_NOW - timedelta(minutes=1)))
    toast = page.locator(".reminder-toast", has_text="Stretch")
    expect(toast).to_contain_text(f"Reminder: Stretch <b>now</b> (task {first})", timeout=45_000)
    toast.get_by_role("button", name="Done").click()
    expect(toast).to_have_count(0)
    task = httpx.get(f"{reminder_server.base_url}/api/v1/tasks/{first}", headers=reminder_server.headers(user), timeout=10)
    assert task.json()["completed"] is True

    second = add_task(reminder_server, user, "Call mom")
    in_db(reminder_server, lambda sm: add_reminder(sm, user, second, TEST_NOW - timedelta(seconds=30)))
    toast = page.locator(".reminder-toast", has_text="Call mom")
    expect(toast).to_be_visible(timeout=45_000)
    toast.get_by_role("button", name="Snooze 10 min").click()
    expect(toast).to_have_count(0)

    async def pending(sm: Any) -> list[Any]:
        async with sm() as session:
            rows = await session.execute(select(Reminder.fire_at).where(Reminder.user_id == user, Reminder.status == "pending"))
            return list(rows.scalars())

    assert in_db(reminder_server, pending) == [TEST_NOW + timedelta(minutes=10)]
    unseen = httpx.get(f"{reminder_server.base_url}/api/v1/notifications?unseen=true", headers=reminder_server.headers(user), timeout=10)
    assert unseen.json() == []
