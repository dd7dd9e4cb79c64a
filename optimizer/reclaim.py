"""Reclamation and right-sizing before consolidation: zombie, idle and oversized VMs.

Each VM is counted once, in the first category it matches (zombie > idle > oversized, the order in
which VMware Aria Operations ranks its reclamation types):

* zombie: powered off for at least `Assumptions.reclaim_powered_off_days`, or reported missing by
  its source. Templates are never classified: the inventory does not know when a template was last
  used, so "templates untouched for years" cannot be told from templates in use;
* idle: powered on, CPU P95 under `idle_cpu_share` of its allocation (vCPUs x the source host's core
  MHz) *and* under `idle_cpu_mhz`, and memory activity under `idle_memory_share` of its allocation.
  Memory activity is the active memory when known, else the consumed P95 (an upper bound of it);
  a VM without either is never idle;
* oversized: powered on, with recommended vCPUs `ceil(P95 x rightsize_headroom / core MHz)` (at
  least 1) and recommended memory `activity x rightsize_headroom` rounded up to whole GiB (at least
  1 GiB) below the allocation. Memory of a VM that balloons or swaps is never shrunk; a VM without a
  CPU P95 keeps its vCPUs.

What each frees: vCPUs and memory allocated; the demand the plan would reserve for it (zombies and
idle VMs: all of it; oversized VMs: memory only, because removing vCPUs frees allocation and
per-vCPU or per-core licences, never CPU demand); its share of a host (demand freed / usable
capacity of its host under the plan's ceiling, on the binding resource); and per year the energy
of that share of its host running at the ceiling, the vSphere (and Windows Software Assurance, for
Windows VMs) cost of that share, the per-vCPU licences of the vCPUs removed, and the operational
kgCO2e of that energy. Amounts TTC, as every operating line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from optimizer.assumptions import Assumptions
from optimizer.demand import compute_demand, host_capacity
from optimizer.estate import HostTable, VmTable, complete_host_estimates, validate_hosts, validate_vms
from optimizer.licences import vsphere_host_eur_ht, windows_licence_eur_ht
from optimizer.policy import Policy
from optimizer.tco import host_power_w, yearly_energy_kwh
from optimizer.vm_rows import take_vms

__all__ = [
    "IDLE",
    "KEEP",
    "OVERSIZED",
    "ZOMBIE",
    "ReclaimResult",
    "VmSignals",
    "after_reclaim",
    "find_reclaimable",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
B = NDArray[np.bool_]

#: Categories of `ReclaimResult.category`, in order of precedence after KEEP.
KEEP, ZOMBIE, IDLE, OVERSIZED = 0, 1, 2, 3
GIB = 1024.0


@dataclass(frozen=True, eq=False)
class VmSignals:
    """What the inventory knows of each VM beyond its table, every array shape (m,).

    Attributes:
        powered_off_days: days the VM has been powered off in a row (NaN unknown or on).
        missing: True when the VM's source no longer reports it.
        memory_pressure: True when the VM's memory balloons or swaps (never shrink it).
        memory_active_mib: active memory in MiB (NaN unknown).
    """

    powered_off_days: F64
    missing: B
    memory_pressure: B
    memory_active_mib: F64

    @classmethod
    def build(
        cls,
        m: int,
        *,
        powered_off_days: ArrayLike | None = None,
        missing: ArrayLike | None = None,
        memory_pressure: ArrayLike | None = None,
        memory_active_mib: ArrayLike | None = None,
    ) -> VmSignals:
        """Signals for m VMs; omitted arrays say "unknown" (NaN, False)."""

        def floats(values: ArrayLike | None) -> F64:
            return np.full(m, np.nan) if values is None else np.asarray(values, dtype=float).reshape(-1)

        def bools(values: ArrayLike | None) -> B:
            return np.zeros(m, dtype=bool) if values is None else np.asarray(values, dtype=bool).reshape(-1)

        signals = cls(floats(powered_off_days), bools(missing), bools(memory_pressure), floats(memory_active_mib))
        for name in ("powered_off_days", "missing", "memory_pressure", "memory_active_mib"):
            if getattr(signals, name).shape != (m,):
                raise ValueError(f"signals.{name} must have shape ({m},)")
        return signals


@dataclass(frozen=True, eq=False)
class ReclaimResult:
    """Per VM (arrays of shape (m,)): its category and what reclaiming it frees.

    Attributes:
        category: KEEP, ZOMBIE, IDLE or OVERSIZED.
        missing: zombie because its source no longer reports it (else powered off long enough).
        memory_kept: oversized VM whose memory was not shrunk because it balloons or swaps.
        recommended_vcpus, recommended_memory_mib: the VM after reclamation (0 for zombies and idle).
        vcpus_freed, memory_mib_freed: allocation freed.
        cpu_ref_mhz_freed, memory_demand_mib_freed: demand the plan no longer reserves.
        host_share: share of its host freed (binding resource, under the ceiling).
        energy_kwh, energy_eur, licences_eur, eur_per_year, kgco2e_per_year: freed per year, TTC.
        ranked: indices of the reclaimable VMs, most euros freed first.
    """

    category: NDArray[np.int8]
    missing: B
    memory_kept: B
    recommended_vcpus: I64
    recommended_memory_mib: F64
    vcpus_freed: I64
    memory_mib_freed: F64
    cpu_ref_mhz_freed: F64
    memory_demand_mib_freed: F64
    host_share: F64
    energy_kwh: F64
    energy_eur: F64
    licences_eur: F64
    eur_per_year: F64
    kgco2e_per_year: F64
    ranked: I64

    def count(self, category: int) -> int:
        """VMs in one category."""
        return int((self.category == category).sum())

    def total(self, name: str, category: int | None = None) -> float:
        """Sum of a per-VM figure over the reclaimable VMs (or one category)."""
        mask = self.category != KEEP if category is None else self.category == category
        return float(np.asarray(getattr(self, name), dtype=float)[mask].sum())


@dataclass(frozen=True, eq=False)
class _HostView:
    """Figures of each VM's source host (the median host for VMs on no known host), shape (m,)."""

    core_mhz: F64
    usable_cpu: F64
    usable_memory: F64
    power_at_ceiling_w: F64
    vsphere_eur_ttc: F64
    windows_sa_eur_ttc: F64


