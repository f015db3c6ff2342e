"""The agent's function tools. Each translates its arguments, calls TaskService, records the
conversation state, streams a task-list widget, and returns a small JSON result
(shapes in docs/agent-tools.md). Domain errors become ``{"ok": false, "error", "message"}``."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from agents import FunctionTool, RunContextWrapper, function_tool
from chatkit.types import ThreadItemDoneEvent, ThreadItemReplacedEvent, WidgetItem
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from todochat import db_errors
from todochat.agent.bulk_progress import announce_bulk
from todochat.agent.context import TodoAgentContext
from todochat.chatkit.widgets import (
    LIST_ROWS_MAX,
    copy_text,
    list_heading,
    task_list_widget,
    tree_rows,
)
from todochat.context import acting_tool
from todochat.errors import (
    AmbiguousReference,
    ConfirmationRequired,
    EarlierThanDue,
    ReminderInPast,
    TodoError,
)
from todochat.tasks import reminder_window
from todochat.tasks import reminders as reminder_rules
from todochat.tasks.rules import with_note
from todochat.tasks.schemas import (
    ExportFormat,
    PriorityName,
    ReminderOut,
    ReminderSpec,
    Selection,
    SortKey,
    StatusFilter,
    TaskChanges,
    TaskCreate,
    TaskFilter,
    TaskOut,
)
from todochat.tasks.views import DEFAULT_SORT, DEFAULT_STATUS

Ctx = RunContextWrapper[TodoAgentContext]
Status = StatusFilter  # the enum types are tasks/schemas.py's (arguments: tasks/operations.py)
PriorityArg = PriorityName
SortArg = SortKey

logger = logging.getLogger(__name__)
TASK_FIELDS = (
    "number", "title", "description", "completed", "priority", "tags", "due", "due_all_day", "recurrence", "overdue",
    "list", "parent", "progress",
)


def brief(task: TaskOut) -> dict[str, Any]:
    """The task fields a model needs (docs/agent-tools.md ``Task``)."""
    return task.model_dump(include=set(TASK_FIELDS))


async def show(ctx: Ctx, heading: str, tasks: Sequence[TaskOut], *, view: tuple[TaskFilter, str] | None = None) -> None:
    """Stream a task-list widget of ``tasks`` into the thread. One widget per kind of change per
    turn: a second widget with the same heading in the same turn (each task of "add milk, eggs and
    bread", an LLM's parallel calls) replaces the first with their rows together. A list view
    (``view``: its filter and sort, for the completed-tasks toggle) always gets its own widget."""
    agent_ctx = ctx.context
    today = agent_ctx.request_context.local_now().date()
    earlier = agent_ctx.turn_widgets.get(heading) if view is None else None
    if earlier is not None:
        item, before = earlier
        fresh = {t.number for t in tasks}
        tasks = [*(t for t in before if t.number not in fresh), *tasks]
        item = item.model_copy(update={"widget": task_list_widget(heading, tasks, today), "copy_text": copy_text(heading, tasks, today)})
        agent_ctx.turn_widgets[heading] = (item, list(tasks))
        await agent_ctx.stream(ThreadItemReplacedEvent(item=item))
        return
    item = WidgetItem(
        id=agent_ctx.store.generate_item_id("message", agent_ctx.thread, agent_ctx.request_context),
        thread_id=agent_ctx.thread.id,
        created_at=datetime.now(),  # noqa: DTZ005 — chatkit expects naive local time (DESIGN.md)
        widget=task_list_widget(heading, tasks, today, view=view),
        copy_text=copy_text(heading, tasks, today),
    )
    if view is None:
        agent_ctx.turn_widgets[heading] = (item, list(tasks))
    await agent_ctx.stream(ThreadItemDoneEvent(item=item))


async def _guard(ctx: Ctx, tool: str, arguments: dict[str, Any], call: Callable[[], Awaitable[dict[str, Any]]]) -> str:
    """Run ``call``; turn domain errors into results and remember questions they raise.
    Each call is also recorded in the request context's ``tool_calls`` (for the chat API)."""
    with acting_tool(tool):  # the journal records which tool made the change (audit log)
        output = await _outcome(ctx, tool, arguments, call)
    summary = json.loads(output)
    record = ctx.context.request_context.metadata.setdefault("tool_calls", [])
    if isinstance(record, list):
        record.append({"tool": tool, "arguments": arguments, "result": _summary(summary)})
    return output


def _summary(result: dict[str, Any]) -> str:
    if not result.get("ok"):
        return f"{result.get('error')}: {result.get('message')}"
    if "task" in result:
        return f"task {result['task']['number']}: {result['task']['title']}"
    if isinstance(result.get("reminder"), dict):
        reminder = result["reminder"]
        return f"reminder {reminder['id']} ({reminder['status']}) on task {reminder['task']}: {reminder['title']}"
    if "reminders" in result:
        return f"{len(result['reminders'])} reminder(s)"
    for key in ("tasks", "restored"):
        if key in result:
            return f"{len(result[key])} task(s)"
    return "ok"


async def _outcome(ctx: Ctx, tool: str, arguments: dict[str, Any], call: Callable[[], Awaitable[dict[str, Any]]]) -> str:
    try:
        result = await call()
    except AmbiguousReference as exc:
        ctx.context.remember(
            pending={"kind": "choose", "tool": tool, "arguments": arguments, "candidates": exc.candidates}
        )
        return json.dumps({"ok": False, **exc.to_dict()})
    except ConfirmationRequired as exc:  # a bulk tool: "yes" confirms these numbers
        numbers = list(dict.fromkeys(c["number"] for c in exc.would_change))
        yes = {"numbers": numbers, "confirm": True, **({"changes": arguments["changes"]} if "changes" in arguments else {})}
        if tool in ("delete_list", "complete_task", "delete_task"):  # that list / a parent with subtasks: "yes" takes what it holds too
            yes = {**arguments, "confirm": True}
        if exc.action == "cancel_reminders":  # "yes" cancels exactly the reminders listed
            yes = {"reminders": [c["reminder"] for c in exc.would_change], "confirm": True}
        ctx.context.remember(
            pending={"kind": "confirm", "tool": tool, "arguments": arguments, "numbers": numbers,
                     "yes": {"tool": tool, "arguments": yes}},
            shown=numbers,
        )
        return json.dumps({"ok": False, **exc.to_dict()})
    except EarlierThanDue as exc:  # a postpone that would move a task earlier: ask, "yes" moves it anyway
        ctx.context.remember(
            pending={"kind": "confirm", "tool": tool, "arguments": arguments, "yes": _anyway(tool, arguments, exc)}
        )
        return json.dumps({"ok": False, **exc.to_dict()})
    except ReminderInPast as exc:  # "that time has passed — remind you now?": "yes" reminds in a minute
        ctx.context.remember(
            pending={"kind": "confirm", "tool": tool, "arguments": arguments, "yes": _remind_now(tool, arguments, exc)}
        )
        return json.dumps({"ok": False, **exc.to_dict()})
    except TodoError as exc:
        ctx.context.remember(pending=None)
        return json.dumps({"ok": False, **exc.to_dict()})
    except (DBAPIError, PoolTimeout, OSError, OverflowError) as exc:
        kind = db_errors.classify(exc)  # the change rolled back; say why instead of a generic tool error
        if kind == "bug":
            raise
        logger.warning("tool_database_error: %s %s", kind, type(exc).__name__)
        ctx.context.remember(pending=None)
        error = {"timeout": "database_timeout", "unavailable": "database_unavailable"}.get(kind, kind)
        return json.dumps({"ok": False, "error": error, "message": db_errors.MESSAGES[kind]})
    return json.dumps({"ok": True, **result}, default=str)


def _anyway(tool: str, arguments: dict[str, Any], exc: EarlierThanDue) -> dict[str, Any]:
    """The call a "yes" makes after :class:`EarlierThanDue`: the same change without
    ``later_only`` (the task named by its number when the error names it)."""
    args = {k: v for k, v in arguments.items() if k != "later_only"}
    if "changes" in args:
        args["changes"] = {k: v for k, v in args["changes"].items() if k != "later_only"}
    elif isinstance(exc.details.get("number"), int):
        args["task"] = str(exc.details["number"])
    return {"tool": tool, "arguments": args}


def _remind_now(tool: str, arguments: dict[str, Any], exc: ReminderInPast) -> dict[str, Any]:
    """The call a "yes" makes after :class:`ReminderInPast`: the same reminder at ``now`` (one
    minute after the yes, tasks/reminders.py ``read_local``) instead of the past time; the task
    named by its number when the error names it."""
    if tool == "add_task":
        args = {k: v for k, v in arguments.items() if k not in ("remind_at", "remind_before_minutes")}
        return {"tool": tool, "arguments": {**args, "remind_at": "now"}}
    args = {k: v for k, v in arguments.items() if k not in ("at", "before_minutes")}
    if isinstance(exc.details.get("number"), int):
        args["task"] = str(exc.details["number"])
    return {"tool": tool, "arguments": {**args, "at": "now"}}


def _args(**kwargs: Any) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not None}


