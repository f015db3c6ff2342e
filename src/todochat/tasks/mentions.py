"""@-mentions of tasks: which tasks a typed ``@dent`` offers, and whether a tag names a live task.

A mention is an exact reference: a ChatKit ``input_tag`` carries the task number
(``data: {"number": N}``) and the title it was picked by (``text``). The rules here, for every
front that offers or accepts such tags (the built-in page, the official ChatKit page, the
``/chatkit`` boundary):

- **Offering** (:func:`search_mentions`): every word typed after ``@`` is the start of a word of
  the title (case and accents as :func:`todochat.tasks.search.tokens` folds them), or a number
  typed is the task's number; open tasks first, then the newest; completed tasks are offered too
  (a tag may reopen one). Deleted tasks never.
- **Accepting** (:func:`check_tags`): the tag's number is a live (not deleted) task of the
  requesting user, and its text is that task's title. Task numbers are per user, so a tag copied
  from another user's list names a number this user lacks, or one whose title differs: both are
  refused, as is a task deleted since it was picked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from todochat.context import RequestContext
from todochat.errors import ValidationError
from todochat.tasks import dates, search
from todochat.tasks.models import Task
from todochat.tasks.queries import live
from todochat.tasks.rules import NUMBER_MAX, check_text

if TYPE_CHECKING:
    from todochat.tasks.service import TaskService

MENTIONS_MAX = 20
"""At most this many tasks offered for one ``@`` query."""
MENTION_QUERY_MAX = 100
"""Characters of an ``@`` query looked at."""
_SCAN = 200
"""Rows the SQL prefilter reads before the exact rule picks the offered ones."""


@dataclass(frozen=True)
class Mention:
    """A task offered for an ``@`` tag or named by a reply: its per-user ``number``, ``title``,
    ``completed`` and (from :func:`live_mentions`) ``due`` as ``TaskOut.due`` has it."""

    number: int
    title: str
    completed: bool
    due: str | None = None


def mention_terms(query: str) -> list[str]:
    """The lower-case words of an ``@`` query (a leading ``@`` and ``#`` dropped)."""
    return search.tokens(query[:MENTION_QUERY_MAX].lstrip("@#"))


def offers(terms: list[str], number: int, title: str) -> bool:
    """True when task ``number`` titled ``title`` answers the ``@`` query words ``terms``: each
    word starts a word of the title, or (digits) is the task's number. No words: every task."""
    words = search.tokens(title)
    return all(
        (term.isdigit() and int(term) == number) or any(w.startswith(term) for w in words) for term in terms
    )


async def search_mentions(
    service: TaskService, ctx: RequestContext, query: str, *, limit: int = 8
) -> list[Mention]:
    """The user's live tasks an ``@query`` offers, open ones first, newest first.

    Args:
        service: the task service (its session factory).
        ctx: the request context; only ``ctx.user_id``'s tasks are read.
        query: what was typed after ``@`` ("dent", "pay r", "7"); empty offers the newest tasks.
        limit: 1..:data:`MENTIONS_MAX` tasks.

    Returns:
        At most ``limit`` :class:`Mention` rows.

    Raises:
        ValidationError: ``limit`` out of range, or a control character in ``query`` (field ``q``).
    """
    if not 1 <= limit <= MENTIONS_MAX:
        raise ValidationError(f"limit is 1 to {MENTIONS_MAX}.", field="limit")
    terms = mention_terms(check_text(query, "q"))
    stmt = live(ctx).with_only_columns(Task.number, Task.title, Task.completed)
    for term in terms:
        ascii_part = re.match(r"[a-z0-9']*", term)
        pre = ascii_part.group(0) if ascii_part else ""
        if pre and not term.isdigit():  # SQLite's lower() folds ASCII only: the exact rule is below
            stmt = stmt.where(func.lower(Task.title).like(f"%{pre}%"))
    stmt = stmt.order_by(Task.completed.asc(), Task.number.desc()).limit(_SCAN)
    async with service.sessionmaker() as session:
        rows = (await session.execute(stmt)).all()
    found = [Mention(int(n), str(t), bool(c)) for n, t, c in rows if offers(terms, int(n), str(t))]
    if len(found) < limit and any(t.isdigit() for t in terms):
        numbers = [int(t) for t in terms if t.isdigit() and 1 <= int(t) <= NUMBER_MAX]
        have = {m.number for m in found}
        async with service.sessionmaker() as session:
            extra = (await session.execute(
                live(ctx).with_only_columns(Task.number, Task.title, Task.completed).where(Task.number.in_(numbers))
            )).all()
        found += [Mention(int(n), str(t), bool(c)) for n, t, c in extra if int(n) not in have and offers(terms, int(n), str(t))]
    return found[:limit]


async def live_mentions(service: TaskService, ctx: RequestContext, numbers: Sequence[int]) -> dict[int, Mention]:
    """The user's live tasks among ``numbers`` (unknown and deleted ones left out), read in one
    statement (a reply's annotations need no tags or reminders).

    Returns:
        number -> :class:`Mention` with ``due`` local to ``ctx.tz`` (``YYYY-MM-DD[THH:MM]``).
    """
    wanted = sorted({n for n in numbers if 1 <= n <= NUMBER_MAX})
    if not wanted:
        return {}
    stmt = live(ctx).with_only_columns(
        Task.number, Task.title, Task.completed, Task.due_at, Task.due_all_day
    ).where(Task.number.in_(wanted))
    async with service.sessionmaker() as session:
        rows = (await session.execute(stmt)).all()
    return {
        int(n): Mention(int(n), str(t), bool(c), dates.format_due(due_at, bool(all_day), ctx.tz))
        for n, t, c, due_at, all_day in rows
    }


def same_title(tag_text: str, title: str) -> bool:
    """A tag's text names ``title``: equal after Unicode NFC, case folding, a leading ``@``
    dropped and white space collapsed."""

    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return norm(tag_text.lstrip().removeprefix("@")) == norm(title)


async def check_tags(service: TaskService, ctx: RequestContext, tags: Sequence[tuple[int, str]]) -> None:
    """Every ``(number, text)`` tag of a message names a live task of ``ctx.user_id`` titled ``text``.

    Args:
        service: the task service (its session factory).
        ctx: the request context (the user from the token).
        tags: the message's ``input_tag`` parts as ``(data.number, text)``, numbers already
            checked to be in range.

    Raises:
        ValidationError: a number with no live task of the user (deleted, or another user's),
            or a title that is not the tag's text (field ``input``). Nothing is read or changed
            beyond the check.
    """
    if not tags:
        return
    numbers = sorted({n for n, _ in tags})
    async with service.sessionmaker() as session:
        rows = (await session.execute(
            select(Task.number, Task.title).where(
                Task.user_id == ctx.user_id, Task.deleted_at.is_(None), Task.number.in_(numbers)
            )
        )).all()
    titles = {int(n): str(t) for n, t in rows}
    for number, text in tags:
        title = titles.get(number)
        if title is None:
            raise ValidationError(
                f"The tag @{text[:60]} names task {number}, which is not one of your tasks (deleted, or "
                "someone else's); nothing was changed. Pick the task again.",
                field="input",
            )
        if not same_title(text, title):
            raise ValidationError(
                f"The tag @{text[:60]} does not match your task {number} ({title[:60]!r}); nothing was "
                "changed. Pick the task again.",
                field="input",
            )


__all__ = ["MENTIONS_MAX", "MENTION_QUERY_MAX", "Mention", "check_tags", "live_mentions", "mention_terms", "offers", "same_title", "search_mentions"]
