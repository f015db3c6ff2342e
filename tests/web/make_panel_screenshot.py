"""Make docs/screenshot-panel.png: the page with its task panel, on a real ``todochat serve`` with a
seeded demo user (a few lists, tasks and subtasks, added over REST), in Debian's Chromium. The
server's clock is pinned (``TODOCHAT_CLOCK_FIXED``, tests/servers.py), so the picture does not
depend on the day it is taken.

Run: ``.venv/bin/python -m tests.web.make_panel_screenshot [--dark] [path]`` (not a test).
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
from playwright.sync_api import expect
from tests.servers import LiveServer
from tests.web.demo import demo_page, save
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
    with demo_page(1440, 860, dark=dark, start_seconds=120) as (server, page):
        seed(server)
        open_page(page, server, USER)
        send(page, "what's due today?")
        expect(page.locator("#panel-tasks .panel-task", has_text="Check the numbers")).to_be_visible()
        save(page, target)
    print(target)


if __name__ == "__main__":
    main(sys.argv[1:])
