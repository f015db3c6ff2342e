"""Opening a SQLite connection while another connection holds the file locked (db.py
``_sqlite_pragmas``): "database is locked" is retried (tenacity) until the lock goes, given up
after ``SQLITE_OPEN_RETRY_SECONDS`` with SQLite's own error, and any other error is not retried.
Real SQLite files and a real lock (another connection's ``BEGIN EXCLUSIVE``); the busy timeout is
set to 0 so the lock reaches the retry instead of SQLite's own wait."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from todochat import db


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A database file held under an exclusive lock by another connection (rollback journal, so
    no reader gets in), and the busy timeout turned off."""
    monkeypatch.setattr(db, "SQLITE_BUSY_MS", 0)
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO t VALUES (1)")
    yield path, holder
    holder.close()


class Counting:
    """A real sqlite3 connection that counts the cursors opened on it (one per attempt)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False)
        self.attempts = 0

    @property
    def isolation_level(self) -> str | None:
        return self.conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self.conn.isolation_level = value

    def cursor(self) -> sqlite3.Cursor:
        self.attempts += 1
        return self.conn.cursor()


def test_a_lock_that_goes_away_is_retried_until_the_connection_is_set_up(locked) -> None:  # type: ignore[no-untyped-def]
    path, holder = locked
    conn = Counting(path)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        conn.conn.execute("PRAGMA journal_mode=WAL")  # the lock is real
    conn.attempts = 0
    release = threading.Event()

    def commit_when_retried() -> None:  # the holder lets go once the opener has had to retry
        while conn.attempts < 3 and not release.wait(0.005):
            pass
        holder.execute("COMMIT")

    threading.Thread(target=commit_when_retried, daemon=True).start()
    try:
        db._sqlite_pragmas(conn, None)
    finally:
        release.set()
    assert conn.attempts >= 3
    assert conn.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert conn.conn.execute("SELECT x FROM t").fetchall() == [(1,)]
    conn.conn.close()


def test_a_lock_that_stays_is_given_up_with_sqlites_own_error(locked, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    path, _holder = locked
    monkeypatch.setattr(db, "SQLITE_OPEN_RETRY_SECONDS", 0.2)
    conn = Counting(path)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        db._sqlite_pragmas(conn, None)
    assert conn.attempts > 1  # retried, then the deadline stopped it
    conn.conn.close()


def test_other_errors_are_not_retried(tmp_path: Path) -> None:
    path = tmp_path / "not-a-database.db"
    path.write_bytes(b"this is not an SQLite file, it is text long enough to have a header" * 20)
    conn = Counting(path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        db._sqlite_pragmas(conn, None)
    assert conn.attempts == 1
    conn.conn.close()
