"""Queries over a user's tasks: the live (not deleted) set, filters and sort orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, get_args

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from todochat.context import RequestContext
from todochat.errors import TaskNotFound, ValidationError
from todochat.tasks import dates, search
from todochat.tasks.models import Task, TaskTag
from todochat.tasks.rules import (
    check_number,
    check_reference,
    clean_priority,
    clean_tags,
    parse_day,
)
from todochat.tasks.schemas import SortKey, TaskFilter

SORTS: tuple[str, ...] = get_args(SortKey)
NUMBERS_MAX = 1000
"""At most this many task numbers in one selection (SQLite binds at most 32,766 values)."""


def live(ctx: RequestContext) -> Select[Task]:
    """The user's tasks that are not deleted."""
    return select(Task).where(Task.user_id == ctx.user_id, Task.deleted_at.is_(None))

def filtered(ctx: RequestContext, flt: TaskFilter) -> Select[Task]:
    """The user's live tasks matching every field of ``flt`` — for ``query`` only the SQL
    prefilter of :mod:`todochat.tasks.search`: run it through :func:`fetch`, which is exact.

    Raises:
        ValidationError: a malformed priority, tag or day, or a query without words (the field
            is named).
    """
    stmt = live(ctx)
    if flt.status == "pending":
        stmt = stmt.where(Task.completed.is_(False))
    elif flt.status == "completed":
        stmt = stmt.where(Task.completed.is_(True))
    if flt.priority:
        stmt = stmt.where(Task.priority == clean_priority(flt.priority))
    if flt.tag:
        try:
            tag = clean_tags([flt.tag])
        except ValidationError as exc:
            raise ValidationError(exc.message, field="tag") from exc
        stmt = stmt.where(
            Task.id.in_(
                select(TaskTag.task_id).where(
                    TaskTag.user_id == ctx.user_id, TaskTag.tag.in_(tag)
                )
            )
        )
    if flt.numbers is not None:
        if len(flt.numbers) > NUMBERS_MAX:
            raise ValidationError(f"Give at most {NUMBERS_MAX} task numbers at once.", field="numbers")
        stmt = stmt.where(Task.number.in_([check_number(n, "numbers") for n in flt.numbers]))
    if flt.query and flt.query.strip():
        terms = search.terms(check_reference(flt.query, "query"))
        if not terms:
            raise ValidationError(
                f"Nothing to search for in {flt.query!r}: give words (letters or digits).", field="query"
            )
        narrowing = search.prefilter(ctx.user_id, terms)
        if narrowing is not None:
            stmt = stmt.where(narrowing)  # a superset: :func:`fetch` applies the exact rule
    stmt = due_filter(ctx, stmt, flt)
    return stmt

async def fetch(
    session: AsyncSession,
    ctx: RequestContext,
    flt: TaskFilter,
    *,
    sort: str = "number",
    limit: int | None = None,
    offset: int = 0,
) -> list[Task]:
    """The user's live tasks matching ``flt`` exactly, in ``sort`` order, then paged.

    Paging (``limit``/``offset``) happens in SQL when SQL alone decides the rows and their order;
    with search words (checked in Python, :func:`search.matches`) or ``sort="due"`` (ordered in the
    user's zone, :func:`due_key`) it happens after those, so pages never skip or repeat a task.

    Raises:
        ValidationError: unknown sort, priority, or malformed day (the field is named).
    """
    stmt = ordered(filtered(ctx, flt), sort)
    terms = search.terms(flt.query)
    in_sql = not terms and sort != "due"
    if in_sql and limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    elif limit is not None and sort != "due":  # search words: batches until the page is full
        return await _searched_page(session, stmt, terms, offset, limit)
    elif limit is not None and not terms:  # sort by due: only the rows that can be on the page
        return await _due_page(session, ctx, filtered(ctx, flt), offset, limit)
    rows = list((await session.execute(stmt)).scalars())
    if in_sql:
        return rows
    if terms:
        rows = [t for t in rows if search.matches(terms, t.title, t.description, t.tags)]
    if sort == "due":
        # whole days are floating dates and times are instants: only the user's zone orders them
        rows.sort(key=lambda t: due_key(ctx, t))
    return rows[offset : None if limit is None else offset + limit]


