"""Fixtures for the tasks domain tests."""

from __future__ import annotations

from collections.abc import Iterator

import dateutil.rrule
import pytest


class Steps:
    """How many occurrences dateutil generated (every rrule walk goes through ``rrule._iter``)."""

    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def rrule_steps(monkeypatch: pytest.MonkeyPatch) -> Steps:
    """Counts the occurrences dateutil generates: the cost of a walk, measured without a clock
    (a walk from a far-past due date to now generates tens of thousands; wall time lives in
    bench/recurrence.py)."""
    steps = Steps()
    original = dateutil.rrule.rrule._iter

    def counted(self: dateutil.rrule.rrule) -> Iterator[object]:
        for occurrence in original(self):
            steps.count += 1
            yield occurrence

    monkeypatch.setattr(dateutil.rrule.rrule, "_iter", counted)
    return steps
