"""A turn's steps on the built-in page (issue 16, item 5) in Debian's Chromium against a real
``todochat serve``: a turn that changes tasks shows them as a collapsed list that opens on a click,
and they are still there after a reload (the workflow item is stored in the thread)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.servers import LiveServer
from tests.web.helpers import open_page, send

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def check_steps(page: Page) -> None:
    steps = page.locator(".msg-workflow details.workflow")
    expect(steps).to_have_count(1)
    expect(steps.locator("summary")).to_have_text("2 changes")
    expect(steps).not_to_have_attribute("open", re.compile(".*"))  # collapsed when the turn is done
    expect(steps.locator("li").first).not_to_be_visible()
    steps.locator("summary").click()
    expect(steps.locator("li")).to_have_count(2)
    expect(steps.locator("li").first).to_have_text(re.compile(r"^Added 'Pay rent' — due Fri "))
    expect(steps.locator("li").nth(1)).to_have_text("Added 'Call mom'")


def test_steps_show_collapsed_and_survive_a_reload(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    send(page, "add pay rent on friday and call mom")
    check_steps(page)
    send(page, "show my tasks")
    expect(page.locator(".msg-workflow")).to_have_count(1)  # a list shows no steps

    page.reload()
    check_steps(page)
