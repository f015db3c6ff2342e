"""journal_groups.front and .tool: which front and which tool made each change (the audit log, issue 17)

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('journal_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('front', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('tool', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('journal_groups', schema=None) as batch_op:
        batch_op.drop_column('tool')
        batch_op.drop_column('front')
