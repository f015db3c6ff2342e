"""Private files of todochat: the data directory 0700, its files 0600, created atomically.

Other local accounts must not read a user's tasks or the JWT secret, so every file todochat
creates is born with its final mode (``os.open(..., 0o600)``, never written and then chmod-ed),
and a file two processes may create at once (the generated JWT secret) is published with
``os.link``, which fails when the name exists: exactly one writer wins, every process reads its
content.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) with mode 0700; tighten it to 0700 when it exists, is
    ours and is readable by others.

    Returns:
        ``path``.

    Raises:
        OSError: it cannot be created (e.g. a file is in the way, no permission).
    """
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    tighten(path, DIR_MODE)
    return path


def tighten(path: Path, mode: int) -> None:
    """``chmod path mode`` when the file exists, belongs to this process's user and grants
    group/other any permission; otherwise nothing (someone else's file is left alone)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(mode)


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 unless it exists (``O_CREAT | O_EXCL``).

    Returns:
        True when this call created it, False when it already existed.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def write_once(path: Path, content: str) -> str:
    """Publish ``content`` at ``path`` unless the file exists; return what ``path`` holds.

    The content is written and fsync-ed to a temporary 0600 file in the same directory, then
    hard-linked to ``path`` (atomic; fails if ``path`` exists). So of several processes or threads
    calling this at once with different content, exactly one wins and all return the winner's.

    Raises:
        OSError: the directory is not writable, or the file system has no hard links.
    """
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process won: read its secret
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text(encoding="utf-8").strip()
