"""The plan document: what `plan --json` prints, what a scenario stores, what every surface reads.

A typed, versioned pydantic model (``PlanDocument``, ``format`` = ``PLAN_FORMAT``); its JSON schema
is published as ``docs/plan-schema.json``. Host and VM indices become names, numpy arrays lists, and
every figure says its unit in its name. Reasons and warnings are ``Message`` codes with their figures,
worded by ``parcimonie.planning.messages``. Documents of an older format are upgraded by
``parcimonie.planning.upgrade`` before they are read.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parcimonie.planning.confidence import Confidence
from parcimonie.planning.fleet_mix import FleetMixSection
from parcimonie.planning.messages import Message
from parcimonie.planning.profile_document import PlanBacktest, ProfileComparison

PLAN_FORMAT: Literal[2] = 2


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PolicyEcho(_Frozen):
    """The packing policy the plan was made with (optimizer.Policy)."""

    ceiling: float
    ha_reserve_hosts: int
    scope: Literal["cluster", "estate"] = "cluster"
    use_memory_p95: bool = False
    include_powered_off: bool = True
    include_templates: bool = False
    # Limits vSphere enforces (optimizer.limits); None: no cap (plans made before the caps had none).
    vcpu_ratio: float | None = None
    memory_overcommit: float | None = None
    # CPU sized on the P95 or on usage profiles (``PlanRequest.demand`` resolved; optimizer.Policy).
    demand: Literal["p95", "profile"] = "p95"


class RequestEcho(_Frozen):
    """What the user asked (parcimonie.planning.PlanRequest): None means the default."""

    offers: list[str] = Field(default_factory=list)
    policy: PolicyEcho
    horizon_years: int | None = None
    start_year: int | None = None
    yearly_investment_cap_eur: float | None = None
    method: Literal["auto", "heuristic", "exact"] = "auto"
    time_limit_s: float = 10.0
    with_replacement: bool = True
    overrides: dict[str, float | int | bool] = Field(default_factory=dict)
    with_sensitivity: bool = False  # the tornado was asked for (PlanRequest.with_sensitivity)
    after_reclaim: bool = False  # zombies and idle VMs removed, oversized ones right-sized first
    with_fleet_mix: bool = True  # the cheapest mix of offers searched beside the single offers
    p2v: bool = False  # physical servers virtualised (placed like VMs, listed apart)
    demand: Literal["auto", "p95", "profile"] = "auto"  # what was asked (PlanRequest.demand)


class ReclaimApplied(_Frozen):
    """What reclamation removed before the plan (``plan --after-reclaim``; ``optimizer.reclaim``)."""

    n_vms_removed: int  # zombie and idle VMs
    n_vms_resized: int  # oversized VMs right-sized
    vcpus_removed: int
    memory_mib_removed: float


class EstateSummary(_Frozen):
    """The estate the plan was computed on, and what it left out (names)."""

    n_hosts: int
    n_vms: int
    skipped_hosts: list[str] = Field(default_factory=list)  # hypervisors without capacity figures
    physical_hosts: list[str] = Field(default_factory=list)  # servers running no hypervisor
    unsized_vms: list[str] = Field(default_factory=list)  # VMs without vCPU or memory figures


class Target(_Frozen):
    """A host after consolidation: existing or new, its load as shares of its capacity."""

    host: str
    existing: bool
    cluster: int
    ha_reserve: bool
    n_vms: int
    cpu_utilisation: float | None
    memory_utilisation: float | None
    # Limits vSphere enforces: allocated vCPUs per physical core, allocated memory per physical MiB,
    # and the limit closest to full ("cpu", "memory", "vcpu_ratio", "memory_overcommit"; None: empty).
    vcpus_per_core: float | None = None
    memory_allocated_ratio: float | None = None
    limit: Literal["cpu", "memory", "vcpu_ratio", "memory_overcommit"] | None = None


class Move(_Frozen):
    """Where one VM goes."""

    vm: str
    from_host: str | None
    to_host: str


class Unplaced(_Frozen):
    """A VM the plan could not place, and why."""

    vm: str
    reason: Message


class Consolidation(_Frozen):
    """Which VMs go on which host, how many hosts, and how far from the proven lower bound."""

    status: str
    offer: str | None
    n_hosts_before: int
    n_hosts_after: int
    n_ha_reserve_hosts: int
    lower_bound: int
    bound_kinds: list[str]
    gap_hosts: int | None
    gap_pct: float | None
    vms_per_host_before: float | None
    vms_per_host_after: float | None
    solver: str
    tco_by_offer_eur: dict[str, float | None]
    hosts_freed: list[str]
    n_excluded_by_policy: int
    unplaced: list[Unplaced]
    targets: list[Target]
    placement: list[Move]
    # The limit closest to full over the loaded hosts together (optimizer.limits), and the clusters
    # whose spare hosts cannot carry the load of their largest host(s) (optimizer.ha_reserve).
    limiting_resource: Literal["cpu", "memory", "vcpu_ratio", "memory_overcommit"] | None = None
    ha_reserve_uncovered: list[int] = Field(default_factory=list)
    #: VMs that change host (on new hosts: every VM placed), and those moves (VM, source → target),
    #: by source host then VM (``parcimonie.planning.migrations``).
    n_migrations: int = 0
    migrations: list[Move] = Field(default_factory=list)
    #: What sized CPU (``Policy.demand``, docs/profiles.md): "profile", the VMs' usage profiles (a
    #: host's CPU utilisation is then the peak over time slots of its summed profiles), or "p95";
    #: the share of the VMs placed that have a profile; on profiles, the clusters (-1: the estate)
    #: that kept their P95 packing because the profiles needed more hosts there.
    demand: Literal["p95", "profile"] = "p95"
    demand_profile_share: float | None = None
    p95_kept_clusters: list[int] = Field(default_factory=list)


class OptionCost(_Frozen):
    """One option over the horizon (EUR TTC, kWh, kgCO2e): keep the estate as it is, repack onto the
    hosts owned (no purchase; the freed hosts stop costing), or consolidate on an offer."""

    name: str
    kind: Literal["keep", "repack", "offer", "mix"]  # "mix": the cheapest mix of offers (``fleet_mix``)
    n_hosts: int
    tca_eur_ht: float | None
    tca_eur_ttc: float | None
    licence_purchase_eur_ttc: float | None
    tco_eur: float | None
    tco_depreciated_eur: float | None
    opex_eur: float | None
    energy_eur: float | None
    maintenance_eur: float | None
    licences_eur: float | None
    staff_eur: float | None
    rack_eur: float | None
    energy_kwh: float | None
    operational_kgco2e: float | None
    embodied_kgco2e: float | None


class SensitivityPoint(_Frozen):
    """Every option's TCO at one electricity price (EUR TTC per kWh)."""

    price_eur_per_kwh: float
    tco_eur_by_option: dict[str, float | None]


