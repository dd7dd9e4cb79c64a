"""usage provenance: where each usage figure comes from; VM memory and disk figures of RVTools

Revision ID: 0006_usage_provenance
Revises: 0005_capacity_history
Create Date: 2026-11-30 12:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006_usage_provenance'
down_revision: str | None = '0005_capacity_history'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VM_FLOATS = (
    'memory_active_mib',
    'memory_consumed_mib',
    'memory_ballooned_mib',
    'memory_swapped_mib',
    'disk_used_gib',
)


def upgrade() -> None:
    with op.batch_alter_table('host', schema=None) as batch_op:
        batch_op.add_column(sa.Column('usage_source', sa.String(length=20), nullable=True))
    with op.batch_alter_table('virtual_machine', schema=None) as batch_op:
        batch_op.add_column(sa.Column('usage_source', sa.String(length=20), nullable=True))
        for name in _VM_FLOATS:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))
    # Usage figures stored before this revision came from vSphere statistics (the only source of usage).
    for table in ('host', 'virtual_machine'):
        op.execute(
            f"UPDATE {table} SET usage_source = 'measured_p95' "  # noqa: S608  (constant table names)
            "WHERE cpu_usage_p95_mhz IS NOT NULL OR memory_usage_p95_mib IS NOT NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table('virtual_machine', schema=None) as batch_op:
        for name in reversed(_VM_FLOATS):
            batch_op.drop_column(name)
        batch_op.drop_column('usage_source')
    with op.batch_alter_table('host', schema=None) as batch_op:
        batch_op.drop_column('usage_source')
