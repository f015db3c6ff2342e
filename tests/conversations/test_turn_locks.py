"""``TurnLocks``: one holder per thread, FIFO, bounded waits, released on cancellation; on
PostgreSQL also across processes (two lock tables stand for two replicas) and without starving
the store's pool."""

from __future__ import annotations

import asyncio

import pytest

from todochat.conversations.turns import TurnLocks, lock_key
from todochat.db import make_engine
from todochat.errors import TurnInProgress


@pytest.fixture
async def engine(settings):
    engine = make_engine(settings)
    yield engine
    await engine.dispose()


async def test_turns_of_one_thread_run_one_at_a_time_in_arrival_order(engine) -> None:
    locks = TurnLocks(engine)
    running, order = [], []

    async def turn(i: int) -> None:
        async with locks.hold("alice", "thr_1"):
            running.append(i)
            assert len(running) == 1
            await asyncio.sleep(0)
            order.append(i)
            running.remove(i)

    await asyncio.gather(*(turn(i) for i in range(8)))
    assert order == list(range(8))
    assert locks._local == {}  # nothing kept once nobody holds or waits
    await locks.dispose()


async def test_other_threads_and_users_do_not_wait(engine) -> None:
    locks = TurnLocks(engine, wait_seconds=5)
    async with locks.hold("alice", "thr_1"), locks.hold("alice", "thr_2"), locks.hold("bob", "thr_1"):
        pass
    await locks.dispose()


async def test_a_wait_past_the_bound_is_turn_in_progress(engine) -> None:
    locks = TurnLocks(engine, wait_seconds=0.2)
    async with locks.hold("alice", "thr_1"):
        with pytest.raises(TurnInProgress):
            async with locks.hold("alice", "thr_1"):
                pass
    async with locks.hold("alice", "thr_1"):  # free again
        pass
    await locks.dispose()


async def test_a_cancelled_holder_releases_the_lock(engine) -> None:
    locks = TurnLocks(engine, wait_seconds=5)
    entered = asyncio.Event()

    async def holder() -> None:
        async with locks.hold("alice", "thr_1"):
            entered.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(holder())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with locks.hold("alice", "thr_1"):
        pass
    await locks.dispose()


@pytest.mark.postgres
async def test_postgres_lock_holds_across_replicas(pg_url) -> None:
    from todochat.config import Settings

    engine = make_engine(Settings(database_url=pg_url))
    replica_a, replica_b = TurnLocks(engine, wait_seconds=0.3), TurnLocks(engine, wait_seconds=0.3)
    assert replica_a.across_replicas
    try:
        async with replica_a.hold("alice", "thr_1"):
            with pytest.raises(TurnInProgress):  # PostgreSQL's lock_timeout on B's lock connection
                async with replica_b.hold("alice", "thr_1"):
                    pass
            async with replica_b.hold("alice", "thr_2"):
                pass
        async with replica_b.hold("alice", "thr_1"):
            pass
    finally:
        await replica_a.dispose()
        await replica_b.dispose()
        await engine.dispose()


def test_lock_keys_are_signed_64_bit_and_per_user_and_thread() -> None:
    keys = {lock_key(u, t) for u in ("alice", "bob") for t in ("thr_1", "thr_2")}
    assert len(keys) == 4 and all(-(2**63) <= k < 2**63 for k in keys)
    assert lock_key("a", "b\x00c") != lock_key("a\x00b", "c")
