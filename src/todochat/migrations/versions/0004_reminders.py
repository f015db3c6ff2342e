"""reminders: zero or more per task, at an instant or relative to the task's due time (issue 14)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import todochat.db

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('reminders',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=255), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('at', todochat.db.UTCDateTime(), nullable=True),
    sa.Column('before_minutes', sa.Integer(), nullable=True),
    sa.Column('fire_at', todochat.db.UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', todochat.db.UTCDateTime(), nullable=False),
    sa.Column('fired_at', todochat.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_reminders_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index('ix_reminders_status_fire_at', ['status', 'fire_at'], unique=False)
        batch_op.create_index('ix_reminders_user_task', ['user_id', 'task_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_user_task')
        batch_op.drop_index('ix_reminders_status_fire_at')
    op.drop_table('reminders')
