"""host usage profiles: each host's CPU and memory over a representative period, quantised

Revision ID: 0012_host_usage_profiles
Revises: 0011_plan_cache
Create Date: 2026-11-30 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import inventory.types


revision: str = '0012_host_usage_profiles'
down_revision: str | None = '0011_plan_cache'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'host_usage_profile',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('host_id', sa.Integer(), nullable=False),
        sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('start_at', inventory.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('slot_seconds', sa.Integer(), nullable=False),
        sa.Column('n_slots', sa.Integer(), nullable=False),
        sa.Column('cpu_scale_mhz', sa.Float(), nullable=False),
        sa.Column('cpu_codes', sa.LargeBinary(), nullable=False),
        sa.Column('memory_scale_mib', sa.Float(), nullable=True),
        sa.Column('memory_codes', sa.LargeBinary(), nullable=True),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('collected_at', inventory.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['host_id'], ['host.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('host_id', 'period', name='uq_host_usage_profile_host_period'),
    )
    with op.batch_alter_table('host_usage_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_usage_profile_host_id'), ['host_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('host_usage_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_usage_profile_host_id'))
    op.drop_table('host_usage_profile')
