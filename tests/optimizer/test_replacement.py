import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import (
    Assumptions,
    HostTable,
    MainDriver,
    PlanInputError,
    Policy,
    ReasonCode,
    ReplacementPlan,
    VmTable,
    plan_consolidation,
    plan_replacement,
)
from tests.optimizer.estates import GIB, make_estate, make_offer, make_source_claim_estate

ESTATE = Policy(scope="estate")  # plan_replacement's former default scope


def test_reproduces_sources_1000_old_hosts_to_about_200() -> None:
    hosts, vms = make_source_claim_estate()
    plan = plan_replacement(
        hosts=hosts,
        vms=vms,
        offers=make_offer(),
        start_year=2026,
        assumptions=Assumptions(replacement_age_years=4),
        policy=ESTATE,
    )
    n_new = int(plan.new_hosts_per_year.sum())
    assert 180 <= n_new <= 230, n_new
    assert np.isfinite(plan.retire_year).all()  # every old host retired
    assert (plan.placement >= 0).all()
    d = plan.drivers
    assert d.n_hosts_replaced == 1000 and d.ratio == pytest.approx(1000 / n_new)
    assert d.vms_per_host_before == 7 and d.vms_per_host_after > 30
    assert d.memory_utilisation_after > d.memory_utilisation_before
    assert d.binding_resource == "memory" and d.main_driver in tuple(MainDriver)
    # Per-core licences shrink far less than per-host figures (docs/assumptions.md). Freed staff
    # hours are capacity, not cash, by default: the staff line does not move.
    s = plan.savings_by_category
    assert plan.capacity is not None
    staff_cut = plan.capacity.staff_hours_freed[1] / plan.capacity.staff_hours_baseline[1]
    lic_cut = s["licences_eur"][1] / plan.baseline.licences_eur[1]
    assert staff_cut > 0.75 and lic_cut < staff_cut
    assert np.allclose(s["staff_eur"], 0.0) and np.allclose(s["rack_eur"], 0.0)
    assert plan.payback_year is not None


@pytest.mark.parametrize("scope", ["estate", "cluster"])
def test_totals_equal_sum_of_yearly_lines(scope: str) -> None:
    hosts, vms = make_estate(n_hosts=30, vms_per_host=5, purchase_year=2019)
    plan = plan_replacement(hosts=hosts, vms=vms, offers=make_offer(), start_year=2026, policy=Policy(scope=scope))  # type: ignore[arg-type]
    for budget in (plan.scenario, plan.baseline):
        lines = (
            budget.investissement_eur
            - budget.fctva_eur
            + budget.energy_eur
            + budget.maintenance_eur
            + budget.licences_eur
            + budget.staff_eur
            + budget.rack_eur
            + budget.transition_line_eur
        )
        assert budget.total_eur == pytest.approx(lines.sum())
    c = plan.comparison
    assert c.total_savings_eur == pytest.approx(plan.baseline.total_eur - plan.scenario.total_eur)
    assert c.total_savings_eur == pytest.approx(sum(v.sum() for v in plan.savings_by_category.values()))
    assert np.allclose(np.cumsum(c.savings_eur), c.cumulative_savings_eur)
    # Hardware, plus a Datacenter licence (64 cores x 380 EUR HT) per new host carrying Windows, and
    # per reserve host of a group that has one (a reserve runs the VMs of a failed host).
    carrying = np.unique(plan.placement[(plan.placement >= 0) & vms.is_windows])
    windows_groups = np.unique(plan.new_host_cluster[carrying])
    reserves = plan.new_host_is_reserve & np.isin(plan.new_host_cluster, windows_groups)
    assert reserves.sum() >= 1
    n_win_new = carrying.size + int(reserves.sum())
    hardware = plan.new_hosts_per_year.sum() * (18000 + 600) * 1.2
    licences = n_win_new * 64 * 380 * 1.2
    assert plan.scenario.investissement_eur.sum() == pytest.approx(hardware + licences)
    assert plan.scenario.investissement_licences_eur is not None
    assert plan.scenario.investissement_licences_eur.sum() == pytest.approx(licences)
    # FCTVA applies to the hardware only.
    total_fctva = plan.scenario.fctva_eur.sum() + plan.scenario.fctva_after_horizon_eur
    assert total_fctva == pytest.approx(hardware * Assumptions().fctva_rate)
    assert np.allclose(
        plan.carbon_savings_kgco2e,
        plan.operational_kgco2e_baseline - plan.operational_kgco2e_scenario - plan.embodied_kgco2e_purchased,
    )
    assert plan.embodied_kgco2e_amortised.sum() <= plan.embodied_kgco2e_purchased.sum() + 1e-6


