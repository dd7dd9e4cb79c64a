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


def test_upgrade_keeps_existing_rows(database_url: str) -> None:
    """A database made by the first release upgrades in place: its hosts survive, new columns are empty."""
    from sqlalchemy import text

    eng = make_engine(database_url)
    upgrade_database(eng, "0001")
    with eng.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO host (source, external_id, name, power_state, status, memory_mib) "
                "VALUES ('vc1', 'host-1', 'esx1', 'on', 'in_service', 262144)"
            )
        )
    upgrade_database(eng)
    with eng.connect() as conn:
        row = conn.execute(text("SELECT name, memory_mib, asset_tag, boot_time, local_storage_gib FROM host")).one()
    assert tuple(row) == ("esx1", 262144.0, None, None, None)
    downgrade_database(eng, "0001")
    with eng.connect() as conn:
        assert conn.execute(text("SELECT name FROM host")).scalar_one() == "esx1"
    eng.dispose()


def test_head_revisions_are_alembics(engine: Engine) -> None:
    """The heads read from the migration files are Alembic's; at the heads, upgrade runs nothing."""
    from alembic.script import ScriptDirectory

    from inventory.database import alembic_config, head_revisions, schema_is_current

    assert head_revisions() == set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    assert schema_is_current(engine)
    downgrade_database(engine, "0001")
    assert not schema_is_current(engine)
    upgrade_database(engine)
    assert schema_is_current(engine)


def test_new_database_is_not_current(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from inventory.database import schema_is_current

    assert not schema_is_current(make_engine(f"sqlite:///{tmp_path / 'new.db'}"))


def test_usage_provenance_marks_stored_usage_as_measured(database_url: str) -> None:
    """0006: usage stored before sources existed came from vSphere statistics; rows without usage stay None."""
    from sqlalchemy import text

    eng = make_engine(database_url)
    upgrade_database(eng, "0005_capacity_history")
    with eng.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO virtual_machine (source, external_id, name, power_state, is_template, "
                "cpu_usage_p95_mhz) VALUES ('vc1', 'vm-1', 'app', 'on', false, 1200), "
                "('vc1', 'vm-2', 'db', 'on', false, NULL)"
            )
        )
    upgrade_database(eng)
    with eng.connect() as conn:
        rows = conn.execute(text("SELECT name, usage_source, memory_ballooned_mib FROM virtual_machine ORDER BY name"))
        assert [tuple(r) for r in rows] == [("app", "measured_p95", None), ("db", None, None)]
    downgrade_database(eng, "0005_capacity_history")
    with eng.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM virtual_machine")).scalar_one() == 2
        assert "usage_source" not in {c["name"] for c in inspect(eng).get_columns("virtual_machine")}
    eng.dispose()
