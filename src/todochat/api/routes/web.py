"""The chat pages: the built-in offline page at ``/``, the official ChatKit page at ``/chatkit-ui``, static files."""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from todochat.config import Settings

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
STATIC_DIR = WEB_DIR / "static"

BUILTIN_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""The built-in page loads nothing from elsewhere; this policy makes the browser enforce it."""

CHATKIT_CDN = "https://cdn.platform.openai.com"
"""Where OpenAI serves the ChatKit web component (``/deployments/chatkit/chatkit.js``, unversioned:
the file changes when OpenAI deploys, so it cannot carry a Subresource Integrity hash)."""
CHATKIT_UI_CSP = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' {CHATKIT_CDN}",
        f"frame-src {CHATKIT_CDN}",  # the component renders its UI in a frame served from the CDN
        f"connect-src 'self' {CHATKIT_CDN} https://api.openai.com",
        # the web component injects its own styles; styles only — no inline script is allowed
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""The official ChatKit page: scripts only from this server and OpenAI's CDN, never framed."""

PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

router = APIRouter(tags=["web"], include_in_schema=False)
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


@lru_cache(maxsize=4)
def _read(name: str) -> str:
    return (WEB_DIR / name).read_text(encoding="utf-8")


@router.get("/", response_class=HTMLResponse)
async def builtin_page() -> HTMLResponse:
    """The built-in chat page (offline; speaks the ChatKit protocol to ``/chatkit``).

    Sign-in is by ``/#token=<JWT>`` (kept in sessionStorage, then removed from the address bar)
    or the token form the page shows.
    """
    headers = {**PAGE_HEADERS, "Content-Security-Policy": BUILTIN_CSP}
    return HTMLResponse(_read("index.html"), headers=headers)


@router.get("/index.html", include_in_schema=False)
async def index_alias() -> RedirectResponse:
    """``/index.html`` → ``/``."""
    return RedirectResponse("/", status_code=308)


def render_chatkit_page(settings: Settings, *, managed: bool) -> str:
    """The official ChatKit page with the domain key (and mode) filled in, HTML-escaped.

    Args:
        settings: gives ``chatkit_domain_key`` (``TODOCHAT_CHATKIT_DOMAIN_KEY``).
        managed: point the component at a managed session (``/api/chatkit/session``) instead of
            todochat's own ``/chatkit``.
    """
    page = _read("chatkit-ui.html")
    page = page.replace("{{DOMAIN_KEY}}", html.escape(settings.chatkit_domain_key, quote=True))
    return page.replace("{{MANAGED}}", "true" if managed else "false")


@router.get("/chatkit-ui", response_class=HTMLResponse)
async def chatkit_ui_page(request: Request, mode: str | None = None) -> HTMLResponse:
    """The official ChatKit web component from OpenAI's CDN (needs internet), pointed at
    ``/chatkit`` with the bearer token, or with ``?mode=managed`` at a managed ChatKit session."""
    settings: Settings = request.app.state.settings
    headers = {**PAGE_HEADERS, "Content-Security-Policy": CHATKIT_UI_CSP}
    return HTMLResponse(render_chatkit_page(settings, managed=mode == "managed"), headers=headers)