@function_tool
async def add_task(
    ctx: Ctx,
    title: str,
    description: str | None = None,
    due: str | None = None,
    priority: PriorityArg | None = None,
    tags: list[str] | None = None,
    recurrence: str | None = None,
    remind_at: str | None = None,
    remind_before_minutes: int | None = None,
    list: str | None = None,
    parent: str | None = None,
) -> str:
    """Add a task (to the Inbox unless a list is named; a subtask of another task when ``parent`` is given).

    Args:
        title: Short title, 1-200 characters, without the date/priority/tag/reminder words.
        description: Optional longer notes (up to 1000 characters).
        due: Due day YYYY-MM-DD or time YYYY-MM-DDTHH:MM, already resolved in the user's time zone.
        priority: none, low, medium or high.
        tags: Lower-case single-word labels, e.g. ["work"].
        recurrence: RFC 5545 RRULE for a repeating task, e.g. FREQ=WEEKLY;BYDAY=MO.
        remind_at: Remind the user at this local time YYYY-MM-DDTHH:MM (user's zone, like due), or after an ISO 8601 duration from now, e.g. PT10M for "in 10 minutes" (to the second).
        remind_before_minutes: Remind this many minutes before the due time (0 = at the due time).
        list: The name of an existing list (see list_lists) to add it to; a #word is a tag, not a list.
        parent: Make it a subtask of this task: its number (e.g. "2") or words from its title.
    """
    arguments = _args(title=title, description=description, due=due, priority=priority, tags=tags,
                      recurrence=recurrence, remind_at=remind_at, remind_before_minutes=remind_before_minutes,
                      list=list, parent=parent)

    async def call() -> dict[str, Any]:
        request = ctx.context.request_context
        fields = {k: v for k, v in arguments.items() if not k.startswith("remind_")}
        if parent is not None:
            fields["parent"] = (await ctx.context.service.resolve(request, parent, prefer="pending")).number
        specs = []
        if remind_at is not None:
            specs.append(ReminderSpec(at=reminder_rules.read_local(remind_at, request.tz, request.now(), "remind_at")))
        if remind_before_minutes is not None:
            specs.append(ReminderSpec(before_minutes=remind_before_minutes))
        if specs:
            fields["reminders"] = specs
        task = await ctx.context.service.add(request, TaskCreate(**fields))
        ctx.context.remember(touched=[task.number], pending=None)
        await show(ctx, "Added", [task])
        return {"task": brief(task)}

    return await _guard(ctx, "add_task", arguments, call)


