"""``todochat chat``: a terminal ChatKit client that renders task-list widgets as tables."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from todochat.chatkit.widgets import INDENT
from todochat.client import ChatKitClient, ChatKitError
from todochat.presentation import escape_markup, escape_terminal
from todochat.token_advice import TokenSource, refusal_advice


def widget_table(widget: dict[str, Any]) -> Table:
    """A task-list widget (ListView JSON) as a Rich table: done, number + title, details; a
    subtask's title indented two spaces per level (the row's leading ``Box`` of
    ``chatkit.widgets.INDENT`` pixels per level).

    Every text from the server is shown as written (:func:`escape_markup`): a title with terminal
    escape codes or Rich markup (``[/oops]``) is printed literally."""
    status = widget.get("status") or {}
    title = status.get("text")
    table = Table(title=escape_markup(title) if isinstance(title, str) else None, show_header=False, title_justify="left")
    table.add_column("", width=1)
    table.add_column("task")
    table.add_column("details", style="dim")
    for row in widget.get("children", []):
        texts = [escape_markup(text) for text in _texts(row)]
        if not texts:
            continue
        if len(texts) == 1:
            table.add_row("", texts[0], "")
        else:
            first = (row.get("children") or [{}])[0]
            depth = int(first.get("width") or 0) // INDENT if isinstance(first, dict) and first.get("type") == "Box" else 0
            table.add_row(texts[0], "  " * depth + texts[1], "  ".join(texts[2:]))
    return table


async def save_export(
    http: httpx.AsyncClient, token: str, arguments: dict[str, Any], directory: Path | None = None, *, timezone: str | None = None
) -> Path:
    """Save the file a ``download_tasks`` client-tool call asks for: ``GET /api/v1/export`` (the
    server's one exporter, tasks/export.py) with ``format`` (csv or ics) and ``status``, written
    under the server's file name (``todochat-tasks-2026-12-03.csv``); due times in ``timezone``
    (IANA name, sent as ``X-Timezone``) or the user's stored zone.

    Returns:
        The file written, in ``directory`` (default: the current directory).

    Raises:
        httpx.HTTPStatusError: the server refused the export.
    """
    fmt = "ics" if arguments.get("format") == "ics" else "csv"
    params = {"format": fmt}
    if arguments.get("status") in ("pending", "completed"):
        params["status"] = arguments["status"]
    headers = {"Authorization": f"Bearer {token}", **({"X-Timezone": timezone} if timezone else {})}
    async with http.stream("GET", "/api/v1/export", params=params, headers=headers) as response:
        response.raise_for_status()
        named = re.search(r'filename="([^"/\\]+)"', response.headers.get("content-disposition", ""))
        path = (directory or Path.cwd()) / (named.group(1) if named else f"todochat-tasks.{fmt}")
        with path.open("wb") as handle:
            async for chunk in response.aiter_bytes():
                handle.write(chunk)
    return path


def local_zone_name() -> str | None:
    """This machine's IANA zone name from ``TZ`` or ``/etc/localtime``, if it can be told."""
    import os

    if os.environ.get("TZ"):
        return os.environ["TZ"].lstrip(":")
    link = Path("/etc/localtime")
    if link.is_symlink() and "zoneinfo/" in str(link.resolve()):
        return str(link.resolve()).split("zoneinfo/", 1)[1]
    return None


def _texts(node: Any) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        if node.get("type") in ("Text", "Caption", "Title", "Markdown") and isinstance(node.get("value"), str):
            out.append(node["value"])
        elif node.get("type") == "Badge" and isinstance(node.get("label"), str):
            out.append(node["label"])
        for child in node.get("children") or []:
            out.extend(_texts(child))
    return out


async def run_chat(
    url: str, token: str, thread_id: str | None, timezone: str | None, source: TokenSource | None = None
) -> int:
    """Read lines from the terminal and send them to ``url``; keeps one thread per session.

    Prints the thread id at the start so a later ``--thread ID`` resumes it. Before the first
    prompt the token is tried (``threads.list``): a server that cannot be reached, or that refuses
    the token (401), ends the session with what to do (:func:`todochat.token_advice.refusal_advice`).

    Args:
        source: where the token came from (default: given with ``--token``).

    Returns:
        The exit code: 0, or 1 when the server cannot be reached or refused the token.
    """
    console = Console()
    timezone = timezone or local_zone_name()
    source = source or TokenSource(minted_here=False)
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        client = ChatKitClient(http, token, timezone)
        if not await _token_accepted(console, client, url, source):
            return 1
        if thread_id:
            try:
                for item in await client.items(thread_id):
                    _print_item(console, item)
            except ChatKitError as exc:
                console.print(f"[red]{escape_markup(str(exc))}[/red]")
                return 1
        console.print("[dim]todochat — type a message; Ctrl-D or 'exit' quits.[/dim]")
        while True:
            try:
                text = await asyncio.to_thread(console.input, "[bold]you>[/bold] ")
            except (EOFError, KeyboardInterrupt):
                break
            if text.strip().lower() in ("exit", "quit"):
                break
            if not text.strip():
                continue
            console.print("[bold cyan]todochat>[/bold cyan] ", end="")
            try:
                turn = await client.send(text, thread_id, on_delta=lambda d: console.print(escape_terminal(d), end="", markup=False, highlight=False))
            except ChatKitError as exc:
                if exc.status == 401:  # e.g. the token expired during the session
                    console.print(f"\n[red]{escape_markup(_refusal(exc, url, source))}[/red]")
                    return 1
                console.print(f"\n[red]{escape_markup(str(exc))}[/red]")
                continue
            except httpx.HTTPError as exc:
                console.print(f"\n[red]cannot reach {escape_markup(url)}: {escape_markup(str(exc))}[/red]")
                continue
            console.print()
            if thread_id is None and turn.thread_id:
                thread_id = turn.thread_id
                shown = escape_markup(thread_id)
                console.print(f"[dim](thread {shown} — resume with --thread {shown})[/dim]")
            for widget in turn.widgets:
                console.print(widget_table(widget))
            if turn.client_tool_call and turn.client_tool_call.get("name") == "download_tasks" and thread_id:
                arguments = turn.client_tool_call.get("arguments") or {}
                try:
                    saved = await save_export(http, token, arguments, timezone=timezone)
                    console.print(f"[dim]saved {escape_markup(str(saved))}[/dim]")
                    result: dict[str, Any] = {"downloaded": int(arguments.get("count") or 0)}
                except httpx.HTTPError as exc:
                    result = {"error": f"The export failed: {exc}"}
                    console.print(f"[red]{escape_markup(result['error'])}[/red]")
                done = await client.stream({
                    "type": "threads.add_client_tool_output",
                    "params": {"thread_id": thread_id, "result": result},
                })
                if done.text:
                    console.print(f"[bold cyan]todochat>[/bold cyan] {escape_markup(done.text)}", highlight=False)
            if turn.error:
                console.print(f"[red]{escape_markup(str(turn.error))}[/red]")
    return 0


async def _token_accepted(console: Console, client: ChatKitClient, url: str, source: TokenSource) -> bool:
    """Try the token with a one-thread ``threads.list``; print why not and return False on failure."""
    try:
        await client.request({"type": "threads.list", "params": {"limit": 1}})
    except ChatKitError as exc:
        console.print(escape_markup(_refusal(exc, url, source) if exc.status == 401 else str(exc)), style="red", highlight=False)
        return False
    except httpx.HTTPError as exc:
        console.print(
            escape_markup(f"Cannot reach the todochat server at {url} ({exc or type(exc).__name__}). "
                          "Is it running? Start it with `make run` (or `todochat serve`), or pass --url."),
            style="red", highlight=False,
        )
        return False
    return True


def _refusal(exc: ChatKitError, url: str, source: TokenSource) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    return refusal_advice(str(body.get("message") or exc), url=url, source=source)


def _print_item(console: Console, item: dict[str, Any]) -> None:
    kind = item.get("type")
    if kind == "user_message":
        text = "".join(p.get("text", "") for p in item.get("content", []))
        console.print(f"[bold]you>[/bold] {escape_markup(text)}", markup=True, highlight=False)
    elif kind == "assistant_message":
        text = "".join(p.get("text", "") for p in item.get("content", []))
        console.print(f"[bold cyan]todochat>[/bold cyan] {escape_markup(text)}", highlight=False)
    elif kind == "widget":
        console.print(widget_table(item["widget"]))
