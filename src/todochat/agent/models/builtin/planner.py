"""From a message, the conversation state and "now" to tool calls, one at a time, and the reply.

A message is split into clauses ("add eggs and also delete task 2"); each clause becomes tool
calls. Calls run one per model round (so task numbers are given in the order the user said
things), and the state ("it", "the first one") follows each result within the turn.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import isodate

from todochat.agent.models.builtin import replies, templates
from todochat.agent.models.builtin.dates import When, cut, due_text, find_offset, find_when
from todochat.agent.models.builtin.intents import Intent, classify
from todochat.agent.models.builtin.lexicon import VERB_KIN, is_task_verb, past_to_base
from todochat.agent.models.builtin.normalize import normalize, strip_politeness
from todochat.agent.models.builtin.phrasebook import HEADING
from todochat.agent.models.builtin.queries import asks_next, bulk_target, filter_args, off_topic
from todochat.agent.models.builtin.references import State, choose, clean_phrase, resolve
from todochat.agent.models.builtin.slots import (
    clean_title,
    mask_quotes,
    split_items,
    take_description,
    take_priority,
    take_tags,
    unmask,
)

_CLAUSE_SPLIT = re.compile(
    r"\s*(?:;|(?<!\bdr)(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bst)(?<!\bvs)(?<!\bjr)(?<!\bno)(?<!\bprof)(?<!\b[a-z])(?<!\bjan)(?<!\bfeb)(?<!\bmar)(?<!\bapr)(?<!\bjun)(?<!\bjul)(?<!\baug)(?<!\bsep)(?<!\bsept)(?<!\boct)(?<!\bnov)(?<!\bdec)\.\s+|,?\s+and then\s+|,?\s+then\s+|,?\s+and also\s+|,\s+also\s+|,\s+and\s+(?=(?:add|create|complete|mark|delete|remove|show|list|rename|move|reschedule|tag|undo|reopen|uncheck|change|make|set|put)\b)|"
    r"\s+and\s+(?=(?:add|create|complete|mark|delete|remove|show|list|rename|move|reschedule|tag|undo|reopen|uncheck|remind me|what'?s|whats|what)\b)|"
    r"\s+and\s+(?=(?:make|set|change|put|move) (?:it|that|them|those|both|task|#)\b)|"
    r"\s+and\s+(?=(?:also|please)\s+(?:add|create|complete|mark|delete|remove|show|list|rename|move|make|set|tag|remind))|"
    r",\s+(?=(?:add|create|delete|remove|show|list|rename)\s)|"
    r",\s+(?=(?:tick|check|cross|mark|strike) (?:it|that|this|them|those|both)\b))",
    re.IGNORECASE,
)


@dataclass
class Call:
    """One tool call the plan wants: ``tool`` name, JSON ``args``, and ``intent`` for the reply."""

    tool: str
    args: dict[str, Any]
    intent: Intent = field(default_factory=lambda: Intent("unknown"))
    fallback: list[Call | Say] = field(default_factory=list)
    fallback_on: tuple[str, ...] = ("not_found", "ambiguous")
    """The error codes of this call's result that switch to ``fallback``."""
    then: Callable[[dict[str, Any]], list[Call | Say]] | None = None
    """Actions that depend on this call's result."""
    quiet: bool = False
    """Say nothing about this call's success (its ``then`` actions speak)."""


@dataclass
class Say:
    """A sentence of the reply that needs no tool."""

    text: str


@dataclass
class AskDate(Say):
    """A numeric date with two readings ("3/4"): said as the question ``text``; :class:`Turn`
    asks it through ``ask_user`` when the agent has that tool (the options: the clause with each
    reading written out), so the app can offer the readings as choices."""

    readings: list[date] = field(default_factory=list)


ASK_TOOL = "ask_user"
_NUMERIC_DATE = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?:/\d{2,4})?(?![\d/])")


def ask_date(when: When) -> AskDate:
    """The question for a date with two readings (``when.ambiguous``)."""
    a, b = when.ambiguous[:2]
    return AskDate(f"Do you mean {a.strftime('%-d %B')} or {b.strftime('%-d %B')}? Please say the date with the month name.", [a, b])


def date_options(clause: str, readings: list[date]) -> list[str] | None:
    """``clause`` once per reading, its one numeric date written out ("add pay rent on 4 March
    2027"); None when the clause has no single numeric date to replace."""
    found = list(_NUMERIC_DATE.finditer(clause))
    if len(found) != 1:
        return None
    start, end = found[0].span()
    return [f"{clause[:start]}{d.day} {d.strftime('%B %Y')}{clause[end:]}" for d in readings]


Action = Call | Say
_AMOUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_LATER_SAID = (
    r"(?:to )?(?:the )?(?P<unit>day|week|month) after(?: that)?|(?:to )?the (?:next|following) (?P<unit2>day|week|month)"
    r"|(?:to )?(?P<n>a|an|one|two|three|four|five|six|seven|\d{1,2}) (?P<unit3>days?|weeks?|months?) later"
)
"""A new date said only relative to the task's own ("the day after", "a week later", "the following day")."""


