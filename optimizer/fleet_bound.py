"""A proven lower bound on the TCO of any new fleet built from a catalogue of offers.

Why: `optimizer.fleet_mix.cheapest_fleet` searches mixes of offers heuristically; the bound says how
far from the cheapest possible fleet its answer can be, as `optimizer.bounds` does for host counts.

The TCO of a fleet of new hosts h (offer o(h)), as `optimizer.tco.option_tco` computes it, splits
exactly into

    Σ_h fixed[o(h)]  +  Σ_{h licensed for Windows} windows[o(h)]  +  Σ_h slope[o(h)] · load_cpu(h)
    +  estate-wide terms  -  the Windows licences already owned,

where, per host of offer o over the horizon (`offer_host_costs`, from `host_yearly_costs` itself):
`fixed` = purchase + installation TTC + idle energy + maintenance + the host's own vSphere +
staff + rack; `windows` = its Datacenter licence TTC + Software Assurance; `slope` = the dynamic
energy per reference MHz of load (power is linear in utilisation, utilisation = load / raw CPU).
Estate-wide terms: the vSphere order minimum's top-up (max(0, ...) >= 0, dropped) and a vSphere
contract in force (the same amount for any fleet, kept). Licences owned: the fleet buys
max(0, N - owned) cores, which is >= N - owned and >= 0.

Proof of the bound. In each group g (a cluster, or the estate) every VM to place sits on a working
host of g whose usable capacity (`offer_capacity` at the ceiling) holds its load, so with x_o the
working hosts of offer o not licensed for Windows and w_o those licensed (every host carrying a
Windows VM is), for each dimension d: Σ_o cap[o,d] · w_o >= W[g,d] (the Windows VMs' demand) and
Σ_o cap[o,d] · (x_o + w_o) >= D[g,d] (all the demand). Counts are whole and no host holds more
than C_d = max_o cap[o,d], so also Σ_o w_o >= ceil(max_d W[g,d] / C_d) and
Σ_o (x_o + w_o) >= ceil(max_d D[g,d] / C_d). Integer counts satisfy all six, so the linear
programme min Σ_o fixed_o x_o + (fixed_o + windows_o) w_o under them is at most the working hosts'
fixed and licence cost. The HA reserve adds `ha_reserve_hosts` hosts per group (licensed when the
group carries Windows) of one offer r at least as large as every working host, hence fitting the
group's largest VM in both dimensions, and the working hosts are then offers r dominates: the
group costs at least the minimum over such r of (ha · cost of r + the LP over the offers r
dominates).
The dynamic energy is Σ_h slope[o(h)] load(h) >= min_o slope_o · Σ_g D[g,cpu]. Adding the kept
constants and subtracting the owned licences' value once (or dropping the licence purchases
altogether, whichever is higher) gives a lower bound on the TCO of every feasible fleet.

The LP is solved by GLOP (OR-Tools' model builder), but the bound does not trust the solver: it
takes GLOP's dual values, clips them at 0 and scales them down until they satisfy every dual constraint exactly; by weak
duality the dual objective of any dual-feasible point is at most the LP optimum. A relative margin
of 1e-9 absorbs the rounding of sums taken in another order than `option_tco`'s.

Limits: the relaxation ignores that hosts come whole and that VMs cannot be split (the bin-packing
part: `optimizer.bounds` covers it for one offer), charges the dynamic energy at the most efficient
offer, and lets any offer be the reserve; it is tight when VMs fill hosts exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.linear_solver.python import model_builder

from optimizer.assumptions import Assumptions
from optimizer.demand import offer_capacity
from optimizer.estate import Offer
from optimizer.licences import vsphere_estate_extra_eur, vsphere_model_in_force, windows_licence_eur_ht
from optimizer.tco import FleetHardware, host_yearly_costs, offer_unit_eur_ht

__all__ = [
    "BoundFigures",
    "GroupDemand",
    "HostCosts",
    "TcoLowerBound",
    "group_lower_bound",
    "offer_host_costs",
    "tco_lower_bound",
]

#: Relative margin taken off the bound for floating-point sums in a different order.
_MARGIN = 1e-9
#: Relative tolerance of "at least as large" between capacities (as `optimizer.fleet_search`).
_CAP_TOL = 1e-12


@dataclass(frozen=True)
class HostCosts:
    """Linear TCO figures of one new host of an offer over the horizon, EUR TTC.

    Attributes:
        fixed_eur: purchase + install, idle energy, maintenance, own vSphere, staff, rack.
        windows_eur: what licensing it for Windows Server Datacenter adds (licence + Software
            Assurance), before any owned licence is reassigned.
        windows_purchase_eur: the licence bought alone (part of `windows_eur`).
        energy_eur_per_ref_mhz: dynamic energy per reference MHz of CPU load over the horizon.
    """

    fixed_eur: float
    windows_eur: float
    windows_purchase_eur: float
    energy_eur_per_ref_mhz: float


def offer_host_costs(*, offer: Offer, assumptions: Assumptions, start_year: int) -> HostCosts:
    """The linear cost figures of one host of `offer` bought in `start_year`, computed by
    `host_yearly_costs` on three copies of it (idle; idle with Windows; fully loaded)."""
    a = assumptions
    fleet = FleetHardware.of_offer(offer, np.full(3, start_year, dtype=np.int64))
    util = np.array([0.0, 0.0, 1.0])
    windows = np.array([False, True, False])
    totals = np.zeros(3)
    for year in range(start_year, start_year + a.horizon_years):
        costs = host_yearly_costs(fleet=fleet, cpu_utilisation=util, carries_windows=windows, year=year, assumptions=a)
        totals += costs.total_eur
    vat = 1.0 + a.vat_rate
    licence = float(windows_licence_eur_ht(n_sockets=fleet.n_sockets[:1], n_cores=fleet.n_cores[:1], assumptions=a)[0])
    raw_cpu = float(offer_capacity(offer=offer, ceiling=1.0)[0])
    return HostCosts(
        fixed_eur=float(offer_unit_eur_ht(offer=offer, assumptions=a) * vat + totals[0]),
        windows_eur=float(totals[1] - totals[0] + licence * vat),
        windows_purchase_eur=licence * vat,
        energy_eur_per_ref_mhz=float((totals[2] - totals[0]) / raw_cpu),
    )


@dataclass(frozen=True)
class GroupDemand:
    """What one group (a cluster, or the estate) must carry, shape (2,) each (reference MHz, MiB):
    the total and the Windows VMs' demand, and the largest VM in each dimension."""

    total: NDArray[np.float64]
    windows: NDArray[np.float64]
    largest: NDArray[np.float64]
    has_windows: bool

    @classmethod
    def of(cls, sizes: NDArray[np.float64], windows: NDArray[np.bool_]) -> GroupDemand:
        """From the VMs' sizes (p, 2) and Windows flags (p,)."""
        return cls(
            total=sizes.sum(axis=0),
            windows=sizes[windows].sum(axis=0),
            largest=sizes.max(axis=0) if sizes.shape[0] else np.zeros(2),
            has_windows=bool(windows.any()),
        )


