"""TaskService: every rule about tasks, for every front. Each call is one transaction, per user."""

from __future__ import annotations

import builtins
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal, get_args

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from todochat.context import RequestContext
from todochat.errors import (
    AmbiguousReference,
    AmbiguousReminder,
    ConfirmationRequired,
    EarlierThanDue,
    NothingToUndo,
    ReminderNotFound,
    TaskNotFound,
    ValidationError,
)
from todochat.presentation import undo_message
from todochat.tasks import (
    dates,
    journal,
    lists,
    matching,
    queries,
    quotas,
    reminders,
    rescheduling,
    subtasks,
)
from todochat.tasks.journal import ActivityEntry, Recorder, UndoResult
from todochat.tasks.list_service import ListOperations
from todochat.tasks.models import (
    JournalChange,
    JournalGroup,
    Reminder,
    ReminderStatus,
    Task,
    TaskCounter,
    TaskList,
    TaskTag,
    UserSettings,
)
from todochat.tasks.reminder_window import Window
from todochat.tasks.rules import (
    check_number,
    check_reference,
    check_tag_count,
    clean_description,
    clean_priority,
    clean_tags,
    clean_title,
    parse_day,
)
from todochat.tasks.schemas import (
    BulkResult,
    CompleteResult,
    Progress,
    ReminderBrief,
    ReminderOut,
    ReminderStatusFilter,
    Selection,
    SubtasksResult,
    TaskChanges,
    TaskCreate,
    TaskFilter,
    TaskOut,
)

if TYPE_CHECKING:
    from todochat.tasks.importing import ImportPreview

_NUMBER_REF = re.compile(r"^\s*(?:task\s*)?#?\s*(\d+)\s*$", re.IGNORECASE)
UNDO_WINDOW = timedelta(days=30)
EXPORT_PAGE = 500
"""Rows an export reads per page (:meth:`TaskService.export_pages`)."""


