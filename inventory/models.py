"""SQLModel tables of the estate: what a DSI keeps about its sites, clusters, hosts, VMs and offers.

Every observed row carries its natural key ``(source, external_id)``: re-collecting the same estate
updates rows instead of duplicating them. Rows a source stops reporting get ``missing_since`` set;
they are never deleted, because lifecycle history matters.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from inventory.enums import LifecycleStatus, PowerState, RunStatus, UsageSource
from inventory.types import UTCDateTime


def utcnow() -> datetime:
    """Timezone-aware current time in UTC."""
    return datetime.now(UTC)


def _ts(nullable: bool = True) -> Any:
    """A timezone-aware timestamp column (a fresh column per table, so mixins can share it)."""
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


class ObservedMixin(SQLModel):
    """Identity and sighting times of a row that a collector or an import reports."""

    source: str = Field(index=True, max_length=200, description="Collector source, e.g. 'vsphere:vc1'")
    external_id: str = Field(max_length=200, description="Identifier of the object in its source")
    first_seen_at: datetime | None = _ts()
    last_seen_at: datetime | None = _ts()
    missing_since: datetime | None = _ts()


class Site(ObservedMixin, table=True):
    """A place that holds servers: a datacenter in vSphere, a server room, a member commune."""

    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_site_source_ext"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    organisation: str | None = Field(default=None, max_length=200)


class Cluster(ObservedMixin, table=True):
    """A group of hosts sharing HA and DRS settings."""

    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_cluster_source_ext"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    ha_enabled: bool | None = None
    ha_host_failures_tolerated: int | None = None
    drs_enabled: bool | None = None


class HostBase(SQLModel):
    """What is known of a physical server, collected or entered by an administrator."""

    name: str = Field(max_length=255)
    vendor: str | None = Field(default=None, max_length=200)
    model: str | None = Field(default=None, max_length=200)
    serial_number: str | None = Field(default=None, max_length=200, index=True)
    asset_tag: str | None = Field(default=None, max_length=200, description="Inventory number on the chassis")
    cpu_model: str | None = Field(default=None, max_length=200)
    n_sockets: int | None = None
    n_cores_per_socket: int | None = None
    n_threads: int | None = None
    cpu_mhz: float | None = Field(default=None, description="Nominal clock of one core, MHz")
    memory_mib: float | None = None
    hypervisor_version: str | None = Field(default=None, max_length=200)
    power_state: PowerState = Field(default=PowerState.UNKNOWN, sa_type=String(20))
    boot_time: datetime | None = _ts()
    local_storage_gib: float | None = Field(default=None, description="Capacity of local disks, GiB")
    purchase_date: date | None = None
    purchase_price_eur: float | None = Field(default=None, description="Purchase price, EUR TTC")
    warranty_end: date | None = None
    support_cost_eur_per_year: float | None = None
    power_idle_w: float | None = None
    power_max_w: float | None = None
    rack_units: int | None = None
    status: LifecycleStatus = Field(default=LifecycleStatus.IN_SERVICE, sa_type=String(20))
    perf_per_core: float | None = Field(
        default=None, description="Per-core performance score relative to a 2024 reference core"
    )
    cpu_usage_p95_mhz: float | None = None
    cpu_usage_mean_mhz: float | None = None
    memory_usage_p95_mib: float | None = None
    usage_period_start: datetime | None = _ts()
    usage_period_end: datetime | None = _ts()
    #: Where the usage figures above come from (``UsageSource``); None when there are none.
    usage_source: UsageSource | None = Field(default=None, sa_type=String(20))


class Host(HostBase, ObservedMixin, table=True):
    """A physical server (hypervisor host or bare-metal server)."""

    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_host_source_ext"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)


class VirtualMachineBase(SQLModel):
    """What is known of a virtual machine: allocation and observed usage."""

    name: str = Field(max_length=255)
    n_vcpus: int | None = None
    memory_mib: float | None = None
    storage_provisioned_gib: float | None = None
    storage_used_gib: float | None = None
    power_state: PowerState = Field(default=PowerState.UNKNOWN, sa_type=String(20))
    guest_os: str | None = Field(default=None, max_length=255)
    is_template: bool = False
    cpu_usage_p95_mhz: float | None = None
    cpu_usage_mean_mhz: float | None = None
    memory_usage_p95_mib: float | None = None
    usage_period_start: datetime | None = _ts()
    usage_period_end: datetime | None = _ts()
    #: Where the usage figures above come from (``UsageSource``); None when there are none.
    usage_source: UsageSource | None = Field(default=None, sa_type=String(20))
    #: Memory as vSphere sees it at one moment (RVTools vMemory): what the guest touched lately,
    #: what the host backs, and what the balloon driver and the host swap took back (MiB).
    memory_active_mib: float | None = None
    memory_consumed_mib: float | None = None
    memory_ballooned_mib: float | None = None
    memory_swapped_mib: float | None = None
    disk_used_gib: float | None = Field(default=None, description="Used space of the guest's partitions, GiB")


class VirtualMachine(VirtualMachineBase, ObservedMixin, table=True):
    """A virtual machine, identified by its instance UUID in its source."""

    __tablename__ = "virtual_machine"
    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_vm_source_ext"),)
    id: int | None = Field(default=None, primary_key=True)
    host_id: int | None = Field(default=None, foreign_key="host.id", index=True)
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)
    #: When the write path first saw the VM powered off (kept while off, cleared when on): how long
    #: a VM has been off, for reclamation. Set by ``upsert_observations``, never by a source.
    powered_off_since: datetime | None = _ts()


class Datastore(ObservedMixin, table=True):
    """A storage volume seen by hosts."""

    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_datastore_source_ext"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255)
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    kind: str | None = Field(default=None, max_length=50, description="VMFS, NFS, vSAN…")
    capacity_gib: float | None = None
    free_gib: float | None = None


class HostModel(SQLModel, table=True):
    """A server offer one can buy: the catalogue consolidation and replacement plans draw from."""

    __tablename__ = "host_model"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    vendor: str | None = Field(default=None, max_length=200)
    cpu_model: str | None = Field(default=None, max_length=200)
    n_sockets: int
    n_cores_per_socket: int
    cpu_mhz: float
    memory_mib: float
    perf_per_core: float = 1.0
    price_eur: float = Field(description="Purchase price, EUR TTC")
    install_eur: float = 0.0
    power_idle_w: float
    power_max_w: float
    embodied_kgco2e: float | None = None
    warranty_years: int = 5
    maintenance_eur_per_year: float | None = None
    rack_units: int = 1
    notes: str | None = None


class CollectionRun(SQLModel, table=True):
    """One run of a collector or an import: when, what it found, how it ended. Never secrets."""

    __tablename__ = "collection_run"
    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=50, description="vsphere, local, rvtools, csv, demo")
    started_at: datetime | None = _ts(nullable=False)
    finished_at: datetime | None = _ts()
    status: RunStatus = Field(default=RunStatus.RUNNING, sa_type=String(20))
    n_sites: int = 0
    n_clusters: int = 0
    n_hosts: int = 0
    n_vms: int = 0
    n_datastores: int = 0
    n_created: int = 0
    n_updated: int = 0
    n_marked_missing: int = 0
    error: str | None = None
    pid: int | None = Field(default=None, description="Process that ran it, to tell a dead run from a live one")
    hostname: str | None = Field(default=None, max_length=255, description="Machine that ran it")


class Scenario(SQLModel, table=True):
    """A saved plan: parameters (snapshot, assumptions, offers, policy) and its results as JSON."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(default="consolidation", max_length=50)
    created_at: datetime | None = _ts(nullable=False)
    updated_at: datetime | None = _ts(nullable=False)
    snapshot_at: datetime | None = _ts()
    parameters: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    results: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)


