"""Dictation in Debian's Chromium (fake microphone) against a real ``todochat serve`` whose
transcription API is a local fake speaking OpenAI's wire format: record → ``input.transcribe`` →
the text lands in the composer; without a key the microphone is hidden."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from tests.fake_llm import FakeLLMServer
from tests.fake_transcribe import Answer, FakeTranscription
from tests.servers import LiveServer, server_env
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.web.helpers import open_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Chromium with a fake microphone (a tone) that needs no permission prompt."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def voice_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, FakeTranscription]]:
    fake = FakeTranscription()
    with FakeLLMServer(fake):  # type: ignore[arg-type]
        data = tmp_path_factory.mktemp("voice-server")
        env = server_env(f"sqlite+aiosqlite:///{data / 'web.db'}", data,
                         TODOCHAT_TRANSCRIBE_API_KEY="sk-test-voice", TODOCHAT_TRANSCRIBE_BASE_URL=fake.base_url)
        server = LiveServer(env).start(timeout=60)
        yield server, fake
        server.stop()


def test_the_microphone_records_and_puts_the_transcript_in_the_composer(
    page: Page, voice_server: tuple[LiveServer, FakeTranscription], user: str
) -> None:
    server, fake = voice_server
    open_page(page, server, user)
    mic = page.get_by_role("button", name="Dictate a message")
    expect(mic).to_be_visible()
    composer = page.get_by_label("Message", exact=True)
    composer.fill("also")

    fake.add(Answer(text="remind me to pay rent on friday"))
    mic.click()
    stop = page.get_by_role("button", name="Stop recording and transcribe")
    expect(stop).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(600)  # record some of the fake microphone's tone (not a timing assertion)
    stop.click()
    expect(composer).to_have_value("also remind me to pay rent on friday")
    expect(composer).to_be_focused()
    upload = fake.uploads[-1]
    assert upload.filename == "recording.webm" and upload.content_type == "audio/webm"
    assert upload.data[:4] == b"\x1aE\xdf\xa3"  # a real WebM (EBML) recording from MediaRecorder
    assert page.locator("#messages .msg").count() == 0  # nothing sent until the person presses Enter

    fake.down = Answer(status=503, message="Service Unavailable")
    mic.click()
    page.get_by_role("button", name="Stop recording and transcribe").click()
    expect(page.locator("#error-text")).to_have_text("The transcription service failed (HTTP 503); try again shortly.")
    expect(composer).to_have_value("also remind me to pay rent on friday")  # kept as it was
    fake.down = None


def test_without_a_key_there_is_no_microphone(page: Page, web_server: LiveServer, user: str) -> None:
    with page.expect_response("**/api/v1/voice") as answer:  # the page asks whether the server transcribes
        open_page(page, web_server, user)
    assert answer.value.json()["transcription"] is False
    expect(page.locator("#composer-input")).to_be_visible()
    expect(page.locator("#mic")).to_be_hidden()
