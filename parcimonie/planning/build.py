"""From what a plan computed (``PlanOutcome``) to its document (``PlanDocument``).

The only place that reads the optimizer's arrays for a reader: indices become names, NaN becomes
None, reasons become ``Message`` codes, and the warnings a reader must not miss are derived once.
"""

import dataclasses
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from optimizer import (
    ConsolidationResult,
    OptionTco,
    Policy,
    VmTable,
    energy_price_sensitivity,
)
from parcimonie.planning.build_replacement import OPEX_KEYS, finite, reason_message, replacement_section
from parcimonie.planning.confidence import confidence_warnings, plan_confidence
from parcimonie.planning.demand_choice import profile_coverage
from parcimonie.planning.document import (
    Consolidation,
    EstateSummary,
    Move,
    OptionCost,
    PlanDocument,
    PolicyEcho,
    Replacement,
    RequestEcho,
    SensitivityPoint,
    Target,
    Unplaced,
)
from parcimonie.planning.fleet_mix import FleetMixSection, fleet_mix_section, fleet_mix_warnings
from parcimonie.planning.limits_doc import (
    consolidation_limit_fields,
    limits_warnings,
    policy_limit_fields,
    target_limit_fields,
)
from parcimonie.planning.messages import Message
from parcimonie.planning.migrations import migrations
from parcimonie.planning.p2v import n_p2v_vms, p2v_section
from parcimonie.planning.plan_backtest import plan_backtest
from parcimonie.planning.profile_plan import compare_profiles
from parcimonie.planning.vm_moves import destination_labels, n_migrations, target_labels

if TYPE_CHECKING:
    from parcimonie.planning.service import PlanOutcome

SENSITIVITY_PRICES = (0.10, 0.15, 0.20, 0.25, 0.30, 0.40)  # € TTC per kWh, plus the plan's own


def _option(option: OptionTco, kind: str) -> OptionCost:
    return OptionCost(
        name=option.name,
        kind=kind,  # type: ignore[arg-type]
        n_hosts=option.n_hosts,
        tca_eur_ht=finite(option.tca_eur_ht),
        tca_eur_ttc=finite(option.tca_eur_ttc),
        licence_purchase_eur_ttc=finite(option.licence_purchase_eur_ttc),
        tco_eur=finite(option.tco_eur),
        tco_depreciated_eur=finite(option.tco_depreciated_eur),
        opex_eur=finite(option.opex_eur.sum()),
        **{key: finite(getattr(option, key).sum()) for key in OPEX_KEYS},
        energy_kwh=finite(option.energy_kwh.sum()),
        operational_kgco2e=finite(option.operational_kgco2e.sum()),
        embodied_kgco2e=finite(option.embodied_kgco2e),
    )


def _sensitivity(options: Sequence[OptionTco], current: float) -> list[SensitivityPoint]:
    prices = sorted({*SENSITIVITY_PRICES, round(current, 4)})
    curves = {o.name: energy_price_sensitivity(o, prices) for o in options}
    return [
        SensitivityPoint(price_eur_per_kwh=p, tco_eur_by_option={n: finite(c[i]) for n, c in curves.items()})
        for i, p in enumerate(prices)
    ]