def test_hosts_retire_when_due_by_age() -> None:
    hosts, vms = make_estate(n_hosts=10, vms_per_host=4)
    years = np.array([2019.0] * 5 + [2024.0] * 5)
    hosts = HostTable.build(
        **{
            **{k: getattr(hosts, k) for k in ("n_cores", "cpu_mhz", "memory_mib", "cluster", "purchase_price_eur_ttc")},
            "purchase_year": years,
        }
    )
    plan = plan_replacement(hosts=hosts, vms=vms, offers=make_offer(), start_year=2026, policy=ESTATE)
    assert (plan.retire_year[:5] == 2026).all()
    assert (plan.retire_year[5:] == 2029).all()  # 2024 + 5
    assert plan.new_hosts_per_year[0] >= 2  # incl. HA reserve
    assert (plan.n_hosts_scenario <= plan.n_hosts_baseline).all()


def test_yearly_investment_cap_is_respected() -> None:
    hosts, vms = make_estate(n_hosts=60, vms_per_host=6, purchase_year=2018)
    # Three hosts and two Windows Datacenter licences (64 cores x 380 EUR HT) a year.
    cap = 3 * (18000 + 600) * 1.2 + 2 * 64 * 380 * 1.2
    plan = plan_replacement(
        hosts=hosts, vms=vms, offers=make_offer(), start_year=2026, yearly_investment_cap_eur=cap, policy=ESTATE
    )
    assert (plan.scenario.investissement_eur <= cap + 1e-6).all()
    assert plan.new_hosts_per_year[1:].sum() > 0  # the rest waited
    free = plan_replacement(hosts=hosts, vms=vms, offers=make_offer(), start_year=2026, policy=ESTATE)
    assert free.new_hosts_per_year[0] > 3


def test_several_offers_and_unplaceable_vm_keeps_its_host() -> None:
    hosts, vms = make_estate(n_hosts=8, vms_per_host=3, purchase_year=2018, n_clusters=1)
    big = VmTable.build(
        n_vcpus=np.append(vms.n_vcpus, 4),
        memory_mib=np.append(vms.memory_mib, 2000 * GIB),
        host=np.append(vms.host, 3),
        cpu_p95_mhz=np.append(vms.cpu_p95_mhz, 50.0),
    )
    offers = [
        make_offer(name="dear", price_eur_ttc=72000.0),
        make_offer(name="cheap", price_eur_ttc=14400.0),
    ]
    plan = plan_replacement(hosts=hosts, vms=big, offers=offers, start_year=2026, policy=ESTATE)
    assert plan.offer_name == "cheap"
    assert plan.status == "PARTIAL" and plan.unplaced[0][0] == big.n_vms - 1
    assert plan.unplaced[0][1].code == ReasonCode.TOO_LARGE_FOR_NEW_HOSTS
    assert np.isnan(plan.retire_year[3]) and np.isfinite(np.delete(plan.retire_year, 3)).all()