@function_tool
async def list_tasks(
    ctx: Ctx,
    status: Status = DEFAULT_STATUS,
    priority: PriorityArg | None = None,
    tag: str | None = None,
    due: str | None = None,
    due_after: str | None = None,
    due_before: str | None = None,
    query: str | None = None,
    sort: SortArg = DEFAULT_SORT,
    list: str | None = None,
    parent: str | None = None,
) -> str:
    """List or search the user's tasks; the list is shown to the user as a widget (subtasks
    indented under their parent; at most 25 rows; the result's ``shown`` are the numbers displayed,
    in order: "the first one" is shown[0]).

    Args:
        status: pending (default: open tasks only), completed, or all (open and completed) — use
            completed/all only when the user asks for done tasks or all tasks.
        priority: Only tasks of this priority.
        tag: Only tasks with this tag.
        due: today, tomorrow, overdue, this_week, none (no due date), any, or a day YYYY-MM-DD.
        due_after: Only tasks due on or after this day YYYY-MM-DD (a date range with due_before).
        due_before: Only tasks due on or before this day YYYY-MM-DD.
        query: Words to search for in titles and descriptions.
        sort: due (default: soonest due first, undated last), number, priority, created or title.
        list: Only the tasks of the list with this name ("Inbox": tasks with no list).
        parent: Only the subtasks of this task ("what's left for the trip?"): its number or title words.
    """
    arguments = _args(status=status, priority=priority, tag=tag, due=due, due_after=due_after,
                      due_before=due_before, query=query, sort=sort, list=list, parent=parent)

    async def call() -> dict[str, Any]:
        request = ctx.context.request_context
        under = await ctx.context.service.resolve(request, parent) if parent is not None else None
        flt = TaskFilter(status=status, priority=priority, tag=tag, due=due, due_after=due_after,
                         due_before=due_before, query=query, list=list, parent=under.number if under else None)
        tasks = await ctx.context.service.list(request, flt, sort=sort)
        if list is not None:  # the list as stored ("Work"), not as the user spelled it ("work")
            flt = flt.model_copy(update={"list": tasks[0].list if tasks else (await ctx.context.service.get_list(request, list)).name})
        shown = [t.number for t, _ in tree_rows(tasks)][:LIST_ROWS_MAX]  # the order the widget shows
        ctx.context.remember(shown=shown, touched=shown, pending=None)  # "it"/"both" after a list
        heading = list_heading(flt, len(tasks)) if under is None else f"Subtasks of {under.number}. {under.title} · {len(tasks)}"
        await show(ctx, heading, tasks, view=(flt, sort))
        return {"count": len(tasks), "tasks": [brief(t) for t in tasks], "shown": shown, **_args(list=flt.list)}

    return await _guard(ctx, "list_tasks", arguments, call)


