"""Error logs (todochat/logging.py): one line with the exception and a short traceback, no frame
locals, no token, no message text (issue 11: one 91-byte request wrote 219 KB of rich traceback
with every frame's locals, bearer tokens included)."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
import structlog

from todochat.logging import configure_logging

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA"
SECRET_TEXT = "remind me about my secret diagnosis"


def fail_deeply(depth: int, authorization: str, message_text: str) -> None:
    if depth:
        fail_deeply(depth - 1, authorization, message_text)
    raise ValueError("the model failed")


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch):
    def configure(fmt: str) -> io.StringIO:
        stream = io.StringIO()
        monkeypatch.setattr(sys, "stderr", stream)
        configure_logging("INFO", fmt)
        return stream

    yield configure
    structlog.reset_defaults()
    logging.getLogger().handlers[:] = []


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_an_error_is_one_short_line_without_locals_or_tokens(captured, fmt):
    stream = captured(fmt)
    try:
        try:
            fail_deeply(40, f"Bearer {TOKEN}", SECRET_TEXT)
        except ValueError as exc:
            raise RuntimeError(f"request failed: Bearer {TOKEN}") from exc
    except RuntimeError:
        logger = logging.getLogger("todochat.tests.asgi")
        logger.disabled = False  # an earlier alembic fileConfig() in the session disables existing loggers
        logger.exception("Exception in ASGI application")
    out = stream.getvalue()
    assert out.count("\n") == 1, out
    assert len(out.encode()) < 4096
    assert TOKEN[:20] not in out and SECRET_TEXT not in out
    assert "fail_deeply" in out and "ValueError: the model failed" in out and "RuntimeError" in out
    if fmt == "json":
        line = json.loads(out)
        assert line["event"] == "Exception in ASGI application" and line["level"] == "error"
        assert "\n" in line["traceback"] and "test_logging.py" in line["traceback"]
        assert "Bearer [redacted]" in line["error"]


def test_structlog_and_long_values_are_capped(captured):
    stream = captured("json")
    structlog.get_logger("t").warning("slow", request_id="r" * 100_000, header=f"Authorization: Bearer {TOKEN}")
    line = json.loads(stream.getvalue())
    assert len(line["request_id"]) <= 2000 and TOKEN not in line["header"]
