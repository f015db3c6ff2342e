"""The assistant's short replies: one sentence about what a tool did (the widget shows the list).

The words are templates per language (``lang/en_replies.py``, ``lang/de_replies.py``) looked up
through ``templates.py`` in the current turn's reply language; this module only picks the
template and fills its slots.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import isodate

from todochat.agent.models.builtin.lists import list_sentence
from todochat.agent.models.builtin.templates import has, plural, t
from todochat.errors import ValidationError
from todochat.presentation import note_line, priority_words, recurrence_words
from todochat.tasks.rescheduling import parse_shift
from todochat.tasks.views import DEFAULT_STATUS

CHAT_KINDS = ("help", "greet", "thanks", "out_of_scope", "unknown")


def chat(kind: str) -> str:
    """A reply for a message that needs no tool (help, greeting, thanks, not understood)."""
    return t(f"chat.{kind if kind in CHAT_KINDS else 'unknown'}")


def too_long() -> str:
    """The reply to a message too long to read."""
    return t("too_long")


def when_text(due: str | None) -> str:
    """A ``due`` (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``, local) as replies quote it back:
    ``Fri 20 Nov at 14:30`` (``Fr 20 Nov um 14:30``); ``""`` for none. Same shape as
    ``presentation.local_due_words`` without ``today``."""
    if not due:
        return ""
    if "T" in due:
        moment = datetime.fromisoformat(due)
        day, clock = moment.date(), moment.strftime("%H:%M")
    else:
        day, clock = date.fromisoformat(due[:10]), ""
    words = t("when.day", weekday=t(f"weekday.{day.weekday()}"), day=day.day, month=t(f"month.{day.month}"))
    return t("when.at", day=words, time=clock) if clock else words


def task_text(task: dict[str, Any]) -> str:
    """``task 4: Pay rent`` (number and title of a tool result's task)."""
    return t("task_ref", number=task.get("number"), title=task.get("title"))


def which_one(candidates: list[dict[str, Any]]) -> str:
    """Ask which candidate the user means, naming each by number and title."""
    names = t("or").join(t("candidate", number=c["number"], title=c["title"]) for c in candidates)
    return t("which_one", names=names)


def _priority(priority: str | None) -> str:
    words = priority_words(priority)
    return t(f"priority.{priority}") if words and has(f"priority.{priority}") else words


def _details(task: dict[str, Any]) -> str:
    parts = []
    if task.get("due"):
        parts.append(t("details.due", when=when_text(task["due"])))
    if _priority(task.get("priority")):
        parts.append(_priority(task.get("priority")))
    if task.get("tags"):
        parts.append(" ".join(f"#{tag}" for tag in task["tags"]))
    if task.get("recurrence"):
        start = date.fromisoformat(task["due"][:10]) if task.get("due") else None
        parts.append(t("details.repeats", rule=recurrence_words(task["recurrence"], start=start)))
    return (", " + ", ".join(parts)) if parts else ""


def minutes_text(minutes: int, *, units: str = "unit") -> str:
    """``30`` → ``30 minutes``, ``60`` → ``an hour``, ``1440`` → ``a day``, ``90`` → ``90 minutes``;
    ``units="in_unit"`` gives the form said after "in" (German "in einer Stunde")."""
    for size, unit in ((10080, "week"), (1440, "day"), (60, "hour")):
        if minutes % size == 0:
            return plural(f"{units}.{unit}", minutes // size)
    return plural(f"{units}.minute", minutes)


def reminder_text(reminder: dict[str, Any]) -> str:
    """When a reminder (docs/agent-tools.md ``Reminder``) fires, in words:
    ``Fri 20 Nov at 14:30 (30 minutes before)``; ``at its due time``; or a note that it waits for
    a due time."""
    fire = when_text(reminder.get("fire_at"))
    before = reminder.get("before_minutes")
    if before is None:
        return fire
    offset = t("at_due_time") if before == 0 else t("before", span=minutes_text(int(before)))
    return t("fire_offset", fire=fire, offset=offset) if fire else t("offset_no_due", offset=offset)


def _reminder_lines(found: list[dict[str, Any]], key: str = "task") -> tuple[str, str]:
    """The first ten reminders as ``task 3: Call mom — Fri 20 Nov at 17:00; …`` and the
    `` … and N more`` tail."""
    lines = "; ".join(t("reminder_line", number=r.get(key), title=r.get("title"), when=reminder_text(r)) for r in found[:10])
    return lines, (t("more", count=len(found) - 10) if len(found) > 10 else "")


def _reminder_failure(tool: str, args: dict[str, Any], result: dict[str, Any]) -> str | None:
    """Replies to the reminder tools' own refusals (None: the general ones apply)."""
    error = result.get("error")
    if error == "reminder_in_past":
        when = when_text(result.get("fire_at", "")[:16]) if result.get("fire_at") else t("that_time")
        if tool == "add_task":
            return t("reminder_past_add", when=when, title=args.get("title"))
        return t("reminder_past", when=when, title=result.get("title") or t("that_task"))
    if error == "ambiguous_reminder":
        options = t("or").join(f"{when_text(c.get('fire_at'))}" for c in result.get("candidates") or [])
        return t("ambiguous_reminder", options=options)
    if error == "validation" and tool == "add_reminder" and result.get("field") == "before_minutes" and result.get("number") \
            and "due" in str(result.get("message")):
        return t("reminder_no_due", number=result["number"])
    if error == "not_found" and tool in ("cancel_reminder", "list_reminders", "add_reminder", "cancel_reminders") and result.get("number"):
        return f"{result.get('message') or t('no_such_reminder')}"
    if error == "confirmation_required" and result.get("action") == "cancel_reminders":
        items = result.get("would_change") or []
        lines = "; ".join(t("reminder_line", number=c.get("number"), title=c.get("title"),
                            when=when_text(str(c.get("fire_at") or "")[:16]) or t("once_due")) for c in items[:10])
        more = t("more", count=len(items) - 10) if len(items) > 10 else ""
        return t("cancel_reminders_confirm", count=len(items), lines=lines, more=more)
    if error == "not_found" and tool == "cancel_reminders" and not str(args.get("task") or ""):
        return t("no_reminders_to_cancel", span=_span(args))
    return None


def _span(args: dict[str, Any]) -> str:
    """`` tomorrow`` / `` this week`` / `` on Fri 20 Nov`` for a reminder tool's ``when``."""
    when = str(args.get("when") or "")
    if not when:
        return ""
    if when[:1].isdigit():
        return t("span.on", when=when_text(when))
    return t(f"span.word.{when}") if has(f"span.word.{when}") else t("span.other", when=when.replace("_", " "))


def _reminder_success(tool: str, args: dict[str, Any], result: dict[str, Any]) -> str | None:
    """What a reminder tool did, in one sentence (None for other tools)."""
    if tool == "add_reminder":
        reminder = result.get("reminder") or {}
        return t("reminder_added", number=reminder.get("task"), title=reminder.get("title"), when=_on(reminder_text(reminder)))
    if tool == "list_reminders":
        found = result.get("reminders") or []
        if not found:
            return t("no_reminders", on_task=t("on_that_task") if args.get("task") else "", span=_span(args))
        lines, more = _reminder_lines(found)
        return plural("reminders", len(found), span=_span(args), lines=lines, more=more)
    if tool == "cancel_reminders":
        done = result.get("reminders") or []
        if len(done) == 1:
            r = done[0]
            return t("reminder_cancelled", number=r.get("task"), title=r.get("title"), when=reminder_text(r))
        lines, more = _reminder_lines(done)
        return t("reminders_cancelled", count=len(done), lines=lines, more=more)
    if tool == "cancel_reminder":
        reminder = result.get("reminder") or {}
        return t("reminder_cancelled", number=reminder.get("task"), title=reminder.get("title"), when=reminder_text(reminder))
    if tool == "set_reminder_channel":
        name = str(args.get("channel"))
        channel = t(f"channel.{name}") if has(f"channel.{name}") else name
        if args.get("enabled") is False:
            return t("channel_off", channel=channel)
        to = f" ({args['address']})" if args.get("address") else ""
        return t("channel_on", channel=channel, to=to)
    return None


def missing_tool(tool: str) -> str:
    """The sentence for a request whose tool this server does not have."""
    if tool == "set_reminder_channel":
        return t("missing_channel")
    return t("missing_tool")


def from_now_text(duration: str) -> str:
    """``PT1M`` → ``in a minute``, ``PT2H`` → ``in 2 hours``, ``PT90S`` → ``in 90 seconds``."""
    try:
        delta = isodate.parse_duration(duration)
    except (isodate.ISO8601Error, ValueError):
        return t("soon")
    seconds = int(delta.total_seconds()) if isinstance(delta, timedelta) else 0
    if seconds % 60:
        return t("in_seconds", count=seconds)
    return t("in_span", span=minutes_text(seconds // 60, units="in_unit"))


def _on(text: str) -> str:
    """``Fri 20 Nov at 14:30 …`` → ``on Fri 20 Nov at 14:30 …``; other phrases as they are."""
    starts_with_day = text.split(" ", 1)[0] in {t(f"weekday.{i}") for i in range(7)}
    return t("on_day", when=text) if starts_with_day else text


def _add_reminder_note(args: dict[str, Any], task: dict[str, Any]) -> str:
    """The reminder sentence after "Added task …" when ``add_task`` set one."""
    if str(args.get("remind_at") or "").startswith("P"):
        return t("remind_note", when=from_now_text(str(args["remind_at"])))
    if args.get("remind_at"):
        return t("remind_note", when=_on(when_text(args["remind_at"]) if args["remind_at"] != "now" else t("in_a_minute")))
    before = args.get("remind_before_minutes")
    if before is None or not task.get("due"):
        return ""
    if before == 0:
        due = str(task["due"])
        return t("remind_then") if "T" in due else t("remind_on_day", when=when_text(due))
    return t("remind_note", when=t("before", span=minutes_text(int(before))))


def _numbered(items: list[dict[str, Any]]) -> str:
    return ", ".join(t("numbered", number=c["number"], title=c["title"]) for c in items)


def _failure(tool: str, args: dict[str, Any], result: dict[str, Any]) -> str:
    special = _reminder_failure(tool, args, result)
    if special:
        return special
    error = result.get("error")
    if error == "ambiguous":
        return t("ambiguous", question=which_one(result.get("candidates") or []))
    if error == "confirmation_required" and tool == "delete_list":
        return t("delete_list_confirm", message=result.get("message", "").split(" Confirm")[0])
    if error == "not_found" and result.get("field") in ("list", "name"):
        return t("list_not_found", message=result.get("message"))
    if error == "confirmation_required":
        items = result.get("would_change") or result.get("would_delete") or []
        action = result.get("action")
        if tool in ("complete_task", "delete_task"):  # a task with (open) subtasks
            return _subtree_question(tool, items)
        if action == "update":
            verb, how = _change_text(args.get("changes") or {})
            return t("bulk_update_confirm", verb=t(f"verb.{verb}"), count=len(items), how=how, names=_numbered(items))
        key = "bulk_complete_confirm" if action == "complete" else "bulk_delete_confirm"
        return t(key, count=len(items), names=_numbered(items))
    if error == "not_found":
        ref = str(args.get("task") or "")
        if ref.isdigit():
            return t("not_found_number", ref=ref)
        if ref:
            return t("not_found_text", ref=ref)
        return t("not_found_any")
    if error == "nothing_to_undo":
        return t("nothing_to_undo")
    if error == "earlier_than_due":
        current = when_text(result.get("current_due")) or t("its_due_date")
        wanted = when_text(result.get("requested_due")) or t("that_date")
        subject = t("title_is", title=result["title"]) if result.get("title") else t("it_is")
        return t("earlier_than_due", subject=subject, current=current, wanted=wanted)
    if error == "nothing_to_redo":
        return t("nothing_to_redo")
    return t("failed", message=result.get("message") or t("didnt_work"))


def _subtree_question(tool: str, items: list[dict[str, Any]]) -> str:
    """Completing a task with open subtasks, or deleting one with subtasks, asks first."""
    if tool == "complete_task":
        return plural("open_subtasks", len(items), names=_numbered(items))
    root, below = items[0], items[1:]
    return plural("delete_subtree", len(below), number=root["number"], title=root["title"],
                  names=_numbered(below), total=len(items))


def _subtask_names(tasks: list[dict[str, Any]]) -> str:
    return ", ".join(t("subtask_entry", number=x["number"], title=x["title"]) for x in tasks)


def _subtask_success(tool: str, args: dict[str, Any], result: dict[str, Any]) -> str | None:
    """What a subtask operation did (None for other tools)."""
    task = result.get("task") or {}
    if tool == "add_subtasks":
        added = result.get("tasks") or []
        return plural("subtasks_added", len(added), task=task_text(task), names=_subtask_names(added))
    if tool == "add_task" and task.get("parent"):
        return t("subtask_added", task=task_text(task), details=_details(task), parent=task["parent"],
                 reminder=_add_reminder_note(args, task))
    if tool == "update_task" and "parent" in args and len(args) == 2:
        if task.get("parent"):
            return t("made_subtask", task=task_text(task), parent=task["parent"])
        return t("made_top", task=task_text(task))
    if tool == "list_tasks" and args.get("parent"):
        count = int(result.get("count", 0))
        pending = args.get("status") == "pending"
        if count == 0:
            return t("no_open_subtasks") if pending else t("no_subtasks")
        return plural("subtasks_open" if pending else "subtasks", count, names=_subtask_names((result.get("tasks") or [])[:10]))
    return None


def _shift_text(shift: str) -> str:
    """``P1W`` → ``a week later``, ``-P2D`` → ``2 days earlier``, ``P1M`` → ``a month later``
    (read by tasks.rescheduling.parse_shift, the same ISO 8601 reading the service uses)."""
    try:
        delta = parse_shift(shift)
    except ValidationError:
        return t("shift.by", shift=shift)
    later = delta.years > 0 or delta.months > 0 or delta.days > 0 or delta.hours > 0
    delta = delta if later else -delta
    weeks, days = divmod(delta.days, 7)
    parts = [(delta.years, "year"), (delta.months, "month")]
    parts += [(weeks, "week")] if days == 0 and weeks else [(delta.days, "day")]
    parts += [(delta.hours, "hour")]
    words = [plural(f"unit.{unit}", n) for n, unit in parts if n]
    return t("shift.later" if later else "shift.earlier", span=t("and").join(words) or shift)


def _change_text(changes: dict[str, Any]) -> tuple[str, str]:
    """What a bulk update does: a verb key and how (``("move", " to Mon 23 Nov, each keeping its time")``)."""
    if changes.get("due_day"):
        return "move", t("change.to_day", when=when_text(changes["due_day"]))
    if changes.get("shift"):
        return "move", t("change.shift", shift=_shift_text(changes["shift"]))
    if changes.get("due_time"):
        return "move", t("change.to_time", time=changes["due_time"])
    return "change", ""


def _noun(args: dict[str, Any], count: int) -> str:
    """``open tasks`` / ``high priority open task`` / ``overdue tasks`` for a list's count."""
    status = args.get("status", DEFAULT_STATUS)
    kind = "overdue" if args.get("due") == "overdue" else status if status in ("pending", "completed") else "all"
    noun = plural(f"noun.{kind}", count)
    level = args.get("priority")
    if level and kind != "overdue":
        noun = t("priority_noun", priority=t(f"level.{level}") if has(f"level.{level}") else level, noun=noun)
    return noun


def _list_sentence(args: dict[str, Any], count: int, intent: str) -> str:
    status = args.get("status", DEFAULT_STATUS)
    due = args.get("due")
    scope = ""
    if due in ("today", "tomorrow", "this_week", "none"):
        scope = t(f"scope.{due}")
    elif due and due not in ("any", "overdue"):
        scope = t("scope.on", when=when_text(due))
    after, before = args.get("due_after"), args.get("due_before")  # a period (builtin/periods.py)
    if after and before:
        scope += t("scope.between", after=when_text(after), before=when_text(before))
    elif before:
        scope += t("scope.by", when=when_text(before))
    elif after:
        scope += t("scope.from", when=when_text(after))
    if args.get("tag"):
        scope += t("scope.tag", tag=args["tag"])
    if args.get("query"):
        scope += t("scope.query", query=args["query"])
    if args.get("list"):
        scope += t("scope.list", list=args["list"])
    if count == 0:
        if due == "overdue":
            return t("nothing_overdue")
        if not scope and status == "all" and not args.get("priority"):
            return t("list_empty")
        return t("list_none", noun=_noun(args, 0), scope=scope)
    if intent == "count":
        return t("list_count", count=count, noun=_noun(args, count), scope=scope)
    return plural("list", count, noun=_noun(args, count), scope=scope)


def _next_sentence(result: dict[str, Any]) -> str:
    """The answer to "what's next?": the first task of the list (soonest due first), then how
    many more are open."""
    tasks = result.get("tasks") or []
    if not tasks:
        return t("next_none")
    first = tasks[0]
    due = t("next_due", when=when_text(first["due"])) if first.get("due") else ""
    more = len(tasks) - 1
    after = plural("next_after", more) if more else ""
    return t("next", task=task_text(first), due=due, after=after)


def _update_sentence(args: dict[str, Any], result: dict[str, Any], task: dict[str, Any]) -> str:
    changed = [k for k in ("title", "description", "due", "priority", "tags", "add_tags", "remove_tags", "recurrence") if k in args]
    if "add_note" in args:
        return t("note_added", title=task.get("title"), note=note_line(args["add_note"]))
    if changed == ["description"]:
        note = note_line(task.get("description"))
        return t("note_changed", title=task.get("title"), note=note) if note else t("note_removed", title=task.get("title"))
    if not changed and "list" in args:
        if result.get("subtasks_moved"):  # the subtree followed (tasks/subtasks.py)
            return plural("moved_subtree", int(result["subtasks_moved"]), title=task.get("title"), list=task.get("list") or "Inbox")
        return t("moved", task=task_text(task), list=task.get("list"))
    if changed == ["title"]:
        return t("renamed", task=task_text(task))
    if changed == ["due"] and args["due"] == "":
        return t("due_removed", task=task_text(task))
    return t("updated", task=task_text(task), details=_details(task))


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
        where = t("to_list", list=task["list"]) if task.get("list") and task["list"] != "Inbox" else ""
        note = t("note_suffix", note=note_line(task.get("description"))) if task.get("description") else ""
        return t("added", task=task_text(task), where=where, details=_details(task), note=note,
                 reminder=_add_reminder_note(args, task))
    if tool == "show_task":
        note = note_line(task.get("description"))
        if not note:
            return t("no_note", title=task.get("title"), number=task.get("number"))
        return t("note", title=task.get("title"), number=task.get("number"), note=note)
    if tool == "list_tasks" and intent == "next":
        return _next_sentence(result)
    if tool == "list_tasks":
        named = {"list": result["list"]} if result.get("list") else {}  # the list's stored name ("Work")
        return _list_sentence({**args, **named}, int(result.get("count", 0)), intent)
    if tool == "complete_task":
        text = t("completed", task=task_text(task))
        nxt = result.get("next_task")
        if nxt:
            text += t("next_occurrence", number=nxt["number"], when=when_text(nxt.get("due")))
        return text
    if tool == "reopen_task":
        return t("reopened", task=task_text(task))
    if tool == "delete_task":
        return t("deleted", task=task_text(task))
    if tool == "update_task":
        return _update_sentence(args, result, task)
    if tool == "complete_tasks":
        done = result.get("tasks") or []
        if not done:
            return t("nothing_to_complete")
        text = plural("completed_many", len(done))
        if result.get("created"):
            text += t("next_occurrences", count=len(result["created"]))
        return text
    if tool == "update_tasks":
        changed = result.get("tasks") or []
        lines = "; ".join(f"{task_text(x)}{_details(x)}" for x in changed[:10])
        return plural("updated_many", len(changed), lines=lines)
    if tool == "delete_tasks":
        return plural("deleted_many", len(result.get("tasks") or []))
    if tool in ("undo", "redo"):
        return t("undo_done", message=result.get("message") or t("done_word"))
    if tool == "list_activity":
        entries = result.get("entries") or []
        if not entries:
            return t("no_changes_today") if args.get("since") == "today" else t("no_changes")
        lines = "; ".join(e["summary"] + (t("undone_mark") if e.get("undone") else "") for e in entries[:10])
        more = t("more", count=len(entries) - 10) if len(entries) > 10 else ""
        return plural("changes", len(entries), lines=lines, more=more)
    return t("done")
