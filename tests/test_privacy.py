"""Your data: export (REST and CLI), erasure in one transaction with other users untouched (row
counts of every table before and after), and the registry covering every table — SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from agents.testing import ScriptedModel
from agents.testing.model import assistant_message, function_call
from chatkit.types import FileAttachment
from sqlalchemy import func, select
from tests.clock import TEST_NOW
from tests.servers import in_process
from typer.testing import CliRunner

import todochat.conversations.models
import todochat.tasks.models  # noqa: F401  (register tables)
from todochat.api.auth import issue_token
from todochat.cli import app as cli
from todochat.client import ChatKitClient
from todochat.config import Settings, get_settings
from todochat.context import RequestContext
from todochat.db import Base, make_engine
from todochat.notify.models import (
    CalendarFeed,
    ChannelSettings,
    Delivery,
    DeliveryAttempt,
    PushSubscription,
)
from todochat.oauth_models import OAuthGrant
from todochat.privacy import NOT_USER_DATA, USER_DATA
from todochat.tasks.models import Reminder, Task


def test_registry_covers_every_table() -> None:
    """A new table must be declared in privacy.USER_DATA (or NOT_USER_DATA): else export and
    erasure would silently miss it."""
    declared = {entry.table.name for entry in USER_DATA} | NOT_USER_DATA
    assert set(Base.metadata.tables) <= declared, set(Base.metadata.tables) - declared
    assert len({e.key for e in USER_DATA}) == len(USER_DATA)


async def table_counts(settings: Settings) -> dict[str, int]:
    """Rows in every table of the schema that can hold a user's rows."""
    engine = make_engine(settings)
    try:
        async with engine.connect() as conn:
            return {
                name: int((await conn.execute(select(func.count()).select_from(table))).scalar_one())
                for name, table in Base.metadata.tables.items()
                if name not in NOT_USER_DATA
            }
    finally:
        await engine.dispose()


def turn_script(users: int) -> ScriptedModel:
    steps: list[Any] = []
    for n in range(users):
        steps += [[function_call("add_task", {"title": f"Chat task {n}", "tags": ["home"]}, call_id=f"c{n}")],
                  [assistant_message("Added.", item_id=f"msg_{n}")]]
    return ScriptedModel(steps)


async def fill(app: Any, http: httpx.AsyncClient, settings: Settings, user: str, secret: str) -> str:
    """Give ``user`` a row in every table: a chat turn (thread, items, journal, counter), REST
    tasks with tags, a list, a reminder, a completion, feedback, a stored zone and an attachment."""
    headers = {"Authorization": f"Bearer {issue_token(user, settings)}"}
    client = ChatKitClient(http, issue_token(user, settings))
    turn = await client.send("add a chat task")
    assert turn.error is None, turn.events
    items = await client.items(turn.thread_id)
    r = await client.request({"type": "items.feedback", "params": {
        "thread_id": turn.thread_id, "item_ids": [items[-1]["id"]], "kind": "positive"}})
    r = await http.post("/api/v1/lists", json={"name": f"{secret} list"}, headers=headers)  # a list and its snapshot
    assert r.status_code == 201, r.text
    r = await http.post("/api/v1/tasks", json={"title": secret, "tags": ["work", "q4"], "due": "2026-12-01"}, headers=headers)
    assert r.status_code == 201, r.text
    assert (await http.post("/api/v1/tasks/1/complete", headers=headers)).status_code == 200
    assert (await http.put("/api/v1/me/timezone", json={"timezone": "Europe/Berlin"}, headers=headers)).status_code == 200
    ctx = RequestContext(user_id=user)
    await app.state.store.save_attachment(FileAttachment(id="f1", name=f"{secret}.txt", mime_type="text/plain"), ctx)
    async with app.state.sessionmaker.begin() as session:  # a reminder (issue 14's table; no service on this branch)
        task = (await session.execute(select(Task).where(Task.user_id == user, Task.number == 2))).scalar_one()
        session.add(Reminder(user_id=user, task_id=task.id, before_minutes=30, created_at=TEST_NOW))
        session.add(OAuthGrant(token_hash=f"{user:0>64}", kind="access", grant_id=f"g-{user}", client_id="c1",
                               user_id=user, expires_at=TEST_NOW, created_at=TEST_NOW))  # an MCP client's grant
        reminder = Reminder(user_id=user, task_id=task.id, at=TEST_NOW, fire_at=TEST_NOW, status="fired",
                            created_at=TEST_NOW)
        session.add(reminder)
        await session.flush()
        delivery = Delivery(reminder_id=reminder.id, user_id=user, channel="page", fire_at=TEST_NOW,
                            status="sent", attempts=1, next_attempt_at=TEST_NOW, created_at=TEST_NOW)
        session.add(delivery)
        await session.flush()
        session.add(DeliveryAttempt(delivery_id=delivery.id, number=1, at=TEST_NOW, ok=True))
        session.add(ChannelSettings(user_id=user, ntfy_topic=f"{user}-phone", updated_at=TEST_NOW))
        session.add(PushSubscription(user_id=user, endpoint=f"https://fcm.googleapis.com/{user}", p256dh="k",
                                     auth="a", created_at=TEST_NOW))
        session.add(CalendarFeed(user_id=user, token_hash=f"{user:f>64}", created_at=TEST_NOW))
    return turn.thread_id


