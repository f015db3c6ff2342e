"""Token revocation: a per-user token version (table ``token_versions``).

Tokens minted here carry the user's version in the claim ``todochat_ver``; signing out everywhere
(``POST /api/v1/me/sign-out-everywhere``, ``todochat token revoke USER``) adds one to it, so every
token minted before stops working at once, on every replica (the database is the only state).
An identity provider's tokens carry none: they are refused when issued (``iat``) at or
before the moment of the last revocation. A user without a row has version 0 and nothing revoked.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from todochat.db import Base, UTCDateTime
from todochat.errors import AuthError
from todochat.oauth_models import OAuthGrant


class TokenVersion(Base):
    """One user's token version and the instant of their last sign-out-everywhere."""

    __tablename__ = "token_versions"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


@dataclass(frozen=True)
class TokenState:
    """A user's current version (0 when never revoked) and last revocation instant (or None)."""

    version: int = 0
    revoked_at: datetime | None = None


CACHE_MAX_USERS = 10_000
_monotonic = time.monotonic  # the cache's clock (tests move it)
_cache: weakref.WeakKeyDictionary[object, dict[str, tuple[float, TokenState]]] = weakref.WeakKeyDictionary()
"""Per database (session factory): user id → (monotonic time read, state)."""


async def token_state(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: str, *, max_age: float = 0.0
) -> TokenState:
    """``user_id``'s :class:`TokenState`: one primary-key lookup, or this process's copy read less
    than ``max_age`` seconds ago (``TODOCHAT_REVOCATION_CACHE_SECONDS``; a lookup costs a SQLite
    transaction, ~1–4 ms). A revocation made in this process is seen at once; one made by another
    replica within ``max_age`` seconds."""
    now = _monotonic()
    users = _cache.setdefault(sessionmaker, {})
    if max_age > 0:
        cached = users.get(user_id)
        if cached is not None and now - cached[0] < max_age:
            return cached[1]
    state = await _read_state(sessionmaker, user_id)
    if max_age > 0:
        if len(users) >= CACHE_MAX_USERS:
            users.clear()
        users[user_id] = (now, state)
    return state


async def _read_state(sessionmaker: async_sessionmaker[AsyncSession], user_id: str) -> TokenState:
    async with sessionmaker() as session:
        row = (await session.execute(
            select(TokenVersion.version, TokenVersion.revoked_at).where(TokenVersion.user_id == user_id)
        )).first()  # fmt: skip
    return TokenState(row.version, row.revoked_at) if row else TokenState()


async def revoke_all(sessionmaker: async_sessionmaker[AsyncSession], user_id: str, now: datetime) -> int:
    """Revoke every token of ``user_id`` issued so far, in one transaction: see :func:`revoke_in`.

    Returns:
        The new version (tokens minted from now on carry it).
    """
    async with sessionmaker() as session, session.begin():
        version = await revoke_in(session, user_id, now)
    forget(sessionmaker, user_id)  # this process sees its own revocation at once
    return version


async def revoke_in(session: AsyncSession, user_id: str, now: datetime) -> int:
    """In the caller's transaction: version + 1 and ``revoked_at = now`` (one upsert, ``INSERT … ON
    CONFLICT DO UPDATE``, so concurrent revocations each count), and every MCP OAuth grant the
    user approved deleted (access and refresh tokens: "everywhere" includes MCP clients).

    Args:
        now: the instant (aware); provider tokens with ``iat`` at or before it are refused.

    Returns:
        The new version.
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    upsert = (
        insert(TokenVersion)
        .values(user_id=user_id, version=1, revoked_at=now)
        .on_conflict_do_update(
            index_elements=[TokenVersion.user_id],
            set_={"version": TokenVersion.version + 1, "revoked_at": now},
        )
        .returning(TokenVersion.version)
    )
    version = int((await session.execute(upsert)).scalar_one())
    await session.execute(delete(OAuthGrant).where(OAuthGrant.user_id == user_id))
    return version


def forget(sessionmaker: async_sessionmaker[AsyncSession], user_id: str) -> None:
    """Drop this process's cached :class:`TokenState` of ``user_id`` (after a revocation made
    through :func:`revoke_in` in another transaction)."""
    _cache.get(sessionmaker, {}).pop(user_id, None)


def check_not_revoked(state: TokenState, *, version: int | None, issued_at: float) -> None:
    """Refuse a token revoked by :func:`revoke_all`.

    Args:
        state: the user's stored :class:`TokenState`.
        version: the token's ``todochat_ver`` claim (tokens minted here), or None (a provider's token).
        issued_at: the token's ``iat`` (seconds since the epoch).

    Raises:
        AuthError: the token was signed out (→ 401).
    """
    if version is not None:
        if version != state.version:
            raise AuthError("The token was signed out; sign in again.")
        return
    if state.revoked_at is not None and issued_at <= state.revoked_at.timestamp():
        raise AuthError("The token was signed out; sign in again.")