@function_tool
async def show_task(ctx: Ctx, task: str) -> str:
    """Show one task with all its fields, its note (description) included ("what's the note on
    the dentist?"); the task is shown to the user as a widget.

    Args:
        task: The task's number (e.g. "3") or words from its title (e.g. "dentist").
    """

    async def call() -> dict[str, Any]:
        out = await ctx.context.service.resolve(ctx.context.request_context, task)
        ctx.context.remember(touched=[out.number], pending=None)
        await show(ctx, "Task", [out])
        return {"task": brief(out)}

    return await _guard(ctx, "show_task", {"task": task}, call)


@function_tool
async def complete_task(ctx: Ctx, task: str, confirm: bool = False) -> str:
    """Mark a task as done. A repeating task gets its next occurrence as a new task. A task with
    open subtasks is not completed without confirm=true: the result lists them; ask the user, and
    call again with confirm=true only if they agree (the subtasks are completed too).

    Args:
        task: The task's number (e.g. "3") or words from its title (e.g. "dentist").
        confirm: True only after the user confirmed completing its open subtasks too.
    """

    async def call() -> dict[str, Any]:
        result = await ctx.context.service.complete(ctx.context.request_context, task, confirm=confirm)
        changed = [result.task] + ([result.next_task] if result.next_task else [])
        ctx.context.remember(touched=[t.number for t in changed], pending=None)
        await show(ctx, "Completed", changed)
        return {"task": brief(result.task), "next_task": brief(result.next_task) if result.next_task else None}

    return await _guard(ctx, "complete_task", {"task": task, **({"confirm": True} if confirm else {})}, call)


@function_tool
async def reopen_task(ctx: Ctx, task: str) -> str:
    """Mark a completed task as not done.

    Args:
        task: The task's number (e.g. "3") or words from its title.
    """

    async def call() -> dict[str, Any]:
        out = await ctx.context.service.reopen(ctx.context.request_context, task)
        ctx.context.remember(touched=[out.number], pending=None)
        await show(ctx, "Reopened", [out])
        return {"task": brief(out)}

    return await _guard(ctx, "reopen_task", {"task": task}, call)


@function_tool
async def delete_task(ctx: Ctx, task: str, confirm: bool = False) -> str:
    """Delete one task (the user can undo it). A task with subtasks is not deleted without
    confirm=true: the result lists them; ask the user, and call again with confirm=true only if
    they agree (its subtasks are deleted with it).

    Args:
        task: The task's number (e.g. "3") or words from its title.
        confirm: True only after the user confirmed deleting its subtasks too.
    """

    async def call() -> dict[str, Any]:
        out = await ctx.context.service.delete(ctx.context.request_context, task, confirm=confirm)
        ctx.context.remember(touched=[], pending=None)
        return {"task": brief(out)}

    return await _guard(ctx, "delete_task", {"task": task, **({"confirm": True} if confirm else {})}, call)


