"""The PostgreSQL test plugin itself: missing binaries skip locally and fail loudly in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_needs_pg.py").write_text(
        "def test_needs_pg(pg_url):\n    assert pg_url.startswith('postgresql+asyncpg://')\n"
    )
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "PG_BINDIR")}
    environ.update(env, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.pg", "-p", "no:cacheprovider",
         "-c", os.devnull, "--rootdir", str(tmp_path), "-rs", str(tmp_path)],
        capture_output=True, text=True, env=environ, cwd=tmp_path, timeout=120,
    )  # fmt: skip


@pytest.mark.slow
def test_missing_binaries_fail_in_ci(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, CI="1", PG_BINDIR=str(tmp_path / "nowhere"))
    assert result.returncode == 1, result.stdout
    assert "PostgreSQL is required in CI" in result.stdout


@pytest.mark.slow
def test_missing_binaries_skip_outside_ci(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, PG_BINDIR=str(tmp_path / "nowhere"))
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout and "PostgreSQL unavailable" in result.stdout


@pytest.mark.slow
@pytest.mark.postgres
def test_cluster_starts_and_serves(tmp_path: Path, pg_cluster: object) -> None:
    result = run_pytest(tmp_path, CI="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
