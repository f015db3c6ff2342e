"""Pytest plugin: a throwaway PostgreSQL cluster the test session starts (initdb/pg_ctl) and stops.

The cluster lives in a temporary directory, listens on 127.0.0.1 on a free port, trusts local
connections and runs with fsync off (it is thrown away; commits are still synchronous). Each test that asks for ``pg_url`` gets a
fresh, empty database, dropped after the test. When the binaries are missing, PostgreSQL tests skip
on a developer machine but fail loudly when ``CI`` is set (install them with
``scripts/ensure-system-deps.sh``).
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import asyncpg
import pytest

_counter = itertools.count(1)


def find_pg_bin() -> Path | None:
    """``$PG_BINDIR`` if set, else the newest ``/usr/lib/postgresql/*/bin`` (Debian) holding
    ``pg_ctl``, else the directory of ``pg_ctl`` on PATH; None when there is none."""
    if os.environ.get("PG_BINDIR"):
        bindir = Path(os.environ["PG_BINDIR"])
        return bindir if (bindir / "pg_ctl").exists() else None
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgCluster:
    """One PostgreSQL cluster in a temporary directory, run as the ``postgres`` user when we are root.

    Attributes:
        port: the TCP port on 127.0.0.1.
        root: its directory (data in ``root/data``, log in ``root/log``): a new temporary one
            unless given (to stop a cluster left behind by a killed session).
    """

    def __init__(self, bindir: Path, root: Path | None = None) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._conn: asyncpg.Connection | None = None
        if root is None:
            root = Path(tempfile.mkdtemp(prefix="todochat-pg-"))
            (root / "owner.pid").write_text(str(os.getpid()))
            if self.as_root:
                shutil.chown(root, user="postgres", group="postgres")
        self.root = root
        self.data = root / "data"
        self.log = root / "log"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        return subprocess.run(
            [*prefix, *args],
            capture_output=True,
            text=True,
            check=check,
            cwd=self.root,
            timeout=120,
        )

    def init(self) -> None:
        """``initdb`` a fresh cluster (trust auth, UTF-8, no fsync)."""
        try:
            self._run(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            )
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"initdb failed: {exc.stderr or exc.stdout}") from exc

    def start(self) -> None:
        """Start the server and wait until it accepts connections.

        Raises:
            RuntimeError: with the server log when it does not come up.
        """
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.root}",
                # fsync off: the cluster is thrown away; synchronous_commit stays on, so a
                # crash-like stop (-m immediate) never loses an acknowledged commit
                "-c fsync=off -c full_page_writes=off",
                "-c max_connections=300 -c shared_buffers=32MB",
            ]
        )
        result = self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{log[-2000:]}")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast`` disconnects clients; ``immediate`` is a crash-like stop)."""
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False
        )

    def is_running(self) -> bool:
        """True while the server runs (``pg_ctl status``)."""
        status = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return status.returncode == 0

    def destroy(self) -> None:
        """Stop the server and remove its directory."""
        if self._loop is not None:
            if self._conn is not None:
                asyncio.run_coroutine_threadsafe(self._conn.close(timeout=5), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str = "postgres", driver: str = "postgresql+asyncpg") -> str:
        """An SQLAlchemy URL (``driver=postgresql`` gives a libpq/asyncpg DSN) for ``dbname``."""
        return f"{driver}://postgres@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        """Run ``sql`` as the superuser on the ``postgres`` database (one kept connection,
        reopened after the server restarts)."""
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            threading.Thread(target=self._loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._admin(sql), self._loop).result(timeout=60)

    async def _admin(self, sql: str) -> None:
        for attempt in (1, 2):
            if self._conn is None or self._conn.is_closed():
                self._conn = await asyncpg.connect(self.url(driver="postgresql"), timeout=10)
            try:
                await self._conn.execute(sql)
                return
            except (asyncpg.exceptions.ConnectionDoesNotExistError, OSError):
                self._conn = None
                if attempt == 2:
                    raise

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (from ``template0``) and return its asyncpg SQLAlchemy URL."""
        name = name or f"test_{os.getpid()}_{next(_counter)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database of ``url``, disconnecting whoever still uses it."""
        name = url.rsplit("/", 1)[1]
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reap_stale_clusters(bindir: Path) -> None:
    """Stop and remove clusters left behind by killed test sessions (their owner pid is gone)."""
    for root in Path(tempfile.gettempdir()).glob("todochat-pg-*"):
        try:
            owner = int((root / "owner.pid").read_text())
            os.kill(owner, 0)
            continue  # its session is still running
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # not ours to judge (no or unreadable owner file)
        PgCluster(bindir, root).destroy()


def start_cluster() -> PgCluster:
    """Create and start a new throwaway cluster.

    Raises:
        RuntimeError: the PostgreSQL binaries are missing or the server does not start.
    """
    bindir = find_pg_bin()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin); "
            "run scripts/ensure-system-deps.sh or apt-get install postgresql"
        )
    reap_stale_clusters(bindir)
    cluster = PgCluster(bindir)
    try:
        cluster.init()
        cluster.start()
    except BaseException:
        cluster.destroy()
        raise
    return cluster


def unavailable(what: str, reason: str) -> NoReturn:
    """Skip the test on a developer machine, but fail it when ``CI`` is set: in CI a test that
    needs a system service must never silently skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI: {reason}", pytrace=False)
    pytest.skip(f"{what} unavailable: {reason}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """The session's throwaway PostgreSQL cluster (started on first use, removed at the end)."""
    try:
        cluster = start_cluster()
    except RuntimeError as exc:
        unavailable("PostgreSQL", str(exc))
    yield cluster
    cluster.destroy()


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the session cluster; dropped after the test."""
    url = pg_cluster.create_database()
    yield url
    # a test may have stopped the cluster: it is removed at session end anyway
    with contextlib.suppress(OSError, asyncpg.PostgresError):
        pg_cluster.drop_database(url)
