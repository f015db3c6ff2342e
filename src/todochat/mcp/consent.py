"""The sign-in page of MCP's OAuth flow (``/oauth/consent``): the user proves who they are with their
todochat token and approves (or refuses) the client that asked.

Single-node default: the token is pasted (or filled in from this browser tab's sign-in of the built-in
page, ``sessionStorage``). The token is checked by the API's own ``decode_token``, so whatever sign-in
the API accepts (HS256 tokens; a provider's JWTs with JWKS verification) signs in here too.

With the built-in page's OIDC sign-in configured (``TODOCHAT_OIDC_ISSUER``, :mod:`todochat.api.oidc`)
the page also offers "Sign in with your identity provider": ``GET /oauth/consent/provider?request=…``
starts the same authorization code + PKCE flow, keeping the pending request id in the signed state
cookie (never a URL); the callback shows this page for that request only, signed in as the ID token's
subject (normalised; refused if issued at or before the user's last sign-out-everywhere, the rule for
provider tokens), with a short-lived signed ticket in place of the token field.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
import time

import jwt
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from todochat.api import oidc
from todochat.config import Settings
from todochat.errors import AuthError
from todochat.mcp.oauth import REQUEST_TTL, PendingSignIn, SqlOAuthProvider, secret_hash
from todochat.revocation import check_not_revoked, token_state

logger = logging.getLogger(__name__)

CONSENT_PATH = "/oauth/consent"
PROVIDER_PATH = "/oauth/consent/provider"
CONTINUATION = "mcp"
"""The name of the consent page's continuation of the provider sign-in (:func:`oidc.continue_after_sign_in`)."""
TICKET_AUDIENCE = "todochat/mcp/consent"
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # no form-action: the answer is a redirect to the client's own URI (any scheme)
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'",
}

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Connect {client} to todochat</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/consent.css"><script src="/static/consent.js" defer></script></head>
<body><main class="consent">
<h1>Connect “{client}” to your todochat tasks?</h1>
<p>It will be able to read, add, change and delete your tasks through MCP until you revoke it.
The answer goes to <code>{redirect}</code>.</p>
{error}
<form method="post" action="{action}">
<input type="hidden" name="request" value="{request}">
{sign_in}
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</form></main></body></html>
"""


TOKEN_FIELD = """<label>Your todochat token (<code>todochat token USER</code>, or the one you signed in with)
<input type="password" name="token" id="token" autocomplete="off" required></label>"""
PROVIDER_LINK = '<p><a class="provider" href="{href}">Sign in with your identity provider</a> or use a token:</p>'
SIGNED_IN = '<p>Signed in as <strong>{user}</strong>.</p><input type="hidden" name="ticket" value="{ticket}">'


def render(
    pending: PendingSignIn, request_id: str, error: str = "", *, provider: bool = False, signed_in: tuple[str, str] | None = None
) -> str:
    """The consent page for ``pending`` (every client-chosen text HTML-escaped).

    Args:
        provider: offer "Sign in with your identity provider" above the token field.
        signed_in: ``(user id, ticket)`` after a provider sign-in: no token field, the ticket instead.
    """
    if signed_in is not None:
        sign_in = SIGNED_IN.format(user=html.escape(signed_in[0]), ticket=html.escape(signed_in[1], quote=True))
    else:
        link = PROVIDER_LINK.format(href=html.escape(f"{PROVIDER_PATH}?request={request_id}", quote=True)) if provider else ""
        sign_in = link + TOKEN_FIELD
    return PAGE.format(
        client=html.escape(pending.client_name),
        redirect=html.escape(pending.redirect_uri),
        action=CONSENT_PATH,
        request=html.escape(request_id, quote=True),
        error=f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "",
        sign_in=sign_in,
    )


def _ticket_key(settings: Settings) -> bytes:
    """The consent ticket's HS256 key, derived from the JWT secret (never the secret itself)."""
    return hmac.new(settings.resolved_jwt_secret().encode(), b"todochat/mcp/consent-ticket", hashlib.sha256).digest()


def issue_ticket(user_id: str, request_id: str, settings: Settings) -> str:
    """A signed ticket saying ``user_id`` signed in at the provider for the sign-in ``request_id``
    (a JWT: ``sub``, ``aud`` :data:`TICKET_AUDIENCE`, the request's SHA-256, ``exp`` in
    :data:`~todochat.mcp.oauth.REQUEST_TTL` seconds)."""
    claims = {"sub": user_id, "aud": TICKET_AUDIENCE, "req": secret_hash(request_id), "exp": int(time.time()) + REQUEST_TTL}
    return jwt.encode(claims, _ticket_key(settings), algorithm="HS256")


