"""token_versions: a per-user token version and last revocation instant (issue 17, sign out everywhere)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-03 08:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import todochat.db

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('token_versions',
    sa.Column('user_id', sa.String(length=255), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('revoked_at', todochat.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_token_versions'))
    )


def downgrade() -> None:
    op.drop_table('token_versions')
