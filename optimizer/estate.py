"""Optimizer inputs: the current estate (hosts, VMs) and server offers, as frozen numpy tables.

Tables are columnar: every field is a numpy array of the same length. Unknown numbers are NaN;
unknown indices are -1. Build tables with `HostTable.build(...)` / `VmTable.build(...)`, which fill
optional columns, convert lists and validate. Amounts are TTC, as the inventory holds them (what
the authority paid); the optimizer takes VAT out with `Assumptions.vat_rate` where it needs HT.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from optimizer.assumptions import estimate_generation_figures

__all__ = ["VM_ARRAYS", "HostTable", "Offer", "VmTable", "complete_host_estimates"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
B = NDArray[np.bool_]


def _floats(values: ArrayLike | None, n: int, name: str) -> F64:
    if values is None:
        return np.full(n, np.nan)
    arr = np.asarray(values, dtype=float).reshape(-1)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    return arr


def _ints(values: ArrayLike | None, n: int, name: str, default: int) -> I64:
    if values is None:
        return np.full(n, default, dtype=np.int64)
    arr = np.asarray(values).reshape(-1)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    return arr.astype(np.int64)


def _bools(values: ArrayLike | None, n: int, name: str, default: bool) -> B:
    if values is None:
        return np.full(n, default, dtype=bool)
    arr = np.asarray(values, dtype=bool).reshape(-1)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    return arr


def _ids(values: Sequence[str] | None, n: int, prefix: str, name: str) -> tuple[str, ...]:
    if values is None:
        return tuple(f"{prefix}{i}" for i in range(n))
    out = tuple(str(v) for v in values)
    if len(out) != n:
        raise ValueError(f"{name} must have {n} entries, got {len(out)}")
    return out


def _check_columns(cls: type, columns: dict[str, Any], given: tuple[str, ...]) -> None:
    """Refuse names that are not fields of the table (as a call with a wrong keyword would)."""
    known = {f.name for f in fields(cls)} - set(given)
    unknown = sorted(set(columns) - known)
    if unknown:
        raise TypeError(f"{cls.__name__}.build() got unexpected column(s) {unknown}")


def _require_positive(arr: NDArray[Any], name: str, *, allow_nan: bool = False) -> None:
    bad = ~(arr > 0)
    if allow_nan:
        bad &= ~np.isnan(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} must be > 0 (first bad index {i}: {arr[i]!r})")


def _require_non_negative(arr: NDArray[Any], name: str, *, allow_nan: bool = True) -> None:
    bad = arr < 0
    if not allow_nan:
        bad |= np.isnan(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} must be >= 0 (first bad index {i}: {arr[i]!r})")


@dataclass(frozen=True, eq=False)
class HostTable:
    """n physical hosts. Every array has shape (n,).

    `n_cores` is the total physical core count; `cpu_mhz` the per-core nominal frequency;
    `perf_per_core` a score relative to a 2024 reference core (1.0). Power in W for the whole host.
    Years are floats (NaN unknown); prices and support contracts TTC in EUR (NaN unknown). `cluster` is -1 for none.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    cluster: I64
    n_sockets: I64
    n_cores: I64
    cpu_mhz: F64
    memory_mib: F64
    perf_per_core: F64
    power_idle_w: F64
    power_max_w: F64
    purchase_year: F64
    purchase_price_eur_ttc: F64
    warranty_end_year: F64
    support_cost_eur_ttc_per_year: F64
    rack_units: F64
    cpu_usage_mean_mhz: F64
    #: The host's usage (MHz of its cores, MiB; P95 or a sample; NaN unknown): shared among its VMs
    #: that have no usage figure of their own (``optimizer.usage.apportion_host_usage``).
    cpu_usage_mhz: F64
    memory_usage_mib: F64

    @property
    def n_hosts(self) -> int:
        """Number of hosts n."""
        return len(self.ids)

    @classmethod
    def build(
        cls,
        *,
        n_cores: ArrayLike,
        cpu_mhz: ArrayLike,
        memory_mib: ArrayLike,
        **columns: Any,
    ) -> HostTable:
        """Build and validate a table; omitted columns become NaN/-1/defaults (2 sockets, 1U).

        `columns` are the other fields by name (`ids`, `names`, `cluster`, `n_sockets`, ...).
        """
        _check_columns(cls, columns, ("n_cores", "cpu_mhz", "memory_mib"))
        get = columns.get
        ids, names, rack_units = get("ids"), get("names"), get("rack_units")
        cores = np.asarray(n_cores).reshape(-1)
        n = cores.shape[0]
        table = cls(
            ids=_ids(ids, n, "h", "ids"),
            names=_ids(names if names is not None else ids, n, "host-", "names"),
            cluster=_ints(get("cluster"), n, "cluster", -1),
            n_sockets=_ints(get("n_sockets"), n, "n_sockets", 2),
            n_cores=_ints(cores, n, "n_cores", 0),
            cpu_mhz=_floats(cpu_mhz, n, "cpu_mhz"),
            memory_mib=_floats(memory_mib, n, "memory_mib"),
            perf_per_core=_floats(get("perf_per_core"), n, "perf_per_core"),
            power_idle_w=_floats(get("power_idle_w"), n, "power_idle_w"),
            power_max_w=_floats(get("power_max_w"), n, "power_max_w"),
            purchase_year=_floats(get("purchase_year"), n, "purchase_year"),
            purchase_price_eur_ttc=_floats(get("purchase_price_eur_ttc"), n, "purchase_price_eur_ttc"),
            warranty_end_year=_floats(get("warranty_end_year"), n, "warranty_end_year"),
            support_cost_eur_ttc_per_year=_floats(
                get("support_cost_eur_ttc_per_year"), n, "support_cost_eur_ttc_per_year"
            ),
            rack_units=_floats(rack_units if rack_units is not None else np.ones(n), n, "rack_units"),
            cpu_usage_mean_mhz=_floats(get("cpu_usage_mean_mhz"), n, "cpu_usage_mean_mhz"),
            cpu_usage_mhz=_floats(get("cpu_usage_mhz"), n, "cpu_usage_mhz"),
            memory_usage_mib=_floats(get("memory_usage_mib"), n, "memory_usage_mib"),
        )
        validate_hosts(table)
        return table


