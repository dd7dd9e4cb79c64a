"""The planning service: inventory → optimizer → a plan document, saved as a scenario.

One request (offers, policy, horizon, assumption overrides) gives one plan: the
consolidation with its bound and gap, TCO vs TCA of every option (keep the estate, repack onto the
hosts owned, or each offer),
and the multi-year replacement plan with its budget split into investissement / fonctionnement.
The CLI (`parcimonie plan`, `parcimonie report`) and the dashboard both go through here.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from optimizer import (
    AssumptionError,
    Assumptions,
    ConsolidationResult,
    FleetMix,
    Offer,
    OptionTco,
    PlanInputError,
    Policy,
    PolicyError,
    ReplacementPlan,
    compare_offers,
    keep_estate_tco,
    plan_consolidation,
    plan_replacement,
    repack_tco,
)
from parcimonie.planning.build import build_document
from parcimonie.planning.demand_choice import DemandRequest, plan_demand
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.estate_inputs import EstateInputs
from parcimonie.planning.fleet_mix import search_fleet_mix
from parcimonie.planning.messages import Message, render
from parcimonie.planning.p2v import keep_with_servers, with_p2v
from parcimonie.planning.reclaim import apply_reclaim
from parcimonie.planning.rules import placement_rules
from parcimonie.planning.sensitivity import with_sensitivity

EXISTING = "existing"
KEEP_NAME = "Conserver le parc"
REPACK_NAME = "Consolider sur les hôtes existants"


class PlanError(ValueError):
    """A plan request that cannot be met (unknown offer, empty estate, bad parameter), as a ``Message``."""

    def __init__(self, code: str, **params: Any) -> None:
        self.message = Message(code=code, params=params)
        super().__init__(render(self.message))


def _refused(err: ValueError) -> PlanError:
    """The optimizer's coded error as a ``PlanError`` (its figures kept, its words ours)."""
    if isinstance(err, AssumptionError):
        bounds = " ; ".join(  # "[1 ; 5]", the French interval
            part
            for part in (
                "" if err.low is None else f"{']' if err.low_open else '['}{err.low:g}",
                "" if err.high is None else f"{err.high:g}{'[' if err.high_open else ']'}",
            )
            if part
        )
        return PlanError(
            f"error.assumption.{err.code}",
            name=f"assumption.{err.name}",
            field=err.name,
            value=str(err.value),
            range=bounds,
            choices=", ".join(err.choices),
        )
    if isinstance(err, PolicyError):
        return PlanError(f"error.policy.{err.code}", name=f"policy.{err.name}", value=str(err.value))
    if isinstance(err, PlanInputError):
        return PlanError(f"error.input.{err.code}", **{k: str(v) for k, v in err.params.items()})
    return PlanError("error.bad_input", detail=str(err))


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
    with_sensitivity: bool = False  # True: the tornado too (16 more costings: CLI plan/report, on demand)
    # True: unless overridden, `demand_growth_per_year` is the estate's measured growth
    # (``EstateInputs.measured_growth``, from `parcimonie capacity`).
    growth_from_history: bool = False
    # True: zombies and idle VMs are removed and oversized VMs right-sized before anything is
    # packed or costed (``parcimonie.planning.reclaim.apply_reclaim``; recorded in the document).
    after_reclaim: bool = False
    # True: with two offers or more, a full plan also searches the cheapest mix of offers
    # (``parcimonie.planning.fleet_mix``; skipped beyond ``MIX_MAX_VMS`` VMs).
    with_fleet_mix: bool = True
    # True: physical servers of known size are virtualised (placed like VMs, listed apart with the
    # hardware costs their retirement saves; ``parcimonie.planning.p2v``).
    p2v: bool = False
    # How CPU demand is sized in every packing of the plan (consolidation, offers, replacement):
    # "auto" takes the usage profiles when more than half of the VMs placed have one, else the P95
    # (``demand_choice``); the time-aligned section (``profile_plan``) shows both answers.
    demand: DemandRequest = "auto"


