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
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from urllib.parse import quote

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
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


@router.get(LOGIN_PATH, include_in_schema=False)
async def login(request: Request) -> RedirectResponse:
    """Start the authorization code flow (PKCE S256, state, nonce)."""
    client = _client(request)
    settings: Settings = request.app.state.settings
    if client is None:
        return _failed("Sign-in through an identity provider is not configured.")
    try:
        metadata = await client.load_server_metadata()
    except (OAuthError, *HTTP_ERRORS, OSError, ValueError) as exc:
        logger.warning("oidc_discovery_failed: %s", type(exc).__name__)
        return _failed("The identity provider cannot be reached; try again shortly.")
    if metadata.get("issuer") != settings.oidc_issuer:
        return _failed("The identity provider's discovery document names another issuer.")
    redirect_uri = settings.oidc_redirect_url or str(request.url_for("oidc_callback"))
    response: RedirectResponse = await client.authorize_redirect(request, redirect_uri)
    return response


@router.get(CALLBACK_PATH, include_in_schema=False, name="oidc_callback")
async def callback(request: Request) -> RedirectResponse:
    """Finish the flow: exchange the code, verify the ID token, hand the page a todochat token."""
    client = _client(request)
    settings: Settings = request.app.state.settings
    if client is None:
        return _failed("Sign-in through an identity provider is not configured.")
    try:
        token = await client.authorize_access_token(request)
    except (OAuthError, JoseError, KeyError, ValueError) as exc:
        logger.info("oidc_sign_in_refused: %s", type(exc).__name__)
        return _failed("The sign-in was not completed or not accepted; try again.")
    except HTTP_ERRORS as exc:  # the token endpoint unreachable
        logger.warning("oidc_token_exchange_failed: %s", type(exc).__name__)
        return _failed("The identity provider cannot be reached; try again shortly.")
    userinfo = token.get("userinfo")
    if not userinfo:
        return _failed("The identity provider sent no ID token.")
    try:
        user_id = normalize_subject(userinfo.get(settings.jwt_subject_claim))
    except ValueError:
        return _failed(f"The ID token has no usable {settings.jwt_subject_claim!r} claim.")
    state = await token_state(request.app.state.sessionmaker, user_id)
    local = issue_token(user_id, settings, version=state.version)
    return RedirectResponse(f"/#token={local}", status_code=303)
