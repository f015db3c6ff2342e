"""mcp client hygiene: confidential clients' secrets stored as SHA-256, and when a client was last
authorized (stale registrations are swept) (issue 17)

Upgrade moves each stored plain ``client_secret`` out of ``info`` into ``secret_hash``, and marks
clients that hold any grant as authorized now (the others have never been given a token that is
still kept). Downgrade drops the columns: confidential clients registered before it cannot
authenticate afterwards (their secrets are gone by design) and must register again.

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-03 11:00:00
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import todochat.db

revision: str = '0013'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

clients = sa.table(
    'mcp_oauth_clients',
    sa.column('client_id', sa.String(64)),
    sa.column('info', sa.Text()),
    sa.column('secret_hash', sa.String(64)),
    sa.column('authorized_at', todochat.db.UTCDateTime()),
)
grants = sa.table('mcp_oauth_grants', sa.column('client_id', sa.String(64)), sa.column('kind', sa.String(16)))


def upgrade() -> None:
    with op.batch_alter_table('mcp_oauth_clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('authorized_at', todochat.db.UTCDateTime(), nullable=True))
    bind = op.get_bind()
    for client_id, info in bind.execute(sa.select(clients.c.client_id, clients.c.info)).all():
        data = json.loads(info)
        secret = data.get('client_secret')
        if secret:
            data['client_secret'] = None
            bind.execute(clients.update().where(clients.c.client_id == client_id).values(
                info=json.dumps(data), secret_hash=hashlib.sha256(secret.encode()).hexdigest()))
    held = sa.select(grants.c.client_id).where(grants.c.kind != 'request')
    bind.execute(clients.update().where(clients.c.client_id.in_(held)).values(authorized_at=datetime.now(UTC)))


def downgrade() -> None:
    with op.batch_alter_table('mcp_oauth_clients', schema=None) as batch_op:
        batch_op.drop_column('authorized_at')
        batch_op.drop_column('secret_hash')