async def test_export_then_delete_over_rest_leaves_the_other_user_untouched(settings: Settings) -> None:
    async with in_process(settings, model=turn_script(2)) as (app, http):
        await fill(app, http, settings, "alice", "Alice secret")
        await fill(app, http, settings, "bob", "Bob secret")
        alice = {"Authorization": f"Bearer {issue_token('alice', settings)}"}
        bob = {"Authorization": f"Bearer {issue_token('bob', settings)}"}

        r = await http.get("/api/v1/me/export", headers=alice)
        assert r.status_code == 200, r.text
        assert "attachment" in r.headers["content-disposition"]
        doc = r.json()
        assert (doc["format"], doc["version"], doc["user_id"]) == ("todochat-export", 1, "alice")
        assert "Bob secret" not in r.text and "bob" not in r.text
        assert all(n > 0 for n in doc["counts"].values()), doc["counts"]  # a row in every table
        data = doc["data"]
        tasks = {t["title"]: t for t in data["tasks"]}
        assert tasks["Alice secret"]["tags"] == ["q4", "work"]
        assert tasks["Alice secret"]["reminders"][0]["before_minutes"] == 30
        assert tasks["Chat task 0"]["completed"] is True and tasks["Chat task 0"]["tags"] == ["home"]
        journal = data["journal"]
        assert [(g["action"], g["front"], g["tool"]) for g in journal] == [
            ("add", "chat", "add_task"),
            ("list_create", "rest", "POST /api/v1/lists"),
            ("add", "rest", "POST /api/v1/tasks"),
            ("complete", "rest", "POST /api/v1/tasks/{number}/complete"),
        ]
        assert data["lists"][0]["name"] == "Alice secret list"
        assert journal[1]["list_changes"][0]["after"]["name"] == "Alice secret list"
        assert journal[2]["changes"][0]["after"]["title"] == "Alice secret"  # JSON, not text
        assert data["settings"] == [{"timezone": "Europe/Berlin", "language": None}]  # language None: auto
        [thread] = data["threads"]
        assert thread["data"]["title"] == data["tasks"][0]["title"]  # named after the task its turn added
        assert [i["type"] for i in thread["items"]] == ["user_message", "widget", "workflow", "assistant_message"]
        assert thread["items"][-1]["feedback"][0]["kind"] == "positive"
        assert data["attachments"][0]["data"]["name"] == "Alice secret.txt"
        bob_before = (await http.get("/api/v1/me/export", headers=bob)).json()

        before = await table_counts(settings)
        r = await http.delete("/api/v1/me", headers=alice)
        assert r.status_code == 400, r.text
        body = r.json()
        assert body["error"] == "confirmation_required" and body["would_delete"] == doc["counts"]
        assert "2 tasks" in body["message"] and "confirm=true" in body["message"]
        assert await table_counts(settings) == before  # nothing deleted

        r = await http.delete("/api/v1/me", params={"confirm": "true"}, headers=alice)
        assert r.status_code == 200, r.text
        assert r.json()["deleted"] == doc["counts"]
        after = await table_counts(settings)
        by_table = {e.table.name: doc["counts"][e.key] for e in USER_DATA}
        assert {name: before[name] - after[name] for name in before} == by_table
        bob_after = (await http.get("/api/v1/me/export", headers=bob)).json()
        assert bob_after["data"] == bob_before["data"]  # every row of bob's, unchanged
        assert {name: after[name] for name in after} == {
            e.table.name: bob_after["counts"][e.key] for e in USER_DATA
        }  # what is left is exactly bob's
        # every token of the erased user is signed out (the same token now gets a 401) ...
        assert (await http.get("/api/v1/tasks", headers=alice)).status_code == 401
        assert (await http.get("/api/v1/tasks", headers=bob)).status_code == 200
        # ... and with a new token the account starts again from nothing
        fresh = {"Authorization": f"Bearer {issue_token('alice', settings, version=1)}"}
        empty = (await http.get("/api/v1/me/export", headers=fresh)).json()
        assert set(empty["counts"].values()) == {0}
        r = await http.post("/api/v1/tasks", json={"title": "Fresh start"}, headers=fresh)
        assert r.status_code == 201 and r.json()["number"] == 1


