"""Tables of the OAuth 2.1 authorization server for MCP (kept below the fronts: privacy export and
erasure read them too): registered clients (RFC 7591) and grants —
pending sign-ins, authorization codes, access and refresh tokens — each stored by the SHA-256 of its
secret value, never the value itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from todochat.db import Base, UTCDateTime


class OAuthClient(Base):
    """A client registered by dynamic client registration (RFC 7591).

    Attributes:
        info: the SDK's ``OAuthClientInformationFull`` as JSON (redirect URIs, name, auth method),
            without the client secret (``client_secret`` is null).
        secret_hash: hex SHA-256 of a confidential client's secret (None for a public client);
            the secret itself is shown once, in the registration response.
        authorized_at: when a user's authorization of this client last gave it tokens (None: never;
            such a client is deleted ``TODOCHAT_MCP_STALE_CLIENT_DAYS`` after it registered).
    """

    __tablename__ = "mcp_oauth_clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    info: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    secret_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    authorized_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class OAuthGrant(Base):
    """One secret of an authorization: ``kind`` is ``request`` (a sign-in waiting for the user),
    ``code``, ``access`` or ``refresh``; ``code_spent``/``refresh_spent`` once used (kept until they
    expire, so a replay is noticed and ends the authorization).

    Attributes:
        token_hash: hex SHA-256 of the secret value (the value is shown once, to the client).
        grant_id: the authorization it belongs to; revoking any token revokes every row of it.
        user_id: the user who approved it (None while a sign-in is pending).
        data: JSON of what the kind needs (PKCE challenge, redirect URI, state, scopes).
        expires_at: the instant it stops being accepted (UTC).
    """

    __tablename__ = "mcp_oauth_grants"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    grant_id: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    resource: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_mcp_oauth_grants_grant_id", "grant_id"),
        Index("ix_mcp_oauth_grants_expires_at", "expires_at"),
    )
