"""ChatKit attachments (the two-phase upload of chatkit 1.5+): ``attachments.create`` gives an
upload URL, the client uploads the file there, the message names the attachment.

Files live under ``<data dir>/attachments/<user key>/<attachment id>`` (directories 0700, files
0600, published atomically), one directory per user (``user key``: SHA-256 of the user id, so any
id is a safe name), so erasing a user removes their directory. Only importable task files are
kept (:data:`ALLOWED_TYPES`), each at most ``TODOCHAT_ATTACHMENT_MAX_BYTES``, and a user's files
together at most ``TODOCHAT_QUOTA_ATTACHMENT_BYTES`` (issue 17, item 5). The metadata (a
``chatkit.types.FileAttachment``) is in the ChatKit store's ``attachments`` table.

The upload endpoint (``PUT /chatkit/attachments/{id}/upload``) accepts the user's bearer token or
the short-lived upload token the descriptor carries in its headers (``X-Upload-Token``: a JWT
for that one attachment, signed with the server's HS256 secret), since the ChatKit web component
uploads with the descriptor's headers only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import time
from pathlib import Path, PurePath

import jwt
from chatkit.store import AttachmentStore, NotFoundError, Store
from chatkit.types import (
    Attachment,
    AttachmentCreateParams,
    AttachmentUploadDescriptor,
    FileAttachment,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.context import RequestContext
from todochat.errors import AttachmentRefused, AuthError, QuotaExceeded
from todochat.files import FILE_MODE, ensure_private_dir
from todochat.revocation import check_not_revoked, token_state

ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "text/csv": (".csv",),
    "application/csv": (".csv",),
    "application/vnd.ms-excel": (".csv",),  # how Windows browsers label a .csv file
    "text/plain": (".txt", ".csv", ".todo"),
    "text/calendar": (".ics", ".ical", ".ifb", ".icalendar"),
    "application/json": (".json",),
    "application/octet-stream": (".csv", ".txt", ".ics", ".json"),
}
"""The allow-list: content type → the file name endings accepted with it (task files only)."""
NAME_MAX = 255
UPLOAD_TOKEN_SECONDS = 15 * 60
UPLOAD_AUDIENCE = "todochat-attachment-upload"
UPLOAD_HEADER = "X-Upload-Token"
_ID = re.compile(r"^att_[0-9a-f]{32}$")


def attachment_root(data_dir: Path) -> Path:
    """Where every user's attachment files are: ``<data dir>/attachments``."""
    return data_dir / "attachments"


def erase_files(root: Path, user_id: str) -> int:
    """Remove every attachment file of ``user_id`` under ``root`` (user erasure); returns how many."""
    folder = root / user_key(user_id)
    if not folder.is_dir():
        return 0
    count = sum(1 for p in folder.iterdir() if p.is_file())
    shutil.rmtree(folder)
    return count


def user_key(user_id: str) -> str:
    """The directory name of a user's files: SHA-256 of the id (hex)."""
    return hashlib.sha256(user_id.encode()).hexdigest()


