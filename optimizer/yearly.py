"""Year-by-year costing shared by the replacement plan and its baselines.

* Transition year pro rata: a host bought in year y serves (13 - m)/12 of y (m = commissioning
  month); the host it replaces is paid (m - 1)/12 of y, plus the parallel run.
* Capacity lines: staff hours (hosts x `staff_hours_per_host_per_year`) and rack units, weighted
  like the costs, so the hours and U a plan frees can be reported apart from its cash saving.
* End-of-horizon and transition costs: residual value (net book value, linear over
  `depreciation_years` from the purchase year, times `residual_value_share`), disposal of retired
  hosts, migration labour, training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.licences import vsphere_estate_extra_eur
from optimizer.tco import FleetHardware, host_yearly_costs

__all__ = [
    "COST_KEYS",
    "TransitionCosts",
    "add_fleets_year",
    "net_book_value_eur",
    "transition_costs",
    "transition_weights",
]

F64 = NDArray[np.float64]
#: Per-year figures `add_fleets_year` adds up: the money lines, energy and carbon, and capacity.
COST_KEYS = (
    "energy_eur",
    "maintenance_eur",
    "licences_eur",
    "staff_eur",
    "rack_eur",
    "energy_kwh",
    "operational_kgco2e",
    "staff_hours",
    "rack_u",
)


def transition_weights(*, retire_year: F64, purchase_year: F64, year: int, a: Assumptions) -> tuple[F64, F64]:
    """Share of `year` paid for each old host (retire year NaN: kept) and each new host (bought then).

    Returns (old weight shape (n,), new weight shape (t,)), each in [0, 1].
    """
    new_share = (13 - a.commissioning_month) / 12
    old_share = min(1.0, (a.commissioning_month - 1 + a.parallel_run_months) / 12)
    retire = np.asarray(retire_year, dtype=float)
    bought = np.asarray(purchase_year, dtype=float)
    alive = np.isnan(retire) | (retire > year)
    old = np.where(alive, 1.0, np.where(retire == year, old_share, 0.0))
    new = np.where(bought < year, 1.0, np.where(bought == year, new_share, 0.0))
    return np.asarray(old, dtype=float), np.asarray(new, dtype=float)


def add_fleets_year(
    lines: dict[str, F64],
    t: int,
    parts: list[tuple[FleetHardware, F64, NDArray[np.bool_], F64]],
    *,
    year: int,
    a: Assumptions,
) -> None:
    """Add to year `t` of `lines` the costs of the fleets `parts` (fleet, CPU utilisation, Windows
    flags, share of the year), plus what the estate they form pays for vSphere on top of its
    hosts: a contract's yearly amount, or the top-up to the per-order core minimum."""
    vsphere, running = 0.0, 0.0
    for fleet, util, windows, weight in parts:
        costs = host_yearly_costs(fleet=fleet, cpu_utilisation=util, carries_windows=windows, year=year, assumptions=a)
        for k in COST_KEYS[:7]:
            lines[k][t] += float((getattr(costs, k) * weight).sum())
        lines["staff_hours"][t] += float(weight.sum() * a.staff_hours_per_host_per_year)
        lines["rack_u"][t] += float((np.asarray(fleet.rack_units, dtype=float) * weight).sum())
        vsphere += float((costs.vsphere_eur * weight).sum())
        running += float(weight.sum())
    lines["licences_eur"][t] += vsphere_estate_extra_eur(
        hosts_eur_ttc=vsphere, n_hosts=running, year=year, assumptions=a
    )


def net_book_value_eur(*, price_eur_ttc: F64, purchase_year: F64, last_year: int, a: Assumptions) -> float:
    """Residual value at the end of `last_year` of hosts bought at `price_eur_ttc` in `purchase_year`.

    Linear amortisation over `depreciation_years`, a full year charged in the purchase year: a host
    bought in the last year keeps (D - 1) / D of its price. Unknown price or year: 0. Times
    `residual_value_share`.
    """
    price = np.asarray(price_eur_ttc, dtype=float)
    elapsed = last_year - np.asarray(purchase_year, dtype=float) + 1.0
    left = np.clip(1.0 - elapsed / a.depreciation_years, 0.0, 1.0)
    value = np.where(np.isnan(price) | np.isnan(left), 0.0, price * left)
    return float(value.sum() * a.residual_value_share)


@dataclass(frozen=True, eq=False)
class TransitionCosts:
    """Transition lines of one budget, shape (h,), EUR TTC (fonctionnement)."""

    disposal_eur: F64
    migration_eur: F64
    training_eur: F64

    @property
    def total_eur(self) -> F64:
        """The transition line: disposal + migration + training."""
        return np.asarray(self.disposal_eur + self.migration_eur + self.training_eur, dtype=float)


def transition_costs(
    *, retired_per_year: F64, vms_moved_per_year: F64, bought_per_year: F64, trains: bool, a: Assumptions
) -> TransitionCosts:
    """Disposal (hosts retired x `disposal_eur_per_host` TTC), migration (VMs moved x hours x rate)
    and, when `trains`, training (`training_eur` TTC) in the year of the first purchase."""
    vat = 1.0 + a.vat_rate
    training = np.zeros(np.asarray(bought_per_year).shape[0])
    buys = np.flatnonzero(np.asarray(bought_per_year) > 0)
    if trains and buys.size:
        training[buys[0]] = a.training_eur * vat
    return TransitionCosts(
        disposal_eur=np.asarray(retired_per_year, dtype=float) * a.disposal_eur_per_host * vat,
        migration_eur=np.asarray(vms_moved_per_year, dtype=float) * a.migration_hours_per_vm * a.staff_eur_per_hour,
        training_eur=training,
    )
