"""Make docs/screenshot.png: a short conversation on a real ``todochat serve`` in Debian's Chromium.

Run: ``.venv/bin/python -m tests.web.make_screenshot [--dark] [path]`` (not a test).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from tests.servers import LiveServer, server_env
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.web.helpers import open_page, send, task_row

CONVERSATION = [
    "remind me to pay rent on Friday",
    "add call mom tomorrow at 5pm high priority #family",
    "add buy milk #errands",
    "show my tasks",
]


def main(argv: list[str]) -> None:
    """Start a server on a throwaway database, hold the conversation, save the screenshot."""
    dark = "--dark" in argv
    paths = [a for a in argv if not a.startswith("--")]
    target = Path(paths[0] if paths else "docs/screenshot.png")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        server = LiveServer(server_env(f"sqlite+aiosqlite:///{data / 'demo.db'}", data, TODOCHAT_TIMEZONE="Europe/Paris")).start(60)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    viewport={"width": 1280, "height": 820}, device_scale_factor=1,
                    color_scheme="dark" if dark else "light", timezone_id="Europe/Paris", locale="en-GB",
                )
                page = context.new_page()
                open_page(page, server, "sam")
                for text in CONVERSATION:
                    send(page, text)
                task_row(page, "Buy milk").get_by_role("button", name="Done").click()
                expect(task_row(page, "Buy milk").get_by_role("button", name="Reopen")).to_be_visible()
                page.get_by_label("Message", exact=True).fill("what's due this week?")
                page.mouse.move(0, 0)
                target.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(target))
                browser.close()
        finally:
            server.stop()
    print(target)


if __name__ == "__main__":
    main(sys.argv[1:])
