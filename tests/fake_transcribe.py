"""A fake OpenAI transcription API on a real 127.0.0.1 port: ``POST /v1/audio/transcriptions``
(multipart/form-data: ``file``, ``model``, optional ``response_format``/``language``/``prompt``),
answering ``{"text": ..., "usage": ...}`` as OpenAI does, or OpenAI's error bodies."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tests.fake_llm import FakeLLMServer

FORMATS = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm")
"""The extensions OpenAI's endpoint accepts (its 400 message lists them)."""


@dataclass
class Upload:
    """One transcription request as received: headers, form fields, the file's name, type and bytes."""

    authorization: str
    model: str
    response_format: str | None
    filename: str
    content_type: str
    data: bytes


@dataclass
class Answer:
    """A scripted answer: a transcript, or an HTTP error (OpenAI's error body) after ``delay`` s."""

    text: str = ""
    status: int = 200
    message: str = "The server had an error while processing your request."
    delay: float = 0.0


class FakeTranscription:
    """Scripted OpenAI-compatible transcription API; ``base_url`` is set by :class:`FakeLLMServer`.

    Each request takes the next :class:`Answer` (or ``down`` while set); an empty script answers
    500 so a missing step fails loudly. A file whose extension OpenAI does not accept gets OpenAI's
    400 ``invalid_value`` answer, as the real endpoint does.
    """

    def __init__(self) -> None:
        self.script: deque[Answer] = deque()
        self.down: Answer | None = None
        self.uploads: list[Upload] = []
        self.closing = False
        self.base_url = ""
        self.app = Starlette(routes=[Route("/v1/audio/transcriptions", self._handle, methods=["POST"])])

    def add(self, *answers: Answer) -> FakeTranscription:
        self.script.extend(answers)
        return self

    async def _handle(self, request: Request) -> Response:
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not form.get("model"):
            return _error(400, "You must provide a file and a model.", "invalid_request_error", "missing_required_parameter")
        self.uploads.append(Upload(
            authorization=request.headers.get("authorization", ""), model=str(form["model"]),
            response_format=str(form["response_format"]) if "response_format" in form else None,
            filename=upload.filename or "", content_type=upload.content_type or "", data=await upload.read(),
        ))
        if (upload.filename or "").rsplit(".", 1)[-1] not in FORMATS:
            return _error(400, f"Invalid file format. Supported formats: {list(FORMATS)}", "invalid_request_error", "invalid_value")
        answer = self.down or (self.script.popleft() if self.script else Answer(status=500, message="fake: no scripted answer"))
        if answer.delay:
            end = asyncio.get_running_loop().time() + answer.delay
            while asyncio.get_running_loop().time() < end and not self.closing:  # noqa: ASYNC110 — set from another thread
                await asyncio.sleep(0.02)
        if answer.status != 200:
            kind = "server_error" if answer.status >= 500 else "invalid_request_error"
            return _error(answer.status, answer.message, kind, None, retry_after_ms=10)
        usage = {"type": "tokens", "input_tokens": 14, "input_token_details": {"text_tokens": 0, "audio_tokens": 14},
                 "output_tokens": 6, "total_tokens": 20}
        return JSONResponse({"text": answer.text, "usage": usage})


def _error(status: int, message: str, kind: str, code: str | None, retry_after_ms: int | None = None) -> JSONResponse:
    headers = {"retry-after-ms": str(retry_after_ms)} if retry_after_ms is not None else {}
    body = {"error": {"message": message, "type": kind, "param": "file" if status == 400 else None, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)


@pytest.fixture
def fake_transcription() -> Iterator[FakeTranscription]:
    """A started fake transcription API at ``fake_transcription.base_url`` (``http://127.0.0.1:<port>/v1``)."""
    fake = FakeTranscription()
    with FakeLLMServer(fake):  # type: ignore[arg-type]  # same runner: uvicorn in a thread on a free port
        yield fake