def later_said(text: str) -> str | None:
    """The ISO 8601 duration ("P1D", "P2W") when ``text`` is only a date relative to the task's own
    ("the day after", "a week later", "the following day"), else None."""
    later = re.fullmatch(_LATER_SAID, text.strip(), re.IGNORECASE)
    if not later:
        return None
    said = later.groupdict()
    amount = said.get("n") or "1"
    n = int(amount) if amount.isdigit() else _AMOUNTS.get(amount.lower(), 1)
    unit = (said.get("unit") or said.get("unit2") or said.get("unit3") or "day").lower().rstrip("s")
    return f"P{n}{unit[0].upper()}"


def clauses(message: str) -> tuple[list[str], list[str]]:
    """Split a cleaned message into clauses, with quoted parts masked (see :func:`mask_quotes`)."""
    masked, quotes = mask_quotes(message)
    # "add call the bank. notes: ask about the rate": the notes belong to the task before them
    masked = re.sub(r"\.\s+(?=(?:notes?|description|details|comments?)\s*:)", ", ", masked, flags=re.IGNORECASE)
    parts = [strip_politeness(p.strip(" ,")) for p in _CLAUSE_SPLIT.split(masked) if p and p.strip(" ,")]
    return parts or [masked], quotes


def plan_add(body: str, quotes: list[str], now: datetime, intent: Intent) -> list[Action]:
    """Tool calls for a new task phrase (one ``add_task`` per item of an enumeration)."""
    heading = re.match(rf"^\s*({HEADING})\s*[:\-]\s*(.+)$", body, re.IGNORECASE)
    if heading:  # "an urgent one: fix the tap", "three things: a, b, c": the heading's priority for each
        actions = plan_add(heading[2], quotes, now, intent)
        level = take_priority(heading[1])[1]
        for action in actions:
            if level and isinstance(action, Call) and action.tool == "add_task" and not action.args.get("priority"):
                action.args["priority"] = level
                for other in action.fallback:
                    if isinstance(other, Call):
                        other.args.setdefault("priority", level)
        return actions
    rest, description = take_description(body)
    if description is None and "\x01" not in rest:
        items = split_items(rest, share_verb=False)
        if len(items) > 1 and all(is_task_verb(i.split()[0]) for i in items if i.split()):
            return [a for item in items for a in plan_add(item, quotes, now, intent)]
    remind = intent.field == "remind"
    before_minutes, also_before = 0, None
    offset = find_offset(rest) if remind else None
    if offset and not rest[offset[1][1]:].strip(" ,.;"):  # "remind me to leave at 5pm, 30 minutes before"
        head = rest[: offset[1][0]].rstrip(" ,;")
        both = re.search(r"(?:,?\s+and(?: also)?|,\s*also|,?\s+as well as)(?: again)?$", head, re.IGNORECASE)
        if both:  # "… at 5pm and 15 minutes before": at the due time and before it
            also_before, head = offset[0], head[: both.start()]
        else:
            before_minutes = offset[0]
        rest = head
    when = find_when(rest, now)
    if when.ambiguous:
        return [ask_date(when)]
    rest = cut(rest, when.spans)
    rest, priority = take_priority(rest)
    rest, tags = take_tags(rest)
    rest = re.sub(r"[,;]?\s*\b(?:it'?s|it is|that'?s|that is|this is|which is)\s*$", "", rest, flags=re.IGNORECASE)
    title = clean_title(rest)
    if not title:
        return [Say("What should the new task be called? For example: \"add call mom tomorrow at 6pm\".")]
    items = [title] if re.fullmatch(r"\x01\d+\x01", title) else [clean_title(i) for i in split_items(title)]
    actions: list[Action] = []
    for item in items:
        args: dict[str, Any] = {"title": clean_title(unmask(item, quotes)) if not re.fullmatch(r"\x01\d+\x01", item) else unmask(item, quotes)}
        if description:
            args["description"] = unmask(description, quotes)
        if due_text(when):
            args["due"] = due_text(when)
        if priority:
            args["priority"] = priority
        if tags:
            args["tags"] = tags
        if when.recurrence:
            args["recurrence"] = when.recurrence
        call = Call("add_task", args, intent)
        if remind and when.from_now is not None and before_minutes == 0 and not when.recurrence:
            args["remind_at"] = duration_iso(when.from_now)  # "in 1 minute": to the second, not the minute
            if also_before is not None and reminder_fits(when, now, also_before):
                call.then = _also_before(also_before)
        elif remind and reminder_fits(when, now, before_minutes):
            args["remind_before_minutes"] = before_minutes
            if also_before is not None and reminder_fits(when, now, also_before):
                call.then = _also_before(also_before)
        if intent.kind == "add" and intent.target:  # "add X to my work list": the list, or (none such) a tag
            call.args = {**args, "list": intent.target}
            tag = re.sub(r"[^\w-]", "", intent.target.lower().replace(" ", "-"))
            if tag:
                call.fallback = [Call("add_task", {**args, "tags": sorted({*(args.get("tags") or []), tag})}, intent)]
                call.fallback_on = ("not_found",)
        actions.append(call)
    return actions


def duration_iso(delta: timedelta) -> str:
    """``timedelta(minutes=1)`` → ``PT1M`` (the tools' "from now" form, tasks/reminders.py ``from_now``)."""
    return str(isodate.duration_isoformat(delta))


