"""REST ``/api/v1/tasks`` in process (ASGI) on SQLite and PostgreSQL: every route, auth,
cross-user access, validation errors with field names, pagination, bulk confirmation, undo, OpenAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
from agents.testing import ScriptedModel
from tests import hardening_tally as tally
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.context import Clock

NOW = datetime(2026, 11, 18, 9, tzinfo=UTC)  # Wednesday
BASE = "/api/v1/tasks"


@dataclass
class Api:
    """An in-process client with tokens for alice and bob."""

    http: httpx.AsyncClient
    settings: Settings

    def auth(self, user: str = "alice", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(user, self.settings)}", **extra}

    async def call(self, method: str, path: str, user: str = "alice", **kw: Any) -> httpx.Response:
        headers = {**self.auth(user), **kw.pop("headers", {})}
        return await self.http.request(method, BASE + path, headers=headers, **kw)

    async def add(self, user: str = "alice", **body: Any) -> dict[str, Any]:
        r = await self.call("POST", "", user, json=body)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    async def titles(self, user: str = "alice", **params: Any) -> list[str]:
        r = await self.call("GET", "", user, params=params)
        assert r.status_code == 200, r.text
        return [t["title"] for t in r.json()["tasks"]]


def app_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"rate_limit": "100000/minute"})


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Api]:
    """The app with its lifespan, in this task (the MCP hook's task group must exit where it entered)."""
    s = app_settings(settings)
    async with in_process(s, clock=Clock(fixed=NOW), model=ScriptedModel([])) as (_app, http):
        yield Api(http, s)


ROUTES = [
    ("GET", ""),
    ("POST", ""),
    ("GET", "/1"),
    ("PATCH", "/1"),
    ("DELETE", "/1"),
    ("POST", "/1/complete"),
    ("POST", "/1/reopen"),
    ("POST", "/undo"),
    ("POST", "/bulk/complete"),
    ("POST", "/bulk/delete"),
    ("POST", "/bulk/update"),
]
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", ""): {"title": "x"},
    ("PATCH", "/1"): {"title": "y"},
    ("POST", "/bulk/complete"): {"all": True},
    ("POST", "/bulk/delete"): {"all": True, "confirm": True},
    ("POST", "/bulk/update"): {"all": True, "changes": {"priority": "high"}},
}


async def test_every_route_needs_a_valid_token(settings: Settings) -> None:
    async with running(settings) as api:
        s = api.settings
        secret = s.resolved_jwt_secret()
        now = datetime.now(UTC)
        expired = jwt.encode({"sub": "alice", "iat": now - timedelta(hours=2), "exp": now - timedelta(hours=1)}, secret, algorithm="HS256")
        forged = jwt.encode({"sub": "alice", "exp": now + timedelta(hours=1)}, "another-secret-" + "z" * 32, algorithm="HS256")
        no_exp = jwt.encode({"sub": "alice"}, secret, algorithm="HS256")
        await api.add(title="Alice's task")
        bad_headers = [
            {},
            {"Authorization": "Bearer"},
            {"Authorization": "Basic YWxpY2U6eA=="},
            {"Authorization": "Bearer not-a-jwt"},
            {"Authorization": f"Bearer {expired}"},
            {"Authorization": f"Bearer {forged}"},
            {"Authorization": f"Bearer {no_exp}"},
        ]
        for method, path in [*ROUTES, ("GET", "/../../v1/me"), ("PUT", "/../../v1/me/timezone")]:
            for headers in bad_headers:
                r = await api.http.request(method, BASE + path, headers=headers, json=BODIES.get((method, path)))
                assert r.status_code == 401, (method, path, headers, r.text)
                assert r.json()["error"] == "unauthorized"
                assert r.headers["www-authenticate"] == "Bearer"
        r = await api.http.post(BASE, json={"title": "x"}, headers={"Authorization": f"Bearer {expired}"})
        assert "expired" in r.json()["message"]
        # nothing changed
        assert await api.titles() == ["Alice's task"]


