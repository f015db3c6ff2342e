"""``create_app(settings)``: the FastAPI app; resources are made in its lifespan and kept on app.state."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager

import structlog
from agents import Model, set_tracing_disabled
from chatkit.store import NotFoundError
from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from todochat import __version__, db_errors
from todochat.agent.models import select_model, select_models
from todochat.api import oidc
from todochat.api.body_limit import BodySizeLimit, PayloadTooLarge, too_large
from todochat.api.oidc import install_oidc
from todochat.api.ratelimit import install_rate_limit
from todochat.api.routes import (
    activity,
    chat,
    chatkit_session,
    health,
    me,
    reminders,
    signout,
    tasks,
    web,
)
from todochat.api.routes import attachments as attachment_routes
from todochat.api.routes import chatkit as chatkit_routes
from todochat.api.routes import composer as composer_routes
from todochat.api.routes import docs as docs_routes
from todochat.api.routes import events as event_routes
from todochat.api.routes import export as export_routes
from todochat.api.routes import imports as import_routes
from todochat.api.routes import lists as lists_routes
from todochat.api.routes import mentions as mention_routes
from todochat.api.routes import models as model_routes
from todochat.api.routes import notify as notify_routes
from todochat.api.routes import panel as panel_routes
from todochat.api.routes import privacy as privacy_routes
from todochat.api.routes import voice as voice_routes
from todochat.api.security import install_security
from todochat.api.voice import attach_transcriber, chatkit_body_limit
from todochat.chatkit.model_choice import ModelChoices
from todochat.chatkit.server import TodoChatKitServer
from todochat.config import Settings, get_settings
from todochat.context import Clock
from todochat.conversations.attachments import AttachmentFiles, attachment_root
from todochat.conversations.quotas import ConversationQuotas
from todochat.conversations.store import SQLStore
from todochat.db import make_engine, make_sessionmaker
from todochat.errors import TodoError
from todochat.mcp.http import McpHttp
from todochat.notify.dispatcher import Dispatcher, running
from todochat.tasks.service import TaskService

logger = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
"""A client's X-Request-ID is kept (logged and echoed) only if it looks like one."""

LifespanHook = Callable[[FastAPI, AsyncExitStack], Awaitable[None]]
LIFESPAN_HOOKS: list[LifespanHook] = []
"""Extra resources entered in the lifespan (e.g. the MCP session manager), in order."""


