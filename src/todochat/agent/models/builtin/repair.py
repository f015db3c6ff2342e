"""Conversation repair and follow-ups (issue 12, item 4): messages that only make sense against
what the conversation just did.

The model reads the thread as an LLM does: the earlier user messages and its own replies (the
agent input, :func:`read_history`), and the state message (``shown``, ``touched``, ``pending``).
Families, each a way of speaking, tried in this order by :func:`repair`:

- **take-back** ("wait, never mind", "scratch that", "forget that", "cancel that"): the change
  the last reply reports is undone (one ``undo`` step, the journal's); after a list or a question
  nothing changes.
- **the other one** ("not that one, the other one", "the other one too"): the task of the last
  question's candidates or of the last list that is not the one just changed; the change is undone
  and made on it (with "too": made on it as well). More than one other: asked.
- **also** ("and 5 too", "that one too", "call mom too", "same for taxes", "task 3 as well"): the
  last change made again on what is named (an add: the new item added).
- **correction** ("no, I meant tomorrow", "sorry, make that 6", "actually call it X", "no, 4"):
  a bare number replaces the one number of the last request (undo, then the corrected request);
  a date, time, priority or "call it X" updates the one task just touched (the rescheduling rules:
  a day keeps the time, a time keeps the day); other words name another task for a change of a
  named task (undo, then the same change on it) or a new title for a task just added.
- **answer** to the model's own question: a date question ("Do you mean 4 March or 3 April?")
  answered by the option's words, its month, its number or position ("the second", "the March
  one"); "which task do you mean?" answered by a task reference; "what should the new task be
  called?" answered by a title.

A correction or take-back is always the last change undone and/or the task just touched
updated, never a wider change; when the thread does not say which task or change, the model
asks. Nothing here runs when a pending yes/no or "which one" question of the tools is live
(``planner.plan_pending`` answers those).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from todochat.agent.models.builtin import lang, templates
from todochat.agent.models.builtin.dates import cut, find_when
from todochat.agent.models.builtin.intents import Intent, classify
from todochat.agent.models.builtin.normalize import clean
from todochat.agent.models.builtin.planner import (
    _NUMERIC_DATE,
    Call,
    Say,
    due_changes,
    later_said,
    plan,
    plan_add,
    plan_clause,
)
from todochat.agent.models.builtin.references import ORDINALS, State, resolve
from todochat.agent.models.builtin.slots import clean_title, take_priority

IC = re.IGNORECASE
_HIDDEN = (
    "[The app showed",
    "The following graphical UI widget",
    "Hidden context for the agent",
    "The user is referring to this",
    "# User-provided context",
    "The following image was generated",
)

_CHANGE_KEYS = ("added", "completed", "reopened", "moved", "renamed", "updated", "note_added", "reminder_added",
                "reminder_cancelled", "subtask_added", "made_subtask")


def _sentence_start(*keys: str) -> str:
    return r"(?:^|(?<=[.!?] ))(?:" + "|".join(templates.openings(*keys)) + ")"


_OPENED = _sentence_start(*_CHANGE_KEYS, "deleted")
"""The start of a change sentence of the model's replies in any language's templates ("Erledigt: …")."""
_TASK_WORD = "(?:" + "|".join(templates.openings("task_ref")) + ")"
CHANGED = re.compile(
    r"\b(?:Added|Marked|Deleted|Reopened|Updated|Renamed it|Moved|Made|Removed the due date of|Changed the note|"
    r"Added a note|Removed the note|Undid|Redid|Cancelled|I'll remind you)\b|" + _OPENED
)
"""A sentence of the model's own replies (replies.py) that reports a change, in any language."""
_CHANGED_TASKS = re.compile(
    r"(?:\b(?:Added|Marked|Reopened|Updated|Renamed it:|Moved|Made) task |" + _sentence_start(*_CHANGE_KEYS) + _TASK_WORD + r")(\d+):"
)
_REPLY_TASKS = re.compile(
    r"(?:\b(?:Added|Marked|Deleted|Reopened|Updated|Renamed it:|Moved|Made) task |" + _OPENED + _TASK_WORD + r")(\d+):"
)
LIST_KEYS = ("list_one", "list_many", "list_count", "list_none", "nothing_overdue", "list_empty")
LIST_REPLY = re.compile(
    r"^(?:Here (?:are|is) your|You have (?:\d+|no|nothing)|Your list is empty|"
    + "|".join(templates.openings(*LIST_KEYS)) + ")"
)
"""The start of the model's own list replies (replies.py), in any language: that turn showed a list."""
_DATE_QUESTION = re.compile(r"Do you mean (\d{1,2} [A-Z][a-z]+) or (\d{1,2} [A-Z][a-z]+)\?")
_WHICH_TASK = re.compile(
    r"Which (?:task|tasks|one task) (?:do you mean|should)|Which one do you mean|I haven't shown you that many|The last list only had|"
    + "|".join(templates.openings("ask.task", "ask.tasks", "ask.task_show_first", "ask.not_that_many", "ask.list_only_had", "which_one"))
)
_WHAT_TITLE = re.compile(r"What should the new task be called\?")

