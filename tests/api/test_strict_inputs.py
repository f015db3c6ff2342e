"""Strict request bodies and explicit bulk selections over the REST and chat APIs, in process, on
SQLite and PostgreSQL: unknown fields are a 422 naming the field and change nothing; a bulk change
names its tasks (numbers, a filter, or all) and answers with exactly the tasks it changed."""

from __future__ import annotations

from typing import Any

import pytest
from tests.api.test_rest_tasks import NOW, Api, app_settings, running
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.context import Clock


async def state(api: Api, user: str = "alice") -> list[tuple[int, str, bool]]:
    r = await api.call("GET", "", user, params={"limit": 500})
    assert r.status_code == 200, r.text
    return [(t["number"], t["title"], t["completed"]) for t in r.json()["tasks"]]


async def four(api: Api) -> list[tuple[int, str, bool]]:
    for title, tags in [("Buy milk", ["home"]), ("Call mom", []), ("Pay rent", ["home"]), ("Email boss", ["work"])]:
        await api.add(title=title, tags=tags)
    return await state(api)


def refused(r: Any, field: str, *, named: bool = False) -> None:
    """A 422 ``{error: validation, field, message}``; ``named``: the message names the field too."""
    assert r.status_code == 422, r.text
    body = r.json()
    assert (body["error"], body["field"]) == ("validation", field), body
    assert body["message"] and (not named or field in body["message"]), body


async def test_unknown_fields_are_refused_naming_the_field(settings: Settings) -> None:
    async with running(settings) as api:
        before = await four(api)
        cases: list[tuple[str, str, dict[str, Any], str]] = [
            ("POST", "", {"title": "x", "due_date": "2026-11-20"}, "due_date"),
            ("POST", "", {"title": "x", "Priority": "high"}, "Priority"),
            ("PATCH", "/1", {"title": "Buy oat milk", "colour": "red"}, "colour"),
            ("PATCH", "/1", {"due_date": "2026-11-20"}, "due_date"),
            ("POST", "/bulk/delete", {"number": [2], "confirm": True}, "number"),
            ("POST", "/bulk/delete", {"filter": {"tag": "home", "colour": "red"}, "confirm": True}, "colour"),
            ("POST", "/bulk/complete", {"filter": {"tags": ["home"]}}, "tags"),
            ("POST", "/bulk/complete", {"numbers": [2], "force": True}, "force"),
        ]
        for method, path, body, field in cases:
            refused(await api.call(method, path, json=body), field, named=True)
        assert await state(api) == before  # nothing changed

        r = await api.http.put("/api/v1/me/timezone", json={"timezone": "Asia/Tokyo", "tz": "x"}, headers=api.auth())
        refused(r, "tz", named=True)
        assert (await api.http.get("/api/v1/me", headers=api.auth())).json()["timezone"] != "Asia/Tokyo"
        r = await api.http.post("/api/alice/chat", json={"message": "add buy bread", "conversation": "c1"}, headers=api.auth())
        refused(r, "conversation", named=True)
        r = await api.http.post("/api/chatkit/refresh", json={"current_client_secret": "s", "user": "bob"}, headers=api.auth())
        refused(r, "user", named=True)
        assert await state(api) == before


