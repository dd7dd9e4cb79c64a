"""plan cache: the recommended plan's summary and tornado, per snapshot and request

Revision ID: 0011_plan_cache
Revises: 0010_placement_rules
Create Date: 2026-11-30 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import inventory.types


revision: str = '0011_plan_cache'
down_revision: str | None = '0010_placement_rules'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'plan_cache',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('snapshot_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('request_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('created_at', inventory.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('computing_since', inventory.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=True),
        sa.Column('tornado', sa.JSON(), nullable=True),
        sa.Column('tornado_at', inventory.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('snapshot_key', 'request_key', name='uq_plan_cache_snapshot_request'),
    )
    with op.batch_alter_table('plan_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_cache_snapshot_key'), ['snapshot_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_cache_snapshot_key'))
    op.drop_table('plan_cache')
