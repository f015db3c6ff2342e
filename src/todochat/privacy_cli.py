"""``todochat user export|delete USER`` and ``todochat audit``: the operator's side of
``todochat.privacy`` (the same functions ``/api/v1/me/export``, ``DELETE /api/v1/me`` and
``/api/v1/audit`` call), acting directly on the configured database."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

user_app = typer.Typer(help="A user's data: export it or delete it.", no_args_is_help=True)
out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)
T = TypeVar("T")

UserArg = Annotated[str, typer.Argument(help="The user id (the token's 'sub').")]


def _user(value: str) -> str:
    user = value.strip()
    if not user or len(user) > 255:
        err.print("[red]error:[/red] USER must be 1–255 characters.")
        raise typer.Exit(2)
    return user


def _with_db(work: Callable[[Any, Any], Awaitable[T]]) -> T:
    """Run ``work(settings, sessionmaker)`` on the migrated configured database."""
    from todochat.cli import load_settings, upgrade_or_exit
    from todochat.db import make_engine, make_sessionmaker

    settings = load_settings()
    upgrade_or_exit(settings)

    async def run() -> T:
        engine = make_engine(settings)
        try:
            return await work(settings, make_sessionmaker(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _now(settings: Any) -> Any:
    from todochat.context import Clock

    return Clock(fixed=settings.clock_fixed).now()


@user_app.command("export")
def export(
    user: UserArg,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (created 0600) instead of stdout.")] = None,
) -> None:
    """Print everything stored for USER as one JSON document (format todochat-export, version 1):
    tasks with tags and reminders, the change journal, settings, threads with their items,
    feedback and attachments."""
    from todochat.privacy import export_user

    user_id = _user(user)
    document = _with_db(lambda settings, sm: export_user(sm, user_id, now=_now(settings)))
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    err.print(Text(f"Wrote {output} ({sum(document['counts'].values())} rows)."))


@user_app.command("delete")
def delete(
    user: UserArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete everything stored for USER (tasks, journal, settings, threads, items, feedback,
    attachments) in one transaction. Asks first, showing the counts, unless --yes. Other users'
    data is untouched. Cannot be undone: export first if in doubt."""
    from todochat.privacy import count_user_data, delete_user, describe_counts

    user_id = _user(user)
    if not yes:
        counts = _with_db(lambda _s, sm: count_user_data(sm, user_id))
        if not any(counts.values()):
            out.print(Text(f"{user_id!r} has no data; nothing to delete."))
            return
        err.print(Text(f"This deletes all data of {user_id!r} for good: {describe_counts(counts)}."))
        if not typer.confirm("Delete it?", default=False, err=True):
            err.print("Nothing deleted.")
            raise typer.Exit(1)
    from todochat.conversations.attachments import attachment_root

    deleted = _with_db(lambda s, sm: delete_user(sm, user_id, attachment_root=attachment_root(s.data_dir)))
    out.print(Text(f"Deleted {describe_counts(deleted.counts)} of {user_id!r}."))


def audit_command(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's changes (default: every user's).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many entries, newest first.")] = 50,
    before: Annotated[int | None, typer.Option("--before", min=1, help="Only entries with an id below this (paging).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line instead of a table.")] = False,
) -> None:
    """The change journal as an audit log, newest first: when, who, which front (chat, widget,
    rest, mcp, cli), which tool, which tasks, what changed, and whether it is undone."""
    from todochat.context import Clock, RequestContext
    from todochat.privacy import audit_log

    user_id = _user(user) if user is not None else None

    async def read(settings: Any, sm: Any) -> Any:
        reader = RequestContext(
            user_id=user_id or "", tz=ZoneInfo(settings.timezone), clock=Clock(fixed=settings.clock_fixed),
            front="cli", tool="audit",
        )
        return await audit_log(sm, reader, user_id=user_id, limit=limit, before=before)

    entries = _with_db(read)
    if as_json:
        for entry in entries:
            typer.echo(entry.model_dump_json())
        return
    if not entries:
        out.print("No changes recorded.")
        return
    table = Table("id", "when (UTC)", "user", "front", "tool", "action", "tasks", "summary")
    for e in entries:
        tasks = ", ".join(f"{t.number} {t.title}" for t in e.tasks)
        table.add_row(
            str(e.id), e.when.strftime("%Y-%m-%d %H:%M:%S"), Text(e.user_id), e.front or "-", Text(e.tool or "-"),
            e.action + (" (undone)" if e.undone else ""), Text(tasks), Text(e.summary),
        )
    out.print(table)
