"""Browser sign-in through the identity provider (OpenID Connect authorization code flow with PKCE,
Authlib's Starlette client) for the built-in page.

With ``TODOCHAT_OIDC_ISSUER`` and ``TODOCHAT_OIDC_CLIENT_ID`` set, the sign-in form offers
"Sign in with your provider":

1. ``GET /auth/oidc/login``: the provider is discovered from ``<issuer>/.well-known/openid-
   configuration`` (OIDC Discovery 1.0; its ``issuer`` must equal the setting, §4.3); a ``state``,
   a ``nonce`` and a PKCE verifier (RFC 7636, S256) are kept in a signed, HttpOnly, 10-minute
   cookie limited to ``/auth``; the browser goes to the provider's authorization endpoint.
2. ``GET /auth/oidc/callback?code&state``: the state must match the cookie's; the code is exchanged
   with the verifier; the ID token's signature (the provider's JWKS), ``iss``, ``aud`` (our client
   id), ``exp`` and ``nonce`` are checked (OIDC Core §3.1.3.7). Its ``TODOCHAT_JWT_SUBJECT_CLAIM``
   claim becomes the user id (normalised, :func:`todochat.api.auth.normalize_subject`), and the
   browser is sent to ``/#token=<a todochat token>`` — the page's existing sign-in, which moves the
   token to sessionStorage and out of the address bar. Any failure goes to ``/#signin_error=…``.

Other pages reuse the flow: :func:`begin_sign_in` with ``then=(name, value)`` keeps the pair in the
signed state cookie under the sign-in's ``state``, and the callback hands the verified user to the
handler registered with :func:`continue_after_sign_in` (the MCP consent page, ``mcp/consent.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from joserfc.errors import JoseError
from starlette.middleware.sessions import SessionMiddleware

from todochat.api.auth import issue_token, normalize_subject
from todochat.config import Settings
from todochat.errors import ConfigurationError
from todochat.revocation import token_state

logger = logging.getLogger(__name__)

LOGIN_PATH = "/auth/oidc/login"
CALLBACK_PATH = "/auth/oidc/callback"
STATE_COOKIE = "todochat_oidc"
STATE_SECONDS = 600

router = APIRouter(tags=["auth"])


def _http_errors() -> tuple[type[Exception], ...]:
    """The transport errors of Authlib's HTTP client: ``httpx2`` (its current client), else ``httpx``."""
    try:
        import httpx2
    except ImportError:
        return (httpx.HTTPError,)
    return (httpx.HTTPError, httpx2.HTTPError)


HTTP_ERRORS = _http_errors()


def install_oidc(app: FastAPI, settings: Settings) -> None:
    """Register the provider client (``app.state.oidc``) and the state cookie when
    ``settings.oidc_issuer`` is set; otherwise only ``/auth/providers`` answers (``oidc: false``).

    Raises:
        ConfigurationError: an issuer without a client id.
    """
    app.state.oidc = None
    if not settings.oidc_issuer:
        return
    if not settings.oidc_client_id:
        raise ConfigurationError("TODOCHAT_OIDC_ISSUER needs TODOCHAT_OIDC_CLIENT_ID")
    oauth = OAuth()
    client = oauth.register(
        "provider",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": settings.oidc_scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic" if settings.oidc_client_secret else "none",
            "timeout": 10,
        },
    )
    app.state.oidc = client
    app.add_middleware(
        SessionMiddleware,
        secret_key=_cookie_key(settings),
        session_cookie=STATE_COOKIE,
        max_age=STATE_SECONDS,
        path="/auth",
        same_site="lax",  # the provider's redirect back is a top-level GET: Lax cookies are sent
        https_only=settings.environment == "production",
    )


def _cookie_key(settings: Settings) -> str:
    """A key for the state cookie derived from the JWT secret (never the secret itself)."""
    return hmac.new(settings.resolved_jwt_secret().encode(), b"todochat oidc state cookie", hashlib.sha256).hexdigest()


def _client(request: Request) -> StarletteOAuth2App | None:
    return getattr(request.app.state, "oidc", None)


def _failed(message: str) -> RedirectResponse:
    return RedirectResponse(f"/#signin_error={quote(message)}", status_code=303)


@router.get("/auth/providers", summary="Sign-in methods of the built-in page")
async def providers(request: Request) -> dict[str, object]:
    """``{"oidc": true, "login_url": "/auth/oidc/login"}`` when provider sign-in is configured."""
    return {"oidc": _client(request) is not None, "login_url": LOGIN_PATH if _client(request) else None}