class AttachmentFiles(AttachmentStore[RequestContext]):
    """The files of ChatKit attachments, per user, with their limits.

    Args:
        store: the ChatKit store holding the attachments' metadata (its ``load_attachment`` is
            the ownership check: another user's attachment is not found).
        root: the directory of every user's files (``<data dir>/attachments``).
        secret: the HS256 secret upload tokens are signed with.
        base_url: the server's public address (``TODOCHAT_PUBLIC_URL``): upload URLs start with it.
        max_bytes: the largest file (``TODOCHAT_ATTACHMENT_MAX_BYTES``).
        quota_bytes: the most bytes one user keeps (``TODOCHAT_QUOTA_ATTACHMENT_BYTES``; 0: none).
        sessionmaker: the database holding users' token versions (todochat/revocation.py): an
            upload token carries the version of its user's tokens when it was minted and is
            refused once the user signed out everywhere, as their bearer tokens are. None: not
            checked (no database).
        revocation_cache_seconds: how old a copy of a token version may be
            (``TODOCHAT_REVOCATION_CACHE_SECONDS``; a sign-out in this process is seen at once).
    """

    def __init__(
        self,
        store: Store[RequestContext],
        root: Path,
        *,
        secret: str,
        base_url: str,
        max_bytes: int,
        quota_bytes: int,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
        revocation_cache_seconds: float = 0.0,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.revocation_cache_seconds = revocation_cache_seconds
        self.store = store
        self.root = root
        self.secret = secret
        self.base_url = base_url.rstrip("/")
        self.max_bytes = max_bytes
        self.quota_bytes = quota_bytes

    # ------------------------------------------------------------------ paths and sizes
    def user_dir(self, user_id: str) -> Path:
        """The user's directory (it may not exist yet)."""
        return self.root / user_key(user_id)

    def path(self, user_id: str, attachment_id: str) -> Path:
        """Where attachment ``attachment_id`` of the user is kept.

        Raises:
            NotFoundError: not an id this server gives (never a path outside the user's directory).
        """
        if not _ID.match(attachment_id):
            raise NotFoundError(f"Attachment {attachment_id[:60]} not found")
        return self.user_dir(user_id) / attachment_id

    def used_bytes(self, user_id: str) -> int:
        """Bytes of the user's kept files."""
        folder = self.user_dir(user_id)
        if not folder.is_dir():
            return 0
        return sum(p.stat().st_size for p in folder.iterdir() if p.is_file() and _ID.match(p.name))

    def check_type(self, name: str, mime_type: str) -> None:
        """The allow-list (:data:`ALLOWED_TYPES`).

        Raises:
            AttachmentRefused: another type, or a name that does not end as the type says (field ``mime_type``).
        """
        endings = ALLOWED_TYPES.get(mime_type.split(";")[0].strip().lower())
        suffix = PurePath(name).suffix.lower()
        if endings is None or suffix not in endings:
            raise AttachmentRefused(
                f"{name[:80]!r} ({mime_type[:60]}) is not a task file: attach a .csv, .txt (todo.txt), "
                ".ics or .json (Taskwarrior) file to import it.",
                field="mime_type",
            )

    def check_size(self, user_id: str, size: int, *, replacing: int = 0) -> None:
        """A file of ``size`` bytes fits the file limit and the user's quota.

        Raises:
            AttachmentRefused: larger than ``max_bytes`` (``status`` 413).
            QuotaExceeded: ``limit="attachment_bytes"``: the user's files would pass the quota.
        """
        if self.max_bytes and size > self.max_bytes:
            refused = AttachmentRefused(
                f"The file is {size:,} bytes; an attachment is at most {self.max_bytes:,} bytes.", field="size"
            )
            refused.status, refused.code = 413, "payload_too_large"
            raise refused
        if self.quota_bytes:
            used = self.used_bytes(user_id) - replacing
            if used + size > self.quota_bytes:
                raise QuotaExceeded(
                    f"Your attachments take {used:,} bytes; the limit is {self.quota_bytes:,} per user. "
                    "Delete some attachments (or their conversations) to upload more.",
                    limit="attachment_bytes",
                    max=self.quota_bytes,
                    setting="TODOCHAT_QUOTA_ATTACHMENT_BYTES",
                )

    # ------------------------------------------------------------------ ChatKit AttachmentStore
    def generate_attachment_id(self, mime_type: str, context: RequestContext) -> str:
        """``att_`` and 32 random hex digits."""
        return "att_" + secrets.token_hex(16)

    async def create_attachment(self, input: AttachmentCreateParams, context: RequestContext) -> Attachment:
        """Phase one of an upload: check the declared name, type and size, and return a
        ``FileAttachment`` whose ``upload_descriptor`` says where to ``PUT`` the file (with an
        upload token in its headers).

        Raises:
            AttachmentRefused: a type outside the allow-list, a name too long, or too large (413).
            QuotaExceeded: the user's attachment bytes would pass the quota.
        """
        name = input.name.strip()
        if not 1 <= len(name) <= NAME_MAX or any(c in name for c in "\x00/\\"):
            raise AttachmentRefused(f"A file name is 1 to {NAME_MAX} characters without / or \\.", field="name")
        self.check_type(name, input.mime_type)
        if input.size < 0:
            raise AttachmentRefused("size is a number of bytes.", field="size")
        self.check_size(context.user_id, input.size)
        attachment_id = self.generate_attachment_id(input.mime_type, context)
        token = self.upload_token(context.user_id, attachment_id, version=await self._token_version(context.user_id))
        return FileAttachment(
            id=attachment_id,
            name=name,
            mime_type=input.mime_type,
            upload_descriptor=AttachmentUploadDescriptor(
                url=f"{self.base_url}/chatkit/attachments/{attachment_id}/upload",  # type: ignore[arg-type]
                method="PUT",
                headers={UPLOAD_HEADER: token},
            ),
        )

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        """Remove the user's file of ``attachment_id`` (chatkit then deletes its metadata).

        Raises:
            NotFoundError: no such attachment of this user (nothing removed).
        """
        await self.store.load_attachment(attachment_id, context)
        self.path(context.user_id, attachment_id).unlink(missing_ok=True)

    # ------------------------------------------------------------------ upload and read
    async def write(self, attachment_id: str, data: bytes, context: RequestContext) -> Attachment:
        """Phase two: keep the uploaded bytes of the user's attachment (0600, atomically; an
        upload again replaces them) and mark it uploaded (``upload_descriptor`` None).

        Raises:
            NotFoundError: no such attachment of this user.
            AttachmentRefused: larger than ``max_bytes`` (413), or its type is no longer allowed.
            QuotaExceeded: the user's files would pass the quota (nothing kept).
        """
        attachment = await self.store.load_attachment(attachment_id, context)
        self.check_type(attachment.name, attachment.mime_type)
        target = self.path(context.user_id, attachment_id)
        replacing = target.stat().st_size if target.exists() else 0
        self.check_size(context.user_id, len(data), replacing=replacing)
        folder = ensure_private_dir(self.user_dir(context.user_id))
        temporary = folder / f".{attachment_id}.{secrets.token_hex(6)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        uploaded = attachment.model_copy(update={"upload_descriptor": None})
        await self.store.save_attachment(uploaded, context)
        return uploaded

    async def read(self, attachment_id: str, context: RequestContext) -> tuple[Attachment, bytes]:
        """The user's attachment and its bytes.

        Raises:
            NotFoundError: no such attachment of this user, or it was never uploaded.
        """
        attachment = await self.store.load_attachment(attachment_id, context)
        try:
            return attachment, self.path(context.user_id, attachment_id).read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"Attachment {attachment_id} has not been uploaded") from exc

    def erase_user(self, user_id: str) -> int:
        """Remove every file of the user (user erasure). Returns the number of files removed."""
        return erase_files(self.root, user_id)

    # ------------------------------------------------------------------ upload tokens
    def upload_token(self, user_id: str, attachment_id: str, *, version: int = 0) -> str:
        """A JWT (HS256, audience ``todochat-attachment-upload``) that lets its holder upload
        this one attachment of this user within :data:`UPLOAD_TOKEN_SECONDS`; ``ver`` is the
        user's token version (todochat/revocation.py) when it was minted."""
        now = int(time.time())
        claims = {
            "sub": user_id, "att": attachment_id, "ver": version, "aud": UPLOAD_AUDIENCE, "iat": now,
            "exp": now + UPLOAD_TOKEN_SECONDS,
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def check_upload_token(self, token: str, attachment_id: str) -> str:
        """The user an upload token was issued to, for ``attachment_id`` (signature, audience,
        expiry and attachment only: :meth:`upload_user` also checks sign-out).

        Raises:
            AuthError: forged, expired, or for another attachment (401).
        """
        return self._upload_claims(token, attachment_id)[0]

    async def upload_user(self, token: str, attachment_id: str) -> str:
        """The user an upload token was issued to, for ``attachment_id``, checked as
        :meth:`check_upload_token` and against sign-out: a token minted before the user signed out
        everywhere (its ``ver`` is not the user's current token version) is refused, as REST
        refuses the bearer tokens of that time (todochat/revocation.py ``check_not_revoked``).

        Raises:
            AuthError: forged, expired, for another attachment, or signed out (401).
        """
        user_id, version, issued_at = self._upload_claims(token, attachment_id)
        if self.sessionmaker is not None:
            state = await token_state(self.sessionmaker, user_id, max_age=self.revocation_cache_seconds)
            check_not_revoked(state, version=version, issued_at=issued_at)
        return user_id

    def _upload_claims(self, token: str, attachment_id: str) -> tuple[str, int, float]:
        """``(user, version, iat)`` of a valid upload token for ``attachment_id``; a token without
        ``ver`` (minted before versions were carried) counts as version 0."""
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], audience=UPLOAD_AUDIENCE, options={"require": ["exp", "sub", "att"]})
        except jwt.PyJWTError as exc:
            raise AuthError("The upload token is invalid or expired.") from exc
        if claims.get("att") != attachment_id or not isinstance(claims.get("sub"), str):
            raise AuthError("The upload token is for another attachment.")
        version = claims.get("ver", 0)
        if not isinstance(version, int) or isinstance(version, bool):
            raise AuthError("The upload token is invalid or expired.")
        return str(claims["sub"]), version, float(claims.get("iat", 0))

    async def _token_version(self, user_id: str) -> int:
        """The user's current token version (0 without a database)."""
        if self.sessionmaker is None:
            return 0
        return (await token_state(self.sessionmaker, user_id, max_age=self.revocation_cache_seconds)).version