def ticket_user(ticket: str, request_id: str, settings: Settings) -> str:
    """The user of a ticket from :func:`issue_ticket`, if it is valid and for ``request_id``.

    Raises:
        AuthError: a bad signature, another audience or request, or expired.
    """
    try:
        claims = jwt.decode(ticket, _ticket_key(settings), algorithms=["HS256"], audience=TICKET_AUDIENCE, options={"require": ["sub", "exp", "req"]})
    except jwt.PyJWTError as exc:
        raise AuthError("The sign-in has expired or is not valid; sign in again.") from exc
    if not hmac.compare_digest(str(claims["req"]), secret_hash(request_id)):
        raise AuthError("The sign-in was made for another request; sign in again.")
    return str(claims["sub"])


def gone() -> HTMLResponse:
    """The answer to an unknown, expired or answered sign-in."""
    return HTMLResponse(
        "<!doctype html><title>Sign-in expired</title><p>This sign-in is unknown or has expired: start again from your MCP client.</p>",
        status_code=400,
        headers=HEADERS,
    )


def consent_routes(provider: SqlOAuthProvider, settings: Settings) -> list[Route]:
    """``GET /oauth/consent?request=…`` shows the page; ``POST`` answers it (303 to the client).

    A POST approves only with a valid todochat token (``todochat.api.auth.decode_token``): its ``sub``
    becomes the token's user; a wrong token re-shows the page with 401 and keeps the sign-in waiting.
    """
    from todochat.api.auth import decode_token

    async def show(request: Request) -> Response:
        request_id = request.query_params.get("request", "")
        pending = await provider.pending(request_id) if request_id else None
        if pending is None:
            return gone()
        return HTMLResponse(render(pending, request_id, provider=oidc.offered(request)), headers=HEADERS)

    async def with_provider(request: Request) -> Response:
        request_id = request.query_params.get("request", "")
        pending = await provider.pending(request_id) if request_id else None
        if pending is None:
            return gone()
        try:
            return await oidc.begin_sign_in(request, then=(CONTINUATION, request_id))
        except oidc.SignInRefused as exc:
            return HTMLResponse(render(pending, request_id, exc.message, provider=oidc.offered(request)), status_code=502, headers=HEADERS)

    async def answer(request: Request) -> Response:
        form = await request.form()
        request_id = str(form.get("request") or "")
        pending = await provider.pending(request_id) if request_id else None
        if pending is None:
            return gone()
        user_id: str | None = None
        if form.get("decision") == "approve":
            try:
                if form.get("ticket"):
                    user_id = ticket_user(str(form.get("ticket")), request_id, settings)
                else:
                    user_id = decode_token(str(form.get("token") or "").strip(), settings)
            except AuthError as exc:
                return HTMLResponse(render(pending, request_id, exc.message, provider=oidc.offered(request)), status_code=401, headers=HEADERS)
        target = await provider.answer(request_id, user_id)
        if target is None:
            return gone()
        logger.info("MCP OAuth sign-in %s for client %s", "approved" if user_id else "refused", pending.client.client_id)
        return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})

    return [
        Route(PROVIDER_PATH, with_provider, methods=["GET"], include_in_schema=False),
        Route(CONSENT_PATH, show, methods=["GET"], include_in_schema=False),
        Route(CONSENT_PATH, answer, methods=["POST"], include_in_schema=False),
    ]


def after_provider_sign_in(provider: SqlOAuthProvider, settings: Settings) -> oidc.AfterSignIn:
    """The continuation of a provider sign-in started at :data:`PROVIDER_PATH`: the consent page of
    that request (only), signed in as the provider's user, whose Allow carries a ticket
    (:func:`issue_ticket`) instead of a token. A request no longer pending gets :func:`gone`; an
    ID token issued at or before the user's last sign-out-everywhere is refused (401), as a
    provider's access token would be (:func:`todochat.revocation.check_not_revoked`)."""

    async def handler(request: Request, user: oidc.ProviderUser, request_id: str) -> Response:
        pending = await provider.pending(request_id)
        if pending is None:
            return gone()
        state = await token_state(request.app.state.sessionmaker, user.user_id)
        try:
            check_not_revoked(state, version=None, issued_at=user.issued_at)
        except AuthError as exc:
            return HTMLResponse(render(pending, request_id, exc.message, provider=True), status_code=401, headers=HEADERS)
        ticket = issue_ticket(user.user_id, request_id, settings)
        return HTMLResponse(render(pending, request_id, signed_in=(user.user_id, ticket)), headers=HEADERS)

    return handler
