"""journal turn: the chat turn (user message item id) that made each change group

A retry of a chat message reads what its turn already changed from the journal, written in the
change's own transaction (issue 11, item 8: no window between a tool's commit and its record).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('journal_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('turn', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_journal_groups_user_id_turn', ['user_id', 'turn'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('journal_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_groups_user_id_turn')
        batch_op.drop_column('turn')
