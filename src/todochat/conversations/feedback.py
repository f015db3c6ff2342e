"""Feedback on thread items (ChatKit ``items.feedback``), stored per user, thread and item."""

from __future__ import annotations

from collections.abc import Sequence

from chatkit.store import NotFoundError
from chatkit.types import FeedbackKind
from sqlalchemy.exc import IntegrityError

from todochat.context import RequestContext
from todochat.conversations.models import ID_MAX
from todochat.conversations.sql import LOAD_FEEDBACK, SQLBase

FEEDBACK_KINDS = ("positive", "negative")


class FeedbackMixin(SQLBase):
    """``save_feedback``/``load_feedback`` of ``SQLStore``."""

    async def save_feedback(
        self, thread_id: str, item_ids: Sequence[str], kind: FeedbackKind, context: RequestContext
    ) -> None:
        """Store ChatKit ``items.feedback``: the user's latest ``kind`` for each item (an upsert
        per user, thread and item; repeated ids count once). All or nothing.

        Raises:
            NotFoundError: an item is not in this thread of this user (the composite foreign key
                refuses it; nothing is stored).
            ValueError: ``kind`` is neither ``positive`` nor ``negative``.
        """
        if kind not in FEEDBACK_KINDS:
            raise ValueError(f"feedback kind must be positive or negative, not {kind!r}")
        if any(len(item_id) > ID_MAX for item_id in item_ids) or len(thread_id) > ID_MAX:
            raise NotFoundError(f"Item not found in thread {thread_id[:ID_MAX]}")
        now = context.now()
        rows = [
            {"user_id": context.user_id, "thread_id": thread_id, "item_id": item_id,
             "kind": kind, "updated_at": now}
            for item_id in dict.fromkeys(item_ids)
        ]
        if not rows:
            return
        try:
            async with self._tx(context) as db:
                await db.execute(self._upsert_feedback, rows)
        except IntegrityError as exc:
            raise NotFoundError(f"Item not found in thread {thread_id}") from exc

    async def load_feedback(self, thread_id: str, context: RequestContext) -> dict[str, FeedbackKind]:
        """The user's feedback on the items of ``thread_id``: ``{item_id: kind}`` (empty if none)."""
        async with self._tx(context) as db:
            rows = (await db.execute(LOAD_FEEDBACK, {"uid": context.user_id, "tid": thread_id})).all()
        return {row.item_id: row.kind for row in rows}
