"""iCalendar import (RFC 5545): every VTODO of the file, read with the ``icalendar`` library."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar

from todochat.errors import ImportFileError
from todochat.tasks.imports.drafts import ParsedFile, TaskDraft

PRIORITIES = {1: "high", 2: "high", 3: "high", 4: "high", 5: "medium", 6: "low", 7: "low", 8: "low", 9: "low"}
"""RFC 5545 §3.8.1.9: 1–4 high, 5 medium, 6–9 low, 0 undefined."""


def _when(value: object) -> date | datetime | None:
    return getattr(value, "dt", None)  # type: ignore[no-any-return]


def _due_text(value: date | datetime) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating time: the user's wall time
            return value.strftime("%Y-%m-%dT%H:%M")
        return value.isoformat()
    return value.isoformat()


def read(text: str) -> ParsedFile:
    """Each VTODO becomes a draft (record numbers count VTODOs from 1): SUMMARY (title),
    DESCRIPTION, STATUS COMPLETED or a COMPLETED instant (done), PRIORITY (§3.8.1.9), CATEGORIES
    (tags), DUE (or DTSTART when there is no DUE; a DATE is a day, a DATE-TIME with TZID or UTC an
    instant, a floating one the user's wall time), RRULE, UID, RELATED-TO;RELTYPE=PARENT (the
    parent's UID; RELTYPE defaults to PARENT), and the calendar's X-WR-CALNAME as the list. A
    CANCELLED to-do is left out with a warning; VEVENTs and other components are ignored.

    Raises:
        ImportFileError: not an iCalendar file, no VTODO in it, or a VTODO with a malformed
            property (naming the record and its UID).
    """
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, KeyError, IndexError) as exc:
        raise ImportFileError(f"The file is not iCalendar (RFC 5545): {str(exc)[:120]}.") from exc
    out = ParsedFile("ics", [])
    record = 0
    for calendar in calendars:
        name = str(calendar.get("X-WR-CALNAME", "")).strip() or None
        for todo in calendar.walk("VTODO"):
            record += 1
            uid = str(todo.get("UID", "")).strip() or None
            try:
                draft = _draft(todo, record, uid, name)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                label = f"Record {record} (VTODO {uid})" if uid else f"Record {record} (VTODO)"
                raise ImportFileError(f"{label}: {str(exc)[:120]}.", line=record) from exc
            if str(todo.get("STATUS", "")).upper() == "CANCELLED":
                out.warnings.append(f"Record {record}: a cancelled to-do ({draft.title[:40]!r}) was left out.")
                continue
            out.drafts.append(draft)
    if record == 0:
        raise ImportFileError("The iCalendar file has no to-dos (VTODO); events (VEVENT) are not imported.")
    return out


def _draft(todo: icalendar.cal.Component, record: int, uid: str | None, list_name: str | None) -> TaskDraft:
    completed_at = _when(todo.get("COMPLETED"))
    status = str(todo.get("STATUS", "")).upper()
    categories = todo.get("CATEGORIES")
    tags: list[str] = []
    for entry in categories if isinstance(categories, list) else [categories] if categories else []:
        tags.extend(str(c) for c in entry.cats)
    due = _when(todo.get("DUE")) or _when(todo.get("DTSTART"))
    priority = int(todo.get("PRIORITY", 0) or 0)
    rule = todo.get("RRULE")
    parent = None
    related = todo.get("RELATED-TO")
    for rel in related if isinstance(related, list) else [related] if related else []:
        if str(rel.params.get("RELTYPE", "PARENT")).upper() == "PARENT":
            parent = str(rel)
    return TaskDraft(
        line=record,
        where="record",
        title=str(todo.get("SUMMARY", "")),
        description=str(todo.get("DESCRIPTION", "")),
        completed=status == "COMPLETED" or completed_at is not None,
        completed_at=completed_at.astimezone(UTC) if isinstance(completed_at, datetime) and completed_at.tzinfo else None,
        priority=PRIORITIES.get(priority, "none"),
        tags=tags,
        due=_due_text(due) if due is not None else None,
        recurrence=rule.to_ical().decode() if rule is not None else None,
        list_name=list_name,
        ref=uid,
        parent=parent,
    )
