"""``select_model``: each TODOCHAT_MODEL spec builds the right model and client, and a missing or
malformed setting is a ConfigurationError naming it — also as ``todochat serve``'s one-line exit."""

from __future__ import annotations

import subprocess

import pytest
from agents import OpenAIResponsesModel
from tests.servers import TODOCHAT, server_env
from typer.testing import CliRunner

from todochat import cli
from todochat.agent.models import select_model
from todochat.agent.models.chat_completions import CompatibleChatCompletionsModel
from todochat.config import Settings, get_settings
from todochat.errors import ConfigurationError


def make(**values) -> Settings:
    return Settings(jwt_secret="s" * 40, **values)


def test_builtin_needs_nothing():
    from todochat.agent.models.builtin import BuiltinModel

    assert isinstance(select_model(make(model="builtin")), BuiltinModel)


def test_openai_uses_the_responses_api_with_retries(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    model = select_model(make(model="openai:gpt-4.1-mini", model_max_retries=5))
    assert isinstance(model, OpenAIResponsesModel)
    assert model.model == "gpt-4.1-mini"
    assert str(model._client.base_url) == "https://api.openai.com/v1/"
    assert model._client.max_retries == 5 and model._client.api_key == "sk-test"
    assert model._client.timeout == 120.0
    proxied = select_model(make(model="openai:gpt-4.1", openai_base_url="http://proxy.local:4000/v1"))
    assert str(proxied._client.base_url) == "http://proxy.local:4000/v1/"


def test_openai_compatible_uses_chat_completions_at_the_base_url():
    model = select_model(make(model="openai-compatible:llama3.2", openai_base_url="http://localhost:11434/v1"))
    assert isinstance(model, CompatibleChatCompletionsModel)
    assert (model.model, str(model._client.base_url)) == ("llama3.2", "http://localhost:11434/v1/")
    assert model._client.api_key == "not-needed" and model._client.max_retries == 3


def test_gemini_uses_googles_endpoint_unless_overridden(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "gm-key")
    model = select_model(make(model="gemini:gemini-2.5-flash"))
    assert isinstance(model, CompatibleChatCompletionsModel)
    assert str(model._client.base_url) == "https://generativelanguage.googleapis.com/v1beta/openai/"
    assert model._client.api_key == "gm-key"
    local = select_model(make(model="gemini:gemini-2.5-flash", gemini_base_url="http://127.0.0.1:9/v1beta/openai/"))
    assert str(local._client.base_url) == "http://127.0.0.1:9/v1beta/openai/"


@pytest.mark.parametrize(
    ("values", "env", "names"),
    [
        ({"model": "openai:gpt-4.1"}, {}, "needs OPENAI_API_KEY"),
        ({"model": "openai:gpt-4.1"}, {"OPENAI_API_KEY": "  "}, "needs OPENAI_API_KEY"),
        ({"model": "openai:gpt-4.1", "openai_base_url": "localhost:4000"}, {"OPENAI_API_KEY": "k"},
         "TODOCHAT_OPENAI_BASE_URL='localhost:4000' is not an http(s) URL"),
        ({"model": "openai-compatible:llama3.2"}, {}, "needs TODOCHAT_OPENAI_BASE_URL"),
        ({"model": "gemini:gemini-2.5-flash"}, {"OPENAI_API_KEY": "k"}, "needs GEMINI_API_KEY"),
        ({"model": "gemini:gemini-2.5-flash", "gemini_base_url": "ftp://x"}, {"GEMINI_API_KEY": "k"},
         "TODOCHAT_GEMINI_BASE_URL"),
        ({"model": "anthropic:claude"}, {}, "TODOCHAT_MODEL='anthropic:claude': use builtin, openai:<model>"),
        ({"model": "openai:"}, {"OPENAI_API_KEY": "k"}, "TODOCHAT_MODEL='openai:'"),
        ({"model": "gpt-4.1"}, {}, "TODOCHAT_MODEL='gpt-4.1'"),
    ],
)
def test_missing_or_malformed_settings_are_named(monkeypatch, values, env, names):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigurationError) as caught:
        select_model(make(**values))
    assert names in caught.value.message


SERVE_CASES = [
    ({"TODOCHAT_MODEL": "gemini:gemini-2.5-flash"},
     "error: TODOCHAT_MODEL=gemini:gemini-2.5-flash needs GEMINI_API_KEY (set it in the environment)."),
    ({"TODOCHAT_MODEL": "openai-compatible:qwen2.5"},
     "error: TODOCHAT_MODEL=openai-compatible:qwen2.5 needs TODOCHAT_OPENAI_BASE_URL (e.g. "
     "http://localhost:11434/v1 for Ollama)."),
]


@pytest.mark.parametrize(("env", "line"), SERVE_CASES)
def test_serve_exits_non_zero_with_one_line(tmp_path, monkeypatch, env, line):
    """In process (fast); the real process is checked below. Logging set-up is skipped so the
    test leaves the root logger alone — the line must stand alone at the default INFO level."""
    monkeypatch.setattr("todochat.logging.configure_logging", lambda *_args, **_kwargs: None)
    for key, value in {"TODOCHAT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}", **env}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli.app, ["serve", "--port", "9"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert result.stderr.strip() == line
    assert result.stdout == ""
    assert not (tmp_path / "serve.db").exists()  # refused before migrating


@pytest.mark.slow
def test_serve_process_exits_non_zero_with_one_line(tmp_path):
    env, line = SERVE_CASES[0]
    environment = server_env(f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}", tmp_path / "data", **env)
    environment["TODOCHAT_LOG_LEVEL"] = "INFO"
    done = subprocess.run([TODOCHAT, "serve", "--port", "9"], env=environment, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr.strip(), done.stdout) == (2, line, "")
