"""The API docs page (/docs): Swagger UI from this server's own files under a strict CSP (no inline
script, no other origin), working in a real browser offline; /redoc is gone."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect
from tests.servers import LiveServer


def directives(csp: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in csp.split(";") if part.strip()}


async def test_docs_reference_only_same_origin_assets_under_a_strict_csp(http: httpx.AsyncClient) -> None:
    page = await http.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = directives(page.headers["content-security-policy"])
    assert csp["default-src"] == "default-src 'none'"
    assert csp["script-src"] == "script-src 'self'" and csp["style-src"] == "style-src 'self'"
    assert csp["connect-src"] == "connect-src 'self'" and csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in page.headers["content-security-policy"] and "unsafe-eval" not in page.headers["content-security-policy"]
    # no inline script or style; every asset is a same-origin path, and each is served
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) and "<style" not in page.text
    assets = re.findall(r'<(?:script|link)[^>]*\b(?:src|href)="([^"]+)"', page.text)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets and "/static/docs.js" in assets
    assert "/static/vendor/swagger-ui/swagger-ui.css" in assets
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
        served = await http.get(asset)
        assert served.status_code == 200 and served.content, asset
    start = await http.get("/static/docs.js")
    assert "SwaggerUIBundle(" in start.text and '"/openapi.json"' in start.text
    assert (await http.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")).headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert (await http.get("/openapi.json")).status_code == 200
    assert (await http.get("/redoc")).status_code == 404  # ReDoc needs inline styles: not served


def test_swagger_ui_renders_the_api_with_no_csp_violation_and_no_other_origin(page: Page, web_server: LiveServer) -> None:
    """In Chromium: the operations render, nothing is blocked by the page's CSP, and no request
    leaves this server (as offline)."""
    requests: list[str] = []
    violations: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(f"{web_server.base_url}/docs")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/tasks").first).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/v1/tasks").first.click()
    expect(page.locator(".try-out__btn").first).to_be_visible()
    outside: list[Any] = [url for url in requests if not url.startswith(web_server.base_url) and not url.startswith("data:")]
    assert outside == [] and violations == []