def validate_hosts(hosts: HostTable) -> None:
    """Raise ValueError naming the column when the host table is inconsistent."""
    n = hosts.n_hosts
    for name in (
        "cluster",
        "n_sockets",
        "n_cores",
        "cpu_mhz",
        "memory_mib",
        "perf_per_core",
        "power_idle_w",
        "power_max_w",
        "purchase_year",
        "purchase_price_eur_ttc",
        "warranty_end_year",
        "support_cost_eur_ttc_per_year",
        "rack_units",
        "cpu_usage_mean_mhz",
        "cpu_usage_mhz",
        "memory_usage_mib",
    ):
        arr = getattr(hosts, name)
        if not isinstance(arr, np.ndarray) or arr.shape != (n,):
            raise ValueError(f"hosts.{name} must be an array of shape ({n},)")
    if len(hosts.names) != n:
        raise ValueError(f"hosts.names must have {n} entries")
    _require_positive(hosts.n_sockets, "hosts.n_sockets")
    _require_positive(hosts.n_cores, "hosts.n_cores")
    _require_positive(hosts.cpu_mhz, "hosts.cpu_mhz")
    _require_positive(hosts.memory_mib, "hosts.memory_mib")
    _require_positive(hosts.perf_per_core, "hosts.perf_per_core", allow_nan=True)
    for name in (
        "power_idle_w",
        "power_max_w",
        "purchase_price_eur_ttc",
        "support_cost_eur_ttc_per_year",
        "rack_units",
        "cpu_usage_mean_mhz",
        "cpu_usage_mhz",
        "memory_usage_mib",
    ):
        _require_non_negative(getattr(hosts, name), f"hosts.{name}")
    both = ~np.isnan(hosts.power_idle_w) & ~np.isnan(hosts.power_max_w)
    if (hosts.power_max_w[both] < hosts.power_idle_w[both]).any():
        raise ValueError("hosts.power_max_w must be >= hosts.power_idle_w")


