"""``describe_model_failure``: each kind of provider failure gets its own sentence and retry advice."""

from __future__ import annotations

import httpx2
import openai
import pytest
from agents.exceptions import ModelBehaviorError

from todochat.agent.models.failures import describe_model_failure

REQUEST = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def status_error(cls: type[openai.APIStatusError], status: int) -> openai.APIStatusError:
    return cls("provider said no", response=httpx2.Response(status, request=REQUEST), body=None)


@pytest.mark.parametrize(
    ("error", "start", "allow_retry"),
    [
        (status_error(openai.AuthenticationError, 401), "The model provider refused the API key (HTTP 401)", False),
        (status_error(openai.PermissionDeniedError, 403), "The model provider refused the API key (HTTP 403)", False),
        (status_error(openai.NotFoundError, 404), "The model provider does not know this model or URL", False),
        (status_error(openai.RateLimitError, 429), "The model provider is rate limiting requests (HTTP 429).", True),
        (status_error(openai.InternalServerError, 502), "The model provider failed (HTTP 502).", True),
        (openai.APITimeoutError(request=REQUEST), "The model provider did not answer in time.", True),
        (openai.APIConnectionError(request=REQUEST), "The connection to the model provider failed.", True),
        (ModelBehaviorError("bad tool call JSON"), "The model gave an answer the assistant could not use.", True),
        (RuntimeError("anything else"), "The assistant could not answer right now", True),
    ],
)
def test_each_failure_has_its_sentence(error, start, allow_retry):
    failure = describe_model_failure(error)
    assert failure.message.startswith(start)
    assert failure.allow_retry is allow_retry
    assert ("Your message is saved" in failure.message) is allow_retry
    assert "provider said no" not in failure.message  # the provider's body is not shown


def test_the_cause_chain_is_searched():
    try:
        try:
            raise status_error(openai.RateLimitError, 429)
        except openai.RateLimitError as inner:
            raise RuntimeError("wrapped by the runner") from inner
    except RuntimeError as outer:
        assert describe_model_failure(outer).message.startswith("The model provider is rate limiting")
