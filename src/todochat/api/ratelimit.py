"""Rate limits (the ``limits`` library): per user from the verified token, else per client address.

``TODOCHAT_RATE_LIMIT`` is one or more limits in the library's notation (``30/minute``,
``30/minute;1000/day``; ``off`` disables them). Counters live in memory (one process) or, with
``TODOCHAT_RATE_LIMIT_STORAGE=redis://…``, in Redis, so every replica shares them. A request over
the limit gets HTTP 429 with ``Retry-After`` before any route runs, so a streaming ChatKit request
is refused before a turn starts. Liveness/readiness probes, CORS preflights and the static page
are not counted.
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import ConfigurationError as LimitsConfigurationError
from limits.errors import StorageError
from limits.storage import storage_from_string
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from todochat.api.auth import TokenClaims, bearer_token, decode_claims_async
from todochat.config import Settings
from todochat.errors import AuthError, ConfigurationError
from todochat.mcp.oauth import ACCESS_PREFIX as MCP_ACCESS_PREFIX

logger = logging.getLogger(__name__)

DISABLED = {"", "off", "none", "0", "false"}
STORAGE_SCHEMES = ("memory://", "redis://", "rediss://", "redis+sentinel://", "redis+cluster://")
EXEMPT_PATHS = frozenset(
    {"/health", "/ready", "/", "/index.html", "/chatkit-ui", "/favicon.ico", "/docs", "/redoc",
     "/openapi.json"}
)  # fmt: skip
EXEMPT_PREFIXES = ("/static/", "/web/", "/assets/")


@dataclass(frozen=True)
class Verdict:
    """The outcome of one hit: allowed or not, and when to retry (whole seconds, ≥ 1)."""

    allowed: bool
    retry_after: int = 0
    limit: RateLimitItem | None = None


class RateLimiter:
    """Counts requests per key against every configured limit (moving window).

    Args:
        limits: the parsed limits; all must allow a request.
        storage_uri: ``memory://`` or ``redis://…`` (``async+`` is added for the library).

    Raises:
        ConfigurationError: the storage URI has an unsupported scheme.
    """

    def __init__(self, limits: list[RateLimitItem], storage_uri: str) -> None:
        if not storage_uri.startswith(STORAGE_SCHEMES):
            raise ConfigurationError(
                "TODOCHAT_RATE_LIMIT_STORAGE must be memory:// or redis://host:port[/db] "
                f"(got {storage_uri.split('://')[0]!r})"
            )
        self.limits = limits
        self.storage_uri = storage_uri
        self._storage: Storage | None = None
        self._strategy: MovingWindowRateLimiter | None = None

    def _limiter(self) -> MovingWindowRateLimiter:
        if self._strategy is None:  # made on first use, inside the server's event loop
            options: dict[str, float | str | bool] = {"wrap_exceptions": True}
            if self.storage_uri.startswith("redis"):
                options.update(implementation="redispy", key_prefix="todochat",
                               socket_timeout=2, socket_connect_timeout=2)  # fmt: skip
            try:
                self._storage = storage_from_string("async+" + self.storage_uri, **options)
            except LimitsConfigurationError as exc:
                raise ConfigurationError(f"TODOCHAT_RATE_LIMIT_STORAGE: {exc}") from exc
            self._strategy = MovingWindowRateLimiter(self._storage)
        return self._strategy

    async def hit(self, key: str) -> Verdict:
        """Count one request for ``key`` (e.g. ``user:alice``, ``ip:10.0.0.7``).

        Returns:
            ``Verdict(allowed=True)``, or the first exceeded limit with ``retry_after`` seconds.
            When the storage is unreachable the request is allowed (logged): an outage of Redis
            must not take the service down.
        """
        limiter = self._limiter()
        try:
            for item in self.limits:
                if not await limiter.hit(item, key):
                    stats = await limiter.get_window_stats(item, key)
                    retry = max(1, math.ceil(stats.reset_time - time.time()))
                    return Verdict(False, retry, item)
        except StorageError as exc:
            logger.warning("rate_limit_storage_unavailable: %s", type(exc.storage_error).__name__)
        return Verdict(True)


def build_limiter(settings: Settings) -> RateLimiter | None:
    """The limiter for ``settings``, or None when ``TODOCHAT_RATE_LIMIT`` is ``off``.

    Raises:
        ConfigurationError: a malformed limit or storage URI (the message names the setting).
    """
    spec = settings.rate_limit.strip()
    if spec.lower() in DISABLED:
        return None
    try:
        limits = parse_many(spec)
    except ValueError as exc:
        raise ConfigurationError(
            f"TODOCHAT_RATE_LIMIT {spec!r} is malformed: use e.g. '30/minute' or '30/minute;1000/day'"
        ) from exc
    return RateLimiter(limits, settings.rate_limit_storage.strip())


async def request_key(scope: Scope, settings: Settings) -> tuple[str, TokenClaims | None]:
    """The counter key of a request: ``user:<id>`` for a verified bearer token (an API JWT, or a
    live MCP OAuth access token: :func:`mcp_token_user`), else ``ip:<addr>``.

    Returns:
        ``(key, claims or None)``. The address is the peer's, or — behind a proxy listed in
        ``TODOCHAT_TRUSTED_PROXIES`` — the right-most address of ``X-Forwarded-For`` that is not
        a trusted proxy (``ProxyHeadersMiddleware`` has put it in ``scope["client"]``), so a client
        cannot choose its key by sending its own ``X-Forwarded-For``. A signed-out token still
        counts for its user (the route then answers 401).
    """
    header = Headers(scope=scope).get("authorization")
    if header:
        try:
            token = bearer_token(header)
        except AuthError:
            token = None
        if token is not None and token.startswith(MCP_ACCESS_PREFIX):
            user_id = await mcp_token_user(scope, token)
            if user_id is not None:
                return f"user:{user_id}", None
        elif token is not None:
            try:
                claims = await decode_claims_async(token, settings)
            except AuthError:
                claims = None
            if claims is not None:
                return f"user:{claims.user_id}", claims
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}", None


async def mcp_token_user(scope: Scope, token: str) -> str | None:
    """The user of a live MCP OAuth access token (``tdc_mcp_at_…``, issued by the app's
    :class:`~todochat.mcp.oauth.SqlOAuthProvider`), or None: unknown, expired or revoked, or the
    app has no MCP authorization server. One primary-key lookup of the token's SHA-256 (the same
    one ``/mcp`` then makes to verify it), so an MCP client is counted per user like an API token,
    while a made-up token still counts for its address."""
    app = scope.get("app")
    state = getattr(app, "state", None)
    provider = getattr(getattr(state, "mcp", None), "provider", None)
    if provider is None or getattr(state, "sessionmaker", None) is None:
        return None  # no authorization server, or the app's database is not open yet
    try:
        access = await provider.load_access_token(token)
    except SQLAlchemyError:  # the database is unreachable: count per address; /mcp answers the error
        return None
    return access.subject if access is not None else None


def is_exempt(scope: Scope) -> bool:
    """True for requests that are never counted: probes, CORS preflights, the static page."""
    path: str = scope.get("path", "")
    return (
        scope.get("method") == "OPTIONS" or path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)
    )


class RateLimitMiddleware:
    """ASGI middleware answering 429 (JSON, ``Retry-After``) past the limit, before the route runs.

    A verified token's claims are left on ``request.state.token_claims`` (the auth dependency
    reuses them and checks revocation).
    """

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, settings: Settings) -> None:
        self.app = app
        self.limiter = limiter
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_exempt(scope):
            await self.app(scope, receive, send)
            return
        key, claims = await request_key(scope, self.settings)
        if claims is not None:
            scope.setdefault("state", {})["token_claims"] = claims
        verdict = await self.limiter.hit(key)
        if verdict.allowed:
            await self.app(scope, receive, send)
            return
        logger.info("rate_limited: %s", key.split(":", 1)[0])
        body = json.dumps({
            "error": "rate_limited",
            "message": f"Too many requests (limit {verdict.limit}); try again in "
                       f"{verdict.retry_after} s.",
            "retry_after": verdict.retry_after,
        }).encode()  # fmt: skip
        await send({
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(verdict.retry_after).encode()),
            ],
        })  # fmt: skip
        await send({"type": "http.response.body", "body": body})


def install_rate_limit(app: ASGIApp, settings: Settings) -> None:
    """Add :class:`RateLimitMiddleware` to a FastAPI/Starlette ``app`` unless limits are off.

    Call it before adding CORS so 429 answers carry CORS headers.

    Raises:
        ConfigurationError: see :func:`build_limiter`.
    """
    limiter = build_limiter(settings)
    if limiter is not None:
        app.add_middleware(RateLimitMiddleware, limiter=limiter, settings=settings)  # type: ignore[attr-defined]