def create_app(settings: Settings | None = None, *, clock: Clock | None = None, model: Model | None = None) -> FastAPI:
    """Build the app.

    Args:
        settings: defaults to :func:`get_settings` (environment).
        clock: a fixed clock for evals and tests; default ``settings.clock_fixed``, else real time.
        model: an Agents SDK model to use instead of ``settings.model``.

    Raises:
        ConfigurationError: the model setting is unusable, or TODOCHAT_RATE_LIMIT(_STORAGE) is
            malformed.
    """
    settings = settings or get_settings()
    set_tracing_disabled(not settings.tracing)  # off unless TODOCHAT_TRACING=1, for every provider
    agent_model = model or select_model(settings)
    offered = select_models(settings, default=agent_model)  # TODOCHAT_MODELS (chatkit/model_choice.py)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        attach_database(app, settings)
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(app.state.mcp.run())  # MCP session manager (stateless)
            await attach_transcriber(app, stack)  # input.transcribe when a key is configured (api/voice.py)
            for hook in LIFESPAN_HOOKS:
                await hook(app, stack)
            if settings.reminders_dispatch:  # TODOCHAT_REMINDERS_DISPATCH=false: this replica never sends
                app.state.dispatcher = Dispatcher(lambda: app.state.sessionmaker, settings, lambda: app.state.clock)
                await stack.enter_async_context(running(app.state.dispatcher))
            try:
                yield
            finally:
                await app.state.chatkit.aclose()
                await app.state.engine.dispose()

    app = FastAPI(
        title="todochat",
        version=__version__,
        description="A self-hosted chat assistant for your task list: ChatKit, REST and MCP over one task service.",
        lifespan=lifespan,
        docs_url=None,  # /docs is served from local assets with a strict CSP (routes/docs.py)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock or Clock(fixed=settings.clock_fixed)
    app.state.model = agent_model
    app.state.models = ModelChoices(tuple(settings.offered_models()), offered)
    app.state.mcp = McpHttp(settings, lambda: app.state.service)  # /mcp, same tokens and service
    app.state.mcp.install(app)
    install_rate_limit(app, settings)  # inside CORS, so 429s carry CORS headers
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, larger=file_routes(settings))  # before any body is read
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_credentials=False,  # bearer tokens only: no cookies cross-origin
            allow_headers=["Authorization", "Content-Type", "X-Timezone", "Mcp-Protocol-Version", "Mcp-Session-Id"],
            expose_headers=["Retry-After", "X-Request-ID", "Mcp-Session-Id"],
        )
    _install_handlers(app)
    install_oidc(app, settings)  # the OIDC state cookie (only with TODOCHAT_OIDC_ISSUER)
    install_security(app, settings)  # outermost: every answer gets the headers; proxies resolved first
    app.include_router(health.router)
    app.include_router(chatkit_routes.router)
    app.include_router(tasks.router)
    app.include_router(lists_routes.router)  # /api/v1/lists
    app.include_router(mention_routes.router)  # /api/v1/mentions (the composer's @-menu)
    app.include_router(panel_routes.router)  # /api/v1/panel (the page's task panel)
    app.include_router(event_routes.router)  # /api/v1/events (SSE: the user's tasks changed)
    app.include_router(reminders.router)
    app.include_router(activity.router)
    app.include_router(me.router)
    app.include_router(privacy_routes.router)  # /api/v1/me/export, DELETE /api/v1/me, /api/v1/audit
    app.include_router(notify_routes.router)
    app.include_router(export_routes.router)  # GET /api/v1/export?format=csv|ics
    app.include_router(import_routes.router)
    app.include_router(attachment_routes.router)
    app.include_router(signout.router)
    app.include_router(oidc.router)
    app.include_router(chat.router)
    app.include_router(chatkit_session.router)
    app.include_router(voice_routes.router)  # GET /api/v1/voice
    app.include_router(composer_routes.router)  # GET /api/v1/composer-tools
    app.include_router(model_routes.router)  # GET /api/v1/models (the model picker)
    app.include_router(docs_routes.router)  # /docs: vendored Swagger UI, no inline script
    app.include_router(web.router)
    return app


def file_routes(settings: Settings) -> dict[str, int]:
    """Routes that take a file, with their body limit: the file's limit plus the multipart
    framing (``BodySizeLimit(larger=...)``); 0 (no limit) stays 0."""

    def room(n: int) -> int:
        return n + import_routes.MULTIPART_ROOM if n else 0

    return {"/api/v1/import": room(settings.import_max_bytes), "/chatkit/attachments/": room(settings.attachment_max_bytes),
            **chatkit_body_limit(settings)}  # /chatkit takes a recording when voice is on (api/voice.py)


def worker_app() -> FastAPI:
    """The app of one ``todochat serve --workers N`` worker process (a uvicorn factory): settings
    and logging from the environment, as the parent process checked and migrated them, the first
    turn's lazy work done (``todochat.warmup``), and the start-up objects frozen out of the garbage collector's passes (``gc.freeze``)."""
    import gc

    from todochat.logging import configure_logging
    from todochat.warmup import warm_up

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings)
    warm_up()
    gc.freeze()
    return app


