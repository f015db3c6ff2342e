"""The benchmark scripts run (a smoke run on small data, no timing asserted): ``make bench``
broke once unnoticed when the items-per-thread quota came in (bench/growth.py's 2,000-item thread)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_growth_bench_runs_on_small_data() -> None:
    env = {**os.environ, "OPENAI_AGENTS_DISABLE_TRACING": "1"}
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "growth.py"), "--tasks", "300", "--users", "3"],
        capture_output=True, text=True, timeout=600, env=env, cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "| 2,000-item thread |" in out.stdout
    assert "| complete by number |" in out.stdout
