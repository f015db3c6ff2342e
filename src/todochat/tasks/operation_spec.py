"""The shape of an operation declaration (``tasks/operations.py``) and what is derived from it:
the argument shapes each front must show, the disagreement checker, and the agent-tools table of
``docs/agent-tools.md``.

This module knows no front: the checker takes each front's JSON schemas (agent tool
``params_json_schema``, MCP tool input schema and annotations, the REST OpenAPI document) as plain
dicts, so a test can hand it a perturbed copy and see the disagreement reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from pydantic import TypeAdapter

from todochat.errors import TodoError

Json = dict[str, Any]
FRONTS = ("agent", "mcp", "rest")


@dataclass(frozen=True)
class Arg:
    """One argument of an operation.

    Attributes:
        name: the argument's name as the fronts spell it (unless a front renames it).
        type: its Python annotation (types from ``tasks/schemas.py``: ``PriorityName``,
            ``StatusFilter``, ``TaskRef`` ...); its JSON shape is pydantic's schema of it.
        doc: one sentence for the model / client (the docs table shows it).
        required: True when a call must give it (no default, not nullable).
    """

    name: str
    type: Any
    doc: str
    required: bool = False

    def as_(self, type: Any = None, *, name: str | None = None, doc: str | None = None,
            required: bool | None = None) -> Arg:
        """This argument with another type, name, doc or required-ness (for one front)."""
        return Arg(
            name if name is not None else self.name,
            type if type is not None else self.type,
            doc if doc is not None else self.doc,
            required if required is not None else self.required,
        )


NO_CHANGE: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Front:
    """How one front shows an operation: by default every argument as declared, under the
    operation's name. Each difference is written here, once, with its reason in a comment.

    Attributes:
        name: the tool's name on this front (default: the operation's).
        omit: declared arguments this front does not take.
        retype: declared argument name -> the :class:`Arg` this front takes instead (another
            name, type, doc or required-ness; e.g. the agent's ``task`` is text, REST's ``number``).
        extra: arguments only this front takes (paging, a client-side convenience).
        never: declared errors this front cannot meet (e.g. no ``ambiguous`` where a task is
            named by its number); a REST route documents every other one's HTTP status.
    """

    name: str | None = None
    omit: tuple[str, ...] = ()
    retype: Mapping[str, Arg] = field(default_factory=dict)
    extra: tuple[Arg, ...] = ()
    never: tuple[type[TodoError], ...] = ()


@dataclass(frozen=True)
class Route(Front):
    """A REST route of an operation: ``method`` and ``path`` as in the OpenAPI document; its
    arguments are the path and query parameters plus the JSON body's fields."""

    method: str = "GET"
    path: str = ""


@dataclass(frozen=True)
class Operation:
    """One task operation, declared once.

    Attributes:
        name: the operation's name (the agent tool's, unless ``agent.name`` says otherwise).
        summary: what it does, one or two sentences (the tool description's first line).
        arguments: its typed, documented arguments.
        result: the agent tool's JSON result, as ``docs/agent-tools.md`` shows it.
        returns: the service result type every front translates (``TaskOut``, ``BulkResult`` ...).
        errors: the domain errors it can raise (``todochat.errors``).
        read_only / destructive / idempotent: MCP tool annotations (MCP spec 2025-06-18
            ``ToolAnnotations``: ``readOnlyHint``, ``destructiveHint``, ``idempotentHint``).
        agent / mcp: how the agent tool and the MCP tool show it (None: no such tool).
        rest: its REST routes (none: not over REST).
    """

    name: str
    summary: str
    arguments: tuple[Arg, ...] = ()
    result: str = ""
    returns: Any = None
    errors: tuple[type[TodoError], ...] = ()
    read_only: bool = False
    destructive: bool = False
    idempotent: bool = False
    agent: Front | None = field(default_factory=Front)
    mcp: Front | None = field(default_factory=Front)
    rest: tuple[Route, ...] = ()

    def arg(self, name: str) -> Arg:
        """The declared argument ``name`` (KeyError when there is none)."""
        for a in self.arguments:
            if a.name == name:
                return a
        raise KeyError(name)

    def tool_name(self, front: Front) -> str:
        """The name ``front`` gives this operation."""
        return front.name or self.name

    def front_args(self, front: Front) -> list[Arg]:
        """The arguments ``front`` must take, in declaration order then its extras."""
        unknown = (set(front.omit) | set(front.retype)) - {a.name for a in self.arguments}
        if unknown:
            raise ValueError(f"{self.name}: front names undeclared arguments {sorted(unknown)}")
        args = [front.retype.get(a.name, a) for a in self.arguments if a.name not in front.omit]
        return [*args, *front.extra]


# --- JSON shapes -------------------------------------------------------------------------------


