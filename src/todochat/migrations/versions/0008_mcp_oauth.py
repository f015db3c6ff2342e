"""mcp oauth: registered clients and hashed grants (sign-ins, codes, access/refresh tokens) of the
authorization server for /mcp (issue 17)

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-03 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import todochat.db

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mcp_oauth_clients',
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('info', sa.Text(), nullable=False),
    sa.Column('created_at', todochat.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_mcp_oauth_clients'))
    )
    op.create_table('mcp_oauth_grants',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('grant_id', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=255), nullable=True),
    sa.Column('resource', sa.String(length=2048), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('expires_at', todochat.db.UTCDateTime(), nullable=False),
    sa.Column('created_at', todochat.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_mcp_oauth_grants'))
    )
    with op.batch_alter_table('mcp_oauth_grants', schema=None) as batch_op:
        batch_op.create_index('ix_mcp_oauth_grants_expires_at', ['expires_at'], unique=False)
        batch_op.create_index('ix_mcp_oauth_grants_grant_id', ['grant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('mcp_oauth_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_mcp_oauth_grants_grant_id')
        batch_op.drop_index('ix_mcp_oauth_grants_expires_at')
    op.drop_table('mcp_oauth_grants')
    op.drop_table('mcp_oauth_clients')
