"""What every command needs: settings, and an engine on an up-to-date schema."""

import logging

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from inventory import make_engine, upgrade_database
from parcimonie.settings import Settings

logger = logging.getLogger(__name__)


def safe_url(url: str) -> str:
    """The database URL with any password masked, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def open_engine(settings: Settings) -> Engine:
    """An engine on the configured database, its schema upgraded to the latest migration."""
    url = settings.effective_database_url
    engine = make_engine(url)
    upgrade_database(engine)
    logger.debug("database ready: %s", safe_url(url))
    return engine
