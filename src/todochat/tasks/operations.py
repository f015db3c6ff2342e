"""Each task operation declared once: name, summary, typed and documented arguments, result,
domain errors, MCP annotations, and how the agent tool, the MCP tool and the REST routes show it.

The fronts (``agent/tools.py``, ``agent/notify_tools.py``, ``mcp/tools.py``, ``api/routes/``) are
checked against :data:`OPERATIONS` by ``tests/test_operations.py`` (names, argument names, JSON
types and enums, required-ness, read-only/destructive/idempotent), and the tools table of
``docs/agent-tools.md`` is generated from it (``todochat docs``, or
``python -m todochat.tasks.operations``; ``--check`` only compares). The enum types
(``PriorityName``, ``StatusFilter``, ``SortKey`` ...) live in ``tasks/schemas.py`` and every
front imports them from there.

How to add an operation (or an argument)
----------------------------------------
1. Types: a new enum or field type goes in ``tasks/schemas.py`` (e.g. a ``ListName``); import it
   here and in the fronts, never re-declare its literals.
2. Declare it here: an :class:`Operation` in :data:`OPERATIONS` with its arguments (:class:`Arg`), ``result``
   (the agent's JSON result for the docs), ``returns``, ``errors``, annotations, and
   ``rest=(Route(...),)``. A shared argument is declared once at the top and reused: a new filter
   such as ``Arg("assignee", str | None, "Only tasks for this person.")`` added to
   :data:`FILTERS` reaches list_tasks and the three bulk operations (when every bulk front takes
   it; ``list`` and ``parent`` are list_tasks' own, :data:`LIST_FILTER`); a new task field added to
   :data:`CHANGES` reaches update_task and update_tasks (add it to ``TaskCreate``/``TaskChanges``/
   ``TaskFilter`` in schemas.py too: the test checks those models against these tuples).
   A front that shows it differently says so in its :class:`Front`: ``omit``, ``retype`` (another
   name/type/required-ness, e.g. REST's path ``number``) or ``extra`` (paging) — with the reason.
   ``agent=None`` / ``mcp=None``: no such tool.
3. Write the agent tool, the MCP tool and the route (they translate and call the service), then
   run ``todochat docs`` and ``pytest tests/test_operations.py``: it names every front that
   disagrees with the declaration (a missing tool, an argument of another name, type or enum).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from pydantic import AwareDatetime

from todochat.errors import (
    AmbiguousReference,
    AmbiguousReminder,
    ConfirmationRequired,
    Conflict,
    EarlierThanDue,
    ImportFileError,
    ListNotFound,
    NothingToRedo,
    NothingToUndo,
    QuotaExceeded,
    ReminderInPast,
    ReminderNotFound,
    TaskNotFound,
    ValidationError,
)
from todochat.notify.models import UserChannel
from todochat.tasks.importing import ImportPreview
from todochat.tasks.imports.drafts import ImportFormat
from todochat.tasks.journal import ActivityEntry, UndoResult
from todochat.tasks.lists import ListOut
from todochat.tasks.operation_spec import Arg, Front, Operation, Route, check, render_docs
from todochat.tasks.schemas import (
    BulkResult,
    CompleteResult,
    ExportFormat,
    PriorityName,
    ReminderOut,
    ReminderSpec,
    ReminderStatusFilter,
    SortKey,
    StatusFilter,
    SubtasksResult,
    TaskChanges,
    TaskFilter,
    TaskNumber,
    TaskOut,
    TaskRef,
    ViewName,
)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "agent-tools.md"

# --- arguments shared by several operations --------------------------------------------------

TASK = Arg("task", TaskRef, 'The task\'s number (e.g. "3") or words from its title (e.g. "dentist").', required=True)
AGENT_TASK = TASK.as_(str)  # a model passes the number as text too ("3"); the service reads both
REST_NUMBER = TASK.as_(TaskNumber, name="number", doc="The task number (path).")
PRIORITY = Arg("priority", PriorityName | None, "none, low, medium or high.")
REST_PRIORITY = PRIORITY.as_(str | None)  # TaskCreate/TaskChanges take text: rules.clean_priority refuses others, naming the values
TAG = Arg("tag", str | None, "Only tasks with this tag.")
DUE_FILTER = Arg("due", str | None, "today, tomorrow, overdue, this_week, none (no due date), any, or a day YYYY-MM-DD.")
QUERY = Arg("query", str | None, "Words that must all be in the title, description or tags.")
STATUS = Arg("status", StatusFilter, "all, pending (not done) or completed.")
NUMBERS = Arg("numbers", list[TaskNumber] | None, "These task numbers (the whole selection).")
ALL = Arg("all", bool, "True to select every task (only when the user said all/everything).")
CONFIRM = Arg("confirm", bool, "True only after the user confirmed this change of several tasks.")
FILTER = Arg("filter", TaskFilter | None, "Every task matching this filter (it must narrow).")
FILTERS = (STATUS, PRIORITY, TAG, DUE_FILTER, QUERY)
"""The filter arguments of list_tasks and of the bulk selections (TaskFilter's fields): an
argument added here reaches list_tasks, complete_tasks, update_tasks and delete_tasks on every front."""
OPEN_FILTERS = tuple(a for a in FILTERS if a is not STATUS)
"""complete_tasks' filters: it completes open tasks, so no status."""
DUE_AFTER = Arg("due_after", str | None, "Only tasks due on or after this day YYYY-MM-DD (a range with due_before).")
DUE_BEFORE = Arg("due_before", str | None, "Only tasks due on or before this day YYYY-MM-DD.")
LIST_FILTER = Arg("list", str | None, "Only the tasks of the list with this name (\"Inbox\": tasks with no list).")
PARENT_FILTER = Arg("parent", int | None, "Only the direct subtasks of this task number (0: top-level tasks only).")
"""list_tasks' list and subtask filters (TaskFilter's ``list`` and ``parent``). Not in :data:`FILTERS`:
the agent and MCP bulk tools select by status/priority/tag/due/query only (REST's bulk ``filter``
object is a whole TaskFilter, so it takes them)."""
WHEN = Arg("when", str | None, "Only reminders firing today, tomorrow, this_week, next_week, or on a day YYYY-MM-DD.")
"""A span of reminders by name (tasks/reminder_window.py): list_reminders and cancel_reminders."""
_REMINDER_SPAN = {
    "start": Arg("from", str | None, "Only reminders firing at or after this day, local time or instant with offset."),
    "end": Arg("to", str | None, "Only reminders firing on or before this day (included), or before this time."),
}
"""REST's names of the reminder span: ``?from=&to=`` (the tools say start/end: ``from`` is a Python keyword)."""
LIST_NAME = Arg("name", str, "The list's name (any case); \"Inbox\" is the default list.", required=True)
"""How every front names one list (REST: in the path)."""
AGENT_PARENT_FILTER = PARENT_FILTER.as_(str | None, doc="Only the subtasks of this task: its number or words from its title.")
"""A model names the parent as it names any task (number or title words); the tool resolves it."""

CHANGES = (
    Arg("title", str | None, "New title."),
    Arg("description", str | None, "New description (notes)."),
    Arg("due", str | None, 'New due day YYYY-MM-DD or time YYYY-MM-DDTHH:MM in the user\'s zone; "" removes it.'),
    PRIORITY,
    Arg("tags", list[str] | None, "Replace all tags with these."),
    Arg("add_tags", list[str] | None, "Tags to add."),
    Arg("remove_tags", list[str] | None, "Tags to remove."),
    Arg("recurrence", str | None, 'New RFC 5545 RRULE; "" stops repeating.'),
    Arg("due_day", str | None, "New day YYYY-MM-DD, keeping the task's time of day."),
    Arg("due_time", str | None, "New time HH:MM, keeping the task's day."),
    Arg("shift", str | None, "Move the due date by an ISO 8601 duration, e.g. P1W (a week later), -P1D, P1M."),
    Arg("later_only", bool | None, "True for postpone/push back/delay/snooze: an earlier date is refused (earlier_than_due)."),
    Arg("list", str | None, "Move the task to the list with this name (\"Inbox\": no list)."),
    Arg("parent", int | None, "Make it a subtask of this task number; 0 makes it top-level."),
)
"""A task's changes (TaskChanges' fields): update_task's arguments, update_tasks' ``changes``."""
AGENT_PARENT_CHANGE = Arg("parent", str | None, 'Make it a subtask of this task (its number or words from its title); "" makes it top-level.')
"""update_task's ``parent`` as the agent takes it: a model names the parent like any task."""


def _selection(*filters: Arg) -> tuple[Arg, ...]:
    return (NUMBERS, ALL, *filters)


def _bulk_route(path: str, *filters: Arg) -> Route:
    # REST nests the filter arguments in one ``filter`` object (BulkRequest, a Selection).
    return Route(method="POST", path=path, omit=tuple(a.name for a in filters), extra=(FILTER,))


_MCP_FLAT_CHANGES = tuple(  # the MCP update_tasks takes the changes flat; due/priority select, so new_*
    # (and new_list/new_parent: a flat ``list`` or ``parent`` would read as a filter, like due/priority)
    a.as_(name={"due": "new_due", "priority": "new_priority", "list": "new_list", "parent": "new_parent"}.get(a.name))
    for a in CHANGES
    if a.name not in ("title", "tags", "recurrence")
)

CRUD = (TaskNotFound, AmbiguousReference)
BY_NUMBER = (AmbiguousReference,)
"""A REST route names a task by its number, which is never ambiguous."""
ON_TASK = Front(retype={"task": AGENT_TASK})
"""The agent tool of an operation on one task (the task named as text)."""


def _by_number(method: str, path: str, **retype: Arg) -> Route:
    """A REST route of an operation on one task, named by its number in ``path``."""
    return Route(method=method, path=path, retype={"task": REST_NUMBER, **retype}, never=BY_NUMBER)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "add_task",
        "Add a task (to the Inbox unless a list is named; a subtask of another task when parent is "
        "given); it gets the user's next task number.",
        (
            Arg("title", str, "Short title, 1-200 characters, without the date/priority/tag/reminder words.", required=True),
            Arg("description", str | None, "Optional longer notes (up to 1000 characters)."),
            Arg("due", str | None, "Due day YYYY-MM-DD or time YYYY-MM-DDTHH:MM, already resolved in the user's time zone."),
            PRIORITY,
            Arg("tags", list[str] | None, 'Lower-case single-word labels, e.g. ["work"].'),
            Arg("recurrence", str | None, "RFC 5545 RRULE for a repeating task, e.g. FREQ=WEEKLY;BYDAY=MO."),
            Arg("reminders", list[ReminderSpec] | None, "Reminders to add with it: each {at} (ISO 8601 with offset) or {before_minutes}."),
            Arg("list", str | None, "The name of an existing list (see list_lists) to add it to; a #word is a tag, not a list."),
            Arg("parent", int | None, "Make it a subtask of this task number."),
        ),
        result='`{"ok": true, "task": Task}`',
        returns=TaskOut,
        errors=(ValidationError, QuotaExceeded, ReminderInPast, ListNotFound),
        agent=Front(
            omit=("reminders",),
            # a model names the parent like any task (number or title words); the tool resolves it
            retype={"parent": Arg("parent", str | None, 'Make it a subtask of this task: its number (e.g. "2") or words from its title.')},
            extra=(  # a model says local times, one reminder at most
                Arg("remind_at", str | None, "Remind the user at this local time YYYY-MM-DDTHH:MM (user's zone, like due), "
                    '"now", or after an ISO 8601 duration from now, e.g. PT10M for "in 10 minutes".'),
                Arg("remind_before_minutes", int | None, "Remind this many minutes before the due time (0 = at the due time)."),
            ),
        ),
        rest=(Route(method="POST", path="/api/v1/tasks", retype={"priority": REST_PRIORITY}),),
    ),
    Operation(
        "list_tasks",
        "List or search the user's tasks; every filter given narrows the list (shown as a widget).",
        (
            *FILTERS,
            DUE_AFTER,
            DUE_BEFORE,
            Arg("sort", SortKey, "number (default), due, priority, created or title."),
            LIST_FILTER,
            PARENT_FILTER,
        ),
        result='`{"ok": true, "count": n, "tasks": [Task], "shown": [number], "list": name}` (shown: the numbers the widget '
        'shows, in order; list: with a list filter, the list\'s name as stored)',
        returns=list[TaskOut],
        errors=(ValidationError, ListNotFound),
        read_only=True,
        agent=Front(retype={
            "parent": AGENT_PARENT_FILTER,
            # the chat's default view (tasks/views.py): open tasks, soonest due first; REST/MCP: all, by number
            "status": STATUS.as_(doc="pending (default: open tasks only), completed, or all; completed/all only when "
                                 "the user asks for done or all tasks."),
            "sort": Arg("sort", SortKey, "due (default: soonest due first, undated last), number, priority, created or title."),
        }),
        rest=(Route(method="GET", path="/api/v1/tasks", retype={"query": QUERY.as_(name="q")}, extra=(
            Arg("limit", int, "Tasks per page (1-500)."),
            Arg("cursor", str | None, "The previous page's next_cursor."),
        )),),
    ),
    Operation(
        "get_task",
        "Show one task with all its fields, its note (description) included (\"what's the note on "
        'the dentist?"); the task is shown to the user as a widget.',
        (TASK,),
        result='`{"ok": true, "task": Task}`',
        returns=TaskOut,
        errors=CRUD,
        read_only=True,
        agent=Front(name="show_task", retype={"task": AGENT_TASK}),  # "show" reads as what the model does
        mcp=None,  # MCP clients read a task in list_tasks' answer (every field)
        rest=(_by_number("GET", "/api/v1/tasks/{number}"),),
    ),
    Operation(
        "complete_task",
        "Mark a task as done. A repeating task gets its next occurrence as a new task. A task with "
        "open subtasks is not completed without confirm=true (then they are completed too).",
        (TASK, Arg("confirm", bool, "True only after the user confirmed completing its open subtasks too.")),
        result='`{"ok": true, "task": Task, "next_task": Task|null}`; open subtasks without confirm: `{"ok": false, '
        '"error": "confirmation_required", "action": "complete", "would_change": [{"number","title"}]}`',
        returns=CompleteResult,
        errors=(*CRUD, ConfirmationRequired),
        agent=ON_TASK,
        rest=(_by_number("POST", "/api/v1/tasks/{number}/complete"),),
    ),
    Operation(
        "reopen_task",
        "Mark a completed task as not done.",
        (TASK,),
        result='`{"ok": true, "task": Task}`',
        returns=TaskOut,
        errors=CRUD,
        idempotent=True,
        agent=ON_TASK,
        rest=(_by_number("POST", "/api/v1/tasks/{number}/reopen"),),
    ),
    Operation(
        "delete_task",
        "Delete one task (undoable). A task with subtasks is not deleted without confirm=true (then "
        "they are deleted with it).",
        (TASK, Arg("confirm", bool, "True only after the user confirmed deleting its subtasks too.")),
        result='`{"ok": true, "task": Task}`; subtasks without confirm: `{"ok": false, "error": "confirmation_required", '
        '"action": "delete", "would_delete": [{"number","title"}]}`',
        returns=TaskOut,
        errors=(*CRUD, ConfirmationRequired),
        destructive=True,
        agent=ON_TASK,
        rest=(_by_number("DELETE", "/api/v1/tasks/{number}"),),
    ),
    Operation(
        "update_task",
        "Change a task: only the fields given change. To reschedule prefer due_time (keeps the day), "
        "due_day (keeps the time) or shift; for postpone/push back/delay/snooze also set later_only.",
        (TASK, *CHANGES),
        result='`{"ok": true, "task": Task}`; a task moved to another list takes its subtasks along: '
        '`"subtasks_moved": n` (agent)',
        returns=TaskOut,
        errors=(*CRUD, ValidationError, EarlierThanDue, ListNotFound),
        idempotent=True,
        agent=Front(
            retype={"task": AGENT_TASK, "parent": AGENT_PARENT_CHANGE},
            # "add a note to X: ..." is a chat phrase: the tool appends it to the description
            # (tasks/rules.py with_note) and sends the whole description; other fronts send description
            extra=(Arg("add_note", str | None, 'A note to add after the description, for "add a note to X: ..."; '
                       "description replaces it."),),
        ),
        rest=(_by_number("PATCH", "/api/v1/tasks/{number}", priority=REST_PRIORITY),),
    ),
    Operation(
        "add_subtasks",
        "Break a task down: add one open subtask per title under it, in one step the user can undo "
        '("break down plan the trip into book flights, book hotel, pack").',
        (
            TASK.as_(doc='The parent task\'s number (e.g. "2") or words from its title.'),
            Arg("titles", list[str], "The subtasks' short titles, in order (1-50).", required=True),
        ),
        result='`{"ok": true, "task": Task, "tasks": [Task]}` (the parent, then its new subtasks)',
        returns=SubtasksResult,
        errors=(*CRUD, ValidationError, QuotaExceeded),
        agent=Front(retype={"task": AGENT_TASK.as_(doc='The parent task\'s number (e.g. "2") or words from its title.')}),
        rest=(_by_number("POST", "/api/v1/tasks/{number}/subtasks"),),
    ),
    Operation(
        "complete_tasks",
        "Mark several open tasks as done, named by exactly one of: numbers, filter arguments, or "
        "all=true. More than one task without confirm=true changes nothing and lists what would.",
        (*_selection(*OPEN_FILTERS), CONFIRM),
        result='more than one task without confirm: `{"ok": false, "error": "confirmation_required", '
        '"action": "complete", "would_change": [{"number","title"}]}`; else `{"ok": true, "tasks": [Task], "created": [Task]}`',
        returns=BulkResult,
        errors=(ValidationError, TaskNotFound, ConfirmationRequired),
        # REST completes what the caller named without asking (confirm=True): completing is undoable
        rest=(replace(_bulk_route("/api/v1/tasks/bulk/complete", *OPEN_FILTERS), never=(ConfirmationRequired,)),),
    ),
    Operation(
        "update_tasks",
        "Apply the same changes to several tasks, named by exactly one of: numbers, filter arguments, "
        "or all=true; all or nothing, one undo step. No title (rename tasks one by one).",
        (
            Arg("changes", TaskChanges, "The changes, as update_task takes them (no title).", required=True),
            *_selection(*FILTERS),
            CONFIRM,
        ),
        result='as `complete_tasks` (`"action": "update"`); `{"ok": true, "tasks": [Task]}`',
        returns=BulkResult,
        errors=(ValidationError, TaskNotFound, ConfirmationRequired, EarlierThanDue),
        mcp=Front(omit=("changes",), extra=_MCP_FLAT_CHANGES),
        rest=(Route(method="POST", path="/api/v1/tasks/bulk/update", omit=("confirm", *(a.name for a in FILTERS)), extra=(FILTER,)),),
    ),
    Operation(
        "delete_tasks",
        "Delete several tasks, named by exactly one of: numbers, filter arguments, or all=true. "
        "More than one task without confirm=true deletes nothing and lists what would be.",
        (*_selection(*FILTERS), CONFIRM),
        result='without confirm and more than one task: `{"ok": false, "error": "confirmation_required", '
        '"would_delete": [{"number","title"}], "message"}`; with confirm: `{"ok": true, "tasks": [Task]}`',
        returns=BulkResult,
        errors=(ValidationError, TaskNotFound, ConfirmationRequired),
        destructive=True,
        rest=(_bulk_route("/api/v1/tasks/bulk/delete", *FILTERS),),
    ),
    Operation(
        "undo",
        "Undo the user's latest change to their tasks (any kind, from any front); again: the one before.",
        result='`{"ok": true, "message": "Undid: marked \'Buy milk\' done", "restored": [Task], "removed": [int]}`',
        returns=UndoResult,
        errors=(NothingToUndo,),
        rest=(Route(method="POST", path="/api/v1/tasks/undo"),),
    ),
    Operation(
        "redo",
        "Redo the change the latest undo reverted (a new change after an undo clears it).",
        result="as `undo`",
        returns=UndoResult,
        errors=(NothingToRedo,),
        rest=(Route(method="POST", path="/api/v1/tasks/redo"),),
    ),
    Operation(
        "list_activity",
        "The user's recent changes to their tasks, newest first (undone ones flagged).",
        (
            Arg("since", str | None, "today, yesterday or a day YYYY-MM-DD; null for the latest changes of any day."),
            Arg("limit", int, "At most this many entries (1-200)."),
        ),
        result='`{"ok": true, "count": n, "entries": [{"summary", "when", "undone"}]}`',
        returns=list[ActivityEntry],
        errors=(ValidationError,),
        read_only=True,
        agent=Front(omit=("limit",)),  # the agent shows the latest 50
        mcp=Front(name="activity"),
        rest=(Route(method="GET", path="/api/v1/activity", extra=(
            Arg("before", int | None, "Only entries older than this id (paging)."),
        )),),
    ),
    Operation(
        "download_tasks",
        'Give the user a file of their tasks (the app downloads it). Use for "export my tasks".',
        (
            Arg("format", ExportFormat, "csv (spreadsheet) or ics (calendar)."),
            STATUS,
            PRIORITY,
            TAG,
            DUE_FILTER,
            DUE_BEFORE,
            DUE_AFTER,
            QUERY,
            LIST_FILTER,
            PARENT_FILTER,
        ),
        result='`{"ok": true, "count": n, "format"}`; a client tool: the run stops and the page downloads the file',
        returns=list[TaskOut],
        errors=(ValidationError,),
        read_only=True,
        # a client tool of the chat page: "export my tasks" (or the done ones) is the whole list or
        # one status; the page then downloads GET /api/v1/export, which takes every filter
        agent=Front(omit=("priority", "tag", "due", "due_before", "due_after", "query", "list", "parent")),
        mcp=None,  # MCP clients read the file as resources todochat://tasks/export.csv / .ics (mcp/resources.py)
        rest=(Route(method="GET", path="/api/v1/export", retype={"query": QUERY.as_(name="q")}),),  # q as GET /api/v1/tasks
    ),
    Operation(
        "import_tasks",
        "Add every task of a file from another app (Todoist CSV, todo.txt, iCalendar VTODO, "
        "Taskwarrior JSON, todochat CSV), all or nothing, as one change (one undo removes it); "
        "a dry run only previews it.",
        (
            Arg("file", bytes, "The task file (UTF-8 text), a multipart field.", required=True),
            Arg("format", ImportFormat | None, "todoist, todotxt, ics, taskwarrior or csv; omitted: detected."),
            Arg("dry_run", bool, "True: only preview what would be added."),
        ),
        result="the preview: tasks, completed, lists, subtasks, first rows, warnings, question; numbers and change once imported",
        returns=ImportPreview,
        errors=(ValidationError, ImportFileError, QuotaExceeded),
        agent=None,  # chat imports through an attachment and its preview widget (chatkit/imports.py)
        mcp=None,
        rest=(Route(method="POST", path="/api/v1/import"),),
    ),
    Operation(
        "add_reminder",
        "Remind the user about a task: at a time, or minutes before its due time (exactly one of "
        'at or before_minutes). A time that has passed answers reminder_in_past: ask "remind you now?".',
        (
            TASK,
            Arg("at", AwareDatetime | None, "An ISO 8601 instant WITH offset, e.g. 2026-12-03T17:00:00+01:00."),
            Arg("before_minutes", int | None, "Minutes before the task's due time (0 = at the due time; up to 40320)."),
        ),
        result='`{"ok": true, "reminder": Reminder}`; a past time: `{"ok": false, "error": "reminder_in_past", '
        '"fire_at", "now", "number", "title"}` and a pending yes',
        returns=ReminderOut,
        errors=(*CRUD, ValidationError, ReminderInPast),
        agent=Front(retype={
            "task": AGENT_TASK,
            # a model says local times; tasks/reminders.py read_local resolves them in the user's zone
            "at": Arg("at", str | None, 'Local time YYYY-MM-DDTHH:MM in the user\'s zone (like due), "now" (in a minute), '
                      'or an ISO 8601 duration from now, e.g. PT10M for "in 10 minutes".'),
        }),
        rest=(_by_number("POST", "/api/v1/tasks/{number}/reminders"),),
    ),
    Operation(
        "list_reminders",
        'The user\'s reminders, soonest first ("what reminders do I have?"), or one task\'s, or those '
        'firing in a span of time ("what reminders do I have tomorrow?": when="tomorrow").',
        (
            TASK.as_(TaskRef | None, doc="Only this task's reminders: its number or words from its title; null for all.", required=False),
            Arg("status", ReminderStatusFilter, "pending (default), fired, cancelled or all."),
            WHEN,
            Arg("start", str | None, "Only reminders firing at or after this day YYYY-MM-DD or time YYYY-MM-DDTHH:MM (user's zone)."),
            Arg("end", str | None, "Only reminders firing on or before this day YYYY-MM-DD, or before this time YYYY-MM-DDTHH:MM."),
        ),
        result='`{"ok": true, "count": n, "reminders": [Reminder]}` (pending, soonest first)',
        returns=list[ReminderOut],
        errors=(*CRUD, ValidationError),
        read_only=True,
        agent=Front(omit=("status",), retype={"task": AGENT_TASK.as_(
            str | None, doc="Only this task's reminders: its number or words from its title; null for all.", required=False)}),
        rest=(
            # ?from=&to= in a query string; the tools say start/end (``from`` is a Python keyword)
            Route(method="GET", path="/api/v1/reminders", omit=("task",), never=BY_NUMBER, retype=_REMINDER_SPAN),
            # one task's reminders, in the same span as the tools and GET /api/v1/reminders
            _by_number("GET", "/api/v1/tasks/{number}/reminders", **_REMINDER_SPAN),
        ),
    ),
    Operation(
        "cancel_reminder",
        "Cancel a pending reminder (undoable): the task's only one, or the reminder by id. Several on "
        "the task answer ambiguous_reminder listing them: ask which, and call again with its id.",
        (
            TASK.as_(TaskRef | None, doc="The task's number or words from its title (its only pending reminder).", required=False),
            Arg("reminder", int | None, "The reminder's id (from list_reminders)."),
        ),
        result='`{"ok": true, "reminder": Reminder}`; several on the task: `{"ok": false, "error": '
        '"ambiguous_reminder", "candidates": [{"reminder", "number", "title", "fire_at"}]}`',
        returns=ReminderOut,
        errors=(ReminderNotFound, AmbiguousReminder, Conflict, *CRUD),
        destructive=True,
        idempotent=True,
        agent=Front(retype={"task": AGENT_TASK.as_(
            str | None, doc="The task's number or words from its title (its only pending reminder).", required=False)}),
        mcp=Front(name="delete_reminder", omit=("task",), retype={"reminder": Arg("reminder", int, "The reminder's id.", required=True)}),
        rest=(Route(method="DELETE", path="/api/v1/reminders/{reminder_id}", omit=("task",), retype={
            "reminder": Arg("reminder_id", int, "The reminder's id (path).", required=True),
        }),),
    ),
    Operation(
        "cancel_reminders",
        "Cancel several pending reminders (\"turn off all my reminders\", \"stop reminding me about X\"), "
        "undoable, named by exactly one of: reminders (ids), task (all of its reminders), or all=true. "
        "More than one without confirm=true cancels nothing and lists them.",
        (
            Arg("reminders", list[int] | None, "These reminder ids (from list_reminders)."),
            TASK.as_(TaskRef | None, doc="All pending reminders of this task: its number or words from its title.", required=False),
            Arg("all", bool, "True for every pending reminder of the user (only when the user said all/every/no more)."),
            WHEN.as_(doc="With task or all: only those firing today, tomorrow, this_week, next_week or on a day YYYY-MM-DD."),
            Arg("confirm", bool, "True only after the user confirmed cancelling these reminders."),
        ),
        result='`{"ok": true, "reminders": [Reminder]}`; more than one without confirm: `{"ok": false, "error": '
        '"confirmation_required", "action": "cancel_reminders", "would_change": [{"reminder", "number", "title", "fire_at"}]}`',
        returns=list[ReminderOut],
        errors=(ValidationError, ReminderNotFound, ConfirmationRequired, *CRUD),
        destructive=True,
        agent=Front(retype={"task": AGENT_TASK.as_(
            str | None, doc="All pending reminders of this task: its number or words from its title.", required=False)}),
        # REST names the task by its number (never ambiguous); 409 without confirm is the preview
        rest=(Route(method="POST", path="/api/v1/reminders/cancel", never=BY_NUMBER, retype={
            "task": REST_NUMBER.as_(TaskNumber | None, name="task", doc="All pending reminders of this task number.", required=False),
        }),),
    ),
    Operation(
        "create_list",
        'Create a list (a project) for tasks ("create a list called Work"). Not for tags (#work).',
        (Arg("name", str, 'The list\'s name, 1-100 characters; a name already used (any case) or "Inbox" is refused.', required=True),),
        result='`{"ok": true, "list": List}`',
        returns=ListOut,
        errors=(ValidationError, QuotaExceeded),
        rest=(Route(method="POST", path="/api/v1/lists"),),
    ),
    Operation(
        "list_lists",
        'The user\'s lists with their counts of open tasks ("what lists do I have?"); the Inbox (tasks '
        "with no list) comes first.",
        (Arg("archived", bool, "Include archived lists."),),
        result='`{"ok": true, "count": n, "lists": [List]}`',
        returns=list[ListOut],
        read_only=True,
        rest=(Route(method="GET", path="/api/v1/lists"),),
    ),
    Operation(
        "get_list",
        "The list with this name and its count of open tasks.",
        (LIST_NAME,),
        returns=ListOut,
        errors=(ListNotFound, ValidationError),
        read_only=True,
        agent=None,  # the agent and MCP clients list_lists (every list with its count)
        mcp=None,
        rest=(Route(method="GET", path="/api/v1/lists/{name}"),),
    ),
    Operation(
        "rename_list",
        "Rename a list; its tasks follow (undoable). The Inbox cannot be renamed.",
        (
            LIST_NAME.as_(doc="The list's current name (any case)."),
            Arg("new_name", str, "The new name, 1-100 characters, not used by another list.", required=True),
        ),
        result='`{"ok": true, "list": List}`',
        returns=ListOut,
        errors=(ListNotFound, ValidationError),
        idempotent=True,
        # REST: one PATCH renames (body ``name``) and/or archives (body ``archived``, archive_list)
        # the list its path names (api/routes/lists.py ListChanges). The path's and the body's
        # ``name`` share a key in the checker's view: it sees the body's (optional) one.
        rest=(Route(method="PATCH", path="/api/v1/lists/{name}", retype={
            "new_name": Arg("name", str | None, "The new name (JSON body; the path names the list)."),
        }, extra=(Arg("archived", bool | None, "true archives the list, false brings it back (JSON body)."),)),),
    ),
    Operation(
        "archive_list",
        "Archive a list (hidden from list_lists, takes no new tasks, keeps its tasks), or unarchive it.",
        (LIST_NAME, Arg("archived", bool, "True archives, false brings it back.")),
        result='`{"ok": true, "list": List}`',
        returns=ListOut,
        errors=(ListNotFound, ValidationError),
        idempotent=True,
        # REST: PATCH /api/v1/lists/{name} with {"archived": ...}, declared with rename_list (one route)
    ),
    Operation(
        "delete_list",
        "Delete a list and its tasks in one undoable step. A list with tasks needs confirm=true: "
        "without it nothing changes and the result lists them (ask the user first).",
        (
            LIST_NAME.as_(doc="The list's name (any case); the Inbox cannot be deleted."),
            Arg("confirm", bool, "True only after the user agreed to delete the list's tasks with it."),
        ),
        result='`{"ok": true, "list": List}` (as it was: open_tasks deleted with it); a list with tasks without '
        'confirm: `{"ok": false, "error": "confirmation_required", "would_delete": [{"number","title"}]}`',
        returns=ListOut,
        errors=(ListNotFound, ValidationError, ConfirmationRequired),
        destructive=True,
        rest=(Route(method="DELETE", path="/api/v1/lists/{name}"),),
    ),
    Operation(
        "show_panel",
        "The page's task panel: the default views (Today, Upcoming) and the lists with their counts "
        "of open tasks, and the open tasks of one view or list, subtasks under their parents (tasks/views.py).",
        (
            Arg("view", ViewName | None, "today (due today or overdue; the default) or upcoming (due later)."),
            LIST_FILTER.as_(doc="Show this list's open tasks instead of a view."),
        ),
        errors=(ListNotFound, ValidationError),
        read_only=True,
        agent=None,  # the agent and MCP clients list_tasks (due=today / due_after, list=...)
        mcp=None,
        rest=(Route(method="GET", path="/api/v1/panel"),),
    ),
    Operation(
        "set_reminder_channel",
        "Choose where the user's reminders are sent (the chat page always shows them too).",
        (
            Arg("channel", UserChannel, "page (this page), webpush (browser push), ntfy (the ntfy phone app) or email.", required=True),
            Arg("address", str | None, "For ntfy the topic ([A-Za-z0-9_-]{1,64}), for email the address; none for page/webpush. Never a URL."),
            Arg("enabled", bool, "false turns the channel off."),
        ),
        result='`{"ok": true, "reminder_channels": {"page": {"enabled"}, "webpush": {"enabled", "subscriptions"}, '
        '"ntfy": {"enabled", "topic"}, "email": {"enabled", "address"}}}`; a bad topic/address: `validation` '
        "with `field` `ntfy.topic` / `email.address`",
        errors=(ValidationError,),
        idempotent=True,
        mcp=None,  # REST: PATCH /api/v1/me takes every channel at once (notify.py MePatch), not this shape
    ),
)
"""Every task operation, in the order the docs list them."""

BY_NAME = {op.name: op for op in OPERATIONS}


def operation(name: str) -> Operation:
    """The operation declared as ``name`` (KeyError when there is none)."""
    return BY_NAME[name]


def main(argv: list[str] | None = None) -> int:
    """Regenerate the tools table of docs/agent-tools.md; ``--check`` only says whether it is current.

    Returns:
        0, or 1 when ``--check`` finds the file out of date.
    """
    args = sys.argv[1:] if argv is None else argv
    current = DOCS.read_text(encoding="utf-8")
    wanted = render_docs(OPERATIONS, current)
    if "--check" in args:
        if wanted != current:
            print(f"{DOCS} is out of date: run `todochat docs`", file=sys.stderr)
            return 1
        return 0
    DOCS.write_text(wanted, encoding="utf-8")
    return 0


__all__ = ["OPERATIONS", "Arg", "Front", "Operation", "Route", "check", "operation"]

if __name__ == "__main__":
    raise SystemExit(main())
