"""The eval harness reads and compares reminders (evals/README.md): multiset of pending reminders,
``at`` matched on the local firing minute, ``before_minutes`` on the offset."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from todochat.evals import check, local_minute, reminders_match, seed_reminder, task_matches

BERLIN = ZoneInfo("Europe/Berlin")


def test_at_matches_the_firing_minute_whatever_the_kind() -> None:
    relative = {"at": "2026-11-18T17:00", "before_minutes": 0}
    absolute = {"at": "2026-11-18T17:00", "before_minutes": None}
    assert reminders_match([{"at": "2026-11-18T17:00"}], [relative])
    assert reminders_match([{"at": "2026-11-18T17:00"}], [absolute])
    assert not reminders_match([{"at": "2026-11-18T17:01"}], [absolute])
    assert not reminders_match([{"before_minutes": 0}], [absolute])
    assert reminders_match([{"before_minutes": 0, "at": "2026-11-18T17:00"}], [relative])
    assert not reminders_match([{"before_minutes": 30, "at": "2026-11-18T17:00"}], [relative])


def test_reminders_are_a_multiset() -> None:
    two = [{"at": "2026-11-18T16:30", "before_minutes": 30}, {"at": "2026-11-18T17:00", "before_minutes": 0}]
    assert reminders_match([{"before_minutes": 0}, {"before_minutes": 30}], two)
    assert not reminders_match([{"before_minutes": 30}], two)  # one left over
    assert not reminders_match([{"before_minutes": 30}, {"before_minutes": 30}], two)
    assert reminders_match([], [])
    assert not reminders_match([], two[:1])


def test_a_task_entry_checks_reminders_only_when_it_names_them() -> None:
    task = {"id": 1, "title": "Dentist", "description": "", "completed": False, "priority": "none", "tags": [],
            "due": "2026-11-20T15:00", "repeat": None,
            "reminders": [{"at": "2026-11-20T14:30", "before_minutes": 30}]}
    assert task_matches({"title": "Dentist"}, task)
    assert task_matches({"title": "Dentist", "reminders": [{"before_minutes": 30}]}, task)
    assert not task_matches({"title": "Dentist", "reminders": []}, task)
    case = {"expect": {"tasks": [{"title": "Dentist", "reminders": [{"at": "2026-11-20T15:00"}]}]}}
    failures = check(case, [task], "")
    assert failures and failures[0].startswith("tasks:")


def test_firing_times_are_local_to_the_case_zone() -> None:
    fire = datetime(2026, 11, 18, 16, 0, tzinfo=UTC)
    assert local_minute(fire, BERLIN) == "2026-11-18T17:00"
    assert local_minute("2026-11-18T16:00:00+00:00", BERLIN) == "2026-11-18T17:00"
    assert local_minute(None, BERLIN) is None
    seeded = seed_reminder({"at": "2026-11-18T17:00"}, BERLIN)["at"]
    assert seeded.utcoffset() is not None and seeded.astimezone(UTC).hour == 16
    assert seed_reminder({"before_minutes": 30}, BERLIN) == {"before_minutes": 30}
