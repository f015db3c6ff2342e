"""Dependency aliases for routes: settings, services, and the request context from the token."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import Depends, Request

from todochat.api.auth import TokenClaims, bearer_token, check_claims, decode_claims_async
from todochat.config import Settings
from todochat.context import Clock, RequestContext, parse_zone
from todochat.tasks.service import TaskService


def get_app_settings(request: Request) -> Settings:
    """The app's settings (kept on ``app.state`` by ``create_app``)."""
    return request.app.state.settings  # type: ignore[no-any-return]


def get_service(request: Request) -> TaskService:
    """The task service made in the app's lifespan."""
    return request.app.state.service  # type: ignore[no-any-return]


async def authenticated_user(request: Request) -> str:
    """The user id of the verified bearer token (also kept on ``request.state.user_id``).

    The claims the rate limiter already verified (``request.state.token_claims``) are reused;
    revocation (:func:`todochat.api.auth.check_claims`) is checked on every request.

    Raises:
        AuthError: missing, malformed, forged, expired or signed-out token (→ 401).
    """
    cached = getattr(request.state, "user_id", None)
    if cached:
        return str(cached)
    claims = getattr(request.state, "token_claims", None)
    if not isinstance(claims, TokenClaims):
        token = bearer_token(request.headers.get("authorization"))
        claims = await decode_claims_async(token, request.app.state.settings)
    settings: Settings = request.app.state.settings
    user_id = await check_claims(claims, request.app.state.sessionmaker, cache_seconds=settings.revocation_cache_seconds)
    request.state.user_id = user_id
    return user_id


async def resolve_zone(
    request: Request, user_id: str, requested: str | None = None, *, language: bool = False
) -> RequestContext:
    """Build the request context: zone from the ``X-Timezone`` header, else ``requested`` (e.g.
    ChatKit request metadata), else the user's stored setting, else the server default. With
    ``language`` (chat fronts) also the user's stored reply language (``RequestContext.language``),
    read in the same statement as the zone.

    Raises:
        ValidationError: an unknown zone name, field ``timezone`` (→ 422).
    """
    settings: Settings = request.app.state.settings
    name = request.headers.get("x-timezone") or requested
    reply_language = "auto"
    if not name or language:
        stored, reply_language = await request.app.state.service.get_preferences(user_id)
        name = name or stored or settings.timezone
    return RequestContext(
        user_id=user_id,
        tz=parse_zone(name),
        clock=request.app.state.clock,
        request_id=getattr(request.state, "request_id", ""),
        language=reply_language,
    )


async def current_context(request: Request, user_id: Annotated[str, Depends(authenticated_user)]) -> RequestContext:
    """The request context of an authenticated REST request: front ``rest``, tool the route
    (``"POST /api/v1/tasks"``), as the audit log records them."""
    ctx = await resolve_zone(request, user_id)
    route = request.scope.get("route")
    path = getattr(route, "path", None) or request.url.path
    return dataclasses.replace(ctx, front="rest", tool=f"{request.method} {path}")


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ServiceDep = Annotated[TaskService, Depends(get_service)]
CurrentUser = Annotated[str, Depends(authenticated_user)]
CurrentContext = Annotated[RequestContext, Depends(current_context)]

__all__ = ["Clock", "CurrentContext", "CurrentUser", "ServiceDep", "SettingsDep"]
