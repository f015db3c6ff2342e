"""Importing a task file: check every task of it against the task rules, preview it (a dry run),
or add all of it as ONE change of the journal (one "undo" removes the whole import). All or
nothing: a bad field anywhere, or too many tasks for the user's quota, and nothing is added.

Lists and subtasks: a task goes to the list its file names (created when the user has none of
that name, in the same journal entry: tasks/lists.py ``place_imported``) and under the parent the
file names, fitted to the tree rules (tasks/subtasks.py ``import_tree``: depth, cycles, parents the
file lacks, each named in the preview's warnings).
"""

from __future__ import annotations

import builtins
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from todochat.context import RequestContext
from todochat.errors import ImportFileError, TodoError
from todochat.presentation import import_question
from todochat.tasks import dates, journal, quotas
from todochat.tasks import lists as list_rules
from todochat.tasks import subtasks as subtasks_rules
from todochat.tasks.imports import ParsedFile, TaskDraft
from todochat.tasks.models import Task, TaskTag
from todochat.tasks.rules import clean_description, clean_priority, clean_tags, clean_title

PREVIEW_ROWS = 10
"""How many tasks a preview shows."""
ERRORS_LISTED = 20
"""A refused file lists at most this many of its bad lines (the message names the first)."""
PROGRESS_EVERY = 250
"""Tasks created between two progress reports."""
LIST_NAME_MAX = 100

Progress = Callable[[int, int], Awaitable[None]]
"""``await progress(done, total)`` while an import creates its tasks."""


@dataclass
class CleanTask:
    """A draft that passed every task rule: what will be stored."""

    draft: TaskDraft
    title: str
    description: str
    priority: str
    tags: list[str]
    due_at: datetime | None
    all_day: bool
    recurrence: str | None
    completed: bool
    completed_at: datetime | None
    list_name: str | None


class PreviewRow(BaseModel):
    """One task of a preview, as it will be added."""

    line: str = Field(examples=["line 3"], description="Where it is in the file (line or record)")
    title: str
    completed: bool
    priority: str
    tags: builtins.list[str]
    due: str | None = Field(default=None, description="YYYY-MM-DD or YYYY-MM-DDTHH:MM, user's zone")
    recurrence: str | None = None
    list: str | None = None
    parent: str | None = Field(default=None, description="The parent's reference in the file")
    parent_title: str | None = Field(
        default=None, description="The title of the task it goes under, as the import places it (null: top-level)"
    )


class ImportPreview(BaseModel):
    """What an import adds (a dry run changes nothing; the import answers the same, with ``numbers``)."""

    format: str = Field(examples=["todoist"])
    dry_run: bool
    tasks: int = Field(description="Tasks the import adds")
    completed: int = Field(description="Of them, already done")
    lists: dict[str, int] = Field(default_factory=dict, description="Tasks per list name the file gives ('' = no list)")
    subtasks: int = Field(0, description="Tasks the file puts under a parent")
    first: list[PreviewRow] = Field(default_factory=list, description="The first tasks, in file order")
    warnings: list[str] = Field(default_factory=list, description="What was left out or read approximately")
    question: str = Field(examples=["Import 42 tasks into 3 lists?"])
    numbers: list[int] = Field(default_factory=list, description="The numbers of the tasks added (import only)")
    change: int | None = Field(default=None, description="The journal entry of the import (undo removes it all)")


def _due_text(task: CleanTask, ctx: RequestContext) -> str | None:
    return dates.format_due(task.due_at, task.all_day, ctx.tz)


def clean(ctx: RequestContext, parsed: ParsedFile) -> list[CleanTask]:
    """Check every draft against the task rules (tasks/rules.py, tasks/dates.py), as adding it
    would; a recurrence without a due gets its first occurrence, as ``TaskService.add`` does.

    Raises:
        ImportFileError: one or more drafts break a rule: the message names the first
            (``Line 4: The title is 230 characters long…``), ``errors`` lists up to
            :data:`ERRORS_LISTED` as ``{"line", "field", "message"}``.
    """
    out: list[CleanTask] = []
    errors: list[dict[str, object]] = []
    now = ctx.now()
    for draft in parsed.drafts:
        try:
            out.append(_clean_one(ctx, draft, now))
        except TodoError as exc:
            errors.append({"line": draft.line, "field": getattr(exc, "field", None), "message": f"{draft.place.capitalize()}: {exc.message}"})
    if errors:
        more = f" ({len(errors)} tasks have errors; the first {min(len(errors), ERRORS_LISTED)} are listed.)" if len(errors) > 1 else ""
        raise ImportFileError(
            f"{errors[0]['message']} Nothing was imported.{more}",
            line=int(errors[0]["line"]),  # type: ignore[call-overload]
            errors=errors[:ERRORS_LISTED],
        )
    return out


