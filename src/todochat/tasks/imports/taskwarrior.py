"""Taskwarrior import: the JSON of ``task export`` (an array; one object per line is read too)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from todochat.errors import ImportFileError
from todochat.tasks.imports import recur
from todochat.tasks.imports.drafts import ParsedFile, TaskDraft

PRIORITIES = {"H": "high", "M": "medium", "L": "low", "": "none"}


def _instant(value: Any, record: int, name: str) -> datetime:
    """Taskwarrior's dates: ``20261210T120000Z`` (UTC, ISO 8601 basic), or extended ISO."""
    if not isinstance(value, str):
        raise ImportFileError(f"Record {record}: {name} is not a date.", line=record)
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ImportFileError(f"Record {record}: {name} {value[:30]!r} is not a date.", line=record) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _records(text: str) -> list[Any]:
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            data = json.loads(text)
            if not isinstance(data, list):
                raise ImportFileError("A Taskwarrior export is a JSON array of tasks.")
            return data
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"Line {exc.lineno}: the JSON is malformed ({exc.msg}).", line=exc.lineno) from exc


def read(text: str) -> ParsedFile:
    """Each task object becomes a draft (record numbers count them from 1): ``description``
    (title), ``annotations`` (the description, one per line), ``status`` (``completed`` is done
    with ``end``; ``pending``/``waiting`` open; ``recurring`` is the repeating task itself with
    ``recur``; ``deleted`` tasks and the instances a recurring task made — with ``parent`` — are
    left out with a warning), ``due`` (local midnight in the user's zone is a day — decided by the
    service — else an instant), ``priority`` H/M/L, ``project`` (the list), ``tags``, ``uuid``.

    Raises:
        ImportFileError: malformed JSON (its line), a record that is not an object or has no
            ``description``, a malformed date (naming the record).
    """
    out = ParsedFile("taskwarrior", [])
    skipped_deleted = skipped_instances = 0
    for record, item in enumerate(_records(text), start=1):
        if not isinstance(item, dict):
            raise ImportFileError(f"Record {record}: a task is a JSON object.", line=record)
        status = str(item.get("status", "pending"))
        if status == "deleted":
            skipped_deleted += 1
            continue
        if item.get("parent") and item.get("recur"):
            skipped_instances += 1
            continue
        title = item.get("description")
        if not isinstance(title, str):
            raise ImportFileError(f"Record {record}: the task has no description.", line=record)
        notes = [str(a.get("description", "")) for a in item.get("annotations") or [] if isinstance(a, dict)]
        tags = item.get("tags") or []
        if not isinstance(tags, list):
            raise ImportFileError(f"Record {record}: tags is not a list.", line=record)
        priority = str(item.get("priority") or "")
        if priority not in PRIORITIES:
            raise ImportFileError(f"Record {record}: priority {priority[:10]!r} is not H, M or L.", line=record)
        draft = TaskDraft(
            line=record,
            where="record",
            title=title,
            description="\n".join(n for n in notes if n),
            completed=status == "completed",
            completed_at=_instant(item["end"], record, "end") if status == "completed" and item.get("end") else None,
            priority=PRIORITIES[priority],
            tags=[str(t) for t in tags],
            due=_instant(item["due"], record, "due").isoformat() if item.get("due") else None,
            list_name=str(item["project"]) if item.get("project") else None,
            ref=str(item["uuid"]) if item.get("uuid") else None,
            midnight_is_day=True,
        )
        if item.get("recur"):
            draft.recurrence = recur.from_amount(str(item["recur"]))
            if draft.recurrence is None:
                out.warnings.append(f"Record {record}: recur {str(item['recur'])[:20]!r} was not understood; imported without a repeat.")
        out.drafts.append(draft)
    if skipped_deleted:
        out.warnings.append(f"{skipped_deleted} deleted task{'s were' if skipped_deleted > 1 else ' was'} left out.")
    if skipped_instances:
        out.warnings.append(f"{skipped_instances} instance{'s' if skipped_instances > 1 else ''} of repeating tasks left out (the repeating task is imported).")
    return out
