"""The interactive API docs at ``/docs``: Swagger UI served from this server (vendored
``swagger-ui-dist``, ``web/static/vendor/swagger-ui``) with a start script file, so the page works
offline and its Content-Security-Policy forbids inline script and every other origin.

FastAPI's own ``/docs`` and ``/redoc`` load from a CDN with an inline start script; the app turns
them off (``docs_url=None, redoc_url=None``). ReDoc is not served: its standalone bundle injects
``<style>`` elements at run time, which a policy without ``style-src 'unsafe-inline'`` blocks.
"""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from todochat.api.routes.web import PAGE_HEADERS, WEB_DIR

DOCS_CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",  # the schema and "Try it out" requests
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""Swagger UI's page: scripts, styles and requests only to this server; never framed."""

router = APIRouter(include_in_schema=False)


@cache
def _page() -> str:
    return (WEB_DIR / "docs.html").read_text(encoding="utf-8")


@router.get("/docs", response_class=HTMLResponse)
async def swagger_ui() -> HTMLResponse:
    """Swagger UI over ``/openapi.json`` (``web/docs.html`` + ``/static/docs.js``)."""
    return HTMLResponse(_page(), headers={**PAGE_HEADERS, "Content-Security-Policy": DOCS_CSP})
