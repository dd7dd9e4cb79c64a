"""Reads the inventory into the optimizer's inputs: the one place where rows become numpy tables.

Present hypervisor hosts (not missing, not retired) with known capacity become a ``HostTable``;
present VMs with known vCPUs and memory a ``VmTable``; catalogue offers become ``Offer``s. Servers
that run no hypervisor and VMs without sizes are kept out of the tables and named, so a plan never
retires a production server it cannot replace nor packs a VM as if it weighed nothing. The
inventory stores amounts TTC (what the authority paid) and so do the tables: the optimizer takes
VAT out with its own assumptions where it needs HT figures.
"""

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlmodel import Session

from inventory import PowerState, capacity_history, list_offers
from inventory.enums import UsageSource
from inventory.estate_rows import cluster_names, latest_success, present_host_columns, present_vm_columns
from inventory.limits import LIMITS, Range, number_problem
from inventory.rules import RuleRow, load_rules
from optimizer import HostTable, Offer, Policy, VmTable
from optimizer import UsageSource as OptimizerSource
from optimizer.reclaim import VmSignals
from parcimonie.planning.capacity import measured_growth
from parcimonie.planning.document import ReclaimApplied
from parcimonie.planning.host_profiles import HostProfiles, load_host_profiles
from parcimonie.planning.profile_plan import VmProfiles, fit_profiles, load_vm_profiles
from parcimonie.planning.reclaim_inputs import load_vm_signals

#: What a hypervisor reports as its version; a host carrying VMs counts as one whatever it says.
HYPERVISOR = re.compile(r"esx|vmware|hyper-?v|proxmox|kvm|xen|nutanix|ahv|ovirt|qemu", re.IGNORECASE)


@dataclass(frozen=True)
class EstateInputs:
    """The estate as the optimizer sees it, with the row ids to map results back."""

    hosts: HostTable
    vms: VmTable
    offers: tuple[Offer, ...]
    host_row_ids: tuple[int, ...]
    skipped_hosts: tuple[str, ...] = field(default_factory=tuple)  # hypervisors without capacity figures
    physical_hosts: tuple[str, ...] = field(default_factory=tuple)  # servers running no hypervisor: out of plans
    # Those of them with known sizes, as a table: what `plan --p2v` virtualises (``planning.p2v``).
    physical_servers: HostTable | None = None
    # Per physical server, True when its usage is a point-in-time sample (a first `collect local`).
    physical_sampled: tuple[bool, ...] = field(default_factory=tuple)
    unsized_vms: tuple[str, ...] = field(default_factory=tuple)  # VMs without vCPU or memory figures: out of plans
    # Rows with impossible stored values (negative, NaN, infinite, out of inventory.limits): out of plans,
    # as (name, reason); also counted in skipped_hosts (hypervisors) and unsized_vms.
    invalid_hosts: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    invalid_vms: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    snapshot_key: str = ""
    snapshot_at: datetime | None = None  # end of the latest successful collection the tables reflect
    # The estate's measured demand growth per year (share; ``capacity.measured_growth``), memory as
    # allocated then as P95, for ``PlanRequest.growth_from_history``; 0 without history.
    measured_growth: tuple[float, float] = (0.0, 0.0)
    # What reclamation reads per VM (days off, memory pressure); None: nothing known.
    vm_signals: VmSignals | None = None
    # Set once the tables are the estate after reclamation (``PlanRequest.after_reclaim``).
    reclaimed: ReclaimApplied | None = None
    # Stored usage profiles of the VMs (``parcimonie.planning.profile_plan``); None: not loaded.
    profiles: VmProfiles | None = None
    # Stored usage profiles of the hosts, on `hosts` rows (``parcimonie.planning.host_profiles``); None: not loaded.
    host_profiles: HostProfiles | None = None
    # Placement rules by name (``parcimonie import rules``), resolved when a plan runs.
    rule_rows: tuple[RuleRow, ...] = ()
    # Name of each cluster index of `hosts.cluster` and `vms.cluster` (empty: unnamed, e.g. in tests).
    cluster_names: tuple[str, ...] = ()


def _year(value: date | None) -> float:
    if value is None:
        return float("nan")
    return value.year + (value.timetuple().tm_yday - 1) / 365.25


#: Stored usage sources as the optimizer's codes; a figure stored before sources were (None) came
#: from vSphere statistics; a VM without any figure is estimated whatever its code says.
_SOURCES = {
    UsageSource.MEASURED_P95: int(OptimizerSource.MEASURED_P95),
    UsageSource.SAMPLE: int(OptimizerSource.SAMPLE),
}


