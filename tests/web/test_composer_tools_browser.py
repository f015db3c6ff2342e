"""Composer tools on the built-in page (issue 16, item 6) in Debian's Chromium against a real
``todochat serve``: "Add task" adds what is typed; "Plan my day" runs with an empty message box."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.servers import LiveServer
from tests.web.helpers import open_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_add_task_and_plan_my_day_from_the_composer(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    composer = page.get_by_label("Message", exact=True)
    add = page.get_by_role("button", name="Add task")
    add.click()
    expect(add).to_have_attribute("aria-pressed", "true")
    expect(composer).to_have_attribute("placeholder", "The task, e.g. pay rent friday #home")
    composer.fill("groceries")  # on its own the assistant does not read this as a task
    composer.press("Enter")
    expect(page.locator("#messages[aria-busy]")).to_have_count(0)
    expect(page.locator(".msg-assistant .bubble").last).to_contain_text("Added task 1: Groceries.")
    expect(add).to_have_attribute("aria-pressed", "false")  # one message per choice
    expect(composer).to_have_attribute("placeholder", "Message todochat…")

    with httpx.Client(base_url=web_server.base_url, headers=web_server.headers(user), timeout=30) as http:
        assert http.post("/api/v1/tasks", json={"title": "Pay rent", "due": "2026-11-23"}).status_code == 201
    page.get_by_role("button", name="Plan my day").click()
    composer.press("Enter")  # an empty message box is fine for a view
    expect(page.locator("#messages[aria-busy]")).to_have_count(0)
    expect(page.locator(".msg-user .bubble").last).to_contain_text("Plan my day")
    expect(page.locator(".msg-assistant .bubble").last).to_have_text("todochat: 1 task for today. Done and Delete are on each row.")
    expect(page.locator(".msg-widget").last).to_contain_text("Pay rent")
    expect(page.locator(".msg-widget").last).not_to_contain_text("Groceries")
