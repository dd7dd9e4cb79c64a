"""Alembic environment: runs migrations on the engine the caller put in the config."""

from alembic import context
from sqlalchemy import Engine
from sqlmodel import SQLModel

import inventory.audit  # noqa: F401  (registers the audit_event table)
import inventory.models  # noqa: F401  (registers the tables on the metadata)
import inventory.plan_cache  # noqa: F401  (registers the plan_cache table)
from inventory.database import lock_schema

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine: Engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        lock_schema(connection)  # one migration at a time; the others then find the schema current
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
