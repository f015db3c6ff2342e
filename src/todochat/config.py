"""Settings of todochat (pydantic-settings): environment variables prefixed ``TODOCHAT_`` and ``.env``."""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "changethis", ""}
ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
"""An origin as browsers send it (RFC 6454 §6.1): scheme, host and an optional port."""
MIN_SECRET_BYTES = 32
"""The shortest JWT secret accepted in production (HS256 wants a key as long as its hash, RFC 7518 §3.2)."""


MODEL_ID = re.compile(r"builtin|(?:openai|openai-compatible|gemini):[^\s:][^\s]{0,99}")
"""A model id as ``TODOCHAT_MODEL`` spells it: ``builtin`` or ``<provider>:<model>``."""
BUILTIN_LABEL = "Built-in (offline)"


class ModelChoice(BaseModel):
    """One model a deployment offers for a message (``TODOCHAT_MODELS``; chatkit-js ``ModelOption``).

    Attributes:
        id: what a message sends as ``inference_options.model``, spelled as ``TODOCHAT_MODEL``
            (``builtin``, ``openai:<model>``, ``openai-compatible:<model>``, ``gemini:<model>``).
        label: the picker's label; default: the model's name (``Built-in (offline)`` for ``builtin``).
        description: optional helper text shown with the option.
        default: the model a message without ``inference_options.model`` gets (one at most).
    """

    id: str
    label: str = ""
    description: str | None = None
    default: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_id(cls, value: object) -> object:
        return {"id": value} if isinstance(value, str) else value  # "openai:gpt-4.1" alone is an entry

    @model_validator(mode="after")
    def _checked(self) -> ModelChoice:
        self.id = self.id.strip()
        if not MODEL_ID.fullmatch(self.id):
            raise ValueError(
                f"TODOCHAT_MODELS: {self.id[:100]!r} is not a model id; use builtin, openai:<model>, "
                "openai-compatible:<model> or gemini:<model>"
            )
        self.label = " ".join(self.label.split())[:80] or (BUILTIN_LABEL if self.id == "builtin" else self.id.partition(":")[2])
        return self


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
    models: list[ModelChoice] = Field(default_factory=list)
    """The models a message may choose (``inference_options.model``; the pages' model picker), as JSON:
    ``[{"id": "openai:gpt-4.1-mini", "label": "GPT-4.1 mini", "default": true}, "builtin"]`` (an entry
    may be just the id). The built-in model and ``TODOCHAT_MODEL`` are always offered; an entry marked
    ``default`` becomes ``TODOCHAT_MODEL`` when that is unset. Unset: the built-in model, and
    ``TODOCHAT_MODEL`` when it names an LLM. Each LLM entry needs its provider's key/URL, as
    ``TODOCHAT_MODEL`` does (checked at start-up). See :meth:`offered_models`."""
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

    quota_tasks: int = Field(default=10_000, ge=0)
    """Most tasks (not deleted) one user may have; adding more is refused (409 ``quota_exceeded``). 0: no limit."""
    quota_lists: int = Field(default=500, ge=0)
    """Most lists (archived included, the Inbox not) one user may have; a new one is refused (409
    ``quota_exceeded``). 0: no limit."""
    quota_threads: int = Field(default=1_000, ge=0)
    """Most ChatKit threads (conversations) one user may have; a new one is refused. 0: no limit."""
    quota_items_per_thread: int = Field(default=2_000, ge=0)
    """Most items in one thread: a new message to a fuller thread is refused (start a new one). 0: no limit."""
    import_max_bytes: int = Field(default=5_242_880, ge=0)
    """The largest task file an import reads (``POST /api/v1/import``, chat attachments, ``todochat
    import``); larger is refused (413). 0: no limit."""
    attachment_max_bytes: int = Field(default=5_242_880, ge=0)
    """The largest ChatKit attachment a user may upload (413 above it)."""
    quota_attachment_bytes: int = Field(default=52_428_800, ge=0)
    """Most bytes of attachments one user may keep (uploaded files not deleted); an upload past it is
    refused (409 ``quota_exceeded``). 0: no limit."""

    cors_origins: list[str] = Field(default_factory=list)
    mcp_allowed_hosts: list[str] = Field(default_factory=list)
    """Host names ``/mcp`` answers besides localhost/127.0.0.1/[::1] (DNS-rebinding protection),
    e.g. ``["todo.example.com"]``; an entry without a port allows any port; ``["*"]`` allows any host."""
    public_url: str | None = None
    """The address clients reach this server at (``TODOCHAT_PUBLIC_URL``, e.g. ``https://todo.example.com``,
    no path): the base of every absolute URL the server prints (the MCP OAuth metadata, the calendar
    feed's links). Unset: ``todochat serve``
    uses ``http://<host>:<port>`` it listens on. Never taken from a request's Host header."""
    mcp_oauth: bool = True
    """Serve the OAuth 2.1 authorization server for ``/mcp`` (``/authorize``, ``/token``, ``/register``,
    ``/revoke``, RFC 8414 metadata) so MCP clients connect by URL."""
    mcp_accept_api_tokens: bool = True
    """``/mcp`` also accepts the API's own tokens (``todochat token``) as a static bearer header; false:
    only OAuth access tokens issued for ``/mcp``."""
    mcp_access_token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    """Lifetime of an MCP OAuth access token; clients renew it with their refresh token (30 days)."""
    mcp_registrations_per_hour: int = Field(default=20, ge=0)
    """Most dynamic client registrations (``POST /register``, RFC 7591) one client address may make
    per hour; more get 429 with ``Retry-After`` (counted in ``TODOCHAT_RATE_LIMIT_STORAGE``). 0: no limit."""
    mcp_max_clients: int = Field(default=10_000, ge=1)
    """Most registered MCP OAuth clients kept; registering another when full (after stale ones are
    removed) gets 503 with ``Retry-After``."""
    mcp_stale_client_days: int = Field(default=7, ge=1)
    """A registered MCP OAuth client that no user has authorized within this many days of registering
    is deleted (checked at each registration)."""
    log_level: str = "INFO"
    log_format: Literal["console", "json"] = "console"

    rate_limit: str = "120/minute"
    rate_limit_storage: str = "memory://"
    graceful_shutdown_seconds: int = 30

    # The page's live updates (GET /api/v1/events, api/routes/events.py; README "The task panel")
    events_poll_seconds: float = Field(default=2.0, gt=0, le=60)
    """How often an open event stream reads the user's change journal for news (seconds)."""
    events_keepalive_seconds: float = Field(default=15.0, gt=0, le=300)
    """An idle event stream sends an SSE comment this often, so proxies keep it open (seconds)."""
    events_max_streams: int = Field(default=5, ge=1, le=100)
    """Open event streams a user may hold on one replica (tabs, devices); more are refused (429)."""

    # Identity and security (README "Identity and security")
    jwt_max_ttl_minutes: int = Field(default=60 * 24 * 30, gt=0)
    """The longest lifetime (``exp`` − ``iat``) a token may have; longer ones are refused (30 days)."""
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)
    """Clock skew allowed when checking ``exp``, ``nbf`` and ``iat`` (RFC 7519 §4.1.4)."""
    jwt_issuer: str | None = None
    """When set, every token must carry exactly this ``iss``; tokens minted here carry it."""
    jwt_audience: str | None = None
    """When set, every token's ``aud`` must name it; tokens minted here carry it."""
    jwt_subject_claim: str = "sub"
    """The claim that holds the user id (e.g. ``email`` or ``preferred_username`` for some providers)."""
    jwks_url: str | None = None
    """An identity provider's JWKS URL: its RS256/ES256/EdDSA tokens are then accepted
    (needs ``jwt_issuer`` and ``jwt_audience``)."""
    jwks_cache_seconds: float = Field(default=300, gt=0)
    """How long the fetched key set is kept before it is fetched again."""
    jwks_refetch_cooldown_seconds: float = Field(default=30, ge=0)
    """The shortest time between two fetches forced by a token naming an unknown ``kid``."""
    oidc_issuer: str | None = None
    """The identity provider for the built-in page's "Sign in with your provider" (OpenID Connect,
    authorization code + PKCE); discovered from ``<issuer>/.well-known/openid-configuration``."""
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    """Only for a confidential client; a public client (PKCE only) leaves it unset."""
    oidc_scopes: str = "openid profile email"
    oidc_redirect_url: str | None = None
    """The callback registered at the provider, e.g. ``https://todo.example.com/auth/oidc/callback``;
    unset: derived from the request (fine locally; set it behind a proxy)."""
    revocation_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    """How long a replica may reuse a user's token version before reading it again: a sign-out
    made on another replica takes effect there within this time (0: read on every request)."""
    trusted_proxies: list[str] = Field(default_factory=list)
    """Addresses or networks (``["10.0.0.0/8", "127.0.0.1"]``) of reverse proxies whose
    ``X-Forwarded-For``/``X-Forwarded-Proto`` are believed; empty: those headers are ignored."""

    clock_fixed: datetime | None = None
    """Pin the server's "now" to this instant (ISO 8601 with an offset, e.g. ``2026-11-23T09:00Z``)
    for tests, demos and evals; refused in production. Unset: the real time."""

    # --- reminders: delivery, channels and the calendar feed (notify/, README section) ---
    reminders_dispatch: bool = True
    """Run the reminder dispatcher in this process (``TODOCHAT_REMINDERS_DISPATCH=false``: never)."""
    reminders_poll_seconds: float = Field(default=5.0, gt=0, le=30)
    """How often the dispatcher looks for due reminders and pending deliveries (≤ 30 s, so a
    reminder is delivered within 60 s of its time)."""
    reminders_retry_seconds: list[int] = Field(default_factory=lambda: [30, 120, 600, 1800, 7200])
    """Waits before the 2nd, 3rd ... attempt of a failed delivery; after the last one it gives up
    (status ``failed``)."""
    reminder_webhook_url: str | None = None
    """Operator-set URL that receives a JSON POST for every delivered reminder."""
    ntfy_url: str | None = None
    """Operator-set ntfy server (e.g. ``https://ntfy.sh``); each user picks a topic."""
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "todochat@localhost"
    smtp_starttls: bool = True
    """STARTTLS on the SMTP connection (set false only for a local relay)."""
    webpush_allowed_hosts: list[str] = Field(
        default_factory=lambda: [
            "fcm.googleapis.com",
            "updates.push.services.mozilla.com",
            "web.push.apple.com",
            "*.notify.windows.com",
        ]
    )
    """Push-service hosts a browser subscription may point at (``*.`` = any subdomain); any other
    endpoint is refused, so a user can never make the server call an arbitrary URL."""
    webpush_contact: str = "mailto:admin@localhost"
    """The VAPID ``sub`` claim: how a push service contacts the operator."""

    chatkit_domain_key: str = "domain_pk_localhost_dev"
    chatkit_workflow_id: str | None = None
    openai_api_base: str = "https://api.openai.com/v1"

    # --- voice: input.transcribe through OpenAI's transcription API (transcription.py, README "Voice") ---
    transcribe: bool | None = None
    """``TODOCHAT_TRANSCRIBE``: ``true`` offers dictation with ``TODOCHAT_TRANSCRIBE_API_KEY``, else
    ``OPENAI_API_KEY``; ``false`` never; unset: only when ``TODOCHAT_TRANSCRIBE_API_KEY`` is set. An
    ``OPENAI_API_KEY`` alone does not turn voice on: it may be a dummy key for an OpenAI-compatible
    chat server (Ollama, vLLM) that has no transcription endpoint, and the recordings would fail."""
    transcribe_api_key: SecretStr | None = Field(default=None, validation_alias=AliasChoices("TODOCHAT_TRANSCRIBE_API_KEY"))
    """The transcription API's own key (``TODOCHAT_TRANSCRIBE_API_KEY``): setting it turns voice on."""
    transcribe_openai_api_key: SecretStr | None = Field(default=None, validation_alias=AliasChoices("OPENAI_API_KEY"))
    """``OPENAI_API_KEY``: the transcription key only with ``TODOCHAT_TRANSCRIBE=true`` (see ``transcribe``)."""
    transcribe_base_url: str = "https://api.openai.com/v1"
    """The OpenAI-compatible API that serves ``POST /audio/transcriptions`` (operator-set only)."""
    transcribe_model: str = "gpt-4o-mini-transcribe"
    """The transcription model (``gpt-4o-mini-transcribe``, ``gpt-4o-transcribe``, ``whisper-1`` ...)."""
    transcribe_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    """The largest recording accepted (OpenAI's limit is 25 MB); larger is refused (413)."""
    transcribe_timeout_seconds: float = Field(default=60.0, gt=0)
    """How long one transcription may take before it fails (504)."""

    def transcription_key(self) -> str | None:
        """The key dictation uses, or None when it is off: ``TODOCHAT_TRANSCRIBE=false`` → None;
        ``TODOCHAT_TRANSCRIBE_API_KEY`` → it; ``TODOCHAT_TRANSCRIBE=true`` → ``OPENAI_API_KEY``
        (or None without one); else None (voice is opt-in, see ``transcribe``)."""
        if self.transcribe is False:
            return None
        own = self.transcribe_api_key.get_secret_value() if self.transcribe_api_key is not None else ""
        if own:
            return own
        if self.transcribe and self.transcribe_openai_api_key is not None:
            return self.transcribe_openai_api_key.get_secret_value() or None
        return None

    def transcription_enabled(self) -> bool:
        """Whether ``input.transcribe`` is offered: :meth:`transcription_key` gives a key."""
        return self.transcription_key() is not None

    def offered_models(self) -> list[ModelChoice]:
        """The models a message may choose, in ``TODOCHAT_MODELS`` order: ``TODOCHAT_MODEL`` (the
        default: exactly one entry has ``default=True``) and the built-in model are always among them,
        added last when not listed.

        Returns:
            one :class:`ModelChoice` per distinct id (checked when the settings were read).
        """
        offered = [choice.model_copy(update={"default": choice.id == self.model.strip()}) for choice in self.models]
        ids = {choice.id for choice in offered}
        for extra in (self.model.strip(), "builtin"):
            if extra not in ids:
                offered.append(ModelChoice(id=extra, default=extra == self.model.strip()))
                ids.add(extra)
        return offered

    @model_validator(mode="after")
    def _model_choices(self) -> Settings:
        ids = [choice.id for choice in self.models]
        if len(ids) != len(set(ids)):
            raise ValueError("TODOCHAT_MODELS names a model twice")
        defaults = [choice.id for choice in self.models if choice.default]
        if len(defaults) > 1:
            raise ValueError("TODOCHAT_MODELS marks more than one model as default")
        if defaults and defaults[0] != self.model.strip():
            if "model" in self.model_fields_set:
                raise ValueError(
                    f"TODOCHAT_MODELS marks {defaults[0]!r} as default but TODOCHAT_MODEL is {self.model!r}; "
                    "set one of them"
                )
            self.model = defaults[0]
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"TODOCHAT_TIMEZONE: unknown time zone {value!r}") from exc
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        parsed = urlsplit(value.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.path.strip("/") or parsed.query or parsed.fragment:
            raise ValueError("TODOCHAT_PUBLIC_URL must be an http(s) origin without path, query or fragment, e.g. https://todo.example.com")
        return value.strip().rstrip("/")

    @field_validator("clock_fixed")
    @classmethod
    def _aware_clock(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("TODOCHAT_CLOCK_FIXED needs an offset, e.g. 2026-11-23T09:00Z")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError as exc:
                raise ValueError(
                    f"TODOCHAT_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                    "(name each proxy; '*' would let any client choose its address)"
                ) from exc
        return [entry.strip() for entry in value]

    @field_validator("cors_origins")
    @classmethod
    def _exact_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"TODOCHAT_CORS_ORIGINS: {origin!r} is not an origin; name each one exactly as "
                    "scheme://host[:port] (no path, no '*')"
                )
        return value

    @field_validator("jwt_subject_claim")
    @classmethod
    def _claim_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("TODOCHAT_JWT_SUBJECT_CLAIM must name a claim, e.g. sub")
        return value.strip()

    @model_validator(mode="after")
    def _identity_policy(self) -> Settings:
        if self.jwks_url and not (self.jwt_issuer and self.jwt_audience):
            raise ValueError(
                "TODOCHAT_JWKS_URL needs TODOCHAT_JWT_ISSUER and TODOCHAT_JWT_AUDIENCE: without them "
                "a token the provider issued for another application would be accepted"
            )
        if self.jwt_ttl_minutes > self.jwt_max_ttl_minutes:
            if "jwt_ttl_minutes" in self.model_fields_set:
                raise ValueError("TODOCHAT_JWT_TTL_MINUTES is longer than TODOCHAT_JWT_MAX_TTL_MINUTES")
            self.jwt_ttl_minutes = self.jwt_max_ttl_minutes  # the default lifetime, capped
        if self.environment == "production" and 0 < len(self.jwt_secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"TODOCHAT_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes in production")
        return self

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
        """Return the JWT secret, generating and keeping one in ``data_dir/jwt_secret`` on first use.

        The file is created 0600 in a 0700 directory and published atomically
        (:func:`todochat.files.write_once`): processes starting at once share one secret.
        """
        if self.jwt_secret:
            return self.jwt_secret
        from todochat.files import ensure_private_dir, write_once

        path = ensure_private_dir(self.data_dir) / "jwt_secret"
        self.jwt_secret = write_once(path, secrets.token_urlsafe(48))
        return self.jwt_secret


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()
