"""change journal: per-user change groups with before/after task snapshots (undo, redo, activity)

Replaces the delete-batch undo: ``tasks.delete_batch`` goes, ``task_counters.last_change`` orders
each user's changes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import todochat.db

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('journal_groups',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=255), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('created_at', todochat.db.UTCDateTime(), nullable=False),
    sa.Column('undone_at', todochat.db.UTCDateTime(), nullable=True),
    sa.Column('redoable', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_groups')),
    sa.UniqueConstraint('user_id', 'seq', name=op.f('uq_journal_groups_user_id_seq'))
    )
    op.create_table('journal_changes',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('group_id', ID, nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['journal_groups.id'], name=op.f('fk_journal_changes_group_id_journal_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_changes'))
    )
    with op.batch_alter_table('journal_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_changes_group_id'), ['group_id'], unique=False)
    with op.batch_alter_table('task_counters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_change', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('delete_batch')


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delete_batch', sa.String(length=40), nullable=True))
    with op.batch_alter_table('task_counters', schema=None) as batch_op:
        batch_op.drop_column('last_change')
    with op.batch_alter_table('journal_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_changes_group_id'))
    op.drop_table('journal_changes')
    op.drop_table('journal_groups')
