"""``GET /api/v1/composer-tools``: the composer tools a page offers (chatkit/composer_tools.py)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel

from todochat.chatkit.composer_tools import COMPOSER_TOOLS

router = APIRouter(prefix="/api/v1/composer-tools", tags=["chatkit"])


class ComposerToolOut(BaseModel):
    """One tool: its ``tool_choice.id``, menu label, ChatKit icon and placeholder."""

    id: str
    label: str
    icon: str
    placeholder: str
    needs_text: bool


@router.get("", response_model=list[ComposerToolOut], summary="Composer tools")
async def composer_tools() -> list[ComposerToolOut]:
    """The tools a message can be sent with (``inference_options.tool_choice.id``). No token needed."""
    return [ComposerToolOut(**asdict(tool)) for tool in COMPOSER_TOOLS.values()]
