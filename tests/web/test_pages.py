"""The pages as served: the built-in page and its assets, the official ChatKit page (not loaded)."""

from __future__ import annotations

import re

import httpx

from todochat.api.routes.web import STATIC_DIR
from todochat.config import Settings

CDN_SCRIPT = "https://cdn.platform.openai.com/deployments/chatkit/chatkit.js"


async def test_builtin_page_is_served_with_a_strict_content_security_policy(http: httpx.AsyncClient) -> None:
    response = await http.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    html = response.text
    assert '<script type="module" src="/static/app.js">' in html
    assert 'id="composer-input"' in html and 'for="composer-input"' in html
    # Nothing from a CDN: every script and stylesheet is our own.
    assert not re.search(r'(src|href)="(https?:)?//', html)


async def test_every_module_the_page_imports_is_served(http: httpx.AsyncClient) -> None:
    """Walk the ES module graph from app.js and chatkit-ui.js: each import answers 200 as JavaScript."""
    pending, seen = ["app.js", "chatkit-ui.js"], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        response = await http.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert "javascript" in response.headers["content-type"], name
        base = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
        for target in re.findall(r'^(?:import|export)\b[^;]*?\bfrom "\./([^"]+)"', response.text, flags=re.M):
            pending.append(base + target)
    assert {"widgets.js", "widget-style.js", "widget-controls.js", "items.js", "threads.js", "view.js", "auth.js", "chatkit-client.js", "export.js", "vendor/eventsource-parser.js"} <= seen
    assert (await http.get("/static/app.css")).status_code == 200
    assert (await http.get("/static/icon.svg")).headers["content-type"].startswith("image/svg+xml")


async def test_static_files_do_not_escape_their_folder(http: httpx.AsyncClient) -> None:
    for path in ("/static/%2e%2e/index.html", "/static/%2e%2e/chatkit-ui.html", "/static/..%2f..%2fconfig.py"):
        response = await http.get(path)
        assert response.status_code == 404, path
    assert (await http.get("/static/nope.js")).status_code == 404
    assert STATIC_DIR.is_dir()


async def test_official_chatkit_page_loads_the_cdn_component_with_our_domain_key(
    settings: Settings, http: httpx.AsyncClient
) -> None:
    settings.chatkit_domain_key = 'domain_pk_"><script>alert(1)</script>'
    response = await http.get("/chatkit-ui")
    assert response.status_code == 200
    html = response.text
    assert f'<script src="{CDN_SCRIPT}"' in html
    assert "<openai-chatkit" in html
    assert 'content="domain_pk_&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "<script>alert(1)" not in html
    assert '<meta name="todochat-managed" content="false">' in html
    managed = await http.get("/chatkit-ui", params={"mode": "managed"})
    assert '<meta name="todochat-managed" content="true">' in managed.text


async def test_default_domain_key_comes_from_settings(settings: Settings, http: httpx.AsyncClient) -> None:
    html = (await http.get("/chatkit-ui")).text
    assert f'content="{settings.chatkit_domain_key}"' in html
    assert settings.chatkit_domain_key == "domain_pk_localhost_dev"
