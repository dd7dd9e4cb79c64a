"""Time-aligned consolidation: pack VMs on their usage profiles, not on one P95 each.

Sizing each VM on its P95 and adding those figures up is the "sum of peaks". VMs do not peak
together (office hours and night batches, weekdays and weekends), so the load a host really
carries is the "peak of sums". Here each VM is a vector: its CPU demand at each of the s slots of
its profile (reference MHz, ``optimizer.demand``'s unit) and its memory peak; a host holds a set
of VMs when, at every slot, their summed CPU stays under its usable CPU, and their memory under
its usable memory. That is vector bin packing in d = s + 1 dimensions, which `pack_vectors`, the
bounds and CP-SAT already take. The per-slot volume bound, ``max over slots of ceil(sum of CPU at
that slot / usable CPU)``, is one of the n-dimensional bounds (`lower_bound_identical`).

Never worse than the P95: when the profile packing needs more hosts than the P95 packing (memory
dominates, or profiles peak above the P95), the P95 placement is kept and `p95_kept` says so.
The method is in docs/profiles.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.bounds import LowerBound, lower_bound_identical
from optimizer.exact import pack_vectors_exact
from optimizer.packing import pack_vectors

__all__ = ["ProfilePacking", "fill_missing", "pack_curve_point", "pack_on_profiles", "profile_sizes", "projected_bound"]

#: Up to this many figures (VMs x dimensions), a curve point runs both greedy rules as the plan
#: does; beyond, the dot-product rule only (the one that wins on many small profile vectors).
CURVE_BOTH_RULES_MAX_FIGURES = 500_000
#: The dimensions of highest volume a projected bound keeps (memory always kept besides).
_PROJECTED_DIMS = 4


@dataclass(frozen=True, eq=False)
class ProfilePacking:
    """Both answers, profiles and P95, on identical hosts, and the one kept.

    Attributes:
        method: "profile" or "p95", the placement kept in `assignment`.
        assignment: shape (k,), host index of each VM in the kept placement (-1: fits no host).
        assignment_profile, assignment_p95: the two placements.
        n_hosts_profile, n_hosts_p95: hosts used by each.
        bound_profile: proven lower bound of the profile packing (per-slot volume, memory, L2).
        bound_p95: proven lower bound of the P95 packing.
        exact_status: CP-SAT's status when it ran on a small instance, else None.
    """

    method: str
    assignment: NDArray[np.int64]
    assignment_profile: NDArray[np.int64]
    assignment_p95: NDArray[np.int64]
    n_hosts_profile: int
    n_hosts_p95: int
    bound_profile: LowerBound
    bound_p95: LowerBound
    exact_status: str | None

    @property
    def n_hosts(self) -> int:
        """Hosts of the kept placement."""
        return min(self.n_hosts_profile, self.n_hosts_p95)

    @property
    def p95_kept(self) -> bool:
        """True when the profiles needed more hosts than the P95 and the P95 placement was kept."""
        return self.method == "p95"


def fill_missing(cpu_slots: NDArray[np.float64], cpu_p95: NDArray[np.float64]) -> NDArray[np.float64]:
    """Profiles with each missing slot (NaN) at the VM's P95: a VM without profile is flat at its P95."""
    slots = np.asarray(cpu_slots, dtype=float)
    p95 = np.asarray(cpu_p95, dtype=float).reshape(-1, 1)
    if slots.ndim != 2 or slots.shape[0] != p95.shape[0]:
        raise ValueError(f"cpu_slots must have shape (k, s) with k = {p95.shape[0]}, got {slots.shape}")
    return np.where(np.isnan(slots), p95, slots)


def profile_sizes(cpu_slots: NDArray[np.float64], memory: NDArray[np.float64]) -> NDArray[np.float64]:
    """Shape (k, s + 1): CPU at each slot, then the memory peak (the vector each VM is packed as)."""
    return np.column_stack([np.asarray(cpu_slots, dtype=float), np.asarray(memory, dtype=float)])


def _placement(
    sizes: NDArray[np.float64], capacity: NDArray[np.float64], budget_s: float, both_rules: bool = True
) -> NDArray[np.int64]:
    bins = np.broadcast_to(capacity, (max(1, sizes.shape[0]), capacity.size))
    return pack_vectors(
        sizes=sizes,
        bin_capacities=bins,
        improve=budget_s > 0,
        improve_budget_s=budget_s,
        second_rule_max_items=20_000 if both_rules else 0,
    ).assignment


def projected_bound(sizes: NDArray[np.float64], capacity: NDArray[np.float64]) -> LowerBound:
    """Lower bound on identical bins from the few dimensions of highest volume, and memory.

    Dropping dimensions only relaxes the problem, so the bound stays proven; at a curve point it
    spares Martello-Toth's L2 on each of the 288 slots (the busiest slots decide it anyway).
    """
    cap = np.asarray(capacity, dtype=float).reshape(-1)
    sizes = np.asarray(sizes, dtype=float)
    sizes = sizes[(sizes <= cap).all(axis=1)]  # as the full bound: items no host holds are left out
    volume = sizes.sum(axis=0) / cap
    keep = np.union1d(np.argsort(-volume, kind="stable")[:_PROJECTED_DIMS], [cap.size - 1])
    found = lower_bound_identical(sizes=sizes[:, keep], capacity=cap[keep])
    names = {f"({_dim(k)})": f"({_dim(int(d))})" for k, d in enumerate(keep.tolist())}
    kind = next((found.kind.replace(a, b) for a, b in names.items() if found.kind.endswith(a)), found.kind)
    return LowerBound(value=found.value, kind=kind, volume=found.volume)


