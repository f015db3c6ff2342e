"""``todochat reminders``: pending reminders and recent deliveries as Rich tables (user text
escaped, so a task titled ``[red]x`` prints as written)."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.notify import page


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "—"


async def print_reminders(
    sessionmaker: async_sessionmaker[AsyncSession], console: Console, *, user: str | None, limit: int = 50
) -> None:
    """Print the pending reminders and the ``limit`` most recent deliveries (of ``user``, or of
    every user when None), with status, attempts, ``late`` and the last error."""
    pending = await page.pending_reminders(sessionmaker, user)
    table = Table(title=f"Pending reminders ({len(pending)})", title_justify="left")
    for column in ("id", "user", "task", "fires at", "rule"):
        table.add_column(column)
    for reminder, number, title in pending:
        rule = f"{reminder.before_minutes} min before due" if reminder.before_minutes is not None else "at an instant"
        table.add_row(str(reminder.id), escape(reminder.user_id), f"{number} {escape(title)}",
                      _when(reminder.fire_at), rule)
    console.print(table)

    recent = await page.deliveries(sessionmaker, user, limit=limit)
    table = Table(title=f"Recent deliveries ({len(recent)})", title_justify="left")
    for column in ("id", "reminder", "user", "task", "channel", "status", "attempts", "late", "sent / next try", "last error"):
        table.add_column(column)
    styles = {"sent": "green", "failed": "red", "pending": "yellow", "sending": "yellow"}
    for d in recent:
        when = _when(d.sent_at) if d.status == "sent" else ("gave up" if d.status == "failed" else _when(d.next_attempt_at))
        table.add_row(
            str(d.id), str(d.reminder_id), escape(d.user_id), f"{d.task_number} {escape(d.task_title or '')}",
            d.channel, f"[{styles.get(d.status, 'white')}]{d.status}[/]", str(d.attempts),
            "late" if d.late else "", when, escape(d.last_error or ""),
        )
    console.print(table)