class TaskService(ListOperations):
    """The tasks domain (the list operations come from tasks/list_service.py). Methods take the request context first (user, zone, clock) and
    keyword-only arguments; each runs in its own transaction and filters by ``ctx.user_id``.

    Every change is recorded in the user's change journal (tasks/journal.py): one group per call,
    with each task's state before and after, so :meth:`undo` / :meth:`redo` work the same for
    every front. A changing method starts with ``rec = await journal.begin(session, ctx, action)``
    (the user's journal lock, before reading tasks), calls ``rec.track(task)`` before changing a
    task and ``rec.track_new(task)`` for a created one, and ends with ``await rec.save()``.

    Errors raised: :class:`ValidationError`, :class:`TaskNotFound`, :class:`AmbiguousReference`,
    :class:`ConfirmationRequired`, :class:`NothingToUndo`, :class:`NothingToRedo` (all from
    ``todochat.errors``).
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        max_tasks: int = quotas.TASKS_MAX,
        max_lists: int = quotas.LISTS_MAX,
    ) -> None:
        """Args:
            sessionmaker: the app's session factory.
            max_tasks: the per-user task quota (``Settings.quota_tasks``; 0: no limit).
            max_lists: the per-user list quota (``Settings.quota_lists``; 0: no limit).
        """
        self.sessionmaker = sessionmaker
        self.max_tasks = max_tasks
        self.max_lists = max_lists

    # ----------------------------------------------------------------- shaping
    def to_out(self, ctx: RequestContext, task: Task) -> TaskOut:
        """Render a row as :class:`TaskOut` in the user's zone."""
        return TaskOut(
            number=task.number,
            title=task.title,
            description=task.description or "",
            completed=task.completed,
            priority=task.priority,  # type: ignore[arg-type]
            tags=task.tags,
            due=dates.format_due(task.due_at, task.due_all_day, ctx.tz),
            due_all_day=task.due_all_day,
            recurrence=task.recurrence,
            overdue=(not task.completed)
            and dates.is_overdue(task.due_at, task.due_all_day, ctx.now(), ctx.tz),
            completed_at=task.completed_at,
            created_at=task.created_at,
            updated_at=task.updated_at,
            parent=subtasks.parent_number(task) if task.parent_id is not None else None,
            progress=Progress(done=p[0], total=p[1]) if (p := subtasks.progress(task)) else None,
            **self._reminder_fields(ctx, task),
            list=lists.list_name(task),
        )

    @staticmethod
    def _reminder_fields(ctx: RequestContext, task: Task) -> dict[str, Any]:
        """``reminders`` (pending, soonest first) and ``next_reminder`` of :class:`TaskOut`."""
        rows = reminders.pending(task)
        briefs = [
            ReminderBrief(
                id=r.id,
                at=_local(ctx, r.at),
                before_minutes=r.before_minutes,
                fire_at=_local(ctx, r.fire_at),
            )
            for r in rows
        ]
        return {"reminders": briefs, "next_reminder": briefs[0].fire_at if briefs else None}

    def reminder_out(self, ctx: RequestContext, row: Reminder, task: Task) -> ReminderOut:
        """Render a reminder row (of ``task``) as :class:`ReminderOut`, instants in the user's zone."""
        return ReminderOut(
            id=row.id,
            task_number=task.number,
            task_title=task.title,
            at=_local(ctx, row.at),
            before_minutes=row.before_minutes,
            fire_at=_local(ctx, row.fire_at),
            status=row.status,  # type: ignore[arg-type]
            created_at=_local(ctx, row.created_at) or row.created_at,
            fired_at=_local(ctx, row.fired_at),
        )

    # ----------------------------------------------------------------- numbers
    async def _next_number(self, session: AsyncSession, user_id: str, count: int = 1) -> int:
        """Allocate the user's next task number (the next ``count`` numbers; the last is
        returned) in one statement: an atomic counter bump (``INSERT … ON CONFLICT DO UPDATE …
        RETURNING``; row lock on PostgreSQL, the writer lock on SQLite), so concurrent adds never
        share or skip a number."""
        dialect = session.bind.dialect.name if session.bind else "sqlite"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(TaskCounter).values(user_id=user_id, last_number=count)
        result = await session.execute(
            stmt.on_conflict_do_update(
                index_elements=["user_id"],
                set_={"last_number": TaskCounter.last_number + count},
            ).returning(TaskCounter.last_number)
        )
        return int(result.scalar_one())

    # ----------------------------------------------------------------- create
    async def add(self, ctx: RequestContext, data: TaskCreate) -> TaskOut:
        """Create a task for ``ctx.user_id``; it gets the user's next number.

        Raises:
            ValidationError: a field breaks its rule (title 1–200 chars, description ≤ 1000,
                priority, tags, due date, RRULE; ``parent``: tasks/subtasks.py).
            QuotaExceeded: the user has ``max_tasks`` tasks already (tasks/quotas.py).
            ListNotFound: ``data.list`` names no list of the user (an archived one: ValidationError).
        """
        title = clean_title(data.title)
        description = clean_description(data.description)
        priority = clean_priority(data.priority)
        tags = clean_tags(data.tags)
        due_at, all_day = dates.parse_due(data.due, ctx.tz) if data.due else (None, False)
        recurrence = dates.normalize_rrule(data.recurrence) if data.recurrence else None
        specs = list(data.reminders or [])
        for spec in specs:
            reminders.check_spec(spec.at, spec.before_minutes)
        if recurrence and due_at is None:
            first = dates.next_occurrence(recurrence, None, True, ctx.now() - timedelta(days=1), ctx.tz)
            if first:
                due_at, all_day = first
        now = ctx.now()
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "add")
            parent = await subtasks.find_parent(session, ctx, data.parent) if data.parent is not None else None
            task_list = await lists.target(session, ctx, data.list) if data.list is not None or parent is None else parent.task_list
            await quotas.check_tasks(session, ctx, limit=self.max_tasks)
            number = await self._next_number(session, ctx.user_id)
            task = Task(
                user_id=ctx.user_id,
                number=number,
                title=title,
                description=description,
                priority=priority,
                due_at=due_at,
                due_all_day=all_day,
                recurrence=recurrence,
                completed=False,
                created_at=now,
                updated_at=now,
                tag_rows=[TaskTag(user_id=ctx.user_id, tag=t) for t in tags],
                reminder_rows=[],
                task_list=task_list,
                parent_id=parent.id if parent is not None else None,
            )
            set_committed_value(task, "parent_number", parent.number if parent is not None else None)
            session.add(task)
            for spec in specs:
                reminders.new_reminder(task, at=spec.at, before_minutes=spec.before_minutes, tz=ctx.tz, now=now)
            rec.track_new(task)
            await rec.save()
            return self.to_out(ctx, task)

    async def add_subtasks(self, ctx: RequestContext, parent: str | int, titles: Sequence[str]) -> SubtasksResult:
        """Break the task ``parent`` (a number or title words) down: add one open subtask per title,
        in order, in ONE journal step (one undo removes them all). Rules: tasks/subtasks.py.

        Args:
            titles: 1–50 titles (each 1–200 characters after cleaning).

        Returns:
            The parent (with its progress) and the subtasks added.

        Raises:
            ValidationError: no titles or more than 50 (field ``titles``), a bad title, or the
                parent is already as deep as subtasks go (field ``parent``).
            TaskNotFound, AmbiguousReference: ``parent``. QuotaExceeded.
        """
        if not titles or len(titles) > 50:
            raise ValidationError("Give 1 to 50 subtask titles.", field="titles")
        cleaned = [clean_title(t) for t in titles]
        now = ctx.now()
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "add_subtasks")
            top = await self._resolve(session, ctx, parent, "pending")
            top = await subtasks.find_parent(session, ctx, top.number)
            await quotas.check_tasks(session, ctx, limit=self.max_tasks, adding=len(cleaned))
            made = []
            for title in cleaned:
                task = Task(
                    user_id=ctx.user_id,
                    number=await self._next_number(session, ctx.user_id),
                    title=title,
                    description="",
                    priority="none",
                    completed=False,
                    created_at=now,
                    updated_at=now,
                    tag_rows=[],
                    reminder_rows=[],
                    parent_id=top.id,
                    task_list=top.task_list,  # a subtask starts in its parent's list (tasks/subtasks.py)
                )
                set_committed_value(task, "parent_number", top.number)
                session.add(task)
                rec.track_new(task)
                made.append(task)
                await session.flush()
            await subtasks.refresh(session, [top])
            await rec.save()
            return SubtasksResult(parent=self.to_out(ctx, top), tasks=[self.to_out(ctx, t) for t in made])

    # ----------------------------------------------------------------- read
    async def _by_number(self, session: AsyncSession, ctx: RequestContext, number: int) -> Task:
        check_number(number)
        task = (
            await session.execute(queries.live(ctx).where(Task.number == number))
        ).scalar_one_or_none()
        if task is None:
            raise TaskNotFound(f"There is no task {number}.", number=number)
        return task

    async def get(self, ctx: RequestContext, number: int) -> TaskOut:
        """The task with this number.

        Raises:
            TaskNotFound: no such task for this user (another user's task is not found too).
        """
        async with self.sessionmaker() as session:
            return self.to_out(ctx, await self._by_number(session, ctx, number))

    async def _resolve(
        self, session: AsyncSession, ctx: RequestContext, ref: str | int, prefer: str | None
    ) -> Task:
        if isinstance(ref, int):
            return await self._by_number(session, ctx, ref)
        number = _NUMBER_REF.match(check_reference(ref))
        if number:
            return await self._by_number(session, ctx, int(number.group(1)))
        # Titles only (number, title; no ORM objects), the preferred pool first in SQL: a user
        # with thousands of completed tasks completes a pending one without reading them all.
        light = select(Task.number, Task.title).where(
            Task.user_id == ctx.user_id, Task.deleted_at.is_(None)
        ).order_by(Task.number)
        pools = []
        if prefer in ("pending", "completed"):
            pools.append(light.where(Task.completed.is_(prefer == "completed")))
        pools.append(light)
        for pool in pools:
            found = matching.match(ref, list((await session.execute(pool)).all()))
            if len(found.best) == 1:
                return await self._by_number(session, ctx, found.best[0].number)  # type: ignore[attr-defined]
            if len(found.best) > 1:
                candidates = [{"number": t.number, "title": t.title} for t in found.best]  # type: ignore[attr-defined]
                names = " or ".join(f"{c['number']} \"{c['title']}\"" for c in candidates)
                raise AmbiguousReference(
                    f"More than one task matches {ref!r}: {names}. Which one?", candidates=candidates
                )
        raise TaskNotFound(f"No task matches {ref!r}.", reference=ref)

    async def resolve(self, ctx: RequestContext, ref: str | int, *, prefer: str | None = None) -> TaskOut:
        """Find the task meant by ``ref``: a number (``3``, ``"#3"``, ``"task 3"``) or title words.

        Args:
            prefer: ``pending`` or ``completed`` to look among those first (e.g. completing).

        Raises:
            TaskNotFound: nothing matches. AmbiguousReference: several tasks match equally.
        """
        async with self.sessionmaker() as session:
            return self.to_out(ctx, await self._resolve(session, ctx, ref, prefer))

    async def subtree(self, ctx: RequestContext, ref: str | int) -> builtins.list[TaskOut]:
        """The task meant by ``ref`` and its live subtasks (any level): what deleting it removes.

        Raises:
            TaskNotFound, AmbiguousReference.
        """
        async with self.sessionmaker() as session:
            task = await self._resolve(session, ctx, ref, None)
            return [self.to_out(ctx, t) for t in [task, *await subtasks.descendants(session, ctx, [task])]]

    async def list(
        self,
        ctx: RequestContext,
        flt: TaskFilter | None = None,
        *,
        sort: str = "number",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[TaskOut]:
        """The user's tasks matching ``flt``, in ``sort`` order (number, due, priority, created, title).

        Raises:
            ValidationError: unknown sort, priority, or malformed day.
            ListNotFound: ``flt.list`` names no list of the user.
        """
        async with self.sessionmaker() as session:
            await lists.check_filter(session, ctx, flt)
            rows = await queries.fetch(session, ctx, flt or TaskFilter(), sort=sort, limit=limit, offset=offset)
        return [self.to_out(ctx, t) for t in rows]

    async def export_pages(
        self, ctx: RequestContext, flt: TaskFilter | None = None, *, page_size: int = EXPORT_PAGE
    ) -> AsyncIterator[builtins.list[TaskOut]]:
        """The user's tasks matching ``flt``, in number order, a page (at most ``page_size`` rows
        read, one short transaction each) at a time: what an export streams without loading the
        whole list (:func:`todochat.tasks.export.export_stream`).

        Raises:
            ValidationError: a malformed filter field; ListNotFound: ``flt.list`` names no list of
                the user (both raised by the first page).
        """
        flt = flt or TaskFilter()
        after: int | None = 0
        while after is not None:
            async with self.sessionmaker() as session:
                if after == 0:
                    await lists.check_filter(session, ctx, flt)
                rows, after = await queries.fetch_after(session, ctx, flt, after=after, limit=page_size)
            if rows:
                yield [self.to_out(ctx, t) for t in rows]

    # ----------------------------------------------------------------- change
    async def complete(
        self, ctx: RequestContext, ref: str | int, *, advance_recurrence: bool = True, confirm: bool = False
    ) -> CompleteResult:
        """Mark a task completed. A repeating task also gets its next occurrence as a new open task
        (same title, description, tags, priority, rule and parent; due per
        :func:`dates.next_occurrence`), unless ``advance_recurrence`` is False (importing an
        already-finished occurrence). A task with open subtasks (any level) needs ``confirm=True``;
        then they are completed with it, in the same journal step (tasks/subtasks.py).

        Raises:
            TaskNotFound, AmbiguousReference.
            ConfirmationRequired: open subtasks and not confirmed (``action="complete"``,
                ``would_change`` lists the subtasks; nothing changed).
        """
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "complete")
            task = await self._resolve(session, ctx, ref, "pending")
            below = [t for t in await subtasks.descendants(session, ctx, [task]) if not t.completed]
            if below and not task.completed and not confirm:
                names = ", ".join(f"{t.number} '{t.title}'" for t in below)
                raise ConfirmationRequired(
                    f"Task {task.number} '{task.title}' has {len(below)} open subtask"
                    f"{'s' if len(below) > 1 else ''}: {names}. Confirm to complete "
                    f"{'them' if len(below) > 1 else 'it'} too.",
                    action="complete",
                    would_change=subtasks.brief(below),
                )
            if task.completed:
                below = []
            for sub in reversed(below):  # deepest first
                await self._complete_row(session, ctx, sub, rec, advance_recurrence)
            result = await self._complete_row(session, ctx, task, rec, advance_recurrence)
            if below:
                await subtasks.refresh(session, [task])
                result = result.model_copy(update={"task": self.to_out(ctx, task)})
            await rec.save()
            return result

    async def _complete_row(
        self,
        session: AsyncSession,
        ctx: RequestContext,
        task: Task,
        rec: Recorder,
        advance_recurrence: bool = True,
    ) -> CompleteResult:
        now = ctx.now()
        next_out = None
        await reminders.lock_rows(session, [task])
        rec.track(task)
        if not task.completed:
            repeating = reminders.repeatable(task)
            reminders.cancel_pending(task)
            task.completed = True
            task.completed_at = now
            task.updated_at = now
            if task.recurrence and advance_recurrence:
                nxt = dates.next_occurrence(task.recurrence, task.due_at, task.due_all_day, now, ctx.tz)
                existing = await self._open_occurrence(session, ctx, task, nxt[0]) if nxt else None
                if existing is not None:  # completed, reopened, completed again: no duplicate
                    next_out = self.to_out(ctx, existing)
                elif nxt:
                    number = await self._next_number(session, ctx.user_id)
                    clone = Task(
                        user_id=ctx.user_id,
                        number=number,
                        title=task.title,
                        description=task.description,
                        priority=task.priority,
                        due_at=nxt[0],
                        due_all_day=nxt[1],
                        recurrence=dates.remaining_rule(
                            task.recurrence, task.due_at, task.due_all_day, nxt[0], now, ctx.tz
                        ),
                        completed=False,
                        created_at=now,
                        updated_at=now,
                        tag_rows=[TaskTag(user_id=ctx.user_id, tag=t) for t in task.tags],
                        reminder_rows=[],
                        task_list=task.task_list,
                        parent_id=task.parent_id,  # a repeating subtask stays under its parent
                    )
                    set_committed_value(clone, "parent_number", subtasks.parent_number(task))
                    session.add(clone)
                    reminders.copy_for_occurrence(task, clone, repeating, ctx.tz, now)
                    rec.track_new(clone)
                    await session.flush()
                    next_out = self.to_out(ctx, clone)
        await session.flush()
        return CompleteResult(task=self.to_out(ctx, task), next_task=next_out)

    async def _open_occurrence(
        self, session: AsyncSession, ctx: RequestContext, task: Task, due_at: datetime
    ) -> Task | None:
        """The open task that already is ``task``'s next occurrence (same title, due), if any."""
        stmt = queries.live(ctx).where(
            Task.id != task.id,
            Task.completed.is_(False),
            Task.title == task.title,
            Task.recurrence.is_not(None),
            Task.due_at == due_at,
        )
        return (await session.execute(stmt.limit(1))).scalar_one_or_none()

    async def reopen(self, ctx: RequestContext, ref: str | int) -> TaskOut:
        """Mark a completed task open again.

        Raises:
            TaskNotFound, AmbiguousReference.
        """
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "reopen")
            task = await self._resolve(session, ctx, ref, "completed")
            rec.track(task)
            if task.completed:
                task.completed = False
                task.completed_at = None
                task.updated_at = ctx.now()
            await rec.save()
            return self.to_out(ctx, task)

    async def update(self, ctx: RequestContext, ref: str | int, changes: TaskChanges) -> TaskOut:
        """Change the fields set in ``changes``; validation as in :meth:`add`. ``due=""`` and
        ``recurrence=""`` clear those fields; ``due_day``/``due_time``/``shift``/``later_only``
        follow the rescheduling rules (tasks/rescheduling.py). A move to another list
        (``changes.list``) moves the task's whole subtree with it, in the same journal step
        (tasks/subtasks.py :func:`~todochat.tasks.subtasks.carry_to_list`).

        Raises:
            ValidationError: nothing to change, or a field breaks its rule.
            EarlierThanDue: ``later_only`` and the new due date is before the current one.
            TaskNotFound, AmbiguousReference.
            ListNotFound: ``changes.list`` names no list (an archived one: ValidationError).
        """
        prepared = self._prepare_changes(ctx, changes)
        moving_only = changes.model_dump(exclude_none=True).keys() == {"list"}
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "move" if moving_only else "update")
            await self._prepare_list(session, ctx, changes, prepared)
            task = await self._resolve(session, ctx, ref, None)
            await reminders.lock_rows(session, [task])
            await self._move_rows(session, ctx, [task], changes, rec)
            self._apply_changes(ctx, task, changes, prepared, rec)
            if "list" in prepared:  # its subtasks follow it (tasks/subtasks.py)
                await subtasks.carry_to_list(session, ctx, [task], prepared["list"], rec.track)  # type: ignore[arg-type]
            await rec.save()
            return self.to_out(ctx, task)

    async def _move_rows(
        self, session: AsyncSession, ctx: RequestContext, rows: Sequence[Task], changes: TaskChanges, rec: Recorder
    ) -> None:
        """Give ``rows`` the parent ``changes`` asks for (if any), each checked first
        (tasks/subtasks.py :func:`~todochat.tasks.subtasks.find_parent`); journal-tracked.

        Raises:
            ValidationError: field ``parent`` (no such task, itself, a cycle, too deep).
        """
        wanted = changes.parent_change()
        if wanted is False:
            return
        checked = []
        for row in rows:
            parent = await subtasks.find_parent(session, ctx, wanted, row) if wanted is not None else None
            checked.append((row, parent))
        for row, parent in checked:
            rec.track(row)
            row.parent_id = parent.id if parent is not None else None
            set_committed_value(row, "parent_number", parent.number if parent is not None else None)
            row.updated_at = ctx.now()

    async def bulk_update(
        self, ctx: RequestContext, selection: Selection, changes: TaskChanges, *, confirm: bool = False
    ) -> BulkResult:
        """Apply the same ``changes`` to every task of an explicit ``selection`` (numbers, a
        filter, or all; a filter or all without a status covers open tasks only — say
        ``status="completed"`` or name numbers to change done ones), in one journal group (one
        undo reverts all of it). Errors raised for one task carry its ``number`` and ``title``. Rescheduling fields
        act on each task's own due date: ``shift="P1W"`` moves each by a week, ``due_day`` keeps
        each task's time ("move everything due friday to monday"). All or nothing: if any task
        breaks a rule (``later_only`` and a new date before its due date, a shift of a task with
        no due date), nothing changes. A move to another list moves the subtrees of the tasks
        selected too (tasks/subtasks.py). More than one task needs ``confirm=True``; without it
        :class:`ConfirmationRequired` (``action="update"``) lists the tasks that would change.

        Returns:
            Exactly the tasks changed, after the change.

        Raises:
            ValidationError: no or an empty selection, nothing to change, a ``title`` (one title
                for many tasks is refused), or a field breaking its rule.
            TaskNotFound: nothing matches, or a number of ``numbers`` is no task of the user.
            EarlierThanDue: ``later_only`` and a task would move earlier (nothing changed).
            ConfirmationRequired: more than one task and not confirmed.
        """
        if changes.title is not None:
            raise ValidationError("A bulk change can't give several tasks one title; rename them one by one.", field="title")
        prepared = self._prepare_changes(ctx, changes)
        flt = self._bulk_filter("update", selection)
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "bulk_update")
            await self._prepare_list(session, ctx, changes, prepared)
            rows = await self._selected(session, ctx, selection, flt, confirm=confirm, action="update", verb="change")
            await reminders.lock_rows(session, rows)
            await self._move_rows(session, ctx, rows, changes, rec)
            for row in rows:
                self._apply_changes(ctx, row, changes, prepared, rec)
            if "list" in prepared:  # their subtasks follow them (tasks/subtasks.py)
                await subtasks.carry_to_list(session, ctx, rows, prepared["list"], rec.track)  # type: ignore[arg-type]
            await rec.save()
            return BulkResult(tasks=[self.to_out(ctx, r) for r in rows])

    async def _selected(
        self, session: AsyncSession, ctx: RequestContext, selection: Selection, flt: TaskFilter,
        *, confirm: bool, action: str, verb: str,
    ) -> list[Task]:
        """The rows a bulk ``action`` (delete, update) covers, checked: every number of
        ``selection.numbers`` exists, something matches, and several need ``confirm``.

        Raises:
            TaskNotFound: nothing matches, or a number is no task of the user.
            ConfirmationRequired: more than one task and not confirmed (``would_change`` lists them).
        """
        rows = list(await queries.fetch(session, ctx, flt))
        done = {"change": "changed", "delete": "deleted"}[verb]
        queries.check_numbers(selection.numbers, rows, done)
        if not rows:
            raise TaskNotFound(f"No tasks match, so nothing was {done}.")
        if len(rows) > 1 and not confirm:
            raise ConfirmationRequired(
                f"This would {verb} {len(rows)} tasks. Confirm to {verb} them.",
                action=action,
                would_change=[{"number": r.number, "title": r.title} for r in rows],
            )
        return rows

    def _prepare_changes(self, ctx: RequestContext, changes: TaskChanges) -> dict[str, object]:
        """Validate ``changes`` before any row is read: cleaned values by field name.

        Raises:
            ValidationError: nothing to change, a field breaking its rule, ``due`` together with
                ``due_day``/``due_time``/``shift``, or ``later_only`` without a new due date.
        """
        if changes.is_empty():
            raise ValidationError("Nothing to change: give a new title, description, due date, priority, tags, recurrence, list or parent.")
        moves = {"due_day": changes.due_day, "due_time": changes.due_time, "shift": changes.shift}
        if changes.due is not None and any(moves.values()):
            raise ValidationError("Give either due or due_day/due_time/shift, not both.", field="due")
        if changes.later_only and changes.due is None and not any(moves.values()):
            raise ValidationError("later_only goes with a new due date.", field="later_only")
        due: tuple[datetime | None, bool] | None = None
        if changes.due is not None:
            due = dates.parse_due(changes.due, ctx.tz) if changes.due.strip() else (None, False)
        return {
            "title": clean_title(changes.title) if changes.title is not None else None,
            "description": clean_description(changes.description) if changes.description is not None else None,
            "priority": clean_priority(changes.priority) if changes.priority is not None else None,
            "tags": clean_tags(changes.tags) if changes.tags is not None else None,
            "add_tags": clean_tags(changes.add_tags),
            "remove_tags": clean_tags(changes.remove_tags),
            "due": due,
            "moves": moves,
            "recurrence": dates.normalize_rrule(changes.recurrence) if changes.recurrence else None,
        }

    @staticmethod
    async def _prepare_list(
        session: AsyncSession, ctx: RequestContext, changes: TaskChanges, prepared: dict[str, object]
    ) -> None:
        """Resolve ``changes.list`` (a move) into ``prepared["list"]``: the row, or None for the Inbox."""
        if changes.list is not None:
            prepared["list"] = await lists.target(session, ctx, changes.list)

    def _apply_changes(
        self, ctx: RequestContext, task: Task, changes: TaskChanges, prepared: dict[str, object], rec: Recorder
    ) -> None:
        """Change one row as :meth:`_prepare_changes` validated (journal-tracked first)."""
        moves: dict[str, str | None] = prepared["moves"]  # type: ignore[assignment]
        due: tuple[datetime | None, bool] | None = prepared["due"]  # type: ignore[assignment]
        try:
            if any(moves.values()):
                due = rescheduling.reschedule(
                    (task.due_at, task.due_all_day), tz=ctx.tz, now=ctx.now(),
                    later_only=bool(changes.later_only), **moves,
                )
            elif changes.later_only and due is not None and due[0] is not None and task.due_at is not None:
                rescheduling.check_later(due, (task.due_at, task.due_all_day), ctx.tz)
        except (EarlierThanDue, ValidationError) as exc:  # name the task (a bulk change has several)
            exc.details.setdefault("number", task.number)
            exc.details.setdefault("title", task.title)
            raise
        rec.track(task)
        old_due = (task.due_at, task.due_all_day)
        if prepared["title"] is not None:
            task.title = prepared["title"]  # type: ignore[assignment]
        if prepared["description"] is not None:
            task.description = prepared["description"]  # type: ignore[assignment]
        if prepared["priority"] is not None:
            task.priority = prepared["priority"]  # type: ignore[assignment]
        tags: list[str] | None = prepared["tags"]  # type: ignore[assignment]
        add_tags: list[str] = prepared["add_tags"]  # type: ignore[assignment]
        remove_tags: list[str] = prepared["remove_tags"]  # type: ignore[assignment]
        if tags is not None or add_tags or remove_tags:
            new = set(task.tags if tags is None else tags) | set(add_tags)
            new -= set(remove_tags)
            task.tag_rows = [r for r in task.tag_rows if r.tag in new]
            have = {r.tag for r in task.tag_rows}
            check_tag_count(sorted(new))
            task.tag_rows.extend(TaskTag(user_id=ctx.user_id, tag=t) for t in sorted(new - have))
        if due is not None:
            task.due_at, task.due_all_day = due
        if changes.recurrence is not None:
            recurrence: str | None = prepared["recurrence"]  # type: ignore[assignment]
            task.recurrence = recurrence
            if recurrence and task.due_at is None:
                first = dates.next_occurrence(recurrence, None, True, ctx.now() - timedelta(days=1), ctx.tz)
                if first:
                    task.due_at, task.due_all_day = first
        if (task.due_at, task.due_all_day) != old_due:
            reminders.follow_due(task, ctx.tz)
        if "list" in prepared:
            task.task_list = prepared["list"]  # type: ignore[assignment]
        task.updated_at = ctx.now()

    async def delete(self, ctx: RequestContext, ref: str | int, *, confirm: bool = False) -> TaskOut:
        """Delete one task (a soft delete that :meth:`undo` can revert until purged). A task with
        subtasks needs ``confirm=True``; then its whole subtree goes with it, in the same journal
        step (one undo restores all of it; tasks/subtasks.py).

        Raises:
            TaskNotFound, AmbiguousReference.
            ConfirmationRequired: it has subtasks and not confirmed (``action="delete"``,
                ``would_delete`` lists the task and its subtasks; nothing changed).
        """
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "delete")
            task = await self._resolve(session, ctx, ref, None)
            below = await subtasks.descendants(session, ctx, [task])
            if below and not confirm:
                raise ConfirmationRequired(
                    f"Task {task.number} '{task.title}' has {len(below)} subtask{'s' if len(below) > 1 else ''}: "
                    f"deleting it deletes {'them' if len(below) > 1 else 'it'} too. Confirm to delete "
                    f"{len(below) + 1} tasks.",
                    action="delete",
                    would_change=subtasks.brief([task, *below]),
                )
            await reminders.lock_rows(session, [task, *below])
            self._soft_delete([task, *below], ctx, rec)
            await rec.save()
            return self.to_out(ctx, task)

    def _soft_delete(self, tasks: Sequence[Task], ctx: RequestContext, rec: Recorder) -> None:
        """Mark ``tasks`` deleted (hidden until :meth:`undo` or :meth:`purge`)."""
        now = ctx.now()
        for task in tasks:
            rec.track(task)
            reminders.cancel_pending(task)
            task.deleted_at = now
            task.updated_at = now

    async def bulk_complete(
        self, ctx: RequestContext, selection: Selection | TaskFilter, *, confirm: bool = False
    ) -> BulkResult:
        """Complete the open tasks of an explicit ``selection`` (numbers, a filter, or all);
        repeating tasks get their next occurrence. More than one task needs ``confirm=True``:
        without it nothing changes and :class:`ConfirmationRequired` (``action="complete"``) lists
        what would be completed. Fronts whose callers name their selection themselves (REST)
        pass ``confirm=True``; completing is undoable, but a person asked in chat confirms first.

        Returns:
            Exactly the tasks completed (``tasks``; tasks of ``numbers`` already done are left
            alone and not listed) and the next occurrences (``created``); both empty when no
            open task matched.

        Raises:
            ValidationError: no selection, two kinds, empty numbers, a filter narrowing nothing.
            TaskNotFound: a number of ``numbers`` is no task of the user (nothing changed).
            ConfirmationRequired: more than one task and not confirmed.
        """
        if isinstance(selection, TaskFilter):
            selection = Selection(filter=selection)
        flt = self._bulk_filter("complete", selection)
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "bulk_complete")
            rows = await queries.fetch(session, ctx, flt)
            queries.check_numbers(selection.numbers, rows, "completed")
            rows = [r for r in rows if not r.completed]
            rows += [r for r in await subtasks.descendants(session, ctx, rows) if not r.completed]
            if len(rows) > 1 and not confirm:
                raise ConfirmationRequired(
                    f"This would complete {len(rows)} tasks. Confirm to complete them.",
                    action="complete",
                    would_change=[{"number": r.number, "title": r.title} for r in rows],
                )
            done, created = [], []
            for row in rows:
                result = await self._complete_row(session, ctx, row, rec)
                done.append(result.task)
                if result.next_task:
                    created.append(result.next_task)
            await rec.save()
            return BulkResult(tasks=done, created=created)

    @staticmethod
    def _bulk_filter(action: Literal["delete", "complete", "update"], selection: Selection) -> TaskFilter:
        """The filter a bulk ``action`` selects with: completing covers open tasks unless numbers
        are named; updating by a filter or all without a status covers open tasks ("move everything
        due friday"); deleting covers what the selection says."""
        flt = selection.to_filter()
        if action == "complete" and selection.numbers is None:
            return flt.model_copy(update={"status": "pending"})
        if action == "update" and selection.numbers is None and flt.status == "all":
            return flt.model_copy(update={"status": "pending"})
        return flt

    async def bulk_preview(
        self, ctx: RequestContext, action: Literal["delete", "complete", "update"], selection: Selection
    ) -> Sequence[TaskOut]:
        """The tasks a bulk ``action`` over ``selection`` would change now, changing nothing: what
        a confirmation question lists (numbers that are no task are left to the action to refuse).

        Raises:
            ValidationError: a malformed selection (as the action would).
        """
        flt = self._bulk_filter(action, selection)
        async with self.sessionmaker() as session:
            rows = list(await queries.fetch(session, ctx, flt))
        if action == "complete":
            rows = [r for r in rows if not r.completed]
        return [self.to_out(ctx, r) for r in rows]

    async def bulk_delete(
        self, ctx: RequestContext, selection: Selection | TaskFilter, *, confirm: bool = False
    ) -> BulkResult:
        """Delete the tasks of an explicit ``selection`` (numbers, a filter, or all). More than
        one task needs ``confirm=True``: without it nothing changes and
        :class:`ConfirmationRequired` lists what would be deleted (``would_delete``).

        Returns:
            Exactly the tasks deleted.

        Raises:
            ValidationError: no selection, two kinds, empty numbers, a filter narrowing nothing.
            TaskNotFound: nothing matches, or a number of ``numbers`` is no task of the user.
            ConfirmationRequired: more than one task and not confirmed.
        """
        if isinstance(selection, TaskFilter):
            selection = Selection(filter=selection)
        flt = self._bulk_filter("delete", selection)
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "bulk_delete")
            rows = await self._selected(session, ctx, selection, flt, confirm=confirm, action="delete", verb="delete")
            rows += await subtasks.descendants(session, ctx, rows)  # a subtree goes with its root
            if len(rows) > 1 and not confirm:
                raise ConfirmationRequired(
                    f"This would delete {len(rows)} tasks (with subtasks). Confirm to delete them.",
                    action="delete",
                    would_change=subtasks.brief(rows),
                )
            await reminders.lock_rows(session, rows)
            outs = [self.to_out(ctx, r) for r in rows]
            self._soft_delete(rows, ctx, rec)
            await rec.save()
            return BulkResult(tasks=outs)

    # ----------------------------------------------------------------- reminders
    async def add_reminder(
        self,
        ctx: RequestContext,
        ref: str | int,
        *,
        at: datetime | None = None,
        before_minutes: int | None = None,
    ) -> ReminderOut:
        """Add a reminder to the task ``ref``: at the instant ``at`` (aware), or ``before_minutes``
        before its due time (0 = at the due time); rules in tasks/reminders.py. Journalled as
        ``remind`` (undo removes it).

        Raises:
            ValidationError: both or neither given, out of range, relative on a task with no
                due, or the task already has 20 pending reminders.
            ReminderInPast: it would fire at or before now (nothing changed; ask "remind you now?").
            TaskNotFound, AmbiguousReference.
        """
        reminders.check_spec(at, before_minutes)
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "remind")
            task = await self._resolve(session, ctx, ref, "pending")
            await reminders.lock_rows(session, [task])
            rec.track(task)
            row = reminders.new_reminder(task, at=at, before_minutes=before_minutes, tz=ctx.tz, now=ctx.now())
            await rec.save()
            return self.reminder_out(ctx, row, task)

    async def list_reminders(
        self,
        ctx: RequestContext,
        ref: str | int | None = None,
        *,
        status: ReminderStatusFilter = "pending",
        window: Window | None = None,
    ) -> builtins.list[ReminderOut]:
        """The user's reminders (of the task ``ref`` when given) with this ``status`` (``all``:
        any), soonest first; reminders of deleted tasks are left out. With a ``window``
        (tasks/reminder_window.py) only those whose ``fire_at`` falls in it ("tomorrow").

        Raises:
            ValidationError: unknown status. TaskNotFound, AmbiguousReference (``ref``).
        """
        if status not in get_args(ReminderStatusFilter):
            raise ValidationError("status is pending, fired, cancelled or all.", field="status")
        async with self.sessionmaker() as session:
            stmt = (
                select(Reminder, Task)
                .join(Task, Reminder.task_id == Task.id)
                .where(Reminder.user_id == ctx.user_id, Task.user_id == ctx.user_id, Task.deleted_at.is_(None))
            )
            if ref is not None:
                task = await self._resolve(session, ctx, ref, None)
                stmt = stmt.where(Reminder.task_id == task.id)
            if status != "all":
                stmt = stmt.where(Reminder.status == status)
            stmt = _in_window(stmt, window)
            pairs = list((await session.execute(stmt)).tuples())
        pairs.sort(key=lambda p: reminders.order_key(p[0]))
        return [self.reminder_out(ctx, row, task) for row, task in pairs]

    async def delete_reminder(
        self, ctx: RequestContext, reminder_id: int | None = None, *, task: str | int | None = None
    ) -> ReminderOut:
        """Cancel a pending reminder: the one with id ``reminder_id``, or the only pending reminder
        of the task ``task``. Journalled as ``unremind`` (undo brings it back).

        Raises:
            ReminderNotFound: no such reminder of this user (another user's too), it is not
                pending, or the task has none pending.
            AmbiguousReminder: ``task`` has several pending reminders (``candidates`` lists them).
            ValidationError: neither or both of ``reminder_id`` and ``task``.
            TaskNotFound, AmbiguousReference (``task``).
        """
        if (reminder_id is None) == (task is None):
            raise ValidationError("Say which reminder: its id, or the task it is on.", field="reminder")
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "unremind")
            if reminder_id is not None:
                owner, row = await self._reminder(session, ctx, reminder_id)
            else:
                assert task is not None
                owner = await self._resolve(session, ctx, task, None)
                await reminders.lock_rows(session, [owner])
                row = self._only_pending(ctx, owner)
            rec.track(owner)
            row.status = ReminderStatus.cancelled.value
            owner.updated_at = ctx.now()
            await rec.save()
            return self.reminder_out(ctx, row, owner)

    async def _reminder(self, session: AsyncSession, ctx: RequestContext, reminder_id: int) -> tuple[Task, Reminder]:
        """The live task and pending reminder ``reminder_id`` of ``ctx.user_id``.

        Raises:
            ReminderNotFound: none such (other users' reminders are not found either).
        """
        if isinstance(reminder_id, bool) or not isinstance(reminder_id, int) or not 1 <= reminder_id < 2**63:
            raise ValidationError("A reminder id is a positive whole number.", field="reminder")
        row = (
            await session.execute(
                select(Reminder).where(Reminder.id == reminder_id, Reminder.user_id == ctx.user_id)
            )
        ).scalar_one_or_none()
        if row is None:
            raise ReminderNotFound(f"There is no reminder {reminder_id}.", reminder=reminder_id)
        task = (await session.execute(queries.live(ctx).where(Task.id == row.task_id))).scalar_one_or_none()
        if task is not None:
            await reminders.lock_rows(session, [task])  # the status below is the committed one
        if task is None or row.status != ReminderStatus.pending.value:
            raise ReminderNotFound(f"Reminder {reminder_id} is not pending.", reminder=reminder_id)
        return task, next(r for r in task.reminder_rows if r.id == row.id)

    def _only_pending(self, ctx: RequestContext, task: Task) -> Reminder:
        rows = reminders.pending(task)
        if not rows:
            raise ReminderNotFound(
                f"Task {task.number} '{task.title}' has no pending reminder.", number=task.number
            )
        if len(rows) > 1:
            candidates = [
                {
                    "reminder": r.id,
                    "number": task.number,
                    "title": task.title,
                    "fire_at": f.isoformat() if (f := _local(ctx, r.fire_at)) else None,
                }
                for r in rows
            ]
            raise AmbiguousReminder(
                f"Task {task.number} '{task.title}' has {len(rows)} reminders. Which one?", candidates=candidates
            )
        return rows[0]

    async def cancel_reminders(
        self,
        ctx: RequestContext,
        *,
        reminder_ids: Sequence[int] | None = None,
        task: str | int | None = None,
        all: bool = False,
        window: Window | None = None,
        confirm: bool = False,
    ) -> builtins.list[ReminderOut]:
        """Cancel several pending reminders at once, in one journal group (``bulk_unremind``: one
        undo brings all of them back). Name them with exactly one of ``reminder_ids``, ``task`` (all
        of that task's) or ``all`` (every one of the user's live tasks); ``window`` narrows
        ``task``/``all`` to those firing in it. As the bulk task changes: more than one reminder
        needs ``confirm=True``; without it nothing changes and :class:`ConfirmationRequired`
        (``action="cancel_reminders"``) lists them in ``would_change`` as ``{"reminder": id,
        "number", "title", "fire_at"}`` (soonest first), so a "yes" names exactly those ids. One
        reminder is cancelled at once.

        Returns:
            The reminders cancelled, soonest first.

        Raises:
            ValidationError: none or several of the three selections, an empty or malformed
                ``reminder_ids``.
            ReminderNotFound: nothing pending matches, or an id is no pending reminder of this
                user (nothing changed). TaskNotFound, AmbiguousReference (``task``).
            ConfirmationRequired: more than one and not confirmed.
        """
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "bulk_unremind")
            pairs = await self._reminders_selected(session, ctx, reminder_ids, task, all, window)
            if len(pairs) > 1 and not confirm:
                raise ConfirmationRequired(
                    f"This would cancel {len(pairs)} reminders. Confirm to cancel them.",
                    action="cancel_reminders",
                    would_change=[
                        {
                            "reminder": row.id,
                            "number": owner.number,
                            "title": owner.title,
                            "fire_at": f.isoformat() if (f := _local(ctx, row.fire_at)) else None,
                        }
                        for owner, row in pairs
                    ],
                )
            now = ctx.now()
            for owner, row in pairs:
                rec.track(owner)
                row.status = ReminderStatus.cancelled.value
                owner.updated_at = now
            await rec.save()
            return [self.reminder_out(ctx, row, owner) for owner, row in pairs]

    async def cancel_reminders_preview(
        self,
        ctx: RequestContext,
        *,
        reminder_ids: Sequence[int] | None = None,
        task: str | int | None = None,
        all: bool = False,
        window: Window | None = None,
    ) -> builtins.list[ReminderOut]:
        """The reminders :meth:`cancel_reminders` would cancel now, soonest first, changing nothing
        (what a confirmation question lists). Raises as :meth:`cancel_reminders` does, except
        :class:`ConfirmationRequired`."""
        async with self.sessionmaker() as session:
            pairs = await self._reminders_selected(session, ctx, reminder_ids, task, all, window)
            return [self.reminder_out(ctx, row, owner) for owner, row in pairs]

    async def _reminders_selected(
        self,
        session: AsyncSession,
        ctx: RequestContext,
        reminder_ids: Sequence[int] | None,
        task: str | int | None,
        all: bool,
        window: Window | None,
    ) -> builtins.list[tuple[Task, Reminder]]:
        """The live tasks and pending reminders a bulk cancel covers, soonest first (rules and
        errors: :meth:`cancel_reminders`)."""
        given = [reminder_ids is not None, task is not None, bool(all)]
        if sum(given) != 1:
            raise ValidationError("Say which reminders: their ids, a task, or all.", field="reminders")
        if reminder_ids is not None and not reminder_ids:
            raise ValidationError("Name at least one reminder id.", field="reminders")
        pairs: builtins.list[tuple[Task, Reminder]] = []
        named: Task | None = None
        if reminder_ids is not None:
            for rid in dict.fromkeys(reminder_ids):
                pairs.append(await self._reminder(session, ctx, rid))
        else:
            stmt = (
                select(Reminder.id)
                .join(Task, Reminder.task_id == Task.id)
                .where(Reminder.user_id == ctx.user_id, Task.user_id == ctx.user_id, Task.deleted_at.is_(None),
                       Reminder.status == ReminderStatus.pending.value)
            )
            if task is not None:
                named = await self._resolve(session, ctx, task, None)
                stmt = stmt.where(Reminder.task_id == named.id)
            for rid in list((await session.execute(_in_window(stmt, window))).scalars()):
                pairs.append(await self._reminder(session, ctx, rid))
        if not pairs:
            if named is not None:
                raise ReminderNotFound(f"Task {named.number} '{named.title}' has no pending reminder.", number=named.number)
            raise ReminderNotFound("You have no pending reminders to cancel.")
        pairs.sort(key=lambda p: reminders.order_key(p[1]))
        return pairs

    # ----------------------------------------------------------------- journal
    async def undo(self, ctx: RequestContext) -> UndoResult:
        """Revert the user's latest change that is not undone (any kind, any front; then the one
        before, and so on, within the undo window of 30 days). An undone add hides the task; an
        undone completion of a repeating task reopens it and hides the next occurrence it made.

        Returns:
            What was undone: ``message`` is ``Undid: <summary>``.

        Raises:
            NothingToUndo: no change left to undo (nothing changes).
        """
        return await self._step(ctx, "undo")

    async def redo(self, ctx: RequestContext) -> UndoResult:
        """Re-apply the change the last :meth:`undo` reverted (then the one undone before it).
        A new change after an undo clears what can be redone.

        Returns:
            What was redone: ``message`` is ``Redid: <summary>``.

        Raises:
            NothingToRedo: nothing undone to redo (nothing changes).
        """
        return await self._step(ctx, "redo")

    async def undo_delete(self, ctx: RequestContext, number: int) -> UndoResult:
        """Undo the deletion of task ``number`` (a deleted row's Undo button): :meth:`undo`, but
        only when that deletion is the user's latest change still done — undo is last-in-first-out
        (tasks/journal.py), so an older deletion is undone by undoing what came after it first.

        Raises:
            NothingToUndo: nothing to undo, or the latest change is not a deletion of that task
                (nothing changes).
        """

        def its_deletion(group: JournalGroup, changes: builtins.list[JournalChange]) -> None:
            if not group.action.endswith("delete") or number not in {c.number for c in changes}:
                raise NothingToUndo(
                    f"Deleting task {number} is not your latest change, so it cannot be undone here; "
                    'say "undo" to undo your changes one by one.',
                    numbers=[number],
                )

        return await self._step(ctx, "undo", check=its_deletion)

    async def _step(
        self,
        ctx: RequestContext,
        direction: Literal["undo", "redo"],
        *,
        check: Callable[[JournalGroup, builtins.list[JournalChange]], None] | None = None,
    ) -> UndoResult:
        async with self.sessionmaker.begin() as session:
            group, summary, tasks = await journal.step(session, ctx, direction, ctx.now() - UNDO_WINDOW, check=check)
            rows = sorted(tasks, key=lambda t: t.number)
            await subtasks.refresh(session, [t for t in rows if t.deleted_at is None])
            return UndoResult(
                id=group.seq,
                action=group.action,
                summary=summary,
                message=undo_message(summary, redo=direction == "redo"),
                tasks=[self.to_out(ctx, t) for t in rows if t.deleted_at is None],
                removed=[t.number for t in rows if t.deleted_at is not None],
            )

    async def activity(
        self,
        ctx: RequestContext,
        *,
        limit: int = 50,
        before: int | None = None,
        since_day: str | None = None,
    ) -> list[ActivityEntry]:
        """The user's change journal, newest first (undone entries included, flagged).

        Args:
            limit: at most this many entries (1–500).
            before: only entries with an ``id`` below this (paging: the last id of a page).
            since_day: only changes made on or after this local day: ``today``, ``yesterday`` or
                ``YYYY-MM-DD`` in the user's zone.

        Raises:
            ValidationError: a malformed ``since_day`` (field ``since``) or ``limit``.
        """
        if not 1 <= limit <= 500:
            raise ValidationError("limit must be between 1 and 500.", field="limit")
        since = None
        if since_day is not None:
            today = ctx.local_now().date()
            key = since_day.strip().lower()
            day = {"today": today, "yesterday": today - timedelta(days=1)}.get(key) or parse_day(key, "since")
            since = datetime.combine(day, time(0, 0), tzinfo=ctx.tz)
        async with self.sessionmaker() as session:
            return await journal.entries(session, ctx, limit=limit, before=before, since=since)

    async def turn_changes(self, ctx: RequestContext, turn: str, *, detail: bool = False) -> list[ActivityEntry]:
        """The changes chat turn ``turn`` (a ChatKit user message item id) made, oldest first, as
        the journal recorded them in each change's own transaction (undone ones included, flagged).
        A retry of that message reads these instead of changing anything again; the turn's steps
        (chatkit/steps.py) show them with ``detail`` (an added task's due date in its summary)."""
        async with self.sessionmaker() as session:
            found = await journal.entries(session, ctx, limit=500, turn=turn, detail=detail)
        return list(reversed(found))

    async def forget_changes(self, ctx: RequestContext) -> None:
        """Drop the user's change journal: nothing made so far can be undone or redone, and the
        activity feed starts empty (after seeding or importing a list)."""
        async with self.sessionmaker.begin() as session:
            await session.execute(delete(JournalGroup).where(JournalGroup.user_id == ctx.user_id))
            await session.execute(journal.bump_mark(ctx.user_id))  # the undo/redo state changed

    async def purge(self, ctx: RequestContext, *, older_than: timedelta = UNDO_WINDOW) -> int:
        """Remove for good the user's tasks deleted more than ``older_than`` ago (and journal
        entries older than that, which could no longer be undone). Returns the task count."""
        cutoff = ctx.now() - older_than
        async with self.sessionmaker.begin() as session:
            await session.execute(
                delete(JournalGroup).where(JournalGroup.user_id == ctx.user_id, JournalGroup.created_at < cutoff)
            )
            result = await session.execute(
                delete(Task).where(
                    Task.user_id == ctx.user_id,
                    Task.deleted_at.is_not(None),
                    Task.deleted_at < cutoff,
                )
            )
            await session.execute(  # lists deleted as long ago (their tasks went with them)
                delete(TaskList).where(
                    TaskList.user_id == ctx.user_id, TaskList.deleted_at.is_not(None), TaskList.deleted_at < cutoff
                )
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # ----------------------------------------------------------------- import
    async def import_file(
        self,
        ctx: RequestContext,
        data: bytes,
        fmt: str | None = None,
        *,
        name: str = "file",
        dry_run: bool = False,
        max_bytes: int = 5 * 1024 * 1024,
        progress: Callable[[int, int], Awaitable[None]] | None = None,
    ) -> ImportPreview:
        """Import a task file (Todoist CSV, todo.txt, iCalendar VTODO, Taskwarrior JSON, todochat
        CSV: tasks/imports/), all of it or nothing, as ONE journal change (``import``: one undo
        removes every task it added). A dry run checks the same and changes nothing.

        Args:
            data: the file's bytes; fmt: its format (None: detected); name: its name (messages).
            dry_run: only preview. max_bytes: the size limit (``TODOCHAT_IMPORT_MAX_BYTES``).
            progress: awaited as tasks are created (``done, total``).

        Returns:
            The preview (a dry run) or what was added (``numbers``, ``change``).

        Raises:
            ValidationError: an unknown format (field ``format``).
            ImportFileError: the file is too large (413), binary, not UTF-8, malformed, or a task
                breaks a rule — naming the line or record.
            QuotaExceeded: the user's task quota has no room for all of it.
        """
        from todochat.tasks import importing, imports

        parsed = imports.read(data, fmt, name=name, max_bytes=max_bytes)
        tasks = importing.clean(ctx, parsed)
        result = importing.preview(ctx, parsed, tasks, dry_run=dry_run)
        if dry_run:
            async with self.sessionmaker() as session:
                await quotas.check_tasks(session, ctx, limit=self.max_tasks, adding=len(tasks))
            return result
        async with self.sessionmaker.begin() as session:
            rows, change = await importing.add_all(
                session, ctx, tasks, max_tasks=self.max_tasks, max_lists=self.max_lists, last_number=self._next_number, progress=progress
            )
        return result.model_copy(update={"numbers": [r.number for r in rows], "change": change})

    # ----------------------------------------------------------------- user settings
    async def get_timezone(self, user_id: str) -> str | None:
        """The user's stored time zone name, if any."""
        async with self.sessionmaker() as session:
            row = await session.get(UserSettings, user_id)
            return row.timezone if row else None

    async def get_preferences(self, user_id: str) -> tuple[str | None, str]:
        """The user's stored time zone name (None: not set) and reply language (``"auto"`` when
        not set), read in one statement."""
        async with self.sessionmaker() as session:
            row = await session.get(UserSettings, user_id)
            return (row.timezone, row.language or "auto") if row else (None, "auto")

    async def set_language(self, ctx: RequestContext, value: str) -> None:
        """Store the user's reply language (``auto``, ``en``, ``de``; ``auto`` is stored as NULL).

        Raises:
            ValidationError: any other value (field ``language``); nothing is stored.
        """
        from todochat.context import check_language

        check_language(value)
        await self._store_setting(ctx, language=None if value == "auto" else value)

    async def set_timezone(self, ctx: RequestContext, name: str) -> None:
        """Store the user's time zone.

        Raises:
            ValidationError: unknown zone.
        """
        from todochat.context import parse_zone

        parse_zone(name)
        await self._store_setting(ctx, timezone=name)

    async def _store_setting(self, ctx: RequestContext, **values: str | None) -> None:
        """Set these columns of the user's settings row (made on first use), in one transaction."""
        async with self.sessionmaker.begin() as session:
            row = await session.get(UserSettings, ctx.user_id)
            if row is None:
                session.add(UserSettings(user_id=ctx.user_id, **values))
            else:
                for name, value in values.items():
                    setattr(row, name, value)


def _in_window(stmt: Any, window: Window | None) -> Any:
    """``stmt`` (over :class:`Reminder`) narrowed to reminders firing in ``window``."""
    if window is None or window.is_open():
        return stmt
    if window.start is not None:
        stmt = stmt.where(Reminder.fire_at >= window.start)
    if window.end is not None:
        stmt = stmt.where(Reminder.fire_at < window.end)
    return stmt


def _local(ctx: RequestContext, value: datetime | None) -> datetime | None:
    """An instant with the user's UTC offset at that instant (a fixed offset, so ISO text shows it
    and comparisons stay exact even in a DST fold, PEP 495); None stays None."""
    if value is None:
        return None
    local = value.astimezone(ctx.tz)
    return local.replace(tzinfo=timezone(local.utcoffset() or timedelta(0)))
