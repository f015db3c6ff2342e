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
    if before.get("list") != after.get("list"):
        clauses.append(f"moved {{task}} to {after.get('list') or 'Inbox'}")
    if before["description"] != after["description"]:
        clauses.append("changed the notes of {task}")
    if before.get("parent_id") != after.get("parent_id"):
        if after.get("parent_id") is None:
            clauses.append("made {task} a top-level task")
        else:
            clauses.append(f"made {{task}} a subtask of task {after.get('parent')}")
    if before["recurrence"] != after["recurrence"]:
        if not after["recurrence"]:
            clauses.append("stopped {task} repeating")
        else:
            clauses.append(f"made {{task}} repeat {recurrence_words(after['recurrence'], year=year)}")
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
    detail: bool = False,
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
        detail: also say the due date of one added task (``added 'Pay rent' — due Fri 4 Dec``),
            as a turn's steps show it (chatkit/steps.py).
    """
    if action == "import":
        return f"imported {_count(len(changes), 'task')}"
    if action in ("remind", "unremind") and len(changes) == 1:
        clause = _reminder_clause(action, *changes[0], tz, year)
        if clause:
            return clause
    if action == "bulk_unremind":  # TaskService.cancel_reminders
        return _bulk_unremind_clause(changes, tz, year)
    subtree_move = _subtree_move_clause(changes, tz, year)
    if subtree_move:
        return subtree_move
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
                clause = _VERB[kind][0].format(t=_quoted(snap or {}))
                if detail and kind == "added" and snap and snap.get("due_at"):
                    clause += " — due " + due_words(snap["due_at"], bool(snap.get("due_all_day")), tz, year=year)
                parts.append(clause)
        else:
            parts.append(_VERB[kind][1].format(n=len(items)))
    text = " and ".join(parts) or "changed nothing"
    if next_ones:
        numbers = ", ".join(str((a or {}).get("number")) for _, a in next_ones)
        text += f" (next occurrence{'s' if len(next_ones) > 1 else ''}: task{'s' if len(next_ones) > 1 else ''} {numbers})"
    return text


def step_title(clause: str) -> str:
    """A change clause as one step of a turn's workflow (chatkit/steps.py): its first letter in
    upper case, e.g. ``Added 'Pay rent' — due Fri 4 Dec``, ``Marked 'Dentist' done``."""
    return clause[:1].upper() + clause[1:]


def steps_heading(count: int) -> str:
    """The collapsed workflow's title: ``1 change`` / ``3 changes``."""
    return _count(count, "change")


def already_done_words(numbers: list[int]) -> str:
    """A notice for tasks a bulk completion left alone: ``2 tasks were already done: 3, 5.``"""
    were = "tasks were" if len(numbers) != 1 else "task was"
    return f"{len(numbers)} {were} already done: {', '.join(map(str, numbers))}."


def moved_words(title: str, subtasks: int, list_name: str | None) -> str:
    """How a move to a list reads: ``moved 'Plan trip' and its 3 subtasks to Work`` (``subtasks``:
    how many moved with it, any level; 0: the task alone); ``list_name`` None is the Inbox."""
    also = f" and its {_count(subtasks, 'subtask')}" if subtasks else ""
    return f"moved '{title}'{also} to {list_name or 'Inbox'}"


def _subtree_move_clause(changes: list[tuple[Snapshot | None, Snapshot | None]], tz: ZoneInfo, year: int | None) -> str | None:
    """A journal group that only moved tasks with their subtrees to one list (tasks/subtasks.py
    ``carry_to_list``): ``moved 'Plan trip' and its 3 subtasks to Work``, or ``moved 2 tasks and
    their 5 subtasks to Work``; None for any other group (a subtask moved alone included)."""
    if len(changes) < 2 or any(b is None or a is None for b, a in changes):
        return None
    pairs = [(b, a) for b, a in changes if b is not None and a is not None]
    targets = {a.get("list") for _, a in pairs}
    # each task only moved (a subtask already in that list is carried along unchanged)
    if len(targets) != 1 or any(len(_field_clauses(b, a, tz, year)) > (b.get("list") != a.get("list")) for b, a in pairs):
        return None
    numbers = {a.get("number") for _, a in pairs}
    roots = [(b, a) for b, a in pairs if a.get("parent") not in numbers]
    below = len(pairs) - len(roots)
    if not below or any(b.get("list") == a.get("list") for b, a in roots):
        return None
    roots_after = [a for _, a in roots]
    (target,) = targets
    if len(roots_after) == 1:
        return moved_words(str(roots_after[0].get("title", "")), below, target)
    return f"moved {len(roots)} tasks and their {_count(below, 'subtask')} to {target or 'Inbox'}"