@dataclass(frozen=True, eq=False)
class PlanOutcome:
    """Everything a plan computed, before it becomes its document."""

    request: PlanRequest
    assumptions: Assumptions
    start_year: int
    inputs: EstateInputs
    consolidation: ConsolidationResult
    target_offer: Offer | None
    keep: OptionTco
    repack: OptionTco | None  # the consolidation onto the hosts already owned, costed like an offer
    options: tuple[OptionTco, ...]  # one per offer studied
    replacement: ReplacementPlan | None
    best_option: str | None  # the cheapest option that places every VM: an offer, EXISTING, or None
    fleet_mix: FleetMix | None = None  # the cheapest mix of offers, when searched and found
    fleet_mix_note: Message | None = None  # why no mix was searched or found

    def document(self, *, vm_lists: bool = True) -> PlanDocument:
        """The plan as its typed document (what the CLI, the workbook and the dashboard read).

        ``vm_lists`` False leaves out the per-VM placement and migrations lists (``n_migrations`` kept),
        for a surface that reads them as columns (``vm_moves``): the same figures otherwise.
        """
        document = build_document(self, vm_lists=vm_lists)
        if not self.request.with_sensitivity:
            return document
        day = date(self.assumptions.reference_year, 1, 1)  # the reruns pin the year through overrides
        return with_sensitivity(document, self, lambda inputs, request: run_plan(inputs, request, today=day))


def build_assumptions(request: PlanRequest, *, today: date) -> Assumptions:
    """Default assumptions for ``today``, with the request's overrides; bad names or values → PlanError."""
    overrides = dict(request.overrides)
    overrides.setdefault("reference_year", today.year)
    if request.horizon_years is not None:
        overrides["horizon_years"] = request.horizon_years
    try:
        return Assumptions().with_overrides(**overrides)
    except AssumptionError as err:
        raise _refused(err) from err


def _chosen_offers(inputs: EstateInputs, names: tuple[str, ...]) -> tuple[Offer, ...] | None:
    if names == (EXISTING,):
        return None
    if not names:
        if not inputs.offers:
            raise PlanError("error.empty_catalogue")
        return inputs.offers
    by_name = {o.name: o for o in inputs.offers}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise PlanError("error.unknown_offers", unknown=unknown, known=list(by_name))
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
            name=KEEP_NAME,
        )
    except ValueError as err:
        raise _refused(err) from err


def with_measured_growth(inputs: EstateInputs, request: PlanRequest) -> PlanRequest:
    """The request with the estate's measured growth as `demand_growth_per_year`, when it asks for
    it (``growth_from_history``) and sets no value of its own."""
    if not request.growth_from_history or "demand_growth_per_year" in request.overrides:
        return request
    growth = inputs.measured_growth[1 if request.policy.use_memory_p95 else 0]
    return replace(request, overrides={**request.overrides, "demand_growth_per_year": round(growth, 4)})


def _replacement_policy(policy: Policy, target: ConsolidationResult) -> Policy:
    """The replacement packs on profiles like the consolidation on its offer, unless every group of
    that consolidation kept its P95 packing (the profiles needed more hosts everywhere)."""
    kept_everywhere = len(set(target.p95_kept_groups)) >= len(target.bound_kinds)
    return replace(policy, demand="p95") if target.demand == "p95" or kept_everywhere else policy


