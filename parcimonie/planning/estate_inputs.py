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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlmodel import Session

from inventory import PowerState, capacity_history, list_offers
from inventory.enums import UsageSource
from inventory.estate_rows import host_ids_carrying_vms, latest_success, present_host_rows, present_vm_rows
from inventory.limits import LIMITS, number_problem
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


def _days(start: datetime | None, end: datetime | None) -> float:
    """Window of a measured usage figure in days (NaN unknown)."""
    if start is None or end is None:
        return float("nan")
    return max((end - start).total_seconds() / 86_400, 0.0)


def _amount(value: float | None) -> float:
    return float("nan") if value is None else value


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
    for name, integer in figures.items():
        value = getattr(row, name)
        problem = number_problem(name, value, integer=integer)
        if problem is not None:
            return f"{name} = {value} ({problem})"
    return None


def impossible_values(rows: Sequence[Any], figures: dict[str, bool]) -> list[str | None]:
    """``impossible_value`` of each row, a column at a time: a row whose figures are all unknown or plain
    numbers within their range passes at once; only the others are checked one by one (same reasons)."""
    suspect = [False] * len(rows)
    for name, integer in figures.items():
        limit = LIMITS.get(name)
        kinds: tuple[type, ...] = (int,) if integer else (int, float)
        low, high = (limit.min, limit.max) if limit is not None else (math.inf, -math.inf)  # no range: checked
        plain = [v is None or (type(v) in kinds and low <= v <= high) for v in (getattr(r, name) for r in rows)]
        suspect = [s or not ok for s, ok in zip(suspect, plain, strict=True)]
    return [impossible_value(r, figures) if s else None for r, s in zip(rows, suspect, strict=True)]


def _host_table(rows: list[Any], cluster_index: dict[int, int]) -> HostTable:
    """Host rows as a ``HostTable`` (hypervisors, or physical servers to virtualise)."""
    return HostTable.build(
        ids=[str(r.id) for r in rows],
        names=[r.name for r in rows],
        cluster=[cluster_index.get(r.cluster_id, -1) for r in rows],
        n_sockets=[r.n_sockets for r in rows],
        n_cores=[r.n_sockets * r.n_cores_per_socket for r in rows],
        cpu_mhz=[r.cpu_mhz for r in rows],
        memory_mib=[r.memory_mib for r in rows],
        perf_per_core=[np.nan if r.perf_per_core is None else r.perf_per_core for r in rows],
        power_idle_w=[np.nan if r.power_idle_w is None else r.power_idle_w for r in rows],
        power_max_w=[np.nan if r.power_max_w is None else r.power_max_w for r in rows],
        purchase_year=[_year(r.purchase_date) for r in rows],
        purchase_price_eur_ttc=[_amount(r.purchase_price_eur) for r in rows],
        warranty_end_year=[_year(r.warranty_end) for r in rows],
        support_cost_eur_ttc_per_year=[_amount(r.support_cost_eur_per_year) for r in rows],
        rack_units=[1.0 if r.rack_units is None else float(r.rack_units) for r in rows],
        cpu_usage_mean_mhz=[np.nan if r.cpu_usage_mean_mhz is None else r.cpu_usage_mean_mhz for r in rows],
        cpu_usage_mhz=[_usage(r.cpu_usage_p95_mhz, "cpu_usage_p95_mhz") for r in rows],
        memory_usage_mib=[_usage(r.memory_usage_p95_mib, "memory_usage_p95_mib") for r in rows],
    )