def _usage(value: float | None, name: str) -> float:
    """A host's stored usage figure, NaN when absent or impossible (the host is still planned)."""
    if value is None or number_problem(name, value, integer=False) is not None:
        return float("nan")
    return float(value)


def _days(span: timedelta | None) -> float:
    """Window of a measured usage figure in days (NaN unknown)."""
    if span is None:
        return float("nan")
    return max(span.total_seconds() / 86_400, 0.0)


def _floats(values: list[Any]) -> NDArray[np.float64]:
    """Stored numbers as floats, NaN where unknown (None)."""
    return np.array(values, dtype=float)


def snapshot_key(session: Session) -> str:
    """A key that changes whenever the inventory does (latest successful run), for caches."""
    return _key(*latest_success(session))


def _key(run_id: int | None, finished_at: datetime | None) -> str:
    return f"{run_id}@{finished_at.isoformat() if isinstance(finished_at, datetime) else finished_at}"


def load_offers(session: Session) -> tuple[Offer, ...]:
    """The catalogue as optimizer offers (TTC prices, as stored)."""
    offers = []
    for model in list_offers(session):
        offers.append(
            Offer(
                name=model.name,
                n_sockets=model.n_sockets,
                n_cores=model.n_sockets * model.n_cores_per_socket,
                cpu_mhz=model.cpu_mhz,
                memory_mib=model.memory_mib,
                perf_per_core=model.perf_per_core,
                price_eur_ttc=model.price_eur,
                install_eur_ttc=model.install_eur,
                power_idle_w=model.power_idle_w,
                power_max_w=model.power_max_w,
                embodied_kgco2e=model.embodied_kgco2e,
                warranty_years=model.warranty_years,
                rack_units=float(model.rack_units),
            )
        )
    return tuple(offers)


#: The stored figures a plan reads, checked against ``inventory.limits`` (integer columns flagged).
HOST_FIGURES: dict[str, bool] = {
    "n_sockets": True,
    "n_cores_per_socket": True,
    "cpu_mhz": False,
    "memory_mib": False,
    "perf_per_core": False,
    "power_idle_w": False,
    "power_max_w": False,
    "purchase_price_eur": False,
    "support_cost_eur_per_year": False,
    "rack_units": True,
    "cpu_usage_mean_mhz": False,
}
VM_FIGURES: dict[str, bool] = {
    "n_vcpus": True,
    "memory_mib": False,
    "cpu_usage_p95_mhz": False,
    "memory_usage_p95_mib": False,
}


def impossible_value(row: Any, figures: dict[str, bool]) -> str | None:
    """Why a stored row cannot be planned (its first impossible figure, with the allowed range), or None."""
    return _first_problem([(name, getattr(row, name), integer) for name, integer in figures.items()])


def _first_problem(values: list[tuple[str, Any, bool]]) -> str | None:
    for name, value, integer in values:
        problem = number_problem(name, value, integer=integer)
        if problem is not None:
            return f"{name} = {value} ({problem})"
    return None


def impossible_values(rows: Sequence[Any], figures: dict[str, bool]) -> list[str | None]:
    """``impossible_value`` of each row (``impossible_in_columns`` on the rows' figures)."""
    return impossible_in_columns({name: [getattr(r, name) for r in rows] for name in figures}, figures, len(rows))


def impossible_in_columns(columns: Mapping[str, Sequence[Any]], figures: dict[str, bool], n: int) -> list[str | None]:
    """``impossible_value`` of each of the ``n`` rows of ``columns`` (values by figure name), a column at a
    time: a row whose figures are all unknown or plain numbers within their range passes at once; only
    the others are checked one by one (same reasons)."""
    suspect = np.zeros(n, dtype=bool)
    for name, integer in figures.items():
        suspect |= ~_plain(columns[name], LIMITS.get(name), integer)
    reasons: list[str | None] = [None] * n
    for i in np.flatnonzero(suspect).tolist():
        reasons[i] = _first_problem([(name, columns[name][i], integer) for name, integer in figures.items()])
    return reasons