def complete_host_estimates(*, hosts: HostTable) -> tuple[HostTable, B]:
    """Fill missing perf_per_core and power figures from the generation catalogue.

    Returns:
        (completed table, estimated) where `estimated` has shape (n,) and is True for hosts with at
        least one estimated figure.
    """
    perf, idle, peak = estimate_generation_figures(year=hosts.purchase_year, n_sockets=hosts.n_sockets)
    miss_perf = np.isnan(hosts.perf_per_core)
    miss_idle = np.isnan(hosts.power_idle_w)
    miss_max = np.isnan(hosts.power_max_w)
    new_idle = np.where(miss_idle, idle, hosts.power_idle_w)
    new_max = np.where(miss_max, np.maximum(peak, new_idle), hosts.power_max_w)
    done = replace(
        hosts,
        perf_per_core=np.where(miss_perf, perf, hosts.perf_per_core),
        power_idle_w=new_idle,
        power_max_w=new_max,
    )
    return done, miss_perf | miss_idle | miss_max


@dataclass(frozen=True, eq=False)
class VmTable:
    """m virtual machines. Every array has shape (m,).

    `host` and `cluster` index the HostTable (-1 unknown). `cpu_p95_mhz` is the 95th percentile of
    CPU usage in MHz *of the source host's cores* (NaN unknown: demand falls back to
    `Assumptions.cpu_unknown_fraction` of the allocation); `memory_p95_mib` likewise (NaN: use
    the allocation). `usage_source` says where `cpu_p95_mhz` and `memory_p95_mib` come from
    (``optimizer.usage.UsageSource`` codes: 0 measured P95, 1 point-in-time sample; default 0 where
    a figure is known, 3 "estimated" where none is) and `usage_days` the window of a measured P95.
    `cpu_profile_mhz` is optional: shape (m, s), the VM's CPU usage at each of s time slots in the
    same MHz as `cpu_p95_mhz` (NaN where no sample, a whole NaN row for a VM without profile); a
    plan under `Policy(demand="profile")` packs on it (``optimizer.demand``).
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    host: I64
    cluster: I64
    n_vcpus: I64
    memory_mib: F64
    cpu_p95_mhz: F64
    memory_p95_mib: F64
    powered_on: B
    is_template: B
    is_windows: B
    usage_source: I64
    usage_days: F64
    cpu_profile_mhz: F64 | None = None

    @property
    def n_vms(self) -> int:
        """Number of VMs m."""
        return len(self.ids)

    @classmethod
    def build(
        cls,
        *,
        n_vcpus: ArrayLike,
        memory_mib: ArrayLike,
        host: ArrayLike,
        **columns: Any,
    ) -> VmTable:
        """Build and validate; omitted: cluster -1, P95 NaN, powered on, not template/Windows.

        `columns` are the other fields by name (`ids`, `names`, `cluster`, `cpu_p95_mhz`, ...).
        """
        _check_columns(cls, columns, ("n_vcpus", "memory_mib", "host"))
        get = columns.get
        ids, names = get("ids"), get("names")
        vcpus = np.asarray(n_vcpus).reshape(-1)
        m = vcpus.shape[0]
        table = cls(
            ids=_ids(ids, m, "v", "ids"),
            names=_ids(names if names is not None else ids, m, "vm-", "names"),
            host=_ints(host, m, "host", -1),
            cluster=_ints(get("cluster"), m, "cluster", -1),
            n_vcpus=_ints(vcpus, m, "n_vcpus", 0),
            memory_mib=_floats(memory_mib, m, "memory_mib"),
            cpu_p95_mhz=_floats(get("cpu_p95_mhz"), m, "cpu_p95_mhz"),
            memory_p95_mib=_floats(get("memory_p95_mib"), m, "memory_p95_mib"),
            powered_on=_bools(get("powered_on"), m, "powered_on", True),
            is_template=_bools(get("is_template"), m, "is_template", False),
            is_windows=_bools(get("is_windows"), m, "is_windows", False),
            usage_source=_usage_source(get("usage_source"), get("cpu_p95_mhz"), m),
            usage_days=_floats(get("usage_days"), m, "usage_days"),
            cpu_profile_mhz=_profile(get("cpu_profile_mhz")),
        )
        validate_vms(table)
        return table


def _usage_source(given: ArrayLike | None, cpu_p95: ArrayLike | None, m: int) -> I64:
    """The given codes, or 0 (measured) where a CPU figure is known and 3 (estimated) elsewhere."""
    if given is not None:
        return _ints(given, m, "usage_source", 3)
    known = ~np.isnan(_floats(cpu_p95, m, "cpu_p95_mhz"))
    return np.where(known, 0, 3).astype(np.int64)


def _profile(values: ArrayLike | None) -> F64 | None:
    """Profiles as a float (m, s) array (checked by `validate_vms`), or None."""
    return None if values is None else np.asarray(values, dtype=float)


#: The per-VM arrays of a `VmTable` (shape (m,) each), beside its ids and names.
VM_ARRAYS: tuple[str, ...] = (
    "host",
    "cluster",
    "n_vcpus",
    "memory_mib",
    "cpu_p95_mhz",
    "memory_p95_mib",
    "powered_on",
    "is_template",
    "is_windows",
    "usage_source",
    "usage_days",
)


def validate_vms(vms: VmTable, hosts: HostTable | None = None) -> None:
    """Raise ValueError naming the column when the VM table is inconsistent or names no host."""
    m = vms.n_vms
    for name in VM_ARRAYS:
        arr = getattr(vms, name)
        if not isinstance(arr, np.ndarray) or arr.shape != (m,):
            raise ValueError(f"vms.{name} must be an array of shape ({m},)")
    _require_non_negative(vms.n_vcpus, "vms.n_vcpus", allow_nan=False)
    _require_non_negative(vms.memory_mib, "vms.memory_mib", allow_nan=False)
    _require_non_negative(vms.cpu_p95_mhz, "vms.cpu_p95_mhz")
    _require_non_negative(vms.memory_p95_mib, "vms.memory_p95_mib")
    _require_non_negative(vms.usage_days, "vms.usage_days")
    profile = vms.cpu_profile_mhz
    if profile is not None:
        if not isinstance(profile, np.ndarray) or profile.ndim != 2 or profile.shape[0] != m or profile.shape[1] < 1:
            raise ValueError(f"vms.cpu_profile_mhz must be an array of shape ({m}, s >= 1)")
        _require_non_negative(profile.reshape(-1), "vms.cpu_profile_mhz")
    if m and ((vms.usage_source < 0).any() or (vms.usage_source > 3).any()):
        raise ValueError("vms.usage_source must hold UsageSource codes 0 to 3")
    if hosts is not None and m and ((vms.host < -1).any() or (vms.host >= hosts.n_hosts).any()):
        raise ValueError(f"vms.host must be -1 or an index in [0, {hosts.n_hosts})")


@dataclass(frozen=True)
class Offer:
    """A server model on the market, priced TTC for one host (install None: the HT default)."""

    name: str
    n_sockets: int
    n_cores: int
    cpu_mhz: float
    memory_mib: float
    perf_per_core: float
    price_eur_ttc: float
    power_idle_w: float
    power_max_w: float
    install_eur_ttc: float | None = None  # None: Assumptions.install_eur_per_host (HT)
    embodied_kgco2e: float | None = None  # None: Assumptions.embodied_kgco2e_per_server
    warranty_years: int = 5
    rack_units: float = 1.0

    def __post_init__(self) -> None:
        validate_offer(self)


def validate_offer(offer: Offer) -> None:
    """Raise ValueError naming the field when an offer cannot host anything or has bad figures."""
    for name in ("n_sockets", "n_cores", "cpu_mhz", "memory_mib", "perf_per_core"):
        value = getattr(offer, name)
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ValueError(f"offer.{name} must be > 0 (zero-capacity offer {offer.name!r}): {value!r}")
    for name in ("price_eur_ttc", "power_idle_w", "power_max_w", "warranty_years", "rack_units"):
        value = getattr(offer, name)
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
            raise ValueError(f"offer.{name} must be >= 0 for offer {offer.name!r}: {value!r}")
    for name in ("install_eur_ttc", "embodied_kgco2e"):
        value = getattr(offer, name)
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise ValueError(f"offer.{name} must be >= 0 or None for offer {offer.name!r}")
    if offer.power_max_w < offer.power_idle_w:
        raise ValueError(f"offer.power_max_w must be >= offer.power_idle_w for {offer.name!r}")
