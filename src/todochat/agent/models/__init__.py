"""Model selection by ``TODOCHAT_MODEL``: builtin | openai:<m> | openai-compatible:<m> | gemini:<m>."""

from __future__ import annotations

import os

from agents import Model, OpenAIChatCompletionsModel, OpenAIResponsesModel
from openai import AsyncOpenAI

from todochat.config import Settings
from todochat.errors import ConfigurationError

GEMINI_BASE_URL = "https://generativelanguage.googleapis.com/v1beta/openai/"


def select_model(settings: Settings) -> Model:
    """Build the model named by ``settings.model``.

    ``builtin`` is the offline model; ``openai:<model>`` uses the Responses API with
    ``OPENAI_API_KEY``; ``openai-compatible:<model>`` uses Chat Completions at
    ``TODOCHAT_OPENAI_BASE_URL`` (Ollama, vLLM, llama.cpp, LiteLLM); ``gemini:<model>`` uses
    Google's OpenAI-compatible endpoint with ``GEMINI_API_KEY``.

    Raises:
        ConfigurationError: unknown provider, or a missing key/base URL (message names the setting).
    """
    spec = settings.model.strip()
    if spec == "builtin":
        from todochat.agent.models.builtin import BuiltinModel

        return BuiltinModel()
    provider, _, name = spec.partition(":")
    if not name:
        raise ConfigurationError(
            f"TODOCHAT_MODEL={spec!r}: use builtin, openai:<model>, openai-compatible:<model> or gemini:<model>."
        )
    retries = settings.model_max_retries
    if provider == "openai":
        key = os.environ.get("OPENAI_API_KEY")
        if not key:
            raise ConfigurationError("TODOCHAT_MODEL=openai:… needs OPENAI_API_KEY.")
        client = AsyncOpenAI(api_key=key, base_url=settings.openai_base_url or None, max_retries=retries)
        return OpenAIResponsesModel(model=name, openai_client=client)
    if provider == "openai-compatible":
        if not settings.openai_base_url:
            raise ConfigurationError("TODOCHAT_MODEL=openai-compatible:… needs TODOCHAT_OPENAI_BASE_URL.")
        client = AsyncOpenAI(
            api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
            base_url=settings.openai_base_url,
            max_retries=retries,
        )
        return OpenAIChatCompletionsModel(model=name, openai_client=client)
    if provider == "gemini":
        key = os.environ.get("GEMINI_API_KEY")
        if not key:
            raise ConfigurationError("TODOCHAT_MODEL=gemini:… needs GEMINI_API_KEY.")
        client = AsyncOpenAI(api_key=key, base_url=settings.openai_base_url or GEMINI_BASE_URL, max_retries=retries)
        return OpenAIChatCompletionsModel(model=name, openai_client=client)
    raise ConfigurationError(f"TODOCHAT_MODEL: unknown provider {provider!r}.")
