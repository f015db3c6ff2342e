"""``POST /chatkit``: the ChatKit protocol endpoint (SSE for streaming requests, JSON otherwise)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError as PydanticValidationError

from todochat.api.deps import CurrentUser, resolve_zone
from todochat.chatkit.server import TodoChatKitServer
from todochat.errors import ValidationError

router = APIRouter(tags=["chatkit"])


@router.post("/chatkit", summary="ChatKit protocol endpoint")
async def chatkit_endpoint(request: Request, user_id: CurrentUser) -> Response:
    """Run one ChatKit request for the token's user.

    Returns ``text/event-stream`` for streaming requests (threads.create, threads.add_user_message,
    threads.custom_action, ...) and JSON for the others. Errors: 400 malformed JSON or unknown
    request type, 401 bad token, 404 another user's (or a missing) thread, 422 empty/over-long message.
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
    context = await resolve_zone(request, user_id, _metadata_zone(parsed))
    result = await server.process_request(parsed, context)
    if hasattr(result, "json_events"):
        return StreamingResponse(
            result,  # type: ignore[arg-type]
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    return Response(content=result.json, media_type="application/json")  # type: ignore[union-attr]


def _metadata_zone(parsed: object) -> str | None:
    metadata = getattr(parsed, "metadata", None) or {}
    zone = metadata.get("timezone") if isinstance(metadata, dict) else None
    return zone if isinstance(zone, str) and zone else None
