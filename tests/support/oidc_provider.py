"""A real OpenID Connect provider for the sign-in tests: node ``oidc-provider`` (``tests/support/oidc``).

Its npm packages are installed from the committed ``package-lock.json`` (``npm ci``) the first time;
the provider listens on a free loopback port and knows the test users of ``provider.mjs``:
ada (group parcimonie-admins), denis (dsi), fanny (finances), lea (agents).
"""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "parcimonie"
CLIENT_SECRET = "test-client-secret-never-logged"
#: The test users' groups mapped to Parcimonie's roles (PARCIMONIE_AUTH_ROLES).
ROLE_MAPPING = {"parcimonie-admins": "admin", "dsi": "dsi", "finances": "finance", "agents": "reader"}


@dataclass(frozen=True)
class Provider:
    """A running provider: its issuer URL and the client registered for the dashboard."""

    issuer: str
    client_id: str
    client_secret: str


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def node_missing() -> str | None:
    """Why the provider cannot run here (no node or npm), or None."""
    missing = [tool for tool in ("node", "npm") if not shutil.which(tool)]
    return f"missing {', '.join(missing)} (make system-deps installs Node.js)" if missing else None


def install_packages() -> None:
    """``npm ci`` in ``tests/support/oidc`` unless the locked packages are already there."""
    if (OIDC_DIR / "node_modules" / "oidc-provider" / "package.json").exists():
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=OIDC_DIR, check=True, capture_output=True, timeout=300)


@contextmanager
def oidc_provider(*, redirect_uri: str, log: Path) -> Iterator[Provider]:
    """Start the provider for a client that returns to ``redirect_uri``; stopped on exit."""
    install_packages()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["node", "provider.mjs", str(port), CLIENT_ID, CLIENT_SECRET, redirect_uri],
            cwd=OIDC_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while "READY" not in log.read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the OpenID Connect provider did not start: {log.read_text()}")
                time.sleep(0.2)
            yield Provider(issuer=issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
