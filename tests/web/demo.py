"""A demo page for the README's screenshots (tests/web/make_screenshot.py, make_panel_screenshot.py):
a real ``todochat serve`` on a throwaway SQLite database (Europe/Paris), and a page in Debian's
Chromium with a fixed viewport, colour scheme, zone and locale. Not a test."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from tests.servers import LiveServer, server_env
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS


@contextmanager
def demo_page(width: int, height: int, *, dark: bool = False, start_seconds: float = 60) -> Iterator[tuple[LiveServer, Page]]:
    """Yield ``(server, page)``: the server started (waiting at most ``start_seconds``), the page
    ``width`` × ``height`` CSS pixels at scale 1, light or ``dark``; both closed on exit."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        server = LiveServer(server_env(f"sqlite+aiosqlite:///{data / 'demo.db'}", data, TODOCHAT_TIMEZONE="Europe/Paris")).start(start_seconds)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    viewport={"width": width, "height": height}, device_scale_factor=1,
                    color_scheme="dark" if dark else "light", timezone_id="Europe/Paris", locale="en-GB",
                )
                context.set_default_timeout(30_000)
                yield server, context.new_page()
                browser.close()
        finally:
            server.stop()


def save(page: Page, target: Path) -> None:
    """Move the mouse out of the way and save ``page`` as a PNG at ``target`` (folders made)."""
    page.mouse.move(0, 0)
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))