async def test_routes_create_read_change_complete_reopen_delete_undo(settings: Settings) -> None:
    async with running(settings) as api:
        r = await api.call("POST", "", json={"title": "Pay rent", "due": "2026-11-20", "priority": "high", "tags": ["#Home"], "description": "flat 2"})
        assert r.status_code == 201
        task = r.json()
        assert {k: task[k] for k in ("number", "title", "due", "due_all_day", "priority", "tags", "completed", "overdue")} == {
            "number": 1, "title": "Pay rent", "due": "2026-11-20", "due_all_day": True, "priority": "high",
            "tags": ["home"], "completed": False, "overdue": False,
        }
        assert task["created_at"] == task["updated_at"] == "2026-11-18T09:00:00Z"
        assert (await api.call("GET", "/1")).json() == task

        r = await api.call("PATCH", "/1", json={"title": "Pay the rent", "due": "2026-11-20T18:30", "add_tags": ["money"]})
        assert r.status_code == 200
        assert (r.json()["title"], r.json()["due"], r.json()["due_all_day"], r.json()["tags"]) == ("Pay the rent", "2026-11-20T18:30", False, ["home", "money"])
        r = await api.call("PATCH", "/1", json={"due": ""})
        assert r.json()["due"] is None

        r = await api.call("POST", "/1/complete")
        assert r.status_code == 200
        assert r.json()["task"]["completed"] and r.json()["task"]["completed_at"] == "2026-11-18T09:00:00Z"
        assert r.json()["next_task"] is None
        r = await api.call("POST", "/1/reopen")
        assert r.status_code == 200 and not r.json()["completed"] and r.json()["completed_at"] is None

        r = await api.call("DELETE", "/1")
        assert r.status_code == 204 and r.content == b""
        assert (await api.call("GET", "/1")).status_code == 404
        assert (await api.call("DELETE", "/1")).status_code == 404
        r = await api.call("POST", "/undo")
        assert r.status_code == 200 and [t["title"] for t in r.json()["tasks"]] == ["Pay the rent"]
        assert r.json()["message"] == "Undid: deleted 'Pay the rent'"
        assert (await api.call("GET", "/1")).status_code == 200
        # every change is undoable, newest first: reopen, complete, due cleared, the edit, the add
        r = await api.call("POST", "/undo")
        assert r.json()["action"] == "reopen" and r.json()["tasks"][0]["completed"] is True
        r = await api.call("POST", "/undo")
        assert r.json()["action"] == "complete" and r.json()["tasks"][0]["completed"] is False
        r = await api.call("POST", "/undo")
        assert r.json()["tasks"][0]["due"] == "2026-11-20T18:30"
        r = await api.call("POST", "/undo")
        assert (r.json()["tasks"][0]["title"], r.json()["tasks"][0]["tags"]) == ("Pay rent", ["home"])
        r = await api.call("POST", "/undo")
        assert r.json()["action"] == "add" and r.json()["removed"] == [1]
        assert (await api.call("GET", "/1")).status_code == 404
        r = await api.call("POST", "/undo")
        assert r.status_code == 409 and r.json()["error"] == "nothing_to_undo"
        r = await api.call("POST", "/redo")
        assert r.status_code == 200 and r.json()["message"].startswith("Redid: added") and (await api.call("GET", "/1")).status_code == 200
        feed = (await api.http.get("/api/v1/activity", params={"limit": 3}, headers=api.auth())).json()
        assert [(e["action"], e["undone"]) for e in feed["entries"]] == [("delete", True), ("reopen", True), ("complete", True)]
        assert feed["next_before"] == feed["entries"][-1]["id"]
        older = (await api.http.get("/api/v1/activity", params={"before": feed["next_before"]}, headers=api.auth())).json()
        assert [(e["action"], e["undone"]) for e in older["entries"]] == [("update", True), ("update", True), ("add", False)]
        assert older["next_before"] is None
        assert (await api.http.get("/api/v1/activity", headers=api.auth("bob"))).json()["entries"] == []

        r = await api.call("POST", "", json={"title": "Yoga", "due": "2026-11-18T08:00", "recurrence": "daily", "tags": ["health"], "priority": "low"})
        r = await api.call("POST", f"/{r.json()['number']}/complete")
        nxt = r.json()["next_task"]
        assert (nxt["title"], nxt["due"], nxt["tags"], nxt["priority"], nxt["recurrence"]) == ("Yoga", "2026-11-19T08:00", ["health"], "low", "FREQ=DAILY")


