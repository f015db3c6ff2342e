"""The change journal: every change to a user's tasks, as before/after snapshots grouped per
service call, for undo, redo and the activity feed.

Ordering: a group's ``seq`` is taken while the user's ``task_counters`` row is locked
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` holds the one writer lock),
and that lock is taken *before* the change reads any task. So a user's changes run one at a time,
each sees the previous one committed, and ``seq`` is their commit order on every replica — never
``max()+1`` in a transaction (two replicas would read the same max).

Undo is strictly last-in-first-out per user: at undo time every task the latest group touched is
in that group's "after" state (any newer change has been undone already), so restoring "before"
is exact. A new change clears the redo stack (``redoable``).

Change mark: every journal write, undo and redo also bumps the user's ``task_counters.change_mark``
in its own transaction (:func:`bump_mark`), which the page's event stream reads (tasks/changes.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from todochat.context import RequestContext, current_tool
from todochat.errors import NothingToRedo, NothingToUndo
from todochat.presentation import change_summary, list_summary
from todochat.tasks import reminders
from todochat.tasks.models import (
    JournalChange,
    JournalGroup,
    ListChange,
    Reminder,
    ReminderStatus,
    Task,
    TaskCounter,
    TaskList,
    TaskTag,
)
from todochat.tasks.schemas import TaskOut

Snapshot = dict[str, Any]
Action = str
"""add, complete, reopen, update, delete, bulk_complete, bulk_delete (other bulk changes name theirs),
remind (a reminder added), unremind (a reminder cancelled), move (a task to another list),
list_create, list_rename, list_archive, list_unarchive, list_delete (a list and its tasks)."""


class UndoResult(BaseModel):
    """What an undo or redo did.

    ``tasks`` are the tasks it changed that are visible now; ``removed`` the numbers it hid (an
    undone add, a redone delete).
    """

    id: int = Field(description="The journal entry undone or redone (its activity id)")
    action: str = Field(examples=["complete"])
    summary: str = Field(examples=["marked 'Buy milk' done"])
    message: str = Field(examples=["Undid: marked 'Buy milk' done"])
    tasks: list[TaskOut]
    removed: list[int] = Field(default_factory=list)


class ActivityEntry(BaseModel):
    """One entry of the activity feed (one change group), newest first."""

    id: int = Field(description="The entry's per-user sequence number (larger is newer)")
    when: datetime
    action: str
    summary: str = Field(examples=["renamed 'Buy milk' to 'Buy oat milk'"])
    task_numbers: list[int]
    undone: bool
    front: str | None = Field(default=None, description="chat, widget, rest, mcp or cli (null: before the audit log)")
    tool: str | None = Field(default=None, examples=["complete_task"], description="The agent/MCP tool, REST route, widget action or CLI command")


def snapshot(task: Task) -> Snapshot:
    """The task's state as JSON-ready data: every field undo restores (datetimes as UTC ISO),
    its reminders included (``reminders``: every row, by id, with status and ``fire_at``), and its
    place in the task tree (``parent_id``; ``parent``, the parent's number, for summaries)."""

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "number": task.number,
        "title": task.title,
        "description": task.description or "",
        "completed": bool(task.completed),
        "completed_at": iso(task.completed_at),
        "priority": task.priority,
        "due_at": iso(task.due_at),
        "due_all_day": bool(task.due_all_day),
        "recurrence": task.recurrence,
        "tags": task.tags,
        "deleted_at": iso(task.deleted_at),
        "list_id": task.list_id if task.task_list is None else task.task_list.id,
        "list": task.task_list.name if task.task_list is not None else None,
        "parent_id": task.parent_id,
        "parent": task.__dict__.get("parent_number") if task.parent_id is not None else None,
        "reminders": [
            {
                "id": r.id,
                "at": iso(r.at),
                "before_minutes": r.before_minutes,
                "fire_at": iso(r.fire_at),
                "status": r.status,
                "created_at": iso(r.created_at),
                "fired_at": iso(r.fired_at),
            }
            for r in sorted(task.reminder_rows, key=lambda r: r.id or 0)
        ],
    }


