"""Security headers on every response, and the client address behind configured proxies.

Every answer carries ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``,
``X-Frame-Options: DENY`` and a Content Security Policy: the pages set their own (``web.py``);
any other answer gets :data:`DEFAULT_CSP` (nothing may load, nothing may frame it); the API docs
page (``/docs``, Swagger UI served from this server) sets its own strict policy. Sources: OWASP Secure Headers Project, CSP Level 3
(``frame-ancestors``), Fetch (``nosniff``).

``X-Forwarded-For``/``X-Forwarded-Proto`` are believed only from ``TODOCHAT_TRUSTED_PROXIES``
(uvicorn's ``ProxyHeadersMiddleware``): the client is the right-most address that is not a
trusted proxy, so a client cannot choose its own address (and rate-limit key) by sending one.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from todochat.config import Settings

DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
"""The policy of answers that are not pages (JSON, SSE, static files): load nothing, never framed."""

BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


class SecurityHeaders:
    """ASGI middleware adding :data:`BASE_HEADERS` and a CSP to every HTTP answer (a header the
    route set itself is kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in BASE_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if "content-security-policy" not in headers:
                    headers["content-security-policy"] = DEFAULT_CSP
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security(app: ASGIApp, settings: Settings) -> None:
    """Add :class:`SecurityHeaders` and, with ``settings.trusted_proxies``, uvicorn's
    ``ProxyHeadersMiddleware`` (outermost, so the rate limiter sees the real client). Call it
    after every other middleware is added."""
    app.add_middleware(SecurityHeaders)  # type: ignore[attr-defined]
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))  # type: ignore[attr-defined]
