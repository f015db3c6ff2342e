"""``GET /api/v1/voice``: whether this server transcribes speech, so a page shows its microphone."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from todochat.transcription import ACCEPTED

router = APIRouter(prefix="/api/v1/voice", tags=["voice"])


class VoiceInfo(BaseModel):
    """What a page needs to offer dictation.

    Attributes:
        transcription: ``input.transcribe`` is answered (a transcription API key is configured).
        max_bytes: the largest recording accepted (bytes).
        types: the recording types accepted, in words.
    """

    transcription: bool
    max_bytes: int
    types: str = ACCEPTED


@router.get("", response_model=VoiceInfo, summary="Is dictation available?")
async def voice_info(request: Request) -> VoiceInfo:
    """Whether ``POST /chatkit`` answers ``input.transcribe`` here. No token needed: it says
    nothing about any user; the built-in page hides its microphone when ``transcription`` is false."""
    server = request.app.state.chatkit
    return VoiceInfo(transcription=server.transcriber is not None, max_bytes=request.app.state.settings.transcribe_max_bytes)
