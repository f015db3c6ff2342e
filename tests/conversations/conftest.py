"""Fixtures of the conversation tests: the SQL store over the test database, two users, item factories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    InferenceOptions,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from todochat.context import RequestContext
from todochat.conversations.store import SQLStore

T0 = datetime(2026, 3, 2, 9, 0, 0)  # noqa: DTZ001  (naive local, as chatkit stamps)


@pytest.fixture
def store(sessionmaker: async_sessionmaker[AsyncSession]) -> SQLStore:
    """The store under test, over a fresh migrated database (SQLite, or PostgreSQL when enabled)."""
    return SQLStore(sessionmaker)


@pytest.fixture
def alice() -> RequestContext:
    """The first user."""
    return RequestContext(user_id="alice")


@pytest.fixture
def bob() -> RequestContext:
    """A second user, who must never see or change alice's rows."""
    return RequestContext(user_id="bob")


@pytest.fixture
def make_thread() -> Callable[..., ThreadMetadata]:
    """``make_thread(id, seconds=0, title=None)``: thread metadata created ``seconds`` after T0."""

    def make(thread_id: str, seconds: float = 0, title: str | None = None) -> ThreadMetadata:
        return ThreadMetadata(id=thread_id, title=title, created_at=T0 + timedelta(seconds=seconds))

    return make


@pytest.fixture
def make_message() -> Callable[..., UserMessageItem | AssistantMessageItem]:
    """``make_message(thread_id, id, text, seconds=0, role="user")``: a message created at T0+seconds."""

    def make(
        thread_id: str, item_id: str, text: str, seconds: float = 0, role: str = "user"
    ) -> UserMessageItem | AssistantMessageItem:
        created_at = T0 + timedelta(seconds=seconds)
        if role == "assistant":
            return AssistantMessageItem(
                id=item_id, thread_id=thread_id, created_at=created_at,
                content=[AssistantMessageContent(text=text)],
            )
        return UserMessageItem(
            id=item_id, thread_id=thread_id, created_at=created_at,
            content=[UserMessageTextContent(text=text)], inference_options=InferenceOptions(),
        )

    return make
