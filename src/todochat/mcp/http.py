"""MCP over streamable HTTP at ``/mcp``: stateless (any replica serves any request), authenticated
with the API's own JWTs through the SDK's token verification, guarded against DNS rebinding."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from mcp.server.auth.middleware.auth_context import AuthContextMiddleware, get_access_token
from mcp.server.auth.middleware.bearer_auth import (
    AuthenticatedUser,
    BearerAuthBackend,
    RequireAuthMiddleware,
)
from mcp.server.auth.provider import AccessToken
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.auth import ProtectedResourceMetadata
from pydantic import AnyHttpUrl
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from todochat.config import Settings
from todochat.errors import AuthError
from todochat.mcp.server import Backend, build_server
from todochat.tasks.service import TaskService

logger = logging.getLogger(__name__)

MCP_PATH = "/mcp"
METADATA_PATH = "/.well-known/oauth-protected-resource" + MCP_PATH  # RFC 9728 §3.1
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class JWTVerifier:
    """The SDK's ``TokenVerifier`` over the API's tokens (``todochat.api.auth.decode_token``:
    HS256, ``sub`` = user id). The user id becomes ``AccessToken.subject`` (and ``client_id``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def verify_token(self, token: str) -> AccessToken | None:
        """Return the token's access info, or None when it is malformed, forged or expired."""
        from todochat.api.auth import decode_token

        try:
            user_id = decode_token(token, self.settings)
        except AuthError as exc:
            logger.info("MCP bearer token refused: %s", exc.message)
            return None
        return AccessToken(token=token, client_id=user_id, subject=user_id, scopes=[])


def token_user() -> str:
    """The user id of the verified bearer token of the current HTTP request.

    Raises:
        AuthError: no verified token (cannot happen behind :class:`McpHttp`, which answers 401 first).
    """
    token = get_access_token()
    if token is None or not token.subject:
        raise AuthError("No verified bearer token.")
    return token.subject


def transport_security(settings: Settings) -> TransportSecuritySettings:
    """DNS-rebinding protection: the Host header must be a local name or one of
    ``settings.mcp_allowed_hosts`` (any port unless the entry names one), and a browser's Origin
    one of those hosts or ``settings.cors_origins``. ``"*"`` in ``mcp_allowed_hosts`` turns the
    check off (for a proxy that validates Host itself)."""
    extra = list(settings.mcp_allowed_hosts)
    if "*" in extra:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    hosts: list[str] = []
    for host in (*LOCAL_HOSTS, *extra):
        hosts.append(host)
        if not host.rsplit("]", 1)[-1].count(":"):  # no port given: any port too
            hosts.append(f"{host}:*")
    origins = [f"{scheme}://{h}" for h in hosts for scheme in ("http", "https")]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=hosts,
        allowed_origins=[*origins, *settings.cors_origins],
    )


def _base_url(scope: Scope) -> str:
    return str(Request(scope).base_url).rstrip("/")


class _RequireToken:
    """401 + ``WWW-Authenticate: Bearer error=..., resource_metadata="<this server>/.well-known/
    oauth-protected-resource/mcp"`` (MCP authorization spec, RFC 9728 §5.1) unless a token was
    verified; the metadata URL follows the host the client used. The SDK's middleware answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if isinstance(scope.get("user"), AuthenticatedUser):
            await self.app(scope, receive, send)
            return
        metadata_url = AnyHttpUrl(_base_url(scope) + METADATA_PATH)
        await RequireAuthMiddleware(self.app, [], metadata_url)(scope, receive, send)


class _Transport:
    """The session manager's request handler as an ASGI app (a class, so Starlette routes it raw)."""

    def __init__(self, manager: StreamableHTTPSessionManager) -> None:
        self.manager = manager

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.manager.handle_request(scope, receive, send)


async def protected_resource_metadata(request: Request) -> JSONResponse:
    """RFC 9728 metadata of ``/mcp``. todochat itself issues its tokens (``todochat token NAME``,
    the login of ``todochat serve``); it runs no OAuth flow, so clients send a static bearer header."""
    base = _base_url(request.scope)
    metadata = ProtectedResourceMetadata(
        resource=AnyHttpUrl(base + MCP_PATH),
        authorization_servers=[AnyHttpUrl(base)],
        resource_name="todochat",
    )
    return JSONResponse(metadata.model_dump(mode="json", exclude_none=True))


class McpHttp:
    """The streamable HTTP MCP endpoint of the FastAPI app.

    Use: build it in ``create_app``, call :meth:`install` to add its routes, and enter :meth:`run`
    in the app's lifespan (the SDK's session manager needs its task group).

    Args:
        settings: JWT secret, allowed hosts, default time zone.
        service: returns the app's :class:`TaskService` (made later, in the lifespan).
    """

    def __init__(self, settings: Settings, service: Callable[[], TaskService]) -> None:
        self.server = build_server(Backend(service=service, user=token_user, settings=settings))
        # Stateless: no session lives in this process, so any replica answers any request.
        self.server.streamable_http_app(
            streamable_http_path=MCP_PATH,
            stateless_http=True,
            json_response=True,
            transport_security=transport_security(settings),
        )
        self.session_manager = self.server.session_manager
        self.app: ASGIApp = AuthenticationMiddleware(
            AuthContextMiddleware(_RequireToken(_Transport(self.session_manager))),
            backend=BearerAuthBackend(JWTVerifier(settings)),
        )

    def run(self) -> AbstractAsyncContextManager[None]:
        """The session manager's run context; enter it once, in the app's lifespan."""
        return self.session_manager.run()

    def routes(self) -> list[Route]:
        """``/mcp`` (every method) and its protected-resource metadata."""
        return [
            Route(MCP_PATH, endpoint=self.app, include_in_schema=False),
            Route(
                METADATA_PATH,
                endpoint=protected_resource_metadata,
                methods=["GET"],
                include_in_schema=False,
            ),
        ]

    def install(self, app: Any) -> None:
        """Add :meth:`routes` to a Starlette/FastAPI ``app``, ahead of its other routes (so a
        catch-all mount of static files cannot shadow them)."""
        app.router.routes[0:0] = self.routes()
