"""SQL plumbing shared by the conversation store: tables, dialect upserts, transactions, keyset pages."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

from chatkit.store import NotFoundError
from chatkit.types import Page
from sqlalchemy import Column, Table, and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from todochat.conversations.models import AttachmentRow, FeedbackRow, ThreadItemRow, ThreadRow

T = TypeVar("T")
THREADS: Table = ThreadRow.__table__  # type: ignore[assignment]
ITEMS: Table = ThreadItemRow.__table__  # type: ignore[assignment]
ATTACHMENTS: Table = AttachmentRow.__table__  # type: ignore[assignment]
FEEDBACK: Table = FeedbackRow.__table__  # type: ignore[assignment]
MAX_PAGE_SIZE = 1000


class SQLBase:
    """A session factory's engine, its dialect's ``INSERT … ON CONFLICT`` and keyset paging.

    Args:
        sessionmaker: the app's async session factory (``todochat.db.make_sessionmaker``).
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        bind = sessionmaker.kw.get("bind")
        self._engine = bind if isinstance(bind, AsyncEngine) else None
        dialect = bind.dialect.name if bind is not None else "sqlite"
        self._insert = pg_insert if dialect == "postgresql" else sqlite_insert

    def _tx(self) -> AbstractAsyncContextManager[AsyncConnection | AsyncSession]:
        """One short transaction: a Core connection of the sessionmaker's engine (the store needs
        no ORM; this skips the session's bookkeeping), or a session when there is no engine."""
        return self._engine.begin() if self._engine is not None else self._sessionmaker.begin()

    async def _page(
        self,
        table: Table,
        where: list[Any],
        tie: Column[Any],
        after: str | None,
        limit: int,
        order: str,
        decode: Callable[[Any], T],
    ) -> Page[T]:
        """A keyset page of ``table`` rows matching ``where``, ordered by ``(created_at, tie)``.

        Args:
            after: ``id`` of the row the previous page ended with (must match ``where``).
            limit: page size, clamped to 1..``MAX_PAGE_SIZE`` (never "no limit").
            order: ``"asc"`` or ``"desc"``.
            decode: row (with ``data`` and ``created_at``) → model with an ``id``.

        Returns:
            ``Page(data, has_more, after=last id if has_more else None)``, as chatkit's stores do.

        Raises:
            NotFoundError: ``after`` names no row matching ``where``.
            ValueError: ``order`` is neither ``asc`` nor ``desc``.
        """
        if order not in ("asc", "desc"):
            raise ValueError(f"order must be 'asc' or 'desc', not {order!r}")
        limit, desc = max(1, min(int(limit), MAX_PAGE_SIZE)), order == "desc"
        key = table.c.created_at
        async with self._tx() as db:
            if after:
                query = select(key, tie).where(*where, table.c.id == after)
                cursor = (await db.execute(query)).first()
                if cursor is None:
                    raise NotFoundError(f"{after} not found")
                at, tied = cursor
                where = [*where, or_(key < at, and_(key == at, tie < tied)) if desc
                         else or_(key > at, and_(key == at, tie > tied))]
            ordering = (key.desc(), tie.desc()) if desc else (key.asc(), tie.asc())
            query = select(table.c.data, key).where(*where).order_by(*ordering).limit(limit + 1)
            rows = (await db.execute(query)).all()
        data = [decode(row) for row in rows[:limit]]
        has_more = len(rows) > limit
        return Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)  # type: ignore[attr-defined]
