"""Bearer tokens: HS256 JWTs (PyJWT) whose ``sub`` is the user id (RFC 7519)."""

from __future__ import annotations

from datetime import timedelta

import jwt

from todochat.config import Settings
from todochat.context import utcnow
from todochat.errors import AuthError

ALGORITHM = "HS256"
MAX_SUBJECT = 255


def issue_token(subject: str, settings: Settings, *, ttl_minutes: int | None = None) -> str:
    """Sign a token for user ``subject``.

    Args:
        subject: the user id (1–255 characters, no surrounding spaces).
        ttl_minutes: lifetime; default ``settings.jwt_ttl_minutes``.

    Returns:
        The compact JWT (``header.payload.signature``).

    Raises:
        ValueError: an empty or over-long subject, or a non-positive ttl.
    """
    subject = subject.strip()
    if not subject or len(subject) > MAX_SUBJECT:
        raise ValueError("The user name must be 1–255 characters.")
    ttl = settings.jwt_ttl_minutes if ttl_minutes is None else ttl_minutes
    if ttl <= 0:
        raise ValueError("--ttl-minutes must be positive.")
    now = utcnow()
    payload = {"sub": subject, "iat": now, "exp": now + timedelta(minutes=ttl)}
    return jwt.encode(payload, settings.resolved_jwt_secret(), algorithm=ALGORITHM)


def decode_token(token: str, settings: Settings) -> str:
    """Verify ``token`` and return its user id (``sub``).

    Raises:
        AuthError: malformed, forged (bad signature), expired, or without ``sub``/``exp``.
    """
    try:
        payload = jwt.decode(
            token,
            settings.resolved_jwt_secret(),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "exp"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("The token has expired.") from exc
    except jwt.InvalidTokenError as exc:
        raise AuthError("The token is invalid.") from exc
    subject = payload.get("sub")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT:
        raise AuthError("The token has no valid subject.")
    return subject


def bearer_token(header: str | None) -> str:
    """Extract the token from an ``Authorization: Bearer <token>`` header (RFC 6750 §2.1).

    Raises:
        AuthError: the header is missing or not a bearer credential.
    """
    if not header:
        raise AuthError("Missing Authorization header: send 'Authorization: Bearer <token>'.")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("The Authorization header must be 'Bearer <token>'.")
    return token.strip()