def list_snapshot(row: TaskList) -> Snapshot:
    """A list's state as JSON-ready data: every field undo restores (instants as UTC ISO)."""
    return {
        "name": row.name,
        "name_key": row.name_key,
        "archived_at": row.archived_at.isoformat() if row.archived_at else None,
        "deleted_at": row.deleted_at.isoformat() if row.deleted_at else None,
    }


def apply_list(row: TaskList, snap: Snapshot | None, now: datetime) -> None:
    """Put list ``row`` into the state ``snap``; ``None`` (the list did not exist) hides it as
    deleted (its id is never reused; its name is free again)."""
    row.updated_at = now
    if snap is None:
        row.deleted_at = row.deleted_at or now
        return
    row.name, row.name_key = snap["name"], snap["name_key"]
    row.archived_at = datetime.fromisoformat(snap["archived_at"]) if snap["archived_at"] else None
    row.deleted_at = datetime.fromisoformat(snap["deleted_at"]) if snap["deleted_at"] else None


def _load(text: str | None) -> Snapshot | None:
    return json.loads(text) if text else None


def apply(task: Task, snap: Snapshot | None, now: datetime) -> None:
    """Put ``task`` into the state ``snap``; ``None`` (the task did not exist) hides it as deleted
    (its number is never given again, and purge removes it after the undo window) and cancels its
    pending reminders. Reminders are restored by id (see :func:`_apply_reminders`)."""

    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    task.updated_at = now
    if snap is None:
        task.deleted_at = task.deleted_at or now
        reminders.cancel_pending(task)
        return
    task.title = snap["title"]
    task.description = snap["description"]
    task.completed = snap["completed"]
    task.completed_at = when(snap["completed_at"])
    task.priority = snap["priority"]
    task.due_at = when(snap["due_at"])
    task.due_all_day = snap["due_all_day"]
    task.recurrence = snap["recurrence"]
    task.deleted_at = when(snap["deleted_at"])
    if "list_id" in snap:  # snapshots written before lists existed leave the list alone
        task.list_id = snap["list_id"]
    tags = set(snap["tags"])
    task.tag_rows = [r for r in task.tag_rows if r.tag in tags]
    have = {r.tag for r in task.tag_rows}
    task.tag_rows.extend(TaskTag(user_id=task.user_id, tag=t) for t in sorted(tags - have))
    if "reminders" in snap:  # snapshots written before reminders existed leave them alone
        _apply_reminders(task, snap["reminders"])
    if "parent_id" in snap:  # snapshots written before subtasks (0011) leave the parent alone
        task.parent_id = snap["parent_id"]
        set_committed_value(task, "parent_number", snap.get("parent"))


def _apply_reminders(task: Task, wanted: list[dict[str, Any]]) -> None:
    """Make ``task``'s reminders those of a snapshot: each row by id gets its status, times and
    ``fire_at`` back (an undone reschedule restores ``fire_at``; an undone completion makes the
    cancelled ones pending); rows the snapshot lacks (added by the change undone) are cancelled,
    not deleted (ids are never reused, deliveries keep their reminder; a redo makes them pending
    again); a row the snapshot has but the table lost is inserted again with its id. A reminder the
    dispatcher fired since stays fired (it was delivered: undo never makes it fire twice)."""

    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    by_id = {int(w["id"]): w for w in wanted}
    have = {r.id: r for r in task.reminder_rows}
    for row in task.reminder_rows:
        if row.id not in by_id and row.status == ReminderStatus.pending.value:
            row.status = ReminderStatus.cancelled.value
    for rid, w in by_id.items():
        found = have.get(rid)
        if found is None:
            row = Reminder(id=rid, user_id=task.user_id)
            task.reminder_rows.append(row)
        else:
            row = found
        if row.status == ReminderStatus.fired.value:
            continue
        row.at = when(w["at"])
        row.before_minutes = w["before_minutes"]
        row.fire_at = when(w["fire_at"])
        row.status = w["status"]
        row.created_at = when(w["created_at"]) or row.created_at
        row.fired_at = when(w["fired_at"])


