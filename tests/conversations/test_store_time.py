"""The one time conversion at the Store boundary: naive local for chatkit, UTC instants in the database."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests.clock import TEST_NOW

from todochat.conversations import codec
from todochat.conversations.models import ThreadItemRow, ThreadRow
from todochat.conversations.store import SQLStore

WINTER = datetime(2026, 1, 15, 9, 30, 0, 123456)  # noqa: DTZ001  (naive local, as chatkit stamps)
SUMMER = datetime(2026, 7, 15, 9, 30, 0)  # noqa: DTZ001


@pytest.fixture
def new_york() -> Iterator[None]:
    """Run the process in America/New_York (UTC-5 in winter, UTC-4 in summer), then restore."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


async def raw(sessionmaker: async_sessionmaker[AsyncSession], table, **where):
    async with sessionmaker() as session:
        query = select(table.created_at, table.data).filter_by(**where)
        return (await session.execute(query)).one()


def test_codec_round_trip(new_york) -> None:
    assert codec.to_utc(WINTER) == datetime(2026, 1, 15, 14, 30, 0, 123456, tzinfo=UTC)
    assert codec.to_utc(SUMMER) == datetime(2026, 7, 15, 13, 30, tzinfo=UTC)
    aware = datetime(2026, 1, 15, 16, 30, tzinfo=timezone(timedelta(hours=2)))
    assert codec.to_utc(aware) == datetime(2026, 1, 15, 14, 30, tzinfo=UTC)
    back = codec.to_sdk_time(datetime(2026, 1, 15, 14, 30, 0, 123456, tzinfo=UTC))
    assert back == WINTER and back.tzinfo is None


async def test_items_and_threads_are_stored_as_utc_and_returned_naive_local(
    store: SQLStore, alice, make_thread, make_message, sessionmaker, new_york
) -> None:
    thread = make_thread("t1")
    thread.created_at = SUMMER
    await store.save_thread(thread, alice)
    item = make_message("t1", "m1", "hi")
    item.created_at = WINTER
    await store.add_thread_item("t1", item, alice)

    thread_row = await raw(sessionmaker, ThreadRow, user_id="alice", id="t1")
    item_row = await raw(sessionmaker, ThreadItemRow, user_id="alice", id="m1")
    assert thread_row.created_at == datetime(2026, 7, 15, 13, 30, tzinfo=UTC)
    assert item_row.created_at == datetime(2026, 1, 15, 14, 30, 0, 123456, tzinfo=UTC)
    stored = datetime.fromisoformat(json.loads(item_row.data)["created_at"])
    assert stored == item_row.created_at and stored.utcoffset() == timedelta(0)

    loaded_thread = await store.load_thread("t1", alice)
    loaded_item = await store.load_item("t1", "m1", alice)
    listed = (await store.load_thread_items("t1", None, 10, "asc", alice)).data[0]
    listed_thread = (await store.load_threads(10, None, "asc", alice)).data[0]
    for value, expected in ((loaded_thread.created_at, SUMMER), (listed_thread.created_at, SUMMER),
                            (loaded_item.created_at, WINTER), (listed.created_at, WINTER)):
        assert value == expected and value.tzinfo is None
    assert loaded_item == item


async def test_chatkit_can_subtract_now_from_a_loaded_item(
    store: SQLStore, alice, make_thread, make_message, new_york
) -> None:
    """chatkit/agents.py computes ``datetime.now() - item.created_at`` (workflow durations).

    On a stopped clock (time-machine) the round trip must give back exactly "now", in summer and
    in winter time, so nothing here depends on the day or the machine's speed."""
    await store.save_thread(make_thread("t1"), alice)
    for n, instant in enumerate([TEST_NOW, TEST_NOW.replace(month=7)]):
        with time_machine.travel(instant, tick=False):
            item = make_message("t1", f"m{n}", "hi")
            item.created_at = datetime.now()  # noqa: DTZ005  (exactly what chatkit does)
            await store.add_thread_item("t1", item, alice)
            loaded = await store.load_item("t1", f"m{n}", alice)
            assert loaded.created_at == instant.astimezone().replace(tzinfo=None)  # New York wall time
            assert datetime.now() - loaded.created_at == timedelta(0)  # noqa: DTZ005


async def test_aware_input_keeps_its_instant(
    store: SQLStore, alice, make_thread, make_message, sessionmaker, new_york
) -> None:
    await store.save_thread(make_thread("t1"), alice)
    item = make_message("t1", "m1", "hi")
    item.created_at = datetime(2026, 1, 15, 16, 30, tzinfo=timezone(timedelta(hours=2)))
    await store.add_thread_item("t1", item, alice)
    row = await raw(sessionmaker, ThreadItemRow, user_id="alice", id="m1")
    assert row.created_at == datetime(2026, 1, 15, 14, 30, tzinfo=UTC)
    assert (await store.load_item("t1", "m1", alice)).created_at == datetime(2026, 1, 15, 9, 30)  # noqa: DTZ001


async def test_order_follows_instants_across_a_dst_change(
    store: SQLStore, alice, make_thread, make_message, new_york
) -> None:
    """2026-11-01 01:30 happens twice in New York; UTC keeps the two apart and in order."""
    await store.save_thread(make_thread("t1"), alice)
    first = make_message("t1", "first", "x")
    first.created_at = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    second = make_message("t1", "second", "x")
    second.created_at = datetime(2026, 11, 1, 6, 10, tzinfo=UTC)  # 01:10 EST, naive-earlier
    await store.add_thread_item("t1", second, alice)
    await store.add_thread_item("t1", first, alice)
    page = await store.load_thread_items("t1", None, 10, "asc", alice)
    assert [i.id for i in page.data] == ["first", "second"]
    assert [i.created_at for i in page.data] == [datetime(2026, 11, 1, 1, 30), datetime(2026, 11, 1, 1, 10)]  # noqa: DTZ001
