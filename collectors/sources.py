"""Configuration of the sources collectors read: one ``VSphereSource`` per vCenter.

Kept free of any SDK import so that ``parcimonie.settings`` can type its fields with it cheaply.
A source holds *where* the password is (an environment variable or a file), never the password.
"""

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from inventory.errors import SourceAuthFailed

DEFAULT_PASSWORD_ENV = "PARCIMONIE_VSPHERE_PASSWORD"


class VSphereSource(BaseModel):
    """One vCenter (or ESXi host) to collect, as configured in ``PARCIMONIE_VSPHERE_SOURCES``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="Short name; the source is 'vsphere:<name>'")
    host: str = Field(min_length=1, description="vCenter host name or address")
    port: int = Field(default=443, ge=1, le=65535, description="HTTPS port")
    user: str = Field(min_length=1, description="Read-only account, e.g. parcimonie@vsphere.local")
    password_env: str = Field(default=DEFAULT_PASSWORD_ENV, description="Environment variable that holds the password")
    password: SecretStr | None = Field(
        default=None,
        exclude=True,
        description="Refused: a password is never written in the configuration (use password_env or password_file)",
    )
    password_file: Path | None = Field(
        default=None, description="File whose first line is the password (wins over password_env)"
    )
    ca_file: Path | None = Field(default=None, description="PEM file of the CA that signed the vCenter certificate")
    insecure: bool = Field(default=False, description="Skip TLS verification (labs only: logs a warning every run)")
    scheme: Literal["https", "http"] = Field(
        default="https", description="'http' only for simulators; vCenter always speaks HTTPS"
    )
    timeout_s: float = Field(default=30.0, gt=0, description="Timeout of every call, seconds")
    retries: int = Field(default=3, ge=0, le=10, description="Retries of a call on transient errors")

    @model_validator(mode="before")
    @classmethod
    def _mask_inline_password(cls, data: Any) -> Any:
        """Wrap an inline password in ``SecretStr`` in the input itself, so no error can quote it."""
        if isinstance(data, dict) and isinstance(data.get("password"), str):
            data["password"] = SecretStr(data["password"])  # in place: errors keep a reference to the input
        return data

    @model_validator(mode="after")
    def _no_inline_password(self) -> "VSphereSource":
        """An inline password is refused (its value is typed ``SecretStr``: no message can echo it)."""
        if self.password is not None:
            raise ValueError(
                "un mot de passe n'est jamais écrit dans la configuration : "
                f"utilisez password_env (par défaut {DEFAULT_PASSWORD_ENV}) ou password_file"
            )
        return self

    @property
    def source(self) -> str:
        """The inventory source string of this vCenter."""
        return f"vsphere:{self.name}"

    @property
    def address(self) -> str:
        """host:port, for messages."""
        return f"{self.host}:{self.port}"

    def read_password(self) -> SecretStr:
        """The password, read now from ``password_file`` or the ``password_env`` variable.

        Raises ``SourceAuthFailed`` naming the file or variable (never a value) when absent.
        """
        if self.password_file is not None:
            try:
                lines = self.password_file.read_text(encoding="utf-8").splitlines()
            except OSError as err:
                raise SourceAuthFailed(
                    f"{self.source}: cannot read password file {self.password_file}: {err.strerror}"
                ) from None
            if not lines or not lines[0]:
                raise SourceAuthFailed(f"{self.source}: password file {self.password_file} is empty")
            return SecretStr(lines[0])
        value = os.environ.get(self.password_env)
        if not value:
            raise SourceAuthFailed(f"{self.source}: no password: set {self.password_env} or password_file")
        return SecretStr(value)
