"""@-mentions in Debian's Chromium against a real ``todochat serve`` (built-in model): typing
``@dent`` offers the user's tasks, the picked one is sent as a task tag, exactly that task changes
(not its look-alike), and the reply's task mention opens the task."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.servers import LiveServer
from tests.web.helpers import open_page
from tests.web.test_page_fixes import axe_script  # noqa: F401 (fixture: axe-core from npm)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def tasks_of(server: LiveServer, user: str) -> dict[int, dict[str, Any]]:
    response = httpx.get(f"{server.base_url}/api/v1/tasks", headers=server.headers(user), timeout=10)
    return {t["number"]: t for t in response.json()["tasks"]}


def test_a_picked_mention_completes_exactly_that_task(page: Page, web_server: LiveServer, user: str) -> None:
    with httpx.Client(base_url=web_server.base_url, headers=web_server.headers(user), timeout=30) as client:
        for title in ("Buy milk", "Pay rent", "Water plants", "Call mom", "Book flights", "Call the dentist", "Dentist appointment"):
            assert client.post("/api/v1/tasks", json={"title": title}).status_code == 201
    open_page(page, web_server, user)
    composer = page.get_by_label("Message", exact=True)
    composer.press_sequentially("done with @dent")
    menu = page.get_by_role("listbox", name="Tasks to tag")
    expect(menu.get_by_role("option")).to_have_count(2)  # both look-alikes offered, nothing else
    expect(menu.get_by_role("option").first).to_contain_text("Dentist appointment")  # newest first
    menu.get_by_role("option", name="Call the dentist").click()
    expect(menu).to_be_hidden()
    expect(composer).to_have_value("done with @Call the dentist ")
    composer.press("Enter")
    expect(page.locator("#messages[aria-busy]")).to_have_count(0)

    tag = page.locator(".msg-user .mention-tag").last
    expect(tag).to_have_text("@Call the dentist")
    tasks = tasks_of(web_server, user)
    assert [n for n, t in tasks.items() if t["completed"]] == [6]  # exactly task 6, not "Dentist appointment"

    # the reply names the task; clicking the mention shows it
    mention = page.locator(".msg-assistant .task-ref").last
    expect(mention).to_have_text("task 6")
    mention.click()
    dialog = page.get_by_role("dialog", name="Task 6: Call the dentist")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Done")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(mention).to_be_focused()

    # Escape closes the menu; a typed message without a pick stays text
    composer.press_sequentially("what about @zzz")
    expect(menu).to_be_hidden()
    composer.fill("")
    composer.press_sequentially("@Dentist ap")
    expect(menu.get_by_role("option")).to_have_count(1)
    composer.press("Escape")
    expect(menu).to_be_hidden()


def test_the_mention_menu_and_the_task_dialog_pass_axe(
    chromium: Any, web_server: LiveServer, user: str, axe_script: Path  # noqa: F811
) -> None:
    with httpx.Client(base_url=web_server.base_url, headers=web_server.headers(user), timeout=30) as client:
        for title in ("Call the dentist", "Dentist appointment"):
            assert client.post("/api/v1/tasks", json={"title": title}).status_code == 201
    context = chromium.new_context(viewport={"width": 1200, "height": 800}, timezone_id="UTC", bypass_csp=True)  # to inject axe
    context.set_default_timeout(15_000)
    page = context.new_page()

    def violations() -> list[str]:
        page.add_script_tag(path=str(axe_script))
        result = page.evaluate("async () => (await axe.run(document)).violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))")
        return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in result if v["impact"] in ("serious", "critical")]

    open_page(page, web_server, user)
    composer = page.get_by_label("Message", exact=True)
    composer.press_sequentially("done with @dent")
    expect(page.get_by_role("option")).to_have_count(2)
    assert violations() == []  # the open menu
    composer.press("ArrowDown")  # keyboard: the second option, then Enter picks it (not send)
    composer.press("Enter")
    expect(composer).to_have_value("done with @Call the dentist ")
    composer.press("Enter")
    expect(page.locator("#messages[aria-busy]")).to_have_count(0)
    page.locator(".msg-assistant .task-ref").last.click()
    expect(page.get_by_role("dialog", name="Task 1: Call the dentist")).to_be_visible()
    assert violations() == []  # the task dialog, the tag chip and the reply's task button
    context.close()
    assert [n for n, t in tasks_of(web_server, user).items() if t["completed"]] == [1]


CHATKIT_STUB = """
customElements.define("openai-chatkit", class extends HTMLElement {
  setOptions(options) { window.chatkitOptions = options; }
});
"""
"""Stands in for OpenAI's chatkit.js (this machine has no internet): records the page's options."""


def test_the_official_page_searches_tasks_for_tags_and_opens_a_clicked_one(page: Page, web_server: LiveServer, user: str) -> None:
    with httpx.Client(base_url=web_server.base_url, headers=web_server.headers(user), timeout=30) as client:
        for title in ("Call the dentist", "Dentist appointment", "Buy milk"):
            assert client.post("/api/v1/tasks", json={"title": title}).status_code == 201
    page.route("https://cdn.platform.openai.com/**", lambda route: route.fulfill(body=CHATKIT_STUB, content_type="text/javascript"))
    page.goto(f"{web_server.base_url}/chatkit-ui#token={web_server.token(user)}")
    page.wait_for_function("() => window.chatkitOptions && window.chatkitOptions.entities")
    entities = page.evaluate("() => window.chatkitOptions.entities.onTagSearch('dent')")
    assert entities == [
        {"id": "task-2", "title": "Dentist appointment", "group": "Tasks", "icon": "check-circle", "interactive": True, "data": {"number": 2}},
        {"id": "task-1", "title": "Call the dentist", "group": "Tasks", "icon": "check-circle", "interactive": True, "data": {"number": 1}},
    ]
    page.evaluate("() => window.chatkitOptions.entities.onClick({id: 'task-1', title: 'Call the dentist', data: {number: 1}})")
    expect(page.get_by_role("dialog", name="Task 1: Call the dentist")).to_be_visible()


def test_a_refused_tag_stays_in_the_composer_with_its_tag(page: Page, web_server: LiveServer, user: str) -> None:
    http = httpx.Client(base_url=web_server.base_url, headers=web_server.headers(user), timeout=30)
    with http:
        for title in ("Call the dentist", "Dentist appointment"):
            assert http.post("/api/v1/tasks", json={"title": title}).status_code == 201
        open_page(page, web_server, user)
        composer = page.get_by_label("Message", exact=True)
        composer.press_sequentially("done with @call")
        page.get_by_role("option", name="Call the dentist").click()
        # renamed elsewhere after the pick: the tag no longer names it, so the server refuses it
        assert http.patch("/api/v1/tasks/1", json={"title": "Call the dentist at 9"}).status_code == 200
        composer.press("Enter")
        expect(page.get_by_role("alert").filter(has_text="does not match your task 1")).to_be_visible()
        expect(composer).to_have_value("done with @Call the dentist")
        assert not any(t["completed"] for t in tasks_of(web_server, user).values())
        # renamed back: sending again sends the same tag, which now names the task
        assert http.patch("/api/v1/tasks/1", json={"title": "Call the dentist"}).status_code == 200
        composer.press("Enter")
        expect(page.locator(".msg-user .mention-tag")).to_have_text("@Call the dentist")
        expect(page.locator("#messages[aria-busy]")).to_have_count(0)
        assert [n for n, t in tasks_of(web_server, user).items() if t["completed"]] == [1]
