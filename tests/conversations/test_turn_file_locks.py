"""SQLite turn locks across worker processes (``todochat serve --workers N``): a byte-range lock
per thread in ``<database>.turn-locks`` (conversations/turns.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from todochat.conversations.turns import TurnLocks, _FileLocks, lock_key
from todochat.errors import TurnInProgress

HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
mode = fcntl.LOCK_EX | (fcntl.LOCK_NB if sys.argv[3] == "try" else 0)
try:
    fcntl.lockf(fd, mode, 1, int(sys.argv[2]))
except OSError:
    print("busy", flush=True)
    sys.exit(0)
print("locked", flush=True)
sys.stdin.read()
"""


def other_process(path: Path, offset: int, mode: str = "hold") -> subprocess.Popen[str]:
    """A second process locking byte ``offset`` ("hold": until its stdin closes; "try": report)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(offset), mode],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return proc


async def test_a_thread_locked_by_another_worker_waits_then_is_refused(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'todo.db'}")
    locks = TurnLocks(engine, wait_seconds=0.3)
    lock_file = tmp_path / "todo.db.turn-locks"
    holder = other_process(lock_file, lock_key("alice", "thr_1") % _FileLocks.SLOTS)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    with pytest.raises(TurnInProgress):
        async with locks.hold("alice", "thr_1"):
            pass
    async with locks.hold("alice", "thr_2"):  # another thread of the same user is free
        pass
    holder.communicate("")  # the other worker's turn ends
    async with locks.hold("alice", "thr_1"):
        peek = other_process(lock_file, lock_key("alice", "thr_1") % _FileLocks.SLOTS, "try")
        assert peek.communicate("")[0].strip() == "busy"  # held against other processes meanwhile
    peek = other_process(lock_file, lock_key("alice", "thr_1") % _FileLocks.SLOTS, "try")
    assert peek.communicate("")[0].strip() == "locked"  # and released after
    await engine.dispose()


async def test_two_threads_sharing_a_byte_keep_it_locked_until_both_end(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(_FileLocks, "SLOTS", 1)  # every thread maps to byte 0
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'todo.db'}")
    locks = TurnLocks(engine, wait_seconds=0.3)
    lock_file = tmp_path / "todo.db.turn-locks"
    first = locks.hold("alice", "thr_1")
    await first.__aenter__()
    async with locks.hold("bob", "thr_9"):
        pass  # bob's turn ends first: the byte must stay locked for alice's
    peek = other_process(lock_file, 0, "try")
    assert peek.communicate("")[0].strip() == "busy"
    await first.__aexit__(None, None, None)
    peek = other_process(lock_file, 0, "try")
    assert peek.communicate("")[0].strip() == "locked"
    await engine.dispose()


def test_postgres_and_in_memory_sqlite_need_no_lock_file() -> None:
    assert _FileLocks.for_engine(create_async_engine("sqlite+aiosqlite://")) is None
    assert _FileLocks.for_engine(create_async_engine("postgresql+asyncpg://u@h/db")) is None
