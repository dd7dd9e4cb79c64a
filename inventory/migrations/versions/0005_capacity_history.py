"""capacity history: capacity and demand per successful run and cluster

Revision ID: 0005_capacity_history
Revises: 0004_run_process
Create Date: 2026-11-30 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005_capacity_history'
down_revision: str | None = '0004_run_process'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'capacity_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('cluster', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column('n_hosts', sa.Integer(), nullable=False),
        sa.Column('n_cores', sa.Integer(), nullable=False),
        sa.Column('cpu_capacity_mhz', sa.Float(), nullable=False),
        sa.Column('memory_mib', sa.Float(), nullable=False),
        sa.Column('max_host_cpu_mhz', sa.Float(), nullable=False),
        sa.Column('max_host_memory_mib', sa.Float(), nullable=False),
        sa.Column('n_vms', sa.Integer(), nullable=False),
        sa.Column('n_vcpus', sa.Integer(), nullable=False),
        sa.Column('memory_allocated_mib', sa.Float(), nullable=False),
        sa.Column('cpu_p95_mhz', sa.Float(), nullable=False),
        sa.Column('memory_p95_mib', sa.Float(), nullable=False),
        sa.Column('storage_used_gib', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['collection_run.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('capacity_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capacity_history_as_of'), ['as_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_capacity_history_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('capacity_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capacity_history_run_id'))
        batch_op.drop_index(batch_op.f('ix_capacity_history_as_of'))
    op.drop_table('capacity_history')
