"""Private files (todochat/files.py): the data dir 0700, the SQLite file and the JWT secret 0600
from birth, and one secret when processes start at once (issue 17: the database was 0644 in a
0755 directory; the secret was written, then chmod-ed, and two processes could each make one)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

from todochat import migrations
from todochat.config import Settings
from todochat.files import write_once


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_data_dir_are_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    previous = os.umask(0o000)  # the worst case: every file would be world-writable
    try:
        data = tmp_path / "fresh" / "data"
        settings = Settings(data_dir=data, jwt_secret="s" * 40)
        migrations.upgrade(settings)
        secret = Settings(data_dir=data).resolved_jwt_secret()
    finally:
        os.umask(previous)
    assert mode(data) == 0o700
    assert mode(data / "todochat.db") == 0o600
    for extra in ("todochat.db-wal", "todochat.db-shm", "todochat.db.migrate-lock"):
        if (data / extra).exists():
            assert mode(data / extra) == 0o600, extra
    assert mode(data / "jwt_secret") == 0o600 and len(secret) >= 32
    assert not [p.name for p in data.iterdir() if p.name.startswith(".jwt_secret")]  # no temporary left


def test_an_existing_readable_data_dir_and_database_are_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "todochat.db").touch()
    (data / "todochat.db").chmod(0o644)
    migrations.upgrade(Settings(data_dir=data, jwt_secret="s" * 40))
    from todochat.db import make_engine

    make_engine(Settings(data_dir=data, jwt_secret="s" * 40)).sync_engine.dispose()
    assert mode(data) == 0o700 and mode(data / "todochat.db") == 0o600


def test_threads_racing_to_create_the_secret_share_one(tmp_path: Path) -> None:
    path = tmp_path / "jwt_secret"
    results: list[str] = []
    barrier = threading.Barrier(8)

    def create(n: int) -> None:
        barrier.wait()
        results.append(write_once(path, f"secret-{n}-" + "x" * 40))

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len(set(results)) == 1
    assert path.read_text() == results[0] and mode(path) == 0o600


def test_processes_starting_at_once_share_one_secret(tmp_path: Path) -> None:
    data = tmp_path / "data"
    gate = tmp_path / "go"
    code = (
        "import sys, time, pathlib; from todochat.config import Settings\n"
        "gate = pathlib.Path(sys.argv[2]); pathlib.Path(sys.argv[3]).touch()\n"
        "while not gate.exists(): time.sleep(0.001)\n"
        "print(Settings(data_dir=sys.argv[1]).resolved_jwt_secret())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TODOCHAT_")}
    ready = [tmp_path / f"ready-{n}" for n in range(4)]
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(data), str(gate), str(flag)], stdout=subprocess.PIPE, text=True, env=env)
        for flag in ready
    ]
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.01)  # every process imported and waiting: not a timing assertion
    gate.touch()  # release them together
    outputs = [proc.communicate(timeout=60)[0].strip() for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    assert len(set(outputs)) == 1 and len(outputs[0]) >= 32
    assert (data / "jwt_secret").read_text() == outputs[0]
