"""Where a user's tasks and lists stand, read from the change journal: a mark that changes
whenever any front (chat, widget, REST, MCP, CLI, on any replica) changes them, undo and redo
included. The page's event stream (``GET /api/v1/events``) compares marks to tell the page.

Every change of tasks or lists is a journal group (tasks/journal.py): a new change adds one
(``seq`` grows), an undo sets its ``undone_at``, a redo clears it. So the mark is
``(newest seq, number of undone groups, sum of their seqs)``: a new change moves the first, an
undo or a redo the other two. It is read from the database, so every replica sees every change.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.tasks.models import JournalGroup


@dataclass(frozen=True)
class ChangeMark:
    """A user's change journal at one moment; two marks differ when a change happened between.

    Attributes:
        seq: the newest change's sequence number (0: none yet).
        undone: how many changes are undone now.
        undone_sum: the sum of their sequence numbers (tells an undo of one from a redo of another).
    """

    seq: int
    undone: int
    undone_sum: int


async def change_mark(sessionmaker: async_sessionmaker[AsyncSession], user_id: str) -> ChangeMark:
    """The user's :class:`ChangeMark` now: one aggregate query over their journal groups (the
    ``(user_id, seq)`` index), in a short read-only session.

    Args:
        sessionmaker: the app's session factory.
        user_id: the verified user (from the token).

    Raises:
        sqlalchemy.exc.DBAPIError: the database is unreachable or the query failed.
    """
    undone_seq = func.coalesce(func.sum(JournalGroup.seq).filter(JournalGroup.undone_at.is_not(None)), 0)
    stmt = select(
        func.coalesce(func.max(JournalGroup.seq), 0),
        func.count(JournalGroup.undone_at),
        undone_seq,
    ).where(JournalGroup.user_id == user_id)
    async with sessionmaker() as session:
        seq, undone, undone_sum = (await session.execute(stmt)).one()
    return ChangeMark(int(seq), int(undone), int(undone_sum))


__all__ = ["ChangeMark", "change_mark"]
