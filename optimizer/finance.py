"""Budget view per calendar year, in the two sections of French public accounting (M57/M14).

* investissement: purchases of servers and their installation, TTC (account 2183), and the
  perpetual Windows Server licences bought with new hosts (account 2051); the FCTVA recovery (a
  share of the TTC amount of the hardware, paid 0-2 years later) is shown as a separate receipt
  line. Licences are kept out of the FCTVA base (a documented simplification: Parcimonie does not
  assume software purchases are eligible);
* fonctionnement: energy, maintenance, licences, staff and rack space, TTC.

All totals are sums of the yearly lines, undiscounted and discounted (NPV at `discount_rate`,
year 0 = first year of the horizon, not discounted). FCTVA due after the horizon is reported apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.tco import OptionTco

__all__ = [
    "BudgetComparison",
    "BudgetPlan",
    "budget_from_option",
    "build_budget",
    "compare_budgets",
]

F64 = NDArray[np.float64]
OPEX_LINES = ("energy_eur", "maintenance_eur", "licences_eur", "staff_eur", "rack_eur")


@dataclass(frozen=True, eq=False)
class BudgetPlan:
    """Yearly budget lines of one scenario; every array has shape (h,), EUR TTC.

    Attributes:
        investissement_eur: purchases + installation (+ licences), TTC, in the year of spending.
        fctva_eur: FCTVA received (a receipt, >= 0) in the year it is paid.
        investissement_licences_eur: the perpetual licences' part of `investissement_eur`
            (account 2051, outside the FCTVA base); None (read as 0) when built directly.
        fctva_after_horizon_eur: FCTVA due after the last year (not in the totals).
        energy_eur ... rack_eur: fonctionnement lines.
    """

    name: str
    years: tuple[int, ...]
    discount_rate: float
    investissement_eur: F64
    fctva_eur: F64
    fctva_after_horizon_eur: float
    energy_eur: F64
    maintenance_eur: F64
    licences_eur: F64
    staff_eur: F64
    rack_eur: F64
    investissement_licences_eur: F64 | None = field(default=None)

    @property
    def fonctionnement_eur(self) -> F64:
        """Operating total per year."""
        return self.energy_eur + self.maintenance_eur + self.licences_eur + self.staff_eur + self.rack_eur

    @property
    def net_eur(self) -> F64:
        """Net yearly spending: investissement - FCTVA + fonctionnement."""
        return self.investissement_eur - self.fctva_eur + self.fonctionnement_eur

    @property
    def discount_factors(self) -> F64:
        """1 / (1 + r)^t for t = 0..h-1."""
        return np.asarray(1.0 / (1.0 + self.discount_rate) ** np.arange(len(self.years)), dtype=float)

    @property
    def total_eur(self) -> float:
        """Sum of the yearly net lines."""
        return float(self.net_eur.sum())

    @property
    def npv_eur(self) -> float:
        """Discounted sum of the yearly net lines."""
        return float((self.net_eur * self.discount_factors).sum())


def _check_line(values: F64, h: int, name: str) -> F64:
    arr = np.asarray(values, dtype=float).reshape(-1)
    if arr.shape != (h,):
        raise ValueError(f"{name} must have shape ({h},), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    return arr


def build_budget(
    *,
    name: str,
    years: tuple[int, ...],
    investissement_eur: F64,
    energy_eur: F64,
    maintenance_eur: F64,
    licences_eur: F64,
    staff_eur: F64,
    rack_eur: F64,
    assumptions: Assumptions,
    investissement_licences_eur: F64 | None = None,
) -> BudgetPlan:
    """Assemble yearly lines (each shape (h,), TTC) and compute the FCTVA receipts.

    `investissement_licences_eur` (shape (h,), default 0) is the part of `investissement_eur`
    spent on perpetual licences. FCTVA = `fctva_rate` x (investissement - licences) TTC, received
    `fctva_delay_years` later, if enabled.
    """
    h = len(years)
    if h == 0:
        raise ValueError("years must not be empty")
    inv = _check_line(investissement_eur, h, "investissement_eur")
    lic = (
        np.zeros(h)
        if investissement_licences_eur is None
        else _check_line(investissement_licences_eur, h, "investissement_licences_eur")
    )
    if (lic < 0).any() or (lic > inv + 1e-6).any():
        raise ValueError("investissement_licences_eur must be >= 0 and <= investissement_eur each year")
    fctva = np.zeros(h)
    after = 0.0
    if assumptions.fctva_enabled:
        due = (inv - lic) * assumptions.fctva_rate
        d = assumptions.fctva_delay_years
        fctva[d:] = due[: h - d] if d < h else 0.0
        after = float(due[max(h - d, 0) :].sum())
    return BudgetPlan(
        name=name,
        years=tuple(years),
        discount_rate=assumptions.discount_rate,
        investissement_eur=inv,
        fctva_eur=fctva,
        fctva_after_horizon_eur=after,
        energy_eur=_check_line(energy_eur, h, "energy_eur"),
        maintenance_eur=_check_line(maintenance_eur, h, "maintenance_eur"),
        licences_eur=_check_line(licences_eur, h, "licences_eur"),
        staff_eur=_check_line(staff_eur, h, "staff_eur"),
        rack_eur=_check_line(rack_eur, h, "rack_eur"),
        investissement_licences_eur=lic,
    )


def budget_from_option(*, option: OptionTco, assumptions: Assumptions) -> BudgetPlan:
    """Budget of an `OptionTco`: its TCA TTC (licences included) is spent in the first year."""
    inv = np.zeros(len(option.years))
    inv[0] = option.tca_eur_ttc
    lic = np.zeros(len(option.years))
    lic[0] = option.licence_purchase_eur_ttc
    return build_budget(
        name=option.name,
        years=option.years,
        investissement_eur=inv,
        investissement_licences_eur=lic,
        assumptions=assumptions,
        **{k: getattr(option, k) for k in OPEX_LINES},
    )


@dataclass(frozen=True, eq=False)
class BudgetComparison:
    """Scenario vs baseline; arrays shape (h,), EUR TTC, positive = the scenario saves money.

    Attributes:
        savings_eur: baseline net - scenario net, per year.
        cumulative_savings_eur: running sum of `savings_eur`.
        savings_by_line: per budget line (investissement and FCTVA included, signed as savings).
        payback_year: first year from which cumulative savings stay >= 0, or None.
        total_savings_eur / npv_savings_eur: undiscounted and discounted sums.
    """

    scenario: BudgetPlan
    baseline: BudgetPlan
    savings_eur: F64
    cumulative_savings_eur: F64
    savings_by_line: dict[str, F64]
    payback_year: int | None
    total_savings_eur: float
    npv_savings_eur: float


def compare_budgets(*, scenario: BudgetPlan, baseline: BudgetPlan) -> BudgetComparison:
    """Compare two budgets over the same years."""
    if scenario.years != baseline.years:
        raise ValueError("scenario and baseline must cover the same years")
    by_line = {k: getattr(baseline, k) - getattr(scenario, k) for k in OPEX_LINES}
    by_line["investissement_eur"] = baseline.investissement_eur - scenario.investissement_eur
    by_line["fctva_eur"] = scenario.fctva_eur - baseline.fctva_eur
    savings = baseline.net_eur - scenario.net_eur
    cumulative = np.cumsum(savings)
    payback: int | None = None
    negative = np.flatnonzero(cumulative < -1e-6)
    if cumulative.size and cumulative[-1] >= -1e-6:
        first = 0 if negative.size == 0 else int(negative[-1]) + 1
        payback = scenario.years[first] if first < len(scenario.years) else None
    return BudgetComparison(
        scenario=scenario,
        baseline=baseline,
        savings_eur=savings,
        cumulative_savings_eur=cumulative,
        savings_by_line=by_line,
        payback_year=payback,
        total_savings_eur=float(savings.sum()),
        npv_savings_eur=float((savings * scenario.discount_factors).sum()),
    )
