"""The ``todochat`` command (Typer): serve, chat, mcp, token, eval, db."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from todochat.config import Settings, get_settings

app = typer.Typer(help="todochat: a chat assistant for your task list (ChatKit, REST, MCP).", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations (Alembic).", no_args_is_help=True)
app.add_typer(db_app, name="db")
err = Console(stderr=True, soft_wrap=True)


def load_settings() -> Settings:
    """Settings from the environment; a malformed setting exits 2 with a one-line error."""
    from pydantic import ValidationError

    try:
        return get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        if first.get("loc"):
            message = f"TODOCHAT_{str(first['loc'][0]).upper()}: {message}"
        err.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
        raise typer.Exit(2) from exc


def check_database_or_exit(settings: Settings) -> None:
    """Connect once; a malformed URL or unreachable database exits 2 with one line naming
    TODOCHAT_DATABASE_URL (password masked)."""
    from todochat.db import check_database
    from todochat.errors import ConfigurationError

    try:
        asyncio.run(check_database(settings))
    except ConfigurationError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(2) from exc


def upgrade_or_exit(settings: Settings) -> None:
    """Run migrations; an unreachable/malformed database or unknown revision exits 2 with one line."""
    from todochat import migrations
    from todochat.errors import ConfigurationError

    check_database_or_exit(settings)
    try:
        migrations.upgrade(settings)
    except ConfigurationError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(2) from exc
    except Exception as exc:  # any driver error becomes one line naming the setting
        err.print(f"[red]error:[/red] TODOCHAT_DATABASE_URL: cannot use the database ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
        raise typer.Exit(2) from exc


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(
        min=1, max=64,
        help="Worker processes (uvicorn workers), each a full app with its own database pool; about one "
        "per CPU core. PostgreSQL scales across them. SQLite: every worker has its own writer "
        "connection and writes queue on the database file's lock (busy timeout 30 s), turns of one "
        "thread still run one at a time (a file lock in the data directory), and one worker "
        "already saturates the single writer for most loads.",
    )] = 1,
) -> None:
    """Upgrade the database, print the URL to open (with the local user's token), and serve HTTP."""
    import uvicorn

    from todochat.api.app import create_app
    from todochat.api.auth import issue_token
    from todochat.errors import ConfigurationError
    from todochat.logging import configure_logging

    settings = load_settings()
    os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")
    configure_logging(settings.log_level, settings.log_format)
    try:
        application = create_app(settings)  # before migrating: a bad model setting is the one line shown
    except ConfigurationError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(2) from exc
    upgrade_or_exit(settings)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if settings.environment == "local":
        token = issue_token(settings.local_user, settings)
        typer.echo(f"todochat is running on the {settings.model} model. Open:\n  http://{shown_host}:{port}/#token={token}")
    else:  # a shared deployment: no login token in the logs
        typer.echo(f"todochat is running on the {settings.model} model at http://{shown_host}:{port}/ (issue tokens with `todochat token USER`)")
    sys.stdout.flush()
    if workers > 1:  # each worker process builds its app from the same environment
        uvicorn.run(
            "todochat.api.app:worker_app",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_config=None,
            timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        )
        return
    gc.freeze()  # the imported app is long-lived: keep it out of every GC pass (~1 ms per turn)
    uvicorn.run(
        application,
        host=host,
        port=port,
        log_config=None,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )


@app.command()
def token(
    subject: Annotated[str, typer.Argument(help="The user id (JWT 'sub').")],
    ttl_minutes: Annotated[int | None, typer.Option("--ttl-minutes", help="Lifetime in minutes.")] = None,
) -> None:
    """Print a signed token for SUBJECT (and nothing else on stdout)."""
    from todochat.api.auth import issue_token

    try:
        typer.echo(issue_token(subject, load_settings(), ttl_minutes=ttl_minutes))
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


@app.command()
def mcp(
    user: Annotated[str | None, typer.Option("--user", help="Act as this user (default: TODOCHAT_LOCAL_USER).")] = None,
) -> None:
    """Serve MCP on stdin/stdout for a local client (Claude Desktop, Cursor, Codex ...)."""
    from todochat.logging import configure_logging
    from todochat.mcp.stdio import acting_user, run_stdio

    settings = load_settings()
    try:
        user_id = acting_user(settings, user)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    configure_logging(settings.log_level, settings.log_format)  # stderr: stdout carries the protocol
    upgrade_or_exit(settings)
    run_stdio(settings, user_id, migrate=False)


@app.command()
def chat(
    url: Annotated[str, typer.Option(help="The todochat server.")] = "http://127.0.0.1:8000",
    thread: Annotated[str | None, typer.Option("--thread", help="Resume this thread id.")] = None,
    token_: Annotated[str | None, typer.Option("--token", help="Bearer token (default: the local user's).")] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA time zone (default: this machine's).")] = None,
) -> None:
    """Chat with a running server over the ChatKit protocol (Ctrl-D or 'exit' to quit)."""
    from todochat.chat_cli import run_chat

    settings = load_settings()
    if token_ is None:
        from todochat.api.auth import issue_token

        token_ = issue_token(settings.local_user, settings)
    asyncio.run(run_chat(url, token_, thread, timezone))


@app.command("eval")
def eval_(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A JSONL file of cases.")],
    report: Annotated[Path | None, typer.Option("--report", help="Write a JSON report here.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="TODOCHAT_MODEL to evaluate.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Run conversation cases (shared/eval format); ends with 'N passed, M failed'."""
    from todochat.eval_cli import run_eval

    os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")
    failed = asyncio.run(run_eval(path, report, model or load_settings().model, quiet))
    raise typer.Exit(1 if failed else 0)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the database to the newest revision."""
    settings = load_settings()
    upgrade_or_exit(settings)
    typer.echo("database is at the newest revision")


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision (or 'empty')."""
    from todochat import migrations

    settings = load_settings()
    check_database_or_exit(settings)
    typer.echo(migrations.current_revision(settings) or "empty")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "-1") -> None:
    """Downgrade the database (default: one revision)."""
    from todochat import migrations

    migrations.downgrade(load_settings(), revision)
    typer.echo("downgraded")


if __name__ == "__main__":
    app()