def test_bad_inputs_raise() -> None:
    hosts, vms = make_estate(n_hosts=2, vms_per_host=1)
    with pytest.raises(PlanInputError, match="no_offer"):
        plan_replacement(hosts=hosts, vms=vms, offers=[])
    with pytest.raises(PlanInputError, match="bad_investment_cap"):
        plan_replacement(hosts=hosts, vms=vms, offers=make_offer(), yearly_investment_cap_eur=0)
    with pytest.raises(PlanInputError, match="empty_estate"):
        plan_replacement(hosts=hosts, vms=VmTable.build(n_vcpus=[], memory_mib=[], host=[]), offers=make_offer())


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 1000),
    delay=st.integers(0, 2),
    cap_hosts=st.one_of(st.none(), st.integers(2, 6)),
    price=st.floats(0.05, 0.5),
    scope=st.sampled_from(["estate", "cluster"]),
)
def test_plan_properties(seed: int, delay: int, cap_hosts: int | None, price: float, scope: str) -> None:
    hosts, vms = make_estate(n_hosts=15, vms_per_host=4, purchase_year=2019, seed=seed)
    a = Assumptions(fctva_delay_years=delay, electricity_eur_per_kwh=price)
    cap = None if cap_hosts is None else cap_hosts * (18000 + 600) * 1.2
    plan = plan_replacement(
        hosts=hosts,
        vms=vms,
        offers=make_offer(),
        assumptions=a,
        start_year=2026,
        yearly_investment_cap_eur=cap,
        policy=Policy(scope=scope),  # type: ignore[arg-type]
    )
    sc = plan.scenario
    lines = sc.investissement_eur - sc.fctva_eur + sc.fonctionnement_eur
    assert sc.total_eur == pytest.approx(lines.sum())
    assert plan.comparison.total_savings_eur == pytest.approx(sum(v.sum() for v in plan.savings_by_category.values()))
    if cap is not None:
        assert (sc.investissement_eur <= cap + 1e-6).all()
    # Every moved VM sits on a new host bought no later than its old host retired.
    moved = plan.placement >= 0
    assert (plan.new_host_year[plan.placement[moved]] <= plan.retire_year[vms.host[moved]]).all()
    # A host is retired only if all its VMs moved.
    for h in np.flatnonzero(np.isfinite(plan.retire_year)):
        assert moved[vms.host == h].all()


