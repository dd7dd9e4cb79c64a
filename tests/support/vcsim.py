"""govmomi's vCenter simulator for the suite: built once from ``tests/support/vcsim/main.go``.

The binary is cached in the temp folder under a hash of the Go source and the Go version, so a
second session starts it without compiling. Building needs the Debian packages ``golang-go`` and
``golang-github-vmware-govmomi-dev`` (GOPATH=/usr/share/gocode, modules off).
"""

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from collectors.sources import VSphereSource

SOURCE_DIR = Path(__file__).parent / "vcsim"
GOPATH = "/usr/share/gocode"
USER = "parcimonie@vsphere.local"
PASSWORD = "S3cr3t-vcsim!"


def build_vcsim() -> Path:
    """The simulator binary, compiled if no cached build matches the source. RuntimeError if impossible."""
    go = shutil.which("go")
    if go is None:
        raise RuntimeError("Go not found: install golang-go (make system-deps)")
    if not Path(GOPATH, "src/github.com/vmware/govmomi/simulator").is_dir():
        raise RuntimeError("govmomi not found: install golang-github-vmware-govmomi-dev (make system-deps)")
    version = subprocess.run([go, "version"], capture_output=True, text=True, check=True).stdout
    digest = hashlib.sha256((SOURCE_DIR / "main.go").read_bytes() + version.encode()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "parcimonie-vcsim" / digest / "vcsim"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"vcsim.{os.getpid()}.partial")
    env = {**os.environ, "GOPATH": GOPATH, "GO111MODULE": "off"}
    env.setdefault("GOCACHE", str(Path(tempfile.gettempdir()) / "parcimonie-vcsim" / "gocache"))
    result = subprocess.run(
        [go, "build", "-o", str(partial), "."],
        cwd=SOURCE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"building the vCenter simulator failed:\n{result.stderr[-2000:]}")
    partial.replace(target)
    return target


@dataclass
class Simulator:
    """A running simulator process and how to reach it."""

    process: subprocess.Popen[str]
    url: str
    ca_file: Path | None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 0)

    @property
    def tls(self) -> bool:
        return self.url.startswith("https")

    def source(self, name: str = "vcsim", **overrides: Any) -> VSphereSource:
        """A source configuration for this simulator (verified TLS through its CA by default)."""
        values: dict[str, Any] = {
            "name": name,
            "host": "127.0.0.1",
            "port": self.port,
            "user": USER,
            "scheme": "https" if self.tls else "http",
            "ca_file": self.ca_file,
            "timeout_s": 10.0,
            "retries": 1,
        }
        values.update(overrides)
        return VSphereSource(**values)

    def kill(self) -> None:
        """Kill the process at once (a vCenter that drops)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the process cleanly."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_vcsim(
    binary: Path,
    *,
    workdir: Path,
    n_datacenters: int = 1,
    n_clusters: int = 1,
    n_hosts: int = 2,
    n_vms_per_host: int = 2,
    n_datastores: int = 1,
    tls: bool = True,
    timeout_s: float = 120.0,
) -> Simulator:
    """Start a simulator with these counts (per datacenter, per cluster, per host); wait for its URL."""
    workdir.mkdir(parents=True, exist_ok=True)
    ca_file = workdir / "vcsim-ca.pem" if tls else None
    command = [
        str(binary),
        f"-dc={n_datacenters}",
        f"-cluster={n_clusters}",
        f"-host={n_hosts}",
        f"-vm={n_vms_per_host}",
        f"-ds={n_datastores}",
        f"-user={USER}",
        f"-password={PASSWORD}",
        f"-tls={'true' if tls else 'false'}",
    ]
    if ca_file:
        command.append(f"-ca-out={ca_file}")
    env = {**os.environ, "TMPDIR": str(workdir)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=workdir)
    assert process.stdout is not None
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("VCSIM_URL="):
            counts = {
                "sites": n_datacenters,
                "clusters": n_datacenters * n_clusters,
                "hosts": n_datacenters * n_clusters * n_hosts,
                "vms": n_datacenters * n_clusters * n_hosts * n_vms_per_host,
                "datastores": n_datacenters * n_datastores,
            }
            return Simulator(process, line.strip().split("=", 1)[1], ca_file, counts)
        if not line and process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"the vCenter simulator did not start (exit code {process.poll()})")
