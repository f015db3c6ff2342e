"""Where a user's tasks and lists stand: a mark that changes whenever any front (chat, widget,
REST, MCP, CLI, on any replica) changes them, undo and redo included. The page's event stream
(``GET /api/v1/events``) compares marks to tell the page.

The mark is the user's ``task_counters.change_mark`` (migration 0014): every change of tasks or
lists is a journal group (tasks/journal.py), and the journal bumps the counter in the same
transaction as each new group, undo, redo and journal drop. It only grows (a user's counter row is
removed only with the user), it is read from the database, so every replica sees every change,
and reading it is one primary-key lookup, whatever the journal's size (bench/change_mark.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.tasks.models import TaskCounter


@dataclass(frozen=True)
class ChangeMark:
    """A user's change counter at one moment; a later mark is larger when a change happened between.

    Attributes:
        mark: how many changes, undos and redos the user's journal has recorded (0: none yet).
    """

    mark: int


async def change_mark(sessionmaker: async_sessionmaker[AsyncSession], user_id: str) -> ChangeMark:
    """The user's :class:`ChangeMark` now: their counter row by primary key, in a short
    read-only session (no row yet: 0).

    Args:
        sessionmaker: the app's session factory.
        user_id: the verified user (from the token).

    Raises:
        sqlalchemy.exc.DBAPIError: the database is unreachable or the query failed.
    """
    stmt = select(TaskCounter.change_mark).where(TaskCounter.user_id == user_id)
    async with sessionmaker() as session:
        found = (await session.execute(stmt)).scalar_one_or_none()
    return ChangeMark(int(found or 0))


__all__ = ["ChangeMark", "change_mark"]