_LEAD = r"(?:no+|nope|nah|oh|oops|whoops|wait|sorry|actually|hmm+|hold on|my bad|err|um+|uh+|ah|correction|no no|ugh|ok|okay)"
_LEADS = re.compile(rf"^(?:{_LEAD}\b[\s,.!:;-]*)+", IC)
_SAY = r"(?:i meant|i mean|i said|i wanted|i want|meant|make (?:that|it)|change (?:that|it) to|(?:it|that) should (?:be|have been)|should be|(?:it|that)'?s|rather|not that,?)"

TARGETED = ("complete", "reopen", "delete", "update", "remind", "unremind", "move", "note")
"""Intent kinds that name the task(s) they act on (the ``target`` a follow-up replaces)."""


@dataclass
class Exchange:
    """One user message and the model's reply to it (``asked``: the reply was a question)."""

    user: str
    reply: str = ""

    @property
    def asked(self) -> bool:
        """The reply ended with a question, or is one of the model's own questions (which may
        end with an example: "What should the new task be called? For example: …")."""
        return self.reply.rstrip().endswith("?") or bool(_DATE_QUESTION.search(self.reply) or _WHAT_TITLE.search(self.reply) or _WHICH_TASK.search(self.reply))

    @property
    def changed(self) -> bool:
        """The reply reports a change (and asks nothing)."""
        return bool(CHANGED.search(self.reply)) and not self.asked


@dataclass
class Repair:
    """What :func:`repair` decided: ``actions`` to run (planner Calls/Says) or a ``message`` to
    read instead of the one typed (an answer that picked a whole request)."""

    actions: list[Any] = field(default_factory=list)
    message: str | None = None


def read_history(items: Any) -> list[tuple[str, str]]:
    """``[(role, text)]`` of the typed user messages and the assistant's replies before the
    latest user message of the agent input (widgets and hidden context left out); a user message
    in another language is read as the engine's English (:func:`lang.canonical`)."""
    from todochat.agent.models.builtin.model import _get, _text

    if isinstance(items, str):
        return []
    out: list[tuple[str, str]] = []
    for item in items:
        role = _get(item, "role")
        if role not in ("user", "assistant"):
            continue
        text = _text(item).strip()
        if role == "user" and (not text or text.startswith(_HIDDEN)):
            continue
        out.append((str(role), lang.canonical(text) if role == "user" else text))
    last_user = max((i for i, (role, _) in enumerate(out) if role == "user"), default=-1)
    return out[:last_user] if last_user >= 0 else out


def exchanges(history: list[tuple[str, str]]) -> list[Exchange]:
    """The history as exchanges, oldest first."""
    out: list[Exchange] = []
    for role, text in history:
        if role == "user":
            out.append(Exchange(text))
        elif out:
            out[-1].reply = f"{out[-1].reply} {text}".strip()
    return out


def request_of(turns: list[Exchange], index: int) -> tuple[str, str | None]:
    """The request behind exchange ``index``: its message, or (an answer to the question before
    it) the message that question was about, with the answer."""
    here = turns[index]
    if index > 0 and turns[index - 1].asked and (_WHICH_TASK.search(turns[index - 1].reply) or _DATE_QUESTION.search(turns[index - 1].reply)):
        return turns[index - 1].user, here.user
    return here.user, None


