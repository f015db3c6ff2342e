"""Import over a real ``todochat serve`` on SQLite and PostgreSQL: each format, dry runs that change
nothing, bad files refused with their line, 413 for a file too large, the round trip of our CSV,
and one undo removing a whole import."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import httpx
import pytest
from tests.servers import LiveServer, server_factory  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).parents[1] / "tasks" / "imports" / "fixtures"
FORMATS = {"todoist.csv": "todoist", "todo.txt": "todotxt", "tasks.ics": "ics", "taskwarrior.json": "taskwarrior", "ours.csv": "csv"}
LIMIT = 200_000


def upload(name: str, data: bytes, mime: str = "text/plain") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, data, mime)}


async def announce_upload(server: LiveServer, headers: dict[str, str], size: int) -> tuple[int, bytes]:
    """Send only the head of a ``size``-byte multipart upload (as a client with a 50 MB file
    starts): the server must answer from the Content-Length, without reading the body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    head = (
        f"POST /api/v1/import?format=csv HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {headers['Authorization']}\r\n"
        f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {size}\r\n\r\n--b\r\n"
    )
    writer.write(head.encode())
    await writer.drain()
    answer = b""
    while chunk := await asyncio.wait_for(reader.read(65536), 30):  # the server closes after its 413
        answer += chunk
    writer.close()
    status = int(answer.split(b" ", 2)[1])
    return status, answer


