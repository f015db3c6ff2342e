"""Tasks as a file: CSV (RFC 4180) and iCalendar VTODO (RFC 5545, built with ``icalendar``), written
one page of tasks at a time — the one exporter behind REST ``GET /api/v1/export``, the MCP tool,
``todochat export`` and the page's ``download_tasks`` client tool."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Todo, vRecur

from todochat.tasks.schemas import ExportFormat, TaskOut

MEDIA_TYPES: dict[str, str] = {"csv": "text/csv; charset=utf-8", "ics": "text/calendar; charset=utf-8"}
"""Content-Type per format (RFC 7111 ``text/csv``; RFC 5545 §8.1 ``text/calendar``)."""


@dataclass(frozen=True)
class Column:
    """A CSV column: its header and how a task fills it (text, never None)."""

    name: str
    value: Callable[[TaskOut], str]


COLUMNS: tuple[Column, ...] = (
    Column("number", lambda t: str(t.number)),
    Column("title", lambda t: t.title),
    Column("description", lambda t: t.description),
    Column("completed", lambda t: "true" if t.completed else "false"),
    Column("priority", lambda t: t.priority),
    Column("tags", lambda t: " ".join(t.tags)),
    Column("due", lambda t: t.due or ""),
    Column("due_all_day", lambda t: "true" if t.due_all_day else "false"),
    Column("recurrence", lambda t: t.recurrence or ""),
    Column("list", lambda t: t.list),
    Column("parent", lambda t: str(t.parent) if t.parent is not None else ""),
)
"""The CSV columns, in order (the columns todochat's own CSV import reads, tasks/imports/csvfiles.py).
``due`` is the user's local ``YYYY-MM-DD`` (a whole day) or ``YYYY-MM-DDTHH:MM`` (a time);
``tags`` are space-separated (a tag is one word); ``recurrence`` is the RFC 5545 RRULE; ``list``
the list's name (``Inbox`` for none); ``parent`` the parent task's ``number`` (a subtask).
A new field is one more line here."""

ICAL_PRIORITY = {"high": 1, "medium": 5, "low": 9}
"""RFC 5545 §3.8.1.9 PRIORITY: 1 highest, 5 medium, 9 lowest (0 or absent: undefined, our ``none``)."""

ICS_CHUNK = 50
"""VTODOs per streamed chunk (serialising one costs ~0.35 ms of CPU: a chunk holds the event loop ~20 ms)."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to spreadsheet apps (OWASP "CSV Injection")."""


def safe_cell(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs: one starting with ``= + - @``, tab or CR gets a
    leading ``'`` (OWASP CSV injection guidance), so ``=HYPERLINK(…)`` shows as text. An importer
    reading our CSV drops a ``'`` that precedes one of those characters."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_header() -> str:
    """The header row (CRLF-terminated, RFC 4180 §2)."""
    return _csv_rows([[c.name for c in COLUMNS]])


def csv_rows(tasks: list[TaskOut]) -> str:
    """``tasks`` as CSV rows (RFC 4180: fields with ``,`` ``"`` CR or LF quoted, ``"`` doubled,
    CRLF line ends), every cell through :func:`safe_cell`."""
    return _csv_rows([[safe_cell(c.value(t)) for c in COLUMNS] for t in tasks])


def _csv_rows(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def task_uid(user_id: str, number: int) -> str:
    """A VTODO UID that stays the same for a task across exports (a task keeps its number; numbers
    are never reused) and differs between users: ``task-<number>-<16 hex of SHA-256(user)>@todochat``
    (RFC 5545 §3.8.4.7: globally unique, no personal data in it)."""
    owner = hashlib.sha256(user_id.encode()).hexdigest()[:16]
    return f"task-{number}-{owner}@todochat"


def _calendar() -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//todochat//tasks export//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    return cal


_END = b"END:VCALENDAR\r\n"


def ics_header() -> bytes:
    """``BEGIN:VCALENDAR`` and the calendar's properties (VERSION, PRODID, CALSCALE)."""
    return _calendar().to_ical().removesuffix(_END)


def ics_footer() -> bytes:
    """``END:VCALENDAR``."""
    return _END


def vtodo(task: TaskOut, *, user_id: str, tz: ZoneInfo, now: datetime) -> Todo:
    """One task as a VTODO (RFC 5545 §3.6.2): UID (:func:`task_uid`), DTSTAMP (``now``), SUMMARY,
    DESCRIPTION, DUE (a DATE for a whole day, else the UTC DATE-TIME of the local time in ``tz``),
    PRIORITY (:data:`ICAL_PRIORITY`), CATEGORIES (tags), STATUS (COMPLETED / NEEDS-ACTION),
    COMPLETED (UTC), RRULE, RELATED-TO;RELTYPE=PARENT (a subtask: the parent's UID, §3.8.4.5),
    CREATED and LAST-MODIFIED. The list is not written: a VTODO has no property for it (a
    calendar's X-WR-CALNAME names the whole file)."""
    todo = Todo()
    todo.add("uid", task_uid(user_id, task.number))
    todo.add("dtstamp", now.astimezone(UTC))
    todo.add("summary", task.title)
    if task.description:
        todo.add("description", task.description)
    if task.due:
        if task.due_all_day:
            todo.add("due", date.fromisoformat(task.due[:10]))
        else:
            todo.add("due", datetime.fromisoformat(task.due).replace(tzinfo=tz).astimezone(UTC))
    if task.priority in ICAL_PRIORITY:
        todo.add("priority", ICAL_PRIORITY[task.priority])
    if task.tags:
        todo.add("categories", task.tags)
    todo.add("status", "COMPLETED" if task.completed else "NEEDS-ACTION")
    if task.completed and task.completed_at is not None:
        todo.add("completed", task.completed_at.astimezone(UTC))
    if task.recurrence:
        todo.add("rrule", vRecur.from_ical(task.recurrence.removeprefix("RRULE:")))
    if task.parent is not None:
        todo.add("related-to", task_uid(user_id, task.parent), parameters={"RELTYPE": "PARENT"})
    todo.add("created", task.created_at.astimezone(UTC))
    todo.add("last-modified", task.updated_at.astimezone(UTC))
    return todo


async def export_stream(
    pages: AsyncIterator[list[TaskOut]],
    fmt: ExportFormat,
    *,
    user_id: str,
    tz: ZoneInfo,
    now: datetime,
) -> AsyncIterator[bytes]:
    """The file, in UTF-8 chunks: a header, then one chunk per page of tasks, then (iCalendar)
    the footer — so a large list is written without holding it all.

    Args:
        pages: the tasks, a page at a time (``TaskService.export_pages``).
        fmt: ``csv`` or ``ics``.
        user_id: the owner (for stable UIDs).
        tz: the user's zone (a timed due is local in ``TaskOut``).
        now: DTSTAMP of every VTODO.
    """
    yield csv_header().encode() if fmt == "csv" else ics_header()
    async for page in pages:
        if fmt == "csv":
            yield csv_rows(page).encode()
        else:  # ~0.35 ms of CPU per VTODO: small chunks let other requests run between them
            for start in range(0, len(page), ICS_CHUNK):
                yield b"".join(vtodo(t, user_id=user_id, tz=tz, now=now).to_ical() for t in page[start : start + ICS_CHUNK])
    if fmt == "ics":
        yield ics_footer()


def filename(fmt: ExportFormat, today: date) -> str:
    """``todochat-tasks-2026-12-03.csv``: the suggested file name (Content-Disposition)."""
    return f"todochat-tasks-{today.isoformat()}.{fmt}"
