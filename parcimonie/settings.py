"""Configuration from the environment (prefix ``PARCIMONIE_``) or a ``.env`` file.

Only entry points build ``Settings``; libraries receive what they need as arguments.
Secrets (vCenter passwords) never live here in clear: they are read from an environment
variable or a file at the moment of use, and typed ``SecretStr`` so they never print.
"""

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from collectors.sources import VSphereSource
from inventory.database import default_database_url


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
    data_dir: Path = Field(default_factory=default_data_dir, description="Folder for the default SQLite database")
    log_level: str = Field(default="INFO", description="Logging level: DEBUG, INFO, WARNING, ERROR")
    language: str = Field(default="fr", description="Interface language: fr or en")
    dashboard_port: int = Field(default=8501, ge=1, le=65535, description="Port the dashboard listens on")
    dashboard_address: str = Field(default="127.0.0.1", description="Address the dashboard listens on")

    vsphere_sources: list[VSphereSource] = Field(
        default_factory=list,
        description=(
            "vCenters to collect, as a JSON list of objects {name, host, port, user, password_env "
            "or password_file, ca_file, insecure, timeout_s, retries}; passwords are never stored "
            "here (default variable: PARCIMONIE_VSPHERE_PASSWORD)"
        ),
    )
    vsphere_usage_window_h: float = Field(
        default=24.0,
        ge=0,
        description="Hours of vCenter statistics behind the P95 and mean usage figures (0: none)",
    )
    vsphere_max_query_metrics: int = Field(
        default=64,
        ge=2,
        description="vCenter's config.vpxd.stats.maxQueryMetrics: entities × counters per QueryPerf",
    )
    collect_local: bool = Field(
        default=False,
        description="Also record this machine in `collect all` and the nightly schedule",
    )
    schedule_cron: str = Field(
        default="0 2 * * *",
        description="When the scheduler collects every source (crontab: minute hour day month weekday)",
    )
    schedule_timezone: str = Field(default="Europe/Paris", description="Time zone of schedule_cron")
    schedule_misfire_grace_s: int = Field(
        default=6 * 3600,
        ge=1,
        description="A collection missed while the scheduler was down still runs (once) within this delay",
    )

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return default_database_url(self.data_dir)
