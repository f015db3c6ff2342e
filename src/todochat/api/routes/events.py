"""REST ``GET /api/v1/events``: a Server-Sent Events stream that tells a page when the caller's
tasks or lists changed, from any front (chat, widget, REST, MCP, CLI) on any replica.

The news comes from the database, not from this process: the stream reads the user's change mark
(tasks/changes.py) every ``TODOCHAT_EVENTS_POLL_SECONDS`` and sends ``event: changed`` when it
moved, so a change made through another replica arrives too. An idle stream sends an SSE comment
every ``TODOCHAT_EVENTS_KEEPALIVE_SECONDS``. The stream ends when the client goes away, the
server shuts down (sse-starlette's drain), the token expires or is signed out, or the database
fails (the client reconnects). A user holds at most ``TODOCHAT_EVENTS_MAX_STREAMS`` streams per
replica. Authentication is the bearer header, like every REST route (never a token in the URL).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

import anyio
from fastapi import APIRouter, FastAPI, Request
from sqlalchemy.exc import DBAPIError
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.background import BackgroundTask

from todochat.api.auth import authenticate, bearer_token
from todochat.api.deps import CurrentUser
from todochat.api.routes.tasks import ErrorOut
from todochat.config import Settings
from todochat.errors import AuthError, TooManyStreams
from todochat.tasks.changes import ChangeMark, change_mark

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/events", tags=["events"])

RETRY_MS = 3000
"""How long a client waits before reconnecting after the stream ends (the SSE ``retry`` field)."""


class StreamSlots:
    """The open event streams per user on this replica, at most ``limit`` each.

    Each :meth:`acquire` returns a release function that is safe to call more than once (the
    stream's own cleanup and the response's background task both call it).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: dict[str, int] = {}

    def acquire(self, user_id: str) -> Any:
        """Take a slot for ``user_id``.

        Raises:
            TooManyStreams: the user already holds ``limit`` streams here (→ 429).
        """
        if self.open.get(user_id, 0) >= self.limit:
            raise TooManyStreams(
                f"Too many open event streams ({self.limit}); close another tab or try again later.", max=self.limit
            )
        self.open[user_id] = self.open.get(user_id, 0) + 1
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            left = self.open.get(user_id, 1) - 1
            if left > 0:
                self.open[user_id] = left
            else:
                self.open.pop(user_id, None)

        return release


def slots(app: FastAPI) -> StreamSlots:
    """The app's :class:`StreamSlots` (made on first use, sized by ``events_max_streams``)."""
    found = getattr(app.state, "event_streams", None)
    if found is None:
        found = StreamSlots(app.state.settings.events_max_streams)
        app.state.event_streams = found
    return found  # type: ignore[no-any-return]


def _changed(mark: ChangeMark, event: str) -> ServerSentEvent:
    return ServerSentEvent(data=json.dumps(asdict(mark)), event=event, id=str(mark.mark), retry=RETRY_MS)


EVENTS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An event stream: `event: ready` first, then `event: changed` after each change of the "
        "user's tasks or lists (data: `{\"mark\"}`, a per-user counter that grows with every change, undo and redo), and `: ping` comments",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    },
    401: {"model": ErrorOut, "description": "Missing, malformed, forged or expired token"},
    429: {"model": ErrorOut, "description": "The user holds too many open event streams on this replica (too_many_streams)"},
}


@router.get("", responses=EVENTS, response_class=EventSourceResponse, summary="Stream change notifications")
async def events(request: Request, user_id: CurrentUser) -> EventSourceResponse:
    """Tell the caller, as Server-Sent Events, whenever their tasks or lists change (any front,
    any replica); only the caller's own changes. Re-read what you show on ``changed``."""
    settings: Settings = request.app.state.settings
    sessionmaker = request.app.state.sessionmaker
    token = bearer_token(request.headers.get("authorization"))
    release = slots(request.app).acquire(user_id)
    try:
        first = await change_mark(sessionmaker, user_id)  # a database error is an HTTP error, not a 200
    except BaseException:
        release()
        raise

    async def stream() -> AsyncIterator[ServerSentEvent]:
        try:
            yield _changed(first, "ready")
            last = first
            while True:
                await anyio.sleep(settings.events_poll_seconds)
                try:
                    await authenticate(token, settings, sessionmaker)  # expired or signed out: end
                    mark = await change_mark(sessionmaker, user_id)
                except AuthError:
                    return
                except (DBAPIError, OSError) as exc:
                    logger.warning("event_stream_database_error: %s", type(exc).__name__)
                    return
                if mark != last:
                    last = mark
                    yield _changed(mark, "changed")
        finally:
            release()

    return EventSourceResponse(
        stream(),
        ping=settings.events_keepalive_seconds,
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(release),
    )
