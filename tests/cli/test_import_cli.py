"""``todochat import FILE --user USER`` as a real process on SQLite and PostgreSQL: a dry run that
changes nothing, the import as one change, a bad file refused with its line (exit 1)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.clock import TEST_NOW
from tests.servers import TODOCHAT, server_env

from todochat.config import Settings
from todochat.context import Clock, RequestContext
from todochat.tasks.service import TaskService

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).parents[1] / "tasks" / "imports" / "fixtures"


def todochat(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TODOCHAT, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


async def test_import_command(settings: Settings, service: TaskService, tmp_path: Path) -> None:
    env = server_env(settings.database_url, tmp_path / "data", TODOCHAT_TIMEZONE="Europe/Berlin")
    ctx = RequestContext(user_id="alice", tz=ZoneInfo("Europe/Berlin"), clock=Clock(TEST_NOW))

    done = todochat({**env, "COLUMNS": "200"}, "import", str(FIXTURES / "todoist.csv"), "--user", "alice", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "Import 5 tasks into 1 list? (dry run: nothing changed)" in done.stdout
    rows = {line.split("│")[2].strip(): [cell.strip() for cell in line.split("│")[1:-1]] for line in done.stdout.splitlines()
            if line.count("│") == 8}
    assert "┃ list ┃ parent " in done.stdout  # the table's header
    assert rows["Book flights"][-1] == rows["Book hotel"][-1] == "Plan the trip"
    assert rows["Plan the trip"][-1] == rows["Water the plants"][-1] == ""
    assert "warning: Line 10: DATE 'next spring' was not understood" in done.stderr
    assert await service.list(ctx) == []

    done = todochat(env, "import", str(FIXTURES / "todoist.csv"), "--user", "alice")
    assert done.returncode == 0, done.stderr
    assert 'Imported 5 tasks (tasks 1–5). Say "undo" to remove them all.' in done.stdout
    tasks = await service.list(ctx)
    assert [t.title for t in tasks][:2] == ["Plan the trip", "Book flights"]
    assert tasks[1].due == "2026-12-05T18:30"  # the file's local time in the user's zone
    entry = (await service.activity(ctx, limit=1))[0]
    assert (entry.front, entry.tool, entry.summary) == ("cli", "import", "imported 5 tasks")

    bad = tmp_path / "bad.txt"
    bad.write_text("Buy milk\nCall mom due:2026-13-01\n")
    done = todochat(env, "import", str(bad), "--user", "alice", "--format", "todotxt")
    assert done.returncode == 1
    assert "error: Line 2: the due date '2026-13-01' is not a real day." in done.stderr
    assert len(await service.list(ctx)) == 5
