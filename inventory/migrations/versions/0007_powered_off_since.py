"""powered off since: when the write path first saw a VM powered off

Revision ID: 0007_powered_off_since
Revises: 0006_usage_provenance
Create Date: 2026-11-30 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import inventory.types

revision: str = '0007_powered_off_since'
down_revision: str | None = '0006_usage_provenance'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('virtual_machine', schema=None) as batch_op:
        batch_op.add_column(sa.Column('powered_off_since', inventory.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('virtual_machine', schema=None) as batch_op:
        batch_op.drop_column('powered_off_since')