async def titles(http: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    return [t["title"] for t in (await http.get("/api/v1/tasks", headers=headers)).json()["tasks"]]


async def test_import_over_real_http(server_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server: LiveServer = server_factory(TODOCHAT_IMPORT_MAX_BYTES=str(LIMIT))
    alice = {**server.headers("alice"), "X-Timezone": "Europe/Berlin"}
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        r = await http.post("/api/v1/import", files=upload("todo.txt", b"Buy milk\n"))
        assert r.status_code == 401

        # each format: a dry run changes nothing, the import adds what it previewed
        total = 0
        for name, fmt in FORMATS.items():
            data = (FIXTURES / name).read_bytes()
            r = await http.post("/api/v1/import", params={"format": fmt, "dry_run": "true"}, files=upload(name, data), headers=alice)
            assert r.status_code == 200, r.text
            preview = r.json()
            assert preview["dry_run"] and preview["numbers"] == [] and preview["format"] == fmt
            assert len(await titles(http, alice)) == total
            r = await http.post("/api/v1/import", params={"format": fmt}, files=upload(name, data), headers=alice)
            assert r.status_code == 201, r.text
            done = r.json()
            assert done["tasks"] == preview["tasks"] and done["first"] == preview["first"]
            assert done["numbers"] == list(range(total + 1, total + done["tasks"] + 1))
            total += done["tasks"]
        assert total == 5 + 5 + 3 + 3 + 4
        assert len(await titles(http, alice)) == total
        r = await http.get("/api/v1/tasks", params={"tag": "booking"}, headers=alice)
        assert [t["title"] for t in r.json()["tasks"]] == ["Book hotel"]

        # detected format (no ?format=)
        r = await http.post("/api/v1/import", params={"dry_run": "true"}, files=upload("x.ics", (FIXTURES / "tasks.ics").read_bytes()), headers=alice)
        assert r.status_code == 200 and r.json()["format"] == "ics"

        # bad files change nothing and name the line
        bad = [
            (b"title,due\nok,2026-12-01\nnope,2026-02-30\n", "csv", 422, "Line 3"),
            (b'title\n"=HYPERLINK(""http://evil.example"",""x"")"\n', "csv", 422, "Line 2, column title"),
            (b"PK\x03\x04\x00\x00binary", "csv", 422, "binary file"),
            ("title\nCaf\u00e9\n".encode("latin-1"), "csv", 422, "not UTF-8"),
            (b"title\nx\n", "xlsx", 422, "format: Input should be 'todoist'"),
        ]
        for data, fmt, status, words in bad:
            r = await http.post("/api/v1/import", params={"format": fmt}, files=upload("bad.csv", data), headers=alice)
            assert r.status_code == status, r.text
            assert words in r.json()["message"]
            assert r.json()["field"] == ("format" if fmt == "xlsx" else "file")
        r = await http.post("/api/v1/import", params={"format": "csv"}, files=upload("bad.csv", bad[0][0]), headers=alice)
        assert r.json()["line"] == 3 and r.json()["errors"][0]["field"] == "due"
        assert len(await titles(http, alice)) == total

        # too large: above the limit but within the multipart room (the service's 413), and 50 MB
        # (refused from its Content-Length before it is read)
        r = await http.post("/api/v1/import", params={"format": "csv"}, files=upload("big.csv", b"title\n" + b"x" * LIMIT), headers=alice)
        assert r.status_code == 413 and r.json()["error"] == "payload_too_large" and "at most 200,000 bytes" in r.json()["message"]
        status, body = await announce_upload(server, alice, 50 * 1024 * 1024)
        assert status == 413 and b"payload_too_large" in body
        assert len(await titles(http, alice)) == total

        # one undo removes the whole last import; another user's tasks are not touched
        bob = server.headers("bob")
        await http.post("/api/v1/import", params={"format": "todotxt"}, files=upload("t.txt", b"Bob's task\n"), headers=bob)
        r = await http.post("/api/v1/tasks/undo", headers=alice)
        assert r.status_code == 200 and r.json()["message"] == "Undid: imported 4 tasks"
        assert sorted(r.json()["removed"]) == list(range(total - 3, total + 1))
        assert len(await titles(http, alice)) == total - 4
        assert await titles(http, bob) == ["Bob's task"]
        r = await http.get("/api/v1/activity", headers=alice)
        assert r.json()["entries"][0]["tool"] == "POST /api/v1/import"


async def test_csv_round_trip(server_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """export → import → export (``GET /api/v1/export?format=csv``) gives the same rows, lists and
    subtasks included (bob starts with no tasks, so even the numbers and parents match)."""
    server: LiveServer = server_factory()
    alice = {**server.headers("alice"), "X-Timezone": "Europe/Berlin"}
    bob = {**server.headers("bob"), "X-Timezone": "Europe/Berlin"}
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        for body in (
            {"title": "Pay rent", "due": "2026-12-01", "recurrence": "FREQ=MONTHLY;BYMONTHDAY=1", "tags": ["home"], "priority": "high"},
            {"title": "Call mom", "due": "2026-11-24T18:00", "description": "Ask about\nChristmas, \"the\" plan"},
            {"title": "=1+1 is two", "tags": ["maths", "fun"], "priority": "low"},
            {"title": "-5 degrees: buy gloves"},
        ):
            assert (await http.post("/api/v1/tasks", json=body, headers=alice)).status_code == 201
        await http.post("/api/v1/tasks/2/complete", headers=alice)
        assert (await http.post("/api/v1/lists", json={"name": "Home"}, headers=alice)).status_code == 201
        assert (await http.patch("/api/v1/tasks/1", json={"list": "Home"}, headers=alice)).status_code == 200
        r = await http.post("/api/v1/tasks/1/subtasks", json={"titles": ["Transfer the money"]}, headers=alice)
        assert r.status_code == 201, r.text

        async def export(headers: dict[str, str], folder: Path) -> bytes:
            r = await http.get("/api/v1/export", params={"format": "csv", "status": "all"}, headers=headers)
            assert r.status_code == 200, r.text
            return r.content

        first = await export(alice, tmp_path / "a")
        r = await http.post("/api/v1/import", params={"format": "csv"}, files=upload("todochat-tasks.csv", first, "text/csv"), headers=bob)
        assert r.status_code == 201, r.text
        second = await export(bob, tmp_path / "b")

        def rows(data: bytes) -> list[dict[str, str]]:
            return list(csv.DictReader(io.StringIO(data.decode())))

        assert rows(second) == rows(first)
        assert len(rows(first)) == 5 and rows(first)[2]["title"] == "'=1+1 is two"
        assert [(r["title"], r["list"], r["parent"]) for r in rows(first) if r["list"] == "Home"] == [
            ("Pay rent", "Home", ""), ("Transfer the money", "Home", "1"),
        ]


async def test_ics_round_trip(server_factory) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """export (iCalendar) → import → export gives the same to-dos: every property a task has, and
    each subtask's RELATED-TO pointing at the same parent (UIDs name their owner, so bob's differ)."""
    import icalendar

    server: LiveServer = server_factory()
    alice = {**server.headers("alice"), "X-Timezone": "Europe/Berlin"}
    bob = {**server.headers("bob"), "X-Timezone": "Europe/Berlin"}
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
        for body in (
            {"title": "Pay rent", "due": "2026-12-01", "recurrence": "FREQ=MONTHLY;BYMONTHDAY=1", "tags": ["home"], "priority": "high"},
            {"title": "Call mom", "due": "2026-11-24T18:00", "description": "Ask about\nChristmas", "priority": "medium"},
            {"title": "Plan the trip", "tags": ["travel", "summer"], "priority": "low"},
        ):
            assert (await http.post("/api/v1/tasks", json=body, headers=alice)).status_code == 201
        assert (await http.post("/api/v1/tasks/3/subtasks", json={"titles": ["Book flights"]}, headers=alice)).status_code == 201
        await http.post("/api/v1/tasks/2/complete", headers=alice)

        async def export(headers: dict[str, str]) -> list[dict[str, object]]:
            r = await http.get("/api/v1/export", params={"format": "ics"}, headers=headers)
            assert r.status_code == 200, r.text
            todos = icalendar.Calendar.from_ical(r.content).walk("VTODO")
            number = {str(t["uid"]): i for i, t in enumerate(todos, start=1)}
            return [
                {
                    "summary": str(t["summary"]), "description": str(t.get("description", "")),
                    "due": t["due"].dt if "due" in t else None, "priority": t.get("priority"),
                    "categories": sorted(t["categories"].cats) if "categories" in t else [],
                    "status": str(t["status"]), "rrule": dict(t["rrule"]) if "rrule" in t else None,
                    "parent": number.get(str(t["related-to"])) if "related-to" in t else None,
                }
                for t in todos
            ]

        first = await export(alice)
        ics = (await http.get("/api/v1/export", params={"format": "ics"}, headers=alice)).content
        r = await http.post("/api/v1/import", params={"format": "ics"}, files=upload("tasks.ics", ics, "text/calendar"), headers=bob)
        assert r.status_code == 201, r.text
        assert await export(bob) == first
        assert [(t["summary"], t["parent"]) for t in first if t["parent"]] == [("Book flights", 3)]
        assert len(first) == 4 and first[1]["status"] == "COMPLETED"
