"""Rate limits: per user from the token, per address without one, 429 + Retry-After, Redis shared."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import time_machine
from fastapi import FastAPI
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.ext.asyncio import AsyncEngine
from tests.clock import TEST_NOW
from tests.pg import free_port

from todochat.api.auth import issue_token
from todochat.api.deps import CurrentUser
from todochat.api.ratelimit import build_limiter, install_rate_limit
from todochat.config import Settings
from todochat.db import make_engine, make_sessionmaker
from todochat.errors import AuthError, ConfigurationError


@pytest.fixture(autouse=True)
def _migrated_database(tmp_path: Path, sqlite_template: Path) -> None:
    """The default database of :func:`make_settings` (``data_dir/todochat.db``), migrated: the
    auth dependency reads the token versions table (revocation)."""
    (tmp_path / "data").mkdir(exist_ok=True)
    shutil.copyfile(sqlite_template, tmp_path / "data" / "todochat.db")


ENGINES: list[AsyncEngine] = []


@pytest.fixture(autouse=True)
async def _dispose_engines() -> AsyncIterator[None]:
    """Close the engines :func:`make_app` made, in the test's own loop."""
    yield
    while ENGINES:
        await ENGINES.pop().dispose()


def make_settings(tmp_path: Path, limit: str = "3/minute", storage: str = "memory://") -> Settings:
    return Settings(data_dir=tmp_path / "data", jwt_secret="s" * 40, rate_limit=limit,
                    rate_limit_storage=storage)  # fmt: skip


def make_app(settings: Settings) -> tuple[FastAPI, list[str]]:
    """A small app with the real auth dependency and the real middleware; records work done."""
    app = FastAPI()
    app.state.settings = settings
    engine = make_engine(settings)
    ENGINES.append(engine)
    app.state.sessionmaker = make_sessionmaker(engine)  # token versions (revocation)
    work: list[str] = []

    @app.exception_handler(AuthError)
    async def unauthorized(_request: object, exc: AuthError) -> JSONResponse:
        return JSONResponse(exc.to_dict(), status_code=401)

    @app.post("/chatkit")
    async def chatkit(user: CurrentUser) -> StreamingResponse:
        work.append(user)

        async def events():  # type: ignore[no-untyped-def]
            work.append(f"stream:{user}")
            yield b"data: {}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    install_rate_limit(app, settings)
    return app, work


def client(app: FastAPI, ip: str = "10.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def auth(settings: Settings, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, settings)}"}