def widen_touched(state: State, history: list[tuple[str, str]]) -> None:
    """After a reply that changed several tasks one by one ("add milk, eggs and bread": three
    ``add_task`` calls, each recording only its own number), ``touched`` becomes all of them, as
    the reply says ("Added task 1 … Added task 2 …"), so "them"/"both" name them all."""
    turns = exchanges(history)
    if not turns:
        return
    numbers = [int(n) for n in _CHANGED_TASKS.findall(turns[-1].reply)]
    numbers = list(dict.fromkeys(numbers))
    if len(numbers) > 1 and state.touched and set(state.touched) <= set(numbers):
        state.touched = numbers


def _plan_text(text: str, state: State, now: datetime) -> list[Any]:
    actions: list[Any] = []
    for intent, quotes, _part in plan(text, state, now, pending_live=False):
        actions.extend(plan_clause(intent, quotes, state, now))
    return actions


def _change_calls(actions: list[Any]) -> list[Any]:
    return [a for a in actions if isinstance(a, Call) and a.tool not in ("list_tasks", "show_task", "list_reminders", "list_lists", "list_activity")]


def retarget(request: str, target: str, state: State, now: datetime, *, body: str | None = None) -> list[Any] | None:
    """The request's one change made on ``target`` instead (or, for an add, on the new item
    ``body``); None when the request was not one change of a named task / one add."""
    parsed = plan(request, State(), now, pending_live=False)
    if len(parsed) != 1:
        return None
    intent, quotes, _part = parsed[0]
    if intent.kind == "add" and body:
        return plan_add(body, [], now, Intent("add"))
    if intent.kind not in TARGETED or not intent.target:
        return None
    actions = plan_clause(replace(intent, target=target), quotes, state, now)
    return actions if _change_calls(actions) else None


def _undo() -> Any:
    return Call("undo", {}, Intent("undo"))


def _say(text: str) -> Any:
    return Say(text)


def ask_task() -> str:
    """The question "which task do you mean?" in the reply language."""
    return templates.t("ask.task")


def repair(message: str, history: list[tuple[str, str]], state: State, now: datetime, *, pending_live: bool = False) -> Repair | None:
    """Decide a repair or follow-up for ``message`` (see the module doc); None: not one."""
    if not history or (state.pending and pending_live and state.pending.get("kind") in ("confirm", "choose")):
        return None
    text = clean(message).strip(" .!?")
    if not text or len(text) > 300:
        return None
    turns = exchanges(history)
    if not turns:
        return None
    for family in (_answer, _take_back, _other, _also, _correction):
        found = family(text, turns, state, now)
        if found is not None:
            return found
    return None


# --- take-back ----------------------------------------------------------------------------------
_TAKE_BACK = re.compile(
    rf"^(?:{_LEAD}\b[\s,.!:;-]*)*(?:never ?mind|nvm|scratch that|forget (?:that|it)|cancel that|take that back|undo that|ignore that|"
    r"don'?t (?:add|do|change|delete|make) (?:that|it)|(?:i )?changed my mind)(?:[\s,.!;-]+(?:leave it|forget it|never ?mind|then|please|thanks))*$",
    IC,
)


_STEP = re.compile(r"(?:^|(?<=[.!?] ))(?:Added|Marked|Deleted|Reopened|Updated|Renamed it|Moved|Made|Removed the|Changed the note|Cancelled|I'll remind you about)\b|" + _OPENED)
"""The start of one change sentence of a reply: one tool call, one journal step."""


def _take_back(text: str, turns: list[Exchange], state: State, now: datetime) -> Repair | None:
    if not _TAKE_BACK.match(text):
        return None
    last = turns[-1]
    if last.changed and re.match(r"(?:Undid|Redid)\b", last.reply):  # taking back an undo is a redo
        tool = "redo" if last.reply.startswith("Undid") else "undo"
        return Repair([Call(tool, {}, Intent(tool))])
    if last.changed:  # every step the last reply reports ("add milk, eggs and bread": three)
        return Repair([_undo() for _ in range(max(1, len(_STEP.findall(last.reply))))])
    if last.asked:
        return Repair([_say(templates.t("wont_change"))])
    return Repair([_say(templates.t("nothing_changed"))])


