"""What to tell the user when the model provider fails: one sentence, and whether retrying helps."""

from __future__ import annotations

from dataclasses import dataclass

import openai
from agents.exceptions import ModelBehaviorError

SAVED = "Your message is saved: retry in a moment."


@dataclass(frozen=True)
class ModelFailure:
    """A provider failure as shown in the ChatKit error event.

    Attributes:
        message: a sentence safe to show (no key, no provider body beyond its status).
        allow_retry: whether ChatKit should offer "retry" (false when only a setting fix helps).
    """

    message: str
    allow_retry: bool


def describe_model_failure(exc: BaseException) -> ModelFailure:
    """Describe an exception raised while the model answered (after the client's own retries).

    Rules (openai client exceptions, ``openai._exceptions``):
    401/403 → the key was refused (no retry: a setting must change); 404 → unknown model or
    wrong base URL (no retry); 429 → rate limited; other statuses → the provider's error;
    timeouts → no answer in time; connection errors (refused, or dropped mid-stream) → the connection failed; a malformed answer → the model misbehaved.

    Args:
        exc: the exception from the Agents SDK stream (searched along ``__cause__``/``__context__``).

    Returns:
        The :class:`ModelFailure` to raise as a ``CustomStreamError``.
    """
    error = _find(exc)
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return ModelFailure(
            f"The model provider refused the API key (HTTP {error.status_code}): check OPENAI_API_KEY or GEMINI_API_KEY.", False
        )
    if isinstance(error, openai.NotFoundError):
        return ModelFailure(
            "The model provider does not know this model or URL (HTTP 404): check TODOCHAT_MODEL and the base URL.",
            False,
        )
    if isinstance(error, openai.RateLimitError):
        return ModelFailure(f"The model provider is rate limiting requests (HTTP 429). {SAVED}", True)
    if isinstance(error, openai.APIStatusError):
        return ModelFailure(f"The model provider failed (HTTP {error.status_code}). {SAVED}", True)
    if isinstance(error, openai.APITimeoutError):
        return ModelFailure(f"The model provider did not answer in time. {SAVED}", True)
    if isinstance(error, openai.APIConnectionError):
        return ModelFailure(f"The connection to the model provider failed. {SAVED}", True)
    if isinstance(error, ModelBehaviorError):
        return ModelFailure(f"The model gave an answer the assistant could not use. {SAVED}", True)
    return ModelFailure(f"The assistant could not answer right now (the model failed). {SAVED}", True)


def _find(exc: BaseException) -> BaseException:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, openai.APIError | ModelBehaviorError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return exc
