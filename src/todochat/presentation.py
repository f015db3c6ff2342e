"""How changes read to people: the one place for the wording of journal entries ("marked 'Buy milk'
done", "moved 'Dentist' from Fri 20 Nov at 15:00 to Tue 24 Nov at 15:00"), used by undo/redo
results, the activity feed and every front that shows them."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from todochat.tasks import dates

Snapshot = dict[str, Any]
"""A task's journal snapshot (tasks/journal.py ``snapshot``): title, completed, due_at ISO, tags …"""

_FREQ = {"DAILY": "every day", "WEEKLY": "every week", "MONTHLY": "every month", "YEARLY": "every year"}


def due_words(due_at: str | None, all_day: bool, tz: ZoneInfo, *, year: int | None = None) -> str:
    """A stored due instant (ISO, UTC) as people say it in ``tz``: ``Fri 20 Nov`` or
    ``Fri 20 Nov at 15:00``; the year is added when it is not ``year`` (the reader's current year)."""
    if not due_at:
        return "no date"
    local = dates.due_local(datetime.fromisoformat(due_at), all_day, tz)
    day = local.date() if isinstance(local, datetime) else local
    text = f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"
    if day.year != year:
        text += f" {day.year}"
    if isinstance(local, datetime):
        text += f" at {local.strftime('%H:%M')}"
    return text


def _quoted(snap: Snapshot) -> str:
    return f"'{snap.get('title', '')}'"


def _repeat_words(rule: str | None) -> str:
    for key, words in _FREQ.items():
        if rule and f"FREQ={key}" in rule:
            return words
    return "on a schedule"


def _field_clauses(before: Snapshot, after: Snapshot, tz: ZoneInfo, year: int | None) -> list[str]:
    """What an update changed, one clause per field; the first names the task, the rest say "it"."""
    clauses: list[str] = []
    if before["title"] != after["title"]:
        clauses.append(f"renamed {_quoted(before)} to {_quoted(after)}")
    if (before["due_at"], before["due_all_day"]) != (after["due_at"], after["due_all_day"]):
        old = due_words(before["due_at"], before["due_all_day"], tz, year=year)
        new = due_words(after["due_at"], after["due_all_day"], tz, year=year)
        if not before["due_at"]:
            clauses.append(f"set {{task}} due {new}")
        elif not after["due_at"]:
            clauses.append(f"removed the due date ({old}) of {{task}}")
        else:
            clauses.append(f"moved {{task}} from {old} to {new}")
    if before["priority"] != after["priority"]:
        clauses.append(f"changed the priority of {{task}} from {before['priority']} to {after['priority']}")
    if before["tags"] != after["tags"]:
        old_tags = " ".join(f"#{t}" for t in before["tags"]) or "no tags"
        new_tags = " ".join(f"#{t}" for t in after["tags"]) or "no tags"
        clauses.append(f"changed the tags of {{task}} from {old_tags} to {new_tags}")
    if before["description"] != after["description"]:
        clauses.append("changed the notes of {task}")
    if before["recurrence"] != after["recurrence"]:
        if not after["recurrence"]:
            clauses.append("stopped {task} repeating")
        else:
            clauses.append(f"made {{task}} repeat {_repeat_words(after['recurrence'])}")
    return [c.replace("{task}", "it" if i else _quoted(after)) for i, c in enumerate(clauses)]


def _kind(before: Snapshot | None, after: Snapshot | None) -> str:
    """added, deleted, restored, completed, reopened or updated."""
    if before is None:
        return "added"
    if after is None or (after.get("deleted_at") and not before.get("deleted_at")):
        return "deleted"
    if before.get("deleted_at") and not after.get("deleted_at"):
        return "restored"
    if after["completed"] and not before["completed"]:
        return "completed"
    if before["completed"] and not after["completed"]:
        return "reopened"
    return "updated"


_VERB = {
    "added": ("added {t}", "added {n} tasks"),
    "deleted": ("deleted {t}", "deleted {n} tasks"),
    "restored": ("restored {t}", "restored {n} tasks"),
    "completed": ("marked {t} done", "marked {n} tasks done"),
    "reopened": ("reopened {t}", "reopened {n} tasks"),
    "updated": ("changed {t}", "changed {n} tasks"),
}


def change_summary(
    action: str,
    changes: list[tuple[Snapshot | None, Snapshot | None]],
    tz: ZoneInfo,
    *,
    year: int | None = None,
) -> str:
    """One clause saying what a journal group did, e.g. ``marked 'Buy milk' done``,
    ``added 'Buy milk'``, ``renamed 'X' to 'Y'``, ``moved 'X' from Fri 20 Nov to Sat 21 Nov at 15:00``,
    ``deleted 3 tasks``, ``marked 'Yoga' done (next occurrence: task 4)``.

    Args:
        action: the group's action (``add``, ``complete``, ``bulk_complete`` …); a completion's
            added tasks are named as its next occurrences; ``remind``/``unremind`` name the
            reminder (``added a reminder to 'Dentist' 30 min before``).
        changes: ``(before, after)`` snapshots per task, in the order they were recorded.
        tz: the reader's zone (dates are shown in it).
        year: the reader's current year (dates in another year show it).
    """
    if action in ("remind", "unremind") and len(changes) == 1:
        clause = _reminder_clause(action, *changes[0], tz, year)
        if clause:
            return clause
    if action == "bulk_unremind":  # TaskService.cancel_reminders
        return _bulk_unremind_clause(changes, tz, year)
    groups: dict[str, list[tuple[Snapshot | None, Snapshot | None]]] = {}
    for before, after in changes:
        groups.setdefault(_kind(before, after), []).append((before, after))
    next_ones = groups.pop("added", []) if "complete" in action and "completed" in groups else []
    parts: list[str] = []
    for kind, items in groups.items():
        if len(items) == 1:
            before, after = items[0]
            if kind == "updated" and before is not None and after is not None:
                parts.append(" and ".join(_field_clauses(before, after, tz, year)) or f"changed {_quoted(after)}")
            else:
                snap = after if after is not None else before
                parts.append(_VERB[kind][0].format(t=_quoted(snap or {})))
        else:
            parts.append(_VERB[kind][1].format(n=len(items)))
    text = " and ".join(parts) or "changed nothing"
    if next_ones:
        numbers = ", ".join(str((a or {}).get("number")) for _, a in next_ones)
        text += f" (next occurrence{'s' if len(next_ones) > 1 else ''}: task{'s' if len(next_ones) > 1 else ''} {numbers})"
    return text


