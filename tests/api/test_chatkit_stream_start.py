"""``started()``: a ChatKit stream that fails before its first event is an HTTP error, after it an
``error`` event."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.exc import OperationalError

from todochat.api.routes.chatkit import started


def database_down() -> OperationalError:
    return OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


async def stream(chunks: list[bytes], fail_after: int | None = None) -> AsyncIterator[bytes]:
    for i, chunk in enumerate(chunks):
        if fail_after == i:
            raise database_down()
        yield chunk
    if fail_after == len(chunks):
        raise database_down()


async def test_failure_before_the_first_event_raises_before_the_response() -> None:
    with pytest.raises(OperationalError):
        await started(stream([b"data: {}\n\n"], fail_after=0))


async def test_failure_mid_stream_ends_with_a_retryable_error_event() -> None:
    body = [chunk async for chunk in await started(stream([b"a", b"b"], fail_after=2))]
    assert body[:2] == [b"a", b"b"]
    event = json.loads(body[2].decode().removeprefix("data: "))
    assert event["type"] == "error" and event["allow_retry"] is True
    assert "database is unavailable" in event["message"]


async def test_healthy_and_empty_streams_pass_through() -> None:
    assert [c async for c in await started(stream([b"a", b"b"]))] == [b"a", b"b"]
    assert [c async for c in await started(stream([]))] == []
