"""Fixtures shared by the whole suite: databases (SQLite and a real PostgreSQL), demo estates."""

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from inventory import make_engine, upgrade_database
from tests.support.postgres import postgres_server

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server for the whole run. In CI a missing server is a failure, not a skip."""
    try:
        with postgres_server() as url:
            yield url
    except RuntimeError as err:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(err))


def _fresh_postgres_database(server_url: str) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server_url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, once on SQLite (file, WAL) and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'parcimonie.db'}"
    return _fresh_postgres_database(request.getfixturevalue("postgres_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty, migrated database (both backends)."""
    eng = make_engine(database_url)
    upgrade_database(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty, migrated SQLite database only (for tests that need no PostgreSQL)."""
    eng = make_engine(f"sqlite:///{tmp_path / 'parcimonie.db'}")
    upgrade_database(eng)
    yield eng
    eng.dispose()
