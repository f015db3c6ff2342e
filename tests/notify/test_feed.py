"""The calendar feed (RFC 5545) on SQLite and PostgreSQL: parsed back with ``icalendar``, with a
VALARM per pending reminder; revocable; a new feed replaces the old; URLs from the public URL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from tests.clock import TEST_NOW
from tests.notify.conftest import add_reminder
from tests.servers import in_process

from todochat.api.auth import issue_token
from todochat.config import Settings
from todochat.tasks.models import Reminder

BERLIN = ZoneInfo("Europe/Berlin")


def auth(settings: Settings, user: str = "alice") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, settings)}"}


async def test_feed_has_tasks_and_alarms(settings: Settings) -> None:
    s = settings.model_copy(update={"reminders_dispatch": False, "public_url": "https://todo.example.com/"})
    h = auth(s)
    async with in_process(s) as (app, http):
        await http.put("/api/v1/me/timezone", headers=h, json={"timezone": "Europe/Berlin"})
        dentist = (await http.post("/api/v1/tasks", headers=h, json={
            "title": "Dentist", "due": "2026-11-25T15:00", "priority": "high", "tags": ["health", "errand"],
            "recurrence": "FREQ=MONTHLY;COUNT=3"})).json()
        rent = (await http.post("/api/v1/tasks", headers=h, json={"title": "Pay rent", "due": "2026-11-30"})).json()
        done = (await http.post("/api/v1/tasks", headers=h, json={"title": "Old thing", "due": "2026-11-24"})).json()
        await http.post(f"/api/v1/tasks/{done['number']}/complete", headers=h)
        await http.post("/api/v1/tasks", headers=auth(s, "bob"), json={"title": "Bob's secret"})
        assert dentist["due"].startswith("2026-11-25T15:00")  # shown in Berlin time
        due = datetime(2026, 11, 25, 15, 0, tzinfo=BERLIN)
        await add_reminder(app.state.sessionmaker, "alice", dentist["number"], due - timedelta(minutes=30), before_minutes=30)
        instant = datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN).astimezone(TEST_NOW.tzinfo)
        await add_reminder(app.state.sessionmaker, "alice", dentist["number"], instant)
        fired = await add_reminder(app.state.sessionmaker, "alice", rent["number"], TEST_NOW - timedelta(hours=1))
        async with app.state.sessionmaker.begin() as session:
            row = await session.get(Reminder, fired)
            assert row is not None
            row.status = "fired"  # a fired reminder is no longer an alarm

        created = await http.post("/api/v1/me/calendar-feed", headers=h)
        assert created.status_code == 201
        url = created.json()["url"]
        assert url.startswith("https://todo.example.com/feeds/") and url.endswith(".ics")
        path = url.removeprefix("https://todo.example.com")
        response = await http.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/calendar")
        await http.put("/api/v1/me/timezone", headers=h, json={"timezone": "America/New_York"})
        west = Calendar.from_ical((await http.get(path)).content)
        assert {str(t["summary"]): t.decoded("due") for t in west.walk("VTODO")}["Pay rent"] == date(2026, 11, 30)

    cal = Calendar.from_ical(response.content)
    todos = {str(t["summary"]): t for t in cal.walk("VTODO")}
    assert set(todos) == {"Dentist", "Pay rent"}  # open tasks only, this user's only
    d = todos["Dentist"]
    assert d.decoded("due") == due
    assert str(d["rrule"].to_ical().decode()) == "FREQ=MONTHLY;COUNT=3"
    assert int(d["priority"]) == 1
    assert sorted(str(c) for c in d["categories"].cats) == ["errand", "health"]
    triggers = sorted(
        (str(a["trigger"].params.get("RELATED", "START")), a.decoded("trigger")) for a in d.walk("VALARM")
    )
    assert triggers == sorted([("END", timedelta(minutes=-30)), ("START", instant)])
    rent_todo = todos["Pay rent"]
    assert rent_todo.decoded("due") == date(2026, 11, 30)  # an all-day task: a DATE, in the user's zone
    assert list(rent_todo.walk("VALARM")) == []
    [event] = cal.walk("VEVENT")  # only the timed task is also an event
    assert str(event["summary"]) == "Dentist" and event.decoded("dtstart") == due
    assert len(list(event.walk("VALARM"))) == 2


async def test_feed_revoked_and_replaced(settings: Settings) -> None:
    s = settings.model_copy(update={"reminders_dispatch": False})
    h = auth(s)
    async with in_process(s) as (_app, http):
        first = (await http.post("/api/v1/me/calendar-feed", headers=h)).json()["url"]
        second = (await http.post("/api/v1/me/calendar-feed", headers=h)).json()["url"]
        assert first.startswith("http://127.0.0.1:8000/feeds/")
        path = lambda url: "/feeds/" + url.rsplit("/feeds/", 1)[1]  # noqa: E731
        assert (await http.get(path(first))).status_code == 404  # replaced
        assert (await http.get(path(second))).status_code == 200
        assert (await http.delete("/api/v1/me/calendar-feed", headers=h)).status_code == 204
        assert (await http.get(path(second))).status_code == 404  # revoked
        assert (await http.get("/feeds/not-a-token.ics")).status_code == 404
        assert (await http.post("/api/v1/me/calendar-feed")).status_code == 401
