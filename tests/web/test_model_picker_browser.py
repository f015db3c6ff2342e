"""The model picker on the built-in page (issue 16, item 6) in Debian's Chromium against a real
``todochat serve`` offering the built-in model and an LLM served by the local fake OpenAI-compatible
server: the picker is a labelled select in the composer, the chosen model answers the message
(``inference_options.model`` reaches the right model), and with one model there is no picker."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.fake_llm import FakeLLM, FakeLLMServer, Reply
from tests.servers import LiveServer, server_env
from tests.web.helpers import open_page, send

pytestmark = [pytest.mark.browser, pytest.mark.slow]
MODELS = json.dumps(["builtin", {"id": "openai-compatible:llama3.2", "label": "Llama 3.2", "description": "On our GPU box"}])


@pytest.fixture(scope="module")
def two_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, FakeLLM]]:
    fake = FakeLLM()
    with FakeLLMServer(fake):
        data = tmp_path_factory.mktemp("models-server")
        env = server_env(f"sqlite+aiosqlite:///{data / 'web.db'}", data, TODOCHAT_MODELS=MODELS, TODOCHAT_OPENAI_BASE_URL=fake.base_url)
        server = LiveServer(env).start(timeout=60)
        yield server, fake
        server.stop()


def test_the_picked_model_answers_the_message(page: Page, two_models: tuple[LiveServer, FakeLLM], user: str) -> None:
    server, fake = two_models
    open_page(page, server, user)
    picker = page.get_by_label("Model", exact=True)
    expect(picker).to_be_visible()
    expect(picker.locator("option")).to_have_text(["Built-in (offline)", "Llama 3.2"])
    expect(picker).to_have_value("builtin")  # the default

    send(page, "add buy milk")
    expect(page.locator(".msg-assistant .bubble").last).to_contain_text("Added task 1")
    assert fake.requests == []

    picker.select_option(label="Llama 3.2")
    expect(page.locator("#model-picker-note")).to_have_text("On our GPU box")
    fake.add(Reply(text="Hello from the Llama."))
    send(page, "who are you?")
    expect(page.locator(".msg-assistant .bubble").last).to_contain_text("Hello from the Llama.")
    assert [r.body["model"] for r in fake.requests] == ["llama3.2"]
    assert "who are you?" in json.dumps(fake.requests[0].body["messages"])
    expect(picker).to_have_value("openai-compatible:llama3.2")  # the choice stays for the next message

    with httpx.Client(base_url=server.base_url, headers=server.headers(user), timeout=30) as http:
        thread = http.post("/chatkit", json={"type": "threads.list", "params": {"limit": 1}}).json()["data"][0]
        items = http.post("/chatkit", json={"type": "items.list", "params": {"thread_id": thread["id"], "order": "asc"}}).json()["data"]
    sent = [(i["content"][0]["text"], i["inference_options"].get("model")) for i in items if i["type"] == "user_message"]
    assert sent == [("add buy milk", "builtin"), ("who are you?", "openai-compatible:llama3.2")]


def test_with_one_model_there_is_no_picker(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    # the row is made once GET /api/v1/models answered (the page holds the panel's event stream
    # open, so the network is never idle to wait for)
    expect(page.locator("#model-picker-row")).to_have_count(1)  # made, and hidden: nothing to choose
    expect(page.locator("#model-picker-row")).to_be_hidden()
    send(page, "add water plants")
    expect(page.locator(".msg-assistant .bubble").last).to_contain_text("Added task 1")


CHATKIT_STUB = """
customElements.define("openai-chatkit", class extends HTMLElement {
  setOptions(options) { window.chatkitOptions = options; }
});
"""
"""Stands in for OpenAI's chatkit.js (this machine has no internet): records the page's options."""


def test_the_official_page_gives_the_component_the_models(page: Page, two_models: tuple[LiveServer, FakeLLM], user: str) -> None:
    server, _fake = two_models
    page.route("https://cdn.platform.openai.com/**", lambda route: route.fulfill(body=CHATKIT_STUB, content_type="text/javascript"))
    page.goto(f"{server.base_url}/chatkit-ui#token={server.token(user)}")
    page.wait_for_function("() => window.chatkitOptions && window.chatkitOptions.composer")
    assert page.evaluate("() => window.chatkitOptions.composer.models") == [
        {"id": "builtin", "label": "Built-in (offline)", "default": True},
        {"id": "openai-compatible:llama3.2", "label": "Llama 3.2", "default": False, "description": "On our GPU box"},
    ]
