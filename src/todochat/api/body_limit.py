"""An ASGI middleware that refuses request bodies above a size (413 JSON) before reading them whole."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class PayloadTooLarge(HTTPException):
    """Raised from ``receive`` once the body passes the limit. An ``HTTPException``, so FastAPI's
    body parsing lets it through (it turns other errors into 400) to :func:`too_large`."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is larger than {max_bytes} bytes.")


def too_large(exc: PayloadTooLarge) -> JSONResponse:
    """The 413 answer: ``{"error": "payload_too_large", "message": ...}``."""
    return JSONResponse({"error": "payload_too_large", "message": exc.detail}, status_code=413)


class BodySizeLimit:
    """Answer ``413 payload_too_large`` to a request whose ``Content-Length`` is above
    ``max_bytes``, or whose streamed (chunked) body passes it; nothing after that is read.

    Args:
        app: the ASGI app.
        max_bytes: the limit (``TODOCHAT_MAX_BODY_BYTES``); 0 turns the check off.
        larger: path prefixes that take files, with their own limit (e.g. ``/api/v1/import`` →
            ``TODOCHAT_IMPORT_MAX_BYTES`` plus room for the multipart framing).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = next((n for prefix, n in self.larger.items() if path.startswith(prefix)), self.max_bytes)
        if limit <= 0:
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._refuse(send, limit)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except PayloadTooLarge:
            if not started:
                await self._refuse(send, limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        response = too_large(PayloadTooLarge(limit))
        response.headers["Connection"] = "close"
        await response({"type": "http"}, _nothing, send)


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
