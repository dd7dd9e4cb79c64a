"""Builders of synthetic estates shared by the optimizer tests."""

from __future__ import annotations

import numpy as np

from optimizer import HostTable, Offer, VmTable

GIB = 1024.0


def make_offer(**overrides: object) -> Offer:
    """A current 2-socket, 64-core, 1 TiB server priced TTC (18 000 EUR HT)."""
    fields: dict[str, object] = {
        "name": "2x32c-1TiB",
        "n_sockets": 2,
        "n_cores": 64,
        "cpu_mhz": 2800.0,
        "memory_mib": 1024 * GIB,
        "perf_per_core": 1.0,
        "price_eur_ttc": 21600.0,
        "power_idle_w": 250.0,
        "power_max_w": 800.0,
        "warranty_years": 5,
    }
    fields.update(overrides)
    return Offer(**fields)  # type: ignore[arg-type]


def make_estate(
    *,
    n_hosts: int = 20,
    vms_per_host: int = 6,
    n_clusters: int = 2,
    purchase_year: float = 2021.0,
    seed: int = 0,
) -> tuple[HostTable, VmTable]:
    """Old 2x16-core 384 GiB hosts carrying a few lightly used VMs each."""
    rng = np.random.default_rng(seed)
    hosts = HostTable.build(
        n_cores=np.full(n_hosts, 32),
        cpu_mhz=np.full(n_hosts, 2400.0),
        memory_mib=np.full(n_hosts, 384 * GIB),
        cluster=np.arange(n_hosts) % n_clusters,
        purchase_year=np.full(n_hosts, purchase_year),
        purchase_price_eur_ttc=np.full(n_hosts, 10800.0),
    )
    m = n_hosts * vms_per_host
    host = np.repeat(np.arange(n_hosts), vms_per_host)
    vcpus = rng.choice([1, 2, 4, 8], size=m, p=[0.2, 0.4, 0.3, 0.1])
    vms = VmTable.build(
        n_vcpus=vcpus,
        memory_mib=rng.choice([4, 8, 16, 32, 48], size=m) * GIB,
        host=host,
        cluster=hosts.cluster[host],
        cpu_p95_mhz=vcpus * 2400.0 * rng.uniform(0.02, 0.3, m),
        is_windows=rng.random(m) < 0.5,
    )
    return hosts, vms


def make_source_claim_estate(*, seed: int = 0) -> tuple[HostTable, VmTable]:
    """The source texts' case: 1 000 four-year-old hosts (bought 2022, planned in 2026) carrying
    fewer than 8 VMs each (7) at low utilisation (CPU P95 2-25 % of allocation, memory 44 %)."""
    rng = np.random.default_rng(seed)
    n, per = 1000, 7
    m = n * per
    hosts = HostTable.build(
        n_cores=np.full(n, 32),
        cpu_mhz=np.full(n, 2400.0),
        memory_mib=np.full(n, 384 * GIB),
        purchase_year=np.full(n, 2022.0),
        purchase_price_eur_ttc=np.full(n, 10800.0),
    )
    vcpus = rng.choice([2, 4, 8], size=m, p=[0.4, 0.4, 0.2])
    vms = VmTable.build(
        n_vcpus=vcpus,
        memory_mib=rng.choice([8, 16, 32, 48], size=m, p=[0.2, 0.35, 0.3, 0.15]) * GIB,
        host=np.repeat(np.arange(n), per),
        cpu_p95_mhz=vcpus * 2400.0 * rng.uniform(0.02, 0.25, m),
        is_windows=rng.random(m) < 0.6,
    )
    return hosts, vms