def test_new_hosts_are_costed_at_the_load_they_carry_each_year() -> None:
    # Half the hosts are due in 2026, half in 2028; old hosts draw no power, so the scenario's
    # energy is the new hosts' alone. Regression: every year used the final (2028) load.
    n = 20
    hosts = HostTable.build(
        n_cores=np.full(n, 32),
        cpu_mhz=np.full(n, 2400.0),
        memory_mib=np.full(n, 384 * GIB),
        purchase_year=np.where(np.arange(n) < n // 2, 2020.0, 2023.0),
        purchase_price_eur_ttc=np.full(n, 10800.0),
        power_idle_w=np.zeros(n),
        power_max_w=np.zeros(n),
        perf_per_core=np.full(n, 1.0),
    )
    m = n * 6
    host = np.repeat(np.arange(n), 6)
    vms = VmTable.build(
        n_vcpus=np.full(m, 4),
        memory_mib=np.full(m, 16 * GIB),
        host=host,
        cpu_p95_mhz=np.full(m, 4 * 2400.0 * 0.5),
        is_windows=host >= n // 2,  # only the late hosts carry Windows
    )
    offer = make_offer()
    a = Assumptions(commissioning_month=1)  # swaps on 1 January: whole years on each side
    plan = plan_replacement(
        hosts=hosts,
        vms=vms,
        offers=offer,
        start_year=2026,
        assumptions=a,
        policy=Policy(ha_reserve_hosts=0, scope="estate"),
    )
    assert plan.retire_year[: n // 2].tolist() == [2026.0] * (n // 2)
    assert plan.retire_year[n // 2 :].tolist() == [2028.0] * (n // 2)
    raw_cpu = 64 * 2800.0 * 1.0
    per_vm_cpu = 4 * 2400.0 * 0.5  # perf 1.0 on both sides
    kwh_per_w = 8760 / 1000 * a.pue
    for t, year in enumerate(plan.years):
        n_new = int(plan.new_hosts_per_year[: t + 1].sum())
        n_moved = int((plan.retire_year <= year).sum()) * 6
        expected_w = n_new * 250.0 + (800.0 - 250.0) * n_moved * per_vm_cpu / raw_cpu
        assert plan.energy_kwh_scenario[t] == pytest.approx(expected_w * kwh_per_w), year
    # Windows arrives on the new hosts in 2028: their licences are bought then, not in 2026.
    lic = plan.scenario.investissement_licences_eur
    assert lic is not None and lic[0] == 0 and lic[2] > 0


def _staggered_clustered_estate(seed: int) -> tuple[HostTable, VmTable]:
    """40 hosts in clusters 0-2 and without cluster (-1), due 2026, 2027 or 2028; VMs name no
    cluster, so each takes its host's."""
    hosts, vms = make_estate(n_hosts=40, vms_per_host=8, seed=seed)
    cols = ("n_cores", "cpu_mhz", "memory_mib", "purchase_price_eur_ttc")
    hosts = HostTable.build(
        **{k: getattr(hosts, k) for k in cols},
        cluster=np.arange(40) % 4 - 1,
        purchase_year=2021.0 + np.arange(40) % 3,
    )
    cols = ("n_vcpus", "memory_mib", "host", "cpu_p95_mhz", "is_windows")
    return hosts, VmTable.build(**{k: getattr(vms, k) for k in cols})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cluster_scope_keeps_vms_in_their_cluster_with_a_reserve_each(seed: int) -> None:
    hosts, vms = _staggered_clustered_estate(seed)
    a = Assumptions()
    policy = Policy(ha_reserve_hosts=1, scope="cluster")
    plan = plan_replacement(hosts=hosts, vms=vms, offers=make_offer(), assumptions=a, start_year=2026, policy=policy)
    moved = plan.placement >= 0
    assert moved.all() and np.isfinite(plan.retire_year).all()
    cluster_of_vm = hosts.cluster[vms.host]
    assert (plan.new_host_cluster[plan.placement[moved]] == cluster_of_vm[moved]).all()
    assert not plan.new_host_is_reserve[plan.placement[moved]].any()  # the reserve stays empty
    # Each group (-1 included) that bought hosts bought its own reserve, once.
    groups = np.unique(plan.new_host_cluster)
    assert groups.tolist() == [-1, 0, 1, 2]
    for g in groups:
        assert plan.new_host_is_reserve[plan.new_host_cluster == g].sum() == 1
    assert plan.drivers.n_hosts_reserve == 4 and plan.drivers.n_hosts_new == plan.new_host_year.size
    assert plan.drivers.ratio == pytest.approx(40 / plan.new_host_year.size)
    assert plan.policy == policy
    estate = plan_replacement(hosts=hosts, vms=vms, offers=make_offer(), assumptions=a, start_year=2026, policy=ESTATE)
    assert estate.new_host_is_reserve.sum() == 1 and (estate.new_host_cluster == -1).all()


def test_with_one_cluster_both_scopes_agree() -> None:
    hosts, vms = make_estate(n_hosts=24, vms_per_host=7, n_clusters=1, purchase_year=2020, seed=4)
    hosts = HostTable.build(
        **{k: getattr(hosts, k) for k in ("n_cores", "cpu_mhz", "memory_mib", "cluster", "purchase_price_eur_ttc")},
        purchase_year=2020.0 + np.arange(24) % 3,
    )
    cap = 4 * (18000 + 600) * 1.2
    plans = [
        plan_replacement(
            hosts=hosts,
            vms=vms,
            offers=make_offer(),
            start_year=2026,
            yearly_investment_cap_eur=cap,
            policy=Policy(scope=scope),  # type: ignore[arg-type]
        )
        for scope in ("estate", "cluster")
    ]
    est, clu = plans
    assert np.array_equal(est.placement, clu.placement)
    assert np.array_equal(est.retire_year, clu.retire_year, equal_nan=True)
    assert np.array_equal(est.new_hosts_per_year, clu.new_hosts_per_year)
    assert np.array_equal(est.new_host_is_reserve, clu.new_host_is_reserve)
    assert clu.scenario.total_eur == pytest.approx(est.scenario.total_eur)
    assert clu.drivers == est.drivers
    assert (clu.new_host_cluster == 0).all()


@pytest.mark.parametrize("seed", [0, 3])
def test_cluster_scope_buys_what_cluster_consolidation_needs(seed: int) -> None:
    # Everything due at once: the plan buys the hosts `plan_consolidation` counts, in each scope.
    hosts, vms = make_estate(n_hosts=60, vms_per_host=12, n_clusters=4, purchase_year=2019, seed=seed)
    for scope in ("cluster", "estate"):
        policy = Policy(scope=scope)  # type: ignore[arg-type]
        plan = plan_replacement(hosts=hosts, vms=vms, offers=make_offer(), start_year=2026, policy=policy)
        cons = plan_consolidation(hosts=hosts, vms=vms, offer=make_offer(), policy=policy, method="heuristic")
        assert plan.new_hosts_per_year.sum() == cons.n_hosts_after, scope


def test_reserve_hosts_are_licensed_like_their_cluster() -> None:
    """Finance review: 17 new hosts, 6 of them reserves, all in clusters running Windows VMs, must buy
    17 Datacenter licences (17 x 64 x 380 x 1,2 = 496 128 EUR), not 11 (321 024 EUR). Here: every
    cluster runs Windows, so every new host, reserve included, is licensed."""
    from optimizer import compare_offers

    hosts, vms = make_estate(n_hosts=30, vms_per_host=5, purchase_year=2019)
    compared = compare_offers(
        hosts=hosts,
        vms=vms,
        offers=(make_offer(),),
        assumptions=Assumptions(),
        policy=Policy(ha_reserve_hosts=1),
        start_year=2026,
    )
    result, option = compared.best_result, compared.best_option
    assert result.n_ha_reserve_hosts == 2  # one per cluster, both clusters run Windows VMs
    assert option.licence_purchase_eur_ttc == pytest.approx(result.n_hosts_after * 64 * 380 * 1.2)
    # Software Assurance, 25 % of the HT price a year, on every licensed host, reserves included.
    sa_first_year = result.n_hosts_after * 64 * 380 * 0.25 * 1.2
    vsphere_first_year = result.n_hosts_after * 64 * 150 * 1.2
    assert option.licences_eur[0] == pytest.approx(sa_first_year + vsphere_first_year)


def test_reserve_of_a_cluster_without_windows_is_not_licensed() -> None:
    import dataclasses

    from optimizer import compare_offers

    hosts, vms = make_estate(n_hosts=30, vms_per_host=5, purchase_year=2019)
    vms = dataclasses.replace(vms, is_windows=vms.is_windows & (vms.cluster == 0))  # cluster 1: Linux only
    compared = compare_offers(
        hosts=hosts,
        vms=vms,
        offers=(make_offer(),),
        assumptions=Assumptions(),
        policy=Policy(ha_reserve_hosts=1),
        start_year=2026,
    )
    result, option = compared.best_result, compared.best_option
    in_cluster_0 = result.target_cluster == 0
    carrying_0 = np.unique(result.placement[(result.placement >= 0) & vms.is_windows])
    assert set(carrying_0.tolist()) <= set(np.flatnonzero(in_cluster_0).tolist())
    # Cluster 0's Windows hosts and its reserve; none of cluster 1.
    n_licensed = carrying_0.size + int((result.target_is_ha_reserve & in_cluster_0).sum())
    assert option.licence_purchase_eur_ttc == pytest.approx(n_licensed * 64 * 380 * 1.2)


def test_transition_year_is_paid_pro_rata_from_the_commissioning_month() -> None:
    """New hosts go into service in July: in their purchase year they cost 6/12 of a year, and the
    hosts they replace 6/12 too (January-June); with a 2-month parallel run the old ones cost 8/12."""
    hosts, vms = make_estate(n_hosts=10, vms_per_host=4, purchase_year=2018)
    policy = Policy(ha_reserve_hosts=0, scope="estate")

    def plan(**overrides: int) -> ReplacementPlan:
        return plan_replacement(
            hosts=hosts,
            vms=vms,
            offers=make_offer(),
            start_year=2026,
            policy=policy,
            assumptions=Assumptions(staff_savings_are_cash=True, **overrides),
        )

    january, july, parallel = plan(commissioning_month=1), plan(), plan(parallel_run_months=2)
    assert (july.retire_year == 2026).all() and july.new_hosts_per_year[0] > 0  # all swapped in 2026
    staff = 20.0 * 45.0  # hours x EUR per host and year
    n_old, n_new = hosts.n_hosts, int(july.new_hosts_per_year[0])
    assert january.scenario.staff_eur[0] == pytest.approx(n_new * staff)
    assert july.scenario.staff_eur[0] == pytest.approx(n_old * staff * 6 / 12 + n_new * staff * 6 / 12)
    assert parallel.scenario.staff_eur[0] == pytest.approx(n_old * staff * 8 / 12 + n_new * staff * 6 / 12)
    assert july.scenario.staff_eur[1] == pytest.approx(n_new * staff)  # full years after
    assert july.capacity is not None  # the same hours, counted as capacity
    assert july.capacity.staff_hours_scenario[0] == pytest.approx(20.0 * (n_old * 6 / 12 + n_new * 6 / 12))
    # The transition year saves less, so the plan pays back later than with a 1 January swap.
    assert july.comparison.savings_eur[0] < january.comparison.savings_eur[0]


def _half_host_estate(n_new: int) -> tuple[HostTable, VmTable, float]:
    """2 x n_new VMs of exactly half a new host's usable memory (tiny CPU), on old hosts all due
    at once: at g = 0 they fill n_new new hosts exactly."""
    from optimizer.demand import offer_capacity

    usable = offer_capacity(offer=make_offer(), ceiling=Policy().ceiling)
    m = 2 * n_new
    hosts = HostTable.build(
        n_cores=np.full(m, 32),
        cpu_mhz=np.full(m, 2400.0),
        memory_mib=np.full(m, 1024 * GIB),
        purchase_year=np.full(m, 2015.0),
        purchase_price_eur_ttc=np.full(m, 10800.0),
    )
    vms = VmTable.build(
        n_vcpus=np.ones(m, dtype=int),
        memory_mib=np.full(m, float(usable[1]) / 2),
        host=np.arange(m),
        cpu_p95_mhz=np.full(m, 100.0),
    )
    return hosts, vms, float(usable[1])


def test_growing_demand_buys_hosts_for_the_grown_vms_by_hand() -> None:
    # By hand: 8 VMs of half a host fill 4 new hosts (+ 1 HA reserve) in 2026. At 10 % a year,
    # in 2027 each VM needs 0.55 of a host, so only one fits per host: 8 serving hosts, 4 more
    # bought in 2027 for the growth; 1.1^4 = 1.46 < 2, so one per host still fits until 2030.
    hosts, vms, _ = _half_host_estate(4)
    flat = plan_replacement(hosts=hosts, vms=vms, offers=make_offer(), start_year=2026, policy=ESTATE)
    assert flat.new_hosts_per_year.tolist() == [5, 0, 0, 0, 0]
    assert flat.growth_hosts == 0
    a = Assumptions(demand_growth_per_year=0.10)
    grown = plan_replacement(hosts=hosts, vms=vms, offers=make_offer(), assumptions=a, start_year=2026, policy=ESTATE)
    assert grown.new_hosts_per_year.tolist() == [5, 4, 0, 0, 0]
    assert grown.growth_hosts == 4
    assert grown.status == "OK"
    serving = ~grown.new_host_is_reserve
    assert np.bincount(grown.placement[grown.placement >= 0], minlength=serving.size)[serving].tolist() == [1] * 8
    # The keep-the-estate baseline is only costed: it does not change with growth.
    assert np.allclose(grown.baseline.total_eur, flat.baseline.total_eur)


def test_growing_demand_in_cluster_scope_and_shrinking_demand() -> None:
    hosts, vms = make_estate(n_hosts=12, vms_per_host=5, purchase_year=2018, n_clusters=3)
    base = plan_replacement(hosts=hosts, vms=vms, offers=make_offer(), start_year=2026)
    up = plan_replacement(
        hosts=hosts, vms=vms, offers=make_offer(), start_year=2026, assumptions=Assumptions(demand_growth_per_year=0.5)
    )
    down = plan_replacement(
        hosts=hosts, vms=vms, offers=make_offer(), start_year=2026, assumptions=Assumptions(demand_growth_per_year=-0.2)
    )
    assert up.new_hosts_per_year.sum() >= base.new_hosts_per_year.sum()
    assert down.new_hosts_per_year.sum() == base.new_hosts_per_year.sum()  # shrinking never buys
    assert down.growth_hosts == 0
    placed = up.placement[up.placement >= 0]
    assert (up.new_host_cluster[placed] == vms.cluster[up.placement >= 0]).all()


def test_demand_growth_range() -> None:
    from optimizer import AssumptionError

    Assumptions(demand_growth_per_year=-0.5)
    with pytest.raises(AssumptionError):
        Assumptions(demand_growth_per_year=-0.6)
    with pytest.raises(AssumptionError):
        Assumptions(demand_growth_per_year=1.5)
