"""Per-VM demand vectors and host capacities in generation-neutral units.

CPU is expressed in *reference MHz*: MHz of a 2024 reference core (`perf_per_core == 1.0`). A VM
using `p` MHz on a source host whose cores score `perf_s` needs `p * perf_s` reference MHz, i.e.
`p * perf_s / perf_t` MHz on a target whose cores score `perf_t`. A host of `c` cores at `f` MHz
scoring `perf` offers `c * f * perf` reference MHz. Memory is in MiB and does not convert.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.estate import (
    HostTable,
    Offer,
    VmTable,
    complete_host_estimates,
    validate_hosts,
    validate_vms,
)
from optimizer.policy import Policy
from optimizer.reasons import Reason, ReasonCode
from optimizer.usage import DataConfidence, UsageSource, apportion_host_usage, data_confidence

__all__ = [
    "VmDemand",
    "coarsen_max",
    "compute_demand",
    "host_capacity",
    "offer_capacity",
    "profile_reference",
    "unknown_host_reference",
]


@dataclass(frozen=True, eq=False)
class VmDemand:
    """Demand of the k VMs kept for placement.

    Attributes:
        vm_index: shape (k,), index of each kept VM in the VmTable.
        cpu_ref_mhz: shape (k,), CPU demand in reference MHz (comfort factor applied).
        memory_mib: shape (k,), memory demand in MiB.
        cpu_estimated: shape (k,), True where CPU demand was estimated from allocation.
        excluded: (vm index, reason) for VMs left out by policy (TEMPLATE, POWERED_OFF).
        usage_source: shape (k,), where each CPU demand comes from (``UsageSource`` codes).
        usage_days: shape (k,), window of a measured P95 in days (NaN otherwise).
        cpu_profile_ref_mhz: shape (k, s) under `Policy(demand="profile")` when the VMs carry
            profiles: CPU at each slot in reference MHz, missing slots at the VM's P95 demand;
            None otherwise (packing on `cpu_ref_mhz`).
    """

    vm_index: NDArray[np.int64]
    cpu_ref_mhz: NDArray[np.float64]
    memory_mib: NDArray[np.float64]
    cpu_estimated: NDArray[np.bool_]
    excluded: tuple[tuple[int, Reason], ...]
    usage_source: NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    usage_days: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    cpu_profile_ref_mhz: NDArray[np.float64] | None = None

    @property
    def n_slots(self) -> int:
        """Time slots of the CPU profiles packed (0: packed on the P95)."""
        return 0 if self.cpu_profile_ref_mhz is None else int(self.cpu_profile_ref_mhz.shape[1])

    @property
    def sizes(self) -> NDArray[np.float64]:
        """Shape (k, 2): columns (cpu_ref_mhz, memory_mib)."""
        return np.column_stack([self.cpu_ref_mhz, self.memory_mib])

    def confidence(self, min_days: float) -> DataConfidence:
        """How far this demand can be trusted (``optimizer.usage.data_confidence``)."""
        return data_confidence(self.cpu_ref_mhz, self.usage_source, self.usage_days, min_days)


#: The reasons of VMs the policy leaves out carry no figure: one shared instance per code (an estate of
#: 50 000 VMs leaves out thousands, and a plan computes its demand twice). Its params stay a plain
#: dict: results are pickled (the dashboard's caches), a mappingproxy is not.
_LEFT_OUT = {code: Reason(code) for code in (ReasonCode.TEMPLATE, ReasonCode.POWERED_OFF)}


def _excluded(vms: VmTable, policy: Policy) -> tuple[NDArray[np.bool_], list[tuple[int, Reason]]]:
    """VMs kept for placement, and those the policy leaves out with the reason, in VM order."""
    keep = np.ones(vms.n_vms, dtype=bool)
    out = np.zeros(vms.n_vms, dtype=bool)
    code = np.zeros(vms.n_vms, dtype=bool)  # True: powered off, False: template
    if not policy.include_templates:
        out |= vms.is_template
        keep &= ~vms.is_template
    if not policy.include_powered_off:
        off = ~vms.powered_on & keep
        out |= off
        code |= off
        keep &= vms.powered_on
    template, powered_off = _LEFT_OUT[ReasonCode.TEMPLATE], _LEFT_OUT[ReasonCode.POWERED_OFF]
    idx = np.flatnonzero(out)
    excluded = [(i, powered_off if c else template) for i, c in zip(idx.tolist(), code[idx].tolist(), strict=True)]
    return keep, excluded


def _sources(vms: VmTable, idx: NDArray[np.int64], apportioned: NDArray[np.float64]) -> NDArray[np.int8]:
    """Per kept VM, the source of its CPU figure: its own (as the table says), else its host's
    usage apportioned, else an estimate."""
    own = ~np.isnan(vms.cpu_p95_mhz[idx])
    shared = ~own & ~np.isnan(apportioned[idx])
    source = np.full(idx.size, UsageSource.ESTIMATED, dtype=np.int8)
    source[own] = np.where(
        vms.usage_source[idx][own] == UsageSource.SAMPLE, UsageSource.SAMPLE, UsageSource.MEASURED_P95
    )
    source[shared] = UsageSource.HOST_APPORTIONED
    return source


def compute_demand(
    *,
    hosts: HostTable,
    vms: VmTable,
    assumptions: Assumptions,
    policy: Policy,
) -> VmDemand:
    """Compute demand vectors for the VMs to place, saying where each figure comes from.

    CPU, in MHz of the source host's cores: the VM's P95 (a point-in-time sample times
    `sample_safety_factor`); else its host's usage apportioned by vCPUs (times
    `sample_safety_factor`: host figures are samples of one moment); else
    `n_vcpus * cpu_mhz(source host) * cpu_unknown_fraction` (estimated). A sample or a share never
    exceeds the allocation (vCPUs x core MHz). Then `* perf_per_core(source host) *
    cpu_comfort_factor`. A VM on no known host is normalised with the median host. Memory:
    allocated MiB, or, when `policy.use_memory_p95`, the P95 (a sample times the factor), else the
    host's memory usage apportioned by allocation (times the factor), never more than allocated.
    The policy also says whether templates and powered-off VMs are kept.
    """
    validate_hosts(hosts)
    validate_vms(vms, hosts)
    done, _ = complete_host_estimates(hosts=hosts)
    keep, excluded = _excluded(vms, policy)
    idx = np.flatnonzero(keep).astype(np.int64)
    src = vms.host[idx]
    med_perf, med_mhz = unknown_host_reference(done)
    known = src >= 0
    safe = np.where(known, src, 0)
    perf = np.where(known, done.perf_per_core[safe] if done.n_hosts else med_perf, med_perf)
    mhz = np.where(known, done.cpu_mhz[safe] if done.n_hosts else med_mhz, med_mhz)
    shared_cpu, shared_memory = apportion_host_usage(done, vms)
    source = _sources(vms, idx, shared_cpu)
    factor = assumptions.sample_safety_factor
    allocation = vms.n_vcpus[idx] * mhz
    figure = np.where(source == UsageSource.HOST_APPORTIONED, shared_cpu[idx], vms.cpu_p95_mhz[idx])
    uncertain = (source == UsageSource.SAMPLE) | (source == UsageSource.HOST_APPORTIONED)
    figure = np.where(uncertain, np.minimum(figure * factor, allocation), figure)
    figure = np.where(source == UsageSource.ESTIMATED, allocation * assumptions.cpu_unknown_fraction, figure)
    cpu = figure * perf * assumptions.cpu_comfort_factor
    memory = vms.memory_mib[idx].astype(float)
    if policy.use_memory_p95:
        p95m = vms.memory_p95_mib[idx]
        p95m = np.where(vms.usage_source[idx] == UsageSource.SAMPLE, p95m * factor, p95m)
        p95m = np.where(np.isnan(p95m), shared_memory[idx] * factor, p95m)
        memory = np.where(np.isnan(p95m), memory, np.minimum(p95m, memory))
    return VmDemand(
        vm_index=idx,
        cpu_ref_mhz=cpu.astype(float),
        memory_mib=memory,
        cpu_estimated=source == UsageSource.ESTIMATED,
        excluded=tuple(excluded),
        usage_source=source,
        usage_days=np.where(source == UsageSource.MEASURED_P95, vms.usage_days[idx], np.nan),
        cpu_profile_ref_mhz=_profiles(vms, idx, cpu.astype(float), policy),
    )


#: Profiles are packed at full resolution while VMs x slots stays under `PACK_MAX_CELLS`; beyond,
#: each VM's profile is coarsened (`coarsen_max`: a coarse slot is the max of the fine slots it
#: covers, so a placement feasible on the coarse vectors is feasible on the fine ones), never below
#: `PACK_MIN_SLOTS`. The packing's cost grows with VMs x slots, mostly in the fewest-moves repack:
#: at 10 000 VMs x 288 slots (bench/bench_profiles.py --plan, 2 cores) a whole plan takes 9.5 s
#: (22 s on a loaded machine; 237 new hosts, 703 kept on a repack), against 4.5 s (12 s) at 72
#: two-hour slots (245 and 800 hosts): full resolution up to about 10 000 VMs of 288 slots. (Since
#: the repack tests all slots of all hosts in one comparison, the 288-slot plan takes 3.6 s.)
PACK_MAX_CELLS = 3_000_000
PACK_MIN_SLOTS = 48


def _profiles(
    vms: VmTable, idx: NDArray[np.int64], cpu_ref: NDArray[np.float64], policy: Policy
) -> NDArray[np.float64] | None:
    """The kept VMs' profiles in reference MHz, when the policy packs on profiles and any VM has one."""
    if policy.demand != "profile" or vms.cpu_profile_mhz is None or idx.size == 0:
        return None
    raw = vms.cpu_profile_mhz[idx]
    if np.isnan(raw).all():
        return None
    slots = max(PACK_MIN_SLOTS, PACK_MAX_CELLS // idx.size)
    return coarsen_max(profile_reference(raw, cpu_ref, vms.cpu_p95_mhz[idx]), slots)


def profile_reference(
    profile_mhz: NDArray[np.float64], cpu_ref: NDArray[np.float64], cpu_raw: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Profiles (k, s) in reference MHz: each VM's slots times the factor its P95 was converted
    with (`cpu_ref / cpu_raw`: source host performance, comfort factor; the median factor where
    the VM has no P95 of its own); missing slots (NaN) at the VM's P95 demand `cpu_ref`."""
    ok = np.isfinite(cpu_raw) & (cpu_raw > 0)
    factor = np.full(cpu_ref.shape, np.nan)
    factor[ok] = cpu_ref[ok] / cpu_raw[ok]
    fallback = float(np.median(factor[ok])) if ok.any() else 1.0
    factor = np.where(np.isnan(factor), fallback, factor)
    ref = np.asarray(profile_mhz, dtype=float) * factor[:, None]
    return np.where(np.isnan(ref), cpu_ref[:, None], ref)


def coarsen_max(profile: NDArray[np.float64], max_slots: int) -> NDArray[np.float64]:
    """Shape (k, s'): each coarse slot the max of the consecutive fine slots it covers, with s' the
    fewest slots <= `max_slots` whose windows tile s evenly (s itself when it is already small)."""
    k, s = profile.shape
    if s <= max_slots:
        return profile
    width = next(w for w in range(-(-s // max_slots), s + 1) if s % w == 0)
    return np.asarray(profile.reshape(k, s // width, width).max(axis=2), dtype=float)


def unknown_host_reference(done: HostTable) -> tuple[float, float]:
    """(perf per core, core MHz) a VM on no known host is normalised with: the median host's
    (completed estimates), else a 2024 reference core at 2 400 MHz."""
    if done.n_hosts:
        return float(np.median(done.perf_per_core)), float(np.median(done.cpu_mhz))
    return 1.0, 2400.0


def host_capacity(*, hosts: HostTable, ceiling: float) -> NDArray[np.float64]:
    """Usable capacity of each host, shape (n, 2): (reference MHz, MiB), both times `ceiling`."""
    _check_ceiling(ceiling)
    done, _ = complete_host_estimates(hosts=hosts)
    cpu = done.n_cores * done.cpu_mhz * done.perf_per_core * ceiling
    return np.column_stack([cpu, done.memory_mib * ceiling]).astype(float)


def offer_capacity(*, offer: Offer, ceiling: float) -> NDArray[np.float64]:
    """Usable capacity of one host of `offer`, shape (2,): (reference MHz, MiB) times `ceiling`."""
    _check_ceiling(ceiling)
    return np.array([offer.n_cores * offer.cpu_mhz * offer.perf_per_core * ceiling, offer.memory_mib * ceiling])


def _check_ceiling(ceiling: float) -> None:
    if not 0 < ceiling <= 1:
        raise ValueError(f"ceiling must be in (0, 1], got {ceiling!r}")
