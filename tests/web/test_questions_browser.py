"""Structured questions in the built-in page, in Debian's Chromium against a real ``todochat serve``
(built-in model): "Which one?" shows its choices as buttons, a click answers it with
``threads.add_structured_input`` and changes exactly that task, and a reload shows it answered."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.servers import LiveServer
from tests.web.helpers import open_page, send

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def tasks_of(server: LiveServer, user: str) -> dict[str, dict[str, Any]]:
    response = httpx.get(f"{server.base_url}/api/v1/tasks", params={"status": "all"}, headers=server.headers(user), timeout=10)
    return {t["title"]: t for t in response.json()["tasks"]}


def test_a_question_is_answered_by_a_click_and_stays_answered(page: Page, web_server: LiveServer, user: str) -> None:
    for title in ("Call the dentist", "Pay the dentist bill"):
        r = httpx.post(f"{web_server.base_url}/api/v1/tasks", json={"title": title}, headers=web_server.headers(user), timeout=10)
        assert r.status_code == 201, r.text
    open_page(page, web_server, user)
    send(page, "complete dentist")
    question = page.locator(".msg-question").last
    expect(question.get_by_role("group", name="Which one do you mean?")).to_be_visible()
    options = question.locator(".question-option")
    expect(options).to_have_count(2)
    expect(options.nth(1)).to_have_text("Task 2: Pay the dentist bill")

    options.nth(1).click()
    expect(page.locator("#messages[aria-busy]")).to_have_count(0)
    expect(page.locator(".msg-assistant .bubble").last).to_contain_text("Pay the dentist bill")
    expect(question.locator(".question-answer")).to_have_text("Answered: Task 2: Pay the dentist bill")
    expect(question.locator(".question-option").first).to_be_disabled()
    tasks = tasks_of(web_server, user)
    assert tasks["Pay the dentist bill"]["completed"] is True
    assert tasks["Call the dentist"]["completed"] is False

    page.reload()
    question = page.locator(".msg-question").last
    expect(question.locator(".question-answer")).to_have_text("Answered: Task 2: Pay the dentist bill")
    expect(question.locator(".question-chosen")).to_have_text("Task 2: Pay the dentist bill")
    expect(question.locator(".question-skip")).to_have_count(0)
    assert tasks_of(web_server, user)["Call the dentist"]["completed"] is False
