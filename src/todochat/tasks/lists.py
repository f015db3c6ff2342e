"""Rules and queries of a user's lists (projects): names, the Inbox, finding a list by name.

Every user has an Inbox: it has no row (a task whose ``list_id`` is null is in it), so it exists
without a write, cannot be renamed, archived or deleted, and its name is reserved. A list's name is
NFC-normalised and trimmed, 1..100 characters, no control characters, and unique per user
case-insensitively (the key is the NFC name, case-folded: Unicode default caseless matching,
Unicode §3.13), so "Work", "work" and "WORK" are one list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from todochat.context import RequestContext
from todochat.errors import ListNotFound, ValidationError
from todochat.tasks import quotas
from todochat.tasks.models import LIST_NAME_MAX, Task, TaskList
from todochat.tasks.rules import check_text, nfc
from todochat.tasks.schemas import TaskFilter

if TYPE_CHECKING:
    from todochat.tasks.journal import Recorder

INBOX = "Inbox"
"""The name of every user's default list (the tasks with no list)."""


class ListOut(BaseModel):
    """A list as every front shows it: ``open_tasks`` counts its open (not completed, not
    deleted) tasks; the Inbox has ``inbox: true``."""

    name: str = Field(examples=["Work"])
    inbox: bool = False
    archived: bool = False
    open_tasks: int = Field(default=0, description="Open tasks in the list")
    created_at: datetime | None = Field(default=None, description="Null for the Inbox")


def clean_name(name: object, field: str = "name") -> str:
    """A list name as stored: NFC, trimmed, 1..100 characters, no control characters.

    Raises:
        ValidationError: not text, empty, longer than 100 characters, or a control character
            (named ``field``).
    """
    if not isinstance(name, str):
        raise ValidationError("A list name is text.", field=field)
    text = " ".join(nfc(check_text(name, field)).split())
    if not text:
        raise ValidationError("A list name can't be empty.", field=field)
    if len(text) > LIST_NAME_MAX:
        raise ValidationError(
            f"A list name is at most {LIST_NAME_MAX} characters (this one has {len(text)}).", field=field
        )
    return text


def name_key(name: str) -> str:
    """The comparison key of a (clean) list name: NFC then case-folded."""
    return nfc(nfc(name).casefold())


def is_inbox(name: str) -> bool:
    """True when ``name`` names the Inbox (any case)."""
    return name_key(" ".join(name.split())) == name_key(INBOX)


def live(ctx: RequestContext) -> Select[tuple[TaskList]]:
    """The user's lists that are not deleted (archived ones included)."""
    return select(TaskList).where(TaskList.user_id == ctx.user_id, TaskList.deleted_at.is_(None))


async def find(session: AsyncSession, ctx: RequestContext, name: str, *, field: str = "list") -> TaskList:
    """The user's live list named ``name`` (case-insensitively; not the Inbox).

    Raises:
        ValidationError: a malformed name. ListNotFound: the user has no such list (another
            user's list is not found either).
    """
    clean = clean_name(name, field)
    row = (await session.execute(live(ctx).where(TaskList.name_key == name_key(clean)))).scalar_one_or_none()
    if row is None:
        raise ListNotFound(f"You have no list named '{clean}'.", list=clean, field=field)
    return row


async def target(session: AsyncSession, ctx: RequestContext, name: str | None) -> TaskList | None:
    """The list a task goes to: None (the Inbox) for ``None``, ``""`` or "Inbox", else the live,
    not archived list of that name.

    Raises:
        ValidationError: malformed name, or the list is archived (field ``list``).
        ListNotFound: no such list.
    """
    if name is None or not name.strip() or is_inbox(name):
        return None
    row = await find(session, ctx, name)
    if row.archived_at is not None:
        raise ValidationError(
            f"The list '{row.name}' is archived: unarchive it to add or move tasks to it.", field="list"
        )
    return row


async def check_filter(session: AsyncSession, ctx: RequestContext, flt: TaskFilter | None) -> None:
    """A filter's ``list`` must name a list of the user (the Inbox always exists): a list view of a
    list that does not exist is an error, not an empty list.

    Raises:
        ListNotFound: no such list (field ``list``). ValidationError: a malformed name.
    """
    if flt is not None and flt.list and flt.list.strip() and not is_inbox(flt.list):
        await find(session, ctx, flt.list)


async def open_counts(session: AsyncSession, ctx: RequestContext) -> dict[int | None, int]:
    """Open tasks per ``list_id`` (None = the Inbox), in one grouped statement."""
    stmt = (
        select(Task.list_id, func.count())
        .where(Task.user_id == ctx.user_id, Task.deleted_at.is_(None), Task.completed.is_(False))
        .group_by(Task.list_id)
    )
    return {lid: int(n) for lid, n in (await session.execute(stmt)).tuples()}


def list_name(task: Task) -> str:
    """The name of ``task``'s list ("Inbox" when it has none)."""
    return task.task_list.name if task.task_list is not None else INBOX


async def place_imported(
    session: AsyncSession, ctx: RequestContext, rec: Recorder, tasks: Sequence[tuple[Task, str | None]], *, limit: int
) -> None:
    """Put imported tasks in the lists their file names: a list of the user with that name
    (case-insensitively; an archived one too), else a new list, created in the import's journal
    entry ``rec`` (undoing the import removes it); no name or "Inbox": the Inbox.

    Args:
        tasks: ``(task, list name)`` pairs, the tasks flushed.
        limit: the list quota (``Settings.quota_lists``), checked before a list is created.

    Raises:
        ValidationError: a malformed list name. QuotaExceeded: too many lists (``limit="lists"``).
    """
    rows: dict[str, TaskList] = {}
    now = ctx.now()
    for task, name in tasks:
        if name is None or not name.strip() or is_inbox(name):
            continue
        clean = clean_name(name, "list")
        key = name_key(clean)
        if key not in rows:
            row = (await session.execute(live(ctx).where(TaskList.name_key == key))).scalar_one_or_none()
            if row is None:
                await quotas.check_lists(session, ctx, limit=limit)
                row = TaskList(user_id=ctx.user_id, name=clean, name_key=key, created_at=now, updated_at=now)
                session.add(row)
                await session.flush()
                rec.track_new_list(row)
            rows[key] = row
        task.task_list = rows[key]
