"""tasks' parent index only over subtasks: ``ix_tasks_parent_id`` becomes partial (``WHERE
parent_id IS NOT NULL``) (issue 13, growth)

Most tasks have no parent. Once statistics exist (``ANALYZE``), SQLite's planner read the full index
as one key shared by every row ("100100 100100" in ``sqlite_stat1``) and scanned the whole
``tasks`` table for each row's subtask counts (``Task.tree_columns``): a page of 50 for a user with
100 tasks took ~225 ms beside a user with 100,000. A partial index holds only subtasks; an equality
on ``parent_id`` implies ``parent_id IS NOT NULL``, so both databases use it (SQLite: "The Partial
Index Optimization", https://sqlite.org/partialindex.html §3).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SUBTASKS = sa.text("parent_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index('ix_tasks_parent_id', table_name='tasks')
    op.create_index('ix_tasks_parent_id', 'tasks', ['parent_id'], unique=False,
                    sqlite_where=_SUBTASKS, postgresql_where=_SUBTASKS)


def downgrade() -> None:
    op.drop_index('ix_tasks_parent_id', table_name='tasks')
    op.create_index('ix_tasks_parent_id', 'tasks', ['parent_id'], unique=False)
