"""placement rules: anti-affinity, kept together, pins and stays, from an import or DRS rules

Revision ID: 0010_placement_rules
Revises: 0009_usage_profiles
Create Date: 2026-11-30 13:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import inventory.types


revision: str = '0010_placement_rules'
down_revision: str | None = '0009_usage_profiles'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'placement_rule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('group_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column('vm_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column('host_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('line', sa.Integer(), nullable=True),
        sa.Column('recorded_at', inventory.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('placement_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_rule_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_rule_source'), ['source'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('placement_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_rule_source'))
        batch_op.drop_index(batch_op.f('ix_placement_rule_kind'))
    op.drop_table('placement_rule')
