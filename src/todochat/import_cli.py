"""``todochat import FILE --user USER``: the import service (tasks/importing.py) on the configured
database, as ``POST /api/v1/import`` runs it, for the operator or a self-hosting user."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from todochat.tasks.imports.drafts import FORMATS

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


def import_command(
    file: Annotated[Path, typer.Argument(help="The task file: Todoist CSV, todo.txt, iCalendar (.ics), Taskwarrior JSON, todochat CSV.", exists=True, dir_okay=False, readable=True)],
    user: Annotated[str, typer.Option("--user", help="Whose tasks they become (the token's 'sub').")],
    fmt: Annotated[str | None, typer.Option("--format", help=f"One of {', '.join(FORMATS)} (default: detected).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would be added; change nothing.")] = False,
    timezone: Annotated[str | None, typer.Option("--timezone", help="Zone of the file's local times (default: the user's, else TODOCHAT_TIMEZONE).")] = None,
) -> None:
    """Import every task of FILE for USER, all or nothing, as ONE change: `undo` (chat, REST
    `POST /api/v1/tasks/undo`) removes the whole import. A bad file changes nothing and the error
    names its line. Exit status: 0 done, 1 refused (bad file, quota), 2 usage."""
    from todochat.context import Clock, RequestContext, parse_zone
    from todochat.errors import TodoError
    from todochat.presentation import escape_terminal, import_done
    from todochat.privacy_cli import _user, _with_db
    from todochat.tasks.service import TaskService

    user_id = _user(user)
    data = file.read_bytes()

    async def run(settings: Any, sessionmaker: Any) -> Any:
        service = TaskService(sessionmaker, max_tasks=settings.quota_tasks)
        zone = timezone or await service.get_timezone(user_id) or settings.timezone
        ctx = RequestContext(
            user_id=user_id, tz=parse_zone(zone), clock=Clock(fixed=settings.clock_fixed), front="cli", tool="import"
        )
        return await service.import_file(
            ctx, data, fmt, name=file.name, dry_run=dry_run, max_bytes=settings.import_max_bytes
        )

    try:
        result = _with_db(run)
    except TodoError as exc:
        err.print(Text(f"error: {escape_terminal(exc.message)}"))
        for entry in exc.details.get("errors", [])[1:]:
            err.print(Text(f"  {escape_terminal(str(entry['message']))}"))
        raise typer.Exit(1) from exc
    table = Table("where", "title", "due", "priority", "tags", "list", "parent", title=f"{result.format}: first {len(result.first)} of {result.tasks}")
    for row in result.first:
        table.add_row(
            row.line, Text(("✓ " if row.completed else "") + escape_terminal(row.title)), row.due or "", row.priority,
            Text(escape_terminal(" ".join(row.tags))), Text(escape_terminal(row.list or "")),
            Text(escape_terminal(row.parent_title or "")),  # the task it goes under (tasks/subtasks.py import_tree)
        )
    out.print(table)
    for warning in result.warnings:
        err.print(Text(f"warning: {escape_terminal(warning)}"))
    if dry_run:
        out.print(Text(f"{result.question} (dry run: nothing changed)"))
    else:
        out.print(Text(import_done(result.tasks, result.numbers[0], result.numbers[-1])))