async def _lock(session: AsyncSession, ctx: RequestContext) -> int:
    """Take the user's journal lock (their counter row) and return the last ``seq`` given."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(
        insert(TaskCounter)
        .values(user_id=ctx.user_id, last_number=0, last_change=0)
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    row = await session.execute(
        select(TaskCounter.last_change).where(TaskCounter.user_id == ctx.user_id).with_for_update()
    )
    return int(row.scalar_one())


def bump_mark(user_id: str) -> Any:
    """The statement that moves ``user_id``'s change mark on (run it in the transaction of the
    change; their counter row exists once the journal lock was taken)."""
    return update(TaskCounter).where(TaskCounter.user_id == user_id).values(change_mark=TaskCounter.change_mark + 1)


class Recorder:
    """Records one change group. Make it with :func:`begin` at the start of the transaction (before
    reading tasks), :meth:`track` each task before changing it, :meth:`track_new` each task created,
    then :meth:`save` once at the end."""

    def __init__(self, session: AsyncSession, ctx: RequestContext, action: Action, last: int) -> None:
        self.session, self.ctx, self.action, self.last = session, ctx, action, last
        self._before: dict[int, Snapshot | None] = {}
        self._tasks: list[Task] = []
        self._lists: list[tuple[TaskList, Snapshot | None]] = []

    def track_list(self, row: TaskList) -> None:
        """Remember list ``row``'s state before this change (once per list)."""
        if all(r is not row for r, _ in self._lists):
            self._lists.append((row, list_snapshot(row)))

    def track_new_list(self, row: TaskList) -> None:
        """Remember that this change created list ``row``."""
        self._lists.append((row, None))

    def track(self, task: Task) -> None:
        """Remember ``task``'s state before this change (once per task)."""
        if id(task) not in {id(t) for t in self._tasks}:
            self._tasks.append(task)
            self._before[id(task)] = snapshot(task)

    def track_new(self, task: Task) -> None:
        """Remember that this change created ``task``."""
        self._tasks.append(task)
        self._before[id(task)] = None

    async def save(self) -> JournalGroup | None:
        """Write the group (tasks whose state did not change are left out; nothing changed → no
        group). A new group discards the redo stack."""
        await self.session.flush()
        changes = []
        for task in self._tasks:
            before, after = self._before[id(task)], snapshot(task)
            if before != after:
                changes.append(
                    JournalChange(
                        task_id=task.id,
                        number=task.number,
                        before=json.dumps(before) if before is not None else None,
                        after=json.dumps(after),
                    )
                )
        list_changes = [
            ListChange(
                list_id=row.id,
                before=json.dumps(before) if before is not None else None,
                after=json.dumps(after),
            )
            for row, before in self._lists
            if before != (after := list_snapshot(row))
        ]
        if not changes and not list_changes:
            return None
        seq = self.last + 1
        await self.session.execute(
            update(TaskCounter)
            .where(TaskCounter.user_id == self.ctx.user_id)
            .values(last_change=seq, change_mark=TaskCounter.change_mark + 1)
        )
        await self.session.execute(
            update(JournalGroup)
            .where(JournalGroup.user_id == self.ctx.user_id, JournalGroup.redoable.is_(True))
            .values(redoable=False)
        )
        group = JournalGroup(
            user_id=self.ctx.user_id,
            seq=seq,
            action=self.action,
            created_at=self.ctx.now(),
            redoable=False,
            turn=self.ctx.turn,
            front=self.ctx.front,
            tool=current_tool(self.ctx),
            changes=changes,
        )
        self.session.add(group)
        await self.session.flush()
        for change in list_changes:
            change.group_id = group.id
            self.session.add(change)
        if list_changes:
            await self.session.flush()
        return group


async def begin(session: AsyncSession, ctx: RequestContext, action: Action) -> Recorder:
    """Start recording a change of ``ctx.user_id``: takes the user's journal lock (so call it first
    in the transaction, before reading the tasks the change acts on)."""
    return Recorder(session, ctx, action, await _lock(session, ctx))


async def _changes(session: AsyncSession, group_ids: Sequence[int]) -> dict[int, list[JournalChange]]:
    rows = (
        await session.execute(
            select(JournalChange).where(JournalChange.group_id.in_(group_ids)).order_by(JournalChange.id)
        )
    ).scalars()
    out: dict[int, list[JournalChange]] = {}
    for row in rows:
        out.setdefault(row.group_id, []).append(row)
    return out


