"""The ``todochat`` command (Typer): serve, chat, mcp, token, eval, db, reminders, docs."""

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
from todochat.export_cli import export_command
from todochat.import_cli import import_command
from todochat.privacy_cli import audit_command, user_app

app = typer.Typer(help="todochat: a chat assistant for your task list (ChatKit, REST, MCP).", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations (Alembic).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")  # user export|delete (privacy_cli.py)
app.command("audit")(audit_command)
app.command("export")(export_command)  # todochat export [--format csv|ics] [--output FILE] (export_cli.py)
app.command("import")(import_command)  # import_cli.py
err = Console(stderr=True, soft_wrap=True)


def _safe(text: str) -> str:
    """``text`` for a Rich print with markup: see :func:`todochat.presentation.escape_markup`."""
    from todochat.presentation import escape_markup

    return escape_markup(text)


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
        err.print(f"[red]error:[/red] {_safe(message)}", markup=True, highlight=False)
        raise typer.Exit(2) from exc


def check_database_or_exit(settings: Settings) -> None:
    """Connect once; a malformed URL or unreachable database exits 2 with one line naming
    TODOCHAT_DATABASE_URL (password masked)."""
    from todochat.db import check_database
    from todochat.errors import ConfigurationError

    try:
        asyncio.run(check_database(settings))
    except ConfigurationError as exc:
        err.print(f"[red]error:[/red] {_safe(exc.message)}")
        raise typer.Exit(2) from exc


def upgrade_or_exit(settings: Settings) -> None:
    """Run migrations; an unreachable/malformed database or unknown revision exits 2 with one line."""
    from todochat import migrations
    from todochat.errors import ConfigurationError

    check_database_or_exit(settings)
    try:
        migrations.upgrade(settings)
    except ConfigurationError as exc:
        err.print(f"[red]error:[/red] {_safe(exc.message)}")
        raise typer.Exit(2) from exc
    except Exception as exc:  # any driver error becomes one line naming the setting
        err.print(f"[red]error:[/red] TODOCHAT_DATABASE_URL: cannot use the database ({type(exc).__name__}: {_safe(str(exc).splitlines()[0] if str(exc) else '')})")
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
    """Upgrade the database, print the URL to open (with the local user's token), and serve HTTP.

    MCP clients connect by URL at /mcp (OAuth sign-in); the metadata they discover names TODOCHAT_PUBLIC_URL (default http://HOST:PORT), never the request's Host header.
    """
    import uvicorn

    from todochat.api.app import create_app
    from todochat.errors import ConfigurationError
    from todochat.logging import configure_logging
    from todochat.warmup import warm_up

    settings = load_settings()
    os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")
    configure_logging(settings.log_level, settings.log_format)
    if not settings.public_url:  # the address MCP's OAuth metadata names (never a request's Host header)
        listen = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        settings.public_url = f"http://{f'[{listen}]' if ':' in listen else listen}:{port}"
    try:
        application = create_app(settings)  # before migrating: a bad model setting is the one line shown
    except ConfigurationError as exc:
        err.print(f"[red]error:[/red] {_safe(exc.message)}")
        raise typer.Exit(2) from exc
    upgrade_or_exit(settings)
    _exit_if_port_busy(host, port)  # before printing a sign-in link that would open someone else's server
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if settings.environment == "local":
        token = local_token(settings.local_user, settings)
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
    warm_up()  # the first turn's lazy work, done now (todochat/warmup.py)
    gc.freeze()  # the imported app is long-lived: keep it out of every GC pass (~1 ms per turn)
    uvicorn.run(
        application,
        host=host,
        port=port,
        log_config=None,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        proxy_headers=False,  # X-Forwarded-* only from TODOCHAT_TRUSTED_PROXIES (api/security.py)
        server_header=False,
    )


def local_token(subject: str, settings: Settings, *, ttl_minutes: int | None = None) -> str:
    """A token for ``subject`` signed with the local secret, carrying the user's current token
    version read from the database (version 0 when the database has no such table yet).

    Raises:
        ValueError: an unusable subject or ttl (see :func:`todochat.api.auth.issue_token`).
    """
    from todochat.api.auth import issue_token, normalize_subject

    return issue_token(subject, settings, ttl_minutes=ttl_minutes,
                       version=asyncio.run(_token_version(normalize_subject(subject), settings)))  # fmt: skip


async def _token_version(user_id: str, settings: Settings) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from todochat.db import make_engine, make_sessionmaker
    from todochat.revocation import token_state

    engine = make_engine(settings)
    try:
        return (await token_state(make_sessionmaker(engine), user_id)).version
    except (SQLAlchemyError, OSError):  # not migrated yet: nothing was ever revoked
        return 0
    finally:
        await engine.dispose()


async def _revoke(user_id: str, settings: Settings) -> int:
    from todochat.context import utcnow
    from todochat.db import make_engine, make_sessionmaker
    from todochat.revocation import revoke_all

    engine = make_engine(settings)
    try:
        return await revoke_all(make_sessionmaker(engine), user_id, utcnow())
    finally:
        await engine.dispose()


@app.command()
def token(
    subject: Annotated[str, typer.Argument(help="The user id (JWT 'sub'), or 'revoke' followed by a user id.")],
    user: Annotated[str | None, typer.Argument(help="With 'revoke': the user whose tokens to revoke.")] = None,
    ttl_minutes: Annotated[int | None, typer.Option("--ttl-minutes", help="Lifetime in minutes (at most TODOCHAT_JWT_MAX_TTL_MINUTES).")] = None,
) -> None:
    """Print a signed token for SUBJECT (and nothing else on stdout).

    `todochat token revoke USER` signs USER out everywhere instead: every token of USER issued
    so far (here or by the identity provider) is refused from now on.
    """
    from todochat.api.auth import normalize_subject
    from todochat.presentation import escape_markup, escape_terminal

    settings = load_settings()
    try:
        if user is not None:
            if subject != "revoke":
                raise ValueError(f"Unexpected extra argument {user!r}; did you mean 'todochat token revoke USER'?")
            user_id = normalize_subject(user)
            upgrade_or_exit(settings)
            version = asyncio.run(_revoke(user_id, settings))
            err.print(f"Signed out every token of {escape_terminal(user_id)} (token version {version}).", markup=False, highlight=False)
            return
        typer.echo(local_token(subject, settings, ttl_minutes=ttl_minutes))
    except ValueError as exc:
        err.print(f"[red]error:[/red] {escape_markup(str(exc))}")
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
        err.print(f"[red]error:[/red] {_safe(str(exc))}")
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
    """Chat with a running server over the ChatKit protocol (Ctrl-D or 'exit' to quit).

    Without --token it signs a token for TODOCHAT_LOCAL_USER with this machine's secret
    (TODOCHAT_JWT_SECRET, or TODOCHAT_DATA_DIR/jwt_secret): run it with the server's settings. A
    token the server refuses ends the session with the reason and what to do (exit 1).
    """
    from todochat.chat_cli import run_chat
    from todochat.token_advice import TokenSource

    settings = load_settings()
    source = TokenSource(minted_here=False)
    if token_ is None:
        from_env = bool(settings.jwt_secret)
        token_ = local_token(settings.local_user, settings)
        source = TokenSource(minted_here=True, user=settings.local_user, data_dir=settings.data_dir, secret_from_env=from_env)
    code = asyncio.run(run_chat(url, token_, thread, timezone, source))
    if code:
        raise typer.Exit(code)


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


@app.command()
def reminders(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's (default: every user).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="How many recent deliveries.")] = 50,
) -> None:
    """List pending reminders and recent deliveries (channel, status, attempts, late, last error)."""
    from todochat.db import make_engine, make_sessionmaker
    from todochat.notify.report import print_reminders

    settings = load_settings()
    upgrade_or_exit(settings)

    async def show() -> None:
        engine = make_engine(settings)
        try:
            await print_reminders(make_sessionmaker(engine), Console(), user=user, limit=limit)
        finally:
            await engine.dispose()

    asyncio.run(show())


@app.command()
def docs(
    check: Annotated[bool, typer.Option("--check", help="Only check; exit 1 when the file is out of date.")] = False,
) -> None:
    """Regenerate the tools table of docs/agent-tools.md from the operation declarations
    (src/todochat/tasks/operations.py); run it after adding an operation or an argument."""
    from todochat.tasks.operations import DOCS, main

    if not DOCS.is_file():
        err.print(f"{DOCS} not found: run this in a source checkout.")
        raise typer.Exit(2)
    code = main(["--check"] if check else [])
    if code == 0:
        Console().print(f"{DOCS} is up to date." if check else f"Wrote {DOCS}.")
    raise typer.Exit(code)


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


def _exit_if_port_busy(host: str, port: int) -> None:
    """Exit 1 with a clear message when ``host:port`` (TCP) is already taken by another process.

    Raises:
        typer.Exit: the port is busy (another ``todochat serve``, or any other server).
    """
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            err.print(
                f"[red]error:[/red] port {port} on {host} is busy ({exc.strerror}): another todochat or server runs there. "
                f'Stop it, or choose another port: make run ARGS="--port {port + 1}" (todochat serve --port {port + 1}).'
            )
            raise typer.Exit(1) from exc