def _host_view(hosts: HostTable, vms: VmTable, assumptions: Assumptions, ceiling: float) -> _HostView:
    """Per-VM figures of its source host; all zero (nothing to free) when no host is known."""
    m = vms.n_vms
    if hosts.n_hosts == 0:
        zero = np.zeros(m)
        return _HostView(np.full(m, 2400.0), zero, zero, zero, zero, zero)
    done, _ = complete_host_estimates(hosts=hosts)
    a = assumptions
    vat = 1.0 + a.vat_rate
    capacity = host_capacity(hosts=done, ceiling=ceiling)
    power = host_power_w(
        power_idle_w=done.power_idle_w, power_max_w=done.power_max_w, cpu_utilisation=np.full(done.n_hosts, ceiling)
    )
    vsphere = vsphere_host_eur_ht(n_sockets=done.n_sockets, n_cores=done.n_cores, year=a.reference_year, assumptions=a)
    windows = windows_licence_eur_ht(n_sockets=done.n_sockets, n_cores=done.n_cores, assumptions=a)
    windows_sa = windows * a.windows_software_assurance_rate * vat
    columns = np.column_stack([done.cpu_mhz, capacity[:, 0], capacity[:, 1], power, vsphere * vat, windows_sa])
    median = np.median(columns, axis=0)
    known = vms.host >= 0
    per_vm = np.where(known[:, None], columns[np.where(known, vms.host, 0)], median[None, :])
    return _HostView(*(np.asarray(per_vm[:, j], dtype=float) for j in range(6)))


