"""A user's data as a whole: export it (one JSON document), count it, erase it, and read the change
journal as an audit log. The same functions serve every front (REST ``/api/v1/me/export``,
``DELETE /api/v1/me``, ``/api/v1/audit``; ``todochat user export|delete``, ``todochat audit``).

Every table that holds a user's rows is declared once, in :data:`USER_DATA`: export, counts and
erasure all walk that registry, so a new per-user table (e.g. reminder deliveries) is one line
there. ``tests/test_privacy.py`` fails when a table of the schema is in neither :data:`USER_DATA`
nor :data:`NOT_USER_DATA`.

Sources: GDPR Art. 15/20 (access and portability: a structured, commonly used, machine-readable
format) and Art. 17 (erasure); OWASP API Security Top 10 API1 (every statement filters by user).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat import revocation
from todochat.context import RequestContext, utcnow
from todochat.conversations.attachments import erase_files
from todochat.conversations.models import AttachmentRow, FeedbackRow, ThreadItemRow, ThreadRow
from todochat.db import Base
from todochat.notify.models import (
    CalendarFeed,
    ChannelSettings,
    Delivery,
    DeliveryAttempt,
    PushSubscription,
)
from todochat.oauth_models import OAuthGrant
from todochat.tasks import journal
from todochat.tasks.journal import AuditEntry
from todochat.tasks.models import (
    JournalChange,
    JournalGroup,
    ListChange,
    Reminder,
    Task,
    TaskCounter,
    TaskList,
    TaskTag,
    UserSettings,
)

EXPORT_FORMAT = "todochat-export"
EXPORT_VERSION = 1
"""Version of the export document's shape; bumped when a key changes meaning or goes away (a new
table or column only adds keys)."""

Owner = Callable[[str], ColumnElement[bool]]


def _t(model: type[Base]) -> Table:
    return model.__table__  # type: ignore[return-value]


def _by_user(table: Table) -> Owner:
    return lambda user_id: table.c.user_id == user_id


@dataclass(frozen=True)
class UserTable:
    """One table holding a user's rows.

    Attributes:
        key: the name of its rows in the export and in counts (``tasks``, ``items``...).
        table: the table.
        owner: the WHERE clause selecting one user's rows (``user_id = ?`` unless the table has no
            user column).
        parent: in the export, nest the rows under this entry's rows (a task's tags, a thread's
            items), else they are a top-level list.
        link: ``(column, parent column)`` pairs joining a row to its parent row.
        value: nest only this column's value (tags as a list of strings), not the whole row.
        json_columns: columns holding JSON text, exported as the JSON they hold.
        order: columns the rows are exported in, before the primary key (a thread's items in
            thread order, ``created_at``, as ChatKit's ``items.list`` shows them).
    """

    key: str
    table: Table
    owner: Owner
    parent: str | None = None
    link: tuple[tuple[str, str], ...] = ()
    value: str | None = None
    json_columns: tuple[str, ...] = ()
    order: tuple[str, ...] = ()


_GROUPS = _t(JournalGroup)
_CHANGES = _t(JournalChange)
_TASK = (("task_id", "id"),)
_LIST_CHANGES = _t(ListChange)
_DELIVERIES = _t(Delivery)
_ATTEMPTS = _t(DeliveryAttempt)

USER_DATA: tuple[UserTable, ...] = (
    UserTable("tasks", _t(Task), _by_user(_t(Task))),
    UserTable("tags", _t(TaskTag), _by_user(_t(TaskTag)), parent="tasks", link=_TASK, value="tag"),
    UserTable("reminders", _t(Reminder), _by_user(_t(Reminder)), parent="tasks", link=_TASK),
    UserTable("lists", _t(TaskList), _by_user(_t(TaskList))),  # tasks.list_id names them (no FK)
    UserTable("journal", _GROUPS, _by_user(_GROUPS)),
    UserTable(
        "changes", _CHANGES,
        lambda user_id: _CHANGES.c.group_id.in_(select(_GROUPS.c.id).where(_GROUPS.c.user_id == user_id)),
        parent="journal", link=(("group_id", "id"),), json_columns=("before", "after"),
    ),
    UserTable(
        "list_changes", _LIST_CHANGES,
        lambda user_id: _LIST_CHANGES.c.group_id.in_(select(_GROUPS.c.id).where(_GROUPS.c.user_id == user_id)),
        parent="journal", link=(("group_id", "id"),), json_columns=("before", "after"),
    ),
    UserTable("counters", _t(TaskCounter), _by_user(_t(TaskCounter))),
    UserTable("settings", _t(UserSettings), _by_user(_t(UserSettings))),
    UserTable("threads", _t(ThreadRow), _by_user(_t(ThreadRow)), json_columns=("data",)),
    UserTable(
        "items", _t(ThreadItemRow), _by_user(_t(ThreadItemRow)),
        parent="threads", link=(("thread_id", "id"),), json_columns=("data",), order=("created_at",),
    ),
    UserTable(
        "feedback", _t(FeedbackRow), _by_user(_t(FeedbackRow)),
        parent="items", link=(("thread_id", "thread_id"), ("item_id", "id")),
    ),
    UserTable("attachments", _t(AttachmentRow), _by_user(_t(AttachmentRow)), json_columns=("data",)),
    UserTable("mcp_grants", _t(OAuthGrant), _by_user(_t(OAuthGrant)), json_columns=("data",)),
    UserTable("deliveries", _DELIVERIES, _by_user(_DELIVERIES)),
    UserTable(
        "delivery_attempts", _ATTEMPTS,
        lambda user_id: _ATTEMPTS.c.delivery_id.in_(select(_DELIVERIES.c.id).where(_DELIVERIES.c.user_id == user_id)),
        parent="deliveries", link=(("delivery_id", "id"),),
    ),
    UserTable("reminder_channels", _t(ChannelSettings), _by_user(_t(ChannelSettings))),
    UserTable("push_subscriptions", _t(PushSubscription), _by_user(_t(PushSubscription))),
    UserTable("calendar_feeds", _t(CalendarFeed), _by_user(_t(CalendarFeed))),
)
"""Every table with per-user rows, parents before children (erasure runs it backwards)."""

NOT_USER_DATA: frozenset[str] = frozenset({"alembic_version", "mcp_oauth_clients", "token_versions"})
# token_versions is kept on erasure (and bumped): it is what keeps the erased user's tokens refused.
"""Tables that hold no user's data (checked by the tests against the schema)."""


@dataclass(frozen=True)
class Deleted:
    """What :func:`delete_user` removed: rows per :class:`UserTable` key."""

    user_id: str
    counts: dict[str, int]


def _plain(entry: UserTable, row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row._mapping.items():
        if name == "user_id":
            continue  # the document's user_id says it once
        if name in entry.json_columns and isinstance(value, str):
            value = json.loads(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        out[name] = value
    return out


async def _snapshot(session: AsyncSession) -> None:
    """Read everything that follows as of one instant: REPEATABLE READ on PostgreSQL (SQLite's
    transactions begin IMMEDIATE, holding the one writer lock, so nothing changes under them).
    Call it first in the transaction."""
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


async def export_user(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: str, *, now: datetime
) -> dict[str, Any]:
    """Everything stored for ``user_id`` as one JSON-ready document, read in one transaction.

    Returns:
        ``{"format": "todochat-export", "version": 1, "user_id", "exported_at", "counts":
        {key: rows}, "data": {...}}`` where ``data`` has a list per top-level :data:`USER_DATA`
        entry (``lists``; ``tasks`` with their ``tags`` and ``reminders``; ``journal`` with its
        ``changes`` and ``list_changes``;
        ``counters``; ``settings``; ``threads`` with their ``items`` and those with their
        ``feedback``; ``attachments``). Instants are ISO 8601 UTC; JSON columns (ChatKit thread
        and item data, the journal's before/after snapshots) are embedded as JSON.
    """
    rows: dict[str, list[dict[str, Any]]] = {}
    raw: dict[str, list[Any]] = {}
    async with sessionmaker.begin() as session:
        await _snapshot(session)
        for entry in USER_DATA:
            table = entry.table
            order = [table.c[name] for name in entry.order] + list(table.primary_key.columns)
            result = await session.execute(select(table).where(entry.owner(user_id)).order_by(*order))
            raw[entry.key] = list(result)
            rows[entry.key] = [_plain(entry, r) for r in raw[entry.key]]
    for entry in USER_DATA:  # nest children under their parents (dicts are shared, so order is free)
        if entry.parent is None:
            continue
        parents: dict[tuple[Any, ...], dict[str, Any]] = {}
        for parent_raw, parent_row in zip(raw[entry.parent], rows[entry.parent], strict=True):
            mapping = parent_raw._mapping
            parents[tuple(mapping[p] for _, p in entry.link)] = parent_row
            parent_row.setdefault(entry.key, [])
        for child_raw, child_row in zip(raw[entry.key], rows[entry.key], strict=True):
            parent = parents.get(tuple(child_raw._mapping[c] for c, _ in entry.link))
            if parent is not None:
                parent[entry.key].append(child_raw._mapping[entry.value] if entry.value else child_row)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "user_id": user_id,
        "exported_at": now.isoformat(),
        "counts": {key: len(found) for key, found in rows.items()},
        "data": {e.key: rows[e.key] for e in USER_DATA if e.parent is None},
    }


async def count_user_data(sessionmaker: async_sessionmaker[AsyncSession], user_id: str) -> dict[str, int]:
    """How many rows of each :data:`USER_DATA` kind ``user_id`` has (what an erasure would remove)."""
    counts: dict[str, int] = {}
    async with sessionmaker() as session:
        for entry in USER_DATA:
            stmt = select(func.count()).select_from(entry.table).where(entry.owner(user_id))
            counts[entry.key] = int((await session.execute(stmt)).scalar_one())
    return counts


async def delete_user(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: str, *, attachment_root: Path | None = None
) -> Deleted:
    """Erase every row of ``user_id`` in every :data:`USER_DATA` table, children first, in ONE
    transaction (all or nothing); no other user's row is touched (each statement filters by
    ``user_id``), and every token of the user signed out in the same transaction (their
    ``token_versions`` row is kept and bumped: deleting it would bring signed-out tokens back).
    The user's journal lock (their counter row) is taken first, so a change of theirs
    in flight on another replica commits before, or waits and starts from nothing. With
    ``attachment_root`` (``<data dir>/attachments``) the user's uploaded files are removed too,
    after the rows (conversations/attachments.py).

    Returns:
        The rows removed per kind.
    """
    counts: dict[str, int] = {}
    async with sessionmaker.begin() as session:
        counter = _t(TaskCounter)
        await session.execute(select(counter.c.user_id).where(counter.c.user_id == user_id).with_for_update())
        for entry in reversed(USER_DATA):
            result = await session.execute(delete(entry.table).where(entry.owner(user_id)))
            counts[entry.key] = int(result.rowcount or 0)  # type: ignore[attr-defined]
        await revocation.revoke_in(session, user_id, utcnow())  # and every token of theirs signed out
    revocation.forget(sessionmaker, user_id)
    if attachment_root is not None:
        erase_files(attachment_root, user_id)
    return Deleted(user_id=user_id, counts={e.key: counts[e.key] for e in USER_DATA})


LABELS = {"journal": "journal entries", "changes": "task snapshots", "list_changes": "list snapshots", "items": "thread items", "counters": "counter rows", "mcp_grants": "MCP client authorizations"}
"""How :func:`describe_counts` names a kind (default: its key)."""


def describe_counts(counts: dict[str, int]) -> str:
    """``"3 tasks, 2 threads, 14 thread items, ..."``: the non-zero counts in registry order, or
    ``"nothing"``."""
    parts = [f"{n} {LABELS.get(key, key)}" for key, n in counts.items() if n]
    return ", ".join(parts) if parts else "nothing"


async def audit_log(
    sessionmaker: async_sessionmaker[AsyncSession],
    reader: RequestContext,
    *,
    user_id: str | None,
    limit: int = 50,
    before: int | None = None,
) -> list[AuditEntry]:
    """The change journal as an audit log, newest first (:func:`todochat.tasks.journal.audit`).

    Args:
        reader: whose zone the summaries use.
        user_id: only this user's entries (REST passes the token's user); None: every user's (the
            operator's ``todochat audit`` without ``--user``).
        limit: at most this many entries (1–1000).
        before: only entries with a journal id below this (the last id of a page).

    Raises:
        ValueError: ``limit`` out of range.
    """
    if not 1 <= limit <= 1000:
        raise ValueError("limit must be between 1 and 1000")
    async with sessionmaker() as session:
        return await journal.audit(session, reader, user_id=user_id, limit=limit, before=before)
