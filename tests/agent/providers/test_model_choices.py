"""``TODOCHAT_MODELS`` (the model picker's list): read from the environment as JSON, the built-in model
and ``TODOCHAT_MODEL`` always offered, exactly one default, malformed lists refused naming the
setting, and an LLM entry offered only when its provider is configured (``select_models``)."""

from __future__ import annotations

from datetime import datetime

import pytest
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    InferenceOptions,
    UserMessageItem,
    UserMessageTextContent,
)
from pydantic import ValidationError

from todochat.agent.models import select_models
from todochat.agent.models.builtin import BuiltinModel
from todochat.agent.models.chat_completions import CompatibleChatCompletionsModel
from todochat.chatkit.model_choice import ModelChoices
from todochat.config import Settings
from todochat.errors import ConfigurationError
from todochat.errors import ValidationError as TodoValidationError


def make(**values) -> Settings:
    return Settings(jwt_secret="s" * 40, **values)


def offered(settings: Settings) -> list[tuple[str, str, bool]]:
    return [(c.id, c.label, c.default) for c in settings.offered_models()]


def test_by_default_only_the_builtin_model_and_an_llm_when_one_is_configured() -> None:
    assert offered(make()) == [("builtin", "Built-in (offline)", True)]
    assert offered(make(model="gemini:gemini-2.5-flash")) == [
        ("gemini:gemini-2.5-flash", "gemini-2.5-flash", True), ("builtin", "Built-in (offline)", False)]


def test_the_list_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODOCHAT_MODELS", '["openai-compatible:llama3.2", {"id": "builtin", "label": "Quick", "description": "offline"}]')
    monkeypatch.setenv("TODOCHAT_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    settings = make()
    assert offered(settings) == [("openai-compatible:llama3.2", "llama3.2", False), ("builtin", "Quick", True)]
    models = select_models(settings)
    assert list(models) == ["openai-compatible:llama3.2", "builtin"]
    assert isinstance(models["builtin"], BuiltinModel) and isinstance(models["openai-compatible:llama3.2"], CompatibleChatCompletionsModel)
    assert models["openai-compatible:llama3.2"].model == "llama3.2"


def test_an_entry_marked_default_becomes_the_model() -> None:
    settings = make(models=[{"id": "openai-compatible:qwen3", "default": True}], openai_base_url="http://127.0.0.1:9/v1")
    assert settings.model == "openai-compatible:qwen3"
    assert offered(settings) == [("openai-compatible:qwen3", "qwen3", True), ("builtin", "Built-in (offline)", False)]
    mine = BuiltinModel()
    assert select_models(settings, default=mine)["openai-compatible:qwen3"] is mine  # a test's model stands in for the default


@pytest.mark.parametrize(("values", "words"), [
    ({"models": ["gpt-4"]}, "'gpt-4' is not a model id"),
    ({"models": ["unknown:x"]}, "is not a model id"),
    ({"models": ["builtin", " builtin"]}, "names a model twice"),
    ({"models": [{"id": "builtin", "default": True}, {"id": "gemini:g", "default": True}]}, "more than one model as default"),
    ({"model": "builtin", "models": [{"id": "gemini:g", "default": True}]}, "TODOCHAT_MODEL is 'builtin'"),
])
def test_a_malformed_list_is_refused_naming_the_setting(values: dict, words: str) -> None:
    with pytest.raises(ValidationError, match="TODOCHAT_MODELS") as caught:
        make(**values)
    assert words in str(caught.value)


def test_an_llm_entry_without_its_provider_configured_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        select_models(make(models=["builtin", "openai:gpt-4.1-mini"]))
    with pytest.raises(ConfigurationError, match="TODOCHAT_OPENAI_BASE_URL"):
        select_models(make(models=["openai-compatible:llama3.2"]))


def test_a_turn_runs_on_the_model_its_last_user_message_chose() -> None:
    settings = make(models=["builtin", "openai-compatible:llama3.2"], openai_base_url="http://127.0.0.1:9/v1")
    choices = ModelChoices(tuple(settings.offered_models()), select_models(settings))
    now = datetime(2026, 11, 23, 9)  # noqa: DTZ001 — chatkit's naive local stamps

    def user(item_id: str, model: str | None) -> UserMessageItem:
        return UserMessageItem(id=item_id, thread_id="t", created_at=now, content=[UserMessageTextContent(text="hi")],
                               attachments=[], inference_options=InferenceOptions(model=model))

    reply = AssistantMessageItem(id="a", thread_id="t", created_at=now, content=[AssistantMessageContent(text="Which one?")])
    llama = choices.models["openai-compatible:llama3.2"]
    assert choices.for_turn([user("1", "openai-compatible:llama3.2")]) is llama
    assert choices.for_turn([user("1", "openai-compatible:llama3.2"), reply]) is llama  # an answer to its question
    assert choices.for_turn([user("1", "openai-compatible:llama3.2"), reply, user("2", None)]) is choices.models["builtin"]
    assert choices.default_id == "builtin" and choices.for_turn([]) is choices.models["builtin"]
    with pytest.raises(TodoValidationError, match="does not offer the model 'gemini:x'") as caught:
        choices.for_turn([user("3", "gemini:x")])
    assert caught.value.field == "inference_options.model"
