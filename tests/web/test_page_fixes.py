"""Page fixes (issue 16, item 8) in Debian's Chromium against a real ``todochat serve``: following
new output and the "New messages" pill, focus after Delete, refused messages kept, a changed
``#token=``, "Remember me", keyboard shortcuts, titles' width, and an axe-core accessibility check."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.servers import LiveServer
from tests.web.helpers import open_page, send, task_row

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BROWSER_TOOLS = Path(__file__).resolve().parents[1] / "browser"  # package.json: test-only npm tools
AXE = BROWSER_TOOLS / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """axe-core from npm, installed into tests/browser/node_modules on first use (CI starts fresh)."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is missing: install Debian's npm package to run the accessibility check")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=BROWSER_TOOLS, check=True, timeout=300)
    return AXE


def add_tasks(server: LiveServer, user: str, titles: list[str]) -> None:
    """Create tasks through the REST API (faster than one chat turn each)."""
    with httpx.Client(base_url=server.base_url, headers=server.headers(user), timeout=30) as client:
        for title in titles:
            assert client.post("/api/v1/tasks", json={"title": title}).status_code == 201


def tasks_of(server: LiveServer, user: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.base_url}/api/v1/tasks", headers=server.headers(user), timeout=10)
    return response.json()["tasks"]  # type: ignore[no-any-return]


def at_end(page: Page) -> bool:
    return bool(page.locator("#scroller").evaluate("s => s.scrollHeight - s.scrollTop - s.clientHeight < 24"))


def test_a_tall_reply_is_followed_and_scrolling_up_shows_the_pill(page: Page, web_server: LiveServer, user: str) -> None:
    add_tasks(web_server, user, [f"Chore number {n}" for n in range(1, 21)])
    open_page(page, web_server, user)
    send(page, "add water the plants")
    send(page, "show my tasks")
    widget = page.locator(".msg-widget").last
    expect(widget.locator(".ck-listitem:has([data-task-number])")).to_have_count(21)  # and the toggle's row
    expect(widget.locator(".ck-listitem").last).to_be_in_viewport()  # taller than the view, and followed
    page.wait_for_function("() => { const s = document.getElementById('scroller'); return s.scrollHeight - s.scrollTop - s.clientHeight < 24; }")
    expect(page.locator("#new-messages")).to_be_hidden()

    # The reader scrolls up: new output no longer moves the view; a pill offers to jump down.
    page.locator("#scroller").hover()
    page.mouse.wheel(0, -20_000)
    page.wait_for_function("() => document.getElementById('scroller').scrollTop === 0")
    first = page.locator(".msg-widget").first
    first.get_by_role("button", name="Done").first.click()
    pill = page.get_by_role("button", name="New messages ↓")
    expect(pill).to_be_visible()
    assert not at_end(page)
    assert page.locator("#scroller").evaluate("s => s.scrollTop") < 400
    pill.click()
    page.wait_for_function("() => { const s = document.getElementById('scroller'); return s.scrollHeight - s.scrollTop - s.clientHeight < 24; }")
    expect(pill).to_be_hidden()


def test_focus_stays_on_the_deleted_row_which_offers_undo(page: Page, web_server: LiveServer, user: str) -> None:
    add_tasks(web_server, user, ["Buy stamps", "Post the letter", "Call mum"])
    open_page(page, web_server, user)
    send(page, "show my tasks")
    listing = page.locator(".msg-widget").last
    listing.locator(".ck-listitem", has_text="Buy stamps").get_by_role("button", name="Delete").click()
    deleted = listing.locator(".ck-listitem", has_text="Buy stamps")
    undo = deleted.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()  # not the next row's Delete
    expect(deleted).to_contain_text("Deleted ·Undo")
    expect(listing.locator(".ck-listitem", has_text="Post the letter")).to_have_count(1)
    expect(page.locator("#messages[aria-busy]")).to_have_count(0)
    assert sorted(t["title"] for t in tasks_of(web_server, user)) == ["Call mum", "Post the letter"]  # Enter deletes nothing more

    done = listing.locator(".ck-listitem", has_text="Call mum").get_by_role("button", name="Done")
    done.click()
    expect(listing.locator(".ck-listitem", has_text="Call mum").get_by_role("button", name="Reopen")).to_be_focused()