def _plain(values: Sequence[Any], limit: Range | None, integer: bool) -> NDArray[np.bool_]:
    """Which values are unknown (None) or plain numbers (ints; floats too unless ``integer``) within ``limit``."""
    kinds: set[type] = {int} if integer else {int, float}
    low, high = (limit.min, limit.max) if limit is not None else (math.inf, -math.inf)  # no range: checked
    if set(map(type, values)) <= kinds | {type(None)}:
        try:
            numbers = np.array(values, dtype=float)  # None → NaN
        except OverflowError:  # an int beyond floats: the plain way below
            pass
        else:
            # Beyond 2**53 an int may round into the range as a float: such values are checked one by one.
            plain = (numbers >= low) & (numbers <= high) & (np.abs(numbers) < 2.0**53)
            unknown = np.flatnonzero(np.isnan(numbers)).tolist()
            plain[unknown] = [values[i] is None for i in unknown]  # NaN itself is not plain
            return np.asarray(plain, dtype=bool)
    return np.array([v is None or (type(v) in kinds and low <= v <= high) for v in values], dtype=bool)


def _host_table(columns: dict[str, list[Any]], rows: list[int], cluster_index: dict[int, int]) -> HostTable:
    """Host ``rows`` (positions in ``columns``) as a ``HostTable`` (hypervisors, or physical servers to virtualise)."""

    def pick(name: str) -> list[Any]:
        values = columns[name]
        return [values[i] for i in rows]

    sockets, cores_per_socket = pick("n_sockets"), pick("n_cores_per_socket")
    return HostTable.build(
        ids=[str(i) for i in pick("id")],
        names=pick("name"),
        cluster=[cluster_index.get(c, -1) for c in pick("cluster_id")],
        n_sockets=sockets,
        n_cores=[s * c for s, c in zip(sockets, cores_per_socket, strict=True)],
        cpu_mhz=pick("cpu_mhz"),
        memory_mib=pick("memory_mib"),
        perf_per_core=_floats(pick("perf_per_core")),
        power_idle_w=_floats(pick("power_idle_w")),
        power_max_w=_floats(pick("power_max_w")),
        purchase_year=[_year(d) for d in pick("purchase_date")],
        purchase_price_eur_ttc=_floats(pick("purchase_price_eur")),
        warranty_end_year=[_year(d) for d in pick("warranty_end")],
        support_cost_eur_ttc_per_year=_floats(pick("support_cost_eur_per_year")),
        rack_units=[1.0 if u is None else float(u) for u in pick("rack_units")],
        cpu_usage_mean_mhz=_floats(pick("cpu_usage_mean_mhz")),
        cpu_usage_mhz=[_usage(v, "cpu_usage_p95_mhz") for v in pick("cpu_usage_p95_mhz")],
        memory_usage_mib=[_usage(v, "memory_usage_p95_mib") for v in pick("memory_usage_p95_mib")],
    )


@dataclass(frozen=True)
class _HostSort:
    """Present hosts sorted for a plan, as positions in their columns or names."""

    kept: list[int]  # hypervisors with capacity figures: the plan's hosts
    servers: list[int]  # sized servers running no hypervisor: ``physical_servers``
    skipped: tuple[str, ...]
    physical: tuple[str, ...]
    invalid: tuple[tuple[str, str], ...]


def _sort_hosts(columns: dict[str, list[Any]], carrying: set[int]) -> _HostSort:
    """Plan's hosts, physical servers, hypervisors without figures and rows with impossible values."""
    names = columns["name"]
    why = impossible_in_columns(columns, HOST_FIGURES, len(names))
    valid = [w is None for w in why]
    hypervisor = [
        i in carrying or bool(HYPERVISOR.search(version or ""))
        for i, version in zip(columns["id"], columns["hypervisor_version"], strict=True)
    ]
    sized = [
        bool(sockets and cores and mhz and memory)
        for sockets, cores, mhz, memory in zip(
            columns["n_sockets"], columns["n_cores_per_socket"], columns["cpu_mhz"], columns["memory_mib"], strict=True
        )
    ]
    rows = range(len(names))
    return _HostSort(
        kept=[i for i in rows if valid[i] and sized[i] and hypervisor[i]],
        servers=[i for i in rows if valid[i] and sized[i] and not hypervisor[i]],
        skipped=tuple(names[i] for i in rows if valid[i] and hypervisor[i] and not sized[i])
        + tuple(names[i] for i in rows if not valid[i] and hypervisor[i]),
        physical=tuple(names[i] for i in rows if valid[i] and not hypervisor[i]),
        invalid=tuple((names[i], w) for i, w in enumerate(why) if w is not None),
    )