def run_plan(inputs: EstateInputs, request: PlanRequest, *, today: date | None = None) -> PlanOutcome:
    """Consolidate, cost every option over the horizon and plan replacements, for one request."""
    day = today or date.today()
    if inputs.vms.n_vms == 0 and inputs.unsized_vms:
        raise PlanError("error.empty_inventory_unsized", n=len(inputs.unsized_vms), example=inputs.unsized_vms[0])
    p2v_only = request.p2v and inputs.physical_servers is not None and inputs.physical_servers.n_hosts > 0
    if inputs.hosts.n_hosts == 0 and inputs.physical_hosts and not p2v_only:
        raise PlanError("error.only_physical", n=len(inputs.physical_hosts), example=inputs.physical_hosts[0])
    if (inputs.hosts.n_hosts == 0 or inputs.vms.n_vms == 0) and not p2v_only:
        raise PlanError("error.empty_inventory")
    request = with_measured_growth(inputs, request)
    a = build_assumptions(request, today=day)
    if request.after_reclaim:  # reclamation first (issue #9): the plan packs what is left
        inputs = apply_reclaim(inputs, assumptions=a, policy=request.policy)
        if inputs.vms.n_vms == 0 and inputs.reclaimed is not None:  # not an empty inventory: say why
            raise PlanError("error.reclaim_removes_all", n=inputs.reclaimed.n_vms_removed)
    if request.p2v:  # after reclamation: a server to virtualise is never a zombie VM
        inputs = with_p2v(inputs)
    start = request.start_year or day.year + 1  # budgets are prepared for the next calendar year
    offers = _chosen_offers(inputs, request.offers)
    if offers is None and inputs.hosts.n_hosts == 0:  # servers to virtualise, no host of their own
        raise PlanError("error.input.no_target_host")
    hosts, vms = inputs.hosts, inputs.vms
    # The demand is decided once (usage profiles or P95) and sizes every packing below.
    policy = replace(request.policy, demand=plan_demand(request.demand, vms, request.policy))
    request = replace(request, policy=policy)
    rules = placement_rules(inputs.rule_rows, hosts=hosts, vms=vms)  # resolved on the tables packed
    target: Offer | None = None
    mix: FleetMix | None = None
    mix_note: Message | None = None
    options: tuple[OptionTco, ...] = ()
    replacement: ReplacementPlan | None = None
    repack: OptionTco | None = None
    try:
        keep = estate_cost(inputs, request, today=day)
        if request.p2v:  # kept, the physical servers keep running: what virtualising them saves
            keep = keep_with_servers(keep, inputs, start_year=start, assumptions=a)
        # The repack onto the hosts owned is an option of its own: computed when asked for, and for
        # every full plan (a quick review of offers skips it).
        if (not offers or request.with_replacement) and hosts.n_hosts:
            repacked = plan_consolidation(
                hosts=hosts,
                vms=vms,
                offer=None,
                assumptions=a,
                policy=policy,
                method=request.method,
                time_limit_s=request.time_limit_s,
                rules=rules,
            )
            repack = repack_tco(
                hosts=hosts, vms=vms, result=repacked, assumptions=a, start_year=start, name=REPACK_NAME
            )
            consolidation = repacked
        candidates = [] if repack is None else [(len(repacked.unplaced), repack.tco_eur, EXISTING)]
        if offers:
            compared = compare_offers(
                hosts=hosts,
                vms=vms,
                offers=offers,
                assumptions=a,
                policy=policy,
                start_year=start,
                method=request.method,
                time_limit_s=request.time_limit_s,
                rules=rules,
            )
            consolidation, target, options = compared.best_result, offers[compared.best], compared.options
            candidates += [(len(r.unplaced), o.tco_eur, o.name) for r, o in zip(compared.results, options, strict=True)]
            if request.with_replacement and request.with_fleet_mix:  # dozens of packings: on P95 (its note says so)
                mix, mix_note = search_fleet_mix(
                    hosts=hosts,
                    vms=vms,
                    offers=offers,
                    assumptions=a,
                    policy=replace(policy, demand="p95"),
                    start_year=start,
                )
            if request.with_replacement and hosts.n_hosts:  # nothing to replace when only servers are virtualised
                replacement = plan_replacement(
                    hosts=hosts,
                    vms=vms,
                    offers=target,
                    assumptions=a,
                    policy=_replacement_policy(policy, consolidation),
                    start_year=start,
                    yearly_investment_cap_eur=request.yearly_investment_cap_eur,
                    renewal_offers=inputs.offers or offers,  # like for like: the nearest offer of the catalogue
                )
    except ValueError as err:
        raise _refused(err) from err
    return PlanOutcome(
        request=request,
        assumptions=a,
        start_year=start,
        inputs=inputs,
        consolidation=consolidation,
        target_offer=target,
        keep=keep,
        repack=repack,
        options=options,
        replacement=replacement,
        best_option=min(candidates)[2] if candidates else None,
        fleet_mix=mix,
        fleet_mix_note=mix_note,
    )