class TornadoBar(_Frozen):
    """The replacement plan's saving with one assumption moved down and up (EUR TTC over the horizon).

    ``name`` is an assumption's name, or ``offer_price_eur_ttc`` for the price of the offer bought.
    """

    name: str
    base_value: float
    low_value: float
    high_value: float
    savings_low_eur: float | None
    savings_high_eur: float | None
    swing_eur: float  # |savings_high - savings_low|: the bars are ranked on it, widest first


class BudgetRow(_Frozen):
    """One budget year, split the way a budget is voted (EUR TTC)."""

    year: int
    investissement_eur: float | None
    investissement_licences_eur: float | None
    fctva_eur: float | None
    energy_eur: float | None
    maintenance_eur: float | None
    licences_eur: float | None
    staff_eur: float | None
    rack_eur: float | None
    fonctionnement_eur: float | None
    net_eur: float | None
    transition_eur: float | None = None  # disposal + migration + training (part of fonctionnement_eur)


class YearRow(_Frozen):
    """One year of a replacement plan against keeping the estate."""

    year: int
    n_hosts_scenario: int
    n_hosts_baseline: int
    new_hosts: int
    savings_eur: float | None
    cumulative_savings_eur: float | None
    energy_kwh_scenario: float | None
    energy_kwh_baseline: float | None
    operational_kgco2e_scenario: float | None
    operational_kgco2e_baseline: float | None
    embodied_kgco2e_purchased: float | None
    carbon_savings_kgco2e: float | None
    savings_vs_like_for_like_eur: float | None = None  # like-for-like net - scenario net
    cumulative_savings_vs_like_for_like_eur: float | None = None
    staff_hours_freed: float | None = None  # capacity: keep's hours - the plan's (not cash by default)
    rack_u_freed: float | None = None  # capacity: keep's rack units - the plan's (not cash by default)
    disposal_eur: float | None = None  # transition line, scenario: retired hosts
    migration_eur: float | None = None  # transition line, scenario: VMs moved
    training_eur: float | None = None  # transition line, scenario: with the first purchase


