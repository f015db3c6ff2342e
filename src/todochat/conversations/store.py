"""SQLStore: chatkit's ``Store`` over SQL (SQLite or PostgreSQL), every row scoped to the request's user."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal

from agents.models.fake_id import FAKE_RESPONSES_ID
from chatkit.store import NotFoundError, Store, StoreItemType, default_generate_id
from chatkit.types import Attachment, FeedbackKind, Page, ThreadItem, ThreadMetadata
from sqlalchemy import Table, and_, delete, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from todochat.context import RequestContext
from todochat.conversations import codec
from todochat.conversations.models import AttachmentRow, FeedbackRow, ThreadItemRow, ThreadRow

logger = logging.getLogger(__name__)

THREADS: Table = ThreadRow.__table__  # type: ignore[assignment]
ITEMS: Table = ThreadItemRow.__table__  # type: ignore[assignment]
ATTACHMENTS: Table = AttachmentRow.__table__  # type: ignore[assignment]
FEEDBACK: Table = FeedbackRow.__table__  # type: ignore[assignment]
MAX_PAGE_SIZE = 1000
FEEDBACK_KINDS = ("positive", "negative")
# Which id prefix (chatkit's StoreItemType) an item type gets when the store must re-id it.
_ID_TYPE: dict[str, StoreItemType] = {
    "client_tool_call": "tool_call",
    "workflow": "workflow",
    "task": "task",
    "sdk_hidden_context": "sdk_hidden_context",
}


def _page_args(limit: int, order: str) -> tuple[int, bool]:
    if order not in ("asc", "desc"):
        raise ValueError(f"order must be 'asc' or 'desc', not {order!r}")
    return max(1, min(int(limit), MAX_PAGE_SIZE)), order == "desc"


def _after(key: Any, tie: Any, cursor: Sequence[Any], desc: bool) -> Any:
    """Rows strictly after ``cursor`` = (key, tie) in the page's order."""
    if desc:
        return or_(key < cursor[0], and_(key == cursor[0], tie < cursor[1]))
    return or_(key > cursor[0], and_(key == cursor[0], tie > cursor[1]))