def test_a_refused_message_stays_in_the_composer(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    composer = page.get_by_label("Message", exact=True)
    text = "add " + "x" * 4100
    composer.fill(text)
    composer.press("Enter")
    expect(page.locator("#error-banner")).to_contain_text("the limit is 4000")
    expect(composer).to_have_value(text)
    expect(page.locator(".msg-user")).to_have_count(0)
    assert tasks_of(web_server, user) == []


def test_a_changed_token_in_the_address_signs_in_as_its_user(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    send(page, "add first user's secret")
    expect(page.locator("#user-name")).to_have_text(user)
    other = user[:50] + "-b"
    token = web_server.token(other)  # minted once: a token minted a second later differs (its iat)
    page.evaluate("t => { window.location.hash = 'token=' + t; }", token)
    expect(page.locator("#user-name")).to_have_text(other)
    expect(page.locator(".thread-link")).to_have_count(0)
    expect(page.locator("#messages")).not_to_contain_text("secret")
    assert "secret" not in page.content()  # not even in hidden parts (the old thread's heading)
    assert "token" not in page.url
    assert page.evaluate("() => sessionStorage.getItem('todochat.token')") == token


def test_remember_me_keeps_the_local_user_signed_in_on_this_device(page: Page, web_server: LiveServer, user: str) -> None:
    page.goto(web_server.base_url + "/")
    expect(page.locator("#sign-in-hint")).to_contain_text("todochat token")
    expect(page.locator("#sign-in-hint")).to_contain_text("make run")
    page.get_by_label("Access token").fill(web_server.token(user))
    page.locator("#login-form").get_by_label("Remember me on this device").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#app-view")).to_be_visible()

    second = page.context.new_page()  # a new tab: no sessionStorage, the same device
    second.goto(web_server.base_url + "/")
    expect(second.locator("#app-view")).to_be_visible()
    expect(second.locator("#user-name")).to_have_text(user)
    expect(second.locator("#sidebar").get_by_label("Remember me on this device")).to_be_checked()
    second.locator("#sidebar").get_by_label("Remember me on this device").uncheck()
    second.close()

    third = page.context.new_page()
    third.goto(web_server.base_url + "/")
    expect(third.get_by_role("heading", name="Sign in")).to_be_visible()
    third.close()


def test_keyboard_shortcuts(page: Page, web_server: LiveServer, user: str) -> None:
    open_page(page, web_server, user)
    send(page, "add feed the cat")
    page.locator("#thread-title").click()
    page.keyboard.press("Alt+n")
    expect(page.get_by_role("heading", name="What needs doing?")).to_be_visible()
    page.locator("#thread-title").click()
    page.keyboard.press("/")
    expect(page.get_by_label("Message", exact=True)).to_be_focused()
    page.keyboard.press("Control+k")
    search = page.get_by_label("Search conversations")
    expect(search).to_be_focused()
    search.fill("nothing like it")
    expect(page.locator(".thread-link")).to_be_hidden()
    search.fill("cat")
    expect(page.locator(".thread-link")).to_be_visible()
    page.locator("#thread-title").click()
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_task_titles_use_the_rows_width(page: Page, web_server: LiveServer, user: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    open_page(page, web_server, user)
    send(page, "add renew passport at the city office before the summer trip")
    row = task_row(page, "Renew passport")
    title = row.get_by_text("Renew passport", exact=False).last
    expect(title).to_be_visible()
    row_box, title_box = row.bounding_box(), title.bounding_box()
    assert row_box and title_box
    assert title_box["width"] >= 0.5 * row_box["width"], (title_box, row_box)
    # no word broken across lines ("passp / ort"): each word's characters lie on one line
    broken = title.evaluate("""n => {
      const text = n.firstChild && n.firstChild.nodeType === 3 ? n.firstChild : n.querySelector('*')?.firstChild;
      if (!text) return [];
      const words = []; let at = 0;
      for (const w of text.textContent.split(' ')) {
        const r = document.createRange(); r.setStart(text, at); r.setEnd(text, at + w.length);
        if (w && r.getClientRects().length > 1) words.push(w);
        at += w.length + 1;
      }
      return words;
    }""")
    assert broken == []


def test_the_page_passes_axe(chromium: Any, web_server: LiveServer, user: str, axe_script: Path) -> None:
    context = chromium.new_context(viewport={"width": 1200, "height": 800}, timezone_id="UTC", bypass_csp=True)  # to inject axe
    context.set_default_timeout(15_000)
    page = context.new_page()

    def violations() -> list[str]:
        page.add_script_tag(path=str(axe_script))
        result = page.evaluate("async () => (await axe.run(document)).violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))")
        return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in result if v["impact"] in ("serious", "critical")]

    page.goto(web_server.base_url + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert violations() == []
    open_page(page, web_server, user)
    send(page, "add pay rent on Friday")
    send(page, "show my tasks")
    assert violations() == []
    page.locator(".msg-widget").last.get_by_role("button", name="Delete").first.click()  # a "Deleted · Undo" row
    expect(page.locator(".msg-widget").last).to_contain_text("Deleted ·")
    assert violations() == []
    context.close()
