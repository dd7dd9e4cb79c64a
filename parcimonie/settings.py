"""Configuration from the environment (prefix ``PARCIMONIE_``) or a ``.env`` file.

Only entry points build ``Settings``; libraries receive what they need as arguments.
Secrets (vCenter passwords) never live here in clear: they are read from an environment
variable or a file at the moment of use, and typed ``SecretStr`` so they never print.
"""

from pathlib import Path
from urllib.parse import urlsplit

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from collectors.sources import VSphereSource
from inventory.database import default_database_url
from parcimonie.access import check_role_mapping

#: Hosts a sign-in provider may be reached at over plain http (a provider on this machine, for tests).
_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def check_web_address(value: str | None, *, https_only: bool) -> str | None:
    """``value`` if it is an http(s) address with a host; with ``https_only``, plain http only to this
    machine (the client secret goes to the provider: never in clear over the network)."""
    if value is None:
        return None
    parts = urlsplit(value.strip())
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError(f"adresse https://… attendue, reçu '{value[:80]}'")
    if https_only and parts.scheme == "http" and not (host in _LOOPBACK_HOSTS or host.startswith("127.")):
        raise ValueError("https:// exigé (le secret client y transite) ; http:// seulement vers cette machine")
    return value


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

    auth_issuer: str | None = Field(
        default=None,
        description=(
            "OpenID Connect issuer URL of the dashboard's sign-in (its /.well-known/openid-configuration "
            "is read); with auth_client_id, turns sign-in on"
        ),
    )
    auth_client_id: str | None = Field(default=None, description="OpenID Connect client id of the dashboard")
    auth_client_secret: SecretStr | None = Field(
        default=None, description="OpenID Connect client secret (environment only; or auth_client_secret_file)"
    )
    auth_client_secret_file: Path | None = Field(
        default=None, description="File holding the OpenID Connect client secret (first line)"
    )
    auth_public_url: str | None = Field(
        default=None,
        description=(
            "Address users reach the dashboard at, e.g. https://parcimonie.example.fr (the sign-in "
            "returns to its /oauth2callback; default: http://ADDRESS:PORT)"
        ),
    )
    auth_scopes: str = Field(default="openid profile email", description="Scopes asked at sign-in")
    auth_prompt: str = Field(
        default="select_account",
        description="OpenID Connect prompt of the sign-in (select_account, login, consent or none)",
    )
    auth_roles_claim: str = Field(default="groups", description="Identity-token claim listing the user's groups")
    auth_roles: dict[str, str] = Field(
        default_factory=dict,
        description=(
            'Groups to roles, as JSON: {"GROUP": "reader"|"dsi"|"finance"|"admin"}; a signed-in user '
            "whose groups map to no role reads only"
        ),
    )

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

    @field_validator("auth_issuer")
    @classmethod
    def _issuer_over_https(cls, value: str | None) -> str | None:
        return check_web_address(value, https_only=True)

    @field_validator("auth_public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        return check_web_address(value, https_only=False)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("fr", "en"):
            raise ValueError("langue 'fr' ou 'en'")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("niveau DEBUG, INFO, WARNING, ERROR ou CRITICAL")
        return value.upper()

    @field_validator("auth_roles")
    @classmethod
    def _known_roles(cls, value: dict[str, str]) -> dict[str, str]:
        return check_role_mapping(value)

    @property
    def sign_in_configured(self) -> bool:
        """Whether the dashboard's OpenID Connect sign-in is configured (issuer and client id)."""
        return bool(self.auth_issuer and self.auth_client_id)

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return default_database_url(self.data_dir)