class CollectionSchedule(SQLModel, table=True):
    """A collection schedule as plain data: the scheduler rebuilds its job from this row at each start.

    No pickled job anywhere: the row holds the cron line, its time zone, the sources (``"all"`` or a
    list of names), the catch-up delay, and the latest fire time that was run, so that a run missed
    while the scheduler was down still runs once at the next start (within ``misfire_grace_s``).
    """

    __tablename__ = "collection_schedule"
    name: str = Field(primary_key=True, max_length=100, description="Schedule id, e.g. 'collect-all'")
    cron: str = Field(max_length=200, description="Crontab line: minute hour day month weekday")
    timezone: str = Field(max_length=100, description="IANA time zone of the cron line")
    sources: str | list[str] = Field(default="all", sa_type=JSON, nullable=False, description='"all" or names')
    misfire_grace_s: int = Field(description="A fire time missed by less than this still runs (once)")
    last_fire_at: datetime | None = _ts()
    next_run_at: datetime | None = _ts()
    created_at: datetime | None = _ts(nullable=False)
    updated_at: datetime | None = _ts(nullable=False)


class SchedulerLock(SQLModel, table=True):
    """The one-scheduler-per-database lock: who holds it (``hostname:pid``) and its last heartbeat."""

    __tablename__ = "scheduler_lock"
    name: str = Field(primary_key=True, max_length=100)
    holder: str = Field(max_length=300, description="hostname:pid of the running scheduler")
    acquired_at: datetime | None = _ts(nullable=False)
    heartbeat_at: datetime | None = _ts(nullable=False)


