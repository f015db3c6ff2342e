"""Each task operation declared once (src/todochat/tasks/operations.py): the agent tools, the MCP
tools, the REST routes and docs/agent-tools.md agree with the declaration — names, argument names,
JSON types and enums, required-ness, MCP annotations — and the checker does report a front that
disagrees (each perturbation below is a real front's schema, copied and changed)."""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import pytest

from todochat.agent.list_tools import LIST_TOOLS
from todochat.agent.notify_tools import NOTIFY_TOOLS
from todochat.agent.tools import TOOLS
from todochat.api.app import create_app
from todochat.config import Settings
from todochat.mcp.list_tools import register_list_tools
from todochat.mcp.server import Backend, ToolSet
from todochat.mcp.tools import register_tools
from todochat.notify.models import UserChannel
from todochat.tasks import operations, schemas
from todochat.tasks.operation_spec import Arg, Front, check, render_docs
from todochat.tasks.operations import DOCS, OPERATIONS

SRC = Path(__file__).parents[1] / "src" / "todochat"
NOT_TASK_OPERATIONS = (
    "/api/v1/me", "/api/v1/notifications", "/api/v1/audit", "/api/v1/reminders/deliveries", "/api/v1/mentions",
    "/api/v1/composer-tools", "/api/v1/voice", "/api/v1/models", "/api/v1/events",
)
"""REST paths under /api/v1 (and the paths below them) that are not task operations (account,
privacy, reminder delivery, the page's @-mention menu search, composer tools, voice switch, model picker and the page's change stream); every other /api/v1 route
(/api/v1/lists and /api/v1/export too) must be declared in tasks/operations.py."""


def _not_an_operation(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in NOT_TASK_OPERATIONS)


def fronts() -> dict[str, Any]:
    """Every front's schemas as the checker takes them: fresh, so a test may change its copy."""
    toolset = ToolSet()
    backend = Backend(service=lambda: None, user=lambda: "nobody", settings=Settings())  # type: ignore[arg-type,return-value]
    register_tools(toolset, backend)  # the MCP tools build_server registers (mcp/server.py)
    register_list_tools(toolset, backend)
    openapi = create_app().openapi()
    return {
        "agent_tools": {t.name: copy.deepcopy(t.params_json_schema) for t in [*TOOLS, *LIST_TOOLS, *NOTIFY_TOOLS]},  # as agent.py
        "mcp_tools": {
            t.name: (copy.deepcopy(t.parameters), t.annotations.model_dump(by_alias=True) if t.annotations else {})
            for t in toolset.tools
        },
        "openapi": copy.deepcopy(openapi),
        "rest_routes": [
            (method.upper(), path) for path, item in openapi["paths"].items()
            if path.startswith("/api/v1/") and not _not_an_operation(path) for method in item
        ],
        "docs": DOCS.read_text(encoding="utf-8"),
    }


def test_every_front_agrees_with_the_declaration() -> None:
    assert check(OPERATIONS, **fronts()) == []


def test_the_docs_table_is_the_generated_one() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert render_docs(OPERATIONS, text) == text, "run `todochat docs` (python -m todochat.tasks.operations)"
    assert operations.main(["--check"]) == 0
    for op in OPERATIONS:  # every agent tool has its row
        if op.agent is not None:
            assert re.search(rf"^\| `{op.tool_name(op.agent)}` \|", text, flags=re.MULTILINE), op.name


def test_every_operation_is_on_a_front_and_names_are_unique() -> None:
    names = [op.name for op in OPERATIONS]
    assert len(names) == len(set(names))
    assert all(op.agent or op.mcp or op.rest for op in OPERATIONS)
    for front in ("agent", "mcp"):
        shown = [op.tool_name(getattr(op, front)) for op in OPERATIONS if getattr(op, front)]
        assert len(shown) == len(set(shown)), front


def _mcp(f: dict[str, Any], tool: str) -> dict[str, Any]:
    return f["mcp_tools"][tool][0]


