"""REST reminders in process (ASGI) on SQLite and PostgreSQL: add, list, cancel, undo, the body's
strict shape (offset required, one of at/before_minutes), a past time, the 21st reminder, another
user's reminder, and the reminder on the task's own JSON."""

from __future__ import annotations

from typing import Any

import pytest
from tests.api.test_rest_tasks import Api, running

from todochat.config import Settings

TZ = {"X-Timezone": "Europe/Berlin"}  # NOW (tests/api/test_rest_tasks.py) is Wed 18 Nov 2026 10:00 here


async def add(api: Api, **body: Any) -> Any:
    r = await api.call("POST", "", json=body, headers=TZ)
    assert r.status_code == 201, r.text
    return r.json()


async def remind(api: Api, number: int, body: dict[str, Any], user: str = "alice") -> Any:
    return await api.http.post(f"/api/v1/tasks/{number}/reminders", json=body, headers=api.auth(user, **TZ))


async def test_add_list_cancel_and_undo_a_reminder(settings: Settings) -> None:
    async with running(settings) as api:
        await add(api, title="Dentist", due="2026-11-20T15:00")
        relative = await remind(api, 1, {"before_minutes": 30})
        assert relative.status_code == 201, relative.text
        body = relative.json()
        assert {k: body[k] for k in ("task_number", "task_title", "before_minutes", "at", "status", "fire_at")} == {
            "task_number": 1, "task_title": "Dentist", "before_minutes": 30, "at": None, "status": "pending",
            "fire_at": "2026-11-20T14:30:00+01:00",
        }
        absolute = await remind(api, 1, {"at": "2026-11-19T08:00:00Z"})
        assert absolute.status_code == 201 and absolute.json()["fire_at"] == "2026-11-19T09:00:00+01:00"

        listed = await api.http.get("/api/v1/tasks/1/reminders", headers=api.auth(**TZ))
        assert [r["id"] for r in listed.json()] == [absolute.json()["id"], body["id"]]  # soonest first
        every = await api.http.get("/api/v1/reminders", headers=api.auth(**TZ))
        assert every.json() == listed.json()
        task = (await api.call("GET", "/1", headers=TZ)).json()
        assert task["next_reminder"] == "2026-11-19T09:00:00+01:00" and len(task["reminders"]) == 2

        gone = await api.http.delete(f"/api/v1/reminders/{body['id']}", headers=api.auth(**TZ))
        assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
        again = await api.http.delete(f"/api/v1/reminders/{body['id']}", headers=api.auth())
        assert again.status_code == 404 and again.json()["error"] == "not_found"
        assert [r["id"] for r in (await api.http.get("/api/v1/reminders", headers=api.auth())).json()] == [absolute.json()["id"]]
        cancelled = await api.http.get("/api/v1/reminders", params={"status": "cancelled"}, headers=api.auth())
        assert [r["id"] for r in cancelled.json()] == [body["id"]]

        undo = await api.call("POST", "/undo", headers=TZ)
        assert undo.json()["message"] == "Undid: cancelled the reminder of 'Dentist' 30 min before"
        assert len((await api.http.get("/api/v1/reminders", headers=api.auth())).json()) == 2


async def test_create_a_task_with_reminders(settings: Settings) -> None:
    async with running(settings) as api:
        task = await add(api, title="Pay rent", due="2026-12-01", reminders=[{"before_minutes": 0}, {"at": "2026-11-30T18:00:00+01:00"}])
        assert [r["before_minutes"] for r in task["reminders"]] == [None, 0]
        assert task["next_reminder"] == "2026-11-30T18:00:00+01:00"
        assert task["reminders"][1]["fire_at"] == "2026-12-01T09:00:00+01:00"  # an all-day due: 09:00 local


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "at"),
        ({"at": "2026-11-19T08:00:00"}, "at"),  # no offset
        ({"at": "tomorrow"}, "at"),
        ({"at": "2026-11-19T08:00:00Z", "before_minutes": 5}, "before_minutes"),
        ({"before_minutes": -5}, "before_minutes"),
        ({"before_minutes": 40321}, "before_minutes"),
        ({"before_minutes": "soon"}, "before_minutes"),
        ({"minutes": 5}, "minutes"),  # unknown field
    ],
)
async def test_bad_bodies_are_422_naming_the_field(settings: Settings, body: dict[str, Any], field: str) -> None:
    async with running(settings) as api:
        await add(api, title="Dentist", due="2026-11-20T15:00")
        r = await remind(api, 1, body)
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field, r.json()
        assert (await api.http.get("/api/v1/reminders", headers=api.auth())).json() == []


async def test_past_time_twenty_first_reminder_and_no_due(settings: Settings) -> None:
    async with running(settings) as api:
        await add(api, title="Dentist", due="2026-11-20T15:00")
        await add(api, title="Someday")
        past = await remind(api, 1, {"at": "2026-11-18T08:59:00Z"})
        assert past.status_code == 422 and past.json()["error"] == "reminder_in_past"
        assert past.json()["message"] == "That time has passed — remind you now?"
        no_due = await remind(api, 2, {"before_minutes": 10})
        assert no_due.status_code == 422 and no_due.json()["field"] == "before_minutes"
        for minutes in range(20):
            assert (await remind(api, 1, {"before_minutes": minutes})).status_code == 201
        too_many = await remind(api, 1, {"before_minutes": 99})
        assert too_many.status_code == 422 and too_many.json()["field"] == "reminders"
        assert len((await api.http.get("/api/v1/reminders", headers=api.auth())).json()) == 20