@function_tool
async def update_task(
    ctx: Ctx,
    task: str,
    title: str | None = None,
    description: str | None = None,
    due: str | None = None,
    priority: PriorityArg | None = None,
    tags: list[str] | None = None,
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
    recurrence: str | None = None,
    due_day: str | None = None,
    due_time: str | None = None,
    shift: str | None = None,
    later_only: bool | None = None,
    add_note: str | None = None,
    list: str | None = None,
    parent: str | None = None,
) -> str:
    """Change a task: only the fields given change. To reschedule, prefer due_time (keeps the day),
    due_day (keeps the time) or shift; for postpone/push back/delay/snooze also set later_only.

    Args:
        task: The task's number (e.g. "3") or words from its title.
        title: New title.
        description: New description (notes).
        due: New due day YYYY-MM-DD or time YYYY-MM-DDTHH:MM in the user's zone; "" removes it.
        priority: none, low, medium or high.
        tags: Replace all tags with these.
        add_tags: Tags to add.
        remove_tags: Tags to remove.
        recurrence: New RFC 5545 RRULE; "" stops repeating.
        due_day: New day YYYY-MM-DD, keeping the task's time of day.
        due_time: New time HH:MM, keeping the task's day.
        shift: Move the due date by an ISO 8601 duration, e.g. P1W (a week later), -P1D, P1M.
        later_only: True for postpone/push back/delay/snooze: an earlier date is refused, then ask.
        add_note: A note to add to the description (kept after what it already says), for "add a
            note to X: ..."; use description to replace it.
        list: Move the task to the list with this name ("Inbox": no list).
        parent: Make it a subtask of this task (its number or title words); "" makes it top-level.
    """
    changes = _args(title=title, description=description, due=due, priority=priority, tags=tags,
                    add_tags=add_tags, remove_tags=remove_tags, recurrence=recurrence,
                    due_day=due_day, due_time=due_time, shift=shift, later_only=later_only, list=list, parent=parent)

    async def call() -> dict[str, Any]:
        request = ctx.context.request_context
        fields: dict[str, Any] = dict(changes)
        if parent is not None:
            fields["parent"] = (await ctx.context.service.resolve(request, parent)).number if parent.strip() else None
        ref: str | int = task
        if add_note is not None:  # the note joins the description (tasks/rules.py with_note)
            current = await ctx.context.service.resolve(request, task)
            ref, fields["description"] = current.number, with_note(current.description, add_note)
        out = await ctx.context.service.update(request, ref, TaskChanges(**fields))
        # a parent moved to another list took its subtasks along (tasks/subtasks.py): say how many
        carried = (await ctx.context.service.subtree(request, out.number))[1:] if list is not None and out.progress else []
        ctx.context.remember(touched=[out.number, *(t.number for t in carried)], pending=None)
        await show(ctx, "Updated", [out, *carried])
        return {"task": brief(out), **({"subtasks_moved": len(carried)} if carried else {})}

    return await _guard(ctx, "update_task", {"task": task, **changes, **_args(add_note=add_note)}, call)


@function_tool
async def complete_tasks(
    ctx: Ctx,
    numbers: list[int] | None = None,
    all: bool = False,
    priority: PriorityArg | None = None,
    tag: str | None = None,
    due: str | None = None,
    query: str | None = None,
    confirm: bool = False,
) -> str:
    """Mark several open tasks as done. Name them with exactly one of: numbers, filter arguments
    (priority, tag, due, query), or all=true. Without confirm=true and with more than one task,
    nothing changes and the result lists what would be completed: ask the user, and call again
    with confirm=true only if they agree.

    Args:
        numbers: These task numbers (the whole selection).
        all: True to complete every open task (only when the user said all/everything).
        priority: Only tasks of this priority.
        tag: Only tasks with this tag.
        due: today, tomorrow, overdue, this_week, or a day YYYY-MM-DD.
        query: Words in the title, description or tags.
        confirm: True only after the user confirmed completing these tasks.
    """
    arguments = _selection_args(numbers, all, "all", priority, tag, due, query)

    async def call() -> dict[str, Any]:
        await announce_bulk(ctx.context, "complete", _selection(arguments), confirm=confirm)  # many tasks: a progress update
        result = await ctx.context.service.bulk_complete(
            ctx.context.request_context, _selection(arguments), confirm=confirm
        )
        changed = result.tasks + result.created
        ctx.context.remember(touched=[t.number for t in changed], pending=None)
        await show(ctx, "Completed", changed)
        return {"tasks": [brief(t) for t in result.tasks], "created": [brief(t) for t in result.created]}

    return await _guard(ctx, "complete_tasks", {**arguments, **({"confirm": True} if confirm else {})}, call)


@function_tool
async def delete_tasks(
    ctx: Ctx,
    numbers: list[int] | None = None,
    all: bool = False,
    status: Status = "all",
    priority: PriorityArg | None = None,
    tag: str | None = None,
    due: str | None = None,
    query: str | None = None,
    confirm: bool = False,
) -> str:
    """Delete several tasks. Name them with exactly one of: numbers, filter arguments (status,
    priority, tag, due, query), or all=true. Without confirm=true and with more than one task,
    nothing is deleted and the result lists what would be: ask the user, and call again with
    confirm=true only if they agree.

    Args:
        numbers: These task numbers (the whole selection).
        all: True to delete every task (only when the user said all/everything).
        status: all, pending or completed.
        priority: Only tasks of this priority.
        tag: Only tasks with this tag.
        due: today, tomorrow, overdue, this_week, none, or a day YYYY-MM-DD.
        query: Words in the title, description or tags.
        confirm: True only after the user confirmed this deletion.
    """
    arguments = _selection_args(numbers, all, status, priority, tag, due, query)

    async def call() -> dict[str, Any]:
        await announce_bulk(ctx.context, "delete", _selection(arguments), confirm=confirm)
        result = await ctx.context.service.bulk_delete(
            ctx.context.request_context, _selection(arguments), confirm=confirm
        )
        ctx.context.remember(touched=[], shown=[], pending=None)
        return {"tasks": [brief(t) for t in result.tasks]}

    return await _guard(ctx, "delete_tasks", {**arguments, **({"confirm": True} if confirm else {})}, call)


