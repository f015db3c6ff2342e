"""Per-user quotas on tasks and lists: the one rule every path that creates them calls (issue 17, item 5)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from todochat.context import RequestContext
from todochat.errors import QuotaExceeded
from todochat.tasks.models import Task, TaskList

TASKS_MAX = 10_000
"""Default of ``TODOCHAT_QUOTA_TASKS``."""


async def check_tasks(session: AsyncSession, ctx: RequestContext, *, limit: int, adding: int = 1) -> None:
    """Refuse to create ``adding`` tasks when the user would then have more than ``limit``.

    What counts: the user's tasks that are not deleted (open and completed — what the user sees
    and can delete); a deleted task stops counting at once. Call it inside the creating
    transaction after ``journal.begin`` (the user's journal lock): a user's changes then run one at
    a time, so two concurrent adds cannot both pass at ``limit - 1``. The next occurrence a
    completed repeating task makes is not checked (completing never fails for want of room), nor
    is undo or redo (an undone delete brings its task back even at the limit).

    Args:
        limit: the most tasks allowed (``Settings.quota_tasks``); 0 means no limit.
        adding: how many tasks the change creates (an import passes its size).

    Raises:
        QuotaExceeded: ``limit="tasks"``; nothing is created.
    """
    if limit <= 0:
        return
    stmt = select(func.count()).select_from(Task).where(Task.user_id == ctx.user_id, Task.deleted_at.is_(None))
    have = int((await session.execute(stmt)).scalar_one())
    if have + adding > limit:
        room = max(0, limit - have)
        more = f"only {room} more fit" if adding > 1 and room else "delete some to add more"
        raise QuotaExceeded(
            f"You have {have:,} tasks; the limit is {limit:,} per user, so {more}. Nothing was added.",
            limit="tasks",
            max=limit,
            setting="TODOCHAT_QUOTA_TASKS",
        )


LISTS_MAX = 500
"""Default of ``TODOCHAT_QUOTA_LISTS`` (Todoist allows 300 projects on its paid plan)."""


async def check_lists(session: AsyncSession, ctx: RequestContext, *, limit: int) -> None:
    """Refuse a new list when the user already has ``limit`` lists (archived ones count, deleted
    ones do not; the Inbox is not a row and never counts). Call it after ``journal.begin`` (the
    user's journal lock), like :func:`check_tasks`; undo of a list deletion is not checked.

    Args:
        limit: the most lists allowed (``Settings.quota_lists``); 0 means no limit.

    Raises:
        QuotaExceeded: ``limit="lists"``; nothing is created.
    """
    if limit <= 0:
        return
    stmt = select(func.count()).select_from(TaskList).where(
        TaskList.user_id == ctx.user_id, TaskList.deleted_at.is_(None)
    )
    have = int((await session.execute(stmt)).scalar_one())
    if have >= limit:
        raise QuotaExceeded(
            f"You have {have:,} lists; the limit is {limit:,} per user. Delete or merge a list to make "
            "another. Nothing was added.",
            limit="lists",
            max=limit,
            setting="TODOCHAT_QUOTA_LISTS",
        )
