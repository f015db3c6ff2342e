"""Settings of todochat (pydantic-settings): environment variables prefixed ``TODOCHAT_`` and ``.env``."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "changethis", ""}


def default_data_dir() -> Path:
    """The per-user data directory (platformdirs), e.g. ``~/.local/share/todochat`` on Linux."""
    return Path(platformdirs.user_data_dir("todochat", appauthor=False))


class Settings(BaseSettings):
    """Every setting of todochat. Read once through :func:`get_settings`, or built in tests.

    Raises:
        pydantic.ValidationError: a setting is malformed (the message names it).
    """

    model_config = SettingsConfigDict(
        env_prefix="TODOCHAT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["local", "production"] = "local"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    """SQLAlchemy async URL: ``sqlite+aiosqlite:///path`` or ``postgresql+asyncpg://user:pw@host/db``."""
    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_statement_timeout_ms: int = 15_000
    db_sqlite_recycle_seconds: int = Field(default=300, ge=1)
    """SQLite: the writer connection is closed and reopened after this many seconds. SQLite's own
    heap of a connection (outside its 2 MB page cache) grows ~1.4 KB per chat turn and is given
    back only when the connection closes (bench/README.md, "Soak")."""

    jwt_secret: str = ""
    """HS256 secret; by default generated once and kept in ``data_dir/jwt_secret``."""
    jwt_ttl_minutes: int = 60 * 24 * 30
    local_user: str = "local"
    """The user ``todochat serve`` logs in and ``todochat mcp`` acts as."""

    model: str = "builtin"
    """``builtin``, ``openai:<model>``, ``openai-compatible:<model>`` or ``gemini:<model>``."""
    openai_base_url: str | None = None
    gemini_base_url: str = "https://generativelanguage.googleapis.com/v1beta/openai/"
    model_max_retries: int = 3
    """Retries of a failed model request (429, 5xx, connection errors), with exponential backoff."""
    model_timeout_seconds: float = 120.0
    """How long a model request may wait for the provider's next bytes before it fails (and is retried)."""
    tracing: bool = False
    """``TODOCHAT_TRACING=1`` turns the Agents SDK's tracing on (it exports to OpenAI); off otherwise."""

    timezone: str = "UTC"
    """Server default IANA time zone, used when neither the request nor the user's setting names one."""
    history_window: int = 30
    """How many of a thread's latest items the agent sees."""
    max_message_chars: int = 4000
    """Longer user messages (and ``quoted_text``) are refused (422)."""
    max_body_bytes: int = Field(default=1_048_576, ge=0)
    """Request bodies above this many bytes are refused (413) before they are read; 0: no limit."""

    cors_origins: list[str] = Field(default_factory=list)
    mcp_allowed_hosts: list[str] = Field(default_factory=list)
    """Host names ``/mcp`` answers besides localhost/127.0.0.1/[::1] (DNS-rebinding protection),
    e.g. ``["todo.example.com"]``; an entry without a port allows any port; ``["*"]`` allows any host."""
    log_level: str = "INFO"
    log_format: Literal["console", "json"] = "console"

    rate_limit: str = "120/minute"
    rate_limit_storage: str = "memory://"
    graceful_shutdown_seconds: int = 30

    clock_fixed: datetime | None = None
    """Pin the server's "now" to this instant (ISO 8601 with an offset, e.g. ``2026-11-23T09:00Z``)
    for tests, demos and evals; refused in production. Unset: the real time."""

    chatkit_domain_key: str = "domain_pk_localhost_dev"
    chatkit_workflow_id: str | None = None
    openai_api_base: str = "https://api.openai.com/v1"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"TODOCHAT_TIMEZONE: unknown time zone {value!r}") from exc
        return value

    @field_validator("clock_fixed")
    @classmethod
    def _aware_clock(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("TODOCHAT_CLOCK_FIXED needs an offset, e.g. 2026-11-23T09:00Z")
        return value

    @model_validator(mode="after")
    def _defaults_and_secrets(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'todochat.db'}"
        if not self.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "TODOCHAT_DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        if self.environment == "production" and self.jwt_secret.lower() in PLACEHOLDER_SECRETS:
            raise ValueError("TODOCHAT_JWT_SECRET must be set to a real secret in production")
        if self.environment == "production" and self.clock_fixed is not None:
            raise ValueError("TODOCHAT_CLOCK_FIXED is for tests and demos; it is refused in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        """True when the database is SQLite."""
        return self.database_url.startswith("sqlite")

    def resolved_jwt_secret(self) -> str:
        """Return the JWT secret, generating and keeping one in ``data_dir`` on first use."""
        if self.jwt_secret:
            return self.jwt_secret
        path = self.data_dir / "jwt_secret"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        self.jwt_secret = path.read_text().strip()
        return self.jwt_secret


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()