def _targets(result: ConsolidationResult, labels: list[str]) -> list[Target]:
    counts = np.bincount(result.placement[result.placement >= 0], minlength=result.n_hosts_after)
    if not result.offer_name:  # a repack places VMs on existing host indices, not target indices
        by_existing = {int(e): k for k, e in enumerate(result.target_existing_host.tolist())}
        counts = np.zeros(result.n_hosts_after, dtype=np.int64)
        for dst in result.placement[result.placement >= 0].tolist():
            counts[by_existing[int(dst)]] += 1
    # One per host after (2 000 at 50 000 VMs): Python values of known types, built without validation
    # (``test_vm_moves`` checks each one validates to itself).
    return [
        Target.model_construct(
            host=label,
            existing=bool(result.target_existing_host[k] >= 0),
            cluster=int(result.target_cluster[k]),
            ha_reserve=bool(result.target_is_ha_reserve[k]),
            n_vms=int(counts[k]),
            cpu_utilisation=finite(result.cpu_utilisation[k]),
            memory_utilisation=finite(result.memory_utilisation[k]),
            **target_limit_fields(result, k),
        )
        for k, label in enumerate(labels)
    ]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (when it runs) for an allocation-heavy loop."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _consolidation(outcome: "PlanOutcome", *, vm_lists: bool = True) -> Consolidation:
    """The consolidation section; without ``vm_lists``, its placement and migrations lists left empty
    (``n_migrations`` kept): a surface reads them as columns (``vm_moves``)."""
    result, hosts, vms = outcome.consolidation, outcome.inputs.hosts, outcome.inputs.vms
    policy = outcome.request.policy
    # VMs the policy leaves out (templates, powered-off) are not failures to place.
    excluded = (vms.is_template & (not policy.include_templates)) | (~vms.powered_on & (not policy.include_powered_off))
    labels = target_labels(result, hosts.names)
    to_label = destination_labels(result, hosts.names)
    # 50 000 rows of our own names: built without validation (``model_construct``), and without the
    # cyclic collector rescanning the whole heap several times meanwhile (they hold no cycle): 1 s → 0,2 s.
    with _collector_paused():
        placement = (
            [
                Move.model_construct(
                    vm=vms.names[j], from_host=hosts.names[src] if src >= 0 else None, to_host=to_label[dst]
                )
                for j, (src, dst) in enumerate(zip(vms.host.tolist(), result.placement.tolist(), strict=True))
                if dst >= 0
            ]
            if vm_lists
            else []
        )
    moves = (
        migrations(result, vms, hosts.names, to_label)
        if vm_lists
        else {"n_migrations": n_migrations(result, vms.host), "migrations": []}
    )
    return Consolidation(
        status=result.status,
        offer=result.offer_name,
        n_hosts_before=result.n_hosts_before,
        n_hosts_after=result.n_hosts_after,
        n_ha_reserve_hosts=result.n_ha_reserve_hosts,
        lower_bound=result.lower_bound,
        bound_kinds=list(result.bound_kinds),
        gap_hosts=result.gap_hosts,
        gap_pct=finite(result.gap_pct),
        vms_per_host_before=finite(result.vms_per_host_before),
        vms_per_host_after=finite(result.vms_per_host_after),
        solver=result.solver,
        tco_by_offer_eur={o.name: finite(o.tco_eur) for o in outcome.options},
        hosts_freed=[hosts.names[i] for i in result.hosts_freed.tolist()],
        n_excluded_by_policy=int(excluded.sum()),
        unplaced=[Unplaced(vm=vms.names[i], reason=reason_message(r)) for i, r in result.unplaced if not excluded[i]],
        targets=_targets(result, labels),
        placement=placement,
        **consolidation_limit_fields(result),
        **moves,
        demand="profile" if result.demand == "profile" else "p95",
        demand_profile_share=_profile_share(vms, policy),
        p95_kept_clusters=list(result.p95_kept_groups),
    )


def _profile_share(vms: VmTable, policy: Policy) -> float:
    """Share of the VMs to place that have a usage profile (``demand_choice.profile_coverage``)."""
    n_with, n = profile_coverage(vms, policy)
    return n_with / n if n else 0.0


def plan_warnings(c: Consolidation, r: Replacement | None, request: RequestEcho) -> list[Message]:
    """What a reader must not miss, from the figures (also used to upgrade older documents)."""
    warnings: list[Message] = []
    if c.unplaced:
        warnings.append(Message(code="warning.partial_plan", params={"n": len(c.unplaced)}))
    expected_ha = len({t.cluster for t in c.targets}) * request.policy.ha_reserve_hosts
    if c.n_ha_reserve_hosts < expected_ha:
        warnings.append(
            Message(code="warning.ha_shortfall", params={"have": c.n_ha_reserve_hosts, "expected": expected_ha})
        )
    warnings += limits_warnings(c)
    if r is None:
        return warnings
    savings = r.totals.savings_eur
    if savings is not None and savings < 0:
        code = "warning.plan_costs_more_capped" if request.yearly_investment_cap_eur else "warning.plan_costs_more"
        warnings.append(Message(code=code, params={"extra_eur": -savings}))
    warnings += _baseline_warnings(r)
    if r.demand_growth_per_year != 0:
        warnings.append(
            Message(
                code="warning.demand_growth",
                params={"growth": r.demand_growth_per_year, "n": r.growth_hosts},
            )
        )
    # A capped plan can run both fleets for years: say so for the first year with more hosts than today.
    more = next((y for y in r.yearly if y.n_hosts_scenario > y.n_hosts_baseline), None)
    if more is not None:
        warnings.append(
            Message(
                code="warning.more_hosts_at_end",
                params={"year": more.year, "scenario": more.n_hosts_scenario, "baseline": more.n_hosts_baseline},
            )
        )
    return warnings


def _baseline_warnings(r: Replacement) -> list[Message]:
    """The plan costs more than renewing like for like; keeping the estate runs hosts out of warranty."""
    warnings: list[Message] = []
    like = next((c for c in r.comparisons if c.baseline == "like_for_like"), None)
    if like is not None and like.savings_eur is not None and like.savings_eur < 0:
        warnings.append(Message(code="warning.plan_costs_more_than_renewal", params={"extra_eur": -like.savings_eur}))
    flags = r.keep_flags
    if flags is not None and (flags.out_of_warranty_first_year or flags.past_replacement_age_first_year):
        warnings.append(
            Message(
                code="warning.keep_out_of_support",
                params={
                    "year": flags.first_year,
                    "n_warranty": len(flags.out_of_warranty_first_year),
                    "n_age": len(flags.past_replacement_age_first_year),
                },
            )
        )
    return warnings