async def test_audit_log_is_the_users_own_newest_first_and_paged(settings: Settings) -> None:
    async with in_process(settings, model=turn_script(1)) as (app, http):
        await fill(app, http, settings, "alice", "Alice secret")
        bob = {"Authorization": f"Bearer {issue_token('bob', settings)}"}
        await http.post("/api/v1/tasks", json={"title": "Bob's"}, headers=bob)
        alice = {"Authorization": f"Bearer {issue_token('alice', settings)}"}
        assert (await http.post("/api/v1/tasks/undo", headers=alice)).status_code == 200

        r = await http.get("/api/v1/audit", params={"limit": 2}, headers=alice)
        assert r.status_code == 200, r.text
        page = r.json()
        assert [(e["action"], e["front"], e["tool"], e["undone"]) for e in page["entries"]] == [
            ("complete", "rest", "POST /api/v1/tasks/{number}/complete", True),
            ("add", "rest", "POST /api/v1/tasks", False),
        ]
        assert page["entries"][1]["tasks"] == [{"number": 2, "title": "Alice secret"}]
        assert page["entries"][0]["undone_at"] is not None and page["entries"][0]["user_id"] == "alice"
        nxt = (await http.get("/api/v1/audit", params={"limit": 2, "before": page["next_before"]}, headers=alice)).json()
        assert [(e["front"], e["tool"]) for e in nxt["entries"]] == [("rest", "POST /api/v1/lists"), ("chat", "add_task")]
        assert nxt["next_before"] is None
        activity = (await http.get("/api/v1/activity", headers=alice)).json()["entries"]
        assert [(e["front"], e["tool"]) for e in activity][-1] == ("chat", "add_task")
        bob_log = (await http.get("/api/v1/audit", headers=bob)).json()["entries"]
        assert [e["user_id"] for e in bob_log] == ["bob"]
        assert (await http.get("/api/v1/audit")).status_code == 401


# ---------------------------------------------------------------------------------------- CLI