def minutes_words(minutes: int) -> str:
    """``30 min``, ``2 h``, ``1 h 30 min``, ``1 day``, ``2 days 3 h`` for a reminder's lead time."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} day{'s' if days != 1 else ''}"] if days else []
    parts += [f"{hours} h"] if hours else []
    parts += [f"{mins} min"] if mins or not parts else []
    return " ".join(parts)


def reminder_words(reminder: Snapshot, tz: ZoneInfo, *, year: int | None = None) -> str:
    """When a reminder (a journal snapshot's ``reminders`` entry, instants as UTC ISO) fires, as
    people say it: ``30 min before``, ``at the due time``, ``on Thu 19 Nov at 08:00``."""
    minutes = reminder.get("before_minutes")
    if minutes is not None:
        return "at the due time" if minutes == 0 else f"{minutes_words(int(minutes))} before"
    return "on " + due_words(reminder.get("at"), False, tz, year=year)


def _reminder_clause(action: str, before: Snapshot | None, after: Snapshot | None, tz: ZoneInfo, year: int | None) -> str | None:
    """``added a reminder to 'Dentist' 30 min before`` / ``cancelled the reminder of 'Dentist' on
    Thu 19 Nov at 08:00`` (the reminders that became or stopped being pending), else None."""
    if after is None:
        return None

    def pending(snap: Snapshot | None) -> dict[int, Snapshot]:
        return {r["id"]: r for r in (snap or {}).get("reminders", []) if r.get("status") == "pending"}

    old, new = pending(before), pending(after)
    changed = [new[i] for i in new if i not in old] if action == "remind" else [old[i] for i in old if i not in new]
    if not changed:
        return None
    when = " and ".join(reminder_words(r, tz, year=year) for r in changed)
    if action == "remind":
        noun = "a reminder" if len(changed) == 1 else f"{len(changed)} reminders"
        return f"added {noun} to {_quoted(after)} {when}"
    noun = "the reminder" if len(changed) == 1 else f"{len(changed)} reminders"
    return f"cancelled {noun} of {_quoted(after)} {when}"


def _bulk_unremind_clause(changes: list[tuple[Snapshot | None, Snapshot | None]], tz: ZoneInfo, year: int | None) -> str:
    """``cancelled the reminder of 'Dentist' 30 min before`` (one task), else ``cancelled 3
    reminders of 2 tasks``."""
    if len(changes) == 1:
        return _reminder_clause("unremind", *changes[0], tz, year) or "cancelled reminders"

    def pending(snap: Snapshot | None) -> set[int]:
        return {r["id"] for r in (snap or {}).get("reminders", []) if r.get("status") == "pending"}

    count = sum(len(pending(before) - pending(after)) for before, after in changes)
    return f"cancelled {count} reminder{'s' if count != 1 else ''} of {len(changes)} tasks"


BELL = "🔔"
"""The mark of a task with a pending reminder (widget rows, the CLI table, copy text)."""


def day_words(day: date, today: date) -> str:
    """A day as people say it relative to ``today``: ``today``, ``tomorrow``, ``yesterday``,
    ``Fri 20 Nov`` (``Fri 20 Nov 2027`` in another year)."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return day.strftime("%a %-d %b") + (day.strftime(" %Y") if day.year != today.year else "")


def reminder_label(next_reminder: datetime, today: date, *, count: int = 1) -> str:
    """A task's next reminder on its row: ``🔔 today 14:30``, ``🔔 Fri 20 Nov 08:00 (+2)`` when it
    has ``count`` pending reminders. ``next_reminder`` is already in the user's zone (TaskOut)."""
    text = f"{BELL} {day_words(next_reminder.date(), today)} {next_reminder.strftime('%H:%M')}"
    return text + (f" (+{count - 1})" if count > 1 else "")


def undo_message(summary: str, *, redo: bool = False) -> str:
    """``Undid: <summary>`` (or ``Redid: …``): the sentence every front shows after undo/redo."""
    return f"{'Redid' if redo else 'Undid'}: {summary}"


_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0/C1 control characters (ESC starts ANSI/OSC sequences) and bidi controls; tab and newline stay."""


def escape_terminal(text: str) -> str:
    """``text`` safe to write to a terminal: every control character (``ESC``, ``BEL``, ``CR``,
    C1 codes, bidi overrides) shown as a visible escape (``\\x1b``, ``\\u202e``); tab and newline
    kept. A title like ``"\\x1b]0;pwned\\x07"`` prints literally instead of renaming the terminal
    (ECMA-48 control functions)."""
    return _TERMINAL_UNSAFE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text
    )


def escape_markup(text: str) -> str:
    """``text`` for a Rich ``print`` with markup on: control characters escaped
    (:func:`escape_terminal`) and square brackets escaped (``rich.markup.escape``), so a title
    ``[/oops]`` or ``[red]`` prints as written."""
    from rich.markup import escape

    return escape(escape_terminal(text))