def _path(f: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return f["openapi"]["paths"][path][method]


def rename_agent_argument(f: dict[str, Any]) -> None:
    props = f["agent_tools"]["add_task"]["properties"]
    props["name"] = props.pop("title")


def narrow_agent_enum(f: dict[str, Any]) -> None:
    f["agent_tools"]["list_tasks"]["properties"]["status"]["enum"] = ["all", "pending", "done"]


def agent_tool_dropped(f: dict[str, Any]) -> None:
    del f["agent_tools"]["redo"]


def agent_tool_added(f: dict[str, Any]) -> None:
    f["agent_tools"]["share_list"] = {"properties": {"name": {"type": "string"}}, "required": ["name"]}


def mcp_argument_optional(f: dict[str, Any]) -> None:
    _mcp(f, "add_task")["required"] = []


def mcp_argument_retyped(f: dict[str, Any]) -> None:
    _mcp(f, "complete_task")["properties"]["task"] = {"type": "string"}


def mcp_not_destructive(f: dict[str, Any]) -> None:
    schema, hints = f["mcp_tools"]["delete_task"]
    f["mcp_tools"]["delete_task"] = (schema, {**hints, "destructiveHint": False})


def mcp_read_only_lost(f: dict[str, Any]) -> None:
    schema, hints = f["mcp_tools"]["list_tasks"]
    f["mcp_tools"]["list_tasks"] = (schema, {**hints, "readOnlyHint": False})


def rest_route_gone(f: dict[str, Any]) -> None:
    del f["openapi"]["paths"]["/api/v1/tasks/{number}/reopen"]


def rest_route_undeclared(f: dict[str, Any]) -> None:
    f["rest_routes"].append(("POST", "/api/v1/tasks/{number}/archive"))


def rest_query_renamed(f: dict[str, Any]) -> None:
    for p in _path(f, "get", "/api/v1/tasks")["parameters"]:
        if p["name"] == "sort":
            p["name"] = "order"


def rest_body_field_added(f: dict[str, Any]) -> None:
    components = f["openapi"]["components"]["schemas"]
    ref = _path(f, "post", "/api/v1/tasks")["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    components[ref.rsplit("/", 1)[-1]]["properties"]["color"] = {"type": "string"}


def rest_priority_enum_changed(f: dict[str, Any]) -> None:
    for p in _path(f, "get", "/api/v1/tasks")["parameters"]:
        if p["name"] == "priority":
            p["schema"] = {"anyOf": [{"enum": ["low", "high"], "type": "string"}, {"type": "null"}]}


def mcp_list_tool_dropped(f: dict[str, Any]) -> None:
    del f["mcp_tools"]["archive_list"]


def agent_list_argument_renamed(f: dict[str, Any]) -> None:
    props = f["agent_tools"]["rename_list"]["properties"]
    props["to"] = props.pop("new_name")


def rest_reminder_span_renamed(f: dict[str, Any]) -> None:
    for p in _path(f, "get", "/api/v1/reminders")["parameters"]:
        if p["name"] == "from":
            p["name"] = "start"


def docs_edited(f: dict[str, Any]) -> None:
    f["docs"] = f["docs"].replace("`query` str|null", "`q` str|null").replace("`query` str\\|null", "`q` str\\|null")


@pytest.mark.parametrize(
    ("perturb", "reported"),
    [
        (rename_agent_argument, "agent tool add_task: missing argument 'title'"),
        (narrow_agent_enum, "agent tool list_tasks: argument 'status' is enum(all/pending/done)"),
        (agent_tool_dropped, "agent tool 'redo' (redo) is declared but missing"),
        (agent_tool_added, "agent tool 'share_list' is not declared"),
        (mcp_argument_optional, "MCP tool add_task: argument 'title' is string, declared string (required)"),
        (mcp_argument_retyped, "MCP tool complete_task: argument 'task' is string (required), declared integer|string"),
        (mcp_not_destructive, "MCP tool delete_task: destructiveHint is False, declared True"),
        (mcp_read_only_lost, "MCP tool list_tasks: readOnlyHint is False, declared True"),
        (rest_route_gone, "REST POST /api/v1/tasks/{number}/reopen (reopen_task) is declared but missing"),
        (rest_route_undeclared, "REST POST /api/v1/tasks/{number}/archive is not declared"),
        (rest_query_renamed, "REST GET /api/v1/tasks: undeclared argument 'order'"),
        (rest_body_field_added, "REST POST /api/v1/tasks: undeclared argument 'color'"),
        (rest_priority_enum_changed, "REST GET /api/v1/tasks: argument 'priority' is enum(low/high)|null"),
        (mcp_list_tool_dropped, "MCP tool 'archive_list' (archive_list) is declared but missing"),
        (agent_list_argument_renamed, "agent tool rename_list: missing argument 'new_name'"),
        (rest_reminder_span_renamed, "REST GET /api/v1/reminders: missing argument 'from'"),
        (docs_edited, "docs/agent-tools.md is not the generated one"),
    ],
)
def test_the_checker_reports_a_front_that_disagrees(perturb: Any, reported: str) -> None:
    f = fronts()
    perturb(f)
    problems = check(OPERATIONS, **f)
    assert any(p.startswith(reported) for p in problems), problems


def test_the_checker_reports_a_declaration_no_front_follows() -> None:
    """A new argument declared (say an ``assignee`` filter) before the fronts take it: every
    front that shows list_tasks is reported, and so is the docs table."""
    listing = operations.operation("list_tasks")
    extended = replace(listing, arguments=(*listing.arguments, Arg("assignee", str | None, "Only tasks for this person.")))
    ops = tuple(extended if op is listing else op for op in OPERATIONS)
    problems = check(ops, **fronts())
    for where in ("agent tool list_tasks", "MCP tool list_tasks", "REST GET /api/v1/tasks"):
        assert f"{where}: missing argument 'assignee'" in problems, problems
    assert any(p.startswith("docs/agent-tools.md") for p in problems)


def test_a_front_difference_must_name_a_declared_argument() -> None:
    listing = operations.operation("list_tasks")
    typo = replace(listing, agent=Front(omit=("sorting",)))
    with pytest.raises(ValueError, match="sorting"):
        typo.front_args(typo.agent)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "literal",
    [schemas.StatusFilter, schemas.PriorityName, schemas.SortKey, schemas.ReminderStatusFilter,
     schemas.ExportFormat, UserChannel],
)
def test_enum_literals_are_declared_once(literal: Any) -> None:
    """The values of each enum type appear as a literal list in one module only (its declaration);
    every front imports the type."""
    values = ", ".join(f'"{v}"' for v in get_args(literal))
    found = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if values in p.read_text(encoding="utf-8")]
    assert len(found) == 1, found


