"""The built-in page in Debian's Chromium against a real ``todochat serve`` (built-in model)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.servers import LiveServer
from tests.web.helpers import open_page, send, task_row

from todochat.api.auth import issue_token
from todochat.config import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def tasks_of(server: LiveServer, user: str) -> list[dict[str, Any]]:
    """The user's tasks through the REST API."""
    response = httpx.get(f"{server.base_url}/api/v1/tasks", headers=server.headers(user), timeout=10)
    return response.json()["tasks"]  # type: ignore[no-any-return]


def test_a_message_streams_a_reply_and_a_task_widget(page: Page, web_server: LiveServer, user: str) -> None:
    token = open_page(page, web_server, user)
    assert "token" not in page.url  # taken out of the address bar ...
    assert page.evaluate("() => sessionStorage.getItem('todochat.token')") == token  # ... and kept for the tab
    expect(page.get_by_role("heading", name="What needs doing?")).to_be_visible()
    composer = page.get_by_label("Message", exact=True)
    composer.fill("remind me to pay rent")
    composer.press("Shift+Enter")
    composer.type("on Friday")
    expect(composer).to_have_value("remind me to pay rent\non Friday")  # Shift+Enter: a new line, not sent
    expect(page.locator(".msg-user")).to_have_count(0)
    composer.press("Enter")
    expect(page.locator("#messages[aria-busy]")).to_have_count(0)
    expect(page.locator(".msg-user .bubble")).to_have_text("You: remind me to pay rent\non Friday")
    expect(page.locator(".msg-assistant .bubble").last).to_contain_text("Added task 1: Pay rent")
    row = task_row(page, "1. Pay rent")
    expect(row).to_contain_text("due Fri 27 Nov")  # the server's clock is NOW, Monday 23 Nov 2026
    expect(row.get_by_role("button", name="Done")).to_be_visible()
    expect(composer).to_have_value("")
    expect(page.locator(".thread-link")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay rent")  # the thread is named after what the turn did
    assert [t["title"] for t in tasks_of(web_server, user)] == ["Pay rent"]


def test_completing_in_a_widget_persists_after_reload(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    send(page, "add buy milk")
    task_row(page, "Buy milk").get_by_role("button", name="Done").click()
    reopen = task_row(page, "Buy milk").get_by_role("button", name="Reopen")
    expect(reopen).to_be_visible()
    expect(reopen).to_be_focused()  # keyboard focus stays on the row's control after the widget is replaced
    assert tasks_of(web_server, user)[0]["completed"] is True
    page.reload()
    expect(task_row(page, "Buy milk").get_by_role("button", name="Reopen")).to_be_visible()
    expect(task_row(page, "Buy milk").locator(".ck-text").first).to_have_text("✓")
    task_row(page, "Buy milk").get_by_role("button", name="Reopen").click()
    expect(task_row(page, "Buy milk").get_by_role("button", name="Done")).to_be_visible()
    assert tasks_of(web_server, user)[0]["completed"] is False


def test_threads_can_be_created_switched_renamed_and_deleted(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    send(page, "add water the plants")
    page.get_by_role("button", name="New chat").click()
    expect(page.locator(".msg")).to_have_count(0)
    expect(page.get_by_role("heading", name="What needs doing?")).to_be_visible()
    send(page, "add feed the cat")
    threads = page.locator(".thread-link")
    expect(threads).to_have_count(2)
    expect(threads).to_have_text(["Feed the cat", "Water the plants"])  # newest first, named by the tasks their turn added

    threads.filter(has_text="water").click()
    expect(page.locator("#messages")).to_contain_text("Water the plants")
    expect(page.locator("#messages")).not_to_contain_text("Feed the cat")

    page.get_by_role("button", name="Rename “Water the plants”").click()
    rename = page.get_by_label("New name for the conversation")
    rename.fill("Garden <b>jobs</b>")
    rename.press("Enter")
    expect(threads.first.or_(threads.last).filter(has_text="Garden")).to_have_text("Garden <b>jobs</b>")
    expect(page.get_by_role("heading", level=1)).to_have_text("Garden <b>jobs</b>")

    page.reload()  # the open thread and its new name come back from the server
    expect(page.get_by_role("heading", level=1)).to_have_text("Garden <b>jobs</b>")
    expect(page.locator("#messages")).to_contain_text("Water the plants")

    page.get_by_role("button", name="Delete “Feed the cat”").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(threads).to_have_text(["Garden <b>jobs</b>"])
    page.reload()
    expect(threads).to_have_text(["Garden <b>jobs</b>"])


def test_a_bad_token_shows_a_clear_message_and_no_data(page: Page, web_server: LiveServer, user: str, tmp_path: Any) -> None:
    open_page(page, web_server, user)
    send(page, "add secret plan")
    forged = issue_token(user, Settings(data_dir=tmp_path, jwt_secret="not-the-server-secret-" + "q" * 32))
    for bad in ("not-a-token", forged):
        page.goto(f"{web_server.base_url}/#token={bad}")  # same tab: the page reads the changed #token=
        alert = page.locator("#login-error")
        expect(alert).to_be_visible()
        expect(alert).to_contain_text("Your token was not accepted (The token is invalid.)")
        expect(page.locator("#app-view")).to_be_hidden()
        expect(page.get_by_label("Access token")).to_be_focused()
        assert page.locator(".thread, .msg").count() == 0
        assert "secret plan" not in page.content().lower()
        assert page.evaluate("() => sessionStorage.getItem('todochat.token')") is None

    page.get_by_label("Access token").fill(web_server.token(user))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".thread-link")).to_have_count(1)


def test_without_a_token_the_page_asks_for_one(page: Page, web_server: LiveServer, user: str) -> None:
    page.goto(web_server.base_url + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("#login-error")).to_be_hidden()
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#login-error")).to_have_text("Paste a token first.")
    page.get_by_label("Access token").fill(web_server.token(user))
    page.get_by_label("Access token").press("Control+Enter")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Message", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#login-error")).to_have_text("You signed out.")
    # Sign out signs out everywhere: a token carrying the token version of before is refused now
    before = web_server.token(user)  # version 0, like the one the page used
    assert httpx.get(f"{web_server.base_url}/api/v1/me", headers={"Authorization": f"Bearer {before}"}, timeout=30).status_code == 401


