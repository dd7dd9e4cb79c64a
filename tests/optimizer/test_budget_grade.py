"""Budget-grade figures of a replacement plan (issue #8), on an estate small enough to compute by hand.

Estate: three 2x16-core 384 GiB hosts, four Linux VMs each; hosts 0 and 1 bought in 2019 (due at
5 years: 2024, so replaced in the first year, 2026), host 2 bought in 2025 (due 2030, after the
3-year horizon 2026-2028). Offer bought: 64 cores, 1 TiB, 18 000 EUR HT + 600 install. One new
host carries the eight VMs of hosts 0 and 1 (no HA reserve), in service on 1 January.
"""

import dataclasses

import numpy as np
import pytest

from optimizer import Assumptions, Policy, ReplacementPlan, pick_renewal_offers, plan_replacement
from tests.optimizer.estates import GIB, make_estate, make_offer

BIG = make_offer()  # 64 cores, 1 TiB, 21 600 TTC = 18 000 HT
SMALL = make_offer(name="1U-40c", n_cores=40, memory_mib=512 * GIB, price_eur_ttc=16200.0)  # 13 500 HT
TINY = make_offer(name="1U-16c", n_cores=16, memory_mib=256 * GIB, price_eur_ttc=6000.0)


def _plan(**overrides: object) -> ReplacementPlan:
    hosts, vms = make_estate(n_hosts=3, vms_per_host=4, n_clusters=1, purchase_year=2019)
    hosts = dataclasses.replace(hosts, purchase_year=np.array([2019.0, 2019.0, 2025.0]))
    vms = dataclasses.replace(vms, is_windows=np.zeros(vms.n_vms, dtype=bool))
    return plan_replacement(
        hosts=hosts,
        vms=vms,
        offers=BIG,
        renewal_offers=(BIG, SMALL, TINY),
        start_year=2026,
        horizon_years=3,
        policy=Policy(ha_reserve_hosts=0, scope="estate"),
        assumptions=Assumptions(commissioning_month=1, **overrides),  # type: ignore[arg-type]
    )


def test_the_estate_is_what_the_hand_checks_assume() -> None:
    plan = _plan()
    assert plan.retire_year[:2].tolist() == [2026, 2026] and np.isnan(plan.retire_year[2])
    assert plan.new_hosts_per_year.tolist() == [1, 0, 0]


def test_renewal_offer_is_the_cheapest_covering_cores_and_memory() -> None:
    """32 cores and 384 GiB: SMALL (40 c, 512 GiB, 13 500 + 600 HT) covers and is cheaper than BIG
    (18 000 + 600); TINY (16 c) does not cover. A 96-core host: nothing covers, the largest (BIG)."""
    hosts, _ = make_estate(n_hosts=2)
    hosts = dataclasses.replace(hosts, n_cores=np.array([32, 96]))
    assert pick_renewal_offers(hosts=hosts, offers=(BIG, SMALL, TINY), a=Assumptions()).tolist() == [1, 0]


def test_like_for_like_baseline_renews_due_hosts_with_the_nearest_offer() -> None:
    """Hosts 0 and 1 (due 2024, so in 2026) renewed with SMALL, host 2 (due 2030) not:
    investissement 2026 = 2 x (13 500 + 600) x 1.2 = 33 840, then 0.
    Transition 2026 = disposal 2 x 80 x 1.2 = 192 + migration 8 VMs x 0.5 h x 45 = 180 -> 372.
    The plan's savings against it = like-for-like total - scenario total."""
    plan = _plan()
    like, c = plan.like_for_like, plan.like_for_like_comparison
    assert like is not None and c is not None
    assert plan.like_for_like_offer == ("1U-40c", "1U-40c", "1U-40c")
    assert plan.like_for_like_renew_year[:2].tolist() == [2026, 2026] and np.isnan(plan.like_for_like_renew_year[2])
    assert like.investissement_eur.tolist() == pytest.approx([33840.0, 0.0, 0.0])
    assert like.transition_line_eur.tolist() == pytest.approx([372.0, 0.0, 0.0])
    assert c.total_savings_eur == pytest.approx(like.total_eur - plan.scenario.total_eur)
    assert plan.comparison.total_savings_eur == pytest.approx(plan.baseline.total_eur - plan.scenario.total_eur)


def test_scenario_transition_costs() -> None:
    """2026: disposal 2 hosts x 80 x 1.2 = 192; migration 8 VMs x 0.5 h x 45 = 180; training
    3 000 x 1.2 = 3 600 with the first purchase; total 3 972, nothing after. Keep: 0."""
    plan = _plan()
    assert plan.transition is not None
    assert plan.transition.disposal_eur.tolist() == pytest.approx([192.0, 0.0, 0.0])
    assert plan.transition.migration_eur.tolist() == pytest.approx([180.0, 0.0, 0.0])
    assert plan.transition.training_eur.tolist() == pytest.approx([3600.0, 0.0, 0.0])
    assert plan.scenario.transition_line_eur.tolist() == pytest.approx([3972.0, 0.0, 0.0])
    assert plan.savings_by_category["transition_eur"].tolist() == pytest.approx([-3972.0, 0.0, 0.0])
    assert not plan.baseline.transition_line_eur.any()


