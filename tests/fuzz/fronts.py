"""Helpers for the property tests over every front: one in-process app whose event loop runs in
the test's task while hypothesis (a sync API) drives examples from a worker thread, and
:func:`answered`, which counts each fuzzed request and its 5xx in the run's hardening figures
(tests/hardening_tally.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from tests import hardening_tally as tally

T = TypeVar("T")


def answering(app: Any) -> httpx.AsyncClient:
    """A client over ``app`` (ASGI) that gets a 500 where the app raises, as a real server's
    client would: the fuzz tests then count it as a 5xx and fail on it (the default in-process
    client raises the app's exception instead, before any answer is counted)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t")


def answered(front: str, status: int) -> None:
    """Count one fuzzed request to ``front`` that got ``status``, and a 5xx if it is one."""
    tally.fuzzed(front)
    if status >= 500:
        tally.observed("5xx")


async def drive(examples: Callable[[Callable[[Awaitable[T]], T]], None]) -> None:
    """Run ``examples(run)`` in a worker thread; ``run(coro)`` executes ``coro`` on this loop
    (where the app's lifespan was entered) and returns its result."""
    loop = asyncio.get_running_loop()

    def run(coro: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=120)  # type: ignore[arg-type]

    await asyncio.to_thread(examples, run)


def sse_events(body: str) -> list[dict[str, Any]]:
    """The JSON events of an SSE body (``data: …`` lines)."""
    return [json.loads(line[5:].strip()) for line in body.splitlines() if line.startswith("data:")]


def failures() -> dict[str, int]:
    """The 5xx, leaks and lost writes seen so far in the run (compare before and after a test)."""
    return {kind: tally.OBSERVED[kind] for kind in tally.BAD}