@function_tool
async def update_tasks(
    ctx: Ctx,
    changes: TaskChanges,
    numbers: list[int] | None = None,
    all: bool = False,
    status: Status = "all",
    priority: PriorityArg | None = None,
    tag: str | None = None,
    due: str | None = None,
    query: str | None = None,
    confirm: bool = False,
) -> str:
    """Apply the same changes to several tasks ("move everything due friday to monday", "push all
    the report tasks back a week"). Name them with exactly one of: numbers, filter arguments
    (status, priority, tag, due, query), or all=true. Rescheduling fields act on each task's own
    due date: due_day keeps each task's time, shift moves each from its own due. Without
    confirm=true and with more than one task, nothing changes and the result lists what would:
    ask the user, and call again with confirm=true only if they agree. No title (rename tasks
    one by one).

    Args:
        changes: The changes, as update_task takes them (due_day, due_time, shift, later_only,
            priority, add_tags, remove_tags, description, due, recurrence).
        numbers: These task numbers (the whole selection).
        all: True for every task (only when the user said all/everything).
        status: all, pending or completed.
        priority: Only tasks of this priority.
        tag: Only tasks with this tag.
        due: Only tasks due today, tomorrow, overdue, this_week, or on a day YYYY-MM-DD.
        query: Words in the title, description or tags.
        confirm: True only after the user confirmed changing these tasks.
    """
    arguments = _selection_args(numbers, all, status, priority, tag, due, query)
    given = changes.model_dump(exclude_none=True)

    async def call() -> dict[str, Any]:
        await announce_bulk(ctx.context, "update", _selection(arguments), confirm=confirm)
        result = await ctx.context.service.bulk_update(
            ctx.context.request_context, _selection(arguments), changes, confirm=confirm
        )
        ctx.context.remember(touched=[t.number for t in result.tasks], pending=None)
        await show(ctx, "Updated", result.tasks)
        return {"tasks": [brief(t) for t in result.tasks]}

    return await _guard(
        ctx, "update_tasks", {**arguments, "changes": given, **({"confirm": True} if confirm else {})}, call
    )


def _selection_args(
    numbers: list[int] | None, all: bool, status: str, priority: str | None, tag: str | None, due: str | None, query: str | None
) -> dict[str, Any]:
    """A bulk tool's selection as given (unset fields, ``all=False`` and ``status="all"`` left out)."""
    return _args(numbers=numbers, all=all or None, status=status if status != "all" else None,
                 priority=priority, tag=tag, due=due, query=query)


def _selection(arguments: dict[str, Any]) -> Selection:
    """The explicit selection of a bulk tool's arguments (numbers, filter fields, or all)."""
    return Selection.of(**arguments)


@function_tool
async def undo(ctx: Ctx) -> str:
    """Undo the user's latest change to their tasks (any kind: add, complete, edit, delete, bulk);
    called again it undoes the one before. Tell the user the result's message."""
    return await _step(ctx, "undo")


@function_tool
async def redo(ctx: Ctx) -> str:
    """Redo the change the latest undo reverted. Tell the user the result's message."""
    return await _step(ctx, "redo")


async def _step(ctx: Ctx, direction: Literal["undo", "redo"]) -> str:
    async def call() -> dict[str, Any]:
        service = ctx.context.service
        step = service.undo if direction == "undo" else service.redo
        result = await step(ctx.context.request_context)
        ctx.context.remember(touched=[t.number for t in result.tasks], pending=None)
        if result.tasks:
            await show(ctx, "Undone" if direction == "undo" else "Redone", result.tasks)
        return {"message": result.message, "restored": [brief(t) for t in result.tasks], "removed": result.removed}

    return await _guard(ctx, direction, {}, call)


