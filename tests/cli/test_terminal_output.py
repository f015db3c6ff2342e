"""Terminal output of the CLI is escaped (presentation.escape_terminal / escape_markup): titles
with ANSI/OSC escape codes or Rich markup print literally (issue 17: a title cleared the screen
and renamed the terminal; a title ``[/oops]`` made ``todochat chat`` exit with an error)."""

from __future__ import annotations

import io
import subprocess

import httpx
import pytest
from rich.console import Console
from tests.servers import TODOCHAT

from todochat.chat_cli import _print_item, widget_table
from todochat.presentation import escape_markup, escape_terminal

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil [/oops] [bold red]x[/bold red]"


def test_escape_terminal_shows_every_control_character() -> None:
    shown = escape_terminal(HOSTILE + "\tok\nnext")
    assert not any((ord(c) < 0x20 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eevil" in shown
    assert shown.endswith("\tok\nnext")
    assert escape_terminal("Café 🎉 Zoë") == "Café 🎉 Zoë"


def render(renderable: object) -> str:
    out = io.StringIO()
    Console(file=out, width=200, force_terminal=True, color_system=None).print(renderable)
    return out.getvalue()


def test_a_widget_with_markup_and_escape_codes_prints_literally() -> None:
    widget = {
        "type": "ListView",
        "status": {"text": "[/oops] tasks"},
        "children": [{"type": "ListViewItem", "children": [
            {"type": "Text", "value": "○"}, {"type": "Text", "value": f"1. {HOSTILE}"},
            {"type": "Caption", "value": "[link=http://evil]due[/link]"},
        ]}],
    }  # fmt: skip
    text = render(widget_table(widget))
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "[/oops]" in text and "[bold red]x[/bold red]" in text and "[link=http://evil]due[/link]" in text
    assert "\\x1b]0;pwned" in text


def test_history_items_print_literally() -> None:
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=True, color_system=None)
    _print_item(console, {"type": "user_message", "content": [{"text": "add [/oops]\x1b[2J"}]})
    _print_item(console, {"type": "assistant_message", "content": [{"text": "Added [red]1[/red]"}]})
    text = out.getvalue()
    assert "you> add [/oops]\\x1b[2J" in text and "todochat> Added [red]1[/red]" in text
    assert escape_markup("[/oops]") == "\\[/oops]"


@pytest.mark.slow
def test_todochat_chat_shows_a_markup_title_from_a_live_server(live_server) -> None:  # type: ignore[no-untyped-def]
    added = httpx.post(f"{live_server.base_url}/api/v1/tasks", json={"title": "[/oops] call [bold]mom[/bold]"},
                       headers=live_server.headers("alice"), timeout=30)  # fmt: skip
    assert added.status_code == 201, added.text
    result = subprocess.run(
        [TODOCHAT, "chat", "--url", live_server.base_url, "--token", live_server.token("alice"), "--timezone", "UTC"],
        input="show my tasks\n", capture_output=True, text=True, timeout=120, env={**live_server.env, "COLUMNS": "120"},
    )
    assert result.returncode == 0, result.stderr
    assert "1. [/oops] call [bold]mom[/bold]" in result.stdout, result.stdout
