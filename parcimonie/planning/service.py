"""The planning service: inventory → optimizer → a JSON-ready plan, saved as a scenario.

One request (offers, ceiling, HA, scope, horizon, assumption overrides) gives one plan: the
consolidation with its bound and gap, TCO vs TCA of every option (keep the estate, or each offer),
and the multi-year replacement plan with its budget split into investissement / fonctionnement.
The CLI (`parcimonie plan`, `parcimonie report`) and the dashboard both go through here.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np

from optimizer import (
    Assumptions,
    ConsolidationResult,
    Offer,
    OptionTco,
    ReplacementPlan,
    keep_estate_tco,
    offer_fleet_tco,
    plan_consolidation,
    plan_replacement,
)
from parcimonie.planning.document import plan_to_dict
from parcimonie.planning.estate_inputs import EstateInputs

EXISTING = "existing"


class PlanError(ValueError):
    """A plan request that cannot be met (unknown offer, empty estate, bad parameter)."""


@dataclass(frozen=True)
class PlanRequest:
    """What a user asks of a plan. None takes the assumptions' default."""

    offers: tuple[str, ...] = ()  # catalogue names; empty: every offer; "existing": repack in place
    ceiling: float | None = None
    ha_reserve_hosts: int | None = None
    scope: Literal["cluster", "estate"] = "cluster"
    horizon_years: int | None = None
    start_year: int | None = None
    yearly_investment_cap_eur: float | None = None
    use_memory_p95: bool = False
    include_powered_off: bool = True
    include_templates: bool = False
    method: Literal["auto", "heuristic", "exact"] = "auto"
    time_limit_s: float = 10.0
    with_replacement: bool = True  # False: consolidation and options only (fast, for interactive review)
    overrides: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready echo of the request."""
        data = dataclasses.asdict(self)
        data["offers"] = list(self.offers)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PlanRequest":
        """The request a saved scenario was made with."""
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["offers"] = tuple(values.get("offers", ()))
        return cls(**values)


@dataclass(frozen=True, eq=False)
class PlanOutcome:
    """Everything a plan computed, before it is turned into JSON."""

    request: PlanRequest
    assumptions: Assumptions
    start_year: int
    inputs: EstateInputs
    consolidation: ConsolidationResult
    target_offer: Offer | None
    keep: OptionTco
    options: tuple[OptionTco, ...]
    replacement: ReplacementPlan | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plan (see parcimonie.planning.document)."""
        return plan_to_dict(self)


def build_assumptions(request: PlanRequest, *, today: date) -> Assumptions:
    """Default assumptions for ``today``, with the request's overrides; bad names or values → PlanError."""
    overrides = dict(request.overrides)
    overrides.setdefault("reference_year", today.year)
    if request.horizon_years is not None:
        overrides["horizon_years"] = request.horizon_years
    # The policy's ceiling and HA reserve are echoed as the assumptions that made the plan.
    if request.ceiling is not None:
        overrides["utilisation_ceiling"] = request.ceiling
    if request.ha_reserve_hosts is not None:
        overrides["ha_reserve_hosts"] = request.ha_reserve_hosts
    try:
        return Assumptions().with_overrides(**overrides)
    except (ValueError, TypeError) as err:
        raise PlanError(f"hypothèses invalides : {err}") from err


def _chosen_offers(inputs: EstateInputs, names: tuple[str, ...]) -> tuple[Offer, ...] | None:
    if names == (EXISTING,):
        return None
    if not names:
        if not inputs.offers:
            raise PlanError("le catalogue d'offres est vide : lancez `parcimonie init`")
        return inputs.offers
    by_name = {o.name: o for o in inputs.offers}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise PlanError(f"offre(s) inconnue(s) : {', '.join(unknown)} ; connues : {', '.join(by_name)}")
    return tuple(by_name[n] for n in names)


def _windows_targets(result: ConsolidationResult, inputs: EstateInputs) -> np.ndarray:
    carries = np.zeros(result.n_hosts_after, dtype=bool)
    on = (result.placement >= 0) & inputs.vms.is_windows
    carries[result.placement[on]] = True
    return carries


