"""``POST /api/v1/me/sign-out-everywhere``: revoke every token of the caller (token version + 1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from todochat.api.deps import CurrentUser
from todochat.api.routes.tasks import ErrorOut
from todochat.context import utcnow
from todochat.revocation import revoke_all

router = APIRouter(prefix="/api/v1/me", tags=["me"])


class SignedOut(BaseModel):
    """Every token of ``user_id`` issued before now is refused from now on, on every replica."""

    user_id: str
    token_version: int


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing, malformed, forged, expired or already signed-out token"},
}


@router.post("/sign-out-everywhere", response_model=SignedOut, responses=ERRORS, summary="Sign out everywhere")
async def sign_out_everywhere(request: Request, user_id: CurrentUser) -> SignedOut:
    """Revoke every token of the caller, this one included (the page's Sign out calls it)."""
    # the real time, not the app clock: tokens' iat/exp are real instants (TODOCHAT_CLOCK_FIXED
    # pins the tasks' "now" for demos and tests, not token validity)
    version = await revoke_all(request.app.state.sessionmaker, user_id, utcnow())
    return SignedOut(user_id=user_id, token_version=version)
