"""MCP over streamable HTTP at ``/mcp``: stateless (any replica serves any request), guarded against
DNS rebinding first, then authenticated through the SDK's token verification — OAuth access tokens of
todochat's own authorization server (:mod:`todochat.mcp.oauth`) and, unless turned off, the API's JWTs."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any
from urllib.parse import urlsplit

from mcp.server.auth.middleware.auth_context import AuthContextMiddleware, get_access_token
from mcp.server.auth.middleware.bearer_auth import (
    BearerAuthBackend,
    RequireAuthMiddleware,
)
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.routes import (
    build_resource_metadata_url,
    create_auth_routes,
    create_protected_resource_routes,
    validate_issuer_url,
)
from mcp.server.auth.settings import ClientRegistrationOptions, RevocationOptions
from mcp.server.request_state import RequestStateSecurity
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from pydantic import AnyHttpUrl, ConfigDict, TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from todochat.api.oidc import continue_after_sign_in
from todochat.config import Settings
from todochat.errors import AuthError
from todochat.mcp.consent import CONSENT_PATH, CONTINUATION, after_provider_sign_in, consent_routes
from todochat.mcp.oauth import ACCESS_PREFIX, SCOPE, SqlOAuthProvider, same_resource
from todochat.mcp.registration import harden_auth_routes
from todochat.mcp.server import Backend, build_server
from todochat.tasks.service import TaskService

logger = logging.getLogger(__name__)

MCP_PATH = "/mcp"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class JWTVerifier:
    """The SDK's ``TokenVerifier`` over the API's tokens, verified fully by
    ``todochat.api.auth.authenticate`` (signature, JWT policy, JWKS keys, and revocation: a token
    signed out everywhere is refused here too). The user id becomes ``AccessToken.subject`` (and
    ``client_id``).

    Args:
        settings: the JWT settings.
        sessionmaker: returns the session factory holding ``token_versions`` (made in the lifespan).
    """

    def __init__(self, settings: Settings, sessionmaker: Callable[[], async_sessionmaker[AsyncSession]]) -> None:
        self.settings = settings
        self.sessionmaker = sessionmaker

    async def verify_token(self, token: str) -> AccessToken | None:
        """Return the token's access info, or None when it is malformed, forged, expired or signed out."""
        from todochat.api.auth import authenticate

        try:
            user_id = await authenticate(token, self.settings, self.sessionmaker())
        except AuthError as exc:
            logger.info("MCP bearer token refused (%s)", exc.code)
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
    one of those hosts or ``settings.cors_origins``; the host of ``settings.public_url`` is allowed
    too. ``"*"`` in ``mcp_allowed_hosts`` turns the check off (for a proxy that validates Host itself)."""
    extra = list(settings.mcp_allowed_hosts)
    if settings.public_url:
        extra.append(urlsplit(settings.public_url).netloc)
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


DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
"""The public base URL when neither ``TODOCHAT_PUBLIC_URL`` nor ``todochat serve`` names one."""


_URL = TypeAdapter(AnyHttpUrl, config=ConfigDict(url_preserve_empty_path=True))


def _url(text: str) -> AnyHttpUrl:
    """``text`` as a URL without the trailing slash pydantic adds to an empty path (RFC 8414 and
    RFC 9728 compare issuers and resources as exact strings)."""
    return _URL.validate_python(text)


def public_base_url(settings: Settings) -> str:
    """This server's public base URL (``settings.public_url``, else :data:`DEFAULT_PUBLIC_URL`):
    the base of every absolute URL the MCP metadata names — never the request's Host header, which a
    client chooses (the security probe's finding: a reflected Host sent clients to another server)."""
    return settings.public_url or DEFAULT_PUBLIC_URL


def resource_url(settings: Settings) -> str:
    """The MCP resource URL (RFC 9728 ``resource``; RFC 8707 audience of MCP OAuth tokens)."""
    return public_base_url(settings) + MCP_PATH


class McpTokenVerifier:
    """The SDK's ``TokenVerifier`` of ``/mcp``: OAuth access tokens issued for the MCP resource
    (:class:`SqlOAuthProvider`), and — while ``settings.mcp_accept_api_tokens`` — the API's own JWTs."""

    def __init__(
        self,
        settings: Settings,
        provider: SqlOAuthProvider | None,
        sessionmaker: Callable[[], async_sessionmaker[AsyncSession]],
    ) -> None:
        self.settings = settings
        self.provider = provider
        self.api_tokens = JWTVerifier(settings, sessionmaker)

    async def verify_token(self, token: str) -> AccessToken | None:
        """Return the token's access info, or None (unknown, expired, revoked, another resource's,
        or an API token while those are not accepted)."""
        if token.startswith(ACCESS_PREFIX):
            if self.provider is None:
                return None
            access = await self.provider.load_access_token(token)
            if access is None or not same_resource(access.resource, self.provider.resource):
                return None
            return access
        if self.settings.mcp_accept_api_tokens:
            return await self.api_tokens.verify_token(token)
        return None


class _HostGuard:
    """The DNS-rebinding check (Host, then Origin: the SDK's ``TransportSecurityMiddleware``) ahead
    of everything else on ``/mcp``, so a request with a foreign Host gets its 421/403 — not a 401
    that names the metadata (the probe's finding: the 401 came first)."""

    def __init__(self, app: ASGIApp, security: TransportSecuritySettings) -> None:
        self.app = app
        self.check = TransportSecurityMiddleware(security)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = await self.check.validate_request(Request(scope), is_post=False)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


class _Transport:
    """The session manager's request handler as an ASGI app (a class, so Starlette routes it raw)."""

    def __init__(self, manager: StreamableHTTPSessionManager) -> None:
        self.manager = manager

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.manager.handle_request(scope, receive, send)


class McpHttp:
    """The streamable HTTP MCP endpoint of the FastAPI app, with its OAuth authorization server.

    Use: build it in ``create_app``, call :meth:`install` to add its routes, and enter :meth:`run`
    in the app's lifespan (the SDK's session manager needs its task group).

    Args:
        settings: JWT secret, public URL, allowed hosts, OAuth switches, default time zone.
        service: returns the app's :class:`TaskService` (made later, in the lifespan); its session
            factory also keeps the OAuth clients and grants.
    """

    def __init__(self, settings: Settings, service: Callable[[], TaskService]) -> None:
        self.settings = settings
        self.public_url = public_base_url(settings)
        self.resource = resource_url(settings)
        self.provider: SqlOAuthProvider | None = None
        if settings.mcp_oauth:
            try:
                validate_issuer_url(_url(self.public_url))
            except ValueError:
                logger.warning("MCP OAuth is off: TODOCHAT_PUBLIC_URL %s is not https (or a loopback address)", self.public_url)
            else:
                self.provider = SqlOAuthProvider(
                    lambda: service().sessionmaker,
                    issuer=str(_url(self.public_url)),
                    resource=self.resource,
                    consent_url=self.public_url + CONSENT_PATH,
                    access_ttl=settings.mcp_access_token_minutes * 60,
                )
        self.server = build_server(
            Backend(service=service, user=token_user, settings=settings),
            request_state_security=request_state_security(settings),
        )
        # Stateless: no session lives in this process, so any replica answers any request.
        self.server.streamable_http_app(
            streamable_http_path=MCP_PATH,
            stateless_http=True,
            json_response=True,
            transport_security=transport_security(settings),
        )
        self.session_manager = self.server.session_manager
        metadata_url = build_resource_metadata_url(_url(self.resource))
        self.app: ASGIApp = _HostGuard(
            AuthenticationMiddleware(
                AuthContextMiddleware(RequireAuthMiddleware(_Transport(self.session_manager), [], metadata_url)),
                backend=BearerAuthBackend(McpTokenVerifier(settings, self.provider, lambda: service().sessionmaker)),
            ),
            transport_security(settings),
        )

    def run(self) -> AbstractAsyncContextManager[None]:
        """The session manager's run context; enter it once, in the app's lifespan."""
        return self.session_manager.run()

    def routes(self) -> list[Route]:
        """``/mcp`` (every method), its protected-resource metadata (RFC 9728), and with OAuth on the
        SDK's authorization-server routes plus the sign-in page."""
        routes = [
            Route(MCP_PATH, endpoint=self.app, include_in_schema=False),
            *create_protected_resource_routes(
                _url(self.resource),
                [_url(self.public_url)],
                scopes_supported=[SCOPE] if self.provider else None,
                resource_name="todochat",
            ),
        ]
        if self.provider is not None:
            registration = ClientRegistrationOptions(enabled=True, valid_scopes=[SCOPE], default_scopes=[SCOPE])
            routes += harden_auth_routes(
                create_auth_routes(
                    self.provider,  # type: ignore[arg-type]
                    _url(self.public_url),
                    client_registration_options=registration,
                    revocation_options=RevocationOptions(enabled=True),
                ),
                self.provider,
                self.settings,
                registration,
            )
            routes += consent_routes(self.provider, self.settings)
        return routes

    def install(self, app: Any) -> None:
        """Add :meth:`routes` to a Starlette/FastAPI ``app``, ahead of its other routes (so a
        catch-all mount of static files cannot shadow them)."""
        app.router.routes[0:0] = self.routes()
        if self.provider is not None:  # the consent page's "Sign in with your identity provider"
            continue_after_sign_in(app, CONTINUATION, after_provider_sign_in(self.provider, self.settings))


def request_state_security(settings: Settings) -> RequestStateSecurity:
    """The seal of MCP's multi-round-trip ``requestState`` (elicitation on protocol 2026-07-28):
    a key derived from the JWT secret, so every replica opens what another sealed."""
    key = hmac.new(settings.resolved_jwt_secret().encode(), b"todochat/mcp/request-state", hashlib.sha256).digest()
    return RequestStateSecurity(keys=[key])
