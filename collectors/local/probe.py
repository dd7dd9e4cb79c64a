"""What psutil and /proc, /sys tell about this machine (no inventory types here)."""

import platform
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import psutil

MIB = 1024**2


@dataclass(frozen=True)
class Disk:
    """A mounted file system."""

    mountpoint: str
    fstype: str
    total_gib: float
    used_gib: float


@dataclass(frozen=True)
class MachineFacts:
    """This machine as observed now."""

    hostname: str
    machine_id: str
    cpu_model: str | None
    n_sockets: int
    n_cores: int
    n_threads: int
    cpu_mhz: float | None
    memory_mib: float
    memory_used_mib: float
    vendor: str | None
    model: str | None
    serial_number: str | None
    os_version: str
    boot_time: datetime
    load_1_5_15: tuple[float, float, float]
    cpu_percent_samples: tuple[float, ...]
    sampled_from: datetime
    sampled_to: datetime
    disks: tuple[Disk, ...] = field(default_factory=tuple)

    @property
    def cpu_usage_mhz(self) -> np.ndarray:
        """CPU samples as MHz of the physical cores (vSphere's usagemhz convention)."""
        capacity = (self.cpu_mhz or 0.0) * self.n_cores
        return np.asarray(self.cpu_percent_samples, dtype=float) / 100.0 * capacity


def _read(path: str) -> str | None:
    try:
        value = Path(path).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return value or None


def _cpuinfo() -> tuple[str | None, int, float | None]:
    """(model name, sockets, MHz) from /proc/cpuinfo where it exists."""
    text = _read("/proc/cpuinfo") or ""
    models, sockets, mhz = [], set(), []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "model name":
            models.append(value)
        elif key == "physical id":
            sockets.add(value)
        elif key == "cpu MHz":
            mhz.append(float(value))
    model = models[0] if models else (platform.processor() or None)
    return model, max(1, len(sockets)), (max(mhz) if mhz else None)


def machine_id() -> str:
    """A stable identifier: systemd's machine id, else the host name."""
    return _read("/etc/machine-id") or _read("/var/lib/dbus/machine-id") or socket.gethostname()


def probe_machine(*, sample_s: float = 1.0, n_samples: int = 5) -> MachineFacts:
    """Observe this machine; CPU usage is sampled ``n_samples`` times over ``sample_s`` seconds."""
    cpu_model, n_sockets, proc_mhz = _cpuinfo()
    frequency = psutil.cpu_freq()
    cpu_mhz = (frequency.max or frequency.current) if frequency else None
    n_threads = psutil.cpu_count(logical=True) or 1
    n_cores = psutil.cpu_count(logical=False) or n_threads
    started = datetime.now(UTC)
    psutil.cpu_percent(interval=None)
    samples = []
    for _ in range(max(1, n_samples)):
        time.sleep(sample_s / max(1, n_samples))
        samples.append(psutil.cpu_percent(interval=None))
    memory = psutil.virtual_memory()
    disks = []
    for part in psutil.disk_partitions(all=False):
        try:
            usage = psutil.disk_usage(part.mountpoint)
        except OSError:
            continue
        disks.append(Disk(part.mountpoint, part.fstype, usage.total / 1024**3, usage.used / 1024**3))
    return MachineFacts(
        hostname=socket.gethostname(),
        machine_id=machine_id(),
        cpu_model=cpu_model,
        n_sockets=n_sockets,
        n_cores=n_cores,
        n_threads=n_threads,
        cpu_mhz=cpu_mhz or proc_mhz,
        memory_mib=memory.total / MIB,
        memory_used_mib=(memory.total - memory.available) / MIB,
        vendor=_read("/sys/class/dmi/id/sys_vendor"),
        model=_read("/sys/class/dmi/id/product_name"),
        serial_number=_read("/sys/class/dmi/id/product_serial"),
        os_version=f"{platform.system()} {platform.release()}",
        boot_time=datetime.fromtimestamp(psutil.boot_time(), UTC),
        load_1_5_15=psutil.getloadavg(),
        cpu_percent_samples=tuple(samples),
        sampled_from=started,
        sampled_to=datetime.now(UTC),
        disks=tuple(disks),
    )