class SignInRefused(Exception):
    """A provider sign-in that cannot go on; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProviderUser:
    """The user the provider's verified ID token names.

    Attributes:
        user_id: its ``TODOCHAT_JWT_SUBJECT_CLAIM`` claim, normalised (:func:`normalize_subject`).
        issued_at: its ``iat`` (seconds since the epoch), for the revocation rule of provider tokens
            (:func:`todochat.revocation.check_not_revoked`).
    """

    user_id: str
    issued_at: float


AfterSignIn = Callable[[Request, ProviderUser, str], Awaitable[Response]]
"""What answers the callback of a sign-in started for another page: ``(request, user, value)`` →
the response, where ``value`` is what :func:`begin_sign_in` kept in the signed state cookie."""

CONTINUE_KEY = "todochat_then_"


def offered(request: Request) -> bool:
    """True when sign-in through the provider is configured for this app."""
    return _client(request) is not None


def continue_after_sign_in(app: FastAPI, name: str, handler: AfterSignIn) -> None:
    """Let sign-ins started with ``begin_sign_in(request, then=(name, value))`` end in ``handler``
    instead of the built-in page (the MCP consent page registers ``"mcp"``)."""
    continuations = getattr(app.state, "oidc_continuations", None)
    if continuations is None:
        continuations = app.state.oidc_continuations = {}
    continuations[name] = handler


async def begin_sign_in(request: Request, *, then: tuple[str, str] | None = None) -> RedirectResponse:
    """The redirect to the provider's authorization endpoint (PKCE S256, state, nonce in the signed
    state cookie). ``then`` — a continuation name and a value — is kept in the same cookie, under
    this sign-in's ``state``, so the callback ends in that continuation (never a URL the browser chose).

    Raises:
        SignInRefused: provider sign-in is not configured, or the provider cannot be discovered.
    """
    client = _client(request)
    settings: Settings = request.app.state.settings
    if client is None:
        raise SignInRefused("Sign-in through an identity provider is not configured.")
    try:
        metadata = await client.load_server_metadata()
    except (OAuthError, *HTTP_ERRORS, OSError, ValueError) as exc:
        logger.warning("oidc_discovery_failed: %s", type(exc).__name__)
        raise SignInRefused("The identity provider cannot be reached; try again shortly.") from exc
    if metadata.get("issuer") != settings.oidc_issuer:
        raise SignInRefused("The identity provider's discovery document names another issuer.")
    redirect_uri = settings.oidc_redirect_url or str(request.url_for("oidc_callback"))
    response: RedirectResponse = await client.authorize_redirect(request, redirect_uri)
    if then is not None:
        state = parse_qs(urlsplit(response.headers["location"]).query)["state"][0]
        request.session[CONTINUE_KEY + state] = list(then)
    return response


async def finish_sign_in(request: Request) -> tuple[ProviderUser, tuple[str, str] | None]:
    """Finish at the callback: the state must match the cookie's, the code is exchanged with the
    PKCE verifier, the ID token is verified (signature, ``iss``, ``aud``, ``exp``, ``nonce``).

    Returns:
        The signed-in user and the continuation :func:`begin_sign_in` kept (or None).

    Raises:
        SignInRefused: any check failed, the provider is unreachable, or the subject is unusable.
    """
    client = _client(request)
    settings: Settings = request.app.state.settings
    if client is None:
        raise SignInRefused("Sign-in through an identity provider is not configured.")
    kept = request.session.pop(CONTINUE_KEY + request.query_params.get("state", ""), None)
    try:
        token = await client.authorize_access_token(request)
    except (OAuthError, JoseError, KeyError, ValueError) as exc:
        logger.info("oidc_sign_in_refused: %s", type(exc).__name__)
        raise SignInRefused("The sign-in was not completed or not accepted; try again.") from exc
    except HTTP_ERRORS as exc:  # the token endpoint unreachable
        logger.warning("oidc_token_exchange_failed: %s", type(exc).__name__)
        raise SignInRefused("The identity provider cannot be reached; try again shortly.") from exc
    userinfo = token.get("userinfo")
    if not userinfo:
        raise SignInRefused("The identity provider sent no ID token.")
    try:
        user_id = normalize_subject(userinfo.get(settings.jwt_subject_claim))
    except ValueError as exc:
        raise SignInRefused(f"The ID token has no usable {settings.jwt_subject_claim!r} claim.") from exc
    then = (str(kept[0]), str(kept[1])) if isinstance(kept, list) and len(kept) == 2 else None
    return ProviderUser(user_id, float(userinfo.get("iat") or 0)), then


@router.get(LOGIN_PATH, include_in_schema=False)
async def login(request: Request) -> RedirectResponse:
    """Start the authorization code flow (PKCE S256, state, nonce)."""
    try:
        return await begin_sign_in(request)
    except SignInRefused as exc:
        return _failed(exc.message)


@router.get(CALLBACK_PATH, include_in_schema=False, name="oidc_callback")
async def callback(request: Request) -> Response:
    """Finish the flow: exchange the code, verify the ID token, hand the page a todochat token (or
    hand the user to the continuation the sign-in was started for)."""
    try:
        user, then = await finish_sign_in(request)
    except SignInRefused as exc:
        return _failed(exc.message)
    if then is not None:
        handler = getattr(request.app.state, "oidc_continuations", {}).get(then[0])
        if handler is None:
            return _failed("The sign-in was not completed or not accepted; try again.")
        return await handler(request, user, then[1])
    settings: Settings = request.app.state.settings
    state = await token_state(request.app.state.sessionmaker, user.user_id)
    local = issue_token(user.user_id, settings, version=state.version)
    return RedirectResponse(f"/#token={local}", status_code=303)