def test_todochat_docs_regenerates_an_out_of_date_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from todochat.cli import app

    stale = tmp_path / "agent-tools.md"
    stale.write_text(DOCS.read_text(encoding="utf-8").replace("| `undo` |", "| `undo_all` |"), encoding="utf-8")
    monkeypatch.setattr(operations, "DOCS", stale)
    runner = CliRunner()
    assert runner.invoke(app, ["docs", "--check"]).exit_code == 1
    assert "undo_all" in stale.read_text(encoding="utf-8")  # --check writes nothing
    assert runner.invoke(app, ["docs"]).exit_code == 0
    assert stale.read_text(encoding="utf-8") == DOCS.read_text(encoding="utf-8")
    assert runner.invoke(app, ["docs", "--check"]).exit_code == 0


def test_the_request_models_have_the_declared_fields() -> None:
    """The service's request models and the shared argument tuples name the same fields, so a
    field added to one and not the other fails here (REST bodies are these models)."""
    assert [a.name for a in operations.CHANGES] == list(schemas.TaskChanges.model_fields)
    listing = {a.name for a in operations.operation("list_tasks").arguments} - {"sort"}
    assert listing | {"numbers"} == set(schemas.TaskFilter.model_fields)
    assert {a.name for a in operations.FILTERS} <= set(schemas.TaskFilter.model_fields)
    assert [a.name for a in operations.operation("add_task").arguments] == list(schemas.TaskCreate.model_fields)


def test_the_checker_reports_an_undocumented_error_status() -> None:
    f = fronts()
    del _path(f, "patch", "/api/v1/tasks/{number}")["responses"]["409"]
    assert "REST PATCH /api/v1/tasks/{number}: error earlier_than_due (409) is not in its documented responses" in check(
        OPERATIONS, **f
    )
