"""The one instant the suite runs at: every test server and the ``settings`` fixture use it.

No test reads the real date. A test that needs another "now" passes ``Clock(fixed=...)``, sets
``clock_fixed`` in its settings, or uses time-machine (tests/test_date_sweep.py sweeps several).
"""

from __future__ import annotations

from datetime import UTC, datetime

TEST_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
"""Monday 23 Nov 2026, 09:00 UTC (10:00 in Berlin): "friday" is Fri 27 Nov, "tomorrow" Tue 24 Nov."""