# --- the other one -------------------------------------------------------------------------------
_OTHER = re.compile(
    rf"^(?:{_LEAD}\b[\s,.!:;-]*)*(?:(?:i meant|i mean|not (?:that|this)(?: one)?)[\s,.;-]*)*(?:(?:i meant|i mean)\s+)?the other (?:one|task)(?P<too> too| as well| also)?$",
    IC,
)
_TASK_NUMBERS = re.compile(r"\btask (\d+)\b")


def _other(text: str, turns: list[Exchange], state: State, now: datetime) -> Repair | None:
    m = _OTHER.match(text)
    if not m:
        return None
    last = turns[-1]
    said = list(dict.fromkeys(int(n) for n in _REPLY_TASKS.findall(last.reply)))  # a deleted task is not "touched"
    changed = state.touched if len(state.touched) == 1 else said
    if not last.changed or len(changed) != 1:
        return Repair([_say(ask_task())])
    done = changed[0]
    pools: list[list[int]] = []
    for turn in reversed(turns[-3:]):  # the candidates of the question just answered
        if turn.asked and _WHICH_TASK.search(turn.reply):
            pools.append([int(n) for n in _TASK_NUMBERS.findall(turn.reply)])
            break
    listed = any(LIST_REPLY.match(t.reply) for t in turns[-3:-1])
    pools.append(list(state.shown) if done in state.shown or not listed else [done, *state.shown])  # a deleted task leaves the list
    for pool in pools:
        if done in pool:
            others = [n for n in dict.fromkeys(pool) if n != done]
            if len(others) != 1:
                return Repair([_say(ask_task())])
            request, _answer_text = request_of(turns, len(turns) - 1)
            actions = retarget(request, str(others[0]), state, now)
            if actions is None:
                return Repair([_say(ask_task())])
            return Repair(actions if m["too"] else [_undo(), *actions])
    return Repair([_say(ask_task())])


# --- also / too -----------------------------------------------------------------------------------
_ALSO = re.compile(
    r"^(?:(?:and|also|plus|oh and|and also)\s+)?(?P<x>.+?)(?:,?\s+(?:too|as well|also))$"
    r"|^(?:and|also|plus|and also)\s+(?P<y>.+)$"
    r"|^(?:(?:and )?(?:do |please do )?(?:the )?same (?:for|with|to|goes for)|ditto (?:for|with)?)\s+(?P<z>.+)$",
    IC,
)


def _last_change(turns: list[Exchange]) -> int | None:
    """The index of the latest exchange that changed something, looking past lists (at most two)."""
    for back in range(1, min(3, len(turns)) + 1):
        turn = turns[-back]
        if turn.changed:
            return len(turns) - back
        if not LIST_REPLY.match(turn.reply):
            return None
    return None


def _also(text: str, turns: list[Exchange], state: State, now: datetime) -> Repair | None:
    m = _ALSO.match(text)
    if not m:
        return None
    phrase = (m["x"] or m["y"] or m["z"] or "").strip(" ,")
    if not phrase:
        return None
    said = classify(phrase)
    named = resolve(phrase, state)
    plain = said.kind == "unknown" or (said.kind == "add" and said.field == "bare") or bool(named.numbers)
    if not plain:
        return None
    index = _last_change(turns)
    if index is None:
        return None
    request, _ = request_of(turns, index)
    actions = retarget(request, phrase, state, now, body=phrase)
    if actions is None:
        return None
    return Repair(actions)