def _clean_one(ctx: RequestContext, draft: TaskDraft, now: datetime) -> CleanTask:
    due_at, all_day = dates.parse_due(draft.due, ctx.tz) if draft.due else (None, False)
    if due_at is not None and draft.midnight_is_day and not all_day:
        local = due_at.astimezone(ctx.tz)
        if (local.hour, local.minute, local.second) == (0, 0, 0):
            due_at, all_day = dates.parse_due(local.date().isoformat(), ctx.tz)
    recurrence = dates.normalize_rrule(draft.recurrence) if draft.recurrence else None
    if recurrence and due_at is None:
        first = dates.next_occurrence(recurrence, None, True, now - timedelta(days=1), ctx.tz)
        if first:
            due_at, all_day = first
    list_name = " ".join((draft.list_name or "").split()) or None
    if list_name and len(list_name) > LIST_NAME_MAX:
        raise ImportFileError(f"The list name is {len(list_name)} characters long; the limit is {LIST_NAME_MAX}.")
    completed_at = None
    if draft.completed:
        completed_at = min(draft.completed_at.astimezone(UTC), now) if draft.completed_at else now
    return CleanTask(
        draft=draft,
        title=clean_title(draft.title),
        description=clean_description(draft.description),
        priority=clean_priority(draft.priority),
        tags=clean_tags(draft.tags),
        due_at=due_at,
        all_day=all_day,
        recurrence=recurrence,
        completed=draft.completed,
        completed_at=completed_at,
        list_name=list_name,
    )


def preview(ctx: RequestContext, parsed: ParsedFile, tasks: list[CleanTask], *, dry_run: bool) -> ImportPreview:
    """The preview of cleaned tasks: counts, tasks per list, the first :data:`PREVIEW_ROWS`, and
    the reader's warnings plus what this server does not apply (lists, parents) yet."""
    lists: dict[str, int] = {}
    for task in tasks:
        lists[task.list_name or ""] = lists.get(task.list_name or "", 0) + 1
    parents, tree_warnings = subtasks_rules.import_tree([(t.draft.ref, t.draft.parent) for t in tasks])
    subtasks = sum(1 for p in parents if p is not None)
    warnings = list(parsed.warnings) + tree_warnings
    named = [name for name in lists if name]
    return ImportPreview(
        format=parsed.format,
        dry_run=dry_run,
        tasks=len(tasks),
        completed=sum(1 for t in tasks if t.completed),
        lists=lists,
        subtasks=subtasks,
        first=[
            PreviewRow(
                line=t.draft.place,
                title=t.title,
                completed=t.completed,
                priority=t.priority,
                tags=t.tags,
                due=_due_text(t, ctx),
                recurrence=t.recurrence,
                list=t.list_name,
                parent=t.draft.parent,
                parent_title=tasks[up].title if up is not None else None,
            )
            for t, up in zip(tasks[:PREVIEW_ROWS], parents, strict=False)
        ],
        warnings=warnings,
        question=import_question(len(tasks), len(named)),
    )


async def add_all(
    session: AsyncSession,
    ctx: RequestContext,
    tasks: list[CleanTask],
    *,
    max_tasks: int,
    max_lists: int,
    last_number: Callable[[AsyncSession, str, int], Awaitable[int]],
    progress: Progress | None = None,
) -> tuple[list[Task], int | None]:
    """Add ``tasks`` in the caller's transaction as one journal group (action ``import``),
    numbered in file order from one block of the user's numbers (``last_number(session,
    user_id, count)`` takes ``count`` numbers and returns the last: ``TaskService._next_number``).

    Returns:
        The rows created (numbered in file order) and the journal entry's id.

    Raises:
        QuotaExceeded: the user would have more than ``max_tasks`` tasks (nothing is added).
        QuotaExceeded: a list the file names would pass ``max_lists`` (``limit="lists"``).
        ValidationError: a list name the list rules refuse (field ``list``).
    """
    rec = await journal.begin(session, ctx, "import")
    await quotas.check_tasks(session, ctx, limit=max_tasks, adding=len(tasks))
    last = await last_number(session, ctx.user_id, len(tasks))
    numbers = range(last - len(tasks) + 1, last + 1)
    now = ctx.now()
    rows: list[Task] = []
    for index, (task, number) in enumerate(zip(tasks, numbers, strict=True), start=1):
        row = Task(
            user_id=ctx.user_id,
            number=number,
            title=task.title,
            description=task.description,
            priority=task.priority,
            due_at=task.due_at,
            due_all_day=task.all_day,
            recurrence=task.recurrence,
            completed=task.completed,
            completed_at=task.completed_at,
            created_at=now,
            updated_at=now,
            tag_rows=[TaskTag(user_id=ctx.user_id, tag=t) for t in task.tags],
            reminder_rows=[],
        )
        session.add(row)
        rec.track_new(row)
        rows.append(row)
        if index % PROGRESS_EVERY == 0 or index == len(tasks):
            await session.flush()
            if progress is not None:
                await progress(index, len(tasks))
    await list_rules.place_imported(session, ctx, rec, [(r, t.list_name) for r, t in zip(rows, tasks, strict=True)], limit=max_lists)
    parents, _ = subtasks_rules.import_tree([(t.draft.ref, t.draft.parent) for t in tasks])
    for row, parent in zip(rows, parents, strict=True):
        row.parent_id = rows[parent].id if parent is not None else None
    group = await rec.save()
    return rows, group.seq if group else None