def _memory_activity(vms: VmTable, signals: VmSignals) -> F64:
    """Active memory when known, else consumed P95 (an upper bound of activity), else NaN."""
    return np.where(np.isnan(signals.memory_active_mib), vms.memory_p95_mib, signals.memory_active_mib)


def _classify(vms: VmTable, signals: VmSignals, view: _HostView, assumptions: Assumptions) -> NDArray[np.int8]:
    """Zombie > idle > oversized, each VM once (oversized is decided by `_recommend`)."""
    a = assumptions
    eligible = ~vms.is_template
    off_long = ~vms.powered_on & (np.nan_to_num(signals.powered_off_days, nan=-1.0) >= a.reclaim_powered_off_days)
    zombie = eligible & (off_long | signals.missing)
    p95 = vms.cpu_p95_mhz
    activity = _memory_activity(vms, signals)
    with np.errstate(invalid="ignore"):
        cpu_low = (p95 < a.idle_cpu_share * vms.n_vcpus * view.core_mhz) & (p95 < a.idle_cpu_mhz)
        memory_low = activity < a.idle_memory_share * vms.memory_mib
    idle = eligible & vms.powered_on & ~zombie & cpu_low & memory_low
    category = np.full(vms.n_vms, KEEP, dtype=np.int8)
    category[zombie] = ZOMBIE
    category[idle] = IDLE
    return category


def _recommend(vms: VmTable, signals: VmSignals, view: _HostView, assumptions: Assumptions) -> tuple[I64, F64]:
    """Recommended vCPUs and memory MiB of every VM (its allocation where nothing is measured)."""
    h = assumptions.rightsize_headroom
    p95 = vms.cpu_p95_mhz
    wanted = np.ceil(np.nan_to_num(p95, nan=0.0) * h / view.core_mhz - 1e-9)
    vcpus = np.where(np.isnan(p95), vms.n_vcpus, np.clip(wanted, 1, vms.n_vcpus)).astype(np.int64)
    activity = _memory_activity(vms, signals)
    rounded = np.maximum(np.ceil(np.nan_to_num(activity, nan=0.0) * h / GIB - 1e-9), 1.0) * GIB
    keep_memory = np.isnan(activity) | signals.memory_pressure
    memory = np.where(keep_memory, vms.memory_mib, np.minimum(rounded, vms.memory_mib))
    return vcpus, memory.astype(float)


def find_reclaimable(
    *, hosts: HostTable, vms: VmTable, signals: VmSignals, assumptions: Assumptions, policy: Policy
) -> ReclaimResult:
    """Classify every VM and say what reclaiming it frees (see the module docstring).

    The demand freed is the demand the plan would reserve under `policy` (a VM the policy leaves
    out, e.g. powered off with `include_powered_off=False`, or missing from its source, frees
    allocation but no demand).
    """
    validate_hosts(hosts)
    validate_vms(vms, hosts)
    if signals.missing.shape != (vms.n_vms,):
        raise ValueError(f"signals must describe the {vms.n_vms} VMs")
    a = assumptions
    view = _host_view(hosts, vms, a, policy.ceiling)
    category = _classify(vms, signals, view, a)
    rec_vcpus, rec_memory = _recommend(vms, signals, view, a)
    running = vms.powered_on & ~vms.is_template & (category == KEEP)
    oversized = running & ((rec_vcpus < vms.n_vcpus) | (rec_memory < vms.memory_mib))
    category[oversized] = OVERSIZED
    gone = (category == ZOMBIE) | (category == IDLE)
    rec_vcpus = np.where(gone, 0, np.where(oversized, rec_vcpus, vms.n_vcpus)).astype(np.int64)
    rec_memory = np.where(gone, 0.0, np.where(oversized, rec_memory, vms.memory_mib))
    demand = compute_demand(hosts=hosts, vms=vms, assumptions=a, policy=policy)
    plan_cpu, plan_memory = np.zeros(vms.n_vms), np.zeros(vms.n_vms)
    plan_cpu[demand.vm_index] = demand.cpu_ref_mhz
    plan_memory[demand.vm_index] = demand.memory_mib
    plan_cpu[signals.missing], plan_memory[signals.missing] = 0.0, 0.0  # gone from the source: in no plan
    cpu_freed = np.where(gone, plan_cpu, 0.0)
    memory_demand_freed = plan_memory - np.minimum(plan_memory, rec_memory)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.maximum(
            np.where(view.usable_cpu > 0, cpu_freed / view.usable_cpu, 0.0),
            np.where(view.usable_memory > 0, memory_demand_freed / view.usable_memory, 0.0),
        )
    return _costed(vms, a, view, category, signals, rec_vcpus, rec_memory, cpu_freed, memory_demand_freed, share)