def _dim(d: int) -> str:
    return ("cpu", "memory")[d] if d < 2 else f"dim{d}"


def _n_used(assignment: NDArray[np.int64]) -> int:
    return int(np.unique(assignment[assignment >= 0]).size)


def _exact(
    sizes: NDArray[np.float64], capacity: NDArray[np.float64], hint: NDArray[np.int64], time_s: float
) -> tuple[NDArray[np.int64], str]:
    """CP-SAT on the profile vectors, bins limited to the heuristic's count, hinted with its placement."""
    n_bins = max(1, _n_used(hint))
    result = pack_vectors_exact(
        sizes=sizes, bin_capacities=np.tile(capacity, (n_bins, 1)), hint=hint, time_limit_s=time_s
    )
    if result.status in ("OPTIMAL", "FEASIBLE") and 0 < result.n_bins < n_bins:
        return result.assignment, result.status
    return hint, result.status


def pack_curve_point(
    *,
    sizes: NDArray[np.float64],
    scalar: NDArray[np.float64],
    host_capacity: NDArray[np.float64],
    improve_budget_s: float = 0.0,
) -> ProfilePacking:
    """`pack_on_profiles` for one point of the risk curve, from vectors prepared once for all points.

    Args:
        sizes: shape (k, s + 1), `profile_sizes` of the filled profiles; scalar: shape (k, 2), of the P95.
        host_capacity: shape (2,), usable (CPU, memory) of one host at this point's ceiling.
        improve_budget_s: improvement budget of the profile packing (the P95 packing has none).

    What it spares: the per-slot L2 bounds (``projected_bound``), the P95 improvement phase, the
    exact search, and beyond ``CURVE_BOTH_RULES_MAX_FIGURES`` the second greedy rule.
    """
    cap = np.asarray(host_capacity, dtype=float).reshape(-1)
    cap_profile = np.concatenate([np.full(sizes.shape[1] - 1, cap[0]), cap[1:]])
    both = sizes.size <= CURVE_BOTH_RULES_MAX_FIGURES
    on_profile = _placement(sizes, cap_profile, improve_budget_s, both_rules=both)
    on_p95 = _placement(scalar, cap, 0.0)
    return _kept(
        on_profile, on_p95, projected_bound(sizes, cap_profile), lower_bound_identical(sizes=scalar, capacity=cap), None
    )


def _kept(
    on_profile: NDArray[np.int64],
    on_p95: NDArray[np.int64],
    bound_profile: LowerBound,
    bound_p95: LowerBound,
    status: str | None,
) -> ProfilePacking:
    """Both placements, the P95's kept when the profiles need more hosts."""
    n_profile, n_p95 = _n_used(on_profile), _n_used(on_p95)
    keep_p95 = n_profile > n_p95
    return ProfilePacking(
        method="p95" if keep_p95 else "profile",
        assignment=on_p95 if keep_p95 else on_profile,
        assignment_profile=on_profile,
        assignment_p95=on_p95,
        n_hosts_profile=n_profile,
        n_hosts_p95=n_p95,
        bound_profile=bound_profile,
        bound_p95=bound_p95,
        exact_status=status,
    )


def pack_on_profiles(
    *,
    cpu_slots_ref_mhz: NDArray[np.float64],
    cpu_p95_ref_mhz: NDArray[np.float64],
    memory_mib: NDArray[np.float64],
    host_capacity: NDArray[np.float64],
    improve_budget_s: float = 2.0,
    exact_max_items: int = 40,
    exact_time_s: float = 5.0,
) -> ProfilePacking:
    """Pack k VMs on identical hosts twice, on profiles and on P95, and keep the fewer hosts.

    Args:
        cpu_slots_ref_mhz: shape (k, s), CPU demand of each VM at each slot, reference MHz; NaN
            slots (no sample) count at the VM's P95.
        cpu_p95_ref_mhz: shape (k,), the scalar P95 demand (``VmDemand.cpu_ref_mhz``).
        memory_mib: shape (k,), memory demand.
        host_capacity: shape (2,), usable (CPU reference MHz, memory MiB) of one target host,
            ceiling applied (``optimizer.demand.offer_capacity``).
        improve_budget_s: improvement budget of each `pack_vectors` run (0: greedy only).
        exact_max_items: up to this many VMs, CP-SAT tries to close the gap to the bound.
        exact_time_s: CP-SAT's time limit.
    """
    cap = np.asarray(host_capacity, dtype=float).reshape(-1)
    if cap.size != 2 or not np.isfinite(cap).all() or (cap <= 0).any():
        raise ValueError(f"host_capacity must be (cpu, memory) > 0, got {cap}")
    p95 = np.asarray(cpu_p95_ref_mhz, dtype=float)
    slots = fill_missing(cpu_slots_ref_mhz, p95)
    sizes = profile_sizes(slots, memory_mib)
    cap_profile = np.concatenate([np.full(slots.shape[1], cap[0]), cap[1:]])
    scalar = profile_sizes(p95[:, None], memory_mib)
    on_profile = _placement(sizes, cap_profile, improve_budget_s)
    on_p95 = _placement(scalar, cap, improve_budget_s)
    bound = lower_bound_identical(sizes=sizes, capacity=cap_profile)
    status = None
    if 0 < sizes.shape[0] <= exact_max_items and _n_used(on_profile) > bound.value:
        on_profile, status = _exact(sizes, cap_profile, on_profile, exact_time_s)
    return _kept(on_profile, on_p95, bound, lower_bound_identical(sizes=scalar, capacity=cap), status)