def list_summary(
    action: str,
    lists: list[tuple[Snapshot | None, Snapshot | None]],
    tasks: list[tuple[Snapshot | None, Snapshot | None]],
) -> str:
    """One clause saying what a change of a list did: ``created the list 'Work'``, ``renamed the
    list 'Work' to 'Office'``, ``archived the list 'Old'``, ``deleted the list 'Home' and its 3
    tasks``.

    Args:
        action: ``list_create``, ``list_rename``, ``list_archive``, ``list_unarchive`` or ``list_delete``.
        lists: ``(before, after)`` snapshots of the lists (tasks/journal.py ``list_snapshot``).
        tasks: ``(before, after)`` snapshots of the tasks the change touched (a deleted list's tasks).
    """
    before, after = lists[0]
    name = f"'{(after or before or {}).get('name', '')}'"
    if action == "list_rename" and before and after:
        return f"renamed the list '{before['name']}' to '{after['name']}'"
    if action == "list_delete":
        n = len(tasks)
        return f"deleted the list {name}" + (f" and its {n} task{'s' if n != 1 else ''}" if n else "")
    verb = {"list_create": "created", "list_archive": "archived", "list_unarchive": "unarchived"}.get(action, "changed")
    return f"{verb} the list {name}"


def list_label(name: str | None) -> str | None:
    """The list name a task row shows, or None for the Inbox (rows of the Inbox show no list)."""
    return None if not name or name.casefold() == "inbox" else name


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


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def import_question(tasks: int, lists: int) -> str:
    """The confirmation an import preview asks: ``Import 42 tasks into 3 lists?``, ``Import 1 task?``."""
    where = f" into {_count(lists, 'list')}" if lists else ""
    return f"Import {_count(tasks, 'task')}{where}?"


def import_done(tasks: int, first: int | None, last: int | None) -> str:
    """What an import did: ``Imported 42 tasks (numbers 7–48). Say "undo" to remove them all.``"""
    numbers = f" (task {first})" if first == last else f" (tasks {first}–{last})"
    return f"Imported {_count(tasks, 'task')}{numbers if first else ''}. Say \"undo\" to remove {'it' if tasks == 1 else 'them all'}."


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


# ---------------------------------------------------------------------------- tasks as people read them
def local_due_words(due: str | None, *, today: date | None = None) -> str:
    """A task's ``due`` as shown by every front (``TaskOut.due``: ``YYYY-MM-DD`` for a whole day,
    ``YYYY-MM-DDTHH:MM`` for a time, local to the user) as people say it.

    With ``today`` (the reader's local day): ``today``, ``tomorrow``, ``yesterday`` or ``Fri 20 Nov``
    (``Fri 20 Nov 2027`` in another year), plus `` at 15:00`` for a time. Without it the day is
    always written out (``Fri 20 Nov at 15:00``, no year): replies that quote a date back.

    Returns:
        The words, or ``""`` for no due date.
    """
    if not due:
        return ""
    if "T" in due:
        moment = datetime.fromisoformat(due)
        day, clock = moment.date(), f" at {moment.strftime('%H:%M')}"
    else:
        day, clock = date.fromisoformat(due[:10]), ""
    words = day_words(day, today) if today is not None else f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"
    return words + clock


def due_label(due: str | None, *, overdue: bool, today: date) -> str:
    """A task row's due line: ``due tomorrow at 15:00``, ``overdue · yesterday``; ``""`` without a due."""
    words = local_due_words(due, today=today)
    if not words:
        return ""
    return ("overdue · " if overdue else "due ") + words