def test_residual_value_is_the_net_book_value_reported_apart() -> None:
    """End of 2028, linear over 5 years, a full year charged in the purchase year:
    new host (2026): (18 000 + 600) x 1.2 = 22 320 x (1 - 3/5) = 8 928; host 2 (2025, 10 800 TTC):
    10 800 x (1 - 4/5) = 2 160; hosts of 2019: 0. Scenario 8 928 + 2 160 = 11 088, keep 2 160,
    like for like 2 x 16 920 x 2/5 + 2 160 = 13 536 + 2 160 = 15 696. Not in the cash saving;
    counted (`residual_value_in_savings`), the saving grows by 11 088 - 2 160 = 8 928.
    A resale share of 0.25 quarters them: 11 088 / 4 = 2 772."""
    plan = _plan()
    assert plan.scenario.residual_value_eur == pytest.approx(11088.0)
    assert plan.baseline.residual_value_eur == pytest.approx(2160.0)
    assert plan.like_for_like is not None and plan.like_for_like.residual_value_eur == pytest.approx(15696.0)
    assert plan.comparison.residual_value_savings_eur == pytest.approx(8928.0)
    counted = _plan(residual_value_in_savings=True)
    assert counted.comparison.total_savings_eur == pytest.approx(plan.comparison.total_savings_eur + 8928.0)
    assert _plan(residual_value_share=0.25).scenario.residual_value_eur == pytest.approx(2772.0)


def test_staff_and_rack_freed_are_capacity_not_cash_by_default() -> None:
    """Keep: 3 hosts x 20 h = 60 h and 3 U a year; scenario: host 2 + 1 new host = 40 h, 2 U.
    Freed: 20 h and 1 U a year, 60 h and 3 U-years over the horizon. Staff and rack lines stay
    those of keeping the estate (3 x 20 x 45 = 2 700 and 3 x 100 = 300 a year): saving 0.
    Counted as cash, the scenario pays 2 x 900 = 1 800 and 2 x 100 = 200: saving 900 + 100 a year."""
    plan = _plan()
    cap = plan.capacity
    assert cap is not None
    assert cap.staff_hours_baseline.tolist() == pytest.approx([60.0] * 3)
    assert cap.staff_hours_freed.tolist() == pytest.approx([20.0] * 3)
    assert cap.rack_u_freed.tolist() == pytest.approx([1.0] * 3)
    assert plan.scenario.staff_eur.tolist() == pytest.approx([2700.0] * 3)
    assert plan.scenario.rack_eur.tolist() == pytest.approx([300.0] * 3)
    assert not plan.savings_by_category["staff_eur"].any() and not plan.savings_by_category["rack_eur"].any()
    cash = _plan(staff_savings_are_cash=True, rack_savings_are_cash=True)
    assert cash.scenario.staff_eur.tolist() == pytest.approx([1800.0] * 3)
    assert cash.scenario.rack_eur.tolist() == pytest.approx([200.0] * 3)
    assert cash.comparison.total_savings_eur == pytest.approx(plan.comparison.total_savings_eur + 3 * 1000.0)


def test_energy_escalation_applies_from_the_second_year() -> None:
    """10 % a year: energy lines x 1, 1.1, 1.21 against constant prices (all three budgets)."""
    flat, rising = _plan(), _plan(energy_price_escalation_per_year=0.1)
    for a, b in ((flat.scenario, rising.scenario), (flat.baseline, rising.baseline)):
        assert b.energy_eur.tolist() == pytest.approx((a.energy_eur * [1.0, 1.1, 1.21]).tolist())
    assert flat.like_for_like is not None and rising.like_for_like is not None
    assert rising.like_for_like.energy_eur[2] == pytest.approx(flat.like_for_like.energy_eur[2] * 1.21)


def test_keep_baseline_flags_warranty_and_age() -> None:
    """Default warranty 3 years: hosts of 2019 out of warranty since 2022, due since 2024; host 2
    (2025) out of warranty from 2028, due in 2030."""
    plan = _plan()
    assert plan.warranty_end_year.tolist() == [2022.0, 2022.0, 2028.0]
    assert plan.replacement_due_year.tolist() == [2024.0, 2024.0, 2030.0]


def test_a_cap_that_buys_nothing_has_no_payback() -> None:
    """A 1 EUR cap buys nothing: scenario = keep (no purchase, no retirement, no transition), saving
    0 every year, payback None (not the first year) against both baselines."""
    hosts, vms = make_estate(n_hosts=3, vms_per_host=4, n_clusters=1)
    capped = plan_replacement(
        hosts=hosts, vms=vms, offers=BIG, start_year=2026, horizon_years=3, yearly_investment_cap_eur=1.0
    )
    assert capped.new_hosts_per_year.sum() == 0
    assert capped.comparison.savings_eur.tolist() == pytest.approx([0.0, 0.0, 0.0])
    assert capped.payback_year is None
    assert capped.like_for_like_comparison is not None and capped.like_for_like_comparison.payback_year is None
