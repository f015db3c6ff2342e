"""Voice at the HTTP boundary: the transcriber's lifetime, the ``/chatkit`` body limit that lets a
recording through, and the checks of an ``input.transcribe`` request before anything is sent."""

from __future__ import annotations

import math
from contextlib import AsyncExitStack

from chatkit.types import ChatKitReq, InputTranscribeReq
from fastapi import FastAPI

from todochat.api.body_limit import PayloadTooLarge
from todochat.chatkit.voice import NOT_CONFIGURED
from todochat.config import Settings
from todochat.errors import Unsupported
from todochat.transcription import Transcriber, check_audio

JSON_ROOM = 64 * 1024
"""Bytes of JSON around the base64 recording in an ``input.transcribe`` body."""


async def attach_transcriber(app: FastAPI, stack: AsyncExitStack) -> None:
    """Give ``app.state.chatkit`` its transcriber when voice is configured; closed with ``stack``."""
    transcriber = Transcriber.from_settings(app.state.settings)
    app.state.chatkit.transcriber = transcriber
    if transcriber is not None:
        stack.push_async_callback(transcriber.aclose)


def chatkit_body_limit(settings: Settings) -> dict[str, int]:
    """``BodySizeLimit(larger=...)`` entry for ``/chatkit`` when voice is on: room for a recording of
    ``TODOCHAT_TRANSCRIBE_MAX_BYTES`` in base64 (4 characters per 3 bytes, RFC 4648 §4) plus
    :data:`JSON_ROOM`. Other request types keep ``TODOCHAT_MAX_BODY_BYTES`` (:func:`check_voice`)."""
    if not settings.transcription_enabled() or settings.max_body_bytes == 0:
        return {}
    audio = 4 * math.ceil(settings.transcribe_max_bytes / 3) + JSON_ROOM
    return {"/chatkit": max(settings.max_body_bytes, audio)}


def check_voice(request: ChatKitReq, body_bytes: int, transcriber: Transcriber | None, settings: Settings) -> None:
    """Check a parsed ``/chatkit`` request against the voice rules, before anything is sent.

    Args:
        request: the parsed request.
        body_bytes: the size of its body.
        transcriber: the server's transcriber (None: voice is off).
        settings: ``max_body_bytes`` and ``transcribe_max_bytes``.

    Raises:
        PayloadTooLarge: a request other than ``input.transcribe`` above ``TODOCHAT_MAX_BODY_BYTES`` (413).
        Unsupported: ``input.transcribe`` while voice is off (400).
        todochat.errors.AudioRefused: a recording of the wrong type, empty, not base64, or too large (422/413).
    """
    if not isinstance(request, InputTranscribeReq):
        if settings.max_body_bytes and body_bytes > settings.max_body_bytes:
            raise PayloadTooLarge(settings.max_body_bytes)
        return
    if transcriber is None:
        raise Unsupported(NOT_CONFIGURED, type=request.type)
    check_audio(request.params.audio_base64, request.params.mime_type, max_bytes=settings.transcribe_max_bytes)


__all__ = ["attach_transcriber", "chatkit_body_limit", "check_voice"]
