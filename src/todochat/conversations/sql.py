"""SQL of the conversation store, built once: upserts per dialect, keyed reads, keyset pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from chatkit.store import NotFoundError
from chatkit.types import Page
from sqlalchemy import Column, Select, String, Table, and_, bindparam, delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from todochat.context import RequestContext
from todochat.conversations.models import AttachmentRow, FeedbackRow, ThreadItemRow, ThreadRow
from todochat.conversations.turn_writes import turn_writes

# Statements are built once with bind parameters and executed with a dict of values: building an
# ``INSERT … ON CONFLICT`` per call costs more CPU than running it (measured ~0.3-0.8 ms per call).
T = TypeVar("T")
THREADS: Table = ThreadRow.__table__  # type: ignore[assignment]
ITEMS: Table = ThreadItemRow.__table__  # type: ignore[assignment]
ATTACHMENTS: Table = AttachmentRow.__table__  # type: ignore[assignment]
FEEDBACK: Table = FeedbackRow.__table__  # type: ignore[assignment]
MAX_PAGE_SIZE = 1000
UID, TID, IID, AID = (bindparam(name, type_=String()) for name in ("uid", "tid", "iid", "aid"))
THREAD_KEY = (THREADS.c.user_id == UID, THREADS.c.id == TID)
ITEM_KEY = (ITEMS.c.user_id == UID, ITEMS.c.thread_id == TID, ITEMS.c.id == IID)
ATTACHMENT_KEY = (ATTACHMENTS.c.user_id == UID, ATTACHMENTS.c.id == AID)

LOAD_THREAD = select(THREADS.c.data, THREADS.c.created_at).where(*THREAD_KEY)
DELETE_THREAD = delete(THREADS).where(*THREAD_KEY)
LOAD_ITEM = select(ITEMS.c.data, ITEMS.c.created_at).where(*ITEM_KEY)
DELETE_ITEM = delete(ITEMS).where(*ITEM_KEY)
THREAD_EXISTS = select(THREADS.c.id).where(*THREAD_KEY)
LOAD_ATTACHMENT = select(ATTACHMENTS.c.data).where(*ATTACHMENT_KEY)
DELETE_ATTACHMENT = delete(ATTACHMENTS).where(*ATTACHMENT_KEY)
HISTORY = (  # the latest ``lim`` items of a thread, newest first (ITEM_PAGING's order, with type)
    select(ITEMS.c.type, ITEMS.c.data, ITEMS.c.created_at)
    .where(ITEMS.c.user_id == UID, ITEMS.c.thread_id == TID)
    .order_by(ITEMS.c.created_at.desc(), ITEMS.c.seq.desc())
    .limit(bindparam("lim"))
)
_AT = select(ITEMS.c.created_at).where(*ITEM_KEY).scalar_subquery()
_SEQ = select(ITEMS.c.seq).where(*ITEM_KEY).scalar_subquery()
HISTORY_UPTO = HISTORY.where(  # the same, ending with item ``iid`` (the message a turn answers)
    or_(ITEMS.c.created_at < _AT, and_(ITEMS.c.created_at == _AT, ITEMS.c.seq <= _SEQ))
)
LOAD_FEEDBACK = select(FEEDBACK.c.item_id, FEEDBACK.c.kind).where(
    FEEDBACK.c.user_id == UID, FEEDBACK.c.thread_id == TID
)


@dataclass(frozen=True)
class Paging:
    """Keyset paging of one table by (created_at, tie-breaker).

    Attributes:
        pages: ``{(desc, after_cursor): query}``; bind ``lim`` and, after a cursor, ``at``/``tie``.
        cursor: the query reading a cursor row's (created_at, tie-breaker).
        cursor_param: the bind name of the cursor's id in ``cursor``.
    """

    pages: dict[tuple[bool, bool], Select[Any]]
    cursor: Select[Any]
    cursor_param: str


def _paging(table: Table, where: tuple[Any, ...], tie: Column[Any], cursor: Any, param: str) -> Paging:
    key = table.c.created_at
    at, tied = bindparam("at", type_=key.type), bindparam("tie", type_=tie.type)
    pages = {}
    for desc in (False, True):
        ordering = (key.desc(), tie.desc()) if desc else (key.asc(), tie.asc())
        base = select(table.c.data, key).where(*where).order_by(*ordering).limit(bindparam("lim"))
        pages[desc, False] = base
        pages[desc, True] = base.where(
            or_(key < at, and_(key == at, tie < tied)) if desc
            else or_(key > at, and_(key == at, tie > tied))
        )
    return Paging(pages, select(key, tie).where(*cursor), param)


THREAD_PAGING = _paging(THREADS, (THREADS.c.user_id == UID,), THREADS.c.id, THREAD_KEY, "tid")
ITEM_PAGING = _paging(
    ITEMS, (ITEMS.c.user_id == UID, ITEMS.c.thread_id == TID), ITEMS.c.seq, ITEM_KEY, "iid"
)


class SQLBase:
    """A session factory's engine, the upserts of its dialect, and keyset paging.

    Args:
        sessionmaker: the app's async session factory (``todochat.db.make_sessionmaker``).
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        bind = sessionmaker.kw.get("bind")
        self._engine = bind if isinstance(bind, AsyncEngine) else None
        insert = pg_insert if bind is not None and bind.dialect.name == "postgresql" else sqlite_insert

        def upsert(table: Table, key: tuple[str, ...], updates: tuple[str, ...]) -> Any:
            stmt = insert(table)
            return stmt.on_conflict_do_update(
                index_elements=[table.c[name] for name in key],
                set_={name: stmt.excluded[name] for name in updates},
            )

        self._upsert_thread = upsert(THREADS, ("user_id", "id"), ("created_at", "updated_at", "data"))
        self._upsert_item = upsert(
            ITEMS, ("user_id", "thread_id", "id"), ("type", "created_at", "data")
        )
        self._upsert_attachment = upsert(ATTACHMENTS, ("user_id", "id"), ("data",))
        self._upsert_feedback = upsert(
            FEEDBACK, ("user_id", "thread_id", "item_id"), ("kind", "updated_at")
        )

    def _begin(self) -> AbstractAsyncContextManager[AsyncConnection | AsyncSession]:
        """One short transaction: a Core connection of the sessionmaker's engine (the store needs
        no ORM; this skips the session's bookkeeping), or a session when there is no engine."""
        return self._engine.begin() if self._engine is not None else self._sessionmaker.begin()

    @asynccontextmanager
    async def _tx(self, context: RequestContext | None = None) -> AsyncIterator[AsyncConnection | AsyncSession]:
        """One short transaction that first runs the writes ``context``'s turn holds
        (``turn_writes``), so whatever the body reads includes them."""
        writes = turn_writes(context)
        async with self._begin() as db:
            if writes is not None:
                writes.version += 1
                if writes.pending:
                    for write in writes.take():
                        await write(db)
                    writes.commits += 1
            yield db

    async def _write(self, context: RequestContext, statement: Any, params: dict[str, Any]) -> None:
        """Run ``statement`` with ``params``: held in the turn's writes when ``context`` has open
        ones (committed by the next transaction of the turn), else in a transaction of its own."""
        writes = turn_writes(context)
        if writes is not None:
            async def write(db: Any) -> None:
                await db.execute(statement, params)

            writes.pending.append(write)
            return
        async with self._tx(context) as db:
            await db.execute(statement, params)

    async def commit_turn(self, context: RequestContext) -> None:
        """Commit the writes ``context``'s turn holds, in one transaction (nothing when none)."""
        writes = turn_writes(context)
        if writes is not None and writes.pending:
            async with self._tx(context):
                pass

    async def _page(
        self,
        paging: Paging,
        params: dict[str, Any],
        after: str | None,
        limit: int,
        order: str,
        decode: Callable[[Any], T],
        context: RequestContext | None = None,
    ) -> Page[T]:
        """A keyset page of ``THREAD_PAGING`` or ``ITEM_PAGING``.

        Args:
            params: the bind values of the filter (``uid``, and ``tid`` for items).
            after: id of the row the previous page ended with (must match the filter).
            limit: page size, clamped to 1..``MAX_PAGE_SIZE`` (never "no limit").
            order: ``"asc"`` or ``"desc"``.
            decode: row (with ``data`` and ``created_at``) → model with an ``id``.
            context: the request's context (its turn's held writes are committed first).

        Returns:
            ``Page(data, has_more, after=last id if has_more else None)``, as chatkit's stores do.

        Raises:
            NotFoundError: ``after`` names no row matching the filter.
            ValueError: ``order`` is neither ``asc`` nor ``desc``.
        """
        if order not in ("asc", "desc"):
            raise ValueError(f"order must be 'asc' or 'desc', not {order!r}")
        limit = max(1, min(int(limit), MAX_PAGE_SIZE))
        params = {**params, "lim": limit + 1}
        async with self._tx(context) as db:
            if after:
                query = paging.cursor
                cursor = (await db.execute(query, {**params, paging.cursor_param: after})).first()
                if cursor is None:
                    raise NotFoundError(f"{after} not found")
                params["at"], params["tie"] = cursor
            rows = (await db.execute(paging.pages[order == "desc", bool(after)], params)).all()
        data = [decode(row) for row in rows[:limit]]
        has_more = len(rows) > limit
        return Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)  # type: ignore[attr-defined]
