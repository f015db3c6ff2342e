"""Hygiene of the MCP authorization server's open endpoints, around the SDK's own handlers.

- ``POST /register`` (RFC 7591 dynamic client registration is open to anyone): at most
  ``TODOCHAT_MCP_REGISTRATIONS_PER_HOUR`` registrations per client address (429 + ``Retry-After``,
  counted by the ``limits`` library in ``TODOCHAT_RATE_LIMIT_STORAGE``, so replicas sharing Redis
  share the count); before each registration, clients no user authorized within
  ``TODOCHAT_MCP_STALE_CLIENT_DAYS`` are deleted; when ``TODOCHAT_MCP_MAX_CLIENTS`` are still kept,
  503 + ``Retry-After``.
- ``/token`` and ``/revoke`` authenticate clients through
  :class:`~todochat.mcp.oauth.HashedSecretAuthenticator` (client secrets are stored hashed).

The client address is the peer's, or behind ``TODOCHAT_TRUSTED_PROXIES`` the one the proxy headers
name (resolved before this runs), as for the API's rate limits.
"""

from __future__ import annotations

import json
import logging

from limits import RateLimitItemPerHour
from mcp.server.auth.handlers.register import RegistrationHandler
from mcp.server.auth.handlers.revoke import RevocationHandler
from mcp.server.auth.handlers.token import TokenHandler
from mcp.server.auth.routes import (
    REGISTRATION_PATH,
    REVOCATION_PATH,
    TOKEN_PATH,
    _body_limited,
    _cors,
)
from mcp.server.auth.settings import ClientRegistrationOptions
from starlette.routing import Route, request_response
from starlette.types import ASGIApp, Receive, Scope, Send

from todochat.api.ratelimit import RateLimiter
from todochat.config import Settings
from todochat.mcp.oauth import HashedSecretAuthenticator, SqlOAuthProvider

logger = logging.getLogger(__name__)

FULL_RETRY_AFTER = 3600
"""Seconds a client is told to wait when the server holds the most clients it keeps."""


class RegistrationGuard:
    """ASGI wrapper of the SDK's registration handler: the per-address limit, the stale sweep and
    the cap on kept clients, before a client is registered (see the module notes).

    Args:
        app: the registration handler (an ASGI app).
        provider: the authorization server's storage.
        settings: ``mcp_registrations_per_hour``, ``mcp_max_clients``, ``mcp_stale_client_days``,
            ``rate_limit_storage``.
    """

    def __init__(self, app: ASGIApp, provider: SqlOAuthProvider, settings: Settings) -> None:
        self.app = app
        self.provider = provider
        self.settings = settings
        per_hour = settings.mcp_registrations_per_hour
        self.limiter = (
            RateLimiter([RateLimitItemPerHour(per_hour)], settings.rate_limit_storage.strip()) if per_hour else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        if self.limiter is not None:
            client = scope.get("client")
            verdict = await self.limiter.hit(f"mcp-register:{client[0] if client else 'unknown'}")
            if not verdict.allowed:
                logger.info("mcp_registration_limited")
                await _refuse(send, 429, "rate_limited", f"Too many client registrations from this address "
                              f"(limit {verdict.limit}); try again in {verdict.retry_after} s.", verdict.retry_after)  # fmt: skip
                return
        await self.provider.sweep_stale_clients(self.settings.mcp_stale_client_days)
        if await self.provider.count_clients() >= self.settings.mcp_max_clients:
            logger.warning("MCP OAuth: %d registered clients kept, the most allowed; registration refused", self.settings.mcp_max_clients)
            await _refuse(send, 503, "temporarily_unavailable", "This server keeps the most registered clients it "
                          "allows; try again later.", FULL_RETRY_AFTER)  # fmt: skip
            return
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, error: str, description: str, retry_after: int) -> None:
    """An RFC 7591 §3.2.2-shaped JSON error with ``Retry-After``."""
    body = json.dumps({"error": error, "error_description": description}).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(retry_after).encode()), (b"cache-control", b"no-store")],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def harden_auth_routes(
    routes: list[Route], provider: SqlOAuthProvider, settings: Settings, registration: ClientRegistrationOptions
) -> list[Route]:
    """``routes`` (the SDK's ``create_auth_routes``) with ``/token`` and ``/revoke`` authenticating
    clients by hashed secret and ``/register`` behind :class:`RegistrationGuard`; every other route
    as it was. Each replacement keeps the SDK's wrapping (CORS outermost, then the body limit)."""
    authenticator = HashedSecretAuthenticator(provider)  # type: ignore[arg-type]
    apps: dict[str, ASGIApp] = {
        TOKEN_PATH: request_response(TokenHandler(provider, authenticator).handle),  # type: ignore[arg-type]
        REVOCATION_PATH: request_response(RevocationHandler(provider, authenticator).handle),  # type: ignore[arg-type]
        REGISTRATION_PATH: RegistrationGuard(
            request_response(RegistrationHandler(provider, options=registration).handle), provider, settings  # type: ignore[arg-type]
        ),
    }
    out: list[Route] = []
    for route in routes:
        app = apps.get(route.path)
        if app is None:
            out.append(route)
        else:
            out.append(Route(route.path, endpoint=_cors(_body_limited(app), ["POST", "OPTIONS"]), methods=["POST", "OPTIONS"]))
    return out
