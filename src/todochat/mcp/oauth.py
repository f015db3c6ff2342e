"""The OAuth 2.1 authorization server of ``/mcp``: the MCP SDK's ``OAuthAuthorizationServerProvider``
over SQL, so MCP clients (claude.ai, ChatGPT, Cursor) connect by URL.

The SDK's handlers do the protocol (RFC 6749 + PKCE S256 only, RFC 7591 registration, RFC 7009
revocation, RFC 8414 metadata); this module keeps their state. Every secret (pending sign-in,
authorization code, access and refresh token, a confidential client's secret) is random, shown once
and stored only as its SHA-256. The SDK's client authentication compares a stored plain secret, so
``/token`` and ``/revoke`` authenticate through :class:`HashedSecretAuthenticator`, which hands the
provider the secret the request presented to check against the stored hash.
Access tokens are bound to the MCP resource URL (RFC 8707 ``resource``): ``/mcp`` accepts them, the
REST API and ChatKit do not (they are not the API's JWTs). Expiry instants follow the SDK's own
checks, which use the real time (``time.time()``), not the app's clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from mcp.server.auth.middleware.client_auth import ClientAuthenticator
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    RefreshToken,
    RegistrationError,
    TokenError,
    construct_redirect_uri,
)
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from pydantic import AnyHttpUrl, AnyUrl
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request

from todochat.oauth_models import OAuthClient, OAuthGrant

logger = logging.getLogger(__name__)

SCOPE = "tasks"
"""The one scope: the user's task list, as the MCP tools reach it."""
ACCESS_PREFIX = "tdc_mcp_at_"
REFRESH_PREFIX = "tdc_mcp_rt_"
CODE_PREFIX = "tdc_mcp_ac_"
REQUEST_TTL = 10 * 60
"""Seconds a sign-in may wait for the user's approval."""
CODE_TTL = 5 * 60
"""Seconds an authorization code lives (RFC 6749 §4.1.2 recommends at most 10 minutes)."""
REFRESH_TTL = 30 * 24 * 3600
"""Seconds a refresh token lives; each use replaces it (rotation, OAuth 2.1 §4.3.1)."""
LOOPBACK = ("127.0.0.1", "localhost", "::1")
SPENT = "_spent"
"""Suffix of the ``kind`` of a used code or refresh token (kept until it expires, to notice a replay)."""

Sessionmaker = Callable[[], async_sessionmaker[AsyncSession]]

PRESENTED_SECRETS: ContextVar[tuple[str, ...] | None] = ContextVar("todochat_mcp_presented_secrets", default=None)
"""The client secrets the current ``/token`` or ``/revoke`` request presented (HTTP Basic and/or the
form's ``client_secret``), set by :class:`HashedSecretAuthenticator` around the SDK's client
authentication; None outside it."""


class HashedSecretAuthenticator(ClientAuthenticator):
    """The SDK's client authentication (RFC 6749 §2.3.1: ``client_secret_basic``,
    ``client_secret_post``, ``none``) for clients whose secrets are stored hashed.

    It collects the secrets the request presents into :data:`PRESENTED_SECRETS`, then runs the
    SDK's own checks unchanged; :meth:`SqlOAuthProvider.get_client` answers with the presented
    secret that matches the stored hash (so the SDK's comparison succeeds) or with one nothing
    matches (so it fails: "Client secret is required" / "Invalid client_secret").
    """

    async def authenticate_request(self, request: Request) -> OAuthClientInformationFull:
        """Authenticate the client of a ``/token`` or ``/revoke`` request.

        Raises:
            AuthenticationError: as the SDK's ``ClientAuthenticator`` (missing or unknown client,
                missing or wrong secret, wrong method).
        """
        form = await request.form()  # Starlette keeps the parsed form: the SDK reads it again
        presented: list[str] = []
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                _, _, secret = base64.b64decode(header[6:]).decode("utf-8").partition(":")
                presented.append(unquote(secret))
            except (ValueError, UnicodeDecodeError, binascii.Error):
                pass  # the SDK refuses the header itself
        posted = form.get("client_secret")
        if isinstance(posted, str):
            presented.append(posted)
        token = PRESENTED_SECRETS.set(tuple(s for s in presented if s))
        try:
            return await super().authenticate_request(request)
        finally:
            PRESENTED_SECRETS.reset(token)


