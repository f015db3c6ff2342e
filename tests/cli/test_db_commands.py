"""``todochat db upgrade|current|downgrade`` on both databases, and their one-line start-up errors."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tests.pg import free_port
from typer.testing import CliRunner

from todochat import migrations
from todochat.cli import app
from todochat.config import Settings, get_settings


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """``run(*args, url=...) -> Result``: the CLI in-process with TODOCHAT_DATABASE_URL set."""

    def invoke(*args: str, url: str):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("TODOCHAT_DATABASE_URL", url)
        get_settings.cache_clear()
        return CliRunner().invoke(app, list(args))

    yield invoke
    get_settings.cache_clear()


def test_upgrade_current_downgrade(run, database_url: str) -> None:  # type: ignore[no-untyped-def]
    head = migrations.head_revision(Settings(database_url=database_url))
    assert run("db", "current", url=database_url).stdout.strip() == "empty"
    upgraded = run("db", "upgrade", url=database_url)
    assert upgraded.exit_code == 0, upgraded.output
    assert run("db", "current", url=database_url).stdout.strip() == head
    assert run("db", "downgrade", url=database_url).exit_code == 0
    assert run("db", "current", url=database_url).stdout.strip() != head
    assert run("db", "upgrade", url=database_url).exit_code == 0
    assert run("db", "current", url=database_url).stdout.strip() == head


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+asyncpg://app:s3cret@127.0.0.1:{port}/todo",
         "error: TODOCHAT_DATABASE_URL: cannot reach the database at "
         "postgresql+asyncpg://app:***@127.0.0.1:{port}/todo"),
        ("postgresql+asyncpg://app:s3cret@db:port/todo",
         "error: TODOCHAT_DATABASE_URL is malformed"),
        ("mysql://app@db/todo", "TODOCHAT_DATABASE_URL must start with"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", [["db", "upgrade"], ["db", "current"]])
def test_bad_database_is_one_line_and_exit_2(
    run, url: str, expected: str, command: list[str]
) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    result = run(*command, url=url.format(port=port))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected.format(port=port) in lines[0] and "s3cret" not in lines[0]


def test_unknown_revision_is_refused(run, database_url: str) -> None:  # type: ignore[no-untyped-def]
    assert run("db", "upgrade", url=database_url).exit_code == 0

    async def stamp() -> None:
        engine = create_async_engine(database_url)
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = 'beef00000042'"))
        await engine.dispose()

    asyncio.run(stamp())
    result = run("db", "upgrade", url=database_url)
    assert result.exit_code == 2
    assert "revision 'beef00000042'" in result.stderr and "Refusing to migrate" in result.stderr
