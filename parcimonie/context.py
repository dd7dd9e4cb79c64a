"""What every command needs: an engine, on the configured database, with an up-to-date schema."""

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from inventory.database import make_engine, safe_url, upgrade_database
from parcimonie.settings import Settings

logger = logging.getLogger(__name__)


class MissingDatabase(Exception):
    """A command that only reads was pointed at a SQLite file that does not exist (a mistyped path?)."""


class MissingDriver(Exception):
    """The database URL names a driver (a Python package) that is not installed."""


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL points at, ``file:`` URIs included (``sqlite:///file:x.db?mode=ro&uri=true``).

    None for other databases and in-memory ones.
    """
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        uri = urlsplit(database)
        path = unquote(uri.path)
        if not path or path == ":memory:" or parsed.query.get("mode") == "memory" or "mode=memory" in uri.query:
            return None
        return Path(path).expanduser()
    return Path(database).expanduser()


def missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file of ``url`` when it does not exist, else None."""
    path = sqlite_file(url)
    return path if path is not None and not path.exists() else None


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
    try:
        engine = make_engine(url)
        upgrade_database(engine)
    except ImportError as err:  # the URL's driver (psycopg, pymysql…) is not installed
        raise MissingDriver(
            f"le pilote de la base {safe_url(url)} n'est pas installé (module Python « {err.name or err} » "
            "manquant) : installez-le ou changez PARCIMONIE_DATABASE_URL"
        ) from None
    logger.debug("database ready: %s", safe_url(url))
    return engine
