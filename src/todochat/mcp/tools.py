"""The MCP tools: the agent's task tools (docs/agent-tools.md) with typed arguments, structured
results and annotations. Each one translates its arguments and calls TaskService — no task rule here."""

from __future__ import annotations

from typing import Annotated

from mcp.server.elicitation import AcceptedElicitation, ElicitationResult
from mcp_types import ToolAnnotations
from pydantic import AwareDatetime, BaseModel, Field

from todochat.mcp.confirm import (
    Confirmation,
    ConfirmBulk,
    ConfirmCancelReminders,
    ConfirmComplete,
    ConfirmDelete,
    ConfirmDeleteReminder,
    asked_by,
    settle,
)
from todochat.mcp.server import Backend, ToolSet, domain_errors
from todochat.tasks import reminder_window
from todochat.tasks.journal import ActivityEntry, UndoResult
from todochat.tasks.models import DESCRIPTION_MAX, TITLE_MAX
from todochat.tasks.schemas import (
    TASK_NUMBER_MAX,
    BulkResult,
    CompleteResult,
    PriorityName,
    ReminderOut,
    ReminderSpec,
    ReminderStatusFilter,
    Selection,
    SortKey,
    StatusFilter,
    SubtasksResult,
    TaskChanges,
    TaskCreate,
    TaskFilter,
    TaskNumber,
    TaskOut,
    TaskRef,
)

Title = Annotated[str, Field(description=f"Short title, 1-{TITLE_MAX} characters.")]
Description = Annotated[
    str | None, Field(description=f"Longer notes, up to {DESCRIPTION_MAX} characters.")
]
Due = Annotated[
    str | None,
    Field(description="Due day YYYY-MM-DD or time YYYY-MM-DDTHH:MM in the user's time zone."),
]
Priority = Annotated[PriorityName | None, Field(description="none, low, medium or high.")]
Tags = Annotated[list[str] | None, Field(description="Lower-case one-word labels, e.g. ['work'].")]
Recurrence = Annotated[
    str | None,
    Field(
        description="RFC 5545 RRULE for a repeating task, e.g. FREQ=WEEKLY;BYDAY=MO (or daily/weekly/monthly/yearly)."
    ),
]
Status = Annotated[StatusFilter, Field(description="all, pending (not done) or completed.")]
Tag = Annotated[str | None, Field(description="Only tasks with this tag.")]
DueFilter = Annotated[
    str | None,
    Field(
        description="today, tomorrow, overdue, this_week, none (no due date), any (has one), or a day YYYY-MM-DD."
    ),
]
Query = Annotated[
    str | None,
    Field(description="Words that must all be in the title, description or tags (whole words, any inflection)."),
]
ListArg = Annotated[
    str | None, Field(description="A list's name (see list_lists); 'Inbox' is the default list.")
]
DueAfter = Annotated[str | None, Field(description="Only tasks due on or after this day, YYYY-MM-DD.")]
DueBefore = Annotated[str | None, Field(description="Only tasks due on or before this day, YYYY-MM-DD.")]
Numbers = Annotated[list[TaskNumber] | None, Field(description="These task numbers (the whole selection).")]
All = Annotated[bool, Field(description="True to select every task; else give numbers or a filter.")]
Confirm = Annotated[bool, Field(description="True only after the user confirmed this change of several tasks.")]
Parent = Annotated[
    int | None,
    Field(ge=0, le=TASK_NUMBER_MAX, description="Make it a subtask of this task number (0: make it top-level)."),
]
ParentFilter = Annotated[
    int | None,
    Field(ge=0, le=TASK_NUMBER_MAX, description="Only the direct subtasks of this task number (0: top-level tasks only)."),
]
ReminderWhen = Annotated[
    str | None,
    Field(description="Only reminders firing today, tomorrow, this_week, next_week, or on a day YYYY-MM-DD."),
]
Asked = ElicitationResult[Confirmation] | None
"""Filled by the tool's confirmation resolver (todochat.mcp.confirm), never by the caller."""


class TaskList(BaseModel):
    """Tasks listed (or deleted), in order."""

    count: int
    tasks: list[TaskOut]


class ReminderList(BaseModel):
    """Reminders, soonest first."""

    count: int
    reminders: list[ReminderOut]


class Activity(BaseModel):
    """Recent changes, newest first."""

    entries: list[ActivityEntry]


