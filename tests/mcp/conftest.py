"""MCP tests run on SQLite (the front adds no SQL of its own); a test opts into PostgreSQL with
``@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)``."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: SQLite in tmp, or (when asked) one on the throwaway PostgreSQL cluster."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