def _vm_table(
    columns: dict[str, list[Any]], host_index: dict[int, int], cluster_index: dict[int, int]
) -> tuple[VmTable, tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Present VMs with plausible sizes as a ``VmTable``; the names of the others (unsized, then those
    with impossible values) and the reasons of the latter."""
    names = columns["name"]
    why = impossible_in_columns(columns, VM_FIGURES, len(names))
    invalid = tuple((names[i], w) for i, w in enumerate(why) if w is not None)
    valid = np.fromiter((w is None for w in why), dtype=bool, count=len(why))

    def column(name: str) -> NDArray[np.object_]:
        values: NDArray[np.object_] = np.array(columns[name], dtype=object)[valid]
        return values

    vcpus, memory = column("n_vcpus").astype(float), column("memory_mib").astype(float)  # None → NaN
    sized = (vcpus != 0) & (memory != 0) & ~np.isnan(vcpus) & ~np.isnan(memory)
    unsized = tuple(column("name")[~sized].tolist()) + tuple(n for n, _ in invalid)

    def planned(name: str) -> list[Any]:
        return list(column(name)[sized].tolist())

    vms = VmTable.build(
        ids=[str(i) for i in planned("id")],
        names=planned("name"),
        host=[host_index.get(h, -1) for h in planned("host_id")],
        cluster=[cluster_index.get(c, -1) for c in planned("cluster_id")],
        n_vcpus=vcpus[sized],
        memory_mib=memory[sized],
        cpu_p95_mhz=column("cpu_usage_p95_mhz")[sized].astype(float),
        memory_p95_mib=column("memory_usage_p95_mib")[sized].astype(float),
        powered_on=[state == PowerState.ON for state in planned("power_state")],
        is_template=[bool(t) for t in planned("is_template")],
        is_windows=["windows" in (guest or "").lower() for guest in planned("guest_os")],
        usage_source=[_SOURCES.get(s, int(OptimizerSource.MEASURED_P95)) for s in planned("usage_source")],
        usage_days=[_days(span) for span in planned("usage_span")],
    )
    return vms, unsized, invalid


def load_estate(session: Session) -> EstateInputs:
    """Present hosts and VMs as optimizer tables; hosts without capacity figures are skipped and named.

    Rows an older version stored with impossible values (negative, NaN, infinite, beyond
    ``inventory.limits``) are left out too, and named with the reason in ``invalid_hosts`` and
    ``invalid_vms``: the optimizer only ever sees finite, plausible sizes.
    """
    host_columns = present_host_columns(session)
    vm_columns = present_vm_columns(session)
    carrying = {host_id for host_id in vm_columns["host_id"] if host_id is not None}
    sort = _sort_hosts(host_columns, carrying)
    host_ids = [host_columns["id"][row] for row in sort.kept]
    cluster_ids = sorted({c for c in (host_columns["cluster_id"][row] for row in sort.kept) if c is not None})
    cluster_index = {cid: i for i, cid in enumerate(cluster_ids)}
    names = cluster_names(session, cluster_ids)
    hosts = _host_table(host_columns, sort.kept, cluster_index)
    vms, unsized, invalid_vms = _vm_table(vm_columns, {row_id: i for i, row_id in enumerate(host_ids)}, cluster_index)
    # The profiles' fit period rides on the VM table, so any packing can size on it (Policy.demand).
    profiles = load_vm_profiles(session, vms)
    vms = replace(vms, cpu_profile_mhz=fit_profiles(profiles))
    latest = latest_success(session)
    history = capacity_history(session)
    return EstateInputs(
        measured_growth=(
            measured_growth(history, Policy(use_memory_p95=False)),
            measured_growth(history, Policy(use_memory_p95=True)),
        ),
        hosts=hosts,
        vms=vms,
        offers=load_offers(session),
        host_row_ids=tuple(host_ids),
        skipped_hosts=sort.skipped,
        physical_hosts=sort.physical,
        physical_servers=_host_table(host_columns, sort.servers, {}),
        physical_sampled=tuple(host_columns["usage_source"][row] == UsageSource.SAMPLE for row in sort.servers),
        unsized_vms=unsized,
        invalid_hosts=sort.invalid,
        invalid_vms=invalid_vms,
        snapshot_key=_key(*latest),
        snapshot_at=latest[1],
        vm_signals=load_vm_signals(session, vms),
        profiles=profiles,
        host_profiles=load_host_profiles(session, hosts),
        cluster_names=tuple(names.get(cid, str(cid)) for cid in cluster_ids),
        rule_rows=tuple(load_rules(session)),
    )