def shape(schema: Json, defs: Mapping[str, Json] = NO_CHANGE) -> frozenset[str]:
    """The comparable shape of a JSON schema: its JSON types, enum values and array item shapes,
    without titles, descriptions, defaults or bounds. ``{"anyOf": [{"enum": ["a", "b"]},
    {"type": "null"}]}`` -> ``{"enum(a/b)", "null"}`` (enum values in their declared order); an array of strings -> ``{"[string]"}``."""
    if "$ref" in schema:
        return shape(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return frozenset().union(*(shape(s, defs) for s in schema[key]))
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return frozenset({"enum(" + "/".join(str(v) for v in values) + ")"})  # in declared order
    kind = schema.get("type")
    if kind == "array":
        return frozenset({"[" + "|".join(sorted(shape(schema.get("items", {}), defs))) + "]"})
    if kind == "object":
        return frozenset({"object(" + str(schema.get("title", "")) + ")"})
    if isinstance(kind, list):
        return frozenset(kind)
    return frozenset({kind or "any"})


@dataclass(frozen=True)
class Seen:
    """One argument as a front shows it: its shape and whether a call must give it."""

    shape: frozenset[str]
    required: bool

    def __str__(self) -> str:
        return f"{'|'.join(sorted(self.shape))}{' (required)' if self.required else ''}"


def _seen(prop: Json, required: bool, defs: Mapping[str, Json]) -> Seen:
    kinds = shape(prop, defs)
    return Seen(kinds, required and "default" not in prop and "null" not in kinds)


def declared(args: Iterable[Arg]) -> dict[str, Seen]:
    """The shape each declared argument must have on a front (pydantic's schema of its type)."""
    out = {}
    for a in args:
        schema = TypeAdapter(a.type).json_schema()
        out[a.name] = Seen(shape(schema, schema.get("$defs", {})), a.required)
    return out


def object_args(schema: Json, defs: Mapping[str, Json] | None = None) -> dict[str, Seen]:
    """The arguments of an object schema (a tool's input schema, a request body)."""
    defs = {**schema.get("$defs", {}), **(defs or {})}
    required = set(schema.get("required", []))
    return {name: _seen(prop, name in required, defs) for name, prop in schema.get("properties", {}).items()}


def route_args(openapi: Json, method: str, path: str) -> dict[str, Seen] | None:
    """The arguments of a REST route in an OpenAPI document: path and query parameters and the
    body's fields (a JSON or multipart/form-data body; None: no such route)."""
    op = openapi.get("paths", {}).get(path, {}).get(method.lower())
    if op is None:
        return None
    defs = openapi.get("components", {}).get("schemas", {})
    out = {
        p["name"]: _seen(p.get("schema", {}), bool(p.get("required")), defs)
        for p in op.get("parameters", [])
        if p.get("in") in ("path", "query")
    }
    content = op.get("requestBody", {}).get("content", {})
    body = (content.get("application/json") or content.get("multipart/form-data") or {}).get("schema")
    if body is not None:
        if "$ref" in body:
            body = defs[body["$ref"].rsplit("/", 1)[-1]]
        out.update(object_args(body, defs))
    return out


# --- the checker -------------------------------------------------------------------------------


def _compare(where: str, expected: Mapping[str, Seen], actual: Mapping[str, Seen]) -> list[str]:
    problems = []
    for name in sorted(set(expected) - set(actual)):
        problems.append(f"{where}: missing argument {name!r}")
    for name in sorted(set(actual) - set(expected)):
        problems.append(f"{where}: undeclared argument {name!r} ({actual[name]})")
    for name in sorted(set(expected) & set(actual)):
        if expected[name] != actual[name]:
            problems.append(f"{where}: argument {name!r} is {actual[name]}, declared {expected[name]}")
    return problems


def _check_tool(kind: str, op: Operation, front: Front, tools: Mapping[str, tuple[Json, Json | None]]) -> list[str]:
    """How the tool of ``front`` (its input schema, and its MCP annotations unless None) differs."""
    name = op.tool_name(front)
    if name not in tools:
        return [f"{kind} {name!r} ({op.name}) is declared but missing"]
    schema, hints = tools[name]
    problems = _compare(f"{kind} {name}", declared(op.front_args(front)), object_args(schema))
    if hints is not None:
        for hint, want in (("readOnlyHint", op.read_only), ("destructiveHint", op.destructive),
                           ("idempotentHint", op.idempotent)):
            if bool(hints.get(hint)) != want:
                problems.append(f"{kind} {name}: {hint} is {bool(hints.get(hint))}, declared {want}")
    return problems


def check(
    operations: Iterable[Operation],
    *,
    agent_tools: Mapping[str, Json],
    mcp_tools: Mapping[str, tuple[Json, Json]],
    openapi: Json,
    rest_routes: Iterable[tuple[str, str]],
    docs: str | None = None,
) -> list[str]:
    """Every disagreement between the declaration and the fronts (empty: they agree).

    Args:
        operations: the declaration (``tasks.operations.OPERATIONS``).
        agent_tools: agent tool name -> its ``params_json_schema``.
        mcp_tools: MCP tool name -> (input schema, annotations as a dict with ``readOnlyHint``,
            ``destructiveHint``, ``idempotentHint``).
        openapi: the REST API's OpenAPI document.
        rest_routes: (METHOD, path) of every REST route of the task routers (each must be declared).
        docs: the text of ``docs/agent-tools.md`` (None: not checked).

    Returns:
        One line per disagreement: a missing or undeclared tool, route or argument, an argument of
        another type, enum or required-ness, an annotation that differs, a declared error whose
        HTTP status a route does not document, a docs table out of date.
    """
    ops = list(operations)
    problems: list[str] = []
    seen_agent, seen_mcp, seen_rest = set(), set(), set()
    for op in ops:
        if op.agent is not None:
            seen_agent.add(op.tool_name(op.agent))
            problems += _check_tool("agent tool", op, op.agent, {k: (v, None) for k, v in agent_tools.items()})
        if op.mcp is not None:
            seen_mcp.add(op.tool_name(op.mcp))
            problems += _check_tool("MCP tool", op, op.mcp, mcp_tools)
        for route in op.rest:
            where = f"REST {route.method} {route.path}"
            seen_rest.add((route.method, route.path))
            actual = route_args(openapi, route.method, route.path)
            if actual is None:
                problems.append(f"{where} ({op.name}) is declared but missing")
                continue
            problems += _compare(where, declared(op.front_args(route)), actual)
            documented = openapi["paths"][route.path][route.method.lower()].get("responses", {})
            for error in dict.fromkeys(e for e in op.errors if e not in route.never):
                if str(error.status) not in documented:
                    problems.append(f"{where}: error {error.code} ({error.status}) is not in its documented responses")
            if (route.method == "GET") != op.read_only:
                problems.append(f"{where}: read-only is {op.read_only} but the method is {route.method}")
    problems += [f"agent tool {n!r} is not declared in tasks/operations.py" for n in sorted(set(agent_tools) - seen_agent)]
    problems += [f"MCP tool {n!r} is not declared in tasks/operations.py" for n in sorted(set(mcp_tools) - seen_mcp)]
    problems += [f"REST {m} {p} is not declared in tasks/operations.py" for m, p in sorted(set(rest_routes) - seen_rest)]
    if docs is not None and render_docs(ops, docs) != docs:
        problems.append("docs/agent-tools.md is not the generated one: run `todochat docs`")
    return problems


# --- docs ------------------------------------------------------------------------------------

BEGIN = "<!-- BEGIN tools: generated from src/todochat/tasks/operations.py by `todochat docs` -->"
END = "<!-- END tools -->"


def type_words(a: Arg) -> str:
    """How the docs table writes an argument's type: ``str``, ``int``, ``[str]``, ``a/b/c``,
    with ``|null`` when it may be null."""
    names = {"string": "str", "integer": "int", "boolean": "bool", "number": "float"}

    def one(kind: str) -> str:
        if kind.startswith("enum("):
            return "`" + kind[5:-1] + "`"
        if kind.startswith("["):
            return "[" + "|".join(one(k) for k in kind[1:-1].split("|")) + "]"
        if kind.startswith("object("):
            return kind[7:-1] or "object"
        return names.get(kind, kind)

    kinds = declared([a])[a.name].shape
    words = "|".join(one(k) for k in sorted(kinds - {"null"}))
    return words + ("|null" if "null" in kinds else "")


def tools_table(operations: Iterable[Operation]) -> str:
    """The markdown table of the agent's tools: name, summary and arguments (type, required,
    doc), result and error codes."""
    rows = ["| tool | arguments (JSON) | result (JSON string) |", "| --- | --- | --- |"]
    for op in operations:
        if op.agent is None:
            continue
        args = "".join(
            f"<br>`{a.name}` {type_words(a)}{' (required)' if a.required else ''} — {a.doc}"
            for a in op.front_args(op.agent)
        )
        marks = [w for w, on in (("read-only", op.read_only), ("destructive", op.destructive)) if on]
        summary = op.summary + (f" ({', '.join(marks)})" if marks else "")
        codes = list(dict.fromkeys(e.code for e in op.errors))
        errors = f"<br>errors: {', '.join(f'`{c}`' for c in codes)}" if codes else ""
        cells = (f"`{op.tool_name(op.agent)}`", f"{summary}{args}", f"{op.result}{errors}")
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def render_docs(operations: Iterable[Operation], current: str) -> str:
    """``current`` (the text of docs/agent-tools.md) with the part between :data:`BEGIN` and
    :data:`END` replaced by the generated tools table.

    Raises:
        ValueError: the markers are missing.
    """
    head, begin, rest = current.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"docs/agent-tools.md needs the markers {BEGIN!r} and {END!r}")
    return f"{head}{BEGIN}\n{tools_table(operations)}\n{END}{tail}"


__all__ = ["Arg", "Front", "Operation", "Route", "check", "render_docs", "shape"]