# --- corrections ---------------------------------------------------------------------------------
_CORRECTION = re.compile(rf"^(?P<lead>(?:{_LEAD}\b[\s,.!:;-]*)+)?(?:{_SAY}\b[\s,:]*)?(?P<value>.+?)(?:,?\s+(?:instead|rather|then))?$", IC)
_RENAME = re.compile(r"^(?:(?:just |please )?(?:call|name|rename|title) (?:it|that|this)(?: to)?|(?:it|that) should be called|make the title)\s+(?P<title>.+?)(?:,?\s+(?:instead|then))?$", IC)
_NUMBER = re.compile(r"(?<![\d/:.])\d{1,4}(?::\d{2})?(?![\d/:.])")
_CLOCK_VALUE = re.compile(r"^(?:at\s+)?\d{1,2}(?::\d{2})?$")


def _correction(text: str, turns: list[Exchange], state: State, now: datetime) -> Repair | None:
    last = turns[-1]
    if not last.changed:
        return None
    body = _LEADS.sub("", text).strip(" ,")
    rename = _RENAME.match(body)
    m = _CORRECTION.match(text)
    explicit = bool(m and (m["lead"] or re.match(r"^(?:i meant|i mean|i said|i wanted|meant)\b", text, IC)))
    said_lead = explicit or bool(m and re.match(rf"^{_SAY}\b", text, IC))  # "make that 6" / "make it high priority"
    if not rename and not said_lead:
        return None
    request, answer = request_of(turns, len(turns) - 1)
    if rename:
        if len(state.touched) != 1:
            return Repair([_say(ask_task())])
        return Repair([Call("update_task", {"task": str(state.touched[0]), "title": clean_title(rename["title"])}, Intent("update"))])
    assert m is not None
    value = _value(m["value"])
    if not value:
        return None
    parsed = _parsed(request, now)
    if parsed is None:
        return None
    kind = parsed.kind
    said = classify(value)
    if said.kind not in ("unknown", "add", "update", "list", "confirm", "deny") or (said.kind == "add" and said.field != "bare"):
        return None  # "actually, delete it": a command of its own
    if said.kind == "deny":
        return None
    # a bare number: the one number of the last request, corrected
    if _CLOCK_VALUE.match(value) and answer is None:
        numbers = list(_NUMBER.finditer(request))
        if len(numbers) == 1:
            n = numbers[0]
            digits = re.sub(r"^at\s+", "", value)
            fixed = f"{request[: n.start()]}{digits}{request[n.end():]}"
            return Repair([_undo(), *_plan_text(fixed, State(), now)])
    # a date, time or priority: the task just touched
    when = find_when(value, now)
    rest, level = take_priority(value)
    if not level and kind == "update" and value.lower() in _LEVELS:  # "make X high priority" → "sorry, medium"
        rest, level = "", _LEVELS[value.lower()]
    leftover = re.sub(r"\b(?:on|at|for|by|in|the|due|priority|to|be|it|one)\b|[,.;:-]", " ", rest, flags=IC).strip()
    dated = when.found and not when.ambiguous and not re.sub(r"\b(?:on|at|for|by|in|the|due|to|be|it)\b|[,.;:-]", " ", _cut(value, when.spans), flags=IC).strip()
    if dated or (level and not leftover):
        if kind not in ("add", "update", "remind") or len(state.touched) != 1:
            return Repair([_say(ask_task())]) if explicit else None  # "make it high priority": a plain update
        changes: dict[str, Any] = {}
        if dated:
            if when.recurrence:
                changes["recurrence"] = when.recurrence
            changes.update(due_changes(when, value))
        if level:
            changes["priority"] = level
        return Repair([Call("update_task", {"task": str(state.touched[0]), **changes}, Intent("update"))])
    later = later_said(value)
    if later and kind in ("add", "update") and len(state.touched) == 1:  # "actually, the day after"
        return Repair([Call("update_task", {"task": str(state.touched[0]), "shift": later}, Intent("update"))])
    if when.ambiguous or not explicit:
        return None
    # other words: another task for a change of a named task, a new title for a task just added
    if kind in TARGETED and answer is None:
        actions = retarget(request, value, state, now)
        if actions is None:
            return Repair([_say(ask_task())])
        return Repair([_undo(), *actions])
    if kind == "add" and len(state.touched) == 1 and said.kind in ("unknown", "add"):
        return Repair([Call("update_task", {"task": str(state.touched[0]), "title": clean_title(value)}, Intent("update"))])
    return None


