"""Row buttons as ``threads.sync_custom_action`` and live task widgets (issue 16, item 3) in
Debian's Chromium against a real ``todochat serve``."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.servers import LiveServer
from tests.web.helpers import open_page, send

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def rest(server: LiveServer, user: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers=server.headers(user), timeout=30)


def tasks_of(server: LiveServer, user: str) -> dict[str, dict[str, Any]]:
    with rest(server, user) as client:
        return {t["title"]: t for t in client.get("/api/v1/tasks", params={"status": "all"}).json()["tasks"]}


def test_row_buttons_sync_and_widgets_show_current_state_after_reload(page: Page, web_server: LiveServer, user: str) -> None:
    with rest(web_server, user) as client:
        for title in ("Buy stamps", "Post the letter"):
            assert client.post("/api/v1/tasks", json={"title": title}).status_code == 201
    requests: list[str] = []
    page.on("request", lambda r: requests.append(json.loads(r.post_data or "{}").get("type", "")) if r.url.endswith("/chatkit") else None)
    open_page(page, web_server, user)
    send(page, "add water the plants")  # an "Added" widget: task 3
    send(page, "show my tasks")  # a list widget: tasks 1, 2, 3
    listing = page.locator(".msg-widget").nth(1)  # (a later turn adds more widgets)
    added = page.locator(".msg-widget").first
    expect(listing).to_contain_text("3. Water the plants")

    # Done: one sync request, the row replaced in place with focus on its own control
    requests.clear()
    listing.locator(".ck-listitem", has_text="Buy stamps").get_by_role("button", name="Done").click()
    reopen = listing.locator(".ck-listitem", has_text="Buy stamps").get_by_role("button", name="Reopen")
    expect(reopen).to_be_focused()
    assert requests[0] == "threads.sync_custom_action"  # no stream, no model turn
    assert set(requests) <= {"threads.sync_custom_action", "items.list"}, requests  # (+ the other widgets re-read)
    assert tasks_of(web_server, user)["Buy stamps"]["completed"] is True
    listing.locator(".ck-listitem", has_text="Water the plants").get_by_role("button", name="Done").click()
    expect(listing.locator(".ck-listitem", has_text="Water the plants").get_by_role("button", name="Reopen")).to_be_focused()
    assert "threads.custom_action" not in requests
    # the same task in the older "Added" widget follows without a reload; focus stays where it was
    expect(added.locator(".ck-listitem", has_text="Water the plants").get_by_role("button", name="Reopen")).to_be_visible()
    expect(listing.locator(".ck-listitem", has_text="Water the plants").get_by_role("button", name="Reopen")).to_be_focused()

    # reload: every widget shows the current state, the older "Added" widget included
    page.reload()
    expect(page.locator(".msg-widget")).to_have_count(2)
    expect(listing.locator(".ck-listitem", has_text="Buy stamps").get_by_role("button", name="Reopen")).to_be_visible()
    expect(added.locator(".ck-listitem", has_text="Water the plants").get_by_role("button", name="Reopen")).to_be_visible()

    # changes from another front: REST rename + delete, then reload
    with rest(web_server, user) as client:
        assert client.patch("/api/v1/tasks/3", json={"title": "Water the ferns"}).status_code == 200
        assert client.delete("/api/v1/tasks/2").status_code in (200, 204)
    page.reload()
    expect(page.locator(".msg-widget")).to_have_count(2)
    gone = listing.locator(".ck-listitem", has_text="Post the letter")
    expect(gone).to_contain_text("Deleted ·")
    expect(gone.get_by_role("button", name="Done")).to_have_count(0)
    expect(added.locator(".ck-listitem").first).to_contain_text("3. Water the ferns")
    expect(listing.locator(".ck-listitem", has_text="3. Water the ferns")).to_have_count(1)

    # a chat turn that changes a task: the earlier widgets follow when it ends
    send(page, "reopen task 3")
    expect(added.locator(".ck-listitem", has_text="Water the ferns").get_by_role("button", name="Done")).to_be_visible()
    expect(listing.locator(".ck-listitem", has_text="Water the ferns").get_by_role("button", name="Done")).to_be_visible()

    # Delete → "Deleted · Undo", focus on Undo; Undo brings the task back
    listing.locator(".ck-listitem", has_text="Buy stamps").get_by_role("button", name="Delete").click()
    row = listing.locator(".ck-listitem", has_text="Buy stamps")
    expect(row).to_contain_text("Deleted ·Undo")
    expect(row.get_by_role("button", name="Undo")).to_be_focused()
    assert "Buy stamps" not in tasks_of(web_server, user)
    row.get_by_role("button", name="Undo").click()
    expect(row.get_by_role("button", name="Reopen")).to_be_focused()
    assert tasks_of(web_server, user)["Buy stamps"]["completed"] is True
