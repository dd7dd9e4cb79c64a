"""What every command needs: an engine, on the configured database, with an up-to-date schema."""

import logging

from sqlalchemy import Engine

from inventory.database import make_engine, missing_sqlite_file, safe_url, upgrade_database
from parcimonie.settings import Settings

logger = logging.getLogger(__name__)


class MissingDatabase(Exception):
    """A command that only reads was pointed at a SQLite file that does not exist (a mistyped path?)."""


def open_engine(settings: Settings, *, must_exist: bool = False) -> Engine:
    """An engine on the configured database, its schema upgraded to the latest migration.

    With ``must_exist``, an explicitly configured SQLite file that does not exist is an error rather
    than a new empty database: a read-only command on a mistyped path must say so.
    """
    url = settings.effective_database_url
    if must_exist and settings.database_url and (missing := missing_sqlite_file(url)) is not None:
        raise MissingDatabase(
            f"base introuvable : {missing} (vérifiez PARCIMONIE_DATABASE_URL, ou créez-la : parcimonie init)"
        )
    engine = make_engine(url)  # raises inventory.errors.DatabaseUnusable subclasses, in French
    upgrade_database(engine)
    logger.debug("database ready: %s", safe_url(url))
    return engine