_NOT_CLAUSE = re.compile(r"(?:^not [^,]+,\s*|,?\s+not [^,]+$)", IC)
_WRONG = re.compile(rf"^(?:(?:wrong (?:one|task|day|date|time)|not (?:that|this)(?: one)?|{_SAY})\b[\s,.;:-]*)+", IC)


def _value(said: str) -> str:
    """The corrected value of a correction: without "wrong one", "I meant" said again, or the
    value it replaces ("friday, not thursday" → "friday")."""
    value = _WRONG.sub("", said.strip(" ,")).strip(" ,")
    value = _NOT_CLAUSE.sub("", value).strip(" ,")
    return value


_LEVELS = {"high": "high", "medium": "medium", "normal": "medium", "low": "low", "none": "none", "no priority": "none"}


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    return cut(text, spans)


def _parsed(request: str, now: datetime) -> Intent | None:
    parsed = plan(request, State(), now, pending_live=False)
    return parsed[0][0] if len(parsed) == 1 else None


# --- answers to the model's own questions ----------------------------------------------------------
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
_POSITION = re.compile(rf"^(?:the\s+)?(?:option\s+|number\s+|#)?(?P<pos>{'|'.join(sorted(map(re.escape, ORDINALS), key=len, reverse=True))}|\d|former|latter)(?:\s+(?:one|option|date|reading))?$", IC)


def _answer(text: str, turns: list[Exchange], state: State, now: datetime) -> Repair | None:
    last = turns[-1]
    if not last.asked:
        return None
    answer = _LEADS.sub("", text).strip(" ,") or text
    answer = re.sub(r"^(?:i meant|i mean|i want|it'?s|it is|make it|the one (?:on|in)|on)\s+", "", answer, flags=IC)
    said = classify(answer)
    question = _DATE_QUESTION.search(last.reply)
    if question:
        return _date_answer(answer, said, question, last, state, now)
    if said.kind not in ("unknown",) and not (said.kind == "add" and said.field == "bare"):
        return None
    if _WHICH_TASK.search(last.reply) and not (state.pending and state.pending.get("kind") == "choose"):
        target = resolve(answer, state)
        if target.problem:
            return None
        actions = retarget(last.user, answer, state, now)
        return Repair(actions) if actions is not None else None
    if _WHAT_TITLE.search(last.reply):
        return Repair(plan_add(answer, [], now, Intent("add")))
    return None


def _date_answer(answer: str, said: Intent, question: re.Match[str], last: Exchange, state: State, now: datetime) -> Repair | None:
    """Pick one of the two readings of "Do you mean 4 March or 3 April?"; the request is read
    again with that date written out (the ``ask_user`` option when there is one)."""
    readings = [question[1], question[2]]
    low = answer.lower()
    if said.kind == "confirm":
        return Repair([_say(f"Do you mean {readings[0]} or {readings[1]}? Please say which one.")])
    if said.kind == "deny":
        return None
    pick: int | None = None
    m = _POSITION.match(low)
    if m:
        pos = m["pos"].lower()
        index = {"former": 0, "latter": 1}.get(pos, int(pos) - 1 if pos.isdigit() else ORDINALS.get(pos, 99))
        pick = index if index in (0, 1) else (1 if index == -1 else None)
    if pick is None:
        months = [r.split()[1].lower() for r in readings]
        named = [i for i, month in enumerate(months) if re.search(rf"\b{month[:3]}", low)]
        if len(named) == 1:
            pick = named[0]
        else:
            when = find_when(answer, now)
            if when.day is not None:
                for i, r in enumerate(readings):
                    day, month = r.split()
                    if when.day.day == int(day) and when.day.strftime("%B").lower() == month.lower():
                        pick = i
    if pick is None:
        return None
    options = (state.pending or {}).get("options") if state.pending and state.pending.get("kind") == "ask" else None
    if isinstance(options, list) and len(options) == 2:
        return Repair(message=str(options[pick]))
    found = list(_NUMERIC_DATE.finditer(last.user))
    if len(found) != 1:
        return None
    start, end = found[0].span()
    return Repair(message=f"{last.user[:start]}{readings[pick]}{last.user[end:]}")
