"""The sign-in page of MCP's OAuth flow (``/oauth/consent``): the user proves who they are with their
todochat token and approves (or refuses) the client that asked.

Single-node default: the token is pasted (or filled in from this browser tab's sign-in of the built-in
page, ``sessionStorage``). The token is checked by the API's own ``decode_token``, so whatever sign-in
the API accepts (HS256 tokens today; a provider's JWTs once JWKS verification is configured) signs in
here too. A full delegation would send the browser to the provider instead (OIDC authorization code +
PKCE, its ``sub`` → user id) from :meth:`SqlOAuthProvider.authorize` and come back to this page's
route with the provider's code; not built yet.
"""

from __future__ import annotations

import html
import logging

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from todochat.config import Settings
from todochat.errors import AuthError
from todochat.mcp.oauth import PendingSignIn, SqlOAuthProvider

logger = logging.getLogger(__name__)

CONSENT_PATH = "/oauth/consent"
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
<label>Your todochat token (<code>todochat token USER</code>, or the one you signed in with)
<input type="password" name="token" id="token" autocomplete="off" required></label>
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</form></main></body></html>
"""


def render(pending: PendingSignIn, request_id: str, error: str = "") -> str:
    """The consent page for ``pending`` (every client-chosen text HTML-escaped)."""
    return PAGE.format(
        client=html.escape(pending.client_name),
        redirect=html.escape(pending.redirect_uri),
        action=CONSENT_PATH,
        request=html.escape(request_id, quote=True),
        error=f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "",
    )


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
        return HTMLResponse(render(pending, request_id), headers=HEADERS)

    async def answer(request: Request) -> Response:
        form = await request.form()
        request_id = str(form.get("request") or "")
        pending = await provider.pending(request_id) if request_id else None
        if pending is None:
            return gone()
        user_id: str | None = None
        if form.get("decision") == "approve":
            try:
                user_id = decode_token(str(form.get("token") or "").strip(), settings)
            except AuthError as exc:
                return HTMLResponse(render(pending, request_id, exc.message), status_code=401, headers=HEADERS)
        target = await provider.answer(request_id, user_id)
        if target is None:
            return gone()
        logger.info("MCP OAuth sign-in %s for client %s", "approved" if user_id else "refused", pending.client.client_id)
        return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})

    return [
        Route(CONSENT_PATH, show, methods=["GET"], include_in_schema=False),
        Route(CONSENT_PATH, answer, methods=["POST"], include_in_schema=False),
    ]