async def test_another_users_task_is_not_found_and_untouched(settings: Settings) -> None:
    async with running(settings) as api:
        bob = await api.add("bob", title="Bob's secret plan", description="top secret")
        for method, path in ROUTES[2:7]:
            tally.cross_user("rest")
            r = await api.call(method, path, "alice", json=BODIES.get((method, path)))
            assert r.status_code == 404, (method, path, r.text)
            assert r.json()["error"] == "not_found"
            assert "secret" not in r.text
        assert await api.titles("alice") == []
        tally.cross_user("rest", 4)  # undo, bulk delete, bulk complete (all, then bob's number)
        assert (await api.call("POST", "/undo", "alice")).status_code == 409
        r = await api.call("POST", "/bulk/delete", "alice", json={"filter": {"numbers": [1]}, "confirm": True})
        assert r.status_code == 404
        r = await api.call("POST", "/bulk/complete", "alice", json={"all": True})
        assert r.json()["tasks"] == []
        r = await api.call("POST", "/bulk/complete", "alice", json={"numbers": [1]})
        assert r.status_code == 404 and r.json()["numbers"] == [1]
        # alice's own task 1 is hers, never bob's
        mine = await api.add("alice", title="Alice's own")
        assert mine["number"] == 1
        assert (await api.call("GET", "/1", "alice")).json()["title"] == "Alice's own"
        assert (await api.call("GET", "/1", "bob")).json() == bob