async def test_bulk_changes_name_their_tasks_and_answer_exactly_those(settings: Settings) -> None:
    async with running(settings) as api:
        await four(api)
        # the reported requests: top-level numbers are the selection, never "everything"
        r = await api.call("POST", "/bulk/delete", json={"numbers": [2, 3], "confirm": True})
        assert r.status_code == 200, r.text
        assert [t["number"] for t in r.json()["tasks"]] == [2, 3]
        assert await state(api) == [(1, "Buy milk", False), (4, "Email boss", False)]
        r = await api.call("POST", "/bulk/complete", json={"numbers": [4]})
        assert [t["number"] for t in r.json()["tasks"]] == [4]
        assert await state(api) == [(1, "Buy milk", False), (4, "Email boss", True)]

        # completing needs no confirm over REST; already-done tasks are not "changed" again
        r = await api.call("POST", "/bulk/complete", json={"all": True})
        assert r.status_code == 200 and [t["number"] for t in r.json()["tasks"]] == [1]
        r = await api.call("POST", "/bulk/complete", json={"numbers": [1, 4]})
        assert r.json()["tasks"] == []

        # empty, missing or doubled selections: 422 naming the part, nothing changed
        before = await state(api)
        for path in ("/bulk/complete", "/bulk/delete"):
            for body, field in [
                ({}, "selection"),
                ({"confirm": True}, "selection"),
                ({"filter": {}}, "filter"),
                ({"filter": {"status": "all"}}, "filter"),
                ({"filter": {"query": "  ", "tag": ""}}, "filter"),
                ({"numbers": []}, "numbers"),
                ({"numbers": [1], "all": True}, "all"),
                ({"numbers": [1], "filter": {"tag": "home"}}, "filter"),
            ]:
                refused(await api.call("POST", path, json={**body, "confirm": True}), field)
            r = await api.call("POST", path, json={"numbers": [1, 99], "confirm": True})
            assert r.status_code == 404 and r.json()["numbers"] == [99], r.text
        assert await state(api) == before

        r = await api.call("POST", "/bulk/delete", json={"all": True})
        assert r.status_code == 409 and [t["number"] for t in r.json()["would_delete"]] == [1, 4]
        assert r.json()["would_change"] == r.json()["would_delete"]
        r = await api.call("POST", "/bulk/delete", json={"all": True, "confirm": True})
        assert [t["number"] for t in r.json()["tasks"]] == [1, 4]
        assert await state(api) == []


@pytest.mark.parametrize("number", [0, -1, 2**31, 2**63, 10**30])
async def test_task_numbers_beyond_the_column_are_422(settings: Settings, number: int) -> None:
    async with running(settings) as api:
        await api.add(title="Keep")
        for method, path in [("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/complete"), ("POST", "/reopen")]:
            r = await api.call(method, f"/{number}{path}", json={"title": "x"} if method == "PATCH" else None)
            refused(r, "number")
        refused(await api.call("POST", "/bulk/delete", json={"numbers": [1, number], "confirm": True}), "numbers")
        refused(await api.call("POST", "/bulk/complete", json={"filter": {"numbers": [number]}}), "numbers")
        assert await state(api) == [(1, "Keep", False)]


async def test_chat_asks_before_completing_several_tasks(settings: Settings) -> None:
    from todochat.agent.models.builtin import BuiltinModel

    s = app_settings(settings)
    async with in_process(s, clock=Clock(fixed=NOW), model=BuiltinModel()) as (_app, http):
        auth = {"Authorization": f"Bearer {issue_token('alice', s)}"}
        api = Api(http, s)
        await four(api)
        r = await http.post("/api/alice/chat", json={"message": "mark everything as done"}, headers=auth)
        reply = r.json()
        assert "would complete 4 tasks" in reply["response"] and "Email boss" in reply["response"], reply
        assert [c["tool"] for c in reply["tool_calls"]] == ["complete_tasks"]
        assert not any(done for *_, done in await state(api))  # asked, changed nothing
        r = await http.post("/api/alice/chat", json={"message": "yes", "conversation_id": reply["conversation_id"]}, headers=auth)
        assert r.json()["tool_calls"][0]["arguments"] == {"numbers": [1, 2, 3, 4], "confirm": True}
        assert all(done for *_, done in await state(api))

        # a "no" leaves everything as it is
        await api.add(title="Water plants")
        await api.add(title="Walk dog")
        r = await http.post("/api/alice/chat", json={"message": "mark all my tasks as complete"}, headers=auth)
        conversation = r.json()["conversation_id"]
        assert "would complete 2 tasks" in r.json()["response"]
        await http.post("/api/alice/chat", json={"message": "no", "conversation_id": conversation}, headers=auth)
        assert [t for t in await state(api) if not t[2]] == [(5, "Water plants", False), (6, "Walk dog", False)]