def _costed(
    vms: VmTable,
    a: Assumptions,
    view: _HostView,
    category: NDArray[np.int8],
    signals: VmSignals,
    rec_vcpus: I64,
    rec_memory: F64,
    cpu_freed: F64,
    memory_demand_freed: F64,
    share: F64,
) -> ReclaimResult:
    """Euros and kgCO2e per year of what each VM frees, and the ranking."""
    vcpus_freed = (vms.n_vcpus - rec_vcpus).astype(np.int64)
    energy_kwh = share * yearly_energy_kwh(power_w=view.power_at_ceiling_w, pue=a.pue)
    energy_eur = energy_kwh * a.electricity_eur_per_kwh
    per_vcpu = a.vm_licence_eur_per_vcpu_per_year * (1.0 + a.vat_rate)
    licences = share * (view.vsphere_eur_ttc + np.where(vms.is_windows, view.windows_sa_eur_ttc, 0.0))
    licences = licences + vcpus_freed * per_vcpu
    eur = energy_eur + licences
    candidates = np.flatnonzero(category != KEEP)
    memory_freed = vms.memory_mib - rec_memory
    keys = (candidates, -memory_freed[candidates], -vcpus_freed[candidates], -eur[candidates])
    order = np.lexsort(keys)
    return ReclaimResult(
        category=category,
        missing=(category == ZOMBIE) & signals.missing,
        memory_kept=(category == OVERSIZED) & signals.memory_pressure & ~np.isnan(_memory_activity(vms, signals)),
        recommended_vcpus=rec_vcpus,
        recommended_memory_mib=rec_memory,
        vcpus_freed=vcpus_freed,
        memory_mib_freed=memory_freed,
        cpu_ref_mhz_freed=cpu_freed,
        memory_demand_mib_freed=memory_demand_freed,
        host_share=share,
        energy_kwh=energy_kwh,
        energy_eur=energy_eur,
        licences_eur=licences,
        eur_per_year=eur,
        kgco2e_per_year=energy_kwh * a.grid_kgco2e_per_kwh,
        ranked=candidates[order].astype(np.int64),
    )


def after_reclaim(*, vms: VmTable, result: ReclaimResult) -> VmTable:
    """The VMs left once zombies and idle VMs are removed and oversized VMs right-sized.

    Right-sized VMs keep their CPU P95 (removing vCPUs frees no demand); their memory P95 is capped
    at the new allocation.
    """
    if result.category.shape != (vms.n_vms,):
        raise ValueError(f"the reclamation result must describe the {vms.n_vms} VMs")
    keep = (result.category == KEEP) | (result.category == OVERSIZED)
    idx = np.flatnonzero(keep)
    memory = result.recommended_memory_mib[idx]
    return take_vms(
        vms,
        idx,
        n_vcpus=result.recommended_vcpus[idx],
        memory_mib=memory,
        memory_p95_mib=np.minimum(vms.memory_p95_mib[idx], memory),
    )