def _also_before(minutes: int) -> Callable[[dict[str, Any]], list[Action]]:
    """After ``add_task``: a second reminder ``minutes`` before the new task's due time."""

    def then(result: dict[str, Any]) -> list[Action]:
        number = (result.get("task") or {}).get("number")
        return [Call("add_reminder", {"task": str(number), "before_minutes": minutes}, Intent("remind"))] if number else []

    return then


def reminder_fits(when: When, now: datetime, before_minutes: int = 0) -> bool:
    """Whether "remind me to X <when>" gets a reminder ``before_minutes`` before the due: only
    with a due day, and not for an all-day due whose 09:00 (tasks/reminders.py ALL_DAY_HOUR) has
    passed ("remind me to pay rent today" at 14:00 adds the task; a time said, even a past one, is
    left to the tool, which asks "remind you now?")."""
    if when.day is None:
        return False
    if when.at is not None:
        return True
    return datetime.combine(when.day, time(9, 0)) - timedelta(minutes=before_minutes) > now.replace(tzinfo=None)


def _ref_calls(intent: Intent, target: str, state: State, now: datetime, single: str, bulk: str | None,
               extra: dict[str, Any] | None = None, bulk_extra: dict[str, Any] | None = None) -> list[Action]:
    """Calls acting on the task(s) ``target`` names, with ``single`` (one task, ``extra`` args)
    or ``bulk`` (a filter or numbers, and ``bulk_extra`` args)."""
    extra = extra or {}
    bulk_extra = bulk_extra or {}
    if bulk:
        flt = bulk_target(target, now)
        if flt is not None:
            return [Call(bulk, {**flt, **bulk_extra}, intent)]
    ref = resolve(target, state)
    if ref.problem:
        return [Say(ref.problem)]
    if len(ref.numbers) > 1:
        if bulk:
            return [Call(bulk, {"numbers": ref.numbers, **bulk_extra}, intent)]
        return [Call(single, {"task": str(n), **extra}, intent) for n in ref.numbers]
    call = Call(single, {"task": ref.task_arg, **extra}, intent)
    if ref.words and re.search(r"\s(?:and|&)\s|,", ref.words):
        parts = [p for p in re.split(r"\s*(?:,|\band\b|&)\s*", ref.words) if p]
        call.fallback = [Call(single, {"task": clean_phrase(p), **extra}, intent) for p in parts if clean_phrase(p)]
    elif ref.words and single in ("complete_task", "delete_task", "reopen_task"):
        kin = _KIN_VERB.match(ref.words)
        if kin and clean_phrase(kin[1]):  # "picked up the groceries": "Buy groceries" by its object
            call.fallback = [Call(single, {"task": clean_phrase(kin[1]), **extra}, intent)]
            call.fallback_on = ("not_found",)
    return [call]


_KIN_VERBS = "|".join(re.escape(verb) for verb in sorted({v for kin in VERB_KIN for v in kin}, key=len, reverse=True))
_KIN_VERB = re.compile(rf"^(?:{_KIN_VERBS})\s+(?!(?:it|that|this|them|those)$)(.+)$", re.IGNORECASE)
"""A reference that starts with a verb of ``lexicon.VERB_KIN``: group 1 is its object."""


_DAY_WORDS = re.compile(
    r"\b(?:today|tonight|tomorrow|tmrw|yesterday|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
    r"|week|weekend|month|year|days?|next|this|\d{1,2}(?:st|nd|rd|th)|\d+[/.-]\d+)", re.IGNORECASE,
)


def due_changes(when: When, body: str) -> dict[str, Any]:
    """The rescheduling fields a date phrase asks for (rules in tasks/rescheduling.py): a day only
    → ``due_day`` (the task keeps its time), a time only → ``due_time`` (it keeps its day), both →
    ``due``. Whether the phrase named a day is read from its words, not from the resolved date."""
    if when.day is None:
        return {}
    said = " ".join(body[a:b] for a, b in when.spans) or body
    if when.at is None:
        return {"due_day": when.day.isoformat()}
    if not _DAY_WORDS.search(said) and not when.recurrence:
        return {"due_time": when.at.strftime("%H:%M")}
    return {"due": due_text(when)}