@function_tool
async def list_activity(ctx: Ctx, since: str | None = "today") -> str:
    """The user's recent changes to their tasks, newest first (for "what did I change today?").

    Args:
        since: today, yesterday or a day YYYY-MM-DD; null for the latest changes of any day.
    """

    async def call() -> dict[str, Any]:
        entries = await ctx.context.service.activity(ctx.context.request_context, limit=50, since_day=since)
        return {"count": len(entries), "entries": [
            {"summary": e.summary, "when": e.when.isoformat(), "undone": e.undone} for e in entries
        ]}

    return await _guard(ctx, "list_activity", _args(since=since), call)


@function_tool
async def download_tasks(ctx: Ctx, format: ExportFormat = "csv", status: Status = "all") -> str:
    """Give the user a file of their tasks (the app downloads it). Use for "export my tasks".

    Args:
        format: csv (spreadsheet) or ics (calendar).
        status: all, pending or completed.
    """
    from chatkit.agents import ClientToolCall

    async def call() -> dict[str, Any]:
        # the page downloads GET /api/v1/export (tasks/export.py) with its own token: no rows here
        pages = ctx.context.service.export_pages(ctx.context.request_context, TaskFilter(status=status))
        count = sum([len(page) async for page in pages])
        arguments = {"format": format, "status": status, "count": count}
        ctx.context.client_tool_call = ClientToolCall(name="download_tasks", arguments=arguments)
        return {"count": count, "format": format}

    return await _guard(ctx, "download_tasks", {"format": format, "status": status}, call)


def reminder_brief(reminder: ReminderOut) -> dict[str, Any]:
    """A reminder as the model sees it (docs/agent-tools.md ``Reminder``): times are local
    ``YYYY-MM-DDTHH:MM`` in the user's zone, like ``due``."""

    def local(value: Any) -> str | None:
        return value.strftime("%Y-%m-%dT%H:%M") if value is not None else None

    return {
        "id": reminder.id,
        "task": reminder.task_number,
        "title": reminder.task_title,
        "at": local(reminder.at),
        "before_minutes": reminder.before_minutes,
        "fire_at": local(reminder.fire_at),
        "status": reminder.status,
    }


async def _show_task(ctx: Ctx, heading: str, number: int) -> None:
    """Stream the widget of one task (after its reminders changed)."""
    tasks = await ctx.context.service.list(ctx.context.request_context, TaskFilter(numbers=[number]))
    if tasks:
        await show(ctx, heading, tasks)


@function_tool
async def add_reminder(ctx: Ctx, task: str, at: str | None = None, before_minutes: int | None = None) -> str:
    """Remind the user about a task: at a time, or minutes before its due time. Give exactly one
    of at or before_minutes. If it answers reminder_in_past, ask "That time has passed — remind
    you now?"; on yes call again with at="now".

    Args:
        task: The task's number (e.g. "3") or words from its title (e.g. "dentist").
        at: Local time YYYY-MM-DDTHH:MM in the user's zone (like due), "now" (in a minute), or an ISO 8601 duration from now, e.g. PT10M for "in 10 minutes" (to the second).
        before_minutes: Minutes before the task's due time (0 = at the due time; up to 40320).
    """
    arguments = _args(task=task, at=at, before_minutes=before_minutes)

    async def call() -> dict[str, Any]:
        request = ctx.context.request_context
        when = reminder_rules.read_local(at, request.tz, request.now()) if at is not None else None
        out = await ctx.context.service.add_reminder(request, task, at=when, before_minutes=before_minutes)
        ctx.context.remember(touched=[out.task_number], pending=None)
        await _show_task(ctx, "Reminder set", out.task_number)
        return {"reminder": reminder_brief(out)}

    return await _guard(ctx, "add_reminder", arguments, call)


@function_tool
async def list_reminders(
    ctx: Ctx, task: str | None = None, when: str | None = None, start: str | None = None, end: str | None = None
) -> str:
    """The user's pending reminders, soonest first ("what reminders do I have?"), or one task's,
    or those firing in a span of time ("what reminders do I have tomorrow?": when="tomorrow").

    Args:
        task: Only this task's reminders: its number or words from its title; null for all.
        when: Only reminders firing today, tomorrow, this_week, next_week, or on a day YYYY-MM-DD.
        start: Only reminders firing at or after this day YYYY-MM-DD or time YYYY-MM-DDTHH:MM (user's zone).
        end: Only reminders firing on or before this day YYYY-MM-DD, or before this time YYYY-MM-DDTHH:MM.
    """
    arguments = _args(task=task, when=when, start=start, end=end)

    async def call() -> dict[str, Any]:
        request = ctx.context.request_context
        span = reminder_window.window(request.tz, request.now(), when=when, start=start, end=end)
        found = await ctx.context.service.list_reminders(request, task, window=span)
        numbers = list(dict.fromkeys(r.task_number for r in found))
        ctx.context.remember(shown=numbers, touched=numbers, pending=None)
        if numbers:
            tasks = await ctx.context.service.list(request, TaskFilter(numbers=numbers))
            order = {n: i for i, n in enumerate(numbers)}
            await show(ctx, f"Reminders · {len(found)}", sorted(tasks, key=lambda t: order[t.number]))
        return {"count": len(found), "reminders": [reminder_brief(r) for r in found]}

    return await _guard(ctx, "list_reminders", arguments, call)


