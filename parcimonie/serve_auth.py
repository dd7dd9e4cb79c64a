"""The dashboard's sign-in at serve time: whether it is needed, and Streamlit's ``[auth]`` secrets.

Streamlit's native sign-in (``st.login``) reads an ``[auth]`` section from a secrets file. It is
written here, for one run of ``parcimonie dashboard``, into a private temporary folder (mode 0700,
file 0600) and removed when the dashboard stops: issuer, client id, the client secret (read from the
environment or a file, never stored in the database nor logged) and a cookie secret generated for
the run (signing out everyone at a restart). A dashboard listening beyond this machine without
sign-in is refused, unless ``--no-auth`` says so explicitly.
"""

import ipaddress
import json
import os
import secrets
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from parcimonie.settings import Settings

SECRET_ENV = "PARCIMONIE_AUTH_CLIENT_SECRET"
WELL_KNOWN = "/.well-known/openid-configuration"
HOW_TO = (
    "configurez la connexion OpenID Connect (PARCIMONIE_AUTH_ISSUER, PARCIMONIE_AUTH_CLIENT_ID, "
    "PARCIMONIE_AUTH_CLIENT_SECRET ou PARCIMONIE_AUTH_CLIENT_SECRET_FILE, PARCIMONIE_AUTH_ROLES : "
    "voir docs/deployment.md)"
)


class SignInMissing(Exception):
    """The dashboard would be reachable from other machines without sign-in, or sign-in is half-configured."""


def is_loopback(address: str) -> bool:
    """Whether ``address`` (an IP or a host name) only reaches this machine."""
    try:
        infos = socket.getaddrinfo(address, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return False  # an unknown address: the port check reports it
    return bool(infos) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


def check_sign_in(settings: Settings, *, address: str, no_auth: bool) -> bool:
    """Whether the dashboard signs users in; raises ``SignInMissing`` (saying how to configure it) when needed.

    Sign-in is on whenever it is configured (unless ``no_auth``); without it, only a loopback address
    is accepted, or any address with ``no_auth``.
    """
    if no_auth:
        return False
    if settings.sign_in_configured:
        return True
    if settings.auth_issuer or settings.auth_client_id:
        raise SignInMissing(f"connexion à moitié configurée (il faut l'émetteur et l'identifiant client) : {HOW_TO}")
    if not is_loopback(address):
        raise SignInMissing(
            f"le tableau de bord écouterait sur {address}, joignable depuis d'autres machines, sans connexion : "
            f"{HOW_TO}, ou passez --no-auth pour l'ouvrir sans connexion en connaissance de cause."
        )
    return False


def client_secret(settings: Settings) -> str:
    """The client secret, from ``auth_client_secret_file`` or ``PARCIMONIE_AUTH_CLIENT_SECRET``.

    Raises ``SignInMissing`` when there is none or the file cannot be read (the message never shows it).
    """
    if settings.auth_client_secret_file is not None:
        try:
            lines = settings.auth_client_secret_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError) as err:
            raise SignInMissing(
                f"secret client illisible : {settings.auth_client_secret_file} ({type(err).__name__})"
            ) from None
        value = lines[0].strip() if lines else ""
    else:
        value = settings.auth_client_secret.get_secret_value().strip() if settings.auth_client_secret else ""
    if not value:
        raise SignInMissing(f"secret client manquant : {SECRET_ENV} ou PARCIMONIE_AUTH_CLIENT_SECRET_FILE")
    return value


def metadata_url(issuer: str) -> str:
    """The provider's discovery document: ``issuer`` + ``/.well-known/openid-configuration``."""
    issuer = issuer.strip()
    return issuer if issuer.endswith(WELL_KNOWN) else issuer.rstrip("/") + WELL_KNOWN


def redirect_uri(settings: Settings, *, address: str, port: int) -> str:
    """Where the provider sends users back: ``auth_public_url`` (or http://ADDRESS:PORT) + ``/oauth2callback``."""
    base = settings.auth_public_url or f"http://{address}:{port}"
    return base.rstrip("/") + "/oauth2callback"


def auth_secrets_toml(settings: Settings, *, address: str, port: int, secret: str, cookie_secret: str) -> str:
    """The ``[auth]`` section Streamlit reads (TOML; JSON strings are valid TOML basic strings)."""
    assert settings.auth_issuer is not None and settings.auth_client_id is not None  # checked by check_sign_in
    values = {
        "redirect_uri": redirect_uri(settings, address=address, port=port),
        "cookie_secret": cookie_secret,
        "client_id": settings.auth_client_id,
        "client_secret": secret,
        "server_metadata_url": metadata_url(settings.auth_issuer),
    }
    lines = ["[auth]", *(f"{key} = {json.dumps(value)}" for key, value in values.items())]
    kwargs = {"scope": settings.auth_scopes, "prompt": settings.auth_prompt}
    lines += ["", "[auth.client_kwargs]", *(f"{key} = {json.dumps(value)}" for key, value in kwargs.items()), ""]
    return "\n".join(lines)


@contextmanager
def auth_secrets_file(settings: Settings, *, address: str, port: int) -> Iterator[Path]:
    """A private secrets.toml holding the ``[auth]`` section for this run; removed on exit, whatever happens."""
    secret = client_secret(settings)
    folder = Path(tempfile.mkdtemp(prefix="parcimonie-auth-"))  # mode 0700
    try:
        path = folder / "secrets.toml"
        text = auth_secrets_toml(
            settings, address=address, port=port, secret=secret, cookie_secret=secrets.token_hex(32)
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def dashboard_auth_env(settings: Settings, *, sign_in: bool) -> dict[str, str]:
    """The variables the dashboard reads its sign-in and roles from (``dashboard/auth.py``)."""
    return {
        "PARCIMONIE_DASHBOARD_SIGN_IN": "1" if sign_in else "0",
        "PARCIMONIE_AUTH_ROLES_CLAIM": settings.auth_roles_claim,
        "PARCIMONIE_AUTH_ROLES": json.dumps(settings.auth_roles),
    }