def plan_update(intent: Intent, quotes: list[str], state: State, now: datetime) -> list[Action]:
    """``update_task`` calls for a rename, a new date, priority, tags, note or recurrence."""
    body = intent.body.strip()
    kind = intent.field
    changes: dict[str, Any] = {}
    if kind == "day_list":  # "put X on tomorrow's list": X moves to that day; no task X: a new one due then
        moved = plan_update(Intent("update", target=intent.target, body=intent.body, field="due"), quotes, state, now)
        for action in moved:
            if isinstance(action, Call):
                action.fallback = plan_add(f"{intent.target} {intent.body}", quotes, now, Intent("add"))
                action.fallback_on = ("not_found",)
        return moved
    later = later_said(body) if kind in ("auto", "due") else None
    if later:  # "make it the day after", "move it to a week later": from its own due date
        return plan_update(Intent("update", target=intent.target, body=later, field="shift"), quotes, state, now)
    if kind == "auto" and re.fullmatch(r"(?:done|complete|completed|finished|closed)", body, re.IGNORECASE):
        return _ref_calls(intent, unmask(intent.target, quotes), state, now, "complete_task", None)
    if kind == "auto" and re.fullmatch(r"(?:not done|undone|incomplete|open|pending|to ?do|not finished)", body, re.IGNORECASE):
        return _ref_calls(intent, unmask(intent.target, quotes), state, now, "reopen_task", None)
    if kind == "auto":
        kind = "title"
        if not re.fullmatch(r"\x01\d+\x01", body):
            composite = _settings(body, now)
            if isinstance(composite, Say):
                return [composite]
            if composite:
                changes.update(composite)
                kind = "done"
    if kind == "title":
        title = unmask(body, quotes).strip()
        changes["title"] = title if re.fullmatch(r"\x01\d+\x01", body) else clean_title(title)
    elif kind == "shift":
        changes.update(shift=body, later_only=not body.startswith("-"))
    elif kind in ("due", "recurrence", "postpone"):
        when = find_when(body, now)
        if when.ambiguous:
            return [ask_date(when)]
        if not when.found:
            return [Say(f"I couldn't understand the date \"{unmask(body, quotes)}\". Try \"friday\", \"tomorrow at 6pm\" or \"on Dec 3\".")]
        if when.recurrence:
            changes["recurrence"] = when.recurrence
        changes.update(due_changes(when, body))
        if kind == "postpone" and changes:
            changes["later_only"] = True
    elif kind == "priority":
        _, level = take_priority(body)
        word = body.lower().strip()
        level = level or {"high": "high", "low": "low", "medium": "medium", "normal": "medium", "none": "none"}.get(word)
        if not level:
            return [Say("Which priority: high, medium, low or none?")]
        changes["priority"] = level
    elif kind == "clear_tags":  # "untag X": every tag goes
        changes["tags"] = []
    elif kind in ("add_tags", "remove_tags"):
        tags = [t.lower() for t in re.findall(r"[\w-]+", unmask(body, quotes)) if t.lower() not in ("and", "tag", "tags", "label", "the")]
        changes[kind] = tags
    elif kind == "description":
        changes["description"] = unmask(body, quotes).strip()
    elif kind == "note":  # added after the description (update_task add_note)
        changes["add_note"] = unmask(body, quotes).strip()
    elif kind == "clear_due":
        changes["due"] = ""
    elif kind == "clear_recurrence":
        changes["recurrence"] = ""
    elif kind == "done":
        pass
    if "title" in changes or "add_note" in changes:  # a title or a note names one task
        return _ref_calls(intent, unmask(intent.target, quotes), state, now, "update_task", None, changes)
    return _ref_calls(intent, unmask(intent.target, quotes), state, now, "update_task", "update_tasks", changes, {"changes": changes})


def _settings(body: str, now: datetime) -> dict[str, Any] | Say | None:
    """When ``body`` says only a date, priority and/or tags ("high priority and due next friday"),
    the changes it asks for; None when other words remain (then it is a new title)."""
    when = find_when(body, now)
    if when.ambiguous:
        return ask_date(when)
    rest = cut(body, when.spans) if when.found else body
    rest, level = take_priority(rest)
    rest, tags = take_tags(rest)
    leftover = re.sub(r"\b(?:and|with|due|priority|to|a|the|it|also|be|is|on|at|for|tag(?:ged)?|as)\b|[,.;&]", " ", rest, flags=re.IGNORECASE).strip()
    if leftover or not (when.found or level or tags):
        return None
    changes: dict[str, Any] = {}
    if when.recurrence:
        changes["recurrence"] = when.recurrence
    changes.update(due_changes(when, body))
    if level:
        changes["priority"] = level
    if tags:
        changes["add_tags"] = tags
    return changes


def plan_remind(intent: Intent, quotes: list[str], state: State, now: datetime) -> list[Action]:
    """``add_reminder`` on an existing task: ``before`` minutes before its due, ``at`` a said time
    (a day alone: 09:00, as an all-day due's reminder), or at its due time. A task named by words
    that does not exist becomes a new task with a reminder ("remind me about the team dinner on
    friday at 7:30pm" with no such task)."""
    target = unmask(intent.target, quotes)
    body = unmask(intent.body, quotes)
    extra: dict[str, Any]
    if intent.field == "before":
        extra = {"before_minutes": int(body or 0)}
    elif intent.field == "at":
        when = find_when(body, now, recurrence=False)
        if when.ambiguous:
            return [ask_date(when)]
        if when.day is None:
            return [Say(f"I couldn't understand the time \"{body}\". Try \"tomorrow at 9am\" or \"30 minutes before\".")]
        if when.from_now is not None:  # "remind me about the oven in 10 minutes": to the second
            extra = {"at": duration_iso(when.from_now)}
        else:
            extra = {"at": datetime.combine(when.day, when.at or time(9, 0)).strftime("%Y-%m-%dT%H:%M")}
    else:
        extra = {"before_minutes": 0}
    ref = resolve(target, state)
    if ref.problem:
        return [Say(ref.problem)]
    if ref.numbers:
        return [Call("add_reminder", {"task": str(n), **extra}, intent) for n in ref.numbers]
    call = Call("add_reminder", {"task": ref.task_arg, **extra}, intent, fallback_on=("not_found",))
    if intent.field != "before":  # a new task: its title and the time said
        call.fallback = plan_add(f"{intent.target} {intent.body}".strip(), quotes, now, Intent("add", field="remind"))
    return [call]


