"""``POST /api/v1/reminders/cancel`` in process on SQLite and PostgreSQL: several reminders at once
by ids, task or all (``when`` narrowing), a 409 preview listing them without ``confirm``, one
journal entry (one undo brings all back), bad bodies 422 naming the field, another user's 404."""

from __future__ import annotations

from typing import Any

import pytest
from tests.api.test_rest_reminders import TZ, add, remind
from tests.api.test_rest_tasks import Api, running

from todochat.config import Settings


async def pending(api: Api, user: str = "alice") -> list[tuple[int, int]]:
    r = await api.http.get("/api/v1/reminders", headers=api.auth(user, **TZ))
    assert r.status_code == 200, r.text
    return [(x["task_number"], x["id"]) for x in r.json()]


async def cancel(api: Api, body: dict[str, Any], user: str = "alice") -> Any:
    return await api.http.post("/api/v1/reminders/cancel", json=body, headers=api.auth(user, **TZ))


async def three(api: Api) -> list[int]:
    """Dentist (task 1) with reminders Thu 19 Nov 09:00 and Fri 20 Nov 14:30, Gym (task 2) Fri 06:45."""
    await add(api, title="Dentist", due="2026-11-20T15:00")
    await add(api, title="Gym", due="2026-11-20T07:00")
    ids = []
    for number, body in ((1, {"at": "2026-11-19T08:00:00Z"}), (1, {"before_minutes": 30}), (2, {"before_minutes": 15})):
        r = await remind(api, number, body)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


async def test_preview_then_confirm_cancels_in_one_undo_step(settings: Settings) -> None:
    async with running(settings) as api:
        thu, fri, gym = await three(api)
        before = await pending(api)
        assert before == [(1, thu), (2, gym), (1, fri)]

        preview = await cancel(api, {"all": True})
        assert preview.status_code == 409, preview.text
        body = preview.json()
        assert body["error"] == "confirmation_required" and body["action"] == "cancel_reminders"
        assert [(w["reminder"], w["number"], w["title"], w["fire_at"][:16]) for w in body["would_change"]] == [
            (thu, 1, "Dentist", "2026-11-19T09:00"), (gym, 2, "Gym", "2026-11-20T06:45"), (fri, 1, "Dentist", "2026-11-20T14:30"),
        ]
        assert await pending(api) == before  # the preview changed nothing

        done = await cancel(api, {"all": True, "confirm": True})
        assert done.status_code == 200, done.text
        assert [(r["id"], r["status"]) for r in done.json()] == [(thu, "cancelled"), (gym, "cancelled"), (fri, "cancelled")]
        assert await pending(api) == []

        undo = await api.call("POST", "/undo", headers=TZ)
        assert undo.status_code == 200, undo.text
        assert undo.json()["message"] == "Undid: cancelled 3 reminders of 2 tasks"
        assert await pending(api) == before  # one undo brings all three back


async def test_by_task_ids_and_span(settings: Settings) -> None:
    async with running(settings) as api:
        thu, fri, gym = await three(api)
        one = await cancel(api, {"task": 1, "when": "tomorrow"})  # only Thursday's: no question
        assert one.status_code == 200 and [r["id"] for r in one.json()] == [thu], one.text
        assert await pending(api) == [(2, gym), (1, fri)]

        ids = await cancel(api, {"reminders": [gym, fri]})
        assert ids.status_code == 409 and {w["reminder"] for w in ids.json()["would_change"]} == {gym, fri}
        ids = await cancel(api, {"reminders": [gym, fri], "confirm": True})
        assert ids.status_code == 200 and [r["id"] for r in ids.json()] == [gym, fri]
        assert await pending(api) == []


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "reminders"),
        ({"all": True, "task": 1}, 422, "reminders"),
        ({"reminders": []}, 422, "reminders"),
        ({"all": True, "when": "someday"}, 422, "when"),
        ({"all": True, "later": True}, 422, "later"),
        ({"task": 0}, 422, "task"),
        ({"task": 9}, 404, None),
        ({"reminders": [999]}, 404, None),
    ],
)
async def test_bad_selections_change_nothing(settings: Settings, body: dict[str, Any], status: int, field: str | None) -> None:
    async with running(settings) as api:
        await three(api)
        before = await pending(api)
        r = await cancel(api, {**body, "confirm": True})
        assert r.status_code == status, r.text
        if field is not None:
            assert field in r.text
        assert await pending(api) == before


async def test_another_users_reminders_are_not_found(settings: Settings) -> None:
    async with running(settings) as api:
        thu, fri, gym = await three(api)
        assert (await cancel(api, {"reminders": [thu], "confirm": True}, user="bob")).status_code == 404
        assert (await cancel(api, {"task": 1, "confirm": True}, user="bob")).status_code == 404
        nothing = await cancel(api, {"all": True, "confirm": True}, user="bob")
        assert nothing.status_code == 404, nothing.text
        assert await pending(api) == [(1, thu), (2, gym), (1, fri)]