class Retirement(_Frozen):
    """An existing host the plan retires, and when."""

    host: str
    year: int
    priority: float | None
    purchase_year: float | None


class Totals(_Frozen):
    """The replacement plan over the horizon against keeping the estate (EUR TTC); against renewing
    like for like: ``Replacement.comparisons``."""

    scenario_eur: float | None
    baseline_eur: float | None
    savings_eur: float | None
    npv_savings_eur: float | None
    fctva_after_horizon_eur: float | None


class BaselineComparison(_Frozen):
    """The plan against one baseline (EUR TTC): "keep" the estate as it is, or renew it "like_for_like"
    (each host at the replacement age, with the cheapest offer covering its cores and memory)."""

    baseline: Literal["keep", "like_for_like"]
    baseline_eur: float | None
    savings_eur: float | None
    npv_savings_eur: float | None
    payback_year: int | None
    residual_value_savings_eur: float | None  # plan's residual value - the baseline's (reported apart)


class ResidualValue(_Frozen):
    """Value of the hardware still owned at the end of the horizon (net book value x share, EUR)."""

    scenario_eur: float | None
    keep_eur: float | None
    like_for_like_eur: float | None
    counted_in_savings: bool = False


class CapacityFreed(_Frozen):
    """Staff hours and rack units the plan frees against keeping the estate (capacity, not cash
    unless the switches say so)."""

    staff_hours_freed_total: float | None
    rack_u_freed_at_end: float | None  # in the last year
    staff_savings_are_cash: bool = False
    rack_savings_are_cash: bool = False


