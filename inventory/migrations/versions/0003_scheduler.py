"""scheduler: the schedule as plain data, the one-scheduler lock; drop APScheduler's pickled job store

Revision ID: 0003_scheduler
Revises: 0002
Create Date: 2026-11-24 09:00:00.000000

The legacy ``apscheduler_jobs`` table (APScheduler's SQLAlchemyJobStore) held pickled jobs: whoever
could write it ran code in the scheduler. It is dropped without being read (its contents are
rebuilt from the settings at the next ``parcimonie schedule``); the downgrade does not recreate it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import inventory.types


revision: str = "0003_scheduler"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_JOBS_TABLE = "apscheduler_jobs"


def upgrade() -> None:
    op.create_table(
        "collection_schedule",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("cron", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("misfire_grace_s", sa.Integer(), nullable=False),
        sa.Column("last_fire_at", inventory.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_run_at", inventory.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", inventory.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", inventory.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "scheduler_lock",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("acquired_at", inventory.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", inventory.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    if sa.inspect(op.get_bind()).has_table(LEGACY_JOBS_TABLE):
        op.drop_table(LEGACY_JOBS_TABLE)


def downgrade() -> None:
    op.drop_table("scheduler_lock")
    op.drop_table("collection_schedule")
