"""Helpers for the property tests over every front: one in-process app whose event loop runs in
the test's task while hypothesis (a sync API) drives examples from a worker thread, and counters
for the closing figures (requests sent, cross-user attempts, 5xx, leaks, lost writes)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

FIGURES: Counter[str] = Counter()
"""Summed over the session: ``requests``, ``cross_user``, ``5xx``, ``leaks``, ``lost_writes``."""


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


def report(name: str) -> None:
    """Print the figures so far (visible with ``-s``)."""
    print(f"\n{name}: " + ", ".join(f"{k} {FIGURES[k]}" for k in ("requests", "cross_user", "5xx", "leaks", "lost_writes")))
