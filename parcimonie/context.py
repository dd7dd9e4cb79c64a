"""What every command needs: settings, and an engine on an up-to-date schema."""

import logging
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from inventory import make_engine, upgrade_database
from parcimonie.settings import Settings

logger = logging.getLogger(__name__)


def safe_url(url: str) -> str:
    """The database URL with any password masked, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


class MissingDatabase(Exception):
    """A command that only reads was pointed at a SQLite file that does not exist (a mistyped path?)."""


def open_engine(settings: Settings, *, must_exist: bool = False) -> Engine:
    """An engine on the configured database, its schema upgraded to the latest migration.

    With ``must_exist``, an explicitly configured SQLite file that does not exist is an error rather
    than a new empty database: a read-only command on a mistyped path must say so.
    """
    url = settings.effective_database_url
    parsed = make_url(url)
    if (
        must_exist
        and settings.database_url
        and parsed.get_backend_name() == "sqlite"
        and parsed.database not in (None, "", ":memory:")
        and not Path(parsed.database).expanduser().exists()
    ):
        raise MissingDatabase(
            f"base introuvable : {parsed.database} (vérifiez PARCIMONIE_DATABASE_URL, ou créez-la : parcimonie init)"
        )
    engine = make_engine(url)
    upgrade_database(engine)
    logger.debug("database ready: %s", safe_url(url))
    return engine
