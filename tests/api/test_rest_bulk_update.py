"""REST ``POST /api/v1/tasks/bulk/update`` in process on SQLite and PostgreSQL: the same changes for
an explicit selection, strict bodies (422 naming the field), 404, 409 earlier_than_due, one undo."""

from __future__ import annotations

from typing import Any

from tests.api.test_rest_tasks import Api, running
from tests.api.test_strict_inputs import refused

from todochat.config import Settings

FRIDAY, MONDAY = "2026-11-20", "2026-11-23"  # the REST tests' clock is Wednesday 18 Nov 2026


async def dues(api: Api, user: str = "alice") -> list[tuple[int, str, str | None, str]]:
    r = await api.call("GET", "", user, params={"limit": 500})
    assert r.status_code == 200, r.text
    return [(t["number"], t["title"], t["due"], t["priority"]) for t in r.json()["tasks"]]


async def week(api: Api) -> list[tuple[int, str, str | None, str]]:
    for title, due in [("Dentist", f"{FRIDAY}T15:00"), ("Pay rent", FRIDAY), ("Gym", "2026-11-19T18:00"), ("Read", None)]:
        await api.add(title=title, due=due)
    await api.add("bob", title="Bob's dentist", due=f"{FRIDAY}T15:00")
    return await dues(api)


async def test_bulk_update_moves_the_selection_and_undo_reverts_it(settings: Settings) -> None:
    async with running(settings) as api:
        before = await week(api)
        bob = await dues(api, "bob")
        r = await api.call("POST", "/bulk/update", json={"filter": {"due": FRIDAY}, "changes": {"due_day": MONDAY}})
        assert r.status_code == 200, r.text
        assert [(t["number"], t["due"], t["due_all_day"]) for t in r.json()["tasks"]] == [
            (1, f"{MONDAY}T15:00", False),
            (2, MONDAY, True),
        ]
        assert r.json()["created"] == []
        assert await dues(api) == [
            (1, "Dentist", f"{MONDAY}T15:00", "none"),
            (2, "Pay rent", MONDAY, "none"),
            before[2],
            before[3],
        ]
        assert await dues(api, "bob") == bob

        r = await api.call("POST", "/bulk/update", json={"numbers": [3, 4], "changes": {"priority": "high", "add_tags": ["q4"]}})
        assert r.status_code == 200 and [(t["number"], t["tags"]) for t in r.json()["tasks"]] == [(3, ["q4"]), (4, ["q4"])]

        undone = await api.call("POST", "/undo")
        assert undone.json()["message"] == "Undid: changed 2 tasks"
        undone = await api.call("POST", "/undo")
        assert undone.status_code == 200 and undone.json()["message"] == "Undid: changed 2 tasks"
        assert [t["number"] for t in undone.json()["tasks"]] == [1, 2]
        assert await dues(api) == before


async def test_bulk_update_refuses_bad_bodies_and_changes_nothing(settings: Settings) -> None:
    async with running(settings) as api:
        before = await week(api)
        cases: list[tuple[dict[str, Any], str]] = [
            ({"numbers": [1, 2], "changes": {"priority": "high"}, "colour": "red"}, "colour"),
            ({"numbers": [1, 2], "changes": {"priority": "high"}, "confirm": True}, "confirm"),
            ({"numbers": [1, 2], "changes": {"priority": "high", "colour": "red"}}, "colour"),
            ({"numbers": [1, 2], "changes": {"due_date": MONDAY}}, "due_date"),
            ({"filter": {"due": FRIDAY, "tags": ["x"]}, "changes": {"priority": "high"}}, "tags"),
        ]
        for body, field in cases:
            refused(await api.call("POST", "/bulk/update", json=body), field, named=True)
        for body, field in [
            ({"numbers": [1, 2]}, "changes"),
            ({"changes": {"priority": "high"}}, "selection"),
            ({"numbers": [], "changes": {"priority": "high"}}, "numbers"),
            ({"filter": {}, "changes": {"priority": "high"}}, "filter"),
            ({"numbers": [1], "all": True, "changes": {"priority": "high"}}, "all"),
            ({"numbers": [1, 2], "changes": {}}, None),
            ({"numbers": [1, 2], "changes": {"title": "Same"}}, "title"),
            ({"numbers": [1, 2], "changes": {"priority": "urgent-ish"}}, "priority"),
            ({"numbers": [1, 2], "changes": {"shift": "soon"}}, "shift"),
            ({"numbers": [1, 4], "changes": {"shift": "P1D"}}, "shift"),  # task 4 has no due date
        ]:
            r = await api.call("POST", "/bulk/update", json=body)
            assert r.status_code == 422 and r.json()["error"] == "validation", (body, r.text)
            assert r.json()["field"] == field, (body, r.json())
        r = await api.call("POST", "/bulk/update", json={"numbers": [1, 99], "changes": {"priority": "high"}})
        assert r.status_code == 404 and r.json()["numbers"] == [99], r.text
        r = await api.call("POST", "/bulk/update", "bob", json={"numbers": [2], "changes": {"priority": "high"}})
        assert r.status_code == 404  # alice's task 2 is not bob's
        # postponing: Pay rent (Friday) would move earlier than its due date — nothing moves
        r = await api.call("POST", "/bulk/update", json={"numbers": [2, 3], "changes": {"due_day": "2026-11-19", "later_only": True}})
        assert r.status_code == 409 and r.json()["error"] == "earlier_than_due", r.text
        assert (r.json()["current_due"], r.json()["requested_due"]) == (FRIDAY, "2026-11-19")
        assert await dues(api) == before
        # nothing above was a change: there is nothing to undo but the adds
        assert (await api.call("POST", "/undo")).json()["action"] == "add"


async def test_bulk_update_is_in_the_openapi_document(settings: Settings) -> None:
    async with running(settings) as api:
        doc = (await api.http.get("/openapi.json")).json()
        op = doc["paths"]["/api/v1/tasks/bulk/update"]["post"]
        assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/BulkUpdateRequest")
        assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/BulkResult")
        assert {"401", "404", "409", "422"} <= set(op["responses"])
        schema = doc["components"]["schemas"]["BulkUpdateRequest"]
        assert schema["additionalProperties"] is False and schema["required"] == ["changes"]
        assert {"filter": {"due": "2026-12-04"}, "changes": {"due_day": "2026-12-07"}} in schema["examples"]
