"""user language: a nullable ``user_settings.language`` ("en", "de"; NULL = auto: the language of
each message) for the built-in model's replies and the instructions' reply-language line (issue 12
item 6)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('user_settings', sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user_settings', schema=None) as batch_op:
        batch_op.drop_column('language')