_SPAN_WORDS = re.compile(r"\b(today|tonight|tomorrow|this week|next week)(?:'s)?\b", re.IGNORECASE)


def reminder_span(text: str, now: datetime) -> str | None:
    """The time span a reminder question names, as the tools' ``when``: ``today`` (also
    "tonight"), ``tomorrow``, ``this_week``, ``next_week``, or a day ``YYYY-MM-DD`` ("on friday",
    "on 3 december"); None when ``text`` names none."""
    m = _SPAN_WORDS.search(text)
    if m:
        word = m[1].lower()
        return "today" if word == "tonight" else word.replace(" ", "_")
    when = find_when(text, now, recurrence=False)
    if when.day is not None and not when.ambiguous and not when.recurrence:
        return when.day.isoformat()
    return None


def only_span(text: str, now: datetime) -> str | None:
    """:func:`reminder_span` of ``text`` when ``text`` says nothing else ("friday", "for
    tomorrow"): a "task" that is only a time is the span of the question, not a task's name."""
    span = reminder_span(text, now)
    if span is None:
        return None
    rest = _SPAN_WORDS.sub(" ", text)
    when = find_when(rest, now, recurrence=False)
    rest = cut(rest, when.spans) if when.found else rest
    rest = re.sub(r"\b(?:on|at|for|in|due|set|the|of|s)\b|[,.;:'?!-]", " ", rest, flags=re.IGNORECASE)
    return span if not rest.strip() else None


def plan_list_reminders(target: str, state: State, now: datetime | None = None, said: str = "") -> list[Action]:
    """``list_reminders``: all, or one task's ("any reminders for the dentist?"), narrowed to the
    time span the question names ("what reminders do I have tomorrow?": ``when``)."""
    span = only_span(target, now) if target and now else None
    if span:
        target = ""
    elif now and said:
        outside = said.replace(target, " ") if target else said
        span = reminder_span(outside, now)
    extra = {"when": span} if span else {}
    if not target:
        return [Call("list_reminders", extra, Intent("reminders"))]
    ref = resolve(target, state)
    if ref.problem:
        return [Say(ref.problem)]
    if ref.numbers:
        return [Call("list_reminders", {"task": str(n), **extra}, Intent("reminders")) for n in ref.numbers]
    return [Call("list_reminders", {"task": ref.task_arg, **extra}, Intent("reminders"))]


def plan_unremind(intent: Intent, target: str, state: State, now: datetime | None = None) -> list[Action]:
    """``cancel_reminder``: a task's reminder; all of them (``cancel_reminders``, which asks with the
    list when it covers several: "turn off all my reminders", "stop reminding me about X");
    "cancel the dentist reminder" falls back to deleting the task when it has no reminder (people
    call tasks reminders). "cancel my reminders for tomorrow": every reminder firing then."""
    span = only_span(target, now) if target and now and intent.field == "all" else None
    if span:
        return [Call("cancel_reminders", {"all": True, "when": span}, intent)]
    ref = resolve(target, state) if target else None
    if ref and ref.problem:
        return [Say(ref.problem)]
    if intent.field == "all":  # cancel_reminders asks first when it covers several (docs/agent-tools.md)
        if ref is None:
            return [Call("cancel_reminders", {"all": True}, intent)]
        tasks = [str(n) for n in ref.numbers] or [ref.task_arg]
        return [Call("cancel_reminders", {"task": task}, intent) for task in tasks]
    if ref is None:
        return [Say("Which task's reminder should I cancel?")]
    tasks = [str(n) for n in ref.numbers] or [ref.task_arg]
    calls: list[Action] = []
    for task in tasks:
        call = Call("cancel_reminder", {"task": task}, intent, fallback_on=("not_found",))
        if intent.field == "or_delete":
            call.fallback = [Call("delete_task", {"task": task}, Intent("delete"))]
        calls.append(call)
    return calls


def plan_channel(intent: Intent) -> list[Action]:
    """Where reminders are delivered ("send my reminders to ntfy topic alerts")."""
    channel, address = intent.body, intent.target or None
    if intent.field != "off" and channel in ("ntfy", "email") and not address:
        what = "ntfy topic" if channel == "ntfy" else "email address"
        return [Say(f"Which {what} should I send your reminders to?")]
    args: dict[str, Any] = {"channel": channel, "enabled": intent.field != "off"}
    if address:
        args["address"] = address
    return [Call("set_reminder_channel", args, intent)]


def _choose_reminder(text: str, pending: dict[str, Any]) -> list[Action] | None:
    """Answer "which reminder?" (``ambiguous_reminder``): "the first", "2", "both", "the 14:30 one"."""
    candidates = list(pending.get("candidates") or [])
    ids = [int(c["reminder"]) for c in candidates if c.get("reminder") is not None]
    low = text.lower().strip(" .,!?")
    picked: list[int] = []
    if re.match(r"^(?:both|all|all of them|both of them|each|every one|them all)\b", low):
        picked = ids
    else:
        clock = re.search(r"\b(\d{1,2})[:h.](\d{2})\b", low)
        if clock:
            hhmm = f"{int(clock[1]):02d}:{clock[2]}"
            picked = [int(c["reminder"]) for c in candidates if str(c.get("fire_at") or "").endswith(hhmm)]
        else:
            ref = resolve(low, State(shown=list(range(1, len(ids) + 1))))
            picked = [ids[n - 1] for n in ref.numbers if 1 <= n <= len(ids)]
    if not picked:
        return None
    if len(picked) > 1:  # "both": the user named them, so no second question; one undo brings them back
        return [Call("cancel_reminders", {"reminders": picked, "confirm": True}, Intent("choose"))]
    return [Call("cancel_reminder", {"reminder": r}, Intent("choose")) for r in picked]


