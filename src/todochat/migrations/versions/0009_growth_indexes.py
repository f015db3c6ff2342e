"""growth indexes: reminders by task (issue 13, "Growth")

Every task load (the ``reminder_rows`` relationship is selectin-loaded) reads
``reminders WHERE task_id IN (…)``; the only index on ``task_id`` was ``(user_id, task_id)``, which
that query cannot use, so each page of tasks scanned the whole reminders table (SQLite's plan:
``SCAN reminders``). Measured with bench/growth.py.

Revision ID: 0009
Revises: 0004
Create Date: 2026-12-03 08:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_reminders_task_id', 'reminders', ['task_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_reminders_task_id', table_name='reminders')