SEARCH_BATCH = 200
"""First batch of a searched page (rows read in SQL order, then matched exactly); it doubles."""
DUE_WINDOW = timedelta(hours=27)
"""Local wall time is UTC +14 h … −12 h: a task whose local due is at most the k-th task's is due
(as stored) at most 26 h after it; one hour more for safety. :func:`_due_window` narrows it to
the user's zone."""


def _due_window(ctx: RequestContext, around: datetime) -> timedelta:
    """How much later than ``around`` a task can be due (as stored) and still come before it in
    :func:`due_key` order: the spread of the zone's UTC offsets (and 0, for whole days) within two
    days of ``around``, plus an hour; never more than ``DUE_WINDOW``."""
    offsets = {timedelta(0)}
    for hours in range(-48, 49, 1):
        offset = (around + timedelta(hours=hours)).astimezone(ctx.tz).utcoffset()
        if offset is not None:
            offsets.add(offset)
    return min(DUE_WINDOW, max(offsets) - min(offsets) + timedelta(hours=1))


async def _searched_page(session: AsyncSession, stmt: Select[Task], terms: list[str], offset: int, limit: int) -> list[Task]:
    """Page ``[offset, offset + limit)`` of the rows of ``stmt`` (already in its order, a superset
    from the SQL prefilter) that :func:`search.matches` keeps, reading batches of growing size
    instead of every candidate (a user with 100,000 tasks: a page reads a few hundred rows)."""
    want, found, start, batch = offset + limit, [], 0, max(SEARCH_BATCH, 2 * (offset + limit))
    while len(found) < want:
        chunk = list((await session.execute(stmt.limit(batch).offset(start))).scalars())
        found += [t for t in chunk if search.matches(terms, t.title, t.description, t.tags)]
        if len(chunk) < batch:
            break
        start, batch = start + batch, batch * 2
    return found[offset:want]


async def _due_page(session: AsyncSession, ctx: RequestContext, stmt: Select[Task], offset: int, limit: int) -> list[Task]:
    """Page ``[offset, offset + limit)`` of ``stmt`` in :func:`due_key` order, reading only the
    rows that can be on it: those due (as stored) at most ``DUE_WINDOW`` after the
    ``offset + limit``-th earliest stored due, and as many undated ones as the page still needs."""
    want = offset + limit
    dated = stmt.where(Task.due_at.is_not(None))
    kth = (await session.execute(
        dated.with_only_columns(Task.due_at).order_by(Task.due_at).offset(want - 1).limit(1)
    )).scalar_one_or_none()
    if kth is not None:
        dated = dated.where(Task.due_at <= kth + _due_window(ctx, kth))
    rows = sorted((await session.execute(dated)).scalars(), key=lambda t: due_key(ctx, t))
    if len(rows) < want:  # undated tasks come last, by number
        undated = stmt.where(Task.due_at.is_(None)).order_by(Task.number).limit(want - len(rows))
        rows += list((await session.execute(undated)).scalars())
    return rows[offset:want]


def check_numbers(numbers: list[int] | None, rows: list[Task], verb: str) -> None:
    """Refuse a selection by ``numbers`` when one of them is no live task of the user.

    Raises:
        TaskNotFound: names the missing numbers (``numbers`` detail); ``verb`` says what was not
            done ("Nothing was completed.").
    """
    missing = sorted(set(numbers or []) - {t.number for t in rows})
    if missing:
        listed = ", ".join(str(n) for n in missing)
        noun = "task" if len(missing) == 1 else "tasks"
        raise TaskNotFound(f"There is no {noun} {listed}, so nothing was {verb}.", numbers=missing)


