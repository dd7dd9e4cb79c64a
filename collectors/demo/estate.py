"""A deterministic demo estate: a plausible mid-size authority, scalable for benchmarks.

Default: 3 sites, 7 clusters, about 120 hosts bought over 9 years, about 900 VMs (fewer than 8 per
host, mostly idle with a heavy tail, as the sources describe). ``n_vms`` scales everything up to
100 000 VMs. The same seed and reference date always give the same estate.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from collectors.demo.hardware import generations_for
from collectors.demo.profiles import demo_host_profiles, demo_series, vm_profile_series
from inventory.enums import LifecycleStatus, PowerState, UsageSource
from inventory.records import (
    ClusterRecord,
    DatastoreRecord,
    HostProfileSeries,
    HostRecord,
    ProfileSeries,
    SiteRecord,
    Snapshot,
    VirtualMachineRecord,
)

DEMO_SOURCE = "demo"
VMS_PER_HOST = 7.5
_SITES = (
    ("hdv", "Hôtel de Ville"),
    ("ctm", "Centre technique municipal"),
    ("pra", "Site de secours"),
)
_CLUSTERS = (  # (site, name, share of hosts)
    ("hdv", "CL-PROD-01", 0.30),
    ("hdv", "CL-PROD-02", 0.20),
    ("hdv", "CL-DMZ", 0.06),
    ("hdv", "CL-VDI", 0.10),
    ("ctm", "CL-CTM", 0.14),
    ("pra", "CL-PRA", 0.12),
    ("ctm", None, 0.08),  # standalone hosts, no cluster
)
_ROLES = (
    "app",
    "db",
    "web",
    "file",
    "print",
    "ad",
    "finances",
    "rh",
    "etatcivil",
    "urbanisme",
    "gmao",
    "messagerie",
    "backup",
    "sig",
    "elections",
    "paie",
    "ged",
    "mediatheque",
)
_GUESTS = (
    ("Microsoft Windows Server 2016 (64-bit)", 0.15),
    ("Microsoft Windows Server 2019 (64-bit)", 0.25),
    ("Microsoft Windows Server 2022 (64-bit)", 0.15),
    ("Red Hat Enterprise Linux 8 (64-bit)", 0.15),
    ("Debian GNU/Linux 12 (64-bit)", 0.20),
    ("Ubuntu Linux (64-bit)", 0.10),
)
_VCPUS = (np.array([1, 2, 4, 8, 16, 32]), np.array([0.14, 0.44, 0.28, 0.10, 0.035, 0.005]))
_GIB_PER_VCPU = (np.array([1, 2, 4, 8]), np.array([0.10, 0.40, 0.40, 0.10]))


def _cluster_of_hosts(n_hosts: int, n_copies: int) -> list[tuple[str, str | None]]:
    """(site key, cluster external id or None) per host."""
    shares = np.array([share for _, _, share in _CLUSTERS])
    counts = np.maximum(2, np.round(shares / shares.sum() * n_hosts)).astype(int)
    counts[0] += n_hosts - counts.sum()
    out: list[tuple[str, str | None]] = []
    for (site, name, _), count in zip(_CLUSTERS, counts, strict=True):
        for i in range(count):
            copy = i % n_copies
            suffix = f"-{copy + 1:02d}" if n_copies > 1 else ""
            out.append((site, f"{name}{suffix}" if name else None))
    return out


#: Up to this many VMs the demo also generates day and week usage profiles (docs/profiles.md).
PROFILED_MAX_VMS = 20_000


def generate_demo_estate(*, n_vms: int = 900, seed: int = 2026, today: date | None = None) -> Snapshot:
    """Build the demo estate as a complete snapshot of source ``demo``.

    Args:
        n_vms: number of VMs (templates included); hosts scale at about 7.5 VMs each.
        seed: random seed; the same seed and ``today`` give the same estate.
        today: reference date for purchase dates and usage periods (default: today).
    """
    if n_vms < 10:
        raise ValueError(f"n_vms must be at least 10, got {n_vms}")
    rng = np.random.default_rng(seed)
    ref = today or date.today()
    n_hosts = max(8, round(n_vms / VMS_PER_HOST))
    n_copies = max(1, n_hosts // 400)  # beyond ~400 hosts, clusters are replicated
    placement = _cluster_of_hosts(n_hosts, n_copies)
    sites = [
        SiteRecord(external_id=key, name=name, organisation="Ville de Parcimonie-sur-Loire") for key, name in _SITES
    ]
    cluster_keys = sorted({(s, c) for s, c in placement if c}, key=lambda sc: sc[1] or "")
    clusters = [
        ClusterRecord(
            external_id=c,
            name=c,
            site_external_id=s,
            ha_enabled=True,
            ha_host_failures_tolerated=1,
            drs_enabled=True,
        )
        for s, c in cluster_keys
        if c
    ]

    ages = rng.uniform(0.2, 9.0, n_hosts)
    hosts: list[HostRecord] = []
    capacity = np.zeros(n_hosts)
    host_mhz = np.zeros(n_hosts)
    for i in range(n_hosts):
        purchase = ref - timedelta(days=int(ages[i] * 365.25))
        options = generations_for(purchase.year)
        gen = options[int(rng.integers(len(options)))]
        memory_gib = int(rng.choice(gen.memory_gib_choices))
        warranty_years = 5 if rng.random() < 0.6 else 3
        warranty_end = (
            purchase.replace(year=purchase.year + warranty_years)
            if not (purchase.month == 2 and purchase.day == 29)
            else date(purchase.year + warranty_years, 2, 28)
        )
        site, cluster = placement[i]
        old = ages[i] > 7.5
        price = gen.price_eur * (memory_gib / gen.memory_gib_choices[0]) ** 0.3 * rng.uniform(0.92, 1.08)
        on = rng.random() > 0.02
        hosts.append(
            HostRecord(
                external_id=f"host-{1000 + i}",
                name=f"{'esx' if cluster else 'srv'}{site}{i + 1:03d}.ville.local",
                site_external_id=site,
                cluster_external_id=cluster,
                vendor=gen.vendor,
                model=gen.model,
                serial_number=f"{gen.vendor[:2].upper()}{rng.integers(10**7, 10**8)}",
                cpu_model=gen.cpu_model,
                n_sockets=2,
                n_cores_per_socket=gen.n_cores_per_socket,
                n_threads=4 * gen.n_cores_per_socket,
                cpu_mhz=gen.cpu_mhz,
                memory_mib=memory_gib * 1024.0,
                hypervisor_version=gen.hypervisor_version if cluster else "Microsoft Windows Server 2016",
                power_state=PowerState.ON if on else PowerState.OFF,
                purchase_date=purchase,
                purchase_price_eur=round(price, 2),
                warranty_end=warranty_end,
                support_cost_eur_per_year=round(price * 0.10, 2) if warranty_end < ref else None,
                power_idle_w=gen.power_idle_w,
                power_max_w=gen.power_max_w,
                rack_units=2 if "380" in gen.model or "650" in gen.model else 1,
                status=LifecycleStatus.TO_RETIRE if old else LifecycleStatus.IN_SERVICE,
                perf_per_core=gen.perf_per_core,
            )
        )
        capacity[i] = 2 * gen.n_cores_per_socket * (memory_gib**0.5) if (cluster and on) else 0.0
        host_mhz[i] = gen.cpu_mhz

    # VMs go to clustered, powered-on hosts in proportion to their size.
    weights = capacity / capacity.sum()
    vm_host = rng.choice(n_hosts, size=n_vms, p=weights)
    vcpus = rng.choice(_VCPUS[0], size=n_vms, p=_VCPUS[1])
    mem_gib = vcpus * rng.choice(_GIB_PER_VCPU[0], size=n_vms, p=_GIB_PER_VCPU[1])
    mem_gib = np.clip(mem_gib, 1, 256)
    busy = rng.beta(1.1, 9.0, n_vms)  # P95 share of allocated CPU: mostly idle, heavy tail
    heavy = rng.random(n_vms) < 0.04  # the heavy tail: a few busy VMs
    busy[heavy] = rng.uniform(0.5, 0.95, int(heavy.sum()))
    cpu_p95 = busy * vcpus * host_mhz[vm_host]
    cpu_mean = cpu_p95 * rng.uniform(0.25, 0.55, n_vms)
    mem_p95 = mem_gib * 1024 * rng.uniform(0.35, 0.95, n_vms)
    template = rng.random(n_vms) < 0.02
    off = template | (rng.random(n_vms) < 0.09)
    guest_names = [g for g, _ in _GUESTS]
    guest_p = np.array([p for _, p in _GUESTS])
    guests = rng.choice(len(guest_names), size=n_vms, p=guest_p / guest_p.sum())
    roles = rng.choice(len(_ROLES), size=n_vms)
    disk = np.round(rng.lognormal(4.4, 0.8, n_vms), 1)
    period_end = datetime.combine(ref, time(0), tzinfo=UTC)
    period_start = period_end - timedelta(days=30)
    used = np.round(disk * rng.uniform(0.3, 0.9, n_vms), 1)
    uuids = rng.integers(0, 2**63, size=(n_vms, 2), dtype=np.int64).tolist()
    columns = zip(
        vm_host.tolist(),
        vcpus.tolist(),
        (mem_gib * 1024.0).tolist(),
        disk.tolist(),
        used.tolist(),
        np.round(cpu_p95, 1).tolist(),
        np.round(cpu_mean, 1).tolist(),
        np.round(mem_p95, 1).tolist(),
        off.tolist(),
        template.tolist(),
        guests.tolist(),
        roles.tolist(),
        uuids,
        strict=True,
    )
    vms: list[VirtualMachineRecord] = []
    for j, (h, ncpu, mem, prov, use, p95, mean, m95, is_off, is_tpl, guest, role, u) in enumerate(columns):
        host = hosts[h]
        usage = (
            {}
            if is_off
            else dict(
                cpu_usage_p95_mhz=p95,
                cpu_usage_mean_mhz=mean,
                memory_usage_p95_mib=m95,
                usage_period_start=period_start,
                usage_period_end=period_end,
                usage_source=UsageSource.MEASURED_P95,
            )
        )
        # model_construct: the generator's values are typed already; validation would cost 5 s at 100k.
        vms.append(
            VirtualMachineRecord.model_construct(
                external_id=str(uuid.UUID(int=(u[0] << 64) | u[1], version=4)),
                name=f"{'tpl' if is_tpl else 'srv'}-{_ROLES[role]}-{j + 1:05d}",
                host_external_id=host.external_id,
                cluster_external_id=host.cluster_external_id,
                n_vcpus=ncpu,
                memory_mib=mem,
                storage_provisioned_gib=prov,
                storage_used_gib=use,
                power_state=PowerState.OFF if is_off else PowerState.ON,
                guest_os=guest_names[guest],
                is_template=is_tpl,
                **usage,
            )
        )
    datastores = [
        DatastoreRecord(
            external_id=f"datastore-{k}",
            name=f"DS-{c.name}-{k % 4 + 1:02d}",
            site_external_id=c.site_external_id,
            kind="VMFS" if k % 3 else "NFS",
            capacity_gib=float(rng.choice([4096, 8192, 16384])),
            free_gib=float(rng.integers(300, 3000)),
        )
        for k, c in enumerate(clusters)
    ]
    profiles: list[ProfileSeries] = []
    host_profiles: list[HostProfileSeries] = []
    if n_vms <= PROFILED_MAX_VMS:
        running = np.flatnonzero(~off)
        series = demo_series(cpu_p95[running], mem_p95[running], end=period_end, seed=seed + 1)
        profiles = vm_profile_series([vms[j].external_id for j in running], series)
        hypervisors = np.flatnonzero(capacity > 0)  # clustered, powered on: the hosts VMs run on
        host_row = np.full(n_hosts, -1)
        host_row[hypervisors] = np.arange(hypervisors.size)
        host_profiles = demo_host_profiles(
            series,
            host_row[vm_host[running]],
            [hosts[i].external_id for i in hypervisors],
            np.array([2 * (hosts[i].n_cores_per_socket or 0) * host_mhz[i] for i in hypervisors]),
            np.array([hosts[i].memory_mib or 0.0 for i in hypervisors]),
        )
    return Snapshot(
        sites=sites,
        clusters=clusters,
        hosts=hosts,
        vms=vms,
        datastores=datastores,
        profiles=profiles,
        host_profiles=host_profiles,
    )
