"""Voice over real HTTP: ``input.transcribe`` through a local fake of OpenAI's transcription API
(its multipart wire format), the limits, a failing API, and a server without a key."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
from pydantic import SecretStr
from tests.fake_transcribe import Answer, FakeTranscription, fake_transcription  # noqa: F401 (fixture)
from tests.servers import free_port, in_process

from todochat.config import Settings

WEBM = b"\x1aE\xdf\xa3" + bytes(range(256)) * 8  # an EBML (WebM) header and some bytes


def transcribe(data: bytes, mime_type: str = "audio/webm;codecs=opus") -> dict[str, Any]:
    return {"type": "input.transcribe", "params": {"audio_base64": base64.b64encode(data).decode(), "mime_type": mime_type}}


def test_dictation_goes_through_the_transcription_api_and_refuses_bad_audio(server_factory, fake_transcription: FakeTranscription) -> None:  # noqa: F811
    server = server_factory(
        TODOCHAT_TRANSCRIBE_API_KEY="sk-test-voice", TODOCHAT_TRANSCRIBE_BASE_URL=fake_transcription.base_url,
        TODOCHAT_TRANSCRIBE_MODEL="whisper-1", TODOCHAT_TRANSCRIBE_MAX_BYTES="30000", TODOCHAT_MAX_BODY_BYTES="20000",
        TODOCHAT_TRANSCRIBE_TIMEOUT_SECONDS="1",
    )
    with httpx.Client(base_url=server.base_url, headers=server.headers(), timeout=60) as http:
        assert http.get("/api/v1/voice").json() == {"transcription": True, "max_bytes": 30000, "types": "mp3, mp4, mpeg, mpga, m4a, wav, webm, ogg or flac"}

        fake_transcription.add(Answer(text="  pay rent on friday \n"))
        answer = http.post("/chatkit", json=transcribe(WEBM))
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"text": "pay rent on friday"}
        upload = fake_transcription.uploads[-1]
        assert (upload.model, upload.filename, upload.content_type, upload.data) == ("whisper-1", "recording.webm", "audio/webm", WEBM)
        assert upload.authorization == "Bearer sk-test-voice" and upload.response_format == "json"

        fake_transcription.add(Answer(text="buy milk"))  # Safari records audio/mp4; 25,000 bytes pass TODOCHAT_MAX_BODY_BYTES=20000
        answer = http.post("/chatkit", json=transcribe(b"\x00" * 25_000, "audio/mp4"))
        assert answer.json() == {"text": "buy milk"} and fake_transcription.uploads[-1].filename == "recording.mp4"
        sent = len(fake_transcription.uploads)

        refused = [
            (transcribe(WEBM, "audio/x-aiff"), 422, "audio_refused", "'audio/x-aiff' cannot be transcribed; send mp3, mp4"),
            (transcribe(b"\x00" * 30_001), 413, "payload_too_large", "The recording (30,001 bytes) is over the 29.3 KB limit. Record a shorter message."),
            (transcribe(b""), 422, "audio_refused", "The recording is empty."),
            ({"type": "input.transcribe", "params": {"audio_base64": "not base64!", "mime_type": "audio/ogg"}}, 422, "audio_refused", "not valid base64"),
            ({"type": "threads.create", "params": {"input": {"content": [{"type": "input_text", "text": "x" * 21_000}],
              "attachments": [], "inference_options": {}}}}, 413, "payload_too_large", "larger than 20000 bytes"),
        ]
        for payload, status, error, words in refused:
            answer = http.post("/chatkit", json=payload)
            assert (answer.status_code, answer.json()["error"]) == (status, error), answer.text[:300]
            assert words in answer.json()["message"], answer.text[:300]
        far_too_big = http.post("/chatkit", content=json.dumps(transcribe(b"\x00" * 60_000)), headers={"content-type": "application/json"})
        assert far_too_big.status_code == 413 and far_too_big.json()["error"] == "payload_too_large"
        assert len(fake_transcription.uploads) == sent  # nothing refused was sent to the API

        fake_transcription.add(Answer(status=400, message="Audio file might be corrupted or unsupported"))
        answer = http.post("/chatkit", json=transcribe(WEBM))
        assert (answer.status_code, answer.json()["error"]) == (422, "audio_refused")
        assert "could not use this recording: Audio file might be corrupted" in answer.json()["message"]

        fake_transcription.down = Answer(status=503, message="Service Unavailable")
        answer = http.post("/chatkit", json=transcribe(WEBM))
        assert (answer.status_code, answer.json()["error"]) == (502, "transcription_failed"), answer.text
        assert answer.json()["message"] == "The transcription service failed (HTTP 503); try again shortly."
        fake_transcription.down = Answer(delay=5, text="too late")
        answer = http.post("/chatkit", json=transcribe(WEBM))
        assert (answer.status_code, answer.json()["error"]) == (504, "transcription_failed"), answer.text
        fake_transcription.down = None

        assert http.post("/chatkit", json=transcribe(WEBM), headers={"Authorization": "Bearer forged"}).status_code == 401
        assert http.post("/chatkit", json={"type": "threads.list", "params": {"limit": 10}}).json()["data"] == []  # nothing stored


async def test_dictation_when_the_api_cannot_be_reached(settings: Settings) -> None:
    configured = settings.model_copy(update={"transcribe_api_key": SecretStr("sk-test"), "transcribe_base_url": f"http://127.0.0.1:{free_port()}/v1"})
    async with in_process(configured) as (_app, http):
        token = _token(configured)
        answer = await http.post("/chatkit", json=transcribe(WEBM), headers={"Authorization": f"Bearer {token}"})
        assert (answer.status_code, answer.json()["error"]) == (502, "transcription_failed")
        assert answer.json()["message"] == "The transcription service cannot be reached; try again shortly."


async def test_without_a_key_the_microphone_is_hidden_and_dictation_refused(settings: Settings) -> None:
    async with in_process(settings) as (_app, http):
        assert (await http.get("/api/v1/voice")).json()["transcription"] is False
        answer = await http.post("/chatkit", json=transcribe(WEBM), headers={"Authorization": f"Bearer {_token(settings)}"})
        assert (answer.status_code, answer.json()["error"]) == (400, "unsupported")
        assert "off unless TODOCHAT_TRANSCRIBE_API_KEY is set, or TODOCHAT_TRANSCRIBE=true with OPENAI_API_KEY" in answer.json()["message"]


def _token(settings: Settings) -> str:
    from todochat.api.auth import issue_token

    return issue_token("alice", settings)


def test_openai_api_key_alone_gives_no_microphone_unless_asked(server_factory, fake_transcription: FakeTranscription) -> None:  # noqa: F811
    """An Ollama-style setup (OPENAI_API_KEY is a dummy key for the chat model) has no voice; with
    TODOCHAT_TRANSCRIBE=true the same key is the transcription key."""
    dummy = server_factory(OPENAI_API_KEY="ollama", TODOCHAT_TRANSCRIBE_BASE_URL=fake_transcription.base_url)
    with httpx.Client(base_url=dummy.base_url, headers=dummy.headers(), timeout=60) as http:
        assert http.get("/api/v1/voice").json()["transcription"] is False
        refused = http.post("/chatkit", json=transcribe(WEBM))
        assert (refused.status_code, refused.json()["error"]) == (400, "unsupported"), refused.text
    assert fake_transcription.uploads == []

    asked = server_factory(OPENAI_API_KEY="sk-openai", TODOCHAT_TRANSCRIBE="true", TODOCHAT_TRANSCRIBE_BASE_URL=fake_transcription.base_url)
    with httpx.Client(base_url=asked.base_url, headers=asked.headers(), timeout=60) as http:
        assert http.get("/api/v1/voice").json()["transcription"] is True
        fake_transcription.add(Answer(text="water the plants"))
        answer = http.post("/chatkit", json=transcribe(WEBM))
        assert answer.status_code == 200 and answer.json() == {"text": "water the plants"}, answer.text
        assert fake_transcription.uploads[-1].authorization == "Bearer sk-openai"