async def _list_changes(session: AsyncSession, group_ids: Sequence[int]) -> dict[int, list[ListChange]]:
    """The list snapshots of these groups (only list changes have any), by group id."""
    rows = (
        await session.execute(
            select(ListChange).where(ListChange.group_id.in_(group_ids)).order_by(ListChange.id)
        )
    ).scalars()
    out: dict[int, list[ListChange]] = {}
    for row in rows:
        out.setdefault(row.group_id, []).append(row)
    return out


def summarize(
    ctx: RequestContext,
    group: JournalGroup,
    changes: Sequence[JournalChange],
    list_changes: Sequence[ListChange] = (),
    *,
    detail: bool = False,
) -> str:
    """The group's summary in the reader's zone (presentation.change_summary; a list change:
    presentation.list_summary; an import that made lists reads as the import). ``detail``: as
    ``change_summary``'s (an added task's due date too)."""
    pairs = [(_load(c.before), _load(c.after)) for c in changes]
    if list_changes and group.action.startswith("list_"):
        list_pairs = [(_load(c.before), _load(c.after)) for c in list_changes]
        return list_summary(group.action, list_pairs, pairs)
    return change_summary(group.action, pairs, ctx.tz, year=ctx.local_now().year, detail=detail)


async def step(
    session: AsyncSession,
    ctx: RequestContext,
    direction: Literal["undo", "redo"],
    since: datetime,
    *,
    check: Callable[[JournalGroup, list[JournalChange]], None] | None = None,
) -> tuple[JournalGroup, str, list[Task]]:
    """Undo the user's latest change still done, or redo the last undone one, within the window
    (groups created at or after ``since``). ``check`` sees the group and its changes first, under
    the user's journal lock, and may raise to leave everything as it is.

    Returns:
        ``(group, summary, tasks)``: the group, what it did in words, the tasks it touched.

    Raises:
        NothingToUndo / NothingToRedo: no such change (nothing changes).
    """
    await _lock(session, ctx)
    stmt = select(JournalGroup).where(JournalGroup.user_id == ctx.user_id, JournalGroup.created_at >= since)
    if direction == "undo":
        stmt = stmt.where(JournalGroup.undone_at.is_(None)).order_by(JournalGroup.seq.desc())
    else:
        stmt = stmt.where(JournalGroup.undone_at.is_not(None), JournalGroup.redoable.is_(True))
        stmt = stmt.order_by(JournalGroup.seq)
    group = (await session.execute(stmt.limit(1))).scalar_one_or_none()
    if group is None:
        if direction == "undo":
            raise NothingToUndo("There is nothing to undo.")
        raise NothingToRedo("There is nothing to redo: only an undo can be redone, until the next change.")
    changes = (await _changes(session, [group.id])).get(group.id, [])
    if check is not None:
        check(group, changes)
    list_changes = (await _list_changes(session, [group.id])).get(group.id, [])
    list_rows = {
        r.id: r
        for r in (
            await session.execute(
                select(TaskList).where(
                    TaskList.user_id == ctx.user_id, TaskList.id.in_([c.list_id for c in list_changes])
                )
            )
        ).scalars()
    } if list_changes else {}
    ids = [c.task_id for c in changes]
    tasks = {
        t.id: t
        for t in (
            await session.execute(select(Task).where(Task.user_id == ctx.user_id, Task.id.in_(ids)))
        ).scalars()
    }
    missing = [c.number for c in changes if c.task_id not in tasks]
    if missing:
        error = NothingToUndo if direction == "undo" else NothingToRedo
        raise error(
            f"That change can no longer be {direction}ne: task {missing[0]} was removed for good.",
            numbers=missing,
        )
    await reminders.lock_rows(session, list(tasks.values()))
    now = ctx.now()
    for list_change in list_changes:
        if list_change.list_id in list_rows:
            snap = _load(list_change.before if direction == "undo" else list_change.after)
            apply_list(list_rows[list_change.list_id], snap, now)
    await session.flush()  # lists first: a restored task points at its restored list
    order = reversed(changes) if direction == "undo" else iter(changes)
    for change in order:
        apply(tasks[change.task_id], _load(change.before if direction == "undo" else change.after), now)
    if direction == "undo":
        group.undone_at, group.redoable = now, True
    else:
        group.undone_at, group.redoable = None, False
    await session.execute(bump_mark(ctx.user_id))
    await session.flush()
    for task in tasks.values():  # the joined list row follows a restored list_id
        if (task.task_list.id if task.task_list else None) != task.list_id:
            await session.refresh(task, ["task_list"])
    return group, summarize(ctx, group, changes, list_changes), [tasks[c.task_id] for c in changes]