def plan_pending(text: str, intent: Intent, state: State) -> list[Action] | None:
    """Answer a pending question (docs/agent-tools.md ``pending``), or None if ``text`` doesn't."""
    pending = state.pending or {}
    kind = pending.get("kind")
    if intent.kind == "deny":
        state.pending = None
        return [Say(templates.t("wont_change"))]
    if kind == "confirm" and intent.kind == "confirm":
        yes = pending.get("yes")  # the exact call the question offered: these tasks, this change
        if not isinstance(yes, dict):
            return [Say("There's nothing waiting for a yes right now. What would you like to do with your tasks?")]
        return [Call(str(yes.get("tool")), dict(yes.get("arguments") or {}), intent)]
    if kind == "choose" and pending.get("tool") == "cancel_reminder":
        return _choose_reminder(text, pending)
    if kind == "choose":
        candidates = list(pending.get("candidates") or [])
        if intent.kind == "confirm" and len(candidates) > 1:
            return [Say(replies.which_one(candidates))]
        picked = choose(text, candidates)
        if not picked:
            return None
        tool = str(pending.get("tool") or "complete_task")
        arguments = dict(pending.get("arguments") or {})
        if len(picked) > 1 and tool in ("complete_task", "delete_task"):
            bulk = {"complete_task": "complete_tasks", "delete_task": "delete_tasks"}[tool]
            return [Call(bulk, {"numbers": picked}, Intent("choose"))]
        return [Call(tool, {**arguments, "task": str(n)}, Intent("choose")) for n in picked]
    return None


LIST_KINDS = ("list_create", "list_lists", "list_rename", "list_delete", "list_show", "move")
"""Intents of the lists family (builtin/lists.py)."""


def plan_list(intent: Intent, target: str, state: State, now: datetime) -> list[Action]:
    """The calls of a lists-family intent: the list tools, ``list_tasks`` with ``list``, and a
    move (``update_task`` with ``list``; several tasks: ``update_tasks``)."""
    kind = intent.kind
    if kind == "list_create":
        return [Call("create_list", {"name": intent.body}, intent)]
    if kind == "list_lists":
        return [Call("list_lists", {}, intent)]
    if kind == "list_rename":
        return [Call("rename_list", {"name": target, "new_name": intent.body}, intent)]
    if kind == "list_delete":
        return [Call("delete_list", {"name": target}, intent)]
    if kind == "list_show":
        return [Call("list_tasks", {"list": target}, intent)]
    return _ref_calls(intent, target, state, now, "update_task", "update_tasks",
                      extra={"list": intent.body}, bulk_extra={"changes": {"list": intent.body}})


def _parent_arg(phrase: str, state: State) -> str | Say:
    """The ``parent`` / ``task`` argument for a phrase naming one task, or a question."""
    ref = resolve(phrase, state)
    if ref.problem:
        return Say(ref.problem)
    if len(ref.numbers) > 1:
        return Say("Which one task should it go under? Name one, for example \"task 2\".")
    return ref.task_arg


def plan_subtasks(intent: Intent, quotes: list[str], state: State, now: datetime) -> list[Action]:
    """The subtasks family (rules: tasks/subtasks.py): a subtask added under a task (``add_task``
    with ``parent``; several at once: ``add_subtasks``, one undo step), a task broken down, what
    is left under a task (``list_tasks`` with ``parent``), a task moved under another or made
    top-level (``update_task`` with ``parent``)."""
    target = unmask(intent.target, quotes)
    if intent.kind == "subtasks":
        parent = _parent_arg(target, state)
        if isinstance(parent, Say):
            return [parent]
        args = {"parent": parent, **({"status": "pending"} if intent.field == "pending" else {})}
        return [Call("list_tasks", args, intent)]
    if intent.kind == "move_under":
        task = _parent_arg(target, state)
        if isinstance(task, Say):
            return [task]
        parent = _parent_arg(unmask(intent.body, quotes), state) if intent.body.strip() else ""
        if isinstance(parent, Say):
            return [parent]
        call = Call("update_task", {"task": task, "parent": parent}, intent, fallback_on=("not_found",))
        if intent.field == "or_add":  # "put pack sunscreen under the trip" with no such task: a new one
            call.fallback = plan_subtasks(Intent("subtask", target=intent.body, body=intent.target, field="under"), quotes, state, now)
        return [call]
    body = intent.body.strip()
    if not body:
        return [Say(f"Into which subtasks? For example: \"break down {target} into book flights, book hotel, pack\".")]
    parent = _parent_arg(target, state)
    if isinstance(parent, Say):
        return [parent]
    items = [clean_title(unmask(i, quotes)) for i in split_items(body, share_verb=False)]
    items = [i for i in items if i]
    if len(items) > 1 or intent.kind == "breakdown":
        call = Call("add_subtasks", {"task": parent, "titles": items or [clean_title(unmask(body, quotes))]}, intent)
        return [call]
    adds = plan_add(body, quotes, now, Intent("add"))
    for action in adds:
        if isinstance(action, Call):
            action.args["parent"] = parent
            action.intent = intent
            if intent.field == "under":  # "add fix the leak under the sink": no task "the sink", a plain add
                action.fallback_on = ("not_found",)
                action.fallback = plan_add(f"{intent.body} under {intent.target}", quotes, now, Intent("add"))
    return adds


