"""``GET /api/v1/models``: the models a message may choose (the pages' model picker; chatkit/model_choice.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from todochat.api.deps import CurrentUser

router = APIRouter(prefix="/api/v1/models", tags=["chatkit"])


class ModelOut(BaseModel):
    """One model, shaped as chatkit-js ``composer.models`` takes it (``ModelOption``).

    Attributes:
        id: what a message sends as ``inference_options.model``.
        label: the picker's label.
        description: helper text, or None.
        default: the model a message without a choice gets (exactly one is).
    """

    id: str
    label: str
    description: str | None = None
    default: bool


@router.get("", response_model=list[ModelOut], summary="Models a message may choose")
async def list_models(request: Request, _user: CurrentUser) -> list[ModelOut]:
    """The models this server offers (``TODOCHAT_MODELS``), in order, the default marked. A page
    shows a picker when there is more than one; the choice goes with each message as
    ``inference_options.model``. Errors: 401 without a valid token."""
    return [ModelOut(**choice.model_dump()) for choice in request.app.state.models.offered]
