"""Pure functions from vSphere property dicts to inventory records, driven by declarative tables.

Each table lists, per record field, the property paths it is read from, the unit vSphere uses and
the conversion to the unit the inventory stores. A field whose properties are absent is *not set*
on the record, so a collection never blanks what an import or an administrator entered.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from inventory.enums import PowerState, UsageSource
from inventory.records import (
    ClusterRecord,
    DatastoreRecord,
    HostRecord,
    SiteRecord,
    VirtualMachineRecord,
)

MIB = 1024**2
GIB = 1024**3
#: A host's CPU usage may pass its nominal clock (turbo), never twice it on every core at once:
#: above this share of sockets x cores x nominal MHz the counter is broken and the figure dropped.
TURBO_HEADROOM = 2.0

logger = logging.getLogger(__name__)


def _same(value: Any) -> Any:
    return value


def _bytes_to_mib(value: int) -> float:
    return value / MIB


def _bytes_to_gib(value: int) -> float:
    return value / GIB


def _power(value: str) -> PowerState:
    return {
        "poweredOn": PowerState.ON,
        "poweredOff": PowerState.OFF,
        "standBy": PowerState.OFF,
        "suspended": PowerState.SUSPENDED,
    }.get(value, PowerState.UNKNOWN)


def _cores_per_socket(n_cores: int, n_sockets: int) -> int | None:
    return n_cores // n_sockets if n_sockets else None


def _storage_gib(committed: int, uncommitted: int | None = None) -> float:
    return (committed + (uncommitted or 0)) / GIB


def _first(*values: Any) -> Any:
    return next((v for v in values if v not in (None, "")), None)


def _serial(system: Mapping[str, Any] | None, info: Sequence[Mapping[str, Any]] | None = None) -> str | None:
    """The serial number: SerialNumberTag, else systemInfo.serialNumber (6.7+), else ServiceTag."""
    tags = {(item.get("identifierType") or {}).get("key"): item.get("identifierValue") for item in info or ()}
    serial: str | None = _first(tags.get("SerialNumberTag"), (system or {}).get("serialNumber"), tags.get("ServiceTag"))
    return serial


def _ha_failures(policy: Mapping[str, Any] | None) -> int | None:
    value = (policy or {}).get("failoverLevel")
    return int(value) if value is not None else None


@dataclass(frozen=True)
class FieldMap:
    """One record field: the property paths it needs, their unit, and the conversion.

    The conversion receives the paths' values in order; trailing optional paths may be None.
    A field is set only when its first path has a value. With ``alternatives``, the paths are
    fallbacks for one another: the first that has a value is converted.
    """

    field: str
    paths: tuple[str, ...]
    unit: str = ""
    convert: Callable[..., Any] = _same
    alternatives: bool = False


HOST_FIELDS: tuple[FieldMap, ...] = (
    FieldMap("name", ("name",)),
    FieldMap("vendor", ("summary.hardware.vendor",)),
    FieldMap("model", ("summary.hardware.model",)),
    FieldMap(
        "serial_number",
        ("hardware.systemInfo", "summary.hardware.otherIdentifyingInfo"),
        convert=_serial,
    ),
    FieldMap("cpu_model", ("summary.hardware.cpuModel",)),
    FieldMap("n_sockets", ("summary.hardware.numCpuPkgs",), "count"),
    FieldMap(
        "n_cores_per_socket",
        ("summary.hardware.numCpuCores", "summary.hardware.numCpuPkgs"),
        "count",
        _cores_per_socket,
    ),
    FieldMap("n_threads", ("summary.hardware.numCpuThreads",), "count"),
    FieldMap("cpu_mhz", ("summary.hardware.cpuMhz",), "MHz"),
    FieldMap("memory_mib", ("summary.hardware.memorySize",), "bytes → MiB", _bytes_to_mib),
    FieldMap("hypervisor_version", ("config.product.fullName",)),
    FieldMap("power_state", ("runtime.powerState",), convert=_power),
)
HOST_EXTRA_PATHS = ("parent",)

VM_FIELDS: tuple[FieldMap, ...] = (
    FieldMap("name", ("name",)),
    FieldMap("n_vcpus", ("config.hardware.numCPU",), "count"),
    FieldMap("memory_mib", ("config.hardware.memoryMB",), "MiB"),
    FieldMap(
        "storage_provisioned_gib",
        ("summary.storage.committed", "summary.storage.uncommitted"),
        "bytes → GiB",
        _storage_gib,
    ),
    FieldMap("storage_used_gib", ("summary.storage.committed",), "bytes → GiB", _bytes_to_gib),
    FieldMap("power_state", ("runtime.powerState",), convert=_power),
    FieldMap("guest_os", ("guest.guestFullName", "config.guestFullName"), alternatives=True),
    FieldMap("is_template", ("config.template",)),
)
VM_EXTRA_PATHS = ("config.instanceUuid", "runtime.host")

CLUSTER_FIELDS: tuple[FieldMap, ...] = (
    FieldMap("name", ("name",)),
    FieldMap("ha_enabled", ("configurationEx.dasConfig.enabled",)),
    FieldMap(
        "ha_host_failures_tolerated",
        ("configurationEx.dasConfig.admissionControlPolicy",),
        "hosts",
        _ha_failures,
    ),
    FieldMap("drs_enabled", ("configurationEx.drsConfig.enabled",)),
)
# The cluster configuration is fetched whole (its concrete type varies) and read by sub-path.
CLUSTER_PATHS = ("name", "parent", "configurationEx")

DATASTORE_FIELDS: tuple[FieldMap, ...] = (
    FieldMap("name", ("name",)),
    FieldMap("kind", ("summary.type",)),
    FieldMap("capacity_gib", ("summary.capacity",), "bytes → GiB", _bytes_to_gib),
    FieldMap("free_gib", ("summary.freeSpace",), "bytes → GiB", _bytes_to_gib),
)
DATASTORE_EXTRA_PATHS = ("parent",)


def paths_of(table: Sequence[FieldMap], extra: Sequence[str] = ()) -> list[str]:
    """The distinct property paths a table needs, for the PropertyCollector."""
    seen: dict[str, None] = {}
    for item in table:
        seen.update(dict.fromkeys(item.paths))
    seen.update(dict.fromkeys(extra))
    return list(seen)


def lookup(props: Mapping[str, Any], path: str) -> Any:
    """A property by path; paths under a property fetched whole are read inside its dict."""
    if path in props:
        return props[path]
    head, _, rest = path.partition(".")
    value: Any = props.get(head)
    for part in rest.split(".") if rest else ():
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value if rest else None


def fields_from(table: Sequence[FieldMap], props: Mapping[str, Any]) -> dict[str, Any]:
    """Record fields from properties; fields whose first property is absent are left out."""
    values: dict[str, Any] = {}
    for item in table:
        args = [lookup(props, path) for path in item.paths]
        if item.alternatives:
            args = [_first(*args)]
        if args[0] is None:
            continue
        converted = item.convert(*args)
        if converted is not None:
            values[item.field] = converted
    return values


@dataclass(frozen=True)
class Usage:
    """Observed usage of one VM or host over a period (from the PerformanceManager)."""

    cpu_p95_mhz: float | None
    cpu_mean_mhz: float | None
    memory_p95_mib: float | None
    period_start: datetime
    period_end: datetime

    def as_fields(self) -> dict[str, Any]:
        """The record fields this usage sets (only the figures that were measured)."""
        values: dict[str, Any] = {
            "cpu_usage_p95_mhz": self.cpu_p95_mhz,
            "cpu_usage_mean_mhz": self.cpu_mean_mhz,
            "memory_usage_p95_mib": self.memory_p95_mib,
        }
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            values.update(
                usage_period_start=self.period_start,
                usage_period_end=self.period_end,
                usage_source=UsageSource.MEASURED_P95,
            )
        return values


def _plausible(usage: Usage, where: str, *, cpu_max: float | None, memory_max: float | None) -> Usage:
    """Usage a machine can have: memory consumed at most its memory (kept at it), CPU at most
    `cpu_max` (dropped above: a broken counter, not demand). Each correction is logged, naming it."""
    if memory_max is not None and usage.memory_p95_mib is not None and usage.memory_p95_mib > memory_max:
        logger.warning(
            "%s: memory consumed P95 %.0f MiB above its %.0f MiB of memory, kept at %.0f MiB",
            where,
            usage.memory_p95_mib,
            memory_max,
            memory_max,
        )
        usage = replace(usage, memory_p95_mib=float(memory_max))
    if cpu_max is not None and usage.cpu_p95_mhz is not None and usage.cpu_p95_mhz > cpu_max:
        logger.warning(
            "%s: CPU P95 %.0f MHz above %.0f MHz (%g x its nominal capacity): counter ignored",
            where,
            usage.cpu_p95_mhz,
            cpu_max,
            TURBO_HEADROOM,
        )
        usage = replace(usage, cpu_p95_mhz=None, cpu_mean_mhz=None)
    return usage


def map_site(ref: str, props: Mapping[str, Any]) -> SiteRecord:
    """A datacenter as a site."""
    return SiteRecord(external_id=ref, name=props.get("name") or ref)


def map_cluster(ref: str, props: Mapping[str, Any], *, site: str | None) -> ClusterRecord:
    """A cluster with its HA/DRS settings."""
    return ClusterRecord(external_id=ref, site_external_id=site, **fields_from(CLUSTER_FIELDS, props))


def map_host(
    ref: str,
    props: Mapping[str, Any],
    *,
    site: str | None,
    cluster: str | None,
    usage: Usage | None = None,
) -> HostRecord:
    """A host; its external id is its managed object id, unique within a vCenter."""
    values = fields_from(HOST_FIELDS, props)
    values.setdefault("name", ref)
    if usage is not None:
        cores = (values.get("n_sockets") or 0) * (values.get("n_cores_per_socket") or 0)
        capacity = cores * values["cpu_mhz"] * TURBO_HEADROOM if cores and values.get("cpu_mhz") else None
        values.update(
            _plausible(
                usage, f"host {values['name']}", cpu_max=capacity, memory_max=values.get("memory_mib")
            ).as_fields()
        )
    return HostRecord(external_id=ref, site_external_id=site, cluster_external_id=cluster, **values)


def vm_external_id(ref: str, props: Mapping[str, Any]) -> str:
    """The instance UUID, or the managed object id for a VM whose configuration is unreadable."""
    return str(props.get("config.instanceUuid") or f"moref:{ref}")


def map_vm(
    ref: str,
    props: Mapping[str, Any],
    *,
    host: str | None,
    cluster: str | None,
    usage: Usage | None = None,
) -> VirtualMachineRecord:
    """A VM, keyed by its instance UUID."""
    values = fields_from(VM_FIELDS, props)
    values.setdefault("name", ref)
    if usage is not None:
        values.update(
            _plausible(usage, f"VM {values['name']}", cpu_max=None, memory_max=values.get("memory_mib")).as_fields()
        )
    return VirtualMachineRecord(
        external_id=vm_external_id(ref, props),
        host_external_id=host,
        cluster_external_id=cluster,
        **values,
    )


def map_datastore(ref: str, props: Mapping[str, Any], *, site: str | None) -> DatastoreRecord:
    """A datastore with its capacity."""
    return DatastoreRecord(external_id=ref, site_external_id=site, **fields_from(DATASTORE_FIELDS, props))