def load_estate(session: Session) -> EstateInputs:
    """Present hosts and VMs as optimizer tables; hosts without capacity figures are skipped and named.

    Rows an older version stored with impossible values (negative, NaN, infinite, beyond
    ``inventory.limits``) are left out too, and named with the reason in ``invalid_hosts`` and
    ``invalid_vms``: the optimizer only ever sees finite, plausible sizes.
    """
    all_host_rows = present_host_rows(session)
    carrying = host_ids_carrying_vms(session)
    host_problems = list(zip(all_host_rows, impossible_values(all_host_rows, HOST_FIGURES), strict=True))
    invalid_hosts = tuple((r.name, why) for r, why in host_problems if why is not None)
    host_rows = [r for r, why in host_problems if why is None]
    sized = [bool(r.n_sockets and r.n_cores_per_socket and r.cpu_mhz and r.memory_mib) for r in host_rows]
    hypervisor = [r.id in carrying or bool(HYPERVISOR.search(r.hypervisor_version or "")) for r in host_rows]
    kept = [r for r, ok, hv in zip(host_rows, sized, hypervisor, strict=True) if ok and hv]
    skipped = tuple(r.name for r, ok, hv in zip(host_rows, sized, hypervisor, strict=True) if hv and not ok)
    skipped += tuple(
        r.name
        for r, why in host_problems
        if why is not None and (r.id in carrying or HYPERVISOR.search(r.hypervisor_version or ""))
    )
    physical = tuple(r.name for r, hv in zip(host_rows, hypervisor, strict=True) if not hv)
    servers = [r for r, ok, hv in zip(host_rows, sized, hypervisor, strict=True) if ok and not hv]
    cluster_ids = sorted({r.cluster_id for r in kept if r.cluster_id is not None})
    cluster_index = {cid: i for i, cid in enumerate(cluster_ids)}
    hosts = _host_table(kept, cluster_index)
    host_index = {r.id: i for i, r in enumerate(kept)}
    all_vm_rows = present_vm_rows(session)
    vm_problems = list(zip(all_vm_rows, impossible_values(all_vm_rows, VM_FIGURES), strict=True))
    invalid_vms = tuple((r.name, why) for r, why in vm_problems if why is not None)
    vm_rows = [r for r, why in vm_problems if why is None]
    unsized = tuple(r.name for r in vm_rows if not (r.n_vcpus and r.memory_mib)) + tuple(n for n, _ in invalid_vms)
    vm_rows = [r for r in vm_rows if r.n_vcpus and r.memory_mib]
    vms = VmTable.build(
        ids=[str(r.id) for r in vm_rows],
        names=[r.name for r in vm_rows],
        host=[host_index.get(r.host_id, -1) for r in vm_rows],
        cluster=[cluster_index.get(r.cluster_id, -1) for r in vm_rows],
        n_vcpus=[r.n_vcpus for r in vm_rows],
        memory_mib=[r.memory_mib for r in vm_rows],
        cpu_p95_mhz=[np.nan if r.cpu_usage_p95_mhz is None else r.cpu_usage_p95_mhz for r in vm_rows],
        memory_p95_mib=[np.nan if r.memory_usage_p95_mib is None else r.memory_usage_p95_mib for r in vm_rows],
        powered_on=[r.power_state == PowerState.ON for r in vm_rows],
        is_template=[bool(r.is_template) for r in vm_rows],
        is_windows=["windows" in (r.guest_os or "").lower() for r in vm_rows],
        usage_source=[_SOURCES.get(r.usage_source, int(OptimizerSource.MEASURED_P95)) for r in vm_rows],
        usage_days=[_days(r.usage_period_start, r.usage_period_end) for r in vm_rows],
    )
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
        host_row_ids=tuple(r.id for r in kept),
        skipped_hosts=skipped,
        physical_hosts=physical,
        physical_servers=_host_table(servers, {}),
        physical_sampled=tuple(r.usage_source == UsageSource.SAMPLE for r in servers),
        unsized_vms=unsized,
        invalid_hosts=invalid_hosts,
        invalid_vms=invalid_vms,
        snapshot_key=_key(*latest),
        snapshot_at=latest[1],
        vm_signals=load_vm_signals(session, vms),
        profiles=profiles,
        host_profiles=load_host_profiles(session, hosts),
        rule_rows=tuple(load_rules(session)),
    )
