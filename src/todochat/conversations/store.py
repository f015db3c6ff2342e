"""SQLStore: chatkit's ``Store`` over SQL (SQLite or PostgreSQL), every row scoped to the request's user."""

from __future__ import annotations

import logging
import secrets

from agents.models.fake_id import FAKE_RESPONSES_ID
from chatkit.store import NotFoundError, Store, StoreItemType, default_generate_id
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.context import RequestContext
from todochat.conversations import codec
from todochat.conversations.effects import EffectsMixin
from todochat.conversations.feedback import FeedbackMixin
from todochat.conversations.models import ID_MAX
from todochat.conversations.quotas import ConversationQuotas, QuotaMixin
from todochat.conversations.sql import (
    DELETE_ATTACHMENT,
    DELETE_ITEM,
    DELETE_THREAD,
    HISTORY,
    HISTORY_UPTO,
    ITEM_PAGING,
    LOAD_ATTACHMENT,
    LOAD_ITEM,
    LOAD_THREAD,
    MAX_PAGE_SIZE,
    THREAD_EXISTS,
    THREAD_PAGING,
)
from todochat.conversations.turn_writes import LATEST_ROWS, turn_writes

logger = logging.getLogger(__name__)

# Which id prefix (chatkit's StoreItemType) an item type gets when the store must re-id it.
_ID_TYPE: dict[str, StoreItemType] = {
    "client_tool_call": "tool_call",
    "workflow": "workflow",
    "task": "task",
    "sdk_hidden_context": "sdk_hidden_context",
}


def _check_id(value: str) -> None:
    """Refuse an id the id columns cannot hold (PostgreSQL would fail the statement)."""
    if len(value) > ID_MAX:
        raise ValueError(f"ids are at most {ID_MAX} characters, got {len(value)}")


