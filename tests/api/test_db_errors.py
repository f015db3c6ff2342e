"""Database errors caused by input are 4xx; only an unreachable database is 503 (issue 11: on
PostgreSQL a NUL byte or a number ≥ 2^31 was reported as 503 "database unavailable")."""

from __future__ import annotations

import pytest
from fastapi import Request
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from tests.servers import in_process

from todochat import db_errors
from todochat.tasks.models import Task


@pytest.mark.parametrize(
    "condition",
    [lambda: Task.number == 2**31, lambda: Task.number == 2**63, lambda: Task.title == "a\x00b"],
    ids=["int32", "int64", "nul"],
)
async def test_input_the_database_refuses_is_422_not_503(settings, condition):
    async with in_process(settings) as (app, http):

        async def probe(request: Request) -> dict[str, str]:
            async with request.app.state.sessionmaker() as session:
                await session.execute(select(Task).where(condition()))
            return {"ok": "stored as given"}

        app.add_api_route("/probe", probe)
        answer = await http.get("/probe")
        if answer.status_code == 200:  # SQLite stores int32+ and NUL as given: nothing to refuse
            assert settings.is_sqlite
            return
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"] == "validation"


def test_an_unreachable_database_is_still_503():
    down = OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))
    assert db_errors.classify(down) == "unavailable"
    assert db_errors.classify(ConnectionRefusedError()) == "unavailable"
    assert db_errors.classify(OverflowError("Python int too large to convert to SQLite INTEGER")) == "input"


def test_a_statement_past_its_time_limit_is_a_timeout_not_an_outage():
    class Canceled(Exception):
        sqlstate = "57014"  # PostgreSQL query_canceled: statement_timeout

    class LockWait(Exception):
        sqlstate = "55P03"  # lock_not_available: lock_timeout

    assert db_errors.classify(OperationalError("SELECT", {}, Canceled())) == "timeout"
    assert db_errors.classify(OperationalError("SELECT", {}, LockWait())) == "timeout"