def attach_database(app: FastAPI, settings: Settings) -> None:
    """Make the engine, task service, store and ChatKit server for ``settings.database_url`` and
    keep them on ``app.state`` (the lifespan does this; the eval runner re-attaches per case)."""
    engine = make_engine(settings)
    sessionmaker = make_sessionmaker(engine)
    service = TaskService(sessionmaker, max_tasks=settings.quota_tasks, max_lists=settings.quota_lists)
    store = SQLStore(
        sessionmaker,
        quotas=ConversationQuotas(threads=settings.quota_threads, items_per_thread=settings.quota_items_per_thread),
    )
    app.state.engine = engine
    app.state.sessionmaker = sessionmaker
    app.state.service = service
    app.state.store = store
    app.state.attachments = AttachmentFiles(
        store,
        attachment_root(settings.data_dir),
        secret=settings.resolved_jwt_secret(),
        base_url=settings.public_url or "http://127.0.0.1:8000",
        max_bytes=settings.attachment_max_bytes,
        quota_bytes=settings.quota_attachment_bytes,
        sessionmaker=sessionmaker,  # upload tokens are refused after sign-out (revocation.py)
        revocation_cache_seconds=settings.revocation_cache_seconds,
    )
    app.state.chatkit = TodoChatKitServer(
        store,
        service,
        app.state.model,
        attachments=app.state.attachments,
        import_max_bytes=settings.import_max_bytes,
        history_window=settings.history_window,
        max_message_chars=settings.max_message_chars,
        tracing=settings.tracing,
        models=app.state.models,
    )


def _install_handlers(app: FastAPI) -> None:
    @app.middleware("http")
    async def request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        given = request.headers.get("x-request-id") or ""
        rid = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]
        request.state.request_id = rid
        structlog.contextvars.bind_contextvars(request_id=rid)
        try:
            response = await call_next(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        response.headers["X-Request-ID"] = rid
        return response

    @app.exception_handler(TodoError)
    async def todo_error(_request: Request, exc: TodoError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # the same {error, message, field} body as the service's ValidationError (+ pydantic's list)
        errors = jsonable_encoder(exc.errors(), exclude={"input", "ctx", "url"})
        loc = [str(part) for part in (errors[0]["loc"] if errors else [])]
        field = next((p for p in reversed(loc) if not p.isdigit()), "body") if len(loc) > 1 else "body"
        message = f"{field}: {errors[0]['msg']}" if errors else "Invalid request."
        return JSONResponse({"error": "validation", "message": message, "field": field, "errors": errors}, status_code=422)

    @app.exception_handler(NotFoundError)
    async def not_found(_request: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse({"error": "not_found", "message": str(exc) or "Not found."}, status_code=404)

    @app.exception_handler(PayloadTooLarge)
    async def payload_too_large(_request: Request, exc: PayloadTooLarge) -> JSONResponse:
        return too_large(exc)

    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    @app.exception_handler(OSError)
    @app.exception_handler(OverflowError)
    async def database_error(_request: Request, exc: Exception) -> JSONResponse:
        return database_error_response(exc)


def database_error_response(exc: BaseException) -> JSONResponse:
    """The answer to a database error (:func:`db_errors.classify`): 422 for a value the database
    refuses (a NUL byte, a number out of range), 409 for a constraint, 503 + Retry-After when a
    statement ran past its time limit (``database_timeout``) or the database is unreachable
    (``database_unavailable``), 500 for a bug (logged with its short traceback)."""
    kind = db_errors.classify(exc)
    if kind == "input":
        logger.info("database_refused_input: %s", type(exc).__name__)
        return JSONResponse(
            {"error": "validation", "message": "A value in the request is out of range or not allowed.", "field": None},
            status_code=422,
        )
    if kind == "conflict":
        logger.info("database_conflict: %s", type(exc).__name__)
        return JSONResponse({"error": "conflict", "message": "The change conflicts with the stored data."}, status_code=409)
    if kind == "timeout":
        logger.warning("database_timeout: %s", type(exc).__name__)
        return JSONResponse(
            {"error": "database_timeout", "message": db_errors.TIMEOUT_MESSAGE},
            status_code=503,
            headers={"Retry-After": "5"},
        )
    if kind == "bug":
        logger.error("database_error", exc_info=exc)
        return JSONResponse({"error": "internal", "message": "Something went wrong on the server."}, status_code=500)
    logger.warning("database_unavailable: %s", type(exc).__name__)
    return JSONResponse(
        {"error": "database_unavailable", "message": "The database is unavailable; try again shortly."},
        status_code=503,
        headers={"Retry-After": "5"},
    )
