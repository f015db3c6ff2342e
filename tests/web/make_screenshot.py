"""Make docs/screenshot.png: a short conversation on a real ``todochat serve`` in Debian's Chromium.

Run: ``.venv/bin/python -m tests.web.make_screenshot [--dark] [path]`` (not a test).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import expect
from tests.web.demo import demo_page, save
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
    with demo_page(1280, 820, dark=dark) as (server, page):
        open_page(page, server, "sam")
        for text in CONVERSATION:
            send(page, text)
        task_row(page, "Buy milk").get_by_role("button", name="Done").click()
        expect(task_row(page, "Buy milk").get_by_role("button", name="Reopen")).to_be_visible()
        page.get_by_label("Message", exact=True).fill("what's due this week?")
        save(page, target)
    print(target)


if __name__ == "__main__":
    main(sys.argv[1:])
