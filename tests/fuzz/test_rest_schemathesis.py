"""schemathesis over the OpenAPI of every REST route of a real ``todochat serve`` (SQLite),
authenticated as a test user: no 5xx, and every response conforms to the schema. A bounded,
derandomized run (``MAX_EXAMPLES`` per operation, hypothesis's fixed seed) so CI stays short and
repeatable; ``FUZZED`` counts the requests sent (printed at the end of the module with ``-s``)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from tests import hardening_tally as tally
from tests.servers import LiveServer, server_env

from todochat.api.app import create_app
from todochat.config import Settings

USER = "fuzzer"
MAX_EXAMPLES = 20
FUZZED: list[tuple[str, int]] = []
"""(operation, status) of every fuzzed request; a 501 of an unconfigured feature is counted as 0."""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the module, rate limits off, with a few tasks and a conversation of USER's."""
    tmp = tmp_path_factory.mktemp("fuzz")
    server = LiveServer(server_env(f"sqlite+aiosqlite:///{tmp / 'fuzz.db'}", tmp / "data", TODOCHAT_RATE_LIMIT="off"))
    server.start(timeout=180)
    try:
        with httpx.Client(base_url=server.base_url, headers=server.headers(USER), timeout=60) as http:
            for body in ({"title": "Pay rent", "due": "2026-11-20"}, {"title": "Buy milk", "tags": ["home"]},
                         {"title": "Water plants", "recurrence": "FREQ=WEEKLY"}):
                assert http.post("/api/v1/tasks", json=body).status_code == 201
        yield server
        print(f"\nschemathesis: {len(FUZZED)} requests over {len({op for op, _ in FUZZED})} operations; "
              f"5xx: {sum(status >= 500 for _, status in FUZZED)}")
    finally:
        server.stop()


def openapi() -> dict[str, object]:
    """The OpenAPI document the server serves (built from the same app code, nothing started).
    Loaded at import: schemathesis's fixture-based loader needs pytest's private ``_nodeid``,
    which pytest 9.2 removed."""
    return create_app(Settings(jwt_secret="s" * 40, database_url="sqlite+aiosqlite:///unused.db")).openapi()


schema = schemathesis.openapi.from_dict(openapi()).exclude(path="/api/v1/events")
"""Every route but ``GET /api/v1/events``: an event stream never ends on its own (its HTTP
behaviour is tested in tests/api/test_panel_events_live.py)."""


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_rest_route_answers_without_5xx_and_as_documented(case: schemathesis.Case, fuzz_server: LiveServer) -> None:
    if "user_id" in case.path_parameters:  # the chat API names its user in the path: the token's
        case.path_parameters["user_id"] = USER
    response = case.call(base_url=fuzz_server.base_url, headers=fuzz_server.headers(USER), timeout=60)
    checks = [response_schema_conformance]
    if not not_configured(case, response):
        checks.append(not_a_server_error)
    tally.fuzzed(front(case))
    if not_a_server_error in checks and response.status_code >= 500:
        tally.observed("5xx")
    FUZZED.append((case.operation.label, response.status_code if not_a_server_error in checks else 0))
    case.validate_response(response, checks=checks)


def front(case: schemathesis.Case) -> str:
    """The front a fuzzed operation belongs to: ``chatkit`` (``POST /chatkit``), ``chat endpoint``
    (``/api/{user_id}/…``) or ``rest`` (the rest of the OpenAPI)."""
    if case.operation.path == "/chatkit":
        return "chatkit"
    return "chat endpoint" if "{user_id}" in case.operation.path else "rest"


def not_configured(case: schemathesis.Case, response: object) -> bool:
    """Managed ChatKit sessions without TODOCHAT_CHATKIT_WORKFLOW_ID answer 501 ``configuration``
    on purpose (a feature this server was not set up for, not an error): the one allowed 5xx."""
    if not case.operation.path.startswith("/api/chatkit/") or getattr(response, "status_code", 0) != 501:
        return False
    return bool(response.json()["error"] == "configuration")  # type: ignore[attr-defined]
