"""Serving the Streamlit dashboard on the configured database."""

import os
import subprocess
import sys
from pathlib import Path

import dashboard
from parcimonie.settings import Settings

APP_PATH = Path(dashboard.__file__).parent / "app.py"


def dashboard_command(*, port: int, address: str) -> list[str]:
    """The command line that serves the dashboard."""
    return [
        sys.executable,
        "-m",
        "streamlit",
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
    ]


def serve_dashboard(settings: Settings, *, port: int | None = None, address: str | None = None) -> int:
    """Run the dashboard in the foreground until interrupted; returns Streamlit's exit code."""
    env = dict(os.environ)
    env["PARCIMONIE_DATABASE_URL"] = settings.effective_database_url
    env["PARCIMONIE_LANGUAGE"] = settings.language
    command = dashboard_command(port=port or settings.dashboard_port, address=address or settings.dashboard_address)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0
