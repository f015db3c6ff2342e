"""Bad input and conversation repair with the built-in model, through the ChatKit server over
HTTP (in-process ASGI) on SQLite and PostgreSQL (issue 12, "Bad input" and item 4).

Bad messages (empty, 10,000 characters, emoji only, control characters, other languages, a
200-item comma list) get a clear reply (the server's HTTP 422 for empty, over 4,000 characters or
control characters; else the model's) and change nothing; zero-width characters never reach a
title. A take-back undoes exactly the change the last reply reported, and after a list it changes
nothing (it never reaches back to an older change). The server clock is fixed."""

from __future__ import annotations

import pytest
from tests.clock import TEST_NOW
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.client import ChatKitClient, ChatKitError
from todochat.context import Clock, RequestContext
from todochat.tasks.schemas import TaskCreate, TaskFilter
from todochat.tasks.service import TaskService

ALICE = RequestContext(user_id="alice", clock=Clock(fixed=TEST_NOW))

BAD = [
    ("", "empty"),  # refused by the server itself: HTTP 422 "The message is empty."
    ("   \n\t ", "empty"),
    ("x" * 10_000, "characters long"),  # refused by the server: over its 4,000-character limit
    ("add " + "buy milk " * 1200, "characters long"),
    ("add " + "buy milk " * 330, "too long"),  # under the server's limit: the model's reply
    ("🎉🎉👍🛒", "emoji"),
    ("\x00\x07\x1b", "control character"),  # refused by the server (tasks/rules.py)
    ("add milk\x07", "control character"),
    ("\u200b\u2060\ufeff", "empty"),  # zero-width characters only
    ("añade comprar leche mañana", "didn't understand"),
    ("买牛奶", "didn't understand"),
    ("add " + ", ".join(f"x{i}" for i in range(200)), "list of 200 items"),
    (", ".join(f"t{i}" for i in range(200)), "list of 200 items"),
]


async def snapshot(service: TaskService) -> list[tuple[int, str, bool, str | None]]:
    return [(t.number, t.title, t.completed, str(t.due)) for t in await service.list(ALICE, TaskFilter(status="all"))]


@pytest.mark.parametrize(("message", "said"), BAD, ids=[label for _, label in BAD])
async def test_a_bad_message_gets_a_clear_reply_and_changes_nothing(settings, message: str, said: str) -> None:
    async with in_process(settings, clock=Clock(fixed=TEST_NOW)) as (app, http):
        service: TaskService = app.state.service
        await service.add(ALICE, TaskCreate(title="Buy milk"))
        await service.add(ALICE, TaskCreate(title="Call mom", due="2026-11-24"))
        before = await snapshot(service)
        client = ChatKitClient(http, issue_token("alice", settings))
        try:
            reply = await client.send(message)
        except ChatKitError as exc:  # the server refuses some before any model runs
            assert 400 <= exc.status < 500 and said in str(exc).lower(), exc
        else:
            assert reply.error is None, reply.events
            assert said in reply.text.lower(), reply.text
        assert await snapshot(service) == before


async def test_zero_width_characters_never_reach_a_title(settings) -> None:
    async with in_process(settings, clock=Clock(fixed=TEST_NOW)) as (app, http):
        client = ChatKitClient(http, issue_token("alice", settings))
        reply = await client.send("add buy\u200b milk\u2060 tomorrow\ufeff")
        assert reply.error is None, reply.events
        [task] = await app.state.service.list(ALICE, TaskFilter(status="all"))
        assert task.title == "Buy milk"
        assert str(task.due).startswith("2026-11-24")


async def test_a_take_back_undoes_only_the_change_just_made(settings) -> None:
    async with in_process(settings, clock=Clock(fixed=TEST_NOW)) as (app, http):
        service: TaskService = app.state.service
        client = ChatKitClient(http, issue_token("alice", settings))
        first = await client.send("add buy milk")
        thread = first.thread_id
        await client.send("add call mom tomorrow at 5pm", thread)
        fixed = await client.send("no, I meant friday", thread)
        assert "task 2: Call mom" in fixed.text
        assert [(t.title, t.due) for t in await snapshot_tasks(service)] == [
            ("Buy milk", None), ("Call mom", "2026-11-27T17:00")]  # the day changed, the time kept
        back = await client.send("wait, never mind", thread)
        assert back.error is None
        assert [(t.title, t.due) for t in await snapshot_tasks(service)] == [
            ("Buy milk", None), ("Call mom", "2026-11-24T17:00")]  # only the correction undone
        await client.send("show my tasks", thread)
        after_list = await client.send("scratch that", thread)
        assert "nothing changed" in after_list.text.lower()
        assert [t.title for t in await snapshot_tasks(service)] == ["Buy milk", "Call mom"]


async def snapshot_tasks(service: TaskService) -> list:  # type: ignore[type-arg]
    return list(await service.list(ALICE, TaskFilter(status="all")))
