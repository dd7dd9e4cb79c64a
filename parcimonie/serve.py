"""Serving the Streamlit dashboard on the configured database, as a child process we own.

The dashboard package is located, not imported (``importlib.util.find_spec``): Streamlit imports it
in the child. SIGTERM and SIGINT sent to `parcimonie dashboard` stop the child too: it is asked to
terminate, given ``STOP_TIMEOUT_S`` to do so, then killed; no server is left listening. Sign-in
(OpenID Connect through Streamlit) is set up by ``parcimonie.serve_auth``.
"""

import importlib.util
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import FrameType

from parcimonie.serve_auth import SECRET_ENV, auth_secrets_file, check_sign_in, dashboard_auth_env
from parcimonie.settings import Settings
from parcimonie.warmup import release_claims, warm_in_background

STOP_TIMEOUT_S = 10.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def dashboard_app_path() -> Path:
    """The dashboard's Streamlit script (``dashboard/app.py``), found without importing the package."""
    spec = importlib.util.find_spec("dashboard")
    if spec is None or spec.origin is None:
        raise RuntimeError("the dashboard package is not installed")
    return Path(spec.origin).parent / "app.py"


APP_PATH = dashboard_app_path()


def dashboard_command(*, port: int, address: str, secrets_file: Path | None = None) -> list[str]:
    """The command line that serves the dashboard (with the ``[auth]`` secrets file when signing in)."""
    secrets = ["--secrets.files", str(secrets_file)] if secrets_file is not None else []
    return [
        sys.executable,
        "-m",
        "dashboard.server",  # Streamlit's command line, warmed while the server starts
        "run",
        str(APP_PATH),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",  # no "Deploy" button: the dashboard is served on premises
        *secrets,
    ]


class PortUnavailable(Exception):
    """The dashboard cannot listen on the address and port asked for (in use, or an unknown address)."""


def check_port_free(address: str, port: int) -> None:
    """Raise ``PortUnavailable`` (in French, naming the address and port) unless ``address:port`` can be bound.

    Checked before Streamlit starts, so the user gets one clear line rather than Streamlit's log.
    """
    try:
        infos = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as err:
        raise PortUnavailable(f"adresse d'écoute inconnue : {address} ({err})") from None
    family, kind, proto, _name, where = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind(where)
        except OSError as err:
            raise PortUnavailable(
                f"le port {port} de {address} n'est pas disponible ({err.strerror or err}) : "
                "un autre tableau de bord tourne-t-il déjà ? Choisissez un autre port avec --port."
            ) from None


class _StopRequested(Exception):
    """SIGTERM or SIGINT reached the parent while the dashboard was serving."""


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise _StopRequested(signum)


def stop_process(child: "subprocess.Popen[bytes]", *, timeout_s: float = STOP_TIMEOUT_S) -> int:
    """Ask ``child`` to terminate (SIGTERM), wait up to ``timeout_s``, then kill it; returns its exit code."""
    if child.poll() is None:
        child.terminate()
        try:
            return child.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            child.kill()
    return child.wait()


def serve_dashboard(
    settings: Settings, *, port: int | None = None, address: str | None = None, no_auth: bool = False
) -> int:
    """Run the dashboard in the foreground until it ends or SIGTERM/SIGINT arrives; returns the exit code.

    A stop requested by a signal returns 0 once the child is gone. Raises ``SignInMissing`` (a
    non-loopback address without sign-in and without ``no_auth``) or ``PortUnavailable`` before
    starting anything.
    """
    port, address = port or settings.dashboard_port, address or settings.dashboard_address
    sign_in = check_sign_in(settings, address=address, no_auth=no_auth)
    check_port_free(address, port)
    if not sign_in:
        return _serve(settings, port=port, address=address, secrets_file=None)
    with auth_secrets_file(settings, address=address, port=port) as secrets_file:
        return _serve(settings, port=port, address=address, secrets_file=secrets_file)


def _serve(settings: Settings, *, port: int, address: str, secrets_file: Path | None) -> int:
    """Run Streamlit as a child until it ends or a stop signal arrives (see ``serve_dashboard``)."""
    env = dict(os.environ)
    env.pop(SECRET_ENV, None)  # the dashboard reads the secret from its [auth] file only
    env["PARCIMONIE_DATABASE_URL"] = settings.effective_database_url
    env["PARCIMONIE_LANGUAGE"] = settings.language
    env |= dashboard_auth_env(settings, sign_in=secrets_file is not None)
    command = dashboard_command(port=port, address=address, secrets_file=secrets_file)
    previous = {sig: signal.signal(sig, _raise_stop) for sig in STOP_SIGNALS}
    child = None
    try:
        child = subprocess.Popen(command, env=env)
        # The recommended plan, computed while the server starts rather than during a browser's wait.
        warm_in_background(settings.effective_database_url)
        return child.wait()
    except (_StopRequested, KeyboardInterrupt):
        return 0
    finally:
        for sig in STOP_SIGNALS:  # no second signal may interrupt the clean-up below
            signal.signal(sig, signal.SIG_IGN)
        if child is not None:
            stop_process(child)
        release_claims(settings.effective_database_url)  # an unfinished warm-up: readers compute it
        for sig, handler in previous.items():
            signal.signal(sig, handler)