def vat_rate_of(request: PlanRequest) -> float:
    """The VAT rate a request plans with: load the estate with it (``load_estate(vat_rate=…)``)."""
    try:
        return float(request.overrides.get("vat_rate", Assumptions().vat_rate))
    except (TypeError, ValueError) as err:
        raise PlanError(f"hypothèses invalides : vat_rate {request.overrides.get('vat_rate')!r}") from err


def estate_cost(inputs: EstateInputs, request: PlanRequest, *, today: date | None = None) -> OptionTco:
    """What the estate costs kept as it is, over the request's horizon (EUR TTC, kWh, kgCO2e)."""
    day = today or date.today()
    a = build_assumptions(request, today=day)
    try:
        return keep_estate_tco(
            hosts=inputs.hosts,
            vms=inputs.vms,
            assumptions=a,
            start_year=request.start_year or day.year + 1,
            name="Conserver le parc",
        )
    except ValueError as err:
        raise PlanError(str(err)) from err


def run_plan(inputs: EstateInputs, request: PlanRequest, *, today: date | None = None) -> PlanOutcome:
    """Consolidate, cost every option over the horizon and plan replacements, for one request."""
    day = today or date.today()
    if inputs.hosts.n_hosts == 0 or inputs.vms.n_vms == 0:
        raise PlanError("l'inventaire est vide : collectez ou importez un parc (ou `parcimonie demo`)")
    a = build_assumptions(request, today=day)
    if abs(inputs.vat_rate - a.vat_rate) > 1e-12:
        raise PlanError(
            f"l'inventaire a été converti en HT avec une TVA de {inputs.vat_rate:.2%} mais le plan en suppose "
            f"{a.vat_rate:.2%} : rechargez-le avec load_estate(vat_rate=vat_rate_of(request))"
        )
    start = request.start_year or day.year + 1  # budgets are prepared for the next calendar year
    offers = _chosen_offers(inputs, request.offers)
    policy: dict[str, Any] = dict(
        ceiling=request.ceiling,
        ha_reserve_hosts=request.ha_reserve_hosts,
        use_memory_p95=request.use_memory_p95,
        include_powered_off=request.include_powered_off,
        include_templates=request.include_templates,
    )
    try:
        per_offer = [
            plan_consolidation(
                hosts=inputs.hosts,
                vms=inputs.vms,
                offer=o,
                assumptions=a,
                scope=request.scope,
                method=request.method,
                time_limit_s=request.time_limit_s,
                start_year=start,
                **policy,
            )
            for o in (offers or (None,))
        ]
        keep = estate_cost(inputs, request, today=day)
        options = tuple(
            offer_fleet_tco(
                offer=o,
                cpu_utilisation=r.cpu_utilisation,
                carries_windows=_windows_targets(r, inputs),
                assumptions=a,
                start_year=start,
            )
            for o, r in zip(offers or (), per_offer, strict=False)
        )
        if offers:
            best = min(range(len(offers)), key=lambda i: (len(per_offer[i].unplaced), options[i].tco_eur))
            consolidation, target = per_offer[best], offers[best]
            replacement = (
                plan_replacement(
                    hosts=inputs.hosts,
                    vms=inputs.vms,
                    offers=target,
                    assumptions=a,
                    start_year=start,
                    yearly_investment_cap_eur=request.yearly_investment_cap_eur,
                    scope=request.scope,
                    **policy,
                )
                if request.with_replacement
                else None
            )
        else:
            consolidation, target, replacement = per_offer[0], None, None
    except ValueError as err:
        raise PlanError(str(err)) from err
    if offers:
        tcos = {o.name: opt.tco_eur for o, opt in zip(offers, options, strict=True)}
        consolidation = dataclasses.replace(consolidation, tco_by_offer=tcos)
    return PlanOutcome(
        request=request,
        assumptions=a,
        start_year=start,
        inputs=inputs,
        consolidation=consolidation,
        target_offer=target,
        keep=keep,
        options=options,
        replacement=replacement,
    )
