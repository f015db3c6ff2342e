"""Voice is opt-in (config.py ``transcribe``): ``TODOCHAT_TRANSCRIBE_API_KEY`` turns it on,
``OPENAI_API_KEY`` only with ``TODOCHAT_TRANSCRIBE=true`` (an Ollama setup's dummy key must not give
a microphone whose recordings fail), ``TODOCHAT_TRANSCRIBE=false`` never. Read from the real
environment by pydantic-settings, as the server reads it."""

from __future__ import annotations

import pytest

from todochat.config import Settings


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({}, None),
        ({"OPENAI_API_KEY": "ollama"}, None),  # the dummy key of a local chat model: no voice
        ({"OPENAI_API_KEY": "sk-openai", "TODOCHAT_TRANSCRIBE": "true"}, "sk-openai"),
        ({"TODOCHAT_TRANSCRIBE_API_KEY": "sk-voice"}, "sk-voice"),
        ({"TODOCHAT_TRANSCRIBE_API_KEY": "sk-voice", "OPENAI_API_KEY": "ollama"}, "sk-voice"),
        ({"TODOCHAT_TRANSCRIBE_API_KEY": "sk-voice", "OPENAI_API_KEY": "sk-openai", "TODOCHAT_TRANSCRIBE": "true"}, "sk-voice"),
        ({"TODOCHAT_TRANSCRIBE_API_KEY": "sk-voice", "TODOCHAT_TRANSCRIBE": "false"}, None),
        ({"OPENAI_API_KEY": "sk-openai", "TODOCHAT_TRANSCRIBE": "false"}, None),
        ({"TODOCHAT_TRANSCRIBE": "true"}, None),  # asked for, but no key at all
        ({"TODOCHAT_TRANSCRIBE_API_KEY": ""}, None),
    ],
)
def test_when_dictation_is_offered(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], key: str | None) -> None:
    for name in ("OPENAI_API_KEY", "TODOCHAT_TRANSCRIBE_API_KEY", "TODOCHAT_TRANSCRIBE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.transcription_key() == key
    assert settings.transcription_enabled() is (key is not None)