PRIORITY_WORDS = {"high": "high priority", "medium": "medium priority", "low": "low priority", "none": ""}
"""A priority name (``TaskOut.priority``) as words; ``none`` says nothing."""


def priority_words(priority: str | None) -> str:
    """``high`` → ``high priority``; ``none`` or None → ``""``."""
    return PRIORITY_WORDS.get(priority or "none", f"{priority} priority")


_WEEKDAY_NAMES = {
    "MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
    "FR": "Friday", "SA": "Saturday", "SU": "Sunday",
}
_WEEKDAY_ORDER = tuple(_WEEKDAY_NAMES)
_NTH = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"}
_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _day_of_month(n: int) -> str:
    """1 → ``first``, 15 → ``15th``, 22 → ``22nd``, -1 → ``last day``, -2 → ``second to last day``."""
    if n == 1:
        return "first"
    if n < 0:
        return f"{_NTH.get(n, f'{-n}th to last')} day"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _nth(n: int) -> str:
    return _NTH.get(n, f"{n}th" if n > 0 else f"{-n}th to last")


def _every(unit: str, interval: int) -> str:
    """``every week``, ``every other week``, ``every 3 weeks``."""
    if interval == 1:
        return f"every {unit}"
    if interval == 2:
        return f"every other {unit}"
    return f"every {interval} {unit}s"


def _weekdays(values: list[str], interval: int) -> str | None:
    """A WEEKLY BYDAY list in words: ``every weekday``, ``every other Tuesday``,
    ``every Monday and Thursday``, ``every 3 weeks on Monday``; None for numbered days."""
    if any(v not in _WEEKDAY_NAMES for v in values):
        return None
    days = sorted(set(values), key=_WEEKDAY_ORDER.index)
    if days == list(_WEEKDAY_ORDER[:5]):
        names = "weekday"
    elif days == ["SA", "SU"]:
        names = "weekend day"
    elif days == list(_WEEKDAY_ORDER):
        return _every("day", interval)
    else:
        names = _and([_WEEKDAY_NAMES[d] for d in days])
    if interval == 1:
        return f"every {names}"
    if interval == 2 and len(days) == 1:
        return f"every other {names}"
    return f"{_every('week', interval)} on {names if ' and ' in names or len(days) == 1 else names + 's'}"


def _numbered_days(values: list[str], setpos: str | None) -> str | None:
    """``first Monday`` / ``last Friday`` from ``1MO`` / ``-1FR`` (or ``MO`` with BYSETPOS=1)."""
    out = []
    for value in values:
        sign = -1 if value.startswith("-") else 1
        digits = value.lstrip("+-")[:-2]
        day = _WEEKDAY_NAMES[value[-2:]]
        if digits:
            out.append(f"{_nth(sign * int(digits))} {day}")
        elif setpos and "," not in setpos and len(values) == 1:
            out.append(f"{_nth(int(setpos))} {day}")
        else:
            return None
    return _and(out)