def day_bounds(ctx: RequestContext, first: date, last: date) -> Any:
    """SQL condition: due falls on a day in [first, last] in the user's zone."""
    start_float = datetime.combine(first, time(0, 0), tzinfo=UTC)
    end_float = datetime.combine(last, time(0, 0), tzinfo=UTC)
    start_local = datetime.combine(first, time(0, 0), tzinfo=ctx.tz)
    end_local = datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=ctx.tz)
    return or_(
        and_(Task.due_all_day.is_(True), Task.due_at >= start_float, Task.due_at <= end_float),
        and_(Task.due_all_day.is_(False), Task.due_at >= start_local, Task.due_at < end_local),
    )

def due_filter(ctx: RequestContext, stmt: Select[Task], flt: TaskFilter) -> Select[Task]:
    """Narrow ``stmt`` by ``flt.due`` (today, tomorrow, this_week, overdue, none, any, a day),
    ``due_before`` and ``due_after``, all in the user's zone."""
    today = ctx.local_now().date()
    if flt.due:
        key = flt.due.strip().lower()
        if key == "today":
            stmt = stmt.where(day_bounds(ctx, today, today))
        elif key == "tomorrow":
            tomorrow = today + timedelta(days=1)
            stmt = stmt.where(day_bounds(ctx, tomorrow, tomorrow))
        elif key in ("this_week", "week", "this week"):
            stmt = stmt.where(day_bounds(ctx, today, today + timedelta(days=6 - today.weekday())))
        elif key == "overdue":
            stmt = stmt.where(
                Task.completed.is_(False),
                or_(
                    and_(
                        Task.due_all_day.is_(True),
                        Task.due_at < datetime.combine(today, time(0, 0), tzinfo=UTC),
                    ),
                    and_(Task.due_all_day.is_(False), Task.due_at < ctx.now()),
                ),
            )
        elif key == "none":
            stmt = stmt.where(Task.due_at.is_(None))
        elif key == "any":
            stmt = stmt.where(Task.due_at.is_not(None))
        else:
            day = parse_day(key, "due")
            stmt = stmt.where(day_bounds(ctx, day, day))
    if flt.due_before:
        stmt = stmt.where(day_bounds(ctx, date(1, 1, 2), parse_day(flt.due_before, "due_before")))
    if flt.due_after:
        stmt = stmt.where(day_bounds(ctx, parse_day(flt.due_after, "due_after"), date(9999, 12, 30)))
    return stmt

def ordered(stmt: Select[Task], sort: str) -> Select[Task]:
    """``stmt`` in ``sort`` order (number, due, priority, created, title), then by number.

    Raises:
        ValidationError: unknown sort (field ``sort``).
    """
    if sort not in SORTS:
        raise ValidationError(f"Unknown sort {sort!r}: use one of {', '.join(SORTS)}.", field="sort")
    if sort == "due":
        return stmt.order_by(Task.due_at.is_(None), Task.due_at, Task.number)
    if sort == "priority":
        order = case(
            {"high": 0, "medium": 1, "low": 2, "none": 3}, value=Task.priority, else_=4
        )
        return stmt.order_by(order, Task.number)
    if sort == "created":
        return stmt.order_by(Task.created_at, Task.number)
    if sort == "title":
        return stmt.order_by(func.lower(Task.title), Task.number)
    return stmt.order_by(Task.number)

def due_key(ctx: RequestContext, task: Task) -> tuple[bool, datetime, bool, int]:
    """Sort key of ``sort="due"``: the due as local wall time (a whole day at its 00:00, before
    that day's times); no due date last; then the number."""
    if task.due_at is None:
        return (True, datetime.min.replace(tzinfo=UTC), False, task.number)
    local = dates.due_local(task.due_at, task.due_all_day, ctx.tz)
    # wall-clock times tagged UTC only so they compare; they are not instants
    wall = local.replace(tzinfo=UTC) if isinstance(local, datetime) else datetime.combine(local, time(0, 0), tzinfo=UTC)
    return (False, wall, not task.due_all_day, task.number)