@dataclass(frozen=True, eq=False)
class BoundFigures:
    """Per-offer figures of the bound, arrays shape (n,) over the offers (caps (n, 2) usable)."""

    caps: NDArray[np.float64]
    fixed: NDArray[np.float64]
    windows: NDArray[np.float64]
    windows_purchase: NDArray[np.float64]
    slope: NDArray[np.float64]

    @classmethod
    def build(
        cls, *, offers: Sequence[Offer], assumptions: Assumptions, ceiling: float, start_year: int
    ) -> BoundFigures:
        """`offer_host_costs` and `offer_capacity` of each offer."""
        costs = [offer_host_costs(offer=o, assumptions=assumptions, start_year=start_year) for o in offers]
        return cls(
            caps=np.array([offer_capacity(offer=o, ceiling=ceiling) for o in offers]).reshape(-1, 2),
            fixed=np.array([c.fixed_eur for c in costs]),
            windows=np.array([c.windows_eur for c in costs]),
            windows_purchase=np.array([c.windows_purchase_eur for c in costs]),
            slope=np.array([c.energy_eur_per_ref_mhz for c in costs]),
        )


def group_lower_bound(
    fig: BoundFigures, group: GroupDemand, *, use: NDArray[np.bool_], ha_reserve_hosts: int, buy_windows: bool = True
) -> float:
    """Lower bound on one group's TCO (estate-wide terms apart, Windows licences owned ignored) when
    its working hosts are offers `use` (shape (n,)); the reserve may be any offer. The module's
    proof, restricted to `use`: a pruning test for the search and a term of `tco_lower_bound`."""
    return sum(_terms(fig, group, use, ha_reserve_hosts, buy_windows))


