"""The default views' rules (tasks/views.py): Today and Upcoming as filters on the real service
(SQLite and PostgreSQL), and the nesting of subtasks under their parents (a property test)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.clock import TEST_NOW

from todochat.context import Clock, RequestContext
from todochat.errors import ValidationError
from todochat.tasks.schemas import TaskCreate, TaskOut
from todochat.tasks.service import TaskService
from todochat.tasks.views import DEFAULT_SORT, nested, view_filter


def ctx(user: str = "alice") -> RequestContext:
    return RequestContext(user_id=user, tz=ZoneInfo("Europe/Paris"), clock=Clock(fixed=TEST_NOW))


async def test_today_holds_what_is_due_today_or_overdue_and_upcoming_what_is_later(service: TaskService) -> None:
    c = ctx()
    for title, due in (("Late", "2026-11-20"), ("Now", "2026-11-23T23:30"), ("Soon", "2026-11-24"),
                       ("Far", "2027-03-01"), ("Someday", None), ("Done late", "2026-11-21")):
        await service.add(c, TaskCreate(title=title, due=due))
    await service.complete(c, 6)
    await service.add(ctx("bob"), TaskCreate(title="Bob's", due="2026-11-23"))
    today = c.local_now().date()
    assert today == date(2026, 11, 23)

    async def titles(view: str) -> list[str]:
        return [t.title for t in await service.list(c, view_filter(view, today), sort=DEFAULT_SORT)]  # type: ignore[arg-type]

    assert await titles("today") == ["Late", "Now"]  # 23:30 in Paris is 22:30 UTC: still today
    assert await titles("upcoming") == ["Soon", "Far"]
    with pytest.raises(ValidationError) as info:
        view_filter("someday", today)  # type: ignore[arg-type]
    assert info.value.field == "view"


def task(number: int, parent: int | None) -> TaskOut:
    at = datetime(2026, 11, 23, tzinfo=UTC)
    return TaskOut(number=number, title=f"t{number}", created_at=at, updated_at=at, parent=parent)


def test_subtasks_follow_their_parent_one_level_deeper() -> None:
    rows = nested([task(5, 1), task(1, None), task(7, 5), task(2, None), task(9, 4)])
    assert [(t.number, depth) for t, depth in rows] == [(1, 0), (5, 1), (7, 2), (2, 0), (9, 0)]


@settings(deadline=None)  # a loaded CI machine must not fail a pure function on time
@given(st.lists(st.tuples(st.integers(1, 30), st.one_of(st.none(), st.integers(1, 30))), unique_by=lambda x: x[0]))
def test_nesting_keeps_every_task_once_and_puts_each_subtask_under_its_shown_parent(pairs: list[tuple[int, int | None]]) -> None:
    tasks = [task(n, p) for n, p in pairs]
    rows = nested(tasks)
    assert sorted(t.number for t, _ in rows) == sorted(t.number for t in tasks)
    position = {t.number: i for i, (t, _) in enumerate(rows)}
    depth = {t.number: d for t, d in rows}
    for t, d in rows:
        if d > 0:
            assert t.parent is not None and position[t.parent] < position[t.number] and depth[t.parent] == d - 1
