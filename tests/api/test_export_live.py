"""``GET /api/v1/export`` over a real ``todochat serve`` on SQLite and PostgreSQL: the CSV read back
with the csv module and the iCalendar with ``icalendar``, field by field."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import httpx
import pytest
from icalendar import Calendar
from tests.servers import LiveServer, live_server, server_factory  # noqa: F401 (fixtures)

from todochat.tasks.export import task_uid

pytestmark = pytest.mark.slow

TASKS = [
    {"title": "=HYPERLINK(\"http://evil\",\"x\")", "description": "+1 line\nsecond, \"quoted\"", "priority": "high",
     "tags": ["work", "q4"], "due": "2026-11-27", "recurrence": "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"},
    {"title": "Zahnarzt – Müller 🦷", "due": "2026-11-24T15:30", "priority": "low"},
    {"title": "@mention -minus", "description": "-5 °C outside"},
    {"title": "Pay rent", "due": "2026-12-01", "recurrence": "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=6", "priority": "medium"},
]


async def _seed(http: httpx.AsyncClient, headers: dict[str, str]) -> None:
    for body in TASKS:
        r = await http.post("/api/v1/tasks", json=body, headers=headers)
        assert r.status_code == 201, r.text
    assert (await http.post("/api/v1/tasks/4/complete", headers=headers)).status_code == 200


async def test_export_csv_and_ics_over_http(live_server: LiveServer) -> None:  # noqa: F811
    berlin = {**live_server.headers("alice"), "X-Timezone": "Europe/Berlin"}
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=30) as http:
        assert (await http.get("/api/v1/export")).status_code == 401
        await _seed(http, berlin)
        await http.post("/api/v1/tasks", json={"title": "Bob's secret"}, headers=live_server.headers("bob"))

        r = await http.get("/api/v1/export", params={"format": "csv"}, headers=berlin)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "text/csv; charset=utf-8"
        assert r.headers["content-disposition"] == 'attachment; filename="todochat-tasks-2026-11-23.csv"'
        assert r.content.count(b"\r\n") >= 6 and b"\n" not in r.content.replace(b"\r\n", b"").replace(b"+1 line\nsecond", b"")
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8"), newline="")))
        assert list(rows[0]) == ["number", "title", "description", "completed", "priority", "tags", "due", "due_all_day", "recurrence", "list", "parent"]
        assert [row["number"] for row in rows] == ["1", "2", "3", "4", "5"]  # 5: the next "Pay rent"
        first, dentist, mention, rent, rent_next = rows
        assert first == {"number": "1", "title": "'=HYPERLINK(\"http://evil\",\"x\")", "description": "'+1 line\nsecond, \"quoted\"",
                         "completed": "false", "priority": "high", "tags": "q4 work", "due": "2026-11-27",
                         "due_all_day": "true", "recurrence": "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "list": "Inbox", "parent": ""}
        assert (dentist["title"], dentist["due"], dentist["priority"], dentist["tags"]) == ("Zahnarzt – Müller 🦷", "2026-11-24T15:30", "low", "")
        assert (mention["title"], mention["description"]) == ("'@mention -minus", "'-5 °C outside")
        assert (rent["completed"], rent["due"], rent["recurrence"]) == ("true", "2026-12-01", "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=6")
        assert (rent_next["completed"], rent_next["due"]) == ("false", "2027-01-01")
        assert "Bob" not in r.text

        r = await http.get("/api/v1/export", params={"format": "csv", "status": "completed"}, headers=berlin)
        assert [row["number"] for row in csv.DictReader(io.StringIO(r.text, newline=""))] == ["4"]
        r = await http.get("/api/v1/export", params={"format": "csv", "tag": "work", "q": "hyperlink"}, headers=berlin)
        assert [row["number"] for row in csv.DictReader(io.StringIO(r.text, newline=""))] == ["1"]

        r = await http.get("/api/v1/export", params={"format": "ics"}, headers=berlin)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "text/calendar; charset=utf-8"
        assert r.headers["content-disposition"] == 'attachment; filename="todochat-tasks-2026-11-23.ics"'
        cal = Calendar.from_ical(r.content)
        assert (str(cal["version"]), str(cal["prodid"])) == ("2.0", "-//todochat//tasks export//EN")
        todos = cal.walk("VTODO")
        assert [str(t["uid"]) for t in todos] == [task_uid("alice", n) for n in range(1, 6)]
        one, two, three, four, five = todos
        assert str(one["summary"]) == TASKS[0]["title"]  # iCalendar is not a spreadsheet: no quote
        assert str(one["description"]) == TASKS[0]["description"]
        assert one["due"].dt == date(2026, 11, 27) and one["due"].params.get("VALUE") == "DATE"
        assert one["priority"] == 1 and one["status"] == "NEEDS-ACTION"
        assert sorted(one["categories"].cats) == ["q4", "work"]
        assert dict(one["rrule"]) == {"FREQ": ["WEEKLY"], "INTERVAL": [2], "BYDAY": ["FR"]}
        assert str(two["summary"]) == "Zahnarzt – Müller 🦷"
        assert two["due"].dt == datetime(2026, 11, 24, 14, 30, tzinfo=UTC)  # 15:30 in Berlin (CET)
        assert two["priority"] == 9 and "categories" not in two and "rrule" not in two
        assert "priority" not in three and str(three["description"]) == "-5 °C outside"
        assert four["status"] == "COMPLETED" and four["priority"] == 5
        assert four["completed"].dt == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        assert dict(four["rrule"]) == {"FREQ": ["MONTHLY"], "BYMONTHDAY": [1], "COUNT": [6]}
        assert five["status"] == "NEEDS-ACTION" and five["due"].dt == date(2027, 1, 1)
        assert all(t["dtstamp"].dt == datetime(2026, 11, 23, 9, 0, tzinfo=UTC) for t in todos)
        assert all("related-to" not in t for t in todos)
        r = await http.post("/api/v1/tasks/1/subtasks", json={"titles": ["Draft the slides"]}, headers=berlin)
        assert r.status_code == 201, r.text
        r = await http.get("/api/v1/export", params={"format": "ics"}, headers=berlin)
        sub = Calendar.from_ical(r.content).walk("VTODO")[-1]
        assert str(sub["summary"]) == "Draft the slides"
        assert (str(sub["related-to"]), sub["related-to"].params["RELTYPE"]) == (task_uid("alice", 1), "PARENT")
        r = await http.get("/api/v1/export", params={"format": "csv", "parent": 1}, headers=berlin)  # the filters of GET /api/v1/tasks
        assert [row["title"] for row in csv.DictReader(io.StringIO(r.text, newline=""))] == ["Draft the slides"]
        r = await http.get("/api/v1/export", params={"list": "Nowhere"}, headers=berlin)
        assert r.status_code == 404 and r.json()["field"] == "list"

        r = await http.get("/api/v1/export", params={"format": "pdf"}, headers=berlin)
        assert r.status_code == 422 and "format" in r.text
        r = await http.get("/api/v1/export", params={"due": "2026-02-30"}, headers=berlin)
        assert r.status_code == 422 and r.json()["field"] == "due"
        r = await http.get("/api/v1/export", params={"format": "ics"}, headers=live_server.headers("carol"))
        assert r.status_code == 200 and Calendar.from_ical(r.content).walk("VTODO") == []
