"""Model selection by ``TODOCHAT_MODEL``: builtin | openai:<m> | openai-compatible:<m> | gemini:<m>."""

from __future__ import annotations

import os
from urllib.parse import urlparse

from agents import Model, OpenAIResponsesModel
from openai import AsyncOpenAI

from todochat.agent.models.chat_completions import CompatibleChatCompletionsModel
from todochat.config import Settings
from todochat.errors import ConfigurationError

PROVIDERS = ("openai", "openai-compatible", "gemini")


def select_model(settings: Settings) -> Model:
    """Build the model named by ``settings.model``.

    - ``builtin``: the offline model.
    - ``openai:<model>``: the Responses API with ``OPENAI_API_KEY``, at ``TODOCHAT_OPENAI_BASE_URL``
      when set (a proxy, or a test server) else api.openai.com.
    - ``openai-compatible:<model>``: Chat Completions at ``TODOCHAT_OPENAI_BASE_URL`` (Ollama, vLLM,
      llama.cpp, LiteLLM); ``OPENAI_API_KEY`` is sent when set (most local servers ignore it).
    - ``gemini:<model>``: Chat Completions at Google's OpenAI-compatible endpoint
      (``TODOCHAT_GEMINI_BASE_URL`` overrides it) with ``GEMINI_API_KEY``.

    Every provider's client retries 408/409/429/5xx, connection errors and timeouts
    (``settings.model_timeout_seconds`` without a byte from the provider) up to
    ``settings.model_max_retries`` times with exponential backoff (0.5 s doubling to 8 s, with
    jitter, or the provider's ``Retry-After``) — the openai client's own retry loop.
    Chat Completions providers get :class:`CompatibleChatCompletionsModel` (no ``developer`` role).

    Raises:
        ConfigurationError: unknown provider, empty model name, missing key or base URL, or a
            base URL that is not http(s) — the message names the setting.
    """
    spec = settings.model.strip()
    if spec == "builtin":
        from todochat.agent.models.builtin import BuiltinModel

        return BuiltinModel()
    provider, _, name = spec.partition(":")
    name = name.strip()
    if provider not in PROVIDERS or not name:
        raise ConfigurationError(
            f"TODOCHAT_MODEL={spec!r}: use builtin, openai:<model>, openai-compatible:<model> or gemini:<model>."
        )
    retries, timeout = settings.model_max_retries, settings.model_timeout_seconds
    if provider == "openai":
        key = _required_env("OPENAI_API_KEY", spec)
        base_url = _base_url("TODOCHAT_OPENAI_BASE_URL", settings.openai_base_url) if settings.openai_base_url else None
        client = AsyncOpenAI(api_key=key, base_url=base_url, max_retries=retries, timeout=timeout)
        return OpenAIResponsesModel(model=name, openai_client=client)
    if provider == "openai-compatible":
        if not settings.openai_base_url:
            raise ConfigurationError(
                f"TODOCHAT_MODEL={spec} needs TODOCHAT_OPENAI_BASE_URL (e.g. http://localhost:11434/v1 for Ollama)."
            )
        client = AsyncOpenAI(
            api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
            base_url=_base_url("TODOCHAT_OPENAI_BASE_URL", settings.openai_base_url),
            max_retries=retries, timeout=timeout,
        )
        return CompatibleChatCompletionsModel(model=name, openai_client=client)
    key = _required_env("GEMINI_API_KEY", spec)
    client = AsyncOpenAI(
        api_key=key, base_url=_base_url("TODOCHAT_GEMINI_BASE_URL", settings.gemini_base_url), max_retries=retries, timeout=timeout
    )
    return CompatibleChatCompletionsModel(model=name, openai_client=client)


def _required_env(name: str, spec: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"TODOCHAT_MODEL={spec} needs {name} (set it in the environment).")
    return value


def _base_url(setting: str, value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigurationError(f"{setting}={value!r} is not an http(s) URL.")
    return value


def select_models(settings: Settings, default: Model | None = None) -> dict[str, Model]:
    """Build every model ``settings`` offers (:meth:`Settings.offered_models`), by id.

    Args:
        settings: ``TODOCHAT_MODEL`` and ``TODOCHAT_MODELS``.
        default: a model to use for ``TODOCHAT_MODEL``'s id instead of building it (tests, evals).

    Returns:
        ``{id: model}`` in the offered order; the built-in model is always there.

    Raises:
        ConfigurationError: as :func:`select_model` for any offered id (e.g. an LLM entry whose
            provider has no key or base URL configured).
    """
    built: dict[str, Model] = {}
    for choice in settings.offered_models():
        if choice.default and default is not None:
            built[choice.id] = default
        else:
            built[choice.id] = select_model(settings.model_copy(update={"model": choice.id}))
    return built
