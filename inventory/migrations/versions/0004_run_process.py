"""collection run: pid and hostname of the process that runs it

Revision ID: 0004_run_process
Revises: 0003_scheduler
Create Date: 2026-11-30 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0004_run_process'
down_revision: str | None = '0003_scheduler'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('collection_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pid', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hostname', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('collection_run', schema=None) as batch_op:
        batch_op.drop_column('hostname')
        batch_op.drop_column('pid')
