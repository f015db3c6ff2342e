"""Per-user quotas (tasks, threads, items per thread) on every front: a clear error naming the
limit, and nothing changed — SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from mcp import Client
from sqlalchemy import func, select
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.client import ChatKitClient
from todochat.config import Settings
from todochat.context import RequestContext
from todochat.conversations.models import ThreadItemRow, ThreadRow
from todochat.mcp.server import Backend, build_server
from todochat.tasks.models import JournalGroup, Task


def limited(settings: Settings, **quotas: int) -> Settings:
    return settings.model_copy(update={"rate_limit": "100000/minute", **quotas})


async def rows(app: Any, model: Any) -> int:
    async with app.state.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_task_quota_over_rest_chat_and_mcp(settings: Settings) -> None:
    s = limited(settings, quota_tasks=2)
    async with in_process(s) as (app, http):  # the built-in model
        alice = {"Authorization": f"Bearer {issue_token('alice', s)}"}
        for title in ("One", "Two"):
            assert (await http.post("/api/v1/tasks", json={"title": title}, headers=alice)).status_code == 201
        tasks, groups = await rows(app, Task), await rows(app, JournalGroup)

        r = await http.post("/api/v1/tasks", json={"title": "Three"}, headers=alice)
        assert r.status_code == 409, r.text
        body = r.json()
        assert (body["error"], body["limit"], body["max"], body["setting"]) == (
            "quota_exceeded", "tasks", 2, "TODOCHAT_QUOTA_TASKS")
        assert "the limit is 2" in body["message"] and "Nothing was added" in body["message"]

        turn = await ChatKitClient(http, issue_token("alice", s)).send("add buy milk")
        assert turn.error is None and "the limit is 2" in turn.text, turn.text  # the reply says so

        server = build_server(Backend(service=lambda: app.state.service, user=lambda: "alice", settings=s))
        async with Client(server) as client:
            result = await client.call_tool("add_task", {"title": "Four"})
        assert result.is_error and "the limit is 2" in result.content[0].text  # type: ignore[union-attr]
        assert (await rows(app, Task), await rows(app, JournalGroup)) == (tasks, groups)  # nothing changed

        # other users have their own quota; a deleted task stops counting
        bob = {"Authorization": f"Bearer {issue_token('bob', s)}"}
        assert (await http.post("/api/v1/tasks", json={"title": "Bob's"}, headers=bob)).status_code == 201
        assert (await http.delete("/api/v1/tasks/1", headers=alice)).status_code == 204
        r = await http.post("/api/v1/tasks", json={"title": "Three"}, headers=alice)
        assert r.status_code == 201 and r.json()["number"] == 3


async def test_thread_quota_is_a_chatkit_error_event_and_stores_nothing(settings: Settings) -> None:
    s = limited(settings, quota_threads=1)
    async with in_process(s) as (app, http):
        client = ChatKitClient(http, issue_token("alice", s))
        first = await client.send("add buy milk")
        assert first.error is None
        threads, items = await rows(app, ThreadRow), await rows(app, ThreadItemRow)

        refused = await client.send("add walk the dog")
        assert refused.thread_id is None
        assert refused.error and "the limit is 1 per user" in refused.error, refused.events
        assert (await rows(app, ThreadRow), await rows(app, ThreadItemRow)) == (threads, items)
        tasks = await app.state.service.list(RequestContext(user_id="alice"))
        assert [t.title for t in tasks] == ["Buy milk"]

        r = await http.post("/api/alice/chat", json={"message": "add walk the dog"}, headers=client.headers)
        assert r.status_code == 409 and r.json()["limit"] == "threads", r.text
        # the existing thread goes on; another user is not limited by alice's threads
        assert (await client.send("what's on my list?", first.thread_id)).error is None
        assert (await ChatKitClient(http, issue_token("bob", s)).send("add pay rent")).error is None


async def test_items_per_thread_quota(settings: Settings) -> None:
    s = limited(settings, quota_items_per_thread=4)
    async with in_process(s) as (app, http):
        client = ChatKitClient(http, issue_token("alice", s))
        first = await client.send("add buy milk")  # user message, widget, the turn's steps, assistant message
        assert first.error is None and len(await client.items(first.thread_id)) == 4
        items = await rows(app, ThreadItemRow)

        refused = await client.send("add walk the dog", first.thread_id)
        assert refused.error and "the limit is 4 per conversation" in refused.error, refused.events
        assert await rows(app, ThreadItemRow) == items
        assert len(await app.state.service.list(RequestContext(user_id="alice"))) == 1

        r = await http.post("/api/alice/chat", json={"message": "hi", "conversation_id": first.thread_id},
                            headers=client.headers)
        assert r.status_code == 409 and r.json()["limit"] == "items_per_thread", r.text
        assert (await client.send("add walk the dog")).error is None  # a new thread has room


async def test_concurrent_adds_never_pass_the_task_quota(sessionmaker: Any) -> None:
    """Ten adds at once against a limit of 3: exactly three succeed (the check runs under the
    user's journal lock), on SQLite's one writer and PostgreSQL's row lock alike."""
    import asyncio

    from todochat.errors import QuotaExceeded
    from todochat.tasks.schemas import TaskCreate
    from todochat.tasks.service import TaskService

    service = TaskService(sessionmaker, max_tasks=3)
    ctx = RequestContext(user_id="alice")
    results = await asyncio.gather(
        *(service.add(ctx, TaskCreate(title=f"Task {n}")) for n in range(10)), return_exceptions=True
    )
    added = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, QuotaExceeded)]
    assert (len(added), len(refused)) == (3, 7), results
    assert len(await service.list(ctx)) == 3