async def test_another_users_reminder_is_404(settings: Settings) -> None:
    async with running(settings) as api:
        await add(api, title="Dentist", due="2026-11-20T15:00")
        mine = (await remind(api, 1, {"before_minutes": 30})).json()
        assert (await api.http.delete(f"/api/v1/reminders/{mine['id']}", headers=api.auth("bob"))).status_code == 404
        assert (await api.http.get("/api/v1/tasks/1/reminders", headers=api.auth("bob"))).status_code == 404
        assert (await remind(api, 1, {"before_minutes": 5}, user="bob")).status_code == 404
        assert (await api.http.get("/api/v1/reminders", headers=api.auth("bob"))).json() == []
        assert (await api.http.delete("/api/v1/reminders/0", headers=api.auth())).status_code == 422
        assert (await api.http.get("/api/v1/reminders")).status_code == 401
        assert [r["status"] for r in (await api.http.get("/api/v1/reminders", headers=api.auth())).json()] == ["pending"]


async def test_openapi_documents_the_reminder_routes(settings: Settings) -> None:
    async with running(settings) as api:
        schema = (await api.http.get("/openapi.json")).json()
        assert {"/api/v1/tasks/{number}/reminders", "/api/v1/reminders", "/api/v1/reminders/{reminder_id}"} <= set(schema["paths"])
        spec = schema["components"]["schemas"]["ReminderSpec"]
        assert set(spec["properties"]) == {"at", "before_minutes"} and spec["additionalProperties"] is False


async def test_list_reminders_by_time_span(settings: Settings) -> None:
    async with running(settings) as api:
        await add(api, title="Dentist", due="2026-11-20T15:00")
        await add(api, title="Gym", due="2026-11-19T07:00")
        for number, body in ((1, {"before_minutes": 30}), (1, {"before_minutes": 10}), (2, {"before_minutes": 15})):
            assert (await remind(api, number, body)).status_code == 201

        async def titles(**params: str) -> list[str]:
            r = await api.http.get("/api/v1/reminders", params=params, headers=api.auth(**TZ))
            assert r.status_code == 200, r.text
            return [f"{x['task_title']} {x['fire_at'][11:16]}" for x in r.json()]

        assert await titles(when="tomorrow") == ["Gym 06:45"]  # Thu 19 Nov in Berlin
        assert await titles(when="2026-11-20") == ["Dentist 14:30", "Dentist 14:50"]
        assert await titles(**{"from": "2026-11-20T14:40"}) == ["Dentist 14:50"]
        assert await titles(to="2026-11-19") == ["Gym 06:45"]
        assert await titles(**{"from": "2026-11-19T06:45:00+01:00", "to": "2026-11-19T06:46:00+01:00"}) == ["Gym 06:45"]
        for params, field in (({"when": "someday"}, "when"), ({"from": "friday"}, "from"),
                              ({"from": "2026-11-20", "to": "2026-11-19"}, "to")):
            bad = await api.http.get("/api/v1/reminders", params=params, headers=api.auth(**TZ))
            assert bad.status_code == 422 and bad.json()["field"] == field, bad.text


async def test_list_a_tasks_reminders_by_time_span(settings: Settings) -> None:
    """``GET /api/v1/tasks/{n}/reminders`` takes the span of ``GET /api/v1/reminders`` (when, from, to)
    and keeps to that task: the other task's reminder in the span is not listed."""
    async with running(settings) as api:
        await add(api, title="Dentist", due="2026-11-20T15:00")
        await add(api, title="Gym", due="2026-11-20T07:00")
        for number, body in ((1, {"before_minutes": 30}), (1, {"at": "2026-11-19T08:00:00Z"}), (2, {"before_minutes": 15})):
            assert (await remind(api, number, body)).status_code == 201

        async def times(**params: str) -> list[str]:
            r = await api.http.get("/api/v1/tasks/1/reminders", params=params, headers=api.auth(**TZ))
            assert r.status_code == 200, r.text
            assert {x["task_number"] for x in r.json()} <= {1}
            return [x["fire_at"][:16] for x in r.json()]

        assert await times() == ["2026-11-19T09:00", "2026-11-20T14:30"]
        assert await times(when="tomorrow") == ["2026-11-19T09:00"]  # Thu 19 Nov in Berlin
        assert await times(when="2026-11-20") == ["2026-11-20T14:30"]  # not Gym's 06:45 that day
        assert await times(**{"from": "2026-11-19T10:00"}) == ["2026-11-20T14:30"]
        assert await times(to="2026-11-19") == ["2026-11-19T09:00"]
        assert await times(when="next_week") == []
        for params, field in (({"when": "someday"}, "when"), ({"to": "soon"}, "to"),
                              ({"from": "2026-11-20", "to": "2026-11-19"}, "to")):
            bad = await api.http.get("/api/v1/tasks/1/reminders", params=params, headers=api.auth(**TZ))
            assert bad.status_code == 422 and bad.json()["field"] == field, bad.text
        other = await api.http.get("/api/v1/tasks/1/reminders", params={"when": "tomorrow"}, headers=api.auth("bob", **TZ))
        assert other.status_code == 404