def _repack_warning(options: list[OptionCost], best: str | None) -> list[Message]:
    """The repack onto the hosts owned beats every purchase: say so, with both TCOs."""
    repack = next((o for o in options if o.kind == "repack"), None)
    offers = [o for o in options if o.kind in ("offer", "mix") and o.tco_eur is not None]
    if best != "existing" or repack is None or repack.tco_eur is None or not offers:
        return []
    cheapest = min(offers, key=lambda o: o.tco_eur or 0.0)
    if (cheapest.tco_eur or 0.0) <= repack.tco_eur:  # a mix of offers costs less: the repack is not the cheapest
        return []
    return [
        Message(
            code="warning.repack_cheapest",
            params={"repack_eur": repack.tco_eur, "offer": cheapest.name, "offer_eur": cheapest.tco_eur},
        )
    ]


def _request(outcome: "PlanOutcome") -> RequestEcho:
    r, p = outcome.request, outcome.request.policy
    return RequestEcho(
        offers=list(r.offers),
        policy=PolicyEcho(
            ceiling=p.ceiling,
            ha_reserve_hosts=p.ha_reserve_hosts,
            scope=p.scope,
            use_memory_p95=p.use_memory_p95,
            include_powered_off=p.include_powered_off,
            include_templates=p.include_templates,
            demand=p.demand,
            **policy_limit_fields(p),
        ),
        horizon_years=r.horizon_years,
        start_year=r.start_year,
        yearly_investment_cap_eur=r.yearly_investment_cap_eur,
        method=r.method,
        time_limit_s=r.time_limit_s,
        with_replacement=r.with_replacement,
        overrides=dict(r.overrides),
        with_sensitivity=r.with_sensitivity,
        after_reclaim=r.after_reclaim,
        with_fleet_mix=r.with_fleet_mix,
        p2v=r.p2v,
        demand=r.demand,
    )


def build_document(outcome: "PlanOutcome", *, vm_lists: bool = True) -> PlanDocument:
    """The whole plan as its document."""
    inputs = outcome.inputs
    request = _request(outcome)
    consolidation = _consolidation(outcome, vm_lists=vm_lists)
    replacement = replacement_section(outcome.replacement, outcome) if outcome.replacement else None
    options = [outcome.keep, *([outcome.repack] if outcome.repack else []), *outcome.options]
    kinds = ["keep", *(["repack"] if outcome.repack else []), *(["offer"] * len(outcome.options))]
    mix = _fleet_mix(outcome)
    if mix is not None:
        options.append(dataclasses.replace(outcome.fleet_mix.option, name=mix.name))  # type: ignore[union-attr]
        kinds.append("mix")
    costs = [_option(o, kind) for o, kind in zip(options, kinds, strict=True)]
    confidence = plan_confidence(outcome.consolidation.confidence, inputs.vms, outcome.assumptions)
    return PlanDocument(
        snapshot_key=inputs.snapshot_key,
        start_year=outcome.start_year,
        request=request,
        assumptions=outcome.assumptions.to_dict(),
        estate=EstateSummary(
            n_hosts=inputs.hosts.n_hosts,
            n_vms=inputs.vms.n_vms - n_p2v_vms(outcome),
            skipped_hosts=list(inputs.skipped_hosts),
            physical_hosts=list(inputs.physical_hosts),
            unsized_vms=list(inputs.unsized_vms),
            cluster_names=list(inputs.cluster_names),
        ),
        consolidation=consolidation,
        options=costs,
        best_option=outcome.best_option,
        sensitivity=_sensitivity(options, outcome.assumptions.electricity_eur_per_kwh),
        replacement=replacement,
        warnings=plan_warnings(consolidation, replacement, request)
        + _repack_warning(costs, outcome.best_option)
        + confidence_warnings(confidence)
        + fleet_mix_warnings(mix, outcome.fleet_mix_note)
        + ([Message(code="warning.fleet_mix_on_p95")] if mix is not None and consolidation.demand == "profile" else []),
        confidence=confidence,
        reclaimed=inputs.reclaimed,
        fleet_mix=mix,
        p2v=p2v_section(outcome),
        profiles=compare_profiles(outcome),
        backtest=plan_backtest(outcome),
    )


def _fleet_mix(outcome: "PlanOutcome") -> FleetMixSection | None:
    """The mix's section, compared with the cheapest offer of the plan's own table that carries
    every VM alone (the same TCO the options show)."""
    found = outcome.fleet_mix
    if found is None:
        return None
    carries = {o.name for o, single in zip(found.offers, found.single_options, strict=True) if single is not None}
    singles = [(o.name, o.tco_eur) for o in outcome.options if o.name in carries]
    return fleet_mix_section(found, min(singles, key=lambda p: p[1]) if singles else None)