class KeepFlags(_Frozen):
    """Keeping the estate as it is: hosts out of warranty and past the replacement age, in the
    first year and by the last year of the horizon (names)."""

    first_year: int
    last_year: int
    out_of_warranty_first_year: list[str] = Field(default_factory=list)
    out_of_warranty_by_last_year: list[str] = Field(default_factory=list)
    past_replacement_age_first_year: list[str] = Field(default_factory=list)
    past_replacement_age_by_last_year: list[str] = Field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many hosts in each list."""
        return {k: len(v) for k, v in self.model_dump().items() if isinstance(v, list)}


class Drivers(_Frozen):
    """What explains the ratio of replaced hosts to new ones (optimizer.RatioDrivers)."""

    n_hosts_replaced: int
    n_hosts_new: int
    n_hosts_reserve: int
    ratio: float | None
    vms_per_host_before: float | None
    vms_per_host_after: float | None
    cpu_utilisation_before: float | None
    cpu_utilisation_after: float | None
    per_core_perf_gain: float | None
    core_count_gain: float | None
    binding_resource: Literal["cpu", "memory", "none"]
    main_driver: Literal["utilisation", "cpu_generation", "host_size", "none"]

    def message(self) -> Message:
        """The ratio and what explains it, as one sentence to word."""
        figures = self.model_dump(exclude={"binding_resource", "main_driver", "n_hosts_reserve"})
        return Message(
            code="drivers.sentence",
            params={**figures, "resource": f"resource.{self.binding_resource}", "driver": f"driver.{self.main_driver}"},
        )


class Replacement(_Frozen):
    """The multi-year replacement plan: retirements, purchases, budgets, savings, carbon."""

    status: str
    offer: str
    years: list[int]
    yearly: list[YearRow]
    budget_scenario: list[BudgetRow]
    budget_baseline: list[BudgetRow]
    totals: Totals
    savings_by_category_eur: dict[str, float | None]
    payback_year: int | None
    carbon_payback_year: int | None
    retirements: list[Retirement]
    unplaced: list[Unplaced]
    drivers: Drivers
    comparisons: list[BaselineComparison] = Field(default_factory=list)  # against "keep" and "like_for_like"
    budget_like_for_like: list[BudgetRow] = Field(default_factory=list)
    like_for_like_renewals: dict[str, int] = Field(default_factory=dict)  # host -> year renewed there
    residual_value: ResidualValue | None = None
    capacity: CapacityFreed | None = None
    keep_flags: KeepFlags | None = None
    # Demand assumed to grow by this share a year (`demand_growth_per_year`); new hosts bought
    # because VMs already moved outgrew theirs.
    demand_growth_per_year: float = 0.0
    growth_hosts: int = 0

    @property
    def investment_eur(self) -> float:
        """Purchases over the horizon (investissement, EUR TTC)."""
        return float(sum(row.investissement_eur or 0.0 for row in self.budget_scenario))


class P2vServer(_Frozen):
    """A physical server the plan virtualises ("à virtualiser"): its size as a VM, where it goes,
    and what retiring its hardware saves (``optimizer.p2v``)."""

    name: str
    cpu_ref_mhz: float | None  # P95 x its per-core performance; None when estimated from its cores
    memory_mib: float  # memory in use (all of it when unknown)
    cpu_estimated: bool
    memory_estimated: bool
    to_host: str | None  # None: no room found
    savings_eur_per_year: float  # energy, maintenance or support, staff and rack (EUR TTC, first year)


class P2vSection(_Frozen):
    """Physical servers virtualised by the plan, apart from the VMs."""

    servers: list[P2vServer]
    n_placed: int
    savings_eur_per_year: float  # of the servers placed
    savings_over_horizon_eur: float  # the same each year of the horizon (first-year figures)


class PlanDocument(_Frozen):
    """A whole plan: request, assumptions, consolidation, options, replacement plan, warnings."""

    format: Literal[2] = PLAN_FORMAT
    snapshot_key: str
    start_year: int
    request: RequestEcho
    assumptions: dict[str, float | int | bool | str]
    estate: EstateSummary
    consolidation: Consolidation
    options: list[OptionCost]  # keep the estate first, then the repack (when computed), then each offer
    best_option: str | None  # the cheapest option placing every VM: an offer's name, "existing" (the repack)
    sensitivity: list[SensitivityPoint]
    replacement: Replacement | None
    warnings: list[Message]
    #: The five assumptions that move the replacement plan's saving most (±20 %), widest first;
    #: computed only when asked (``PlanRequest.with_sensitivity``), empty otherwise.
    tornado: list[TornadoBar] = Field(default_factory=list)
    #: The replacement plan's saving leaving the licence lines (subscriptions, assurance, perpetual
    #: licences) out, EUR TTC; computed with the tornado.
    saving_without_licences_eur: float | None = None
    #: Set when the plan was computed after reclamation (``RequestEcho.after_reclaim``).
    reclaimed: ReclaimApplied | None = None
    #: The physical servers virtualised by the plan (``plan --p2v``), None when not asked.
    p2v: P2vSection | None = None
    #: How far the demand can be trusted (None in plans saved before it was computed).
    confidence: Confidence | None = None
    #: The cheapest fleet mixing offers, against the best single offer and a proven TCO bound
    #: (None when the plan studied fewer than two offers, or did not search: see its warnings).
    fleet_mix: FleetMixSection | None = None
    #: Packing on usage profiles against scalar P95, backtest and risk curve (docs/profiles.md);
    #: None without stored profiles, for a repack in place, and in plans saved before it existed.
    profiles: ProfileComparison | None = None
    #: The plan's consolidation and the current estate replayed per cluster on held-out profiles
    #: (``plan_backtest.py``); None without stored profiles, and in plans saved before it existed.
    backtest: PlanBacktest | None = None

    @property
    def horizon_years(self) -> int:
        """Years the plan covers."""
        return int(self.assumptions["horizon_years"])

    @property
    def keep(self) -> OptionCost:
        """Keeping the estate as it is."""
        return self.options[0]

    @property
    def target_option(self) -> OptionCost | None:
        """The option of the consolidation shown: its offer's, or the repack's."""
        if self.consolidation.offer is None:
            return next((o for o in self.options if o.kind == "repack"), None)
        return next((o for o in self.options if o.kind == "offer" and o.name == self.consolidation.offer), None)

    @property
    def n_hosts_at_end(self) -> int:
        """Hosts in the last year of the plan (the consolidation's count for a repack)."""
        if self.replacement and self.replacement.yearly:
            return self.replacement.yearly[-1].n_hosts_scenario
        return self.consolidation.n_hosts_after


def plan_schema() -> dict[str, object]:
    """The JSON schema of ``PlanDocument`` (published as docs/plan-schema.json)."""
    schema = PlanDocument.model_json_schema()
    schema["title"] = f"Parcimonie plan document, format {PLAN_FORMAT}"
    return schema


if __name__ == "__main__":  # python -m parcimonie.planning.document > docs/plan-schema.json
    import json
    import sys

    sys.stdout.write(json.dumps(plan_schema(), ensure_ascii=False, indent=2) + "\n")