def plan_clause(intent: Intent, quotes: list[str], state: State, now: datetime) -> list[Action]:
    """The actions of one classified clause."""
    target = unmask(intent.target, quotes)
    kind = intent.kind
    if kind == "add":
        return plan_add(intent.body, quotes, now, intent)
    if kind in ("list", "count"):
        args = filter_args(unmask(intent.body, quotes), now)
        if kind == "list" and asks_next(intent.body):  # "what's next?": the reply leads with the soonest
            return [Call("list_tasks", args, Intent("next", body=intent.body))]
        call = Call("list_tasks", args, intent)
        if "tag" in args and "#" not in intent.body and not re.search(r"\btag", intent.body, re.IGNORECASE):
            call.fallback = [Call("list_tasks", {**{k: v for k, v in args.items() if k != "tag"}, "query": args["tag"]}, intent)]
        return [call]
    if kind in LIST_KINDS:
        return plan_list(intent, target, state, now)
    if kind == "complete":
        return _ref_calls(intent, target, state, now, "complete_task", "complete_tasks")
    if kind == "reopen":
        return _ref_calls(intent, target, state, now, "reopen_task", None)
    if kind == "delete":
        return _ref_calls(intent, target, state, now, "delete_task", "delete_tasks")
    if kind == "update":
        return plan_update(intent, quotes, state, now)
    if kind in ("subtask", "breakdown", "subtasks", "move_under"):
        return plan_subtasks(intent, quotes, state, now)
    if kind == "remind":
        return plan_remind(intent, quotes, state, now)
    if kind == "reminders":
        return plan_list_reminders(target, state, now, unmask(intent.body, quotes))
    if kind == "note":  # "what's the note on the dentist?"
        return _ref_calls(intent, target, state, now, "show_task", None)
    if kind == "unremind":
        return plan_unremind(intent, target, state, now)
    if kind == "channel":
        return plan_channel(intent)
    if kind in ("undo", "redo"):  # "undo 3 times": one call per step, stopping when none is left
        return [Call(kind, {}, intent) for _ in range(int(intent.body or 1))]
    if kind == "activity":
        return [Call("list_activity", {"since": intent.body or "today"}, intent)]
    if kind == "export":  # a client tool: the page downloads the file, the run stops here
        return [Call("download_tasks", {"format": intent.body or "csv"}, intent)]
    if kind == "confirm":
        return [Say("There's nothing waiting for a yes right now. What would you like to do with your tasks?")]
    if kind == "deny":
        return [Say(templates.t("nothing_changed"))]
    return [Say(replies.chat(kind))]


_PRONOUN = r"(?:it|that|this|them|those|both|that one|this one)"
"""A target that only points back ("tick it off" after "rent's paid")."""


def plan(message: str, state: State, now: datetime, *, pending_live: bool = True) -> list[tuple[Intent, list[str], str]]:
    """Classify each clause of ``message``: ``[(intent, quotes, clause text)]``."""
    utterance = normalize(message)
    if len(utterance.text) > 2000:
        return [(Intent("too_long"), [], utterance.text)]
    parts, quotes = clauses(utterance.text)
    out: list[tuple[Intent, list[str], str]] = []
    for part in parts:
        intent = classify(part, pending=bool(state.pending) and pending_live)
        if intent.kind == "add" and intent.field == "bare" and utterance.question:
            intent = Intent("unknown", body=part)  # "can you order pizza?" asks the assistant to act
        if intent.kind in ("unknown", "list", "count") and off_topic(part):
            intent = Intent("out_of_scope", body=part)  # "what's the weather?": an honest no, nothing changed
        if intent.kind == "complete":
            # "called mom and paid the bills": each past-tense verb starts another task
            pieces = re.split(r"\s*(?:,|\band\b|&)\s+(?:also\s+|then\s+)?(?=(\w+)\s)", intent.target)
            targets, current = [], pieces[0]
            for verb, piece in zip(pieces[1::2], pieces[2::2], strict=False):
                base = past_to_base(verb)
                if base:
                    targets.append(current)
                    current = f"{base} {piece[len(verb):].strip()}"
                else:
                    current = f"{current} and {piece}"
            targets.append(current)
            if len(targets) > 1:
                out.extend((Intent("complete", target=t_), quotes, part) for t_ in targets)
                continue
        if out and intent.kind in ("complete", "delete") and out[-1][0].kind == intent.kind \
                and re.fullmatch(_PRONOUN, intent.target.strip(), re.IGNORECASE):
            continue  # "rent's paid, tick it off", "no need for X anymore, remove it": one act, said twice
        out.append((intent, quotes, part))
    if len(out) > 1 and not (state.pending and pending_live):
        # "ok, add milk" / "hi, show my tasks": the courtesy clause needs no answer of its own
        out = [o for o in out if o[0].kind not in ("confirm", "thanks", "greet")] or out
    return out


