"""Per-user quotas on conversations: threads per user and items per thread (issue 17, item 5).

The rule lives here, in the store; the ChatKit server asks it before a request stores anything
(``TodoChatKitServer.check_quota``). In a streamed turn (an open ``TurnWrites``) the check is
held as a guard and runs first in the transaction of the turn's first writes
(conversations/turn_writes.py): one transaction less per turn, and the count and the new rows are
one transaction. The limits are soft under concurrency: two requests racing at
``limit - 1`` may both pass (a thread is created before any lock exists for it), so a user can
exceed a limit by the number of requests they run at once — never without bound.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from todochat.context import RequestContext
from todochat.conversations.sql import ITEMS, THREADS, TID, UID, SQLBase
from todochat.conversations.turn_writes import turn_writes
from todochat.errors import QuotaExceeded

COUNT_THREADS = select(func.count()).select_from(THREADS).where(THREADS.c.user_id == UID)
COUNT_ITEMS = select(func.count()).select_from(ITEMS).where(ITEMS.c.user_id == UID, ITEMS.c.thread_id == TID)


@dataclass(frozen=True)
class ConversationQuotas:
    """The limits (``Settings.quota_threads``, ``Settings.quota_items_per_thread``); 0: no limit."""

    threads: int = 1_000
    items_per_thread: int = 2_000


class QuotaMixin(SQLBase):
    """``check_new_thread``/``check_new_message`` of ``SQLStore`` (limits in ``self.quotas``)."""

    quotas: ConversationQuotas = ConversationQuotas()

    async def _check(self, context: RequestContext, check: Callable[[Any], Awaitable[None]]) -> None:
        """Run ``check`` (given a connection) now in a transaction of its own, or, in a streamed
        turn, hold it as a guard of the turn's first writes (conversations/turn_writes.py)."""
        writes = turn_writes(context)
        if writes is not None:
            writes.guards.append(check)
            return
        async with self._tx() as db:
            await check(db)

    async def check_new_thread(self, context: RequestContext) -> None:
        """Refuse a new thread when the user has ``quotas.threads`` threads.

        Raises:
            QuotaExceeded: ``limit="threads"``; nothing stored (in a streamed turn: raised by the
                transaction of the turn's first writes, which rolls back).
        """
        limit = self.quotas.threads
        if limit <= 0:
            return

        async def check(db: Any) -> None:
            have = int((await db.execute(COUNT_THREADS, {"uid": context.user_id})).scalar_one())
            if have >= limit:
                raise QuotaExceeded(
                    f"You have {have:,} conversations; the limit is {limit:,} per user. "
                    "Delete an old conversation to start a new one.",
                    limit="threads", max=limit, setting="TODOCHAT_QUOTA_THREADS",
                )

        await self._check(context, check)

    async def check_new_message(self, thread_id: str, context: RequestContext) -> None:
        """Refuse a new user message in a thread that has ``quotas.items_per_thread`` items (the
        items of the turn it would start are not counted ahead: an accepted turn always finishes).

        Raises:
            QuotaExceeded: ``limit="items_per_thread"``; nothing stored (in a streamed turn: raised
                by the transaction of the turn's first writes, which rolls back).
        """
        limit = self.quotas.items_per_thread
        if limit <= 0:
            return

        async def check(db: Any) -> None:
            have = int((await db.execute(COUNT_ITEMS, {"uid": context.user_id, "tid": thread_id})).scalar_one())
            if have >= limit:
                raise QuotaExceeded(
                    f"This conversation has {have:,} items; the limit is {limit:,} per conversation. "
                    "Start a new conversation to go on.",
                    limit="items_per_thread", max=limit, setting="TODOCHAT_QUOTA_ITEMS_PER_THREAD",
                )

        await self._check(context, check)
