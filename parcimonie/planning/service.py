"""The planning service: inventory → optimizer → a JSON-ready plan, saved as a scenario.

One request (offers, policy, horizon, assumption overrides) gives one plan: the
consolidation with its bound and gap, TCO vs TCA of every option (keep the estate, or each offer),
and the multi-year replacement plan with its budget split into investissement / fonctionnement.
The CLI (`parcimonie plan`, `parcimonie report`) and the dashboard both go through here.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from optimizer import (
    Assumptions,
    ConsolidationResult,
    Offer,
    OptionTco,
    Policy,
    ReplacementPlan,
    compare_offers,
    keep_estate_tco,
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
    policy: Policy = Policy()
    horizon_years: int | None = None
    start_year: int | None = None
    yearly_investment_cap_eur: float | None = None
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
        """The request a saved scenario was made with (older ones kept the policy's fields flat)."""
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["offers"] = tuple(values.get("offers", ()))
        policy_fields = {f.name for f in dataclasses.fields(Policy)}
        flat = {k: v for k, v in data.items() if k in policy_fields and v is not None}
        nested = values.get("policy")
        values["policy"] = Policy(**{**flat, **(nested if isinstance(nested, dict) else {})})
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
    start = request.start_year or day.year + 1  # budgets are prepared for the next calendar year
    offers = _chosen_offers(inputs, request.offers)
    hosts, vms, policy = inputs.hosts, inputs.vms, request.policy
    target: Offer | None = None
    options: tuple[OptionTco, ...] = ()
    replacement: ReplacementPlan | None = None
    try:
        keep = estate_cost(inputs, request, today=day)
        if offers:
            compared = compare_offers(
                hosts=hosts, vms=vms, offers=offers, assumptions=a, policy=policy, start_year=start,
                method=request.method, time_limit_s=request.time_limit_s,
            )
            consolidation, target, options = compared.best_result, offers[compared.best], compared.options
            if request.with_replacement:
                replacement = plan_replacement(
                    hosts=hosts, vms=vms, offers=target, assumptions=a, policy=policy, start_year=start,
                    yearly_investment_cap_eur=request.yearly_investment_cap_eur,
                )
        else:
            consolidation = plan_consolidation(
                hosts=hosts, vms=vms, offer=None, assumptions=a, policy=policy,
                method=request.method, time_limit_s=request.time_limit_s,
            )
    except ValueError as err:
        raise PlanError(str(err)) from err
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
