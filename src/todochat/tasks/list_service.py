"""The list operations of :class:`todochat.tasks.service.TaskService`: create, rename, archive and
delete a user's lists, and list them with open-task counts. Rules are in tasks/lists.py; every
change is one journal group (tasks/journal.py), so undo and redo work as for tasks."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.context import RequestContext
from todochat.errors import ConfirmationRequired, ValidationError
from todochat.tasks import journal, lists, quotas, reminders
from todochat.tasks.journal import Recorder
from todochat.tasks.lists import INBOX, ListOut
from todochat.tasks.models import Task, TaskList


class ListOperations:
    """Mixed into TaskService (which gives ``sessionmaker``, ``max_lists`` and ``_soft_delete``).

    Errors raised: :class:`ValidationError` (a bad name, naming the field; the Inbox), ``ListNotFound``,
    ``ConfirmationRequired`` (deleting a list that has tasks), ``QuotaExceeded`` (``limit="lists"``).
    """

    sessionmaker: async_sessionmaker[AsyncSession]
    max_lists: int

    def _soft_delete(self, tasks: Sequence[Task], ctx: RequestContext, rec: Recorder) -> None:  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def list_out(row: TaskList, open_tasks: int = 0) -> ListOut:
        """Render a list row as :class:`ListOut`."""
        return ListOut(
            name=row.name,
            archived=row.archived_at is not None,
            open_tasks=open_tasks,
            created_at=row.created_at,
        )

    async def _free_name(self, session: AsyncSession, ctx: RequestContext, name: str, keep: TaskList | None = None) -> None:
        """Refuse ``name`` if it is the Inbox's or another live list's (case-insensitively)."""
        if lists.is_inbox(name):
            raise ValidationError(f"'{INBOX}' is the name of your default list; choose another name.", field="name")
        found = (
            await session.execute(lists.live(ctx).where(TaskList.name_key == lists.name_key(name)))
        ).scalar_one_or_none()
        if found is not None and found is not keep:
            raise ValidationError(f"You already have a list named '{found.name}'.", field="name")

    async def create_list(self, ctx: RequestContext, name: str) -> ListOut:
        """Create a list named ``name`` (journalled as ``list_create``; undo deletes it).

        Raises:
            ValidationError: name empty, over 100 characters, "Inbox", or already a list of the
                user (case-insensitively, NFC) — field ``name``.
            QuotaExceeded: the user has ``max_lists`` lists (tasks/quotas.py).
        """
        clean = lists.clean_name(name)
        now = ctx.now()
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "list_create")
            await self._free_name(session, ctx, clean)
            await quotas.check_lists(session, ctx, limit=self.max_lists)
            row = TaskList(user_id=ctx.user_id, name=clean, name_key=lists.name_key(clean), created_at=now, updated_at=now)
            session.add(row)
            await session.flush()
            rec.track_new_list(row)
            await rec.save()
            return self.list_out(row)

    async def list_lists(self, ctx: RequestContext, *, archived: bool = False) -> list[ListOut]:
        """The user's lists: the Inbox first, then the others by name (case-insensitively), each
        with its count of open tasks; archived lists only when ``archived`` is True."""
        async with self.sessionmaker() as session:
            stmt = lists.live(ctx)
            if not archived:
                stmt = stmt.where(TaskList.archived_at.is_(None))
            rows = sorted((await session.execute(stmt)).scalars(), key=lambda r: r.name_key)
            counts = await lists.open_counts(session, ctx)
        inbox = ListOut(name=INBOX, inbox=True, open_tasks=counts.get(None, 0))
        return [inbox, *(self.list_out(r, counts.get(r.id, 0)) for r in rows)]

    async def get_list(self, ctx: RequestContext, name: str) -> ListOut:
        """The list named ``name`` (or the Inbox) with its open-task count.

        Raises:
            ListNotFound, ValidationError (malformed name).
        """
        async with self.sessionmaker() as session:
            counts = await lists.open_counts(session, ctx)
            if lists.is_inbox(name):
                return ListOut(name=INBOX, inbox=True, open_tasks=counts.get(None, 0))
            row = await lists.find(session, ctx, name, field="name")
            return self.list_out(row, counts.get(row.id, 0))

    async def _change(self, session: AsyncSession, ctx: RequestContext, name: str, verb: str) -> TaskList:
        """The user's list ``name`` for a change; the Inbox is refused."""
        if lists.is_inbox(name):
            raise ValidationError(f"Your {INBOX} can't be {verb}.", field="name")
        return await lists.find(session, ctx, name, field="name")

    async def rename_list(self, ctx: RequestContext, name: str, new_name: str) -> ListOut:
        """Rename list ``name`` to ``new_name`` (journalled as ``list_rename``). Its tasks follow.

        Raises:
            ValidationError: the Inbox, or ``new_name`` breaks the name rules or is taken (field ``name``).
            ListNotFound: no list ``name``.
        """
        clean = lists.clean_name(new_name)
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "list_rename")
            row = await self._change(session, ctx, name, "renamed")
            await self._free_name(session, ctx, clean, keep=row)
            rec.track_list(row)
            row.name, row.name_key, row.updated_at = clean, lists.name_key(clean), ctx.now()
            await rec.save()
            counts = await lists.open_counts(session, ctx)
            return self.list_out(row, counts.get(row.id, 0))

    async def archive_list(self, ctx: RequestContext, name: str, *, archived: bool = True) -> ListOut:
        """Archive list ``name`` (or unarchive it: ``archived=False``); journalled as
        ``list_archive`` / ``list_unarchive``. An archived list keeps its tasks, is left out of
        :meth:`list_lists` unless asked, and takes no new tasks until unarchived.

        Raises:
            ValidationError: the Inbox. ListNotFound: no list ``name``.
        """
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "list_archive" if archived else "list_unarchive")
            row = await self._change(session, ctx, name, "archived")
            rec.track_list(row)
            if (row.archived_at is not None) != archived:
                row.archived_at = ctx.now() if archived else None
                row.updated_at = ctx.now()
            await rec.save()
            counts = await lists.open_counts(session, ctx)
            return self.list_out(row, counts.get(row.id, 0))

    async def delete_list(self, ctx: RequestContext, name: str, *, confirm: bool = False) -> ListOut:
        """Delete list ``name`` together with its tasks (open and completed), as Todoist deletes a
        project's tasks with it: moving them to the Inbox would bury the Inbox in tasks the user
        chose to throw away, and undo brings everything back. One journal group
        (``list_delete``): one undo restores the list and every task it had.

        A list with tasks needs ``confirm=True``; without it nothing changes and
        :class:`ConfirmationRequired` names the count and lists the tasks (``would_delete``).

        Returns:
            The list as it was (``open_tasks``: the open tasks deleted with it).

        Raises:
            ValidationError: the Inbox. ListNotFound: no list ``name``.
            ConfirmationRequired: it has tasks and ``confirm`` is False.
        """
        async with self.sessionmaker.begin() as session:
            rec = await journal.begin(session, ctx, "list_delete")
            row = await self._change(session, ctx, name, "deleted")
            tasks = list(
                (
                    await session.execute(
                        select(Task)
                        .where(Task.user_id == ctx.user_id, Task.deleted_at.is_(None), Task.list_id == row.id)
                        .order_by(Task.number)
                    )
                ).scalars()
            )
            if tasks and not confirm:
                n = len(tasks)
                raise ConfirmationRequired(
                    f"The list '{row.name}' has {n} task{'s' if n != 1 else ''}; deleting the list deletes "
                    f"{'them' if n != 1 else 'it'} too. Confirm to delete the list and its {n} task{'s' if n != 1 else ''}.",
                    action="delete",
                    would_change=[{"number": t.number, "title": t.title} for t in tasks],
                )
            out = self.list_out(row, sum(1 for t in tasks if not t.completed))
            await reminders.lock_rows(session, tasks)
            rec.track_list(row)
            row.deleted_at = row.updated_at = ctx.now()
            self._soft_delete(tasks, ctx, rec)
            await rec.save()
            return out
