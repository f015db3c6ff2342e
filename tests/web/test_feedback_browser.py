"""👍/👎 on the built-in page (issue 16, item 6) in Debian's Chromium against a real ``todochat
serve``: a click sends ChatKit ``items.feedback``, the server stores the latest choice per item."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.servers import LiveServer
from tests.web.helpers import open_page, send

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def stored_feedback(server: LiveServer, user: str) -> list[tuple[str, str]]:
    """``(item_id, kind)`` of the user's stored feedback, from their data export."""
    export = httpx.get(f"{server.base_url}/api/v1/me/export", headers=server.headers(user), timeout=30).json()
    rows: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "kind" in node and "item_id" in node:
                rows.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(export["data"])
    return [(row["item_id"], row["kind"]) for row in rows]


def test_thumbs_up_then_down_stores_the_latest_feedback(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    send(page, "hi")
    answer = page.locator(".msg-assistant:has(> .feedback)").last
    item_id = answer.get_attribute("data-item-id")
    assert item_id
    good = answer.get_by_role("button", name="Good answer")
    bad = answer.get_by_role("button", name="Bad answer")
    expect(good).to_have_attribute("aria-pressed", "false")

    good.click()
    expect(answer.get_by_role("status")).to_have_text("Thanks for the feedback.")
    expect(good).to_have_attribute("aria-pressed", "true")
    assert stored_feedback(web_server, user) == [(item_id, "positive")]

    bad.click()
    expect(bad).to_have_attribute("aria-pressed", "true")
    expect(good).to_have_attribute("aria-pressed", "false")
    for _ in range(100):  # poll (generous): the click's request may still be on its way
        if stored_feedback(web_server, user) == [(item_id, "negative")]:
            break
        page.wait_for_timeout(100)
    assert stored_feedback(web_server, user) == [(item_id, "negative")]  # one row per item: the latest choice

    page.reload()  # the buttons come back with the history (not with the choice: ChatKit items do not carry it)
    expect(page.locator(f'[data-item-id="{item_id}"]').get_by_role("button", name="Good answer")).to_be_visible()