class SQLStore(Store[RequestContext]):
    """ChatKit threads, items, attachments and feedback in SQL, per user.

    Semantics follow chatkit-python 1.6.5 ``chatkit/store.py`` and its sample stores:
    ``save_thread``, ``add_thread_item``, ``save_item`` and ``save_attachment`` are upserts;
    ``load_threads``/``load_thread_items`` return ``Page(data, has_more, after)`` where ``after`` is
    the last returned id when there is more. Every key begins with ``context.user_id``, so another
    user's thread, item or attachment is simply absent ("not found", never read or overwritten).
    Each method is one short transaction on one connection (never two at once). Datetimes:
    naive local at this boundary, UTC in the database (see ``codec``).

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

    # ------------------------------------------------------------------ ids
    def generate_thread_id(self, context: RequestContext) -> str:
        """A new thread id: chatkit's ``thr_xxxxxxxx`` plus 64 random bits (96 in all)."""
        return default_generate_id("thread") + secrets.token_hex(8)

    def generate_item_id(
        self, item_type: StoreItemType, thread: ThreadMetadata, context: RequestContext
    ) -> str:
        """A new item id with chatkit's prefix (``msg_``, ``tc_``, ...) and 96 random bits."""
        return default_generate_id(item_type) + secrets.token_hex(8)

    # ------------------------------------------------------------------ threads
    async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        """The user's thread ``thread_id``.

        Raises:
            NotFoundError: no such thread of this user.
        """
        query = select(THREADS.c.data, THREADS.c.created_at).where(
            THREADS.c.user_id == context.user_id, THREADS.c.id == thread_id
        )
        async with self._tx() as db:
            row = (await db.execute(query)).first()
        if row is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        return codec.load_thread(row.data, row.created_at)

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Insert or replace the user's thread metadata (a ``Thread``'s items are not saved)."""
        created_at, data = codec.dump_thread(thread)
        stmt = self._insert(THREADS).values(
            user_id=context.user_id, id=thread.id, created_at=created_at,
            updated_at=context.now(), data=data,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[THREADS.c.user_id, THREADS.c.id],
            set_={name: stmt.excluded[name] for name in ("created_at", "updated_at", "data")},
        )
        async with self._tx() as db:
            await db.execute(stmt)

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: RequestContext
    ) -> Page[ThreadMetadata]:
        """A page of the user's threads by creation time (ties by id).

        Args:
            limit: page size, clamped to 1..``MAX_PAGE_SIZE``.
            after: id of the last thread of the previous page, or None for the first page.
            order: ``"asc"`` (oldest first) or ``"desc"``.

        Raises:
            NotFoundError: ``after`` is not a thread of this user.
            ValueError: ``order`` is neither ``asc`` nor ``desc``.
        """
        limit, desc = _page_args(limit, order)
        where: list[Any] = [THREADS.c.user_id == context.user_id]
        async with self._tx() as db:
            if after:
                cursor = (await db.execute(
                    select(THREADS.c.created_at, THREADS.c.id).where(*where, THREADS.c.id == after)
                )).first()
                if cursor is None:
                    raise NotFoundError(f"Thread {after} not found")
                where.append(_after(THREADS.c.created_at, THREADS.c.id, cursor, desc))
            keys = (THREADS.c.created_at, THREADS.c.id)
            rows = (await db.execute(
                select(THREADS.c.data, THREADS.c.created_at).where(*where)
                .order_by(*(k.desc() if desc else k.asc() for k in keys)).limit(limit + 1)
            )).all()
        threads = [codec.load_thread(row.data, row.created_at) for row in rows[:limit]]
        has_more = len(rows) > limit
        return Page(data=threads, has_more=has_more, after=threads[-1].id if has_more else None)

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        """Delete the user's thread with its items and their feedback (ON DELETE CASCADE).

        Raises:
            NotFoundError: no such thread of this user.
        """
        stmt = delete(THREADS).where(THREADS.c.user_id == context.user_id, THREADS.c.id == thread_id)
        async with self._tx() as db:
            result = await db.execute(stmt)
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFoundError(f"Thread {thread_id} not found")

    # ------------------------------------------------------------------ items
    async def load_thread_items(
        self, thread_id: str, after: str | None, limit: int, order: str, context: RequestContext
    ) -> Page[ThreadItem]:
        """A page of a thread's items in creation order (ties in insertion order).

        Another user's (or an unknown) thread gives an empty page, as chatkit's own store tests
        require; ``load_thread`` is what says "not found".

        Args:
            thread_id: the thread.
            after: id of the last item of the previous page, or None for the first page.
            limit: page size, clamped to 1..``MAX_PAGE_SIZE``.
            order: ``"asc"`` (oldest first) or ``"desc"`` (newest first).

        Raises:
            NotFoundError: ``after`` is not an item of this thread of this user.
            ValueError: ``order`` is neither ``asc`` nor ``desc``.
        """
        limit, desc = _page_args(limit, order)
        where: list[Any] = [ITEMS.c.user_id == context.user_id, ITEMS.c.thread_id == thread_id]
        async with self._tx() as db:
            if after:
                cursor = (await db.execute(
                    select(ITEMS.c.created_at, ITEMS.c.seq).where(*where, ITEMS.c.id == after)
                )).first()
                if cursor is None:
                    raise NotFoundError(f"Item {after} not found in thread {thread_id}")
                where.append(_after(ITEMS.c.created_at, ITEMS.c.seq, cursor, desc))
            keys = (ITEMS.c.created_at, ITEMS.c.seq)
            rows = (await db.execute(
                select(ITEMS.c.data, ITEMS.c.created_at).where(*where)
                .order_by(*(k.desc() if desc else k.asc() for k in keys)).limit(limit + 1)
            )).all()
        items = [codec.load_item(row.data, row.created_at) for row in rows[:limit]]
        has_more = len(rows) > limit
        return Page(data=items, has_more=has_more, after=items[-1].id if has_more else None)

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        """Persist a new item (an upsert, as in chatkit). An item carrying the Agents SDK's
        placeholder id ``__fake_id__`` (Chat Completions models) first gets a fresh id, in place,
        so it cannot overwrite an earlier item.

        Raises:
            NotFoundError: ``thread_id`` is not a thread of this user.
        """
        if item.id == FAKE_RESPONSES_ID:
            thread = ThreadMetadata(id=thread_id, created_at=item.created_at)
            item.id = self.generate_item_id(_ID_TYPE.get(item.type, "message"), thread, context)
            logger.debug("replaced placeholder item id with %s", item.id)
        await self.save_item(thread_id, item, context)

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        """Insert or replace item ``item.id`` of the user's thread ``thread_id``; a replaced item
        keeps its place among items created in the same instant.

        Raises:
            NotFoundError: ``thread_id`` is not a thread of this user (the composite foreign key
                refuses the row, so no read is needed first).
        """
        created_at, data = codec.dump_item(item)
        stmt = self._insert(ITEMS).values(
            user_id=context.user_id, thread_id=thread_id, id=item.id, type=item.type,
            created_at=created_at, data=data,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[ITEMS.c.user_id, ITEMS.c.thread_id, ITEMS.c.id],
            set_={name: stmt.excluded[name] for name in ("type", "created_at", "data")},
        )
        try:
            async with self._tx() as db:
                await db.execute(stmt)
        except IntegrityError as exc:
            raise NotFoundError(f"Thread {thread_id} not found") from exc

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        """Item ``item_id`` of the user's thread ``thread_id``.

        Raises:
            NotFoundError: no such item in that thread of this user.
        """
        query = select(ITEMS.c.data, ITEMS.c.created_at).where(
            ITEMS.c.user_id == context.user_id, ITEMS.c.thread_id == thread_id,
            ITEMS.c.id == item_id,
        )
        async with self._tx() as db:
            row = (await db.execute(query)).first()
        if row is None:
            raise NotFoundError(f"Item {item_id} not found in thread {thread_id}")
        return codec.load_item(row.data, row.created_at)

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        """Delete an item of the user's thread (and its feedback). Deleting an item that is not
        there is a no-op when the thread is the user's: chatkit removes streamed items that were
        never saved (``ThreadItemRemovedEvent`` after a guardrail trips).

        Raises:
            NotFoundError: ``thread_id`` is not a thread of this user.
        """
        stmt = delete(ITEMS).where(
            ITEMS.c.user_id == context.user_id, ITEMS.c.thread_id == thread_id,
            ITEMS.c.id == item_id,
        )
        async with self._tx() as db:
            result = await db.execute(stmt)
            if result.rowcount == 0:  # type: ignore[attr-defined]
                owned = (await db.execute(select(THREADS.c.id).where(
                    THREADS.c.user_id == context.user_id, THREADS.c.id == thread_id
                ))).first()
                if owned is None:
                    raise NotFoundError(f"Thread {thread_id} not found")

    # ------------------------------------------------------------------ attachments
    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        """Insert or replace the user's attachment metadata."""
        stmt = self._insert(ATTACHMENTS).values(
            user_id=context.user_id, id=attachment.id, data=codec.dump_attachment(attachment)
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[ATTACHMENTS.c.user_id, ATTACHMENTS.c.id],
            set_={"data": stmt.excluded.data},
        )
        async with self._tx() as db:
            await db.execute(stmt)

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        """The user's attachment ``attachment_id``.

        Raises:
            NotFoundError: no such attachment of this user.
        """
        query = select(ATTACHMENTS.c.data).where(
            ATTACHMENTS.c.user_id == context.user_id, ATTACHMENTS.c.id == attachment_id
        )
        async with self._tx() as db:
            data = (await db.execute(query)).scalar_one_or_none()
        if data is None:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return codec.load_attachment(data)

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        """Delete the user's attachment metadata.

        Raises:
            NotFoundError: no such attachment of this user.
        """
        stmt = delete(ATTACHMENTS).where(
            ATTACHMENTS.c.user_id == context.user_id, ATTACHMENTS.c.id == attachment_id
        )
        async with self._tx() as db:
            result = await db.execute(stmt)
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFoundError(f"Attachment {attachment_id} not found")

    # ------------------------------------------------------------------ feedback
    async def save_feedback(
        self, thread_id: str, item_ids: Sequence[str], kind: FeedbackKind, context: RequestContext
    ) -> None:
        """Store ChatKit ``items.feedback``: the user's latest ``kind`` for each item (an upsert
        per user, thread and item). All or nothing.

        Raises:
            NotFoundError: an item is not in this thread of this user (nothing is stored).
            ValueError: ``kind`` is neither ``positive`` nor ``negative``.
        """
        if kind not in FEEDBACK_KINDS:
            raise ValueError(f"feedback kind must be positive or negative, not {kind!r}")
        ids = list(dict.fromkeys(item_ids))
        if not ids:
            return
        now = context.now()
        rows = [
            {"user_id": context.user_id, "thread_id": thread_id, "item_id": item_id,
             "kind": kind, "updated_at": now}
            for item_id in ids
        ]
        stmt = self._insert(FEEDBACK)
        stmt = stmt.on_conflict_do_update(
            index_elements=[FEEDBACK.c.user_id, FEEDBACK.c.thread_id, FEEDBACK.c.item_id],
            set_={"kind": stmt.excluded.kind, "updated_at": stmt.excluded.updated_at},
        )
        try:
            async with self._tx() as db:
                await db.execute(stmt, rows)
        except IntegrityError as exc:
            raise NotFoundError(f"Item not found in thread {thread_id}") from exc

    async def load_feedback(
        self, thread_id: str, context: RequestContext
    ) -> dict[str, Literal["positive", "negative"]]:
        """The user's feedback on the items of ``thread_id``: ``{item_id: kind}`` (empty if none)."""
        query = select(FEEDBACK.c.item_id, FEEDBACK.c.kind).where(
            FEEDBACK.c.user_id == context.user_id, FEEDBACK.c.thread_id == thread_id
        )
        async with self._tx() as db:
            rows = (await db.execute(query)).all()
        return {row.item_id: row.kind for row in rows}