class SQLStore(QuotaMixin, FeedbackMixin, EffectsMixin, Store[RequestContext]):
    """ChatKit threads, items, attachments and feedback in SQL, per user.

    Semantics follow chatkit-python 1.6.5 ``chatkit/store.py`` and its sample stores:
    ``save_thread``, ``add_thread_item``, ``save_item`` and ``save_attachment`` are upserts;
    ``load_threads``/``load_thread_items`` return ``Page(data, has_more, after)`` where ``after`` is
    the last returned id when there is more. Every key begins with ``context.user_id``, so another
    user's thread, item or attachment is simply absent ("not found", never read or overwritten).
    Each method is one short transaction on one connection (never two at once), except within a
    streamed turn, whose writes are held and committed together (``conversations.turn_writes``).
    Datetimes:
    naive local at this boundary, UTC in the database (see ``codec``).

    Args:
        sessionmaker: the app's async session factory (``todochat.db.make_sessionmaker``).
        quotas: threads per user and items per thread (``conversations/quotas.py``); default
            :class:`ConversationQuotas`.
    """

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], *, quotas: ConversationQuotas | None = None
    ) -> None:
        super().__init__(sessionmaker)
        self.quotas = quotas or ConversationQuotas()

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
        async with self._tx(context) as db:
            row = (await db.execute(LOAD_THREAD, {"uid": context.user_id, "tid": thread_id})).first()
        if row is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        return codec.load_thread(row.data, row.created_at)

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        """Insert or replace the user's thread metadata (a ``Thread``'s items are not saved).

        Raises:
            ValueError: ``thread.id`` is longer than ``ID_MAX`` characters.
        """
        _check_id(thread.id)
        created_at, data = codec.dump_thread(thread)
        row = {"user_id": context.user_id, "id": thread.id, "created_at": created_at,
               "updated_at": context.now(), "data": data}
        await self._write(context, self._upsert_thread, row)

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
        return await self._page(
            THREAD_PAGING, {"uid": context.user_id}, after, limit, order,
            lambda row: codec.load_thread(row.data, row.created_at), context,
        )

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        """Delete the user's thread with its items and their feedback (ON DELETE CASCADE).

        Raises:
            NotFoundError: no such thread of this user.
        """
        async with self._tx(context) as db:
            result = await db.execute(DELETE_THREAD, {"uid": context.user_id, "tid": thread_id})
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
        writes = turn_writes(context)
        if writes is not None and after is None and order == "desc":
            rows = writes.take_latest(thread_id, max(1, int(limit)))
            if rows is not None:  # read by this turn's history read, nothing written since
                limit = max(1, int(limit))
                data = [codec.load_item(row.data, row.created_at) for row in rows[:limit]]
                has_more = len(rows) > limit
                return Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)
        return await self._page(
            ITEM_PAGING, {"uid": context.user_id, "tid": thread_id}, after, limit, order,
            lambda row: codec.load_item(row.data, row.created_at), context,
        )

    async def load_history(
        self, thread_id: str, limit: int, context: RequestContext, *, upto: str | None = None
    ) -> list[ThreadItem]:
        """The thread's latest ``limit`` items, oldest first, for the agent's input: the same items
        as ``load_thread_items(thread_id, None, limit, "desc")`` reversed, except that widget items
        are ``codec.WidgetSummary`` (``copy_text`` only; the widget tree is not decoded). Not part
        of chatkit's Store API; an unknown or another user's thread gives ``[]``.

        Args:
            limit: how many items, clamped to 1..``MAX_PAGE_SIZE``.
            upto: an item id: the window ends with that item (the user message a turn answers),
                whatever was stored after it; an id not in the thread gives ``[]``.
        """
        params = {"uid": context.user_id, "tid": thread_id, "lim": max(1, min(int(limit), MAX_PAGE_SIZE))}
        query = HISTORY if upto is None else HISTORY_UPTO
        if upto is not None:
            params["iid"] = upto
        writes = turn_writes(context)
        async with self._tx(context) as db:
            rows = (await db.execute(query, params)).all()
            if writes is not None:  # the page chatkit's stream_agent_response reads next (turn_writes.py)
                page = {"uid": context.user_id, "tid": thread_id, "lim": LATEST_ROWS}
                latest = (await db.execute(ITEM_PAGING.pages[True, False], page)).all()
                writes.latest = (thread_id, list(latest), writes.version)
        return [codec.load_history_item(row.type, row.data, row.created_at) for row in reversed(rows)]

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
            ValueError: ``item.id`` is longer than ``ID_MAX`` characters.
        """
        if len(thread_id) > ID_MAX:
            raise NotFoundError(f"Thread {thread_id[:ID_MAX]}… not found")
        _check_id(item.id)
        created_at, data = codec.dump_item(item)
        row = {"user_id": context.user_id, "thread_id": thread_id, "id": item.id,
               "type": item.type, "created_at": created_at, "data": data}
        try:
            await self._write(context, self._upsert_item, row)
        except IntegrityError as exc:
            raise NotFoundError(f"Thread {thread_id} not found") from exc

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        """Item ``item_id`` of the user's thread ``thread_id``.

        Raises:
            NotFoundError: no such item in that thread of this user.
        """
        key = {"uid": context.user_id, "tid": thread_id, "iid": item_id}
        async with self._tx(context) as db:
            row = (await db.execute(LOAD_ITEM, key)).first()
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
        key = {"uid": context.user_id, "tid": thread_id, "iid": item_id}
        async with self._tx(context) as db:
            result = await db.execute(DELETE_ITEM, key)
            missing = result.rowcount == 0  # type: ignore[attr-defined]
            if missing and (await db.execute(THREAD_EXISTS, key)).first() is None:
                raise NotFoundError(f"Thread {thread_id} not found")

    # ------------------------------------------------------------------ attachments
    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        """Insert or replace the user's attachment metadata.

        Raises:
            ValueError: ``attachment.id`` is longer than ``ID_MAX`` characters.
        """
        _check_id(attachment.id)
        row = {"user_id": context.user_id, "id": attachment.id,
               "data": codec.dump_attachment(attachment)}
        async with self._tx(context) as db:
            await db.execute(self._upsert_attachment, row)

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        """The user's attachment ``attachment_id``.

        Raises:
            NotFoundError: no such attachment of this user.
        """
        key = {"uid": context.user_id, "aid": attachment_id}
        async with self._tx(context) as db:
            data = (await db.execute(LOAD_ATTACHMENT, key)).scalar_one_or_none()
        if data is None:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return codec.load_attachment(data)

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        """Delete the user's attachment metadata.

        Raises:
            NotFoundError: no such attachment of this user.
        """
        key = {"uid": context.user_id, "aid": attachment_id}
        async with self._tx(context) as db:
            result = await db.execute(DELETE_ATTACHMENT, key)
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFoundError(f"Attachment {attachment_id} not found")
