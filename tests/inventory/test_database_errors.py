"""A database that cannot be used says why, in French, without a password (B06–B12)."""

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from inventory import (
    DatabaseFolderUnavailable,
    DatabaseTooNew,
    DatabaseUnusable,
    DriverMissing,
    InvalidDatabaseUrl,
    NotADatabase,
    Snapshot,
    estate_summary,
    make_engine,
    record_run,
    upgrade_database,
)
from inventory.database import missing_sqlite_file, sqlite_file
from tests.conftest import TODAY


def test_a_text_file_is_not_a_database(tmp_path: Path) -> None:
    """B06: PARCIMONIE_DATABASE_URL pointing at a CSV or a text file."""
    path = tmp_path / "parc.csv"
    path.write_text("name;memory\nesx1;4096\n", encoding="utf-8")
    with pytest.raises(NotADatabase, match="n'est pas une base SQLite") as caught:
        upgrade_database(make_engine(f"sqlite:///{path}"))
    assert str(path) in str(caught.value)
    assert path.read_text(encoding="utf-8").startswith("name;memory")  # untouched


def test_a_damaged_database_is_not_a_database(tmp_path: Path) -> None:
    """B07: a file that starts like SQLite but is not one."""
    path = tmp_path / "p.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(NotADatabase, match="n'est pas une base SQLite"):
        upgrade_database(engine)


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(NotADatabase, match="est un dossier"):
        make_engine(f"sqlite:///{tmp_path}")


def test_a_folder_that_cannot_be_created(tmp_path: Path) -> None:
    """B10: the database's folder cannot be created (here a file is in the way)."""
    (tmp_path / "blocker").write_text("x", encoding="utf-8")
    with pytest.raises(DatabaseFolderUnavailable, match="impossible de créer le dossier") as caught:
        make_engine(f"sqlite:///{tmp_path / 'blocker' / 'sub' / 'p.db'}")
    assert "blocker" in str(caught.value)


def test_a_database_from_a_newer_parcimonie(engine: Engine) -> None:
    """B11: an Alembic revision this version does not know."""
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    with pytest.raises(DatabaseTooNew, match="plus récente de Parcimonie") as caught:
        upgrade_database(engine)
    assert "0099_future" in str(caught.value) and "mettez Parcimonie à jour" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "error", "words"),
    [
        ("mysql://admin:s3cr3t@db.ville.local/parc", DriverMissing, ("pilote absent pour mysql://", "MySQLdb")),
        ("mysql+pymysql://admin:s3cr3t@db/parc", DriverMissing, ("pilote absent", "pymysql")),
        ("oracle2://admin:s3cr3t@db/parc", InvalidDatabaseUrl, ("type de base inconnu", "oracle2://")),
        ("admin:s3cr3t@db/parc", InvalidDatabaseUrl, ("URL de base de données illisible",)),
    ],
)
def test_bad_urls_say_why_without_the_password(url: str, error: type[DatabaseUnusable], words: tuple[str, ...]) -> None:
    """B12: a URL whose driver is not installed, or that is not a database URL at all."""
    with pytest.raises(error) as caught:
        make_engine(url)
    message = str(caught.value)
    assert isinstance(caught.value, DatabaseUnusable)
    assert "s3cr3t" not in message
    for word in words:
        assert word in message


def test_sqlite_uri_read_only(tmp_path: Path) -> None:
    """B08d: sqlite:///file:…?mode=ro&uri=true is understood (not "base introuvable")."""
    path = tmp_path / "p.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    record_run(engine, source="csv:x", kind="csv", collect=Snapshot)
    engine.dispose()
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    assert sqlite_file(url) == path and missing_sqlite_file(url) is None
    assert missing_sqlite_file(f"sqlite:///file:{tmp_path / 'absent.db'}?mode=ro&uri=true") == tmp_path / "absent.db"
    assert sqlite_file("sqlite:///file::memory:?cache=shared&uri=true") is None
    read_only = make_engine(url)
    upgrade_database(read_only)  # already current: nothing to write
    with Session(read_only) as session:
        assert estate_summary(session, today=TODAY).n_hosts == 0
    read_only.dispose()


def test_a_read_only_database_that_needs_an_upgrade(tmp_path: Path) -> None:
    from inventory import DatabaseReadOnly, downgrade_database

    path = tmp_path / "p.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    downgrade_database(engine, "0002")
    engine.dispose()
    with pytest.raises(DatabaseReadOnly, match="lecture seule"):
        upgrade_database(make_engine(f"sqlite:///file:{path}?mode=ro&uri=true"))