def _terms(
    fig: BoundFigures, group: GroupDemand, use: NDArray[np.bool_], ha: int, buy_windows: bool
) -> tuple[float, float, float]:
    """(working hosts' LP, HA reserve, dynamic energy) terms of `group_lower_bound`.

    With a reserve, the minimum over its offer r (fitting the group's largest VM) of r's hosts plus
    the LP over the offers r dominates (the only ones the working hosts can be); without any such
    r, the LP over `use` plus the cheapest reserve fitting the largest VM (weaker, still valid).
    """
    windows = fig.windows if buy_windows else fig.windows - fig.windows_purchase
    per_host = fig.fixed + windows * group.has_windows
    fits = (fig.caps >= group.largest).all(axis=1)
    best: tuple[float, float, float] | None = None
    for r in np.flatnonzero(fits).tolist() if ha else []:
        allowed = use & (fig.caps <= fig.caps[r] / (1.0 - 2 * _CAP_TOL)).all(axis=1)  # looser than the search
        if allowed.any():
            terms = _working(fig, group, allowed, windows) + (ha * float(per_host[r]),)
            found = (terms[0], terms[2], terms[1])
            if best is None or sum(found) < sum(best):
                best = found
    if best is not None:
        return best
    lp, dynamic = _working(fig, group, use, windows)
    per_reserve = float(np.min(per_host[fits if fits.any() else slice(None)])) if ha else 0.0
    return lp, ha * per_reserve, dynamic


def _working(
    fig: BoundFigures, group: GroupDemand, allowed: NDArray[np.bool_], windows: NDArray[np.float64]
) -> tuple[float, float]:
    """(LP over the `allowed` offers, dynamic energy at the most efficient of them)."""
    lp = _group_lp(group, fig.caps[allowed], fig.fixed[allowed], windows[allowed])
    return lp, float(group.total[0]) * float(fig.slope[allowed].min())


@dataclass(frozen=True)
class TcoLowerBound:
    """A proven lower bound on the TCO (EUR TTC over the horizon) of any fleet of these offers.

    Attributes:
        value_eur: the bound.
        hosts_eur: the LP part: working hosts' fixed and licence costs (dual objective).
        reserve_eur: the HA reserve at the cheapest offer.
        dynamic_energy_eur: the CPU demand's energy at the most efficient offer.
        constant_eur: estate-wide terms every fleet pays (a vSphere contract in force).
        owned_licences_eur: the owned Windows licences' value subtracted (0 when the bound without
            licence purchases was the higher).
    """

    value_eur: float
    hosts_eur: float
    reserve_eur: float
    dynamic_energy_eur: float
    constant_eur: float
    owned_licences_eur: float


def tco_lower_bound(
    *,
    groups: Sequence[GroupDemand],
    offers: Sequence[Offer],
    assumptions: Assumptions,
    ceiling: float,
    ha_reserve_hosts: int,
    start_year: int,
) -> TcoLowerBound:
    """Lower bound on the TCO of any fleet of `offers` carrying `groups` (see the module's proof)."""
    a = assumptions
    fig = BoundFigures.build(offers=offers, assumptions=a, ceiling=ceiling, start_year=start_year)
    every = np.ones(len(offers), dtype=bool)
    owned = a.windows_licences_owned_cores * a.windows_datacenter_eur_per_core * float(a.windows_enabled)
    owned_eur = owned * (1.0 + a.vat_rate)
    parts = [_terms(fig, g, every, ha_reserve_hosts, True) for g in groups]
    if owned_eur > 0:  # licences bought >= needed - owned, and >= 0: keep the higher bound
        without = [_terms(fig, g, every, ha_reserve_hosts, False) for g in groups]
        if sum(map(sum, without)) > sum(map(sum, parts)) - owned_eur:
            parts, owned_eur = without, 0.0
    hosts, reserve, dynamic = (float(sum(p[i] for p in parts)) for i in range(3))
    constant = _contract_eur(a, start_year) if groups else 0.0
    value = (hosts + reserve + dynamic + constant - owned_eur) * (1.0 - _MARGIN)
    return TcoLowerBound(
        value_eur=float(max(value, 0.0)),
        hosts_eur=float(hosts),
        reserve_eur=float(reserve),
        dynamic_energy_eur=float(dynamic),
        constant_eur=float(constant),
        owned_licences_eur=float(owned_eur),
    )