class CapacityHistory(SQLModel, table=True):
    """Capacity and demand as they stood after one successful collection run, per cluster.

    One row per run and present cluster, plus one row with ``cluster`` NULL for the whole estate.
    ``as_of`` is the day the figures describe: the run's end, or the export's own date. Demand
    sums what is known (VMs without a P95 add nothing), so it is a floor.
    """

    __tablename__ = "capacity_history"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="collection_run.id", index=True)
    as_of: date = Field(index=True)
    source: str = Field(max_length=200, description="Source of the run that wrote the row")
    cluster: str | None = Field(default=None, max_length=200, description="Cluster name; NULL: the whole estate")
    n_hosts: int = 0
    n_cores: int = 0
    cpu_capacity_mhz: float = Field(default=0.0, description="Sum of cores x nominal MHz")
    memory_mib: float = 0.0
    max_host_cpu_mhz: float = Field(default=0.0, description="Largest host's cores x MHz (HA reserve)")
    max_host_memory_mib: float = Field(default=0.0, description="Largest host's memory (HA reserve)")
    n_vms: int = 0
    n_vcpus: int = 0
    memory_allocated_mib: float = 0.0
    cpu_p95_mhz: float = Field(default=0.0, description="Sum of VM CPU P95 where known")
    memory_p95_mib: float = Field(default=0.0, description="Sum of VM memory P95 where known")
    storage_used_gib: float = 0.0


class UsageProfile(SQLModel, table=True):
    """A VM's usage over one representative period, as a compact series (``inventory.profiles``).

    One row per VM and period ("day": 5-minute slots, "week": 30-minute slots, as vCenter keeps its
    historical intervals). Values are quantised to 16 bits against the series' own peak (``*_scale``:
    value = code x scale), so a relative error of at most 1/65 534 of the peak; code 65 535 marks a
    slot without a sample. 50 000 VMs x (288 + 336 slots) x 2 series x 2 bytes is about 125 MB.
    """

    __tablename__ = "usage_profile"
    __table_args__ = (UniqueConstraint("vm_id", "period", name="uq_usage_profile_vm_period"),)
    id: int | None = Field(default=None, primary_key=True)
    vm_id: int = Field(foreign_key="virtual_machine.id", index=True)
    period: str = Field(max_length=10, description="'day' or 'week'")
    start_at: datetime | None = _ts(nullable=False)
    slot_seconds: int = Field(description="Length of a slot, seconds")
    n_slots: int
    cpu_scale_mhz: float = Field(description="MHz per quantisation step of the CPU series")
    cpu_codes: bytes = Field(sa_type=LargeBinary, description="CPU MHz per slot, uint16 little-endian")
    memory_scale_mib: float | None = Field(default=None, description="MiB per step of the memory series")
    memory_codes: bytes | None = Field(default=None, sa_type=LargeBinary, description="Memory MiB per slot, uint16")
    source: str = Field(max_length=200, description="Where the profile came from: a vCenter source or an import")
    collected_at: datetime | None = _ts(nullable=False)


class HostUsageProfile(SQLModel, table=True):
    """A host's usage over one representative period, stored as ``UsageProfile`` stores a VM's.

    A sibling of ``usage_profile`` rather than a nullable ``host_id`` next to its ``vm_id``: each
    table keeps its non-null foreign key and its plain unique (owner, period) constraint, and the
    VM profiles' queries stay as they are. 2 000 hosts x (288 + 336) slots x 2 series x 2 bytes is
    about 5 MB.
    """

    __tablename__ = "host_usage_profile"
    __table_args__ = (UniqueConstraint("host_id", "period", name="uq_host_usage_profile_host_period"),)
    id: int | None = Field(default=None, primary_key=True)
    host_id: int = Field(foreign_key="host.id", index=True)
    period: str = Field(max_length=10, description="'day' or 'week'")
    start_at: datetime | None = _ts(nullable=False)
    slot_seconds: int = Field(description="Length of a slot, seconds")
    n_slots: int
    cpu_scale_mhz: float = Field(description="MHz per quantisation step of the CPU series")
    cpu_codes: bytes = Field(sa_type=LargeBinary, description="CPU MHz per slot, uint16 little-endian")
    memory_scale_mib: float | None = Field(default=None, description="MiB per step of the memory series")
    memory_codes: bytes | None = Field(default=None, sa_type=LargeBinary, description="Memory MiB per slot, uint16")
    source: str = Field(max_length=200, description="Where the profile came from: a vCenter source or an import")
    collected_at: datetime | None = _ts(nullable=False)


class PlacementRule(SQLModel, table=True):
    """One placement rule a plan must respect (``inventory.rules``), by name as the DSI writes it.

    ``kind``: "anti_affinity" (the VMs of ``group_name`` never share a host), "together" (they
    share one), "pin" (``vm_name`` runs on ``host_name``), "stay" (``vm_name``, or every VM of
    ``host_name``, does not move). ``source``: "import" (``parcimonie import rules``) or the
    vCenter source whose DRS rules it came from; importing again replaces that source's rules.
    """

    __tablename__ = "placement_rule"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    group_name: str | None = Field(default=None, max_length=200)
    vm_name: str | None = Field(default=None, max_length=255)
    host_name: str | None = Field(default=None, max_length=255)
    source: str = Field(max_length=200, index=True, description="'import' or a vCenter source (DRS rules)")
    line: int | None = Field(default=None, description="Line of the imported file the rule came from")
    recorded_at: datetime | None = _ts(nullable=False)