async def test_per_user_limit_answers_429_with_retry_after_before_any_work(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    app, work = make_app(settings)
    async with client(app) as http:
        codes = [(await http.post("/chatkit", headers=auth(settings, "ann"))).status_code
                 for _ in range(3)]  # fmt: skip
        over = await http.post("/chatkit", headers=auth(settings, "ann"))
        other = await http.post("/chatkit", headers=auth(settings, "bob"))
    assert codes == [200, 200, 200]
    assert over.status_code == 429
    assert 1 <= int(over.headers["retry-after"]) <= 60
    body = over.json()
    assert body["error"] == "rate_limited"
    assert body["retry_after"] == int(over.headers["retry-after"])
    assert "3 per 1 minute" in body["message"]
    assert other.status_code == 200  # limits are per user
    assert work.count("ann") == 3 and work.count("stream:ann") == 3  # the 4th did nothing


async def test_unauthenticated_requests_are_limited_per_address(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    app, work = make_app(settings)
    other_secret = Settings(data_dir=tmp_path / "x", jwt_secret="f" * 40)
    forged = {"Authorization": "Bearer " + issue_token("ann", other_secret)}
    async with client(app, "10.0.0.7") as http:
        first = [(await http.post("/chatkit")).status_code for _ in range(2)]
        first.append((await http.post("/chatkit", headers=forged)).status_code)
        over = await http.post("/chatkit", headers=forged)
    async with client(app, "10.0.0.8") as http:
        elsewhere = await http.post("/chatkit")
        ann = await http.post("/chatkit", headers=auth(settings, "ann"))
    assert first == [401, 401, 401]
    assert over.status_code == 429 and "retry-after" in over.headers
    assert elsewhere.status_code == 401
    assert ann.status_code == 200  # a forged "ann" token did not spend the real ann's budget
    assert work == ["ann", "stream:ann"]


async def test_probes_are_not_counted(tmp_path: Path) -> None:
    app, _ = make_app(make_settings(tmp_path, "1/minute"))
    async with client(app) as http:
        assert [(await http.get("/health")).status_code for _ in range(5)] == [200] * 5


async def test_retry_after_is_honest(tmp_path: Path) -> None:
    """On a stopped clock (time-machine): over the limit until the Retry-After has passed, then not;
    no real time is waited and a slow machine cannot cross the window by accident."""
    settings = make_settings(tmp_path, "2/minute")
    app, _ = make_app(settings)
    with time_machine.travel(TEST_NOW, tick=False) as clock:
        async with client(app) as http:
            headers = auth(settings, "ann")
            assert [(await http.post("/chatkit", headers=headers)).status_code for _ in range(2)] == [200, 200]
            over = await http.post("/chatkit", headers=headers)
            assert over.status_code == 429 and over.headers["retry-after"] == "60"
            clock.shift(59)
            still = await http.post("/chatkit", headers=headers)
            assert still.status_code == 429 and still.headers["retry-after"] == "1"
            clock.shift(1.01)
            assert (await http.post("/chatkit", headers=headers)).status_code == 200


def test_configuration_errors_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="TODOCHAT_RATE_LIMIT 'lots' is malformed"):
        build_limiter(make_settings(tmp_path, "lots"))
    with pytest.raises(ConfigurationError, match="TODOCHAT_RATE_LIMIT_STORAGE must be"):
        build_limiter(make_settings(tmp_path, storage="mongodb://x"))
    assert build_limiter(make_settings(tmp_path, "off")) is None
    several = build_limiter(make_settings(tmp_path, "30/minute;1000/day"))
    assert several is not None and [str(x) for x in several.limits] == [
        "30 per 1 minute", "1000 per 1 day"]  # fmt: skip


async def test_memory_counters_are_per_process(tmp_path: Path) -> None:
    """Without Redis two replicas count separately (the reason Redis exists here)."""
    settings = make_settings(tmp_path, "2/minute")
    (one, _), (two, _) = make_app(settings), make_app(settings)
    async with client(one) as a, client(two) as b:
        codes = [(await h.post("/chatkit", headers=auth(settings, "ann"))).status_code
                 for h in (a, a, b, b)]  # fmt: skip
    assert codes == [200, 200, 200, 200]


async def test_redis_counters_are_shared_between_replicas(tmp_path: Path, redis_url: str) -> None:
    settings = make_settings(tmp_path, "3/minute", redis_url)
    (one, work1), (two, work2) = make_app(settings), make_app(settings)
    async with client(one) as a, client(two) as b:
        codes = [(await h.post("/chatkit", headers=auth(settings, "ann"))).status_code
                 for h in (a, b, a, b)]  # fmt: skip
        over = await b.post("/chatkit", headers=auth(settings, "ann"))
        bob = await a.post("/chatkit", headers=auth(settings, "bob"))
    assert codes == [200, 200, 200, 429]
    assert int(over.headers["retry-after"]) >= 1
    assert bob.status_code == 200
    assert work1.count("ann") + work2.count("ann") == 3


async def test_unreachable_redis_lets_requests_through(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, "1/minute", f"redis://127.0.0.1:{free_port()}/0")
    app, work = make_app(settings)
    with caplog.at_level(logging.WARNING, logger="todochat.api.ratelimit"):
        async with client(app) as http:
            codes = [(await http.post("/chatkit", headers=auth(settings, "ann"))).status_code
                     for _ in range(2)]  # fmt: skip
    assert codes == [200, 200] and work.count("ann") == 2
    assert "rate_limit_storage_unavailable" in caplog.text
