"""Steps the browser tests share: open the page signed in, send a message, find a task row."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect


def open_page(page: Page, server: Any, user: str) -> str:
    """Open ``/#token=…`` for ``user``; returns the token."""
    token = server.token(user)
    page.goto(f"{server.base_url}/#token={token}")
    expect(page.locator("#app-view")).to_be_visible()
    return token


def send(page: Page, text: str) -> None:
    """Type ``text`` in the composer and press Enter; wait until the answer is complete."""
    page.get_by_label("Message", exact=True).fill(text)
    page.get_by_label("Message", exact=True).press("Enter")
    expect(page.locator("#messages[aria-busy]")).to_have_count(0)


def task_row(page: Page, title: str) -> Any:
    """The last task-list row whose text contains ``title``."""
    return page.locator(".ck-listitem", has_text=title).last
