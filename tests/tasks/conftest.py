"""Fixtures for the tasks domain tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dateutil.rrule
import pytest

DAYSETS = ("ydayset", "mdayset", "wdayset", "ddayset")
"""dateutil's per-period day sets: ``rrule._iter`` builds one for every year/month/week/day it walks."""


class Steps:
    """How many periods dateutil walked (one day-set per year, month, week or day of the rule's
    frequency), whether or not any of them held an occurrence."""

    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def rrule_steps(monkeypatch: pytest.MonkeyPatch) -> Steps:
    """Counts the periods dateutil walks: the cost of a walk, measured without a clock (a DAILY
    walk from a far-past due date, or a never-occurring rule walked to year 9999, takes tens of
    thousands; wall time lives in bench/recurrence.py)."""
    steps = Steps()

    def counted(original: Callable[..., Any]) -> Callable[..., Any]:
        def dayset(*args: Any) -> Any:
            steps.count += 1
            return original(*args)

        return dayset

    for name in DAYSETS:
        monkeypatch.setattr(dateutil.rrule._iterinfo, name, counted(getattr(dateutil.rrule._iterinfo, name)))
    return steps