@function_tool
async def cancel_reminder(ctx: Ctx, task: str | None = None, reminder: int | None = None) -> str:
    """Cancel a pending reminder (the user can undo it): the task's reminder, or the reminder by
    id. If the task has several, it answers ambiguous_reminder listing them: ask which one and
    call again with its reminder id.

    Args:
        task: The task's number or words from its title (its only pending reminder).
        reminder: The reminder's id (from list_reminders).
    """
    arguments = _args(task=task, reminder=reminder)

    async def call() -> dict[str, Any]:
        request = ctx.context.request_context
        out = await ctx.context.service.delete_reminder(request, reminder, task=None if reminder is not None else task)
        ctx.context.remember(touched=[out.task_number], pending=None)
        await _show_task(ctx, "Reminder cancelled", out.task_number)
        return {"reminder": reminder_brief(out)}

    return await _guard(ctx, "cancel_reminder", arguments, call)


@function_tool
async def add_subtasks(ctx: Ctx, task: str, titles: list[str]) -> str:
    """Break a task down: add one subtask per title under it, in one step the user can undo
    ("break down plan the trip into book flights, book hotel, pack").

    Args:
        task: The parent task's number (e.g. "2") or words from its title.
        titles: The subtasks' short titles, in order (1-50).
    """
    arguments = {"task": task, "titles": list(titles)}

    async def call() -> dict[str, Any]:
        result = await ctx.context.service.add_subtasks(ctx.context.request_context, task, titles)
        numbers = [t.number for t in result.tasks]
        ctx.context.remember(touched=numbers, shown=[result.parent.number, *numbers], pending=None)
        await show(ctx, "Added subtasks", [result.parent, *result.tasks])
        return {"task": brief(result.parent), "tasks": [brief(t) for t in result.tasks]}

    return await _guard(ctx, "add_subtasks", arguments, call)


@function_tool
async def cancel_reminders(
    ctx: Ctx,
    reminders: list[int] | None = None,
    task: str | None = None,
    all: bool = False,
    when: str | None = None,
    confirm: bool = False,
) -> str:
    """Cancel several pending reminders ("turn off all my reminders", "cancel the reminders for the
    dentist", "stop reminding me about X"); the user can undo it. Name them with exactly one of:
    reminders (ids), task (all of its reminders), or all=true. Without confirm=true and with more
    than one reminder, nothing changes and the result lists them: ask the user, and call again
    with confirm=true only if they agree. One reminder is cancelled at once.

    Args:
        reminders: These reminder ids (from list_reminders or the list this tool answered).
        task: All reminders of this task: its number or words from its title.
        all: True for every reminder of the user (only when the user said all/every/no more).
        when: With task or all: only those firing today, tomorrow, this_week, next_week or on a day YYYY-MM-DD.
        confirm: True only after the user confirmed cancelling these reminders.
    """
    arguments = _args(reminders=reminders, task=task, all=all or None, when=when)

    async def call() -> dict[str, Any]:
        request = ctx.context.request_context
        span = reminder_window.window(request.tz, request.now(), when=when) if when else None
        done = await ctx.context.service.cancel_reminders(
            request, reminder_ids=reminders, task=task, all=all, window=span, confirm=confirm
        )
        numbers = list(dict.fromkeys(r.task_number for r in done))
        ctx.context.remember(touched=numbers, pending=None)
        if numbers:
            tasks = await ctx.context.service.list(request, TaskFilter(numbers=numbers))
            await show(ctx, f"Reminders cancelled · {len(done)}", tasks)
        return {"reminders": [reminder_brief(r) for r in done]}

    return await _guard(ctx, "cancel_reminders", {**arguments, **({"confirm": True} if confirm else {})}, call)


TOOLS: list[FunctionTool] = [
    add_task,
    list_tasks,
    show_task,
    complete_task,
    reopen_task,
    delete_task,
    update_task,
    complete_tasks,
    update_tasks,
    delete_tasks,
    undo,
    redo,
    list_activity,
    download_tasks,
    add_reminder,
    list_reminders,
    cancel_reminder,
    add_subtasks,
    cancel_reminders,
]
