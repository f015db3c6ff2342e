"""The MCP server of todochat: the task tools over stdio (``todochat mcp``) and streamable HTTP (``/mcp``)."""

from todochat.mcp.server import Backend, build_server
from todochat.mcp.stdio import run_stdio

__all__ = ["Backend", "McpHttp", "build_server", "run_stdio"]


def __getattr__(name: str) -> object:
    if name == "McpHttp":  # the HTTP side imports the API's token code; load it only when asked
        from todochat.mcp.http import McpHttp

        return McpHttp
    raise AttributeError(name)