def test_html_in_a_task_title_is_shown_as_text(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    title = "<img src=x onerror=window.pwned=1> <b>bold</b>"
    send(page, f"add {title}")
    row = task_row(page, "bold")
    expect(row).to_contain_text("<b>bold</b>")
    expect(row).to_contain_text("<img src=x")
    expect(page.locator(".msg-assistant .bubble").last).to_contain_text("<b>bold</b>")
    assert page.locator("#messages b, #messages img:not([src='/static/icon.svg']), .thread-list b").count() == 0
    assert page.evaluate("() => window.pwned") is None
    page.reload()
    expect(task_row(page, "bold")).to_contain_text("<b>bold</b>")
    assert page.evaluate("() => window.pwned") is None


def test_a_stale_action_on_a_deleted_task_says_so_and_changes_nothing(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    send(page, "add buy stamps")
    send(page, "add post the letter")
    send(page, "show my tasks")
    listing = page.locator(".msg-widget").last
    listing.locator(".ck-listitem", has_text="Buy stamps").get_by_role("button", name="Delete").click()
    expect(listing.locator(".ck-listitem", has_text="Buy stamps")).to_contain_text("Deleted ·")
    expect(listing.locator(".ck-listitem", has_text="Post the letter")).to_have_count(1)
    first = page.locator(".msg-widget").first  # the "Added" widget follows (the thread's widgets are re-read)
    expect(first.locator(".ck-listitem", has_text="Buy stamps")).to_contain_text("Deleted ·")

    # deleted from another front: the page's widgets show it until they are re-read
    second = page.locator(".msg-widget").nth(1)
    response = httpx.delete(f"{web_server.base_url}/api/v1/tasks/2", headers=web_server.headers(user), timeout=10)
    assert response.status_code == 204, response.text
    second.get_by_role("button", name="Done").click()
    expect(page.locator("#error-banner")).to_contain_text("Task 2 no longer exists; nothing changed.")
    expect(page.get_by_role("button", name="Retry")).to_be_hidden()
    expect(second.locator(".ck-listitem", has_text="Post the letter")).to_contain_text("Deleted ·")  # re-read from the server
    expect(listing.locator(".ck-listitem", has_text="Post the letter")).to_contain_text("Deleted ·")
    assert tasks_of(web_server, user) == []  # nothing completed


def test_a_network_drop_keeps_the_typed_message_and_retry_sends_it(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    page.route("**/chatkit", lambda route: route.abort("internetdisconnected")
               if "threads.create" in (route.request.post_data or "") else route.continue_())  # fmt: skip
    composer = page.get_by_label("Message", exact=True)
    composer.fill("add renew passport")
    composer.press("Enter")
    expect(page.locator("#error-banner")).to_contain_text("Could not reach the server")
    expect(composer).to_have_value("add renew passport")
    expect(page.locator(".msg-user")).to_have_count(0)
    assert tasks_of(web_server, user) == []

    page.unroute("**/chatkit")
    page.get_by_role("button", name="Retry").click()
    expect(task_row(page, "Renew passport")).to_be_visible()
    expect(page.locator("#error-banner")).to_be_hidden()
    expect(composer).to_have_value("")
    expect(page.locator(".msg-user")).to_have_count(1)
    assert [t["title"] for t in tasks_of(web_server, user)] == ["Renew passport"]


def test_a_suggestion_on_the_welcome_screen_sends_itself(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    send(page, "add buy bread")
    page.get_by_role("button", name="New chat").click()
    page.get_by_role("button", name="Show my tasks").click()
    expect(page.locator(".msg-user .bubble")).to_have_text("You: Show my tasks")
    expect(task_row(page, "Buy bread")).to_be_visible()
    expect(page.get_by_role("heading", name="What needs doing?")).to_be_hidden()
