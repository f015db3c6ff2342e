"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness: the process answers")
async def health() -> dict[str, str]:
    """Always ``{"status": "ok"}`` while the process runs."""
    return {"status": "ok"}


@router.get("/ready", summary="Readiness: the database answers", responses={503: {"description": "Database unreachable"}})
async def ready(request: Request) -> JSONResponse:
    """200 ``{"status": "ready"}`` when ``SELECT 1`` succeeds, else 503 with the reason."""
    try:
        async with request.app.state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        return JSONResponse(
            {"status": "unavailable", "error": "database_unavailable", "message": f"The database is unreachable: {type(exc).__name__}"},
            status_code=503,
        )
    return JSONResponse({"status": "ready"})
