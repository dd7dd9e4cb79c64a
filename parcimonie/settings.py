"""Configuration from the environment (prefix ``PARCIMONIE_``) or a ``.env`` file.

Only entry points build ``Settings``; libraries receive what they need as arguments.
Secrets (vCenter passwords) never live here in clear: they are read from an environment
variable or a file at the moment of use, and typed ``SecretStr`` so they never print.
"""

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Where Parcimonie keeps its SQLite database when no URL is given."""
    return Path(user_data_dir("parcimonie", appauthor=False))


class Settings(BaseSettings):
    """Parcimonie's settings; each one can be set as ``PARCIMONIE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="PARCIMONIE_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the inventory database (default: a SQLite file in data_dir)",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir, description="Folder for the default SQLite database"
    )
    log_level: str = Field(default="INFO", description="Logging level: DEBUG, INFO, WARNING, ERROR")
    language: str = Field(default="fr", description="Interface language: fr or en")
    dashboard_port: int = Field(default=8501, description="Port the dashboard listens on")
    dashboard_address: str = Field(
        default="127.0.0.1", description="Address the dashboard listens on"
    )

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'parcimonie.db'}"
