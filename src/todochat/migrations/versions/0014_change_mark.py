"""change mark: a per-user change counter on ``task_counters`` (issue 13, performance)

The page's event stream (``GET /api/v1/events``) read a user's change mark as an aggregate over
their whole journal (max seq, count and sum of the undone groups): 73.6 ms per poll at 100,000
journal entries on SQLite, every 2 s per open panel. ``task_counters.change_mark`` is bumped in
the same transaction as every journal write, undo, redo and journal drop (tasks/journal.py), so
the mark is one primary-key read.

Back-fill: each user's ``last_change`` (every change made so far) plus the number of their groups
undone now (each took at least one undo), so no user's counter starts below the changes it has
already counted. Downgrade drops the column (the aggregate mark needs nothing stored).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

counters = sa.table(
    'task_counters', sa.column('user_id', sa.String()), sa.column('last_change', sa.Integer()),
    sa.column('change_mark', sa.Integer()),
)
groups = sa.table('journal_groups', sa.column('user_id', sa.String()), sa.column('undone_at', sa.DateTime()))


def upgrade() -> None:
    op.add_column('task_counters', sa.Column('change_mark', sa.Integer(), server_default='0', nullable=False))
    undone = (
        sa.select(sa.func.count())
        .select_from(groups)
        .where(groups.c.user_id == counters.c.user_id, groups.c.undone_at.is_not(None))
        .scalar_subquery()
    )
    op.execute(counters.update().values(change_mark=counters.c.last_change + undone))


def downgrade() -> None:
    with op.batch_alter_table('task_counters', schema=None) as batch_op:
        batch_op.drop_column('change_mark')
