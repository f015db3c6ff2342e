"""``POST /chatkit``: the ChatKit protocol endpoint (SSE for streaming requests, JSON otherwise)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, AsyncIterator

from chatkit.types import ErrorEvent
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.exc import SQLAlchemyError

from todochat import db_errors
from todochat.api.chatkit_requests import check_request
from todochat.api.deps import CurrentUser, resolve_zone
from todochat.api.voice import check_voice
from todochat.chatkit.server import TodoChatKitServer
from todochat.errors import ValidationError

logger = logging.getLogger(__name__)
router = APIRouter(tags=["chatkit"])
DATABASE_DOWN = ErrorEvent(
    message="The database is unavailable; try again shortly.", allow_retry=True
).model_dump_json()
DATABASE_SLOW = ErrorEvent(message=db_errors.TIMEOUT_MESSAGE, allow_retry=True).model_dump_json()


TURN_REQUESTS = frozenset({
    "threads.create", "threads.add_user_message", "threads.retry_after_item", "threads.add_client_tool_output",
    "threads.add_structured_input", "threads.custom_action",
})
"""Requests that may run the agent: only these read the user's reply language (one statement)."""


@router.post("/chatkit", summary="ChatKit protocol endpoint")
async def chatkit_endpoint(request: Request, user_id: CurrentUser) -> Response:
    """Run one ChatKit request for the token's user.

    Returns ``text/event-stream`` for streaming requests (threads.create, threads.add_user_message,
    threads.custom_action, ...) and JSON for the others. Every request is checked before anything
    is stored (:func:`check_request`). Errors (JSON): 400 unsupported request type or content part,
    401 bad token, 404 another user's (or a missing) thread or item, 409 nothing pending,
    413 body too large, 422 malformed request, empty/over-long message, title or action, or a
    task tag (``input_tag``) naming no live task of the user.
    """
    server: TodoChatKitServer = request.app.state.chatkit
    body = await request.body()
    try:
        parsed = server.parse(body)
    except PydanticValidationError as exc:
        raise ValidationError(
            "Not a valid ChatKit request: " + "; ".join(str(e["msg"]) for e in exc.errors()[:3]),
            field="body",
        ) from exc
    check_voice(parsed, len(body), server.transcriber, request.app.state.settings)  # input.transcribe: api/voice.py
    turn = getattr(parsed, "type", "") in TURN_REQUESTS
    context = await resolve_zone(request, user_id, _metadata_zone(parsed), language=turn)
    await check_request(
        parsed, server.store, context, max_message_chars=server.max_message_chars, service=server.service
    )
    result = await server.process_request(parsed, context)
    if hasattr(result, "json_events"):
        return StreamingResponse(
            await started(result),  # type: ignore[arg-type]
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    return Response(content=result.json, media_type="application/json")  # type: ignore[union-attr]


def _metadata_zone(parsed: object) -> str | None:
    metadata = getattr(parsed, "metadata", None) or {}
    zone = metadata.get("timezone") if isinstance(metadata, dict) else None
    return zone if isinstance(zone, str) and zone else None


async def started(stream: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """Run ``stream`` up to its first event before the response starts, so a failure there (the
    database is down while the thread or the user's message is saved) is answered by the app's
    exception handlers (503 JSON) rather than by an empty 200 stream; a database failure later
    in the stream ends it with a ChatKit ``error`` event (``allow_retry``).

    Raises:
        Whatever the stream raises before its first event.
    """
    iterator = stream.__aiter__()
    try:
        first: bytes | None = await anext(iterator)
    except StopAsyncIteration:
        first = None

    async def rest() -> AsyncIterator[bytes]:
        if first is None:
            return
        yield first
        try:
            async for chunk in iterator:
                yield chunk
        except (SQLAlchemyError, OSError) as exc:
            slow = db_errors.classify(exc) == "timeout"
            logger.warning("%s mid-stream: %s", "database_timeout" if slow else "database_unavailable", type(exc).__name__)
            yield f"data: {DATABASE_SLOW if slow else DATABASE_DOWN}\n\n".encode()

    return rest()
