"""The ChatKit server's ``input.transcribe`` hook (dictation), over :mod:`todochat.transcription`."""

from __future__ import annotations

from typing import Any

from chatkit.types import AudioInput, TranscriptionResult

from todochat.errors import Unsupported
from todochat.transcription import Transcriber

NOT_CONFIGURED = (
    "Dictation (input.transcribe) is not available on this server: it is off unless "
    "TODOCHAT_TRANSCRIBE_API_KEY is set, or TODOCHAT_TRANSCRIBE=true with OPENAI_API_KEY."
)
"""The refusal when voice is off."""


class VoiceMixin:
    """Gives a ``ChatKitServer`` its ``transcribe`` hook (chatkit 1.6.5 ``InputTranscribeReq``).

    Attributes:
        transcriber: set by the app when voice is configured; None: the request is refused.
    """

    transcriber: Transcriber | None = None

    async def transcribe(self, audio_input: AudioInput, context: Any) -> TranscriptionResult:
        """The text of ``audio_input`` for the composer; nothing is stored.

        Raises:
            Unsupported: voice is not configured (400).
            todochat.errors.AudioRefused: the API could not use the recording (422).
            todochat.errors.TranscriptionFailed: the API is down, slow or refused the key (502/503/504).
        """
        if self.transcriber is None:
            raise Unsupported(NOT_CONFIGURED, type="input.transcribe")
        return TranscriptionResult(text=await self.transcriber.transcribe(audio_input.data, audio_input.mime_type))


__all__ = ["NOT_CONFIGURED", "VoiceMixin"]