def apply_result(call: Call, result: dict[str, Any], state: State) -> None:
    """Follow what a tool result did to the conversation state (as the tools record it)."""
    if not result.get("ok"):
        return
    state.listed_last = call.tool in ("list_tasks", "list_reminders")
    if call.tool == "list_tasks":  # what the widget displayed, in its order (tools.list_tasks)
        state.shown = list(result.get("shown") or [t["number"] for t in result.get("tasks", [])])
    elif call.tool == "list_reminders":
        state.shown = list(dict.fromkeys(int(r["task"]) for r in result.get("reminders", [])))
        state.touched = list(state.shown)
    elif call.tool == "cancel_reminders":
        state.touched = list(dict.fromkeys(int(r["task"]) for r in result.get("reminders", [])))
    elif "reminder" in result and isinstance(result["reminder"], dict):
        state.touched = [int(result["reminder"]["task"])]
    elif "task" in result and isinstance(result["task"], dict):
        state.touched = [result["task"]["number"]]
    elif "tasks" in result:
        state.touched = [t["number"] for t in result["tasks"]]
    elif "restored" in result:
        state.touched = [t["number"] for t in result["restored"]]
    state.pending = None


@dataclass
class Turn:
    """Replays one user message against the tool results of this turn so far.

    ``next_action`` returns the next :class:`Call` to make, or the reply text when done.
    """

    message: str
    state: State
    now: datetime
    results: list[dict[str, Any]]
    pending_live: bool = True
    tools: frozenset[str] | None = None
    """The agent's tool names (None: not known); a call to another tool is said, not made."""
    history: list[tuple[str, str]] = field(default_factory=list)
    """The thread before this message: ``[(role, text)]`` of typed user messages and replies
    (repair.read_history); corrections and follow-ups read it (builtin/repair.py)."""

    def next_action(self) -> Call | str:
        """The next tool call, or the final reply text."""
        state = copy.deepcopy(self.state)
        if not self.pending_live:
            state.pending = None
        results = iter(self.results)
        fragments: list[str] = []
        from todochat.agent.models.builtin import guard, repair  # repair reads the planner's plans

        refused = guard.refusal(self.message, pending=bool(state.pending))
        if refused:
            return refused
        repair.widen_touched(state, self.history)
        fixed = repair.repair(self.message, self.history, state, self.now, pending_live=self.pending_live)
        message = fixed.message if fixed is not None and fixed.message else self.message
        parsed = plan(message, state, self.now, pending_live=self.pending_live)
        if fixed is not None and fixed.actions:
            parsed = [(Intent("repair"), [], message)]
        for index, (intent, quotes, part) in enumerate(parsed):
            if intent.kind == "too_long":
                return replies.too_long()
            actions: list[Action] | None = None
            if intent.kind == "repair" and fixed is not None:
                actions = list(fixed.actions)
            elif index == 0 and state.pending:
                actions = plan_pending(unmask(part, quotes), intent, state)
            if actions is None:
                actions = plan_clause(intent, quotes, state, self.now)
            if len(actions) == 1 and isinstance(actions[0], AskDate):  # the whole clause hangs on the date
                actions = [self.asked(actions[0], unmask(part, quotes))]
            queue = list(actions)
            stop = False
            while queue:
                action = queue.pop(0)
                if isinstance(action, Say):
                    fragments.append(action.text)
                    if "?" in action.text:
                        stop = True
                    continue
                if self.tools is not None and action.tool not in self.tools:
                    fragments.append(replies.missing_tool(action.tool))
                    continue
                result = next(results, None)
                if result is None:
                    return action
                apply_result(action, result, state)
                if action.fallback and _wants_fallback(action, result):
                    queue = [*action.fallback, *queue]
                    continue
                if action.then and result.get("ok"):
                    queue = [*action.then(result), *queue]
                if not (action.quiet and result.get("ok")):
                    fragments.append(replies.describe(action.tool, action.args, result, action.intent.kind))
                if result.get("error") in ("nothing_to_undo", "nothing_to_redo"):
                    queue = [a for a in queue if not (isinstance(a, Call) and a.tool == action.tool)]  # no more steps
                if result.get("error") in ("ambiguous", "confirmation_required", "earlier_than_due", "ambiguous_reminder", "reminder_in_past"):
                    stop = True
                    break
            if stop:
                break
        return " ".join(f for f in fragments if f) or replies.chat("unknown")


    def asked(self, ask: AskDate, clause: str) -> Action:
        """``ask`` as an ``ask_user`` call offering ``clause`` with each reading (its reply: the
        question), or as said when the agent lacks the tool or the clause has no date to rewrite."""
        options = date_options(clause, ask.readings)
        if options is None or (self.tools is not None and ASK_TOOL not in self.tools):
            return ask
        said = [Say(ask.text)]
        return Call(ASK_TOOL, {"question": ask.text.split("?")[0] + "?", "options": options}, Intent("ask"),
                    fallback=said, fallback_on=("validation",), then=lambda _result: said, quiet=True)


def _wants_fallback(call: Call, result: dict[str, Any]) -> bool:
    if call.tool == "list_tasks":
        return bool(result.get("ok")) and result.get("count") == 0
    return result.get("error") in call.fallback_on
