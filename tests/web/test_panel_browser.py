"""The task panel beside the chat (issue 16, item 4) in Debian's Chromium against a real
``todochat serve``: it follows a change made over REST (the SSE stream ``GET /api/v1/events``),
completes by its checkbox, renames in place, moves a task to another list by dragging it onto the list and by the
keyboard's "Move to" menu, undoes a move, and passes axe with tasks and subtasks shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.servers import LiveServer
from tests.web.helpers import open_page, send
from tests.web.test_page_fixes import axe_script  # noqa: F401 (fixture: axe-core from npm)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def rest(server: LiveServer, user: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url + "/api/v1", headers=server.headers(user), timeout=30)


def task(server: LiveServer, user: str, number: int) -> dict[str, Any]:
    with rest(server, user) as http:
        return http.get(f"/tasks/{number}").json()  # type: ignore[no-any-return]


def panel_row(page: Page, title: str) -> Any:
    return page.locator("#panel-tasks .panel-task", has_text=title)


def pick(page: Page, name: str) -> Any:
    return page.locator("#panel-nav .panel-pick", has=page.locator(".panel-pick-name", has_text=name))


def test_the_task_panel_updates_after_a_rest_change(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    panel = page.get_by_role("complementary", name="Tasks")
    expect(panel.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.locator("#panel-empty")).to_be_visible()
    expect(pick(page, "Today")).to_have_attribute("aria-current", "true")

    # a change from another front (REST, no page involved): the panel shows it without a reload
    with rest(web_server, user) as http:
        assert http.post("/tasks", json={"title": "Water the plants", "due": "2026-11-23"}).status_code == 201
    expect(panel_row(page, "Water the plants")).to_be_visible()
    expect(panel_row(page, "Water the plants")).to_contain_text("due today")
    expect(pick(page, "Today").locator(".panel-count")).to_have_text("1")
    expect(pick(page, "Inbox").locator(".panel-count")).to_have_text("1")

    with rest(web_server, user) as http:
        assert http.patch("/tasks/1", json={"title": "Water the ferns"}).status_code == 200
    expect(panel_row(page, "Water the ferns")).to_be_visible()

    # the checkbox completes it (REST sees it done) and it leaves the open view
    page.get_by_label("Complete “Water the ferns”").check()
    expect(panel_row(page, "Water the ferns")).to_have_count(0)
    assert task(web_server, user, 1)["completed"] is True
    expect(page.locator("#panel-status")).to_contain_text("Completed “Water the ferns”")

    # a chat turn's change shows too
    send(page, "add buy bread today")
    expect(panel_row(page, "Buy bread")).to_be_visible()


def test_a_task_moves_between_lists_by_drag_and_by_keyboard(page: Page, web_server: LiveServer, user: str) -> None:
    with rest(web_server, user) as http:
        assert http.post("/lists", json={"name": "Work"}).status_code == 201
        assert http.post("/tasks", json={"title": "Send the invoice"}).status_code == 201
        assert http.post("/tasks", json={"title": "Book the venue"}).status_code == 201
        assert http.post("/tasks", json={"title": "Ask for quotes", "parent": 2}).status_code == 201
    open_page(page, web_server, user)
    pick(page, "Inbox").click()
    expect(page.locator("#panel-heading")).to_have_text("Inbox")
    expect(panel_row(page, "Ask for quotes")).to_be_visible()
    rows = page.locator("#panel-tasks .panel-task").evaluate_all(
        "rows => rows.map(r => [r.querySelector('.panel-task-title').textContent, r.style.getPropertyValue('--depth')])")
    assert rows == [["Send the invoice", "0"], ["Book the venue", "0"], ["Ask for quotes", "1"]]  # under its parent
    indent = [panel_row(page, t).locator("input").bounding_box()["x"] for t in ("Book the venue", "Ask for quotes")]
    assert indent[1] > indent[0] + 10

    # drag "Send the invoice" onto Work
    panel_row(page, "Send the invoice").drag_to(pick(page, "Work"))
    expect(panel_row(page, "Send the invoice")).to_have_count(0)
    expect(pick(page, "Work").locator(".panel-count")).to_have_text("1")
    assert task(web_server, user, 1)["list"] == "Work"

    # the keyboard's way: the row's "Move to" menu
    menu = page.get_by_label("Move “Book the venue” to a list")
    menu.focus()
    menu.select_option("Work")
    expect(panel_row(page, "Book the venue")).to_have_count(0)
    assert task(web_server, user, 2)["list"] == "Work"
    # a parent takes its subtasks along (tasks/subtasks.py carry_to_list), in the same change
    expect(panel_row(page, "Ask for quotes")).to_have_count(0)
    assert task(web_server, user, 3)["list"] == "Work"

    # undo (the journal's, as every change): both back in the Inbox, the subtask under its parent
    page.locator("#panel-status").get_by_role("button", name="Undo").click()
    expect(panel_row(page, "Book the venue")).to_be_visible()
    expect(panel_row(page, "Ask for quotes")).to_have_attribute("style", "--depth: 1;")
    assert task(web_server, user, 2)["list"] == "Inbox" and task(web_server, user, 3)["list"] == "Inbox"

    pick(page, "Work").click()
    expect(page.locator("#panel-heading")).to_have_text("Work")
    expect(panel_row(page, "Send the invoice")).to_be_visible()

    # rename in place: the title is a button that becomes a text box (Enter saves, Esc cancels)
    panel_row(page, "Send the invoice").get_by_role("button", name="Send the invoice").click()
    box = page.get_by_label("New title for “Send the invoice”")
    box.fill("Send the final invoice")
    box.press("Enter")
    expect(panel_row(page, "Send the final invoice")).to_be_visible()
    assert task(web_server, user, 1)["title"] == "Send the final invoice"
    expect(panel_row(page, "Send the final invoice").get_by_role("button", name="Send the final invoice")).to_be_focused()
    panel_row(page, "Send the final invoice").get_by_role("button", name="Send the final invoice").click()
    page.get_by_label("New title for “Send the final invoice”").fill("Never saved")
    page.keyboard.press("Escape")
    expect(panel_row(page, "Send the final invoice")).to_be_visible()
    assert task(web_server, user, 1)["title"] == "Send the final invoice"


def test_the_panel_passes_axe(chromium: Any, web_server: LiveServer, user: str, axe_script: Path) -> None:  # noqa: F811
    with rest(web_server, user) as http:
        assert http.post("/lists", json={"name": "Home"}).status_code == 201
        assert http.post("/tasks", json={"title": "Pay rent", "due": "2026-11-20", "priority": "high"}).status_code == 201
        assert http.post("/tasks", json={"title": "Fix the tap", "due": "2026-11-23", "list": "Home"}).status_code == 201
        assert http.post("/tasks", json={"title": "Buy a washer", "parent": 2}).status_code == 201
    context = chromium.new_context(viewport={"width": 1200, "height": 800}, timezone_id="UTC", bypass_csp=True)  # to inject axe
    context.set_default_timeout(15_000)
    page = context.new_page()
    open_page(page, web_server, user)
    expect(panel_row(page, "Fix the tap")).to_be_visible()
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("async () => (await axe.run(document)).violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))")
    assert [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in result if v["impact"] in ("serious", "critical")] == []
    context.close()


def test_on_a_narrower_screen_the_panel_is_a_drawer(page: Page, web_server: LiveServer, user: str) -> None:
    page.set_viewport_size({"width": 900, "height": 800})
    open_page(page, web_server, user)
    panel = page.get_by_role("complementary", name="Tasks")
    expect(panel).to_be_hidden()
    page.get_by_role("button", name="Tasks", exact=True).click()
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", name="Today")).to_be_visible()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
