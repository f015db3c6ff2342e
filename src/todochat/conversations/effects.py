"""What a turn already changed, recorded on the user message it answered (for retries).

A turn's committed tool calls are kept under ``EFFECTS_KEY`` inside the stored JSON of the user
message (``thread_items.data``): chatkit's models ignore the extra key, so it is never streamed or
returned, and it is deleted with the message. No schema change is needed (issue 11, item 8).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, update

from todochat.context import RequestContext
from todochat.conversations.sql import ITEM_KEY, ITEMS, LOAD_ITEM, SQLBase
from todochat.conversations.turn_writes import turn_writes

EFFECTS_KEY = "todochat_effects"
EFFECTS_MAX = 50  # a turn with more committed tool calls keeps its first 50
_SAVE = update(ITEMS).where(*ITEM_KEY).values(data=bindparam("data"))


class EffectsMixin(SQLBase):
    """``record_turn_effect``/``load_turn_effects`` of ``SQLStore``."""

    async def record_turn_effect(
        self, thread_id: str, item_id: str, effect: dict[str, Any], context: RequestContext
    ) -> bool:
        """Append ``effect`` (a JSON-able dict) to the effects of user message ``item_id``, in one
        transaction (the caller holds the thread's turn lock, so no other write races it).

        Returns:
            False when the item is not in this user's thread (nothing stored), else True (also
            when the write is held by the turn: ``conversations.turn_writes``).
        """
        key = {"uid": context.user_id, "tid": thread_id, "iid": item_id}
        writes = turn_writes(context)
        if writes is not None:  # held with the turn's other writes (committed before its end)
            async def write(db: Any) -> None:
                await _append(db, key, effect)

            writes.pending.append(write)
            return True
        async with self._tx(context) as db:
            return await _append(db, key, effect)

    async def load_turn_effects(self, thread_id: str, item_id: str, context: RequestContext) -> list[dict[str, Any]]:
        """The effects recorded for user message ``item_id``, oldest first (``[]`` if none or if
        the item is not this user's)."""
        key = {"uid": context.user_id, "tid": thread_id, "iid": item_id}
        async with self._tx(context) as db:
            row = (await db.execute(LOAD_ITEM, key)).first()
        if row is None:
            return []
        effects = json.loads(row.data).get(EFFECTS_KEY)
        return [e for e in effects if isinstance(e, dict)] if isinstance(effects, list) else []


async def _append(db: Any, key: dict[str, str], effect: dict[str, Any]) -> bool:
    """Append ``effect`` to the stored effects of item ``key`` on connection ``db``; False when
    there is no such item."""
    row = (await db.execute(LOAD_ITEM, key)).first()
    if row is None:
        return False
    data = json.loads(row.data)
    effects = data.get(EFFECTS_KEY)
    effects = effects if isinstance(effects, list) else []
    if len(effects) < EFFECTS_MAX:
        effects.append(effect)
    data[EFFECTS_KEY] = effects
    await db.execute(_SAVE, {**key, "data": json.dumps(data, separators=(",", ":"))})
    return True
