"""Budget view per calendar year, in the two sections of French public accounting (M57/M14).

* investissement: purchases of servers and their installation, TTC (account 2183), and the
  perpetual Windows Server licences bought with new hosts (account 2051); the FCTVA recovery (a
  share of the TTC amount of the hardware, paid 0-2 years later) is shown as a separate receipt
  line. Licences are kept out of the FCTVA base (a documented simplification: Parcimonie does not
  assume software purchases are eligible);
* fonctionnement: energy, maintenance, licences, staff and rack space, and the transition (disposal
  of retired hosts, migration labour, training), TTC.

All totals are sums of the yearly lines, undiscounted and discounted (NPV at the real
`discount_rate`, prices constant, year 0 = first year of the horizon, not discounted). The energy
lines rise by `energy_price_escalation_per_year` from the second year. FCTVA due after the horizon
and the residual value of the hardware at the end of the horizon are reported apart (the residual
value enters the net of the last year only with `residual_value_in_savings`).
"""

from __future__ import annotations

import dataclasses
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
    "with_end_of_horizon",
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
        transition_eur: fonctionnement, disposal + migration + training; None (read as 0).
        residual_value_eur: value of the hardware owned at the end of the horizon (>= 0).
        residual_value_counted: the residual value is a receipt of the last year in `net_eur`.
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
    transition_eur: F64 | None = field(default=None)
    residual_value_eur: float = 0.0
    residual_value_counted: bool = False

    @property
    def transition_line_eur(self) -> F64:
        """The transition line per year (zeros when not given)."""
        return np.zeros(len(self.years)) if self.transition_eur is None else self.transition_eur

    @property
    def fonctionnement_eur(self) -> F64:
        """Operating total per year."""
        opex = self.energy_eur + self.maintenance_eur + self.licences_eur + self.staff_eur + self.rack_eur
        return np.asarray(opex + self.transition_line_eur, dtype=float)

    @property
    def residual_receipt_eur(self) -> F64:
        """The residual value as a receipt of the last year when counted, else zeros."""
        out = np.zeros(len(self.years))
        if self.residual_value_counted:
            out[-1] = self.residual_value_eur
        return out

    @property
    def net_eur(self) -> F64:
        """Net yearly spending: investissement - FCTVA + fonctionnement (- residual value if counted)."""
        return self.investissement_eur - self.fctva_eur + self.fonctionnement_eur - self.residual_receipt_eur

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
    `fctva_delay_years` later, if enabled. `energy_eur` is at first-year prices: year t is
    multiplied by (1 + `energy_price_escalation_per_year`)^t. The transition line and the
    residual value are added by `with_end_of_horizon`.
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
    escalation = (1.0 + assumptions.energy_price_escalation_per_year) ** np.arange(h)
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
        energy_eur=_check_line(energy_eur, h, "energy_eur") * escalation,
        maintenance_eur=_check_line(maintenance_eur, h, "maintenance_eur"),
        licences_eur=_check_line(licences_eur, h, "licences_eur"),
        staff_eur=_check_line(staff_eur, h, "staff_eur"),
        rack_eur=_check_line(rack_eur, h, "rack_eur"),
        investissement_licences_eur=lic,
        transition_eur=np.zeros(h),
        residual_value_counted=assumptions.residual_value_in_savings,
    )


def with_end_of_horizon(plan: BudgetPlan, *, transition_eur: F64 | None, residual_value_eur: float) -> BudgetPlan:
    """`plan` with its transition line (shape (h,), EUR TTC, fonctionnement; None: zeros) and the
    residual value of its hardware at the end of the horizon (EUR, >= 0)."""
    h = len(plan.years)
    line = np.zeros(h) if transition_eur is None else _check_line(transition_eur, h, "transition_eur")
    if residual_value_eur < 0 or not np.isfinite(residual_value_eur):
        raise ValueError("residual_value_eur must be finite and >= 0")
    return dataclasses.replace(plan, transition_eur=line, residual_value_eur=float(residual_value_eur))


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
        payback_year: first year from which cumulative savings stay >= 0; None when they end
            negative, or when the two budgets do not differ (nothing to pay back).
        total_savings_eur / npv_savings_eur: undiscounted and discounted sums.
        residual_value_savings_eur: scenario's residual value - baseline's (reported apart; in
            `savings_eur` only when the budgets count it).
    """

    scenario: BudgetPlan
    baseline: BudgetPlan
    savings_eur: F64
    cumulative_savings_eur: F64
    savings_by_line: dict[str, F64]
    payback_year: int | None
    total_savings_eur: float
    npv_savings_eur: float
    residual_value_savings_eur: float = 0.0


def compare_budgets(*, scenario: BudgetPlan, baseline: BudgetPlan) -> BudgetComparison:
    """Compare two budgets over the same years."""
    if scenario.years != baseline.years:
        raise ValueError("scenario and baseline must cover the same years")
    by_line = {k: getattr(baseline, k) - getattr(scenario, k) for k in OPEX_LINES}
    by_line["transition_eur"] = baseline.transition_line_eur - scenario.transition_line_eur
    by_line["investissement_eur"] = baseline.investissement_eur - scenario.investissement_eur
    by_line["fctva_eur"] = scenario.fctva_eur - baseline.fctva_eur
    if scenario.residual_value_counted or baseline.residual_value_counted:
        by_line["residual_value_eur"] = scenario.residual_receipt_eur - baseline.residual_receipt_eur
    savings = baseline.net_eur - scenario.net_eur
    cumulative = np.cumsum(savings)
    payback: int | None = None
    negative = np.flatnonzero(cumulative < -1e-6)
    if cumulative.size and cumulative[-1] >= -1e-6 and np.abs(savings).max() > 1e-6:
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
        residual_value_savings_eur=scenario.residual_value_eur - baseline.residual_value_eur,
    )
