"""lists: a user's lists (projects) of tasks, the task's list, and list snapshots in the journal (issue 15)

The Inbox has no row: ``tasks.list_id`` null is the Inbox. ``lists`` rows are soft-deleted so undo
restores them by id; names are unique per user among live lists (a partial unique index on the
NFC case-folded ``name_key``). ``tasks.list_id`` has no foreign key: on SQLite adding one means a
batch copy of ``tasks``, whose DROP with foreign keys on cascades to its tags and reminders.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import todochat.db

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('lists',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_key', sa.String(length=400), nullable=False),
    sa.Column('created_at', todochat.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', todochat.db.UTCDateTime(), nullable=False),
    sa.Column('archived_at', todochat.db.UTCDateTime(), nullable=True),
    sa.Column('deleted_at', todochat.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lists'))
    )
    op.create_index('uq_lists_user_name_live', 'lists', ['user_id', 'name_key'], unique=True,
                    sqlite_where=sa.text('deleted_at IS NULL'), postgresql_where=sa.text('deleted_at IS NULL'))
    op.create_table('list_changes',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('group_id', ID, nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['journal_groups.id'], name=op.f('fk_list_changes_group_id_journal_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_changes'))
    )
    op.create_index(op.f('ix_list_changes_group_id'), 'list_changes', ['group_id'], unique=False)
    op.add_column('tasks', sa.Column('list_id', sa.Integer(), nullable=True))
    op.create_index('ix_tasks_user_list', 'tasks', ['user_id', 'list_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_tasks_user_list', table_name='tasks')
    op.execute('ALTER TABLE tasks DROP COLUMN list_id')  # SQLite ≥ 3.35, no table copy
    op.drop_index(op.f('ix_list_changes_group_id'), table_name='list_changes')
    op.drop_table('list_changes')
    op.drop_index('uq_lists_user_name_live', table_name='lists')
    op.drop_table('lists')