def _contract_eur(a: Assumptions, start_year: int) -> float:
    """What a vSphere contract in force costs over the horizon, whatever the fleet (0 otherwise)."""
    total = 0.0
    for year in range(start_year, start_year + a.horizon_years):
        if vsphere_model_in_force(year=year, assumptions=a) == "contract":
            total += vsphere_estate_extra_eur(hosts_eur_ttc=0.0, n_hosts=1.0, year=year, assumptions=a)
    return total


def _group_lp(
    group: GroupDemand, caps: NDArray[np.float64], fixed: NDArray[np.float64], windows: NDArray[np.float64]
) -> float:
    """A dual-feasible value of the group's covering LP (<= its optimum, so a valid bound).

    Columns: x_o (hosts not licensed), w_o (licensed). Rows: Windows CPU and memory, total CPU and
    memory, and two integer cuts: hosts are whole and none holds more than the largest capacity,
    so at least ceil(max_d W_d / max_o cap[o,d]) licensed hosts and ceil(max_d D_d / max_o cap[o,d])
    hosts in all. Sizes are normalised by the largest capacity per dimension (the same LP).
    """
    ref = np.maximum(caps.max(axis=0), 1e-300)
    c = caps / ref
    n = caps.shape[0]
    matrix = np.zeros((6, 2 * n))
    matrix[2:4, :n] = c.T
    matrix[:2, n:] = c.T
    matrix[2:4, n:] = c.T
    matrix[4, n:] = 1.0
    matrix[5, :] = 1.0
    need_w, need_t = group.windows / ref, group.total / ref
    rhs = np.concatenate([need_w, need_t, [_whole(float(need_w.max())), _whole(float(need_t.max()))]])
    cost = np.concatenate([fixed, fixed + windows])
    y = _glop_duals(matrix, rhs, cost)
    lhs = matrix.T @ y
    over = lhs > cost
    if over.any():
        y = y * float(np.min(np.where(over, cost / np.where(over, lhs, 1.0), 1.0))) * (1.0 - _MARGIN)
    return max(float(rhs @ y), 0.0)


def _whole(hosts: float) -> float:
    """ceil(hosts), rounded down first by a hair so that float noise on an exact integer (5.0000001
    for 5) can only lower the cut."""
    return float(math.ceil(hosts * (1.0 - 1e-9) - 1e-9)) if hosts > 0 else 0.0


def _glop_duals(
    matrix: NDArray[np.float64], rhs: NDArray[np.float64], cost: NDArray[np.float64]
) -> NDArray[np.float64]:
    """GLOP's dual values of min cost·x s.t. matrix x >= rhs, x >= 0, clipped at 0 (0 on failure)."""
    model = model_builder.Model()  # type: ignore[no-untyped-call]  # its __init__ lacks a hint
    xs = [model.new_num_var(0.0, np.inf, f"x{j}") for j in range(matrix.shape[1])]
    rows = []
    for i in range(matrix.shape[0]):
        terms = [float(matrix[i, j]) * x for j, x in enumerate(xs) if matrix[i, j]]
        row = model.add(model_builder.LinearExpr.sum(terms) >= float(rhs[i]))
        assert isinstance(row, model_builder.LinearConstraint)
        rows.append(row)
    model.minimize(model_builder.LinearExpr.weighted_sum(xs, [float(v) for v in cost]))
    solver = model_builder.Solver("glop")
    if solver.solve(model) != model_builder.SolveStatus.OPTIMAL:
        return np.zeros(rhs.size)
    duals = np.array([float(solver.dual_value(row)) for row in rows], dtype=float)
    return np.asarray(np.maximum(duals, 0.0), dtype=float)
