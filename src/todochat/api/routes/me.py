"""``/api/v1/me``: the authenticated user's identity and stored settings (time zone, reply language)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from todochat.api.deps import CurrentContext, ServiceDep
from todochat.api.routes import notify as notify_routes
from todochat.api.routes.tasks import ErrorOut

router = APIRouter(prefix="/api/v1/me", tags=["me"])


class Me(BaseModel):
    """Who the token is for, and the zone dates are read and shown in for this request."""

    user_id: str
    timezone: str = Field(examples=["Europe/Berlin"])
    reminder_channels: dict[str, dict[str, Any]] | None = None
    """The user's reminder channels (``PATCH /api/v1/me`` changes them; routes/notify.py)."""


class TimezoneIn(BaseModel):
    """A stored per-user time zone (used when a request names none)."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is a 422 naming it

    timezone: str = Field(examples=["Europe/Berlin"])


class LanguageIO(BaseModel):
    """The user's reply language: ``auto`` (each message's own language), ``en`` or ``de``."""

    model_config = ConfigDict(extra="forbid")

    language: str = Field(examples=["de"])


LANGUAGE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing, malformed, forged or expired token"},
    422: {"model": ErrorOut, "description": "Unknown language (not auto, en or de); nothing is stored"},
}

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing, malformed, forged or expired token"},
    422: {"model": ErrorOut, "description": "Unknown time zone (X-Timezone or body); the body names the field"},
}


@router.get("", response_model=Me, responses=ERRORS, summary="Who am I")
async def me(request: Request, ctx: CurrentContext) -> Me:
    """The token's user, the effective time zone and the reminder channels."""
    channels = await notify_routes.channels_out(request, ctx.user_id)
    return Me(user_id=ctx.user_id, timezone=ctx.tz.key, reminder_channels=channels.reminder_channels)


@router.put("/timezone", response_model=Me, response_model_exclude_none=True, responses=ERRORS, summary="Store my time zone")
async def set_timezone(ctx: CurrentContext, service: ServiceDep, body: TimezoneIn) -> Me:
    """Store the user's IANA time zone."""
    await service.set_timezone(ctx, body.timezone)
    return Me(user_id=ctx.user_id, timezone=body.timezone)


@router.get("/language", response_model=LanguageIO, responses=LANGUAGE_ERRORS, summary="My reply language")
async def get_language(ctx: CurrentContext, service: ServiceDep) -> LanguageIO:
    """The stored reply language (``auto`` when never set)."""
    _zone, language = await service.get_preferences(ctx.user_id)
    return LanguageIO(language=language)


@router.put("/language", response_model=LanguageIO, responses=LANGUAGE_ERRORS, summary="Store my reply language")
async def set_language(ctx: CurrentContext, service: ServiceDep, body: LanguageIO) -> LanguageIO:
    """Store the language the assistant answers in: ``en`` or ``de`` for every reply, ``auto``
    for the language of each message (English when unsure)."""
    await service.set_language(ctx, body.language)
    return LanguageIO(language=body.language)