def recurrence_words(rule: str | None, *, start: date | None = None, year: int | None = None) -> str:
    """An RFC 5545 RRULE (``TaskOut.recurrence``) in words, with its interval and days:
    ``every day``, ``every other Tuesday``, ``every weekday``, ``every 3 months``,
    ``every first of the month``, ``every last Friday of the month``, ``every year on 5 Mar``,
    then ``, until 31 Mar`` (the year shown when it is not ``year``) or ``, 6 times``.

    The rule is read by :func:`todochat.tasks.recurrence.parse` (RFC 5545 §3.3.10, strictly).

    Args:
        rule: the RRULE value (``FREQ=WEEKLY;BYDAY=TU;INTERVAL=2``), or None/empty.
        start: the task's local due day: a WEEKLY or YEARLY rule without BYDAY/BYMONTH repeats on
            that day (RFC 5545: defaults come from DTSTART), so it reads ``every Friday``.
        year: the reader's current year (an UNTIL in another year shows its year).

    Returns:
        The words; ``""`` for no rule; ``on a custom schedule`` for a rule that is not valid.
        Parts with no short wording (BYYEARDAY, BYWEEKNO, several positions) read ``… (custom)``.
    """
    from todochat.errors import ValidationError
    from todochat.tasks import recurrence

    if not rule:
        return ""
    try:
        parts = recurrence.parse(rule.upper().removeprefix("RRULE:")).parts
    except ValidationError:
        return "on a custom schedule"
    freq, interval = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    byday = parts["BYDAY"].split(",") if "BYDAY" in parts else []
    months = [int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else []
    monthdays = [int(d) for d in parts["BYMONTHDAY"].split(",")] if "BYMONTHDAY" in parts else []
    odd = any(p in parts for p in ("BYYEARDAY", "BYWEEKNO")) or ("BYSETPOS" in parts and not byday)
    text: str | None = None
    if freq == "WEEKLY" and not byday and start is not None:
        byday = [_WEEKDAY_ORDER[start.weekday()]]
    if freq == "DAILY" and not (byday or months or monthdays):
        text = _every("day", interval)
    elif freq in ("DAILY", "WEEKLY") and byday and not (months or monthdays):
        text = _weekdays(byday, interval)
    elif freq == "WEEKLY" and not (months or monthdays):
        text = _every("week", interval)
    elif freq == "MONTHLY" and not months:
        text = _monthly(interval, byday, monthdays, parts.get("BYSETPOS"))
    elif freq == "YEARLY":
        text = _yearly(interval, byday, months, monthdays, None if odd else start)
    if text is None or odd:
        text = f"{text or _every(_UNITS[freq], interval)} (custom)"
    if "COUNT" in parts:
        count = int(parts["COUNT"])
        text += ", once" if count == 1 else ", twice" if count == 2 else f", {count} times"
    elif "UNTIL" in parts:
        until = date(int(parts["UNTIL"][:4]), int(parts["UNTIL"][4:6]), int(parts["UNTIL"][6:8]))
        text += f", until {until.day} {until.strftime('%b')}" + ("" if until.year == year else f" {until.year}")
    return text


def _monthly(interval: int, byday: list[str], monthdays: list[int], setpos: str | None) -> str | None:
    """``every month``, ``every first of the month``, ``every 3 months on the 15th``,
    ``every last Friday of the month``."""
    if byday and monthdays:
        return None
    if not byday and not monthdays:
        return _every("month", interval)
    which = _numbered_days(byday, setpos) if byday else _and([_day_of_month(d) for d in monthdays])
    if which is None:
        return None
    if interval == 1:
        return f"every {which} of the month"
    return f"{_every('month', interval)} on the {which}"


def _yearly(interval: int, byday: list[str], months: list[int], monthdays: list[int], start: date | None) -> str | None:
    """``every year``, ``every year on 5 Mar``, ``every 2 years on 1 and 15 Jan``,
    ``every year on the first Monday of Sep``."""
    if not months and not monthdays and not byday and start is not None:
        months, monthdays = [start.month], [start.day]
    every = _every("year", interval)
    names = _and([date(2000, m, 1).strftime("%b") for m in sorted(months)]) if months else ""
    if byday and not monthdays and len(months) == 1:
        which = _numbered_days(byday, None)
        return None if which is None else f"{every} on the {which} of {names}"
    if byday:
        return None
    if monthdays and months and all(d > 0 for d in monthdays):
        return f"{every} on {_and([str(d) for d in sorted(monthdays)])} {names}"
    if months and not monthdays:
        return f"{every} in {names}"
    return every if not (months or monthdays) else None

NOTE_LINE_MAX = 120
"""A note (task description) shown collapsed is cut to this many characters (widgets, replies)."""


def note_line(description: str | None, limit: int = NOTE_LINE_MAX) -> str:
    """A task's note collapsed to one line: runs of white space (newlines included) become one
    space, and a note longer than ``limit`` characters ends with ``…``; ``""`` for no note.

    Args:
        description: the task's description, as stored (any length, may be None).
        limit: at most this many characters, the ``…`` included (≥ 2).
    """
    text = " ".join((description or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
