"""Managed ChatKit sessions: client secrets for a hosted workflow, minted with OpenAI's ChatKit sessions API."""

from __future__ import annotations

import logging
import os
from typing import Any

import httpx
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from todochat.api.deps import CurrentUser, SettingsDep
from todochat.config import Settings
from todochat.errors import ConfigurationError, TodoError

logger = logging.getLogger(__name__)

CHATKIT_BETA_HEADER = {"OpenAI-Beta": "chatkit_beta=v1"}
"""OpenAI's ChatKit API is in beta; every call names the beta (openai-python ``beta.chatkit.sessions``)."""
UPSTREAM_TIMEOUT = httpx.Timeout(20.0, connect=5.0)

router = APIRouter(prefix="/api/chatkit", tags=["chatkit"])


class ChatKitSessionError(TodoError):
    """OpenAI's ChatKit sessions API could not be reached or refused the request."""

    code = "upstream_error"
    status = 502


class SessionOut(BaseModel):
    """A managed ChatKit session's client secret, for ChatKit's ``api.getClientSecret``."""

    client_secret: str = Field(description="Ephemeral secret the ChatKit web component authenticates with.")
    expires_after: int = Field(description="Seconds until the secret expires.")
    expires_at: int | None = Field(default=None, description="Unix time (seconds) when it expires.")


class RefreshIn(BaseModel):
    """Body of ``/api/chatkit/refresh``: the secret about to expire (optional, informative)."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is a 422 naming it

    current_client_secret: str | None = None


def managed_config(settings: Settings) -> tuple[str, str]:
    """Return ``(workflow_id, api_key)`` for managed sessions.

    Raises:
        ConfigurationError: ``TODOCHAT_CHATKIT_WORKFLOW_ID`` or ``OPENAI_API_KEY`` is not set (→ 501).
    """
    workflow_id = settings.chatkit_workflow_id
    api_key = os.environ.get("OPENAI_API_KEY")
    missing = [name for name, value in (("TODOCHAT_CHATKIT_WORKFLOW_ID", workflow_id),
                                        ("OPENAI_API_KEY", api_key)) if not value]
    if missing:
        raise ConfigurationError(
            "Managed ChatKit sessions are not configured: set " + " and ".join(missing)
            + " (the hosted workflow's id and an OpenAI API key).",
            missing=missing,
        )
    return workflow_id, api_key  # type: ignore[return-value]


def _upstream_message(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])
    if isinstance(error, str):
        return error
    return response.reason_phrase


async def create_chatkit_session(settings: Settings, *, user_id: str, now: float) -> SessionOut:
    """Create a ChatKit session for ``settings.chatkit_workflow_id`` with ``user_id`` as its user.

    Sends ``POST {openai_api_base}/chatkit/sessions`` with ``{"workflow": {"id": ...}, "user": ...}``,
    ``Authorization: Bearer $OPENAI_API_KEY`` and ``OpenAI-Beta: chatkit_beta=v1``; the answer is a
    ``chatkit.session`` object with ``client_secret`` and ``expires_at`` (Unix seconds).

    Args:
        user_id: the verified token's user; sessions of one user share ChatKit's ``user`` scope.
        now: the current Unix time in seconds, to turn ``expires_at`` into ``expires_after``.

    Raises:
        ConfigurationError: not configured (→ 501).
        ChatKitSessionError: the API is unreachable, refused, or answered without a secret (→ 502).
    """
    workflow_id, api_key = managed_config(settings)
    url = settings.openai_api_base.rstrip("/") + "/chatkit/sessions"
    headers = {"Authorization": f"Bearer {api_key}", **CHATKIT_BETA_HEADER}
    try:
        async with httpx.AsyncClient(timeout=UPSTREAM_TIMEOUT) as client:
            response = await client.post(url, json={"workflow": {"id": workflow_id}, "user": user_id}, headers=headers)
    except httpx.HTTPError as exc:
        logger.warning("chatkit_session_unreachable: %s", type(exc).__name__)
        raise ChatKitSessionError("Could not reach OpenAI's ChatKit sessions API; try again shortly.") from exc
    if response.is_error:
        message = _upstream_message(response)
        logger.warning("chatkit_session_refused: status=%s", response.status_code)
        raise ChatKitSessionError(
            f"OpenAI refused to create a ChatKit session ({response.status_code}): {message}",
            upstream_status=response.status_code,
        )
    try:
        body = response.json()
        secret = body["client_secret"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ChatKitSessionError("OpenAI's ChatKit sessions API answered without a client secret.") from exc
    expires_at = body.get("expires_at")
    if isinstance(expires_at, int | float):
        return SessionOut(client_secret=secret, expires_at=int(expires_at), expires_after=max(0, int(expires_at - now)))
    after = body.get("expires_after")
    seconds = after.get("seconds") if isinstance(after, dict) else after
    seconds = int(seconds) if isinstance(seconds, int | float) else 600
    return SessionOut(client_secret=secret, expires_after=seconds, expires_at=int(now) + seconds)


def _now(request: Request) -> float:
    return float(request.app.state.clock.now().timestamp())


@router.post("/session", response_model=SessionOut, summary="Create a managed ChatKit session")
async def create_session(request: Request, user_id: CurrentUser, settings: SettingsDep) -> SessionOut:
    """Mint a ChatKit client secret for the configured hosted workflow, for the token's user.

    Errors: 401 bad token; 501 ``TODOCHAT_CHATKIT_WORKFLOW_ID``/``OPENAI_API_KEY`` not set;
    502 OpenAI unreachable or refusing.
    """
    return await create_chatkit_session(settings, user_id=user_id, now=_now(request))


@router.post("/refresh", response_model=SessionOut, summary="Refresh a managed ChatKit session")
async def refresh_session(
    request: Request, user_id: CurrentUser, settings: SettingsDep, body: RefreshIn | None = None
) -> SessionOut:
    """A fresh client secret for the token's user, for ChatKit's ``getClientSecret(current)``
    when the current one is about to expire. OpenAI's API has no in-place refresh, so this
    creates a new session for the same user and workflow (threads are scoped by user, so the
    conversation history carries over). Errors as for ``/session``.
    """
    return await create_chatkit_session(settings, user_id=user_id, now=_now(request))
