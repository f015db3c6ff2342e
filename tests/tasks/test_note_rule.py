"""tasks/rules.py ``with_note``: a note added to a task keeps what its description says."""

from __future__ import annotations

import pytest

from todochat.errors import ValidationError
from todochat.tasks.rules import with_note


def test_a_note_joins_the_description_on_a_new_line() -> None:
    assert with_note(None, "  bring the x-rays ") == "bring the x-rays"
    assert with_note("ask about the filling", "bring the x-rays") == "ask about the filling\nbring the x-rays"
    assert with_note("ask\nbring the x-rays", "bring the x-rays") == "ask\nbring the x-rays"  # said twice: once


def test_an_empty_or_too_long_note_is_refused() -> None:
    with pytest.raises(ValidationError):
        with_note("old", "   ")
    with pytest.raises(ValidationError) as exc:
        with_note("x" * 600, "y" * 500)
    assert exc.value.details.get("field") == "description" or "description" in str(exc.value.to_dict())
