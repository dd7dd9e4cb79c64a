"""The migration path: an empty database upgrades to the models' schema, and back down."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

from inventory import downgrade_database, is_initialised, make_engine, upgrade_database


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []


def test_downgrade_then_upgrade(engine: Engine) -> None:
    downgrade_database(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_database(engine)
    assert {"host", "virtual_machine", "collection_run", "scenario", "host_model"} <= set(
        inspect(engine).get_table_names()
    )


def test_upgrade_is_idempotent_and_sqlite_uses_wal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    eng = make_engine(f"sqlite:///{tmp_path / 'sub' / 'p.db'}")
    assert not is_initialised(eng)
    upgrade_database(eng)
    upgrade_database(eng)
    assert is_initialised(eng)
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
