"""Bearer tokens (RFC 7519 JWTs, PyJWT): minted here with the local HS256 secret, or by an identity
provider and verified with its JWKS (RS256/ES256/EdDSA).

The policy every front shares (REST, ChatKit, MCP, rate limits):

- ``exp`` and ``iat`` are required; ``exp − iat`` at most ``TODOCHAT_JWT_MAX_TTL_MINUTES``;
  ``exp``, ``nbf`` and ``iat`` are checked with ``TODOCHAT_JWT_LEEWAY_SECONDS`` of clock skew.
- ``iss`` / ``aud`` must match ``TODOCHAT_JWT_ISSUER`` / ``TODOCHAT_JWT_AUDIENCE`` when set.
- The user id is the ``TODOCHAT_JWT_SUBJECT_CLAIM`` claim (``sub``), normalised by
  :func:`normalize_subject` (NFC; surrounding white space, control characters and empty refused).
- The algorithm is chosen by the key, never by the token alone: HS256 only with the local
  secret, RS256/ES256/EdDSA only with a key of the configured JWKS; ``none`` never (RFC 8725 §3.1).
- Revocation: tokens minted here carry the user's token version (``todochat_ver``);
  :func:`authenticate` refuses signed-out tokens (:mod:`todochat.revocation`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

import anyio.to_thread
import jwt
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.config import Settings
from todochat.context import utcnow
from todochat.errors import AuthError
from todochat.revocation import check_not_revoked, token_state

ALGORITHM = "HS256"
"""The algorithm of tokens signed with the local secret."""
JWKS_ALGORITHMS = ("RS256", "ES256", "EdDSA")
"""The algorithms accepted from an identity provider's JWKS."""
VERSION_CLAIM = "todochat_ver"
"""The token version claim of tokens minted here (a private claim name, RFC 7519 §4.3: providers
use ``ver`` for other things, e.g. Microsoft's ``"ver": "2.0"``); read from local tokens only."""
MAX_SUBJECT = 255


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says: the user, its token version (None from a provider), ``iat``."""

    user_id: str
    version: int | None
    issued_at: float


def normalize_subject(value: object) -> str:
    """The user id a subject names: Unicode NFC (UAX #15), so ``"Zoë"`` typed composed or
    decomposed is one user.

    Refused rather than repaired: surrounding white space (``" alice"`` is not ``"alice"``, and
    silently stripping would let two spellings meet), control and format characters (Unicode
    category C: terminal escapes, zero-width and bidi marks), white space other than U+0020, and
    empty or over-long (> 255 characters) values.

    Raises:
        ValueError: the value is not a usable user id (the message says why).
    """
    if not isinstance(value, str):
        raise ValueError("The user id must be a string.")
    subject = unicodedata.normalize("NFC", value)
    if not subject:
        raise ValueError("The user id is empty.")
    if subject != subject.strip():
        raise ValueError("The user id must not begin or end with white space.")
    if len(subject) > MAX_SUBJECT:
        raise ValueError("The user id must be at most 255 characters.")
    for char in subject:
        if unicodedata.category(char).startswith("C") or (char.isspace() and char != " "):
            raise ValueError("The user id must not contain control characters or special white space.")
    return subject


def issue_token(
    subject: str, settings: Settings, *, ttl_minutes: int | None = None, version: int = 0
) -> str:
    """Sign a token for user ``subject`` with the local secret (HS256).

    Args:
        subject: the user id (see :func:`normalize_subject`; NFC-normalised here).
        ttl_minutes: lifetime; default ``settings.jwt_ttl_minutes``, at most
            ``settings.jwt_max_ttl_minutes``.
        version: the user's current token version (:func:`todochat.revocation.token_state`);
            a token with an older one is refused.

    Returns:
        The compact JWT, with ``iss``/``aud`` when those settings are set.

    Raises:
        ValueError: an unusable subject, or a ttl that is not positive or is over the maximum.
    """
    subject = normalize_subject(subject)
    ttl = settings.jwt_ttl_minutes if ttl_minutes is None else ttl_minutes
    if ttl <= 0:
        raise ValueError("--ttl-minutes must be positive.")
    if ttl > settings.jwt_max_ttl_minutes:
        raise ValueError(f"--ttl-minutes must be at most {settings.jwt_max_ttl_minutes} (TODOCHAT_JWT_MAX_TTL_MINUTES).")
    now = utcnow()
    payload: dict[str, Any] = {
        "sub": subject,
        settings.jwt_subject_claim: subject,
        "iat": now,
        "exp": now + timedelta(minutes=ttl),
        VERSION_CLAIM: version,
    }
    if settings.jwt_issuer:
        payload["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        payload["aud"] = settings.jwt_audience
    return jwt.encode(payload, settings.resolved_jwt_secret(), algorithm=ALGORITHM)


@lru_cache(maxsize=8)
def jwks_client(url: str, cache_seconds: float, cooldown_seconds: float) -> jwt.PyJWKClient:
    """The process's :class:`jwt.PyJWKClient` for ``url``: the key set is cached for
    ``cache_seconds``; a token naming an unknown ``kid`` makes it fetch the set again (a rotated
    key), at most once per ``cooldown_seconds``."""
    return jwt.PyJWKClient(
        url, cache_jwk_set=True, lifespan=cache_seconds, cooldown_duration=cooldown_seconds, timeout=10
    )


def _verification_key(token: str, settings: Settings) -> tuple[Any, str]:
    """The key and the one algorithm ``token`` may be verified with.

    Raises:
        AuthError: an algorithm not accepted here, an unknown ``kid``, or the JWKS unreachable.
    """
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.InvalidTokenError as exc:
        raise AuthError("The token is invalid.") from exc
    if algorithm == ALGORITHM:
        return settings.resolved_jwt_secret(), ALGORITHM
    if settings.jwks_url and algorithm in JWKS_ALGORITHMS:
        client = jwks_client(
            settings.jwks_url, settings.jwks_cache_seconds, settings.jwks_refetch_cooldown_seconds
        )
        try:
            signing_key = client.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise AuthError("The identity provider's keys cannot be fetched; try again shortly.") from exc
        except (jwt.PyJWKClientError, jwt.InvalidTokenError) as exc:
            raise AuthError("The token is signed with an unknown key.") from exc
        if signing_key.algorithm_name != algorithm:  # an RSA key cannot vouch for an ES256 token
            raise AuthError("The token's algorithm does not match its key.")
        return signing_key.key, algorithm
    raise AuthError("The token's signing algorithm is not accepted.")


def decode_claims(token: str, settings: Settings) -> TokenClaims:
    """Verify ``token`` against the policy of this module (no revocation check: see :func:`authenticate`).

    May fetch the JWKS over HTTP (blocking); async code calls :func:`decode_claims_async`.

    Raises:
        AuthError: malformed, forged, expired, not yet valid, too long-lived, wrong issuer or
            audience, or without a usable subject.
    """
    key, algorithm = _verification_key(token, settings)
    required = ["exp", "iat", settings.jwt_subject_claim]
    if settings.jwt_issuer:
        required.append("iss")
    if settings.jwt_audience:
        required.append("aud")
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway=settings.jwt_leeway_seconds,
            options={"require": required},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("The token has expired.") from exc
    except (jwt.InvalidIssuerError, jwt.InvalidAudienceError) as exc:
        raise AuthError("The token was issued for another service (iss/aud).") from exc
    except (jwt.InvalidTokenError, OverflowError, ValueError, TypeError) as exc:
        raise AuthError("The token is invalid.") from exc
    exp, iat = payload["exp"], payload["iat"]
    max_seconds = settings.jwt_max_ttl_minutes * 60
    now = utcnow().timestamp()
    if exp - iat > max_seconds or exp - now > max_seconds + settings.jwt_leeway_seconds:
        raise AuthError("The token lives longer than this server allows (TODOCHAT_JWT_MAX_TTL_MINUTES).")
    try:
        user_id = normalize_subject(payload[settings.jwt_subject_claim])
    except ValueError as exc:
        raise AuthError(f"The token has no valid subject: {exc}") from exc
    version = payload.get(VERSION_CLAIM) if algorithm == ALGORITHM else None  # a provider's: by iat
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise AuthError("The token is invalid.")
    return TokenClaims(user_id=user_id, version=version, issued_at=float(iat))


async def decode_claims_async(token: str, settings: Settings) -> TokenClaims:
    """:func:`decode_claims` off the event loop when it may fetch a JWKS (``TODOCHAT_JWKS_URL``)."""
    if settings.jwks_url:
        return await anyio.to_thread.run_sync(decode_claims, token, settings)
    return decode_claims(token, settings)


def decode_token(token: str, settings: Settings) -> str:
    """Verify ``token`` and return its user id (no revocation check: see :func:`authenticate`).

    Raises:
        AuthError: see :func:`decode_claims`.
    """
    return decode_claims(token, settings).user_id


async def check_claims(
    claims: TokenClaims, sessionmaker: async_sessionmaker[AsyncSession], *, cache_seconds: float = 0.0
) -> str:
    """Refuse signed-out tokens (a lookup in ``token_versions``, or a copy at most
    ``cache_seconds`` old); return the user id.

    Raises:
        AuthError: the token was revoked.
    """
    state = await token_state(sessionmaker, claims.user_id, max_age=cache_seconds)
    check_not_revoked(state, version=claims.version, issued_at=claims.issued_at)
    return claims.user_id


async def authenticate(
    token: str, settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> str:
    """Verify ``token`` fully (signature, policy, revocation) and return its user id.

    Raises:
        AuthError: see :func:`decode_claims`, or the token was signed out.
    """
    claims = await decode_claims_async(token, settings)
    return await check_claims(claims, sessionmaker, cache_seconds=settings.revocation_cache_seconds)


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
