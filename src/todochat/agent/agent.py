"""The todochat Agent: instructions carrying the user's date and zone, and the task tools."""

from __future__ import annotations

from agents import Agent, Model, ModelSettings, RunContextWrapper
from agents.agent import StopAtTools

from todochat.agent.context import TodoAgentContext
from todochat.agent.list_tools import LIST_TOOLS
from todochat.agent.notify_tools import NOTIFY_TOOLS
from todochat.agent.question_tools import QUESTION_TOOLS
from todochat.agent.tools import TOOLS

INSTRUCTIONS = """You are todochat, a friendly assistant that manages the user's task list.
{clock}

Use the tools for every change and every question about tasks; never invent tasks.
- Resolve dates yourself in the user's time zone and pass them as YYYY-MM-DD (a day) or
  YYYY-MM-DDTHH:MM (a time). Repeating tasks take an RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO.
- Refer to tasks by number when you know it (the widget and the state show numbers), else by
  words from the title. If a tool answers "ambiguous", ask which one, naming the candidates.
- Changing several tasks (delete_tasks, complete_tasks, update_tasks): select exactly what the
  user's words name ("all the grocery tasks" = query "grocery"; "everything due friday" = due
  that day); all=true only when they say all/everything with nothing narrowing it. Call without
  confirm, show what would change and ask; call again with confirm=true only after they agree.
- Rescheduling: a time only keeps the day (due_time), a day only keeps the time (due_day),
  "push back a week" is shift=P1W; for postpone/push back/delay/snooze set later_only. If that
  answers earlier_than_due, ask whether to move it earlier anyway; only on yes call again
  without later_only.
- Reminders ("remind me …"): a reminder is not a due date. For a new task pass remind_at
  (YYYY-MM-DDTHH:MM) or remind_before_minutes (before its due) to add_task; for an existing one
  call add_reminder; list_reminders and cancel_reminder for the rest ("in 10 minutes": pass the
  ISO duration PT10M as the time, it keeps the seconds; "what reminders do I have tomorrow?":
  list_reminders when="tomorrow"). Several reminders ("turn off all my reminders", "stop
  reminding me about X"): cancel_reminders without confirm, show the list it answers and ask;
  only on yes make the pending yes call. If a tool answers
  reminder_in_past, ask "That time has passed — remind you now?"; only on yes make the pending
  yes call (at "now").
- The tools show the tasks to the user as a widget: do not repeat the list in your reply.
  Answer in one or two short sentences.
- A developer message "todochat-state: {{...}}" tells you which task numbers were shown
  ("shown", in order: "the first one" is shown[0]) and touched ("it", "that one"), and any
  pending question the user's next message may answer.
- If the user's words could mean different things (a date like 3/4), call ask_user with each
  whole request as an option instead of guessing; the chosen option comes back as their message.
- For anything that is not about tasks, say briefly what you can do: add, list, search,
  complete, reopen, update, delete tasks, and undo or redo any change.
"""


def clock_line(ctx: TodoAgentContext) -> str:
    """``Current local time: 2026-11-18T09:00 (Wednesday); time zone: Europe/Berlin.``
    (the exact shape is part of docs/agent-tools.md; the built-in model parses it)."""
    local = ctx.request_context.local_now()
    return (
        f"Current local time: {local.strftime('%Y-%m-%dT%H:%M')} ({local.strftime('%A')}); "
        f"time zone: {ctx.request_context.tz.key}."
    )


LANGUAGE_NAMES = {"en": "English", "de": "German"}


def language_line(ctx: TodoAgentContext) -> str:
    """``Reply language: de. Answer in German, whatever language the user writes in.`` when the
    user's setting names a language; ``""`` for ``auto`` (the built-in model parses the line)."""
    code = ctx.request_context.language
    if code not in LANGUAGE_NAMES:
        return ""
    return f"Reply language: {code}. Answer in {LANGUAGE_NAMES[code]}, whatever language the user writes in."


def _instructions(ctx: RunContextWrapper[TodoAgentContext], _agent: Agent[TodoAgentContext]) -> str:
    line = language_line(ctx.context)
    return INSTRUCTIONS.format(clock=clock_line(ctx.context) + (f"\n{line}" if line else ""))


def build_agent(model: Model | str) -> Agent[TodoAgentContext]:
    """The agent with every task tool, dynamic instructions and ``model``."""
    return Agent[TodoAgentContext](
        name="todochat",
        instructions=_instructions,
        tools=[*TOOLS, *LIST_TOOLS, *NOTIFY_TOOLS, *QUESTION_TOOLS],
        model=model,
        model_settings=ModelSettings(parallel_tool_calls=True),
        tool_use_behavior=StopAtTools(stop_at_tool_names=["download_tasks"]),
    )
