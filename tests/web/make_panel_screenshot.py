"""Make docs/screenshot-panel.png: the page with its task panel, on a real ``todochat serve`` with a
seeded demo user (a few lists, tasks and subtasks, added over REST), in Debian's Chromium. The
server's clock is pinned (``TODOCHAT_CLOCK_FIXED``, tests/servers.py), so the picture does not
depend on the day it is taken.

Run: ``.venv/bin/python -m tests.web.make_panel_screenshot [--dark] [path]`` (not a test).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import expect, sync_playwright
from tests.servers import LiveServer, server_env
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.web.helpers import open_page, send

USER = "sam"
LISTS = ["Work", "Home"]
TASKS = [  # the clock reads Monday 23 Nov 2026, 10:00 in Paris
    {"title": "Renew passport", "due": "2026-11-20"},
    {"title": "Ship the Q4 report", "list": "Work", "due": "2026-11-23", "priority": "high"},
    {"title": "Draft the summary", "parent": 2, "due": "2026-11-23"},
    {"title": "Check the numbers with Ana", "parent": 2, "due": "2026-11-23T15:00"},
    {"title": "Call mom", "list": "Home", "due": "2026-11-23T18:00"},
    {"title": "Dentist appointment", "due": "2026-11-25T09:30"},
    {"title": "Pay rent", "list": "Home", "due": "2026-11-27", "recurrence": "monthly"},
    {"title": "Plan the team offsite", "list": "Work"},
    {"title": "Buy milk", "tags": ["errands"]},
]


def seed(server: LiveServer) -> None:
    """The demo user's lists and tasks, over REST."""
    with httpx.Client(base_url=server.base_url + "/api/v1", headers=server.headers(USER), timeout=60) as http:
        for name in LISTS:
            http.post("/lists", json={"name": name}).raise_for_status()
        for body in TASKS:
            http.post("/tasks", json=body).raise_for_status()


def main(argv: list[str]) -> None:
    """Start a server on a throwaway database, seed it, ask one question, save the screenshot."""
    dark = "--dark" in argv
    paths = [a for a in argv if not a.startswith("--")]
    target = Path(paths[0] if paths else "docs/screenshot-panel.png")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        server = LiveServer(server_env(f"sqlite+aiosqlite:///{data / 'demo.db'}", data, TODOCHAT_TIMEZONE="Europe/Paris")).start(120)
        try:
            seed(server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    viewport={"width": 1440, "height": 860}, device_scale_factor=1,
                    color_scheme="dark" if dark else "light", timezone_id="Europe/Paris", locale="en-GB",
                )
                context.set_default_timeout(30_000)
                page = context.new_page()
                open_page(page, server, USER)
                send(page, "what's due today?")
                expect(page.locator("#panel-tasks .panel-task", has_text="Check the numbers")).to_be_visible()
                page.mouse.move(0, 0)
                target.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(target))
                browser.close()
        finally:
            server.stop()
    print(target)


if __name__ == "__main__":
    main(sys.argv[1:])
