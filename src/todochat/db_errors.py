"""Which database errors the client caused (4xx) and which mean the database is unavailable or
too slow (503). Shared by the fronts (REST and ChatKit answers, agent tool results), so it sits
below them.

PostgreSQL reports bad input as SQLSTATE class 22 (data exception: a NUL byte, a number out of
range, a string too long) or 23 (integrity constraint); asyncpg refuses some values before
sending them (``asyncpg.exceptions.DataError``: "value out of int32 range"). Those are answers
to the request, not an outage, and no retry helps.
"""

from __future__ import annotations

import sqlite3
from typing import Literal

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

Kind = Literal["input", "conflict", "timeout", "unavailable", "bug"]
TIMEOUT_MESSAGE = "The database took too long to answer; try again shortly."
TIMEOUT_SQLSTATES = {"57014", "55P03"}
"""PostgreSQL's query_canceled (``statement_timeout``, TODOCHAT_DB_STATEMENT_TIMEOUT_MS) and
lock_not_available (``lock_timeout``): the database is up but did not finish in time."""


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception behind a SQLAlchemy error (asyncpg's is the adapter's cause)."""
    orig = getattr(exc, "orig", None) or exc
    return orig.__cause__ or orig


def _sqlstate(exc: DBAPIError) -> str:
    driver = _driver_error(exc)
    return str(getattr(driver, "sqlstate", None) or getattr(exc.orig, "sqlstate", None) or "")


def classify(exc: BaseException) -> Kind:
    """``input`` (422), ``conflict`` (409), ``timeout`` (503, retry: a statement ran past its
    time limit), ``unavailable`` (503, retry) or ``bug`` (500).

    Args:
        exc: a SQLAlchemy ``DBAPIError``, a pool ``TimeoutError``, an ``OSError`` or an
            ``OverflowError`` (SQLite cannot bind an integer beyond 64 bits).
    """
    if isinstance(exc, OverflowError):
        return "input"
    if isinstance(exc, (PoolTimeout, OSError)):
        return "unavailable"
    if not isinstance(exc, DBAPIError):
        return "bug"
    if _sqlstate(exc) in TIMEOUT_SQLSTATES and not exc.connection_invalidated:
        return "timeout"
    if exc.connection_invalidated or isinstance(exc, OperationalError):
        return "unavailable"
    driver = _driver_error(exc)
    sqlstate = _sqlstate(exc)
    if sqlstate.startswith("22") or type(driver).__name__ == "DataError" or isinstance(
        driver, (sqlite3.DataError, sqlite3.InterfaceError)
    ):
        return "input"
    if sqlstate.startswith("23") or isinstance(exc, IntegrityError):
        return "conflict"
    if sqlstate.startswith("42") or isinstance(exc, ProgrammingError):
        return "bug"
    return "unavailable"


MESSAGES = {
    "input": "A value in the request is out of range or not allowed.",
    "conflict": "The change conflicts with the stored data.",
    "timeout": TIMEOUT_MESSAGE,
    "unavailable": "The database is unavailable; try again shortly.",
}
"""What each kind (but ``bug``) says to a person: in tool results and error answers."""
