"""subtasks: a nullable ``tasks.parent_id`` (issue 15, item 3), indexed for "the subtasks of N"

No foreign key: on SQLite a constraint can only be added by copying the table (batch mode), and
dropping the old copy would cascade-delete every task's tags and reminders. The service keeps
``parent_id`` pointing at a task of the same user (tasks/subtasks.py).

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-03 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('tasks', sa.Column('parent_id', sa.Integer(), nullable=True))
    op.create_index('ix_tasks_parent_id', 'tasks', ['parent_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_tasks_parent_id', table_name='tasks')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('parent_id')