async def test_validation_errors_name_the_field_and_change_nothing(settings: Settings) -> None:
    async with running(settings) as api:
        kept = await api.add(title="Keep", tags=["a"], priority="low")
        cases: list[tuple[str, str, dict[str, Any], str]] = [
            ("POST", "", {"title": "x" * 201}, "title"),
            ("POST", "", {"title": ""}, "title"),
            ("POST", "", {"title": "ok", "description": "d" * 1001}, "description"),
            ("POST", "", {"title": "ok", "priority": "urgent-ish"}, "priority"),
            ("POST", "", {"title": "ok", "tags": ["two words"]}, "tags"),
            ("POST", "", {"title": "ok", "due": "2026-02-30"}, "due"),
            ("POST", "", {"title": "ok", "recurrence": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "recurrence"),
            ("POST", "", {"title": "ok", "recurrence": "FREQ=SECONDLY"}, "recurrence"),
            ("POST", "", {"description": "no title"}, "title"),
            ("POST", "", {"title": "ok", "tags": "work"}, "tags"),
            ("PATCH", "/1", {"title": "x" * 201}, "title"),
            ("PATCH", "/1", {"description": "d" * 1001}, "description"),
            ("PATCH", "/1", {"priority": "urgent-ish"}, "priority"),
            ("PATCH", "/1", {"due": "2026-02-30"}, "due"),
            ("PATCH", "/1", {"tags": ["#ok", "not ok"]}, "tags"),
            ("POST", "/bulk/delete", {"filter": {"priority": "urgent-ish"}, "confirm": True}, "priority"),
            ("POST", "/bulk/complete", {"filter": {"due": "2026-02-30"}}, "due"),
        ]
        for method, path, body, field in cases:
            r = await api.call(method, path, json=body)
            assert r.status_code == 422, (body, r.text)
            err = r.json()
            assert err["error"] == "validation" and err["field"] == field, (body, err)
            assert err["message"]
        for params, field in [({"priority": "urgent-ish"}, "priority"), ({"due": "2026-02-30"}, "due"),
                              ({"sort": "colour"}, "sort"), ({"limit": 0}, "limit"), ({"cursor": "!!"}, "cursor"),
                              ({"status": "maybe"}, "status"), ({"tag": "two words"}, "tag")]:  # fmt: skip
            r = await api.call("GET", "", params=params)
            assert r.status_code == 422, (params, r.text)
            assert r.json()["field"] == field, r.json()
        r = await api.call("GET", "/abc")
        assert r.status_code == 422 and r.json()["field"] == "number"
        r = await api.http.post(BASE, content=b"{not json", headers={**api.auth(), "content-type": "application/json"})
        assert r.status_code == 422 and r.json()["error"] == "validation"
        assert (await api.call("GET", "/1")).json() == kept
        assert await api.titles() == ["Keep"]


async def test_filters_sorts_and_pagination(settings: Settings) -> None:
    async with running(settings) as api:
        for title, due, prio, tags, desc in [
            ("Buy milk", "2026-11-18", "low", ["home"], "semi-skimmed"),
            ("Call dentist", "2026-11-19T08:30", "high", ["health"], ""),
            ("File taxes", "2026-11-10", "medium", ["money"], "before the deadline"),
            ("Plan holiday", "2026-11-22", None, [], "look at milk farms"),
            ("Renew passport", "2026-12-01", None, [], ""),
            ("Read book", None, "low", ["home"], ""),
        ]:
            await api.add(title=title, due=due, priority=prio, tags=tags, description=desc)
        await api.call("POST", "/6/complete")
        await api.add("bob", title="Bob milk", due="2026-11-18")

        assert await api.titles(due="today") == ["Buy milk"]
        assert await api.titles(due="tomorrow") == ["Call dentist"]
        assert await api.titles(due="overdue") == ["File taxes"]
        assert await api.titles(due="this_week") == ["Buy milk", "Call dentist", "Plan holiday"]
        assert await api.titles(due="2026-12-01") == ["Renew passport"]
        assert await api.titles(due_before="2026-11-18") == ["Buy milk", "File taxes"]
        assert await api.titles(due_after="2026-11-22") == ["Plan holiday", "Renew passport"]
        assert await api.titles(status="completed") == ["Read book"]
        assert await api.titles(status="pending", priority="low") == ["Buy milk"]
        assert await api.titles(tag="#HOME") == ["Buy milk", "Read book"]
        assert await api.titles(q="milk") == ["Buy milk", "Plan holiday"]
        assert await api.titles(sort="due") == ["File taxes", "Buy milk", "Call dentist", "Plan holiday", "Renew passport", "Read book"]
        assert (await api.titles(sort="priority"))[:2] == ["Call dentist", "File taxes"]
        assert await api.titles(sort="title") == sorted(await api.titles(), key=str.lower)
        assert await api.titles(sort="created") == await api.titles()

        seen: list[str] = []
        cursor = None
        pages = 0
        while True:
            params: dict[str, Any] = {"limit": 4, "sort": "due"}
            if cursor:
                params["cursor"] = cursor
            page = (await api.call("GET", "", params=params)).json()
            pages += 1
            seen += [t["title"] for t in page["tasks"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert pages == 2
        assert seen == await api.titles(sort="due")
        page = (await api.call("GET", "", params={"limit": 6})).json()
        assert len(page["tasks"]) == 6 and page["next_cursor"] is None


async def test_bulk_delete_needs_confirmation_then_undo_restores(settings: Settings) -> None:
    async with running(settings) as api:
        for title, tags in [("a", ["work"]), ("b", ["work"]), ("c", ["home"])]:
            await api.add(title=title, tags=tags)
        await api.add("bob", title="bob work", tags=["work"])

        r = await api.call("POST", "/bulk/delete", json={"filter": {"tag": "work"}})
        assert r.status_code == 409
        assert r.json()["error"] == "confirmation_required"
        assert r.json()["would_delete"] == [{"number": 1, "title": "a"}, {"number": 2, "title": "b"}]
        assert await api.titles() == ["a", "b", "c"]
        r = await api.call("POST", "/bulk/delete", json={"filter": {"tag": "work"}, "confirm": True})
        assert r.status_code == 200 and [t["number"] for t in r.json()["tasks"]] == [1, 2]
        assert await api.titles() == ["c"]
        assert await api.titles("bob") == ["bob work"]
        r = await api.call("POST", "/bulk/delete", json={"filter": {"numbers": [3]}})  # one task: no confirmation
        assert r.status_code == 200 and await api.titles() == []
        assert [t["title"] for t in (await api.call("POST", "/undo")).json()["tasks"]] == ["c"]
        assert [t["title"] for t in (await api.call("POST", "/undo")).json()["tasks"]] == ["a", "b"]
        assert await api.titles() == ["a", "b", "c"]

        r = await api.call("POST", "/bulk/complete", json={"filter": {"tag": "work"}})
        assert r.status_code == 200
        assert [(t["title"], t["completed"]) for t in r.json()["tasks"]] == [("a", True), ("b", True)]
        assert await api.titles(status="pending") == ["c"]
        r = await api.call("POST", "/bulk/complete", json={"filter": {"tag": "work"}})
        assert r.json()["tasks"] == []  # nothing left to change


async def test_openapi_describes_every_route_with_schemas(settings: Settings) -> None:
    async with running(settings) as api:
        doc = (await api.http.get("/openapi.json")).json()
        paths = doc["paths"]
        expected = {
            ("/api/v1/tasks", "get"): (None, "200"),
            ("/api/v1/tasks", "post"): ("TaskCreate", "201"),
            ("/api/v1/tasks/{number}", "get"): (None, "200"),
            ("/api/v1/tasks/{number}", "patch"): ("TaskChanges", "200"),
            ("/api/v1/tasks/{number}", "delete"): (None, "204"),
            ("/api/v1/tasks/{number}/complete", "post"): (None, "200"),
            ("/api/v1/tasks/{number}/reopen", "post"): (None, "200"),
            ("/api/v1/tasks/undo", "post"): (None, "200"),
            ("/api/v1/tasks/redo", "post"): (None, "200"),
            ("/api/v1/activity", "get"): (None, "200"),
            ("/api/v1/tasks/{number}/reminders", "get"): (None, "200"),
            ("/api/v1/tasks/{number}/reminders", "post"): ("ReminderSpec", "201"),
            ("/api/v1/reminders", "get"): (None, "200"),
            ("/api/v1/reminders/{reminder_id}", "delete"): (None, "200"),
            ("/api/v1/reminders/cancel", "post"): ("CancelRemindersRequest", "200"),
            ("/api/v1/tasks/bulk/complete", "post"): ("BulkRequest", "200"),
            ("/api/v1/tasks/bulk/delete", "post"): ("BulkRequest", "200"),
            ("/api/v1/tasks/bulk/update", "post"): ("BulkUpdateRequest", "200"),
            ("/api/v1/tasks/{number}/subtasks", "post"): ("SubtasksRequest", "201"),
            ("/api/v1/me", "get"): (None, "200"),
            ("/api/v1/me/timezone", "put"): ("TimezoneIn", "200"),
            ("/api/{user_id}/chat", "post"): ("ChatRequest", "200"),
            ("/api/{user_id}/conversations/{conversation_id}/messages", "get"): (None, "200"),
        }
        schemas = doc["components"]["schemas"]
        for (path, method), (request, ok) in expected.items():
            op = paths[path][method]
            assert op.get("summary"), (path, method)
            if request:
                ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/" + request), (path, method, ref)
            else:
                assert "requestBody" not in op, (path, method)
            if ok != "204":
                assert op["responses"][ok]["content"]["application/json"]["schema"], (path, method)
            for status in ("401", "422"):
                error = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert error.endswith("/ErrorOut"), (path, method, status)
        task_paths = [p for p in paths if p.startswith("/api/v1/tasks")]
        assert {(p, m) for p in task_paths for m in paths[p]} <= set(expected)
        assert "409" in paths["/api/v1/tasks/bulk/delete"]["post"]["responses"]
        assert {"error", "message", "field"} <= set(schemas["ErrorOut"]["properties"])
        assert "404" in paths["/api/v1/tasks/{number}"]["get"]["responses"]
        assert schemas["TaskOut"].get("example") or schemas["TaskOut"].get("examples")
        assert {"number", "title", "due", "priority", "tags", "recurrence", "overdue"} <= set(schemas["TaskOut"]["properties"])
        list_params = {p["name"] for p in paths["/api/v1/tasks"]["get"]["parameters"]}
        assert {"status", "priority", "tag", "due", "due_before", "due_after", "q", "sort", "limit", "cursor"} <= list_params
        assert (await api.http.get("/docs")).status_code == 200


async def test_patch_reschedules_by_the_service_rules(settings: Settings) -> None:
    async with running(settings) as api:
        await api.add(title="Dentist", due="2026-11-20T15:00")
        r = await api.call("PATCH", "/1", json={"due_day": "2026-11-24"})
        assert r.status_code == 200 and r.json()["due"] == "2026-11-24T15:00"
        r = await api.call("PATCH", "/1", json={"shift": "P1W", "later_only": True})
        assert r.json()["due"] == "2026-12-01T15:00"
        r = await api.call("PATCH", "/1", json={"due_day": "2026-11-19", "later_only": True})
        assert r.status_code == 409 and r.json()["error"] == "earlier_than_due"
        assert r.json()["current_due"] == "2026-12-01T15:00"
        r = await api.call("PATCH", "/1", json={"shift": "P9000Y"})
        assert r.status_code == 422 and r.json()["field"] == "shift"
        assert (await api.call("GET", "/1")).json()["due"] == "2026-12-01T15:00"
