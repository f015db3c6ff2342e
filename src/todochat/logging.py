"""Logging set-up (structlog), called once by the server and CLI — never at import.

An error is logged as one line: the exception's type and (short) message and a short traceback
of the innermost frames — never frame locals (they hold message text and tokens), never a bearer
token (redacted from every value), never SQL parameters.
"""

from __future__ import annotations

import logging
import re
import traceback
from types import TracebackType
from typing import Any

import structlog

TRACEBACK_FRAMES = 8
"""How many of the innermost frames an error line shows (per exception in a chain)."""
MESSAGE_MAX = 300
VALUE_MAX = 2000
"""Any other value of a log line is cut to this many characters."""
_SECRET = re.compile(r"(?i)\b(bearer)\s+[\w.~+/=-]+|\beyJ[\w-]{4,}\.[\w-]+\.?[\w-]*")


def _redact(text: str) -> str:
    return _SECRET.sub(lambda m: f"{m.group(1)} [redacted]" if m.group(1) else "[redacted]", text)


def exception_message(exc: BaseException) -> str:
    """``Type: message`` of an exception, cut to :data:`MESSAGE_MAX` characters, redacted; for a
    SQLAlchemy statement error only the driver's error (its text carries the SQL parameters)."""
    shown: BaseException = getattr(exc, "orig", None) or exc if hasattr(exc, "statement") else exc
    text = _redact(f"{type(shown).__name__}: {shown}".split("\n[SQL:", 1)[0])
    return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 1] + "…"


def short_traceback(exc: BaseException, tb: TracebackType | None, *, sep: str) -> str:
    """The innermost :data:`TRACEBACK_FRAMES` frames of ``exc`` (and of its cause or context),
    as ``file:line in function`` joined by ``sep``, innermost last; no locals, no source lines."""
    chunks: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 3:
        seen.add(id(current))
        frames = traceback.extract_tb(tb if current is exc else current.__traceback__)[-TRACEBACK_FRAMES:]
        where = sep.join(f"{f.filename.rsplit('site-packages/', 1)[-1]}:{f.lineno} in {f.name}" for f in frames)
        chunks.append(f"{exception_message(current)} at {where}" if where else exception_message(current))
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return f"{sep}caused by: ".join(chunks)


def _exception_fields(sep: str) -> structlog.typing.Processor:
    """Turn ``exc_info`` into ``error`` (type and message) and ``traceback`` (short, no locals)."""

    def processor(_logger: Any, _name: str, event_dict: structlog.typing.EventDict) -> structlog.typing.EventDict:
        exc_info = event_dict.pop("exc_info", None)
        if exc_info is True:
            import sys

            exc_info = sys.exc_info()
        if isinstance(exc_info, BaseException):
            exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
        if isinstance(exc_info, tuple) and exc_info[1] is not None:
            event_dict["error"] = exception_message(exc_info[1])
            event_dict["traceback"] = short_traceback(exc_info[1], exc_info[2], sep=sep)
        event_dict.pop("exception", None)
        event_dict.pop("stack_info", None)
        return event_dict

    return processor


def _cap_values(_logger: Any, _name: str, event_dict: structlog.typing.EventDict) -> structlog.typing.EventDict:
    """Redact tokens from every string value and cut long values (a request id, a message)."""
    for key, value in list(event_dict.items()):
        if key.startswith("_"):
            continue
        text = value if isinstance(value, str) else None
        if text is None and not isinstance(value, (int, float, bool, type(None))):
            text = str(value)
        if text is not None:
            text = _redact(text)
            event_dict[key] = text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"
    return event_dict


class AccessLogWithoutQuery(logging.Filter):
    """Drop the query string from uvicorn's access log lines: it carries user text (a search
    query ``?q=…``) that must not reach INFO logs; the path and status stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True


def configure_logging(level: str = "INFO", fmt: str = "console") -> None:
    """Route stdlib and structlog logs through one structlog formatter.

    Args:
        level: a logging level name.
        fmt: ``console`` (one readable ``key=value`` line per event; a traceback's frames on that
            line, joined by `` < ``) or ``json`` (one JSON object per line; ``traceback`` keeps
            the frames as text lines).
    """
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _exception_fields("\n" if fmt == "json" else " < "),
        _cap_values,
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer,
        ])
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogWithoutQuery) for f in access.filters):
        access.addFilter(AccessLogWithoutQuery())
    for noisy in ("openai.agents", "httpx", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
