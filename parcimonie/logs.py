"""Logging set-up for the entry points (libraries only call ``logging.getLogger``)."""

import logging


def configure_logging(level: str = "INFO") -> None:
    """Send log lines to stderr with time, level and logger name."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for noisy in ("alembic", "urllib3", "streamlit"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
