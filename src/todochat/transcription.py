"""Voice: ChatKit's ``input.transcribe`` through OpenAI's transcription API.

``POST {TODOCHAT_TRANSCRIBE_BASE_URL}/audio/transcriptions`` (multipart: ``file``, ``model``), sent
with the ``openai`` client, answers ``{"text": ...}``; the text goes into the person's composer and
nothing is stored. Offered only when configured (:meth:`Settings.transcription_enabled`: opt-in).

Rules (the API's, from OpenAI's speech-to-text guide): files up to 25 MB, of the types mp3, mp4,
mpeg, mpga, m4a, wav, webm, ogg (oga) and flac — the API tells the type by the file name's extension,
so the recording's media type is mapped to one here.
"""

from __future__ import annotations

import base64
import binascii
import logging

import openai
from openai import AsyncOpenAI

from todochat.config import Settings
from todochat.errors import AudioRefused, TranscriptionFailed

logger = logging.getLogger(__name__)

EXTENSIONS: dict[str, str] = {
    "audio/webm": "webm",
    "video/webm": "webm",
    "audio/ogg": "ogg",
    "audio/oga": "ogg",
    "application/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/mp4": "mp4",
    "video/mp4": "mp4",
    "audio/m4a": "m4a",
    "audio/x-m4a": "m4a",
    "audio/aac": "m4a",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mpga": "mpga",
    "video/mpeg": "mpeg",
    "audio/wav": "wav",
    "audio/wave": "wav",
    "audio/x-wav": "wav",
    "audio/vnd.wave": "wav",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
}
"""Media type of a recording → the file extension the transcription API reads its format from
(its list: flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav, webm)."""
ACCEPTED = "mp3, mp4, mpeg, mpga, m4a, wav, webm, ogg or flac"


def media_type(mime_type: str) -> str:
    """The base media type of a raw MIME type: ``"audio/webm;codecs=opus"`` → ``"audio/webm"``."""
    return mime_type.split(";", 1)[0].strip().lower()


def check_audio(audio_base64: str, mime_type: str, *, max_bytes: int) -> int:
    """Check a recording before it is decoded or sent anywhere.

    Args:
        audio_base64: the recording, base64 (RFC 4648 §4) as ``input.transcribe`` carries it.
        mime_type: its raw MIME type (``audio/webm;codecs=opus``).
        max_bytes: the size limit of the decoded recording (``TODOCHAT_TRANSCRIBE_MAX_BYTES``).

    Returns:
        The recording's size in bytes.

    Raises:
        AudioRefused: a type outside :data:`EXTENSIONS` (field ``mime_type``), not base64 or empty
            (field ``audio_base64``), or larger than ``max_bytes`` (status 413).
    """
    kind = media_type(mime_type)
    if kind not in EXTENSIONS:
        raise AudioRefused(
            f"Recordings of type {kind or 'unknown'!r} cannot be transcribed; send {ACCEPTED} audio.",
            field="mime_type",
        )
    stripped = audio_base64.strip()
    size = len(stripped) * 3 // 4 - stripped[-2:].count("=")
    if size > max_bytes:
        refused = AudioRefused(
            f"The recording ({size:,} bytes) is over the {_size(max_bytes)} limit. "
            "Record a shorter message.",
            field="audio_base64",
        )
        refused.code, refused.status = "payload_too_large", 413
        raise refused
    try:
        decoded = base64.b64decode(stripped, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AudioRefused("The recording is not valid base64.", field="audio_base64") from exc
    if not decoded:
        raise AudioRefused("The recording is empty.", field="audio_base64")
    return len(decoded)


def _size(n: int) -> str:
    """``n`` bytes in words: ``25 MB``, ``29.3 KB`` (1 MB = 1,048,576 bytes)."""
    for unit, scale in (("MB", 1_048_576), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


class Transcriber:
    """Turns a recording into text with an OpenAI-compatible transcription API.

    Args:
        api_key: the API's key.
        base_url: the API's base URL (``https://api.openai.com/v1``).
        model: the transcription model (``gpt-4o-mini-transcribe``).
        timeout: seconds one request may take.
        max_retries: retries of a 429/5xx/connection failure (the ``openai`` client's backoff).
    """

    def __init__(self, *, api_key: str, base_url: str, model: str, timeout: float = 60.0, max_retries: int = 1) -> None:
        self.model = model
        self.client = AsyncOpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries)

    @classmethod
    def from_settings(cls, settings: Settings) -> Transcriber | None:
        """The transcriber the settings configure, or None when voice is off (no key)."""
        key = settings.transcription_key()
        if key is None:
            return None
        return cls(
            api_key=key,
            base_url=settings.transcribe_base_url,
            model=settings.transcribe_model,
            timeout=settings.transcribe_timeout_seconds,
        )

    async def transcribe(self, data: bytes, mime_type: str) -> str:
        """Transcribe ``data`` (a recording of ``mime_type``, checked by :func:`check_audio`).

        Returns:
            The text spoken, stripped ("" for silence).

        Raises:
            AudioRefused: the API could not use the recording (its 400 message).
            TranscriptionFailed: the API is unreachable (502), timed out (504), busy (429 → 503),
                refused the key, or failed (5xx → 502).
        """
        kind = media_type(mime_type)
        name = f"recording.{EXTENSIONS.get(kind, 'webm')}"
        try:
            result = await self.client.audio.transcriptions.create(
                model=self.model, file=(name, data, kind), response_format="json"
            )
        except openai.APITimeoutError as exc:
            logger.warning("transcription_timeout")
            raise _failed("The transcription service did not answer in time; try again.", 504) from exc
        except openai.APIConnectionError as exc:
            logger.warning("transcription_unreachable: %s", type(exc).__name__)
            raise TranscriptionFailed("The transcription service cannot be reached; try again shortly.") from exc
        except openai.APIStatusError as exc:
            raise _status_error(exc) from exc
        return str(getattr(result, "text", result) or "").strip()

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.client.close()


def _status_error(exc: openai.APIStatusError) -> AudioRefused | TranscriptionFailed:
    status = exc.status_code
    logger.warning("transcription_failed: HTTP %s", status)
    error = exc.body.get("error", exc.body) if isinstance(exc.body, dict) else None
    detail = error.get("message") if isinstance(error, dict) else None
    if status in (400, 413, 415, 422):
        return AudioRefused(f"The transcription service could not use this recording: {detail or exc.message}", field="audio_base64")
    if status in (401, 403):
        return TranscriptionFailed(
            "The transcription service refused this server's API key (TODOCHAT_TRANSCRIBE_API_KEY, or OPENAI_API_KEY with TODOCHAT_TRANSCRIBE=true)."
        )
    if status == 429:
        return _failed("The transcription service is busy; try again shortly.", 503)
    return TranscriptionFailed(f"The transcription service failed (HTTP {status}); try again shortly.")


def _failed(message: str, status: int) -> TranscriptionFailed:
    failed = TranscriptionFailed(message)
    failed.status = status
    return failed


__all__ = ["ACCEPTED", "EXTENSIONS", "Transcriber", "check_audio", "media_type"]
