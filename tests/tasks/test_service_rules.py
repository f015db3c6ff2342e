"""The rules of TaskService (issue 5) against real SQLite and PostgreSQL: fields, recurrence,
listing, bulk operations with confirmation, undo, and the stored time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from todochat.context import Clock, RequestContext
from todochat.errors import ConfirmationRequired, NothingToUndo, TaskNotFound, ValidationError
from todochat.tasks import queries
from todochat.tasks.schemas import Selection, TaskChanges, TaskCreate, TaskFilter

NOW = datetime(2026, 11, 18, 9, tzinfo=UTC)  # Wednesday, 10:00 in Berlin


def ctx(user: str = "alice", tz: str = "Europe/Berlin", now: datetime = NOW) -> RequestContext:
    return RequestContext(user_id=user, tz=ZoneInfo(tz), clock=Clock(now))


async def test_fields_priority_tags_due_and_times(service):
    c = ctx()
    t = await service.add(
        c,
        TaskCreate(title="Pay rent", description=" by transfer ", priority="URGENT", tags=["#Home", "money", "home"], due="2026-11-20"),
    )
    assert (t.priority, t.tags, t.due, t.due_all_day, t.description) == ("high", ["home", "money"], "2026-11-20", True, "by transfer")
    assert t.created_at == t.updated_at == NOW and t.completed_at is None and not t.overdue
    timed = await service.add(c, TaskCreate(title="Call mom", due="2026-11-19T18:00", priority="low"))
    assert (timed.due, timed.due_all_day) == ("2026-11-19T18:00", False)
    # the same instant shown in New York; the whole day stays the same calendar day
    assert (await service.get(ctx(tz="America/New_York"), timed.number)).due == "2026-11-19T12:00"
    assert (await service.get(ctx(tz="America/New_York"), t.number)).due == "2026-11-20"

    later = ctx(now=NOW + timedelta(hours=2))
    done = await service.complete(later, t.number)
    assert done.task.completed and done.task.completed_at == NOW + timedelta(hours=2)
    assert done.task.updated_at == NOW + timedelta(hours=2) and done.task.created_at == NOW
    assert done.next_task is None
    reopened = await service.reopen(later, t.number)
    assert not reopened.completed and reopened.completed_at is None

    changed = await service.update(c, timed.number, TaskChanges(add_tags=["Family"], priority="medium", due=""))
    assert (changed.tags, changed.priority, changed.due) == (["family"], "medium", None)
    changed = await service.update(c, timed.number, TaskChanges(tags=["x"], remove_tags=["x"]))
    assert changed.tags == []


BAD_INPUT = [
    ({"title": "x" * 201}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "ok", "description": "d" * 1001}, "description"),
    ({"title": "ok", "priority": "urgent-ish"}, "priority"),
    ({"title": "ok", "tags": ["two words"]}, "tags"),
    ({"title": "ok", "tags": ["x" * 41]}, "tags"),
    ({"title": "ok", "due": "2026-02-30"}, "due"),
    ({"title": "ok", "recurrence": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "recurrence"),
    ({"title": "ok", "recurrence": "FREQ=DAILY;INTERVAL=0"}, "recurrence"),
]


async def test_bad_input_is_refused_and_nothing_changes(service):
    c = ctx()
    kept = await service.add(c, TaskCreate(title="Keep me", tags=["a"]))
    for data, field in BAD_INPUT:
        with pytest.raises(ValidationError) as err:
            await service.add(c, TaskCreate(**data))
        assert err.value.field == field, data
        changes = {k: v for k, v in data.items() if k != "title" or v.strip() == "" or len(v) > 200}
        with pytest.raises(ValidationError) as err:
            await service.update(c, kept.number, TaskChanges(**changes))
        assert err.value.field == field, data
    assert [t.model_dump() for t in await service.list(c)] == [kept.model_dump()]
    with pytest.raises(ValidationError):
        await service.update(c, kept.number, TaskChanges())


async def test_tag_filter_uses_the_index_table(service):
    c = ctx()
    await service.add(c, TaskCreate(title="a", tags=["work"]))
    await service.add(c, TaskCreate(title="b", tags=["home"]))
    await service.add(ctx("bob"), TaskCreate(title="bob's", tags=["work"]))
    assert [t.title for t in await service.list(c, TaskFilter(tag="#Work"))] == ["a"]
    stmt = queries.filtered(c, TaskFilter(tag="work"))
    async with service.sessionmaker() as session:
        dialect = session.bind.dialect
        sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        assert "task_tags" in sql
        if dialect.name == "sqlite":
            plan = (await session.execute(text("EXPLAIN QUERY PLAN " + sql))).all()
        else:
            await session.execute(text("SET enable_seqscan = off"))
            plan = (await session.execute(text("EXPLAIN " + sql))).all()
    assert "ix_task_tags_user_tag" in " ".join(str(row) for row in plan)


async def test_completing_a_recurring_task_creates_the_next_occurrence(service):
    c = ctx()
    weekly = await service.add(
        c,
        TaskCreate(title="Team sync", description="room 4", priority="high", tags=["work"], due="2026-11-16T09:00", recurrence="FREQ=WEEKLY;BYDAY=MO"),
    )
    result = await service.complete(c, weekly.number)
    assert result.task.completed
    nxt = result.next_task
    assert nxt is not None and nxt.number == weekly.number + 1 and not nxt.completed
    assert (nxt.title, nxt.description, nxt.priority, nxt.tags, nxt.recurrence) == ("Team sync", "room 4", "high", ["work"], "FREQ=WEEKLY;BYDAY=MO")
    assert (nxt.due, nxt.due_all_day) == ("2026-11-23T09:00", False)
    # every day, long overdue: the next one is today, never in the past
    daily = await service.add(c, TaskCreate(title="Water plants", due="2026-11-01", recurrence="daily"))
    assert (await service.complete(c, "water plants")).next_task.due == "2026-11-18"
    # a recurrence without a due date starts today
    assert (await service.add(c, TaskCreate(title="Stretch", recurrence="daily"))).due == "2026-11-18"
    # COUNT is used up across occurrences; a finished rule creates nothing
    last = await service.add(c, TaskCreate(title="Twice", due="2026-11-18", recurrence="FREQ=DAILY;COUNT=2"))
    second = (await service.complete(c, last.number)).next_task
    assert (second.due, second.recurrence) == ("2026-11-19", "FREQ=DAILY;COUNT=1")
    assert (await service.complete(c, second.number)).next_task is None
    assert daily.number < last.number
    # completed, reopened and completed again: the next occurrence is not made twice
    again = await service.reopen(c, weekly.number)
    assert not again.completed
    assert (await service.complete(c, weekly.number)).next_task.number == nxt.number
    assert [t.number for t in await service.list(c, TaskFilter(query="team sync"))] == [weekly.number, nxt.number]


async def test_recurrence_across_dst_keeps_wall_time_and_day(service):
    berlin = ctx(now=datetime(2026, 10, 22, 10, tzinfo=UTC))
    t = await service.add(berlin, TaskCreate(title="Yoga", due="2026-10-22T09:00", recurrence="weekly"))
    nxt = (await service.complete(berlin, t.number)).next_task
    assert nxt.due == "2026-10-29T09:00"  # CEST → CET, still 09:00
    day = await service.add(berlin, TaskCreate(title="Bins", due="2026-10-24", recurrence="weekly"))
    assert (await service.complete(berlin, day.number)).next_task.due == "2026-10-31"
    ny = ctx(tz="America/New_York", now=datetime(2026, 10, 30, 14, tzinfo=UTC))
    t = await service.add(ny, TaskCreate(title="Standup", due="2026-10-30T09:00", recurrence="FREQ=WEEKLY;BYDAY=FR"))
    nxt = (await service.complete(ny, t.number)).next_task
    assert nxt.due == "2026-11-06T09:00"
    assert (await service.get(ctx(tz="UTC"), nxt.number)).due == "2026-11-06T14:00"


async def test_list_filters_and_sorts(service):
    c = ctx()  # Wednesday 18 Nov 2026, 10:00 Berlin
    specs = [
        ("Buy milk", "2026-11-18", "low", ["home"], "semi-skimmed"),
        ("Call dentist", "2026-11-19T08:30", "high", ["health"], ""),
        ("File taxes", "2026-11-10", "medium", ["money"], "before the deadline"),
        ("Board meeting", "2026-11-18T08:00", "high", ["work"], "slides"),  # earlier today: overdue
        ("Plan holiday", "2026-11-22", "none", [], "look at milk farms"),
        ("Renew passport", "2026-11-25", "none", [], ""),
        ("Read book", None, "low", ["home"], ""),
    ]
    for title, due, prio, tags, desc in specs:
        await service.add(c, TaskCreate(title=title, due=due, priority=prio, tags=tags, description=desc))
    await service.complete(c, "read book")
    await service.add(ctx("bob"), TaskCreate(title="Bob milk", due="2026-11-18"))

    async def titles(sort: str = "number", **flt: object) -> list[str]:
        return [t.title for t in await service.list(c, TaskFilter(**flt), sort=sort)]

    assert await titles(due="today") == ["Buy milk", "Board meeting"]
    assert await titles(due="tomorrow") == ["Call dentist"]
    assert await titles(due="overdue") == ["File taxes", "Board meeting"]
    assert await titles(due="this_week") == ["Buy milk", "Call dentist", "Board meeting", "Plan holiday"]
    assert await titles(due="2026-11-25") == ["Renew passport"]
    assert await titles(due="none") == ["Read book"]
    assert await titles(due_after="2026-11-19", due_before="2026-11-22") == ["Call dentist", "Plan holiday"]
    assert await titles(status="completed") == ["Read book"]
    assert await titles(status="pending", priority="high") == ["Call dentist", "Board meeting"]
    assert await titles(tag="home", status="all") == ["Buy milk", "Read book"]
    assert await titles(query="MILK") == ["Buy milk", "Plan holiday"]  # title or description
    assert await titles(query="deadline taxes") == ["File taxes"]
    assert await titles(sort="due") == [
        "File taxes", "Buy milk", "Board meeting", "Call dentist", "Plan holiday", "Renew passport", "Read book",
    ]
    assert await titles(sort="priority") == [
        "Call dentist", "Board meeting", "File taxes", "Buy milk", "Read book", "Plan holiday", "Renew passport",
    ]
    assert await titles(sort="title") == [
        "Board meeting", "Buy milk", "Call dentist", "File taxes", "Plan holiday", "Read book", "Renew passport",
    ]
    assert (await titles(sort="created"))[0] == "Buy milk"
    page = await service.list(c, sort="title", limit=2, offset=2)
    assert [t.title for t in page] == ["Call dentist", "File taxes"]
    flagged = {t.title: t.overdue for t in await service.list(c)}
    assert flagged["File taxes"] and flagged["Board meeting"] and not flagged["Buy milk"]
    with pytest.raises(ValidationError) as err:
        await service.list(c, TaskFilter(due="2026-02-30"))
    assert err.value.field == "due"
    with pytest.raises(ValidationError):
        await service.list(c, sort="colour")
    await service.add(c, TaskCreate(title="Sale: 50% off_peak"))
    assert await titles(query="50%") == ["Sale: 50% off_peak"]
    assert await titles(query="peak") == ["Sale: 50% off_peak"]  # "_" separates words
    assert await titles(query="o_f") == []  # whole words "o" and "f": none
    with pytest.raises(ValidationError) as err:
        await service.list(c, TaskFilter(query="%"))  # no words: an error, not "everything"
    assert err.value.field == "query"
    with pytest.raises(ValidationError) as err:
        await service.list(c, TaskFilter(tag="two words"))
    assert err.value.field == "tag"


async def test_due_sort_and_today_in_a_western_zone(service):
    # 23:30 on Wednesday 18 Nov in Los Angeles is already Thursday in UTC
    la = ctx(tz="America/Los_Angeles", now=datetime(2026, 11, 19, 7, 30, tzinfo=UTC))
    await service.add(la, TaskCreate(title="Thursday all day", due="2026-11-19"))
    await service.add(la, TaskCreate(title="Wednesday 20:00", due="2026-11-18T20:00"))
    await service.add(la, TaskCreate(title="Wednesday all day", due="2026-11-18"))
    await service.add(la, TaskCreate(title="Thursday 09:00", due="2026-11-19T09:00"))
    got = [t.title for t in await service.list(la, sort="due")]
    assert got == ["Wednesday all day", "Wednesday 20:00", "Thursday all day", "Thursday 09:00"]
    assert [t.title for t in await service.list(la, TaskFilter(due="today"))] == ["Wednesday 20:00", "Wednesday all day"]
    assert [t.title for t in await service.list(la, TaskFilter(due="overdue"))] == ["Wednesday 20:00"]
    page = await service.list(la, sort="due", limit=2, offset=1)
    assert [t.title for t in page] == ["Wednesday 20:00", "Thursday all day"]


async def test_bulk_complete_and_delete_with_confirmation_then_undo(service):
    c = ctx()
    for title, tags in [("a", ["work"]), ("b", ["work"]), ("c", ["home"]), ("d", ["work"])]:
        await service.add(c, TaskCreate(title=title, tags=tags, recurrence="daily" if title == "d" else None))
    await service.add(ctx("bob"), TaskCreate(title="bob", tags=["work"]))

    with pytest.raises(ConfirmationRequired) as asked:  # two tasks: nothing changes unconfirmed
        await service.bulk_complete(c, Selection(filter=TaskFilter(tag="work", numbers=[1, 4])))
    assert asked.value.action == "complete" and asked.value.would_delete == []
    assert asked.value.would_change == [{"number": 1, "title": "a"}, {"number": 4, "title": "d"}]
    assert not any(t.completed for t in await service.list(c))
    done = await service.bulk_complete(c, Selection(filter=TaskFilter(tag="work", numbers=[1, 4])), confirm=True)
    assert [t.number for t in done.tasks] == [1, 4] and all(t.completed for t in done.tasks)
    assert [(t.title, t.completed) for t in done.created] == [("d", False)]

    with pytest.raises(ConfirmationRequired) as err:
        await service.bulk_delete(c, TaskFilter(tag="work"))
    assert [w["number"] for w in err.value.would_delete] == [1, 2, 4, 5]
    assert len(await service.list(c)) == 5  # nothing deleted
    deleted = await service.bulk_delete(c, TaskFilter(tag="work"), confirm=True)
    assert [t.number for t in deleted.tasks] == [1, 2, 4, 5]
    assert [t.title for t in await service.list(c)] == ["c"]
    with pytest.raises(TaskNotFound):
        await service.get(c, 2)
    assert [t.title for t in await service.list(ctx("bob"))] == ["bob"]  # another user's untouched
    one = await service.bulk_delete(c, TaskFilter(tag="home"))  # a single task needs no confirmation
    assert [t.title for t in one.tasks] == ["c"]
    with pytest.raises(TaskNotFound):
        await service.bulk_delete(c, TaskFilter(tag="nothing"))

    later = ctx(now=NOW + timedelta(minutes=1))
    assert [t.title for t in (await service.undo(later)).tasks] == ["c"]
    assert [t.number for t in (await service.undo(later)).tasks] == [1, 2, 4, 5]
    assert len(await service.list(c)) == 5
    # then the bulk completion: 1 and 4 open again, the next occurrence 5 gone
    undone = await service.undo(later)
    assert undone.message == "Undid: marked 2 tasks done (next occurrence: task 5)"
    assert ([t.number for t in undone.tasks], undone.removed) == ([1, 4], [5])
    assert [(t.number, t.completed) for t in await service.list(c)] == [(1, False), (2, False), (3, False), (4, False)]
    assert (await service.undo(ctx("bob"))).message == "Undid: added 'bob'"  # bob's own journal
    assert await service.list(ctx("bob")) == []
    with pytest.raises(NothingToUndo):
        await service.undo(ctx("bob"))
    assert len(await service.list(c)) == 4  # alice's list untouched by bob's undo
    await service.delete(c, "c")
    assert [t.title for t in (await service.undo(later)).tasks] == ["c"]
    # past the undo window (30 days) a deletion is purged and cannot be undone
    await service.delete(c, 3)
    much_later = ctx(now=NOW + timedelta(days=31))
    assert await service.purge(much_later) == 2  # task 3 and the undone next occurrence 5
    with pytest.raises(NothingToUndo):
        await service.undo(much_later)


async def test_stored_time_zone(service):
    assert await service.get_timezone("alice") is None
    await service.set_timezone(ctx(), "America/New_York")
    await service.set_timezone(ctx(), "Asia/Tokyo")
    assert await service.get_timezone("alice") == "Asia/Tokyo"
    for bad in ("Mars/Olympus", "Europe", "", "../etc/passwd"):
        with pytest.raises(ValidationError) as err:
            await service.set_timezone(ctx(), bad)
        assert err.value.field == "timezone"
    assert await service.get_timezone("alice") == "Asia/Tokyo"
    assert await service.get_timezone("bob") is None