def _hints(
    title: str, *, read_only: bool = False, destructive: bool = False, idempotent: bool = False
) -> ToolAnnotations:
    # Every tool works on the user's own list only: a closed world.
    return ToolAnnotations(
        title=title,
        read_only_hint=read_only,
        destructive_hint=destructive,
        idempotent_hint=idempotent,
        open_world_hint=False,
    )


def register_tools(server: ToolSet, backend: Backend) -> None:
    """Add the task tools (add … delete, bulk, undo, redo, activity, reminders) to ``server``; each acts as ``backend``'s current user.

    Idempotence hints: only ``reopen_task`` and ``update_task`` set state to given values; completing
    a repeating task rolls it forward, and a repeated delete by title words could match another task.
    """
    svc = backend.service

    @server.tool(annotations=_hints("Add a task"))
    @domain_errors
    async def add_task(
        title: Title,
        description: Description = None,
        due: Due = None,
        priority: Priority = None,
        tags: Tags = None,
        recurrence: Recurrence = None,
        reminders: Annotated[
            list[ReminderSpec] | None,
            Field(description="Reminders to add with it: each {at: ISO 8601 with offset} or {before_minutes: N}."),
        ] = None,
        list: ListArg = None,
        parent: Parent = None,
    ) -> TaskOut:
        """Add a task (to the Inbox unless a list is named). It gets the user's next task number."""
        data = TaskCreate(
            title=title,
            description=description,
            due=due,
            priority=priority,
            tags=tags,
            recurrence=recurrence,
            reminders=reminders,
            list=list,
            parent=parent or None,
        )
        return await svc().add(await backend.context(), data)

    @server.tool(annotations=_hints("List tasks", read_only=True))
    @domain_errors
    async def list_tasks(
        status: Status = "all",
        priority: Priority = None,
        tag: Tag = None,
        due: DueFilter = None,
        due_after: DueAfter = None,
        due_before: DueBefore = None,
        query: Query = None,
        sort: Annotated[
            SortKey, Field(description="number, due, priority, created or title.")
        ] = "number",
        list: Annotated[str | None, Field(description="Only the tasks of this list ('Inbox': tasks with no list).")] = None,
        parent: ParentFilter = None,
    ) -> TaskList:
        """List or search the user's tasks. Every filter given narrows the list."""
        flt = TaskFilter(status=status, priority=priority, tag=tag, due=due, due_after=due_after,
                         due_before=due_before, query=query, list=list, parent=parent)
        tasks = await svc().list(await backend.context(), flt, sort=sort)
        return TaskList(count=len(tasks), tasks=tasks)

    @server.tool(annotations=_hints("Complete a task"))
    @domain_errors
    async def complete_task(task: TaskRef, confirm: Confirm = False) -> CompleteResult:
        """Mark a task as done. A repeating task gets its next occurrence as a new task (next_task).
        A task with open subtasks needs confirm=true (they are completed with it); without it
        nothing changes and the error lists them (ask the user first)."""
        return await svc().complete(await backend.context(), task, confirm=confirm)

    @server.tool(annotations=_hints("Reopen a task", idempotent=True))
    @domain_errors
    async def reopen_task(task: TaskRef) -> TaskOut:
        """Mark a completed task as not done."""
        return await svc().reopen(await backend.context(), task)

    @server.tool(annotations=_hints("Delete a task", destructive=True))
    @asked_by(ConfirmDelete(backend))
    @domain_errors
    async def delete_task(task: TaskRef, confirm: Confirm = False, confirmation: Asked = None) -> TaskOut:
        """Delete one task. `undo` brings it back. A client that supports elicitation is asked to confirm first
        (the question lists its subtasks). A task with subtasks needs confirm=true (or a yes to that
        question): its subtasks are deleted with it; without it nothing changes and the error lists them."""
        asked = isinstance(confirmation, AcceptedElicitation) and confirmation.data is not None
        settle(confirmation, True, "nothing was deleted")
        return await svc().delete(await backend.context(), task, confirm=confirm or asked)

    @server.tool(annotations=_hints("Update a task", idempotent=True))
    @domain_errors
    async def update_task(
        task: TaskRef,
        title: Annotated[
            str | None, Field(description=f"New title, 1-{TITLE_MAX} characters.")
        ] = None,
        description: Description = None,
        due: Annotated[
            str | None,
            Field(description='New due day YYYY-MM-DD or time YYYY-MM-DDTHH:MM; "" removes it.'),
        ] = None,
        priority: Priority = None,
        tags: Annotated[list[str] | None, Field(description="Replace all tags with these.")] = None,
        add_tags: Annotated[list[str] | None, Field(description="Tags to add.")] = None,
        remove_tags: Annotated[list[str] | None, Field(description="Tags to remove.")] = None,
        recurrence: Annotated[
            str | None, Field(description='New RFC 5545 RRULE; "" stops repeating.')
        ] = None,
        due_day: Annotated[str | None, Field(description="New day YYYY-MM-DD keeping the time of day.")] = None,
        due_time: Annotated[str | None, Field(description="New time HH:MM keeping the day.")] = None,
        shift: Annotated[
            str | None, Field(description="Move the due date by an ISO 8601 duration: P1W, -P1D, P1M.")
        ] = None,
        later_only: Annotated[
            bool | None, Field(description="Postpone: refuse a new due date earlier than the current one.")
        ] = None,
        list: Annotated[str | None, Field(description="Move the task to this list ('Inbox': no list).")] = None,
        parent: Parent = None,
    ) -> TaskOut:
        """Change a task: only the fields given change. Rescheduling keeps what it does not name
        (a new time keeps the day, a new day keeps the time)."""
        changes = TaskChanges(
            title=title,
            description=description,
            due=due,
            priority=priority,
            tags=tags,
            add_tags=add_tags,
            remove_tags=remove_tags,
            recurrence=recurrence,
            due_day=due_day,
            due_time=due_time,
            shift=shift,
            later_only=later_only,
            list=list,
            **({"parent": parent} if parent is not None else {}),
        )
        return await svc().update(await backend.context(), task, changes)

    @server.tool(annotations=_hints("Break a task down into subtasks"))
    @domain_errors
    async def add_subtasks(
        task: TaskRef,
        titles: Annotated[list[Title], Field(min_length=1, max_length=50, description="The subtasks' titles, in order.")],
    ) -> SubtasksResult:
        """Add one open subtask per title under a task, in one step (`undo` removes them all)."""
        return await svc().add_subtasks(await backend.context(), task, titles)

    @server.tool(annotations=_hints("Complete several tasks"))
    @asked_by(ConfirmComplete(backend))
    @domain_errors
    async def complete_tasks(
        numbers: Numbers = None,
        all: All = False,
        priority: Priority = None,
        tag: Tag = None,
        due: DueFilter = None,
        query: Query = None,
        confirm: Confirm = False,
        confirmation: Asked = None,
    ) -> BulkResult:
        """Mark several open tasks as done. Name them with exactly one of: numbers, filter
        arguments (priority, tag, due, query), or all=true. With more than one task and without
        confirm=true nothing changes: the error lists what would be completed (ask the user first).
        Answers with exactly the tasks completed (and next occurrences of repeating ones)."""
        confirm = settle(confirmation, confirm, "nothing was completed")
        selection = Selection.of(numbers=numbers, all=all, priority=priority, tag=tag, due=due, query=query)
        return await svc().bulk_complete(await backend.context(), selection, confirm=confirm)

    @server.tool(annotations=_hints("Update several tasks"))
    @asked_by(ConfirmBulk(backend, "update", "Change"))
    @domain_errors
    async def update_tasks(
        numbers: Numbers = None,
        all: All = False,
        status: Status = "all",
        priority: Annotated[PriorityName | None, Field(description="Select: only tasks of this priority.")] = None,
        tag: Tag = None,
        due: Annotated[
            str | None,
            Field(
                description="Select: only tasks due today, tomorrow, overdue, this_week, none, any, or on a day "
                "YYYY-MM-DD (to set a new due date use new_due or due_day)."
            ),
        ] = None,
        query: Query = None,
        description: Annotated[str | None, Field(description="New description for every task.")] = None,
        new_due: Annotated[
            str | None,
            Field(description='New due day YYYY-MM-DD or time YYYY-MM-DDTHH:MM for every task; "" removes it.'),
        ] = None,
        new_priority: Annotated[
            PriorityName | None, Field(description="New priority for every task: none, low, medium or high.")
        ] = None,
        add_tags: Annotated[list[str] | None, Field(description="Tags to add to every task.")] = None,
        remove_tags: Annotated[list[str] | None, Field(description="Tags to remove from every task.")] = None,
        due_day: Annotated[
            str | None, Field(description="New day YYYY-MM-DD, keeping each task's own time of day.")
        ] = None,
        due_time: Annotated[str | None, Field(description="New time HH:MM, keeping each task's own day.")] = None,
        shift: Annotated[
            str | None,
            Field(description="Move each task from its own due date by an ISO 8601 duration: P1W, -P1D, P1M."),
        ] = None,
        later_only: Annotated[
            bool | None, Field(description="Postpone: refuse (change nothing) if any task would move earlier.")
        ] = None,
        new_list: Annotated[
            str | None, Field(description="Move every task to the list with this name ('Inbox': no list).")
        ] = None,
        new_parent: Annotated[
            int | None,
            Field(ge=0, le=TASK_NUMBER_MAX, description="Make every task a subtask of this task number (0: top-level)."),
        ] = None,
        confirm: Confirm = False,
        confirmation: Asked = None,
    ) -> BulkResult:
        """Apply the same changes to several tasks ("move everything due Friday to Monday":
        due=<friday>, due_day=<monday>). Select them with exactly one of: numbers, filter arguments
        (status, priority, tag, due, query), or all=true; change them with description, new_due,
        new_priority, add_tags, remove_tags, due_day, due_time, shift, later_only, new_list (move them
        to a list), new_parent (make them subtasks of a task; 0: top-level) (no title: rename
        tasks one by one with update_task). All or nothing, one `undo` reverts it all. Errors (nothing
        changed): more than one task without confirm=true lists what would change (ask the user
        first); a shift of a task with no due date, or later_only and a task moving earlier
        (earlier_than_due), refuses the whole change; unknown numbers are not_found. Answers with
        exactly the tasks changed."""
        confirm = settle(confirmation, confirm, "nothing was changed")
        selection = Selection.of(
            numbers=numbers, all=all, status=status, priority=priority, tag=tag, due=due, query=query
        )
        changes = TaskChanges(
            description=description,
            due=new_due,
            priority=new_priority,
            add_tags=add_tags,
            remove_tags=remove_tags,
            due_day=due_day,
            due_time=due_time,
            shift=shift,
            later_only=later_only,
            list=new_list,
            **({"parent": new_parent} if new_parent is not None else {}),
        )
        return await svc().bulk_update(await backend.context(), selection, changes, confirm=confirm)

    @server.tool(annotations=_hints("Delete several tasks", destructive=True))
    @asked_by(ConfirmBulk(backend, "delete", "Delete"))
    @domain_errors
    async def delete_tasks(
        numbers: Numbers = None,
        all: All = False,
        status: Status = "all",
        priority: Priority = None,
        tag: Tag = None,
        due: DueFilter = None,
        query: Query = None,
        confirm: Confirm = False,
        confirmation: Asked = None,
    ) -> TaskList:
        """Delete several tasks. Name them with exactly one of: numbers, filter arguments (status,
        priority, tag, due, query), or all=true. With more than one task and without confirm=true
        nothing is deleted: the error lists what would be (ask the user first)."""
        confirm = settle(confirmation, confirm, "nothing was deleted")
        selection = Selection.of(
            numbers=numbers, all=all, status=status, priority=priority, tag=tag, due=due, query=query
        )
        result = await svc().bulk_delete(await backend.context(), selection, confirm=confirm)
        return TaskList(count=len(result.tasks), tasks=result.tasks)

    @server.tool(annotations=_hints("Undo the latest change"))
    @domain_errors
    async def undo() -> UndoResult:
        """Undo the user's latest change (from any app), then the one before on the next call.
        `message` says what was undone."""
        return await svc().undo(await backend.context())

    @server.tool(annotations=_hints("Redo the latest undone change"))
    @domain_errors
    async def redo() -> UndoResult:
        """Re-apply the change the latest undo reverted. A new change after an undo clears it."""
        return await svc().redo(await backend.context())

    @server.tool(annotations=_hints("Recent changes", read_only=True))
    @domain_errors
    async def activity(
        since: Annotated[
            str | None, Field(description="today, yesterday or YYYY-MM-DD in the user's zone.")
        ] = None,
        limit: Annotated[int, Field(ge=1, le=200, description="At most this many entries.")] = 50,
    ) -> Activity:
        """The user's recent changes to their tasks, newest first (undone ones flagged)."""
        entries = await svc().activity(await backend.context(), limit=limit, since_day=since)
        return Activity(entries=entries)

    @server.tool(annotations=_hints("Add a reminder"))
    @domain_errors
    async def add_reminder(
        task: TaskRef,
        at: Annotated[
            AwareDatetime | None,
            Field(description="When to remind: an ISO 8601 instant WITH offset, e.g. 2026-12-03T17:00:00+01:00."),
        ] = None,
        before_minutes: Annotated[
            int | None,
            Field(description="Or: minutes before the task's due time (0 = at the due time, at most 40320)."),
        ] = None,
    ) -> ReminderOut:
        """Remind the user about a task: give exactly one of at or before_minutes. A relative
        reminder follows the task when it is rescheduled. A time that has passed is refused
        (error reminder_in_past: ask whether to remind now). `undo` removes it."""
        return await svc().add_reminder(await backend.context(), task, at=at, before_minutes=before_minutes)

    @server.tool(annotations=_hints("List reminders", read_only=True))
    @domain_errors
    async def list_reminders(
        task: Annotated[
            Annotated[int, Field(ge=1, le=TASK_NUMBER_MAX)] | str | None,
            Field(description="Only this task's reminders (its number or title words); omit for all."),
        ] = None,
        status: Annotated[
            ReminderStatusFilter,
            Field(description="pending (default), fired, cancelled or all."),
        ] = "pending",
        when: ReminderWhen = None,
        start: Annotated[
            str | None,
            Field(description="Only those firing at or after this day YYYY-MM-DD, local time YYYY-MM-DDTHH:MM or instant with offset."),
        ] = None,
        end: Annotated[
            str | None,
            Field(description="Only those firing on or before this day YYYY-MM-DD (included), or before this time."),
        ] = None,
    ) -> ReminderList:
        """The user's reminders, soonest first: fire_at is when each fires (the user's offset);
        when or start/end keep those firing in a span ("tomorrow")."""
        request = await backend.context()
        span = reminder_window.window(request.tz, request.now(), when=when, start=start, end=end)
        found = await svc().list_reminders(request, task, status=status, window=span)
        return ReminderList(count=len(found), reminders=found)

    @server.tool(annotations=_hints("Cancel a reminder", destructive=True, idempotent=True))
    @asked_by(ConfirmDeleteReminder(backend))
    @domain_errors
    async def delete_reminder(
        reminder: Annotated[int, Field(ge=1, le=2**63 - 1, description="The reminder's id (from list_reminders).")],
        confirmation: Asked = None,
    ) -> ReminderOut:
        """Cancel a pending reminder (it will not fire). `undo` brings it back. A client that supports
        elicitation is asked to confirm first."""
        settle(confirmation, True, "no reminder was cancelled")
        return await svc().delete_reminder(await backend.context(), reminder)

    @server.tool(annotations=_hints("Cancel several reminders", destructive=True))
    @asked_by(ConfirmCancelReminders(backend))
    @domain_errors
    async def cancel_reminders(
        reminders: Annotated[
            list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None,
            Field(description="These reminder ids (from list_reminders)."),
        ] = None,
        task: Annotated[
            Annotated[int, Field(ge=1, le=TASK_NUMBER_MAX)] | str | None,
            Field(description="All pending reminders of this task (its number or title words)."),
        ] = None,
        all: Annotated[bool, Field(description="True for every pending reminder of the user.")] = False,
        when: ReminderWhen = None,
        confirm: Annotated[bool, Field(description="True only after the user confirmed cancelling these reminders.")] = False,
        confirmation: Asked = None,
    ) -> ReminderList:
        """Cancel several pending reminders: name them with exactly one of reminders (ids), task or
        all=true (when narrows task/all to a span). More than one without confirm=true cancels
        nothing: the error (confirmation_required) lists them — ask the user first; a client that
        supports elicitation is asked instead. One `undo` brings them all back."""
        confirm = settle(confirmation, confirm, "no reminder was cancelled")
        request = await backend.context()
        span = reminder_window.window(request.tz, request.now(), when=when) if when else None
        done = await svc().cancel_reminders(request, reminder_ids=reminders, task=task, all=all, window=span, confirm=confirm)
        return ReminderList(count=len(done), reminders=done)