def _presented_secret(stored_hash: str) -> str | None:
    """The secret of the current request (:data:`PRESENTED_SECRETS`) whose SHA-256 is
    ``stored_hash``; a fresh random string when none is (so the SDK's comparison fails); None
    outside client authentication (nothing needs the secret there)."""
    presented = PRESENTED_SECRETS.get()
    if presented is None:
        return None
    for candidate in presented:
        if hmac.compare_digest(secret_hash(candidate), stored_hash):
            return candidate
    return secrets.token_hex(32)


def secret_hash(value: str) -> str:
    """Hex SHA-256 of a token: how it is stored and looked up (the value itself never is)."""
    return hashlib.sha256(value.encode()).hexdigest()


def _instant(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def same_resource(given: str | None, resource: str) -> bool:
    """True when ``given`` names ``resource`` (compared as URLs: case of scheme/host, default port
    and a trailing slash aside), as the SDK's bearer backend compares them."""
    try:
        return str(AnyHttpUrl(given or "")).removesuffix("/") == str(AnyHttpUrl(resource)).removesuffix("/")
    except ValueError:
        return False


async def delete_user_grants(session: AsyncSession, user_id: str) -> int:
    """Delete every MCP OAuth grant ``user_id`` approved (access and refresh tokens, codes): for
    erasing a user and for "sign out everywhere". Runs in the caller's transaction.

    Returns:
        The number of rows deleted.
    """
    result = await session.execute(delete(OAuthGrant).where(OAuthGrant.user_id == user_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


class TodoAccessToken(AccessToken):
    """An access token with the authorization it belongs to (for revocation)."""

    grant_id: str


class TodoRefreshToken(RefreshToken):
    """A refresh token with the authorization it belongs to."""

    grant_id: str


class TodoAuthorizationCode(AuthorizationCode):
    """An authorization code with the authorization it starts."""

    grant_id: str


class PendingSignIn:
    """A sign-in waiting at the consent page: the client asking and what it asked for."""

    def __init__(self, client: OAuthClientInformationFull, data: dict[str, Any]) -> None:
        self.client = client
        self.data = data

    @property
    def client_name(self) -> str:
        """The client's self-declared name (unverified), else its id."""
        return self.client.client_name or self.client.client_id

    @property
    def redirect_uri(self) -> str:
        """Where the answer goes."""
        return str(self.data["redirect_uri"])


class SqlOAuthProvider:
    """``OAuthAuthorizationServerProvider`` (mcp 2.3) keeping clients and grants in SQL.

    Args:
        sessionmaker: returns the app's session factory (made in its lifespan).
        issuer: this server's public base URL (the RFC 8414 issuer).
        resource: the MCP resource URL tokens are issued for (``<issuer>/mcp``).
        consent_url: the sign-in page ``authorize`` sends the user's browser to.
        access_ttl: seconds an access token lives.
    """

    def __init__(
        self, sessionmaker: Sessionmaker, *, issuer: str, resource: str, consent_url: str, access_ttl: int
    ) -> None:
        self.sessionmaker = sessionmaker
        self.issuer = issuer
        self.resource = resource
        self.consent_url = consent_url
        self.access_ttl = access_ttl

    # ------------------------------------------------------------------ clients (RFC 7591)
    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        """The registered client ``client_id``, or None. A confidential client's ``client_secret``
        is the secret the current request presented when it matches the stored hash (see
        :class:`HashedSecretAuthenticator`), otherwise a value no request presented, or None
        outside client authentication."""
        async with self.sessionmaker()() as session:
            row = await session.get(OAuthClient, client_id[:64])
        if row is None:
            return None
        client = OAuthClientInformationFull.model_validate_json(row.info)
        if row.secret_hash is not None:
            client = client.model_copy(update={"client_secret": _presented_secret(row.secret_hash)})
        return client

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        """Keep a client the SDK's registration handler validated.

        Raises:
            RegistrationError: ``invalid_redirect_uri`` for a redirect URI that is plain ``http``
                to a non-loopback host, or ``javascript:``/``data:`` (OAuth 2.1 §2.3.1, RFC 8252 §7.3).
        """
        for uri in client_info.redirect_uris or []:
            parts = urlsplit(str(uri))
            scheme = parts.scheme.lower()
            if scheme in ("javascript", "data", "file") or (scheme == "http" and parts.hostname not in LOOPBACK):
                raise RegistrationError("invalid_redirect_uri", f"Redirect URI {uri} must be https, a loopback http address or an app scheme.")
            if parts.fragment:
                raise RegistrationError("invalid_redirect_uri", "A redirect URI must not have a fragment.")
        secret = client_info.client_secret  # shown once, in the registration response; kept as a hash
        stored = client_info.model_copy(update={"client_secret": None})
        async with self.sessionmaker()() as session, session.begin():
            session.add(OAuthClient(
                client_id=client_info.client_id, info=stored.model_dump_json(), created_at=_instant(time.time()),
                secret_hash=secret_hash(secret) if secret else None,
            ))

    async def sweep_stale_clients(self, stale_days: int) -> int:
        """Delete the clients no user authorized within ``stale_days`` days of registering (and
        their pending sign-ins).

        Returns:
            The number of clients deleted.
        """
        cutoff = _instant(time.time() - stale_days * 86400)
        stale = (OAuthClient.authorized_at.is_(None)) & (OAuthClient.created_at < cutoff)
        async with self.sessionmaker()() as session, session.begin():
            ids = list((await session.execute(select(OAuthClient.client_id).where(stale))).scalars())
            if not ids:
                return 0
            await session.execute(delete(OAuthGrant).where(OAuthGrant.client_id.in_(ids)))
            await session.execute(delete(OAuthClient).where(OAuthClient.client_id.in_(ids)))
        logger.info("MCP OAuth: deleted %d registered clients never authorized in %d days", len(ids), stale_days)
        return len(ids)

    async def count_clients(self) -> int:
        """The number of registered clients."""
        async with self.sessionmaker()() as session:
            return int((await session.execute(select(func.count()).select_from(OAuthClient))).scalar_one())

    # ------------------------------------------------------------------ authorization (consent)
    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        """Keep the request and send the browser to the sign-in page (the user signs in and approves there).

        Raises:
            AuthorizeError: ``invalid_target`` when ``resource`` names another server (RFC 8707 §2).
        """
        if params.resource is not None and not same_resource(params.resource, self.resource):
            raise AuthorizeError("invalid_target", f"This server issues tokens for {self.resource} only.")
        request_id = secrets.token_urlsafe(32)
        data = {
            "redirect_uri": str(params.redirect_uri),
            "explicit": params.redirect_uri_provided_explicitly,
            "code_challenge": params.code_challenge,
            "state": params.state,
            "scopes": params.scopes or [SCOPE],
        }
        await self._add(request_id, "request", secrets.token_hex(16), client.client_id, None, data, time.time() + REQUEST_TTL)
        return construct_redirect_uri(self.consent_url, request=request_id)

    async def pending(self, request_id: str) -> PendingSignIn | None:
        """The sign-in ``request_id`` (from the consent page's URL) if it is still waiting."""
        row = await self._get(request_id, "request")
        if row is None:
            return None
        client = await self.get_client(row.client_id)
        return None if client is None else PendingSignIn(client, json.loads(row.data))

    async def answer(self, request_id: str, user_id: str | None) -> str | None:
        """Finish the sign-in: approved by ``user_id`` (an authorization code goes to the client),
        or refused (``user_id`` None: ``access_denied``, RFC 6749 §4.1.2.1).

        Returns:
            The client's redirect URI with the answer, or None when the sign-in is unknown,
            expired or already answered (each is answered once).
        """
        row = await self._take(request_id, "request")
        if row is None:
            return None
        data = json.loads(row.data)
        if user_id is None:
            return construct_redirect_uri(data["redirect_uri"], error="access_denied", error_description="The user refused.", state=data["state"])
        code = CODE_PREFIX + secrets.token_urlsafe(32)
        await self._add(code, "code", row.grant_id, row.client_id, user_id, data, time.time() + CODE_TTL)
        return construct_redirect_uri(data["redirect_uri"], code=code, state=data["state"], iss=self.issuer)

    async def load_authorization_code(self, client: OAuthClientInformationFull, authorization_code: str) -> TodoAuthorizationCode | None:
        """The code's grant if it belongs to ``client`` (the SDK checks expiry, redirect URI and PKCE)."""
        row = await self._get(authorization_code, "code")
        if row is None or row.client_id != client.client_id:
            return None
        data = json.loads(row.data)
        return TodoAuthorizationCode(
            code=authorization_code,
            scopes=data["scopes"],
            expires_at=row.expires_at.timestamp(),
            client_id=row.client_id,
            code_challenge=data["code_challenge"],
            redirect_uri=AnyUrl(data["redirect_uri"]),
            redirect_uri_provided_explicitly=data["explicit"],
            resource=self.resource,
            subject=row.user_id,
            grant_id=row.grant_id,
        )

    async def exchange_authorization_code(self, client: OAuthClientInformationFull, authorization_code: TodoAuthorizationCode) -> OAuthToken:
        """Spend the code (once) for an access and a refresh token; the code shown again later
        revokes them.

        Raises:
            TokenError: ``invalid_grant`` when the code was spent meanwhile.
        """
        if await self._take(authorization_code.code, "code") is None:
            raise TokenError("invalid_grant", "authorization code already used")
        assert authorization_code.subject is not None
        return await self._issue(authorization_code.grant_id, client.client_id, authorization_code.subject, authorization_code.scopes)

    # ------------------------------------------------------------------ tokens
    async def load_refresh_token(self, client: OAuthClientInformationFull, refresh_token: str) -> TodoRefreshToken | None:
        """The refresh token if it is ``client``'s (the SDK checks expiry)."""
        row = await self._get(refresh_token, "refresh")
        if row is None or row.client_id != client.client_id or row.user_id is None:
            return None
        return TodoRefreshToken(
            token=refresh_token,
            client_id=row.client_id,
            scopes=json.loads(row.data)["scopes"],
            expires_at=int(row.expires_at.timestamp()),
            resource=row.resource,
            subject=row.user_id,
            grant_id=row.grant_id,
        )

    async def exchange_refresh_token(self, client: OAuthClientInformationFull, refresh_token: TodoRefreshToken, scopes: list[str]) -> OAuthToken:
        """Rotate: the refresh token and the grant's access tokens end, a new pair starts. The old
        refresh token shown again later revokes the new pair too (a copy is in other hands).

        Raises:
            TokenError: ``invalid_grant`` when the refresh token was used meanwhile.
        """
        if await self._take(refresh_token.token, "refresh") is None:
            raise TokenError("invalid_grant", "refresh token already used")
        async with self.sessionmaker()() as session, session.begin():
            await session.execute(delete(OAuthGrant).where(OAuthGrant.grant_id == refresh_token.grant_id, OAuthGrant.kind == "access"))
        assert refresh_token.subject is not None
        return await self._issue(refresh_token.grant_id, client.client_id, refresh_token.subject, scopes)

    async def load_access_token(self, token: str) -> TodoAccessToken | None:
        """The access token's grant while it lives, else None."""
        if not token.startswith(ACCESS_PREFIX):
            return None
        row = await self._get(token, "access")
        if row is None or row.user_id is None or row.expires_at.timestamp() < time.time():
            return None
        return TodoAccessToken(
            token=token,
            client_id=row.client_id,
            scopes=json.loads(row.data)["scopes"],
            expires_at=int(row.expires_at.timestamp()),
            resource=row.resource,
            subject=row.user_id,
            claims={"iss": self.issuer},
            grant_id=row.grant_id,
        )

    async def revoke_token(self, token: TodoAccessToken | TodoRefreshToken) -> None:
        """End the whole authorization: its access and refresh tokens (RFC 7009 §2.1)."""
        await self._revoke(token.grant_id)

    async def exchange_identity_assertion(self, client: OAuthClientInformationFull, params: Any) -> OAuthToken:
        """Not offered (SEP-990 enterprise assertions need a configured IdP)."""
        raise TokenError("unsupported_grant_type", "The JWT bearer grant is not supported by this authorization server")

    # ------------------------------------------------------------------ storage
    async def _issue(self, grant_id: str, client_id: str, user_id: str, scopes: list[str]) -> OAuthToken:
        access = ACCESS_PREFIX + secrets.token_urlsafe(32)
        refresh = REFRESH_PREFIX + secrets.token_urlsafe(32)
        now = time.time()
        data = {"scopes": scopes}
        async with self.sessionmaker()() as session, session.begin():
            for value, kind, ttl in ((access, "access", self.access_ttl), (refresh, "refresh", REFRESH_TTL)):
                session.add(self._row(value, kind, grant_id, client_id, user_id, data, now + ttl))
            await session.execute(update(OAuthClient).where(OAuthClient.client_id == client_id).values(authorized_at=_instant(now)))
        return OAuthToken(access_token=access, expires_in=self.access_ttl, refresh_token=refresh, scope=" ".join(scopes))

    def _row(self, value: str, kind: str, grant_id: str, client_id: str, user_id: str | None, data: dict[str, Any], expires: float) -> OAuthGrant:
        return OAuthGrant(
            token_hash=secret_hash(value), kind=kind, grant_id=grant_id, client_id=client_id, user_id=user_id,
            resource=self.resource, data=json.dumps(data), expires_at=_instant(expires), created_at=_instant(time.time()),
        )

    async def _add(self, value: str, kind: str, grant_id: str, client_id: str, user_id: str | None, data: dict[str, Any], expires: float) -> None:
        async with self.sessionmaker()() as session, session.begin():
            # expired rows go as new ones come (an index on expires_at keeps this cheap)
            await session.execute(delete(OAuthGrant).where(OAuthGrant.expires_at < _instant(time.time())))
            session.add(self._row(value, kind, grant_id, client_id, user_id, data, expires))

    async def _get(self, value: str, kind: str) -> OAuthGrant | None:
        """The live row of ``value`` if it is a ``kind``. A spent code or refresh token shown again
        ends its whole authorization: someone holds a copy (RFC 6749 §4.1.2, RFC 9700 §4.14.2)."""
        async with self.sessionmaker()() as session:
            row = (await session.execute(select(OAuthGrant).where(OAuthGrant.token_hash == secret_hash(value)))).scalar_one_or_none()
        if row is None or row.expires_at.timestamp() < time.time():
            return None
        if row.kind == kind + SPENT:
            logger.warning("MCP OAuth: a spent %s was used again; revoking its authorization (client %s)", kind, row.client_id)
            await self._revoke(row.grant_id)
            return None
        return row if row.kind == kind else None

    async def _take(self, value: str, kind: str) -> OAuthGrant | None:
        """Spend the row (codes and refresh tokens stay, marked spent, so a replay is noticed;
        a sign-in request goes) and return it, if this call spent it (one winner when two race)."""
        row = await self._get(value, kind)
        if row is None:
            return None
        async with self.sessionmaker()() as session, session.begin():
            live = (OAuthGrant.token_hash == row.token_hash) & (OAuthGrant.kind == kind)
            if kind in ("code", "refresh"):
                result = await session.execute(update(OAuthGrant).where(live).values(kind=kind + SPENT))
            else:
                result = await session.execute(delete(OAuthGrant).where(live))
        return row if result.rowcount == 1 else None  # type: ignore[attr-defined]

    async def _revoke(self, grant_id: str) -> None:
        async with self.sessionmaker()() as session, session.begin():
            await session.execute(delete(OAuthGrant).where(OAuthGrant.grant_id == grant_id))