@pytest.fixture
def run(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``run(*args, input=None) -> Result``: the CLI in-process on the test database."""

    def invoke(*args: str, input: str | None = None) -> Any:
        monkeypatch.setenv("TODOCHAT_DATABASE_URL", settings.database_url)
        monkeypatch.setenv("TODOCHAT_CLOCK_FIXED", TEST_NOW.isoformat())
        monkeypatch.setenv("COLUMNS", "300")
        get_settings.cache_clear()
        return CliRunner().invoke(cli, list(args), input=input)

    yield invoke
    get_settings.cache_clear()


def seed(settings: Settings) -> None:
    async def go() -> None:
        async with in_process(settings, model=turn_script(2)) as (app, http):
            await fill(app, http, settings, "alice", "Alice [bold]secret[/oops]")
            await fill(app, http, settings, "bob", "Bob secret")

    asyncio.run(go())


def test_cli_export_delete_and_audit(run: Any, settings: Settings, tmp_path: Any) -> None:
    seed(settings)
    exported = run("user", "export", "alice")
    assert exported.exit_code == 0, exported.output
    doc = json.loads(exported.stdout)
    assert doc["user_id"] == "alice" and doc["counts"]["tasks"] == 2 and "Bob secret" not in exported.stdout
    target = tmp_path / "alice.json"
    assert run("user", "export", "alice", "--output", str(target)).exit_code == 0
    assert json.loads(target.read_text())["data"] == doc["data"] and oct(target.stat().st_mode & 0o777) == "0o600"

    audit = run("audit", "--user", "alice", "--json")
    assert audit.exit_code == 0, audit.output
    lines = [json.loads(line) for line in audit.stdout.splitlines()]
    assert [(e["front"], e["tool"]) for e in lines] == [
        ("rest", "POST /api/v1/tasks/{number}/complete"), ("rest", "POST /api/v1/tasks"),
        ("rest", "POST /api/v1/lists"), ("chat", "add_task")]
    everyone = run("audit", "--json")
    assert {json.loads(line)["user_id"] for line in everyone.stdout.splitlines()} == {"alice", "bob"}
    table = run("audit", "--user", "alice")
    assert table.exit_code == 0, table.output
    assert "POST /api/v1/tasks" in table.stdout and "Alice [bold]secret[/oops]" in table.stdout  # not markup

    before = asyncio.run(table_counts(settings))
    refused = run("user", "delete", "alice", input="n\n")
    assert refused.exit_code == 1 and "2 tasks" in refused.stderr and "Nothing deleted" in refused.stderr
    assert asyncio.run(table_counts(settings)) == before
    confirmed = run("user", "delete", "alice", input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert "Deleted 2 tasks" in confirmed.stdout
    after = asyncio.run(table_counts(settings))
    assert {n: before[n] - after[n] for n in before} == {e.table.name: doc["counts"][e.key] for e in USER_DATA}
    assert json.loads(run("user", "export", "bob").stdout)["counts"]["tasks"] == 2
    assert run("user", "delete", "alice").stdout.strip() == "'alice' has no data; nothing to delete."
    assert run("user", "delete", "bob", "--yes").exit_code == 0
    assert set(asyncio.run(table_counts(settings)).values()) == {0}
    assert run("user", "delete", " ").exit_code == 2


async def test_erasure_is_one_transaction(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure half-way through (the threads statement) rolls every earlier delete back."""
    from todochat import privacy

    async with in_process(settings, model=turn_script(1)) as (app, http):
        await fill(app, http, settings, "alice", "Alice secret")
        before = await table_counts(settings)
        at = [e.key for e in USER_DATA].index("threads")
        broken = privacy.UserTable("threads", USER_DATA[at].table, lambda _u: 1 / 0)  # type: ignore[arg-type,return-value]
        monkeypatch.setattr(privacy, "USER_DATA", (*USER_DATA[:at], broken, *USER_DATA[at + 1:]))
        with pytest.raises(ZeroDivisionError):
            await privacy.delete_user(app.state.sessionmaker, "alice")
        assert await table_counts(settings) == before