async def entries(
    session: AsyncSession,
    ctx: RequestContext,
    *,
    limit: int,
    before: int | None = None,
    since: datetime | None = None,
    turn: str | None = None,
    detail: bool = False,
) -> list[ActivityEntry]:
    """The user's journal, newest first: at most ``limit`` entries with ``seq < before``, made at
    or after ``since`` (and by chat turn ``turn``, when given); ``detail``: summaries as a turn's
    steps show them (presentation.change_summary)."""
    stmt = select(JournalGroup).where(JournalGroup.user_id == ctx.user_id)
    if turn is not None:
        stmt = stmt.where(JournalGroup.turn == turn)
    if before is not None:
        stmt = stmt.where(JournalGroup.seq < before)
    if since is not None:
        stmt = stmt.where(JournalGroup.created_at >= since)
    groups = list((await session.execute(stmt.order_by(JournalGroup.seq.desc()).limit(limit))).scalars())
    changes = await _changes(session, [g.id for g in groups]) if groups else {}
    list_groups = [g.id for g in groups if g.action.startswith("list_")]
    listed = await _list_changes(session, list_groups) if list_groups else {}
    return [
        ActivityEntry(
            id=g.seq,
            when=g.created_at,
            action=g.action,
            summary=summarize(ctx, g, changes.get(g.id, []), listed.get(g.id, []), detail=detail),
            task_numbers=sorted({c.number for c in changes.get(g.id, [])}),
            undone=g.undone_at is not None,
            front=g.front,
            tool=g.tool,
        )
        for g in groups
    ]


class AuditTask(BaseModel):
    """A task one change touched: its number and title (after the change; before it, if the change
    removed it)."""

    number: int
    title: str


class AuditEntry(BaseModel):
    """One change in the audit log: who, from which front, with which tool, which tasks, when."""

    id: int = Field(description="The entry's journal id, unique across users (page with before=id)")
    seq: int = Field(description="The change's per-user sequence number (the activity feed's id)")
    user_id: str
    when: datetime
    front: str | None = Field(description="chat, widget, rest, mcp or cli (null: before the audit log)")
    tool: str | None = Field(examples=["complete_task", "POST /api/v1/tasks", "task.complete"])
    action: str
    summary: str
    tasks: list[AuditTask]
    undone: bool
    undone_at: datetime | None = None


async def audit(
    session: AsyncSession,
    reader: RequestContext,
    *,
    user_id: str | None,
    limit: int,
    before: int | None = None,
) -> list[AuditEntry]:
    """The journal as an audit log, newest first (by journal id).

    Args:
        reader: whose zone the summaries are written in.
        user_id: only this user's changes; None: every user's (the operator's ``todochat audit``).
        limit: at most this many entries.
        before: only entries with a journal id below this (paging).
    """
    stmt = select(JournalGroup)
    if user_id is not None:
        stmt = stmt.where(JournalGroup.user_id == user_id)
    if before is not None:
        stmt = stmt.where(JournalGroup.id < before)
    groups = list((await session.execute(stmt.order_by(JournalGroup.id.desc()).limit(limit))).scalars())
    changes = await _changes(session, [g.id for g in groups]) if groups else {}
    list_groups = [g.id for g in groups if g.action.startswith("list_")]
    listed = await _list_changes(session, list_groups) if list_groups else {}
    out = []
    for g in groups:
        mine = changes.get(g.id, [])
        tasks: dict[int, str] = {}
        for c in mine:
            snap = _load(c.after) or _load(c.before) or {}
            tasks[c.number] = str(snap.get("title", ""))
        out.append(
            AuditEntry(
                id=g.id,
                seq=g.seq,
                user_id=g.user_id,
                when=g.created_at,
                front=g.front,
                tool=g.tool,
                action=g.action,
                summary=summarize(reader, g, mine, listed.get(g.id, [])),
                tasks=[AuditTask(number=n, title=t) for n, t in sorted(tasks.items())],
                undone=g.undone_at is not None,
                undone_at=g.undone_at,
            )
        )
    return out
