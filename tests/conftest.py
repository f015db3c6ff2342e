"""Shared fixtures: an isolated data directory, a migrated database, the task service."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")
# Subprocess servers run in a test's tmp dir (``_isolated_env`` changes directory), where a relative
# ``PYTHONPATH=src`` finds nothing and the installed package would run instead of these sources.
if os.environ.get("PYTHONPATH"):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        str(Path(entry).resolve()) for entry in os.environ["PYTHONPATH"].split(os.pathsep) if entry
    )

from tests.clock import TEST_NOW

from todochat import migrations
from todochat.config import Settings
from todochat.db import make_engine, make_sessionmaker
from todochat.tasks.service import TaskService

pytest_plugins = ["tests.pg", "tests.redis_server", "tests.servers"]


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads the developer's data dir, .env or a real API key."""
    for key in list(os.environ):
        if key.startswith("TODOCHAT_") or key in ("OPENAI_API_KEY", "GEMINI_API_KEY"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("TODOCHAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OPENAI_AGENTS_DISABLE_TRACING", "1")
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: a SQLite file in tmp, or a new database on the session's
    throwaway PostgreSQL cluster (tests/pg.py)."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session; tests start from a copy (saves ~0.3 s each)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrations.upgrade(Settings(database_url=f"sqlite+aiosqlite:///{path}", data_dir=path.parent, jwt_secret="t" * 40))
    return path


@pytest.fixture
def settings(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for a test: a migrated fresh database, a fixed JWT secret, the built-in model, and
    the server clock pinned to ``TEST_NOW`` (tests/clock.py)."""
    s = Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        jwt_secret="test-secret-" + "x" * 32,
        model="builtin",
        clock_fixed=TEST_NOW,
    )
    db_file = Path(database_url.split("///", 1)[1]) if database_url.startswith("sqlite") else None
    if db_file is not None and not db_file.exists():
        shutil.copyfile(request.getfixturevalue("sqlite_template"), db_file)
    migrations.upgrade(s)  # a no-op on the copied template; real work on PostgreSQL
    return s


@pytest.fixture
async def sessionmaker(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory over the migrated test database."""
    engine = make_engine(settings)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def service(sessionmaker: async_sessionmaker[AsyncSession]) -> TaskService:
    """The task service over the test database."""
    return TaskService(sessionmaker)


def pytest_configure(config: pytest.Config) -> None:
    """Remember ``TODOCHAT_HARDENING_REPORT`` before any test's ``_isolated_env`` clears it."""
    config.stash[HARDENING_REPORT] = os.environ.get("TODOCHAT_HARDENING_REPORT", "")


HARDENING_REPORT = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    """Print the hardening figures of this run (tests/hardening_tally.py) as one table, when a
    fuzz, fault or isolation test ran; write it to ``TODOCHAT_HARDENING_REPORT`` if that is set."""
    from tests import hardening_tally

    if hardening_tally.empty():
        return
    table = hardening_tally.table()
    terminalreporter.write_sep("=", "hardening figures")
    terminalreporter.write_line(table)
    if path := config.stash.get(HARDENING_REPORT, ""):
        Path(path).write_text(table + "\n")
        terminalreporter.write_line(f"(written to {path})")
