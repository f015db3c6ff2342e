"""The assistant's short replies: one sentence about what a tool did (the widget shows the list)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import isodate

from todochat.agent.models.builtin.lists import list_sentence
from todochat.errors import ValidationError
from todochat.presentation import local_due_words as when_text
from todochat.presentation import moved_words, note_line, priority_words, recurrence_words
from todochat.tasks.rescheduling import parse_shift
from todochat.tasks.views import DEFAULT_STATUS

HELP = (
    "I manage your task list. I can add tasks (with due dates, priorities, tags and repeats), "
    "show and search them, mark them done or not done, change or delete them (asking first before changing several), undo and redo any change, show what you changed today, and export them as a file. "
    "I can also remind you (\"remind me to call mom at 5pm\", \"remind me 30 minutes before the dentist\", \"what reminders do I have?\"). "
    "Try \"add pay rent on friday\", \"what's due today?\" or \"mark task 3 as done\"."
)
CHAT = {
    "help": HELP,
    "greet": "Hello! I can add, show, complete, change and delete your tasks. What would you like to do?",
    "thanks": "You're welcome! Anything else for your task list?",
    "out_of_scope": (
        "I can't help with that: I only manage your task list, and I have no access to the web, news, "
        "weather or general knowledge. Nothing was changed. Ask me things like \"what's due this weekend?\" "
        "or \"what's next?\"."
    ),
    "unknown": (
        "Sorry, I didn't understand that. I can add, list, search, complete, update and delete your "
        "tasks, for example \"add call mom tomorrow at 6pm\" or \"show my tasks\"."
    ),
}


def chat(kind: str) -> str:
    """A reply for a message that needs no tool (help, greeting, thanks, not understood)."""
    return CHAT.get(kind, CHAT["unknown"])


def task_text(task: dict[str, Any]) -> str:
    """``task 4: Pay rent`` (number and title of a tool result's task)."""
    return f"task {task.get('number')}: {task.get('title')}"


def which_one(candidates: list[dict[str, Any]]) -> str:
    """Ask which candidate the user means, naming each by number and title."""
    names = " or ".join(f"task {c['number']} \"{c['title']}\"" for c in candidates)
    return f"Which one do you mean: {names}?"


def _details(task: dict[str, Any]) -> str:
    parts = []
    if task.get("due"):
        parts.append(f"due {when_text(task['due'])}")
    if priority_words(task.get("priority")):
        parts.append(priority_words(task.get("priority")))
    if task.get("tags"):
        parts.append(" ".join(f"#{t}" for t in task["tags"]))
    if task.get("recurrence"):
        start = date.fromisoformat(task["due"][:10]) if task.get("due") else None
        parts.append("repeats " + recurrence_words(task["recurrence"], start=start))
    return (", " + ", ".join(parts)) if parts else ""


def minutes_text(minutes: int) -> str:
    """``30`` → ``30 minutes``, ``60`` → ``an hour``, ``1440`` → ``a day``, ``90`` → ``90 minutes``."""
    for size, unit in ((10080, "week"), (1440, "day"), (60, "hour")):
        if minutes % size == 0:
            n = minutes // size
            return (("an" if unit == "hour" else "a") + f" {unit}") if n == 1 else f"{n} {unit}s"
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def reminder_text(reminder: dict[str, Any]) -> str:
    """When a reminder (docs/agent-tools.md ``Reminder``) fires, in words:
    ``Fri 20 Nov at 14:30 (30 minutes before)``; ``at its due time``; or a note that it waits for
    a due time."""
    fire = when_text(reminder.get("fire_at"))
    before = reminder.get("before_minutes")
    if before is None:
        return fire
    offset = "at the due time" if before == 0 else f"{minutes_text(int(before))} before"
    return f"{fire} ({offset})" if fire else f"{offset}, once the task has a due time"


def _reminder_failure(tool: str, args: dict[str, Any], result: dict[str, Any]) -> str | None:
    """Replies to the reminder tools' own refusals (None: the general ones apply)."""
    error = result.get("error")
    if error == "reminder_in_past":
        when = when_text(result.get("fire_at", "")[:16]) if result.get("fire_at") else "that time"
        if tool == "add_task":
            return f"A reminder at {when} would be in the past: that time has passed — add \"{args.get('title')}\" and remind you now?"
        return f"A reminder at {when} for \"{result.get('title') or 'that task'}\" would be in the past: that time has passed — remind you now?"
    if error == "ambiguous_reminder":
        options = " or ".join(f"{when_text(c.get('fire_at'))}" for c in result.get("candidates") or [])
        return f"That task has several reminders: {options}. Which one should I cancel (or \"both\")?"
    if error == "validation" and tool == "add_reminder" and result.get("field") == "before_minutes" and result.get("number") \
            and "due" in str(result.get("message")):
        n = result["number"]
        return (f"Task {n} has no due time, so there is nothing to remind you before. When should I remind you? "
                f"For example \"remind me about task {n} tomorrow at 9am\".")
    if error == "not_found" and tool in ("cancel_reminder", "list_reminders", "add_reminder", "cancel_reminders") and result.get("number"):
        return f"{result.get('message') or 'There is no such reminder.'}"
    if error == "confirmation_required" and result.get("action") == "cancel_reminders":
        items = result.get("would_change") or []
        lines = "; ".join(f"task {c.get('number')}: {c.get('title')} — {when_text(str(c.get('fire_at') or '')[:16]) or 'once it has a due time'}"
                          for c in items[:10])
        more = f" … and {len(items) - 10} more" if len(items) > 10 else ""
        return f"This would cancel {len(items)} reminders: {lines}{more}. Shall I cancel them?"
    if error == "not_found" and tool == "cancel_reminders" and not str(args.get("task") or ""):
        return f"You have no reminders{_span(args)} to cancel."
    return None


def _span(args: dict[str, Any]) -> str:
    """`` tomorrow`` / `` this week`` / `` on Fri 20 Nov`` for a reminder tool's ``when``."""
    when = str(args.get("when") or "")
    if not when:
        return ""
    return f" on {when_text(when)}" if when[:1].isdigit() else f" {when.replace('_', ' ')}"


def _reminder_success(tool: str, args: dict[str, Any], result: dict[str, Any]) -> str | None:
    """What a reminder tool did, in one sentence (None for other tools)."""
    if tool == "add_reminder":
        reminder = result.get("reminder") or {}
        return f"I'll remind you about task {reminder.get('task')}: {reminder.get('title')} {_on(reminder_text(reminder))}."
    if tool == "list_reminders":
        found = result.get("reminders") or []
        if not found:
            return f"You have no reminders{' on that task' if args.get('task') else ''}{_span(args)}."
        lines = "; ".join(f"task {r.get('task')}: {r.get('title')} — {reminder_text(r)}" for r in found[:10])
        more = f" … and {len(found) - 10} more" if len(found) > 10 else ""
        return f"You have {len(found)} reminder{'s' if len(found) != 1 else ''}{_span(args)}: {lines}{more}."
    if tool == "cancel_reminders":
        done = result.get("reminders") or []
        if len(done) == 1:
            r = done[0]
            return (f"Cancelled the reminder on task {r.get('task')}: {r.get('title')} — {reminder_text(r)}. "
                    "Say \"undo\" to bring it back.")
        lines = "; ".join(f"task {r.get('task')}: {r.get('title')} — {reminder_text(r)}" for r in done[:10])
        more = f" … and {len(done) - 10} more" if len(done) > 10 else ""
        return f"Cancelled {len(done)} reminders: {lines}{more}. Say \"undo\" to bring them back."
    if tool == "cancel_reminder":
        reminder = result.get("reminder") or {}
        return (f"Cancelled the reminder on task {reminder.get('task')}: {reminder.get('title')} — {reminder_text(reminder)}. "
                "Say \"undo\" to bring it back.")
    if tool == "set_reminder_channel":
        channel = {"page": "this page", "webpush": "web push", "ntfy": "ntfy", "email": "email"}.get(str(args.get("channel")), str(args.get("channel")))
        if args.get("enabled") is False:
            return f"OK, no more reminders by {channel}."
        to = f" ({args['address']})" if args.get("address") else ""
        return f"OK, your reminders will be sent by {channel}{to}."
    return None


def missing_tool(tool: str) -> str:
    """The sentence for a request whose tool this server does not have."""
    if tool == "set_reminder_channel":
        return "I can't change where reminders are delivered on this server; reminders show on this page."
    return "Sorry, I can't do that on this server."


def from_now_text(duration: str) -> str:
    """``PT1M`` → ``in a minute``, ``PT2H`` → ``in 2 hours``, ``PT90S`` → ``in 90 seconds``."""
    try:
        delta = isodate.parse_duration(duration)
    except (isodate.ISO8601Error, ValueError):
        return "soon"
    seconds = int(delta.total_seconds()) if isinstance(delta, timedelta) else 0
    if seconds % 60:
        return f"in {seconds} seconds"
    return f"in {minutes_text(seconds // 60)}"


def _on(text: str) -> str:
    """``Fri 20 Nov at 14:30 …`` → ``on Fri 20 Nov at 14:30 …``; other phrases as they are."""
    return f"on {text}" if text[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") else text


def _add_reminder_note(args: dict[str, Any], task: dict[str, Any]) -> str:
    """The reminder sentence after "Added task …" when ``add_task`` set one."""
    if str(args.get("remind_at") or "").startswith("P"):
        return f" I'll remind you {from_now_text(str(args['remind_at']))}."
    if args.get("remind_at"):
        return f" I'll remind you {_on(when_text(args['remind_at']) if args['remind_at'] != 'now' else 'in a minute')}."
    before = args.get("remind_before_minutes")
    if before is None or not task.get("due"):
        return ""
    if before == 0:
        due = str(task["due"])
        return " I'll remind you then." if "T" in due else f" I'll remind you on {when_text(due)} at 09:00."
    return f" I'll remind you {minutes_text(int(before))} before."


def _failure(tool: str, args: dict[str, Any], result: dict[str, Any]) -> str:
    special = _reminder_failure(tool, args, result)
    if special:
        return special
    error = result.get("error")
    if error == "ambiguous":
        return "More than one task fits. " + which_one(result.get("candidates") or [])
    if error == "confirmation_required" and tool == "delete_list":
        return f"{result.get('message', '').split(' Confirm')[0]} Delete the list and its tasks?"
    if error == "not_found" and result.get("field") in ("list", "name"):
        return f"{result.get('message')} Say \"what lists do I have?\" to see them."
    if error == "confirmation_required":
        items = result.get("would_change") or result.get("would_delete") or []
        names = ", ".join(f"{c['number']} \"{c['title']}\"" for c in items)
        action = result.get("action")
        if tool in ("complete_task", "delete_task"):  # a task with (open) subtasks
            return _subtree_question(tool, items)
        if action == "update":
            verb, how = _change_text(args.get("changes") or {})
            return f"This would {verb} {len(items)} tasks{how}: {names}. Shall I go ahead?"
        verb = "complete" if action == "complete" else "delete"
        return f"This would {verb} {len(items)} tasks: {names}. Shall I {verb} them?"
    if error == "not_found":
        ref = str(args.get("task") or "")
        if ref.isdigit():
            return f"I couldn't find task {ref}."
        if ref:
            return f"I couldn't find a task matching \"{ref}\"."
        return "I couldn't find any matching tasks, so nothing changed."
    if error == "nothing_to_undo":
        return "There's nothing to undo."
    if error == "earlier_than_due":
        current = when_text(result.get("current_due")) or "its due date"
        wanted = when_text(result.get("requested_due")) or "that date"
        title = f"\"{result['title']}\" is" if result.get("title") else "It's"
        return (f"{title} due {current}; {wanted} would be earlier, and postponing never moves a task earlier. "
                f"Move it to {wanted} anyway?")
    if error == "nothing_to_redo":
        return "There's nothing to redo."
    message = result.get("message") or "That didn't work."
    return f"Sorry, I couldn't do that: {message}"


def _subtree_question(tool: str, items: list[dict[str, Any]]) -> str:
    """Completing a task with open subtasks, or deleting one with subtasks, asks first."""
    if tool == "complete_task":
        names = ", ".join(f"{c['number']} \"{c['title']}\"" for c in items)
        s = "s" if len(items) != 1 else ""
        return f"That task has {len(items)} open subtask{s}: {names}. Complete {'them' if s else 'it'} too?"
    root, below = items[0], items[1:]
    names = ", ".join(f"{c['number']} \"{c['title']}\"" for c in below)
    s = "s" if len(below) != 1 else ""
    return (f"Task {root['number']} \"{root['title']}\" has {len(below)} subtask{s}: {names}. "
            f"Delete it and its subtask{s} ({len(items)} tasks)?")


def _subtask_success(tool: str, args: dict[str, Any], result: dict[str, Any]) -> str | None:
    """What a subtask operation did (None for other tools)."""
    task = result.get("task") or {}
    if tool == "add_subtasks":
        added = result.get("tasks") or []
        names = ", ".join(f"{t['number']} {t['title']}" for t in added)
        return f"Added {len(added)} subtask{'s' if len(added) != 1 else ''} to {task_text(task)}: {names}."
    if tool == "add_task" and task.get("parent"):
        return f"Added {task_text(task)}{_details(task)}, a subtask of task {task['parent']}.{_add_reminder_note(args, task)}"
    if tool == "update_task" and "parent" in args and len(args) == 2:
        if task.get("parent"):
            return f"Made {task_text(task)} a subtask of task {task['parent']}."
        return f"Made {task_text(task)} a top-level task."
    if tool == "list_tasks" and args.get("parent"):
        count = int(result.get("count", 0))
        noun = "open subtask" if args.get("status") == "pending" else "subtask"
        if count == 0:
            return f"There are no {noun}s left there." if args.get("status") == "pending" else "That task has no subtasks."
        left = " left" if args.get("status") == "pending" else ""
        return f"{count} {noun}{'s' if count != 1 else ''}{left}: " + ", ".join(
            f"{t['number']} {t['title']}" for t in (result.get("tasks") or [])[:10]) + "."
    return None


def _shift_text(shift: str) -> str:
    """``P1W`` → ``a week later``, ``-P2D`` → ``2 days earlier``, ``P1M`` → ``a month later``
    (read by tasks.rescheduling.parse_shift, the same ISO 8601 reading the service uses)."""
    try:
        delta = parse_shift(shift)
    except ValidationError:
        return f"by {shift}"
    later = delta.years > 0 or delta.months > 0 or delta.days > 0 or delta.hours > 0
    delta = delta if later else -delta
    weeks, days = divmod(delta.days, 7)
    parts = [(delta.years, "year"), (delta.months, "month")]
    parts += [(weeks, "week")] if days == 0 and weeks else [(delta.days, "day")]
    parts += [(delta.hours, "hour")]
    words = [("an" if unit == "hour" else "a") + f" {unit}" if n == 1 else f"{n} {unit}s" for n, unit in parts if n]
    return f"{' and '.join(words) or shift} {'later' if later else 'earlier'}"


def _change_text(changes: dict[str, Any]) -> tuple[str, str]:
    """What a bulk update does: a verb and how (``("move", " to Mon 23 Nov, each keeping its time")``)."""
    if changes.get("due_day"):
        return "move", f" to {when_text(changes['due_day'])}, each keeping its time"
    if changes.get("shift"):
        return "move", f" {_shift_text(changes['shift'])}"
    if changes.get("due_time"):
        return "move", f" to {changes['due_time']}, each keeping its day"
    return "change", ""


def _list_sentence(args: dict[str, Any], count: int, intent: str) -> str:
    status = args.get("status", DEFAULT_STATUS)
    due = args.get("due")
    noun = {"pending": "open tasks", "completed": "completed tasks"}.get(status, "tasks")
    scope = ""
    if due == "today":
        scope = " due today"
    elif due == "tomorrow":
        scope = " due tomorrow"
    elif due == "this_week":
        scope = " due this week"
    elif due == "none":
        scope = " without a due date"
    elif due and due not in ("any", "overdue"):
        scope = f" due {when_text(due)}"
    after, before = args.get("due_after"), args.get("due_before")  # a period (builtin/periods.py)
    if after and before:
        scope += f" due {when_text(after)} to {when_text(before)}"
    elif before:
        scope += f" due by {when_text(before)}"
    elif after:
        scope += f" due from {when_text(after)} on"
    if args.get("priority"):
        noun = f"{args['priority']} priority {noun}"
    if args.get("tag"):
        scope += f" tagged #{args['tag']}"
    if args.get("query"):
        scope += f" matching \"{args['query']}\""
    if args.get("list"):
        scope += f" in {args['list']}"
    if due == "overdue":
        noun = "overdue tasks"
    if count == 0:
        if due == "overdue":
            return "You have nothing overdue."
        if not scope and status == "all" and not args.get("priority"):
            return "Your list is empty. Add a task with \"add …\"."
        return f"You have no {noun}{scope}."
    if intent == "count":
        one = noun[:-1] if count == 1 else noun
        return f"You have {count} {one}{scope}."
    if count == 1:
        return f"Here is your 1 {noun[:-1]}{scope}."
    return f"Here are your {count} {noun}{scope}."


def _next_sentence(result: dict[str, Any]) -> str:
    """The answer to "what's next?": the first task of the list (soonest due first), then how
    many more are open."""
    tasks = result.get("tasks") or []
    if not tasks:
        return "Nothing is next: you have no open tasks."
    first = tasks[0]
    due = f", due {when_text(first['due'])}" if first.get("due") else ""
    more = len(tasks) - 1
    after = f" After that: {more} more open task{'s' if more != 1 else ''}." if more else ""
    return f"Next up: {task_text(first)}{due}.{after}"


def describe(tool: str, args: dict[str, Any], result: dict[str, Any], intent: str = "") -> str:
    """One sentence saying what ``tool`` did, from its JSON ``result`` (shapes in docs/agent-tools.md)."""
    if not result.get("ok"):
        return _failure(tool, args, result)
    task = result.get("task") or {}
    special = _reminder_success(tool, args, result) or _subtask_success(tool, args, result)
    if special:
        return special
    listed = list_sentence(tool, args, result)
    if listed:
        return listed
    if tool == "add_task":
        where = f" to {task['list']}" if task.get("list") and task["list"] != "Inbox" else ""
        note = f" Note: {note_line(task.get('description'))}." if task.get("description") else ""
        return f"Added {task_text(task)}{where}{_details(task)}.{note}{_add_reminder_note(args, task)}"
    if tool == "show_task":
        note = note_line(task.get("description"))
        if not note:
            return f"'{task.get('title')}' (task {task.get('number')}) has no note."
        return f"The note on '{task.get('title')}' (task {task.get('number')}): {note}"
    if tool == "list_tasks" and intent == "next":
        return _next_sentence(result)
    if tool == "list_tasks":
        named = {"list": result["list"]} if result.get("list") else {}  # the list's stored name ("Work")
        return _list_sentence({**args, **named}, int(result.get("count", 0)), intent)
    if tool == "complete_task":
        text = f"Marked {task_text(task)} as done."
        nxt = result.get("next_task")
        if nxt:
            text += f" The next one is task {nxt['number']}, due {when_text(nxt.get('due'))}."
        return text
    if tool == "reopen_task":
        return f"Reopened {task_text(task)}: it's not done any more."
    if tool == "delete_task":
        return f"Deleted {task_text(task)}. Say \"undo\" to bring it back."
    if tool == "update_task":
        changed = [k for k in ("title", "description", "due", "priority", "tags", "add_tags", "remove_tags", "recurrence") if k in args]
        if "add_note" in args:
            return f"Added a note to '{task.get('title')}': {note_line(args['add_note'])}."
        if changed == ["description"]:
            note = note_line(task.get("description"))
            return f"Changed the note on '{task.get('title')}': {note}." if note else f"Removed the note from '{task.get('title')}'."
        if not changed and "list" in args:
            if result.get("subtasks_moved"):  # the subtree followed (tasks/subtasks.py)
                words = moved_words(str(task.get("title")), int(result["subtasks_moved"]), task.get("list"))
                return f"M{words[1:]}."
            return f"Moved {task_text(task)} to {task.get('list')}."
        if changed == ["title"]:
            return f"Renamed it: {task_text(task)}."
        if changed == ["due"] and args["due"] == "":
            return f"Removed the due date of {task_text(task)}."
        return f"Updated {task_text(task)}{_details(task)}."
    if tool == "complete_tasks":
        done = result.get("tasks") or []
        if not done:
            return "There was nothing left to complete."
        text = f"Marked {len(done)} task{'s' if len(done) != 1 else ''} as done."
        if result.get("created"):
            text += f" {len(result['created'])} repeating task(s) got their next occurrence."
        return text
    if tool == "update_tasks":
        changed = result.get("tasks") or []
        lines = "; ".join(f"{task_text(t)}{_details(t)}" for t in changed[:10])
        return f"Updated {len(changed)} task{'s' if len(changed) != 1 else ''}: {lines}."
    if tool == "delete_tasks":
        gone = result.get("tasks") or []
        return f"Deleted {len(gone)} task{'s' if len(gone) != 1 else ''}. Say \"undo\" to bring {'them' if len(gone) != 1 else 'it'} back."
    if tool in ("undo", "redo"):
        return f"{result.get('message') or 'Done'}."
    if tool == "list_activity":
        entries = result.get("entries") or []
        if not entries:
            return "You haven't changed anything yet today." if args.get("since") == "today" else "No changes to show."
        lines = [e["summary"] + (" (undone)" if e.get("undone") else "") for e in entries[:10]]
        more = f" … and {len(entries) - 10} more" if len(entries) > 10 else ""
        return f"{len(entries)} change{'s' if len(entries) != 1 else ''}: " + "; ".join(lines) + more + "."
    return "Done."
