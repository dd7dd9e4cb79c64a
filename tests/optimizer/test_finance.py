import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import (
    Assumptions,
    budget_from_option,
    build_budget,
    compare_budgets,
    offer_fleet_tco,
)
from tests.optimizer.estates import make_offer

YEARS = (2026, 2027, 2028, 2029)


def _budget(inv: list[float], energy: float, a: Assumptions, name: str = "s"):  # type: ignore[no-untyped-def]
    z = np.zeros(4)
    return build_budget(
        name=name,
        years=YEARS,
        investissement_eur=np.array(inv),
        energy_eur=np.full(4, energy),
        maintenance_eur=z,
        licences_eur=z,
        staff_eur=z,
        rack_eur=z,
        assumptions=a,
    )


@pytest.mark.parametrize("delay", [0, 1, 2])
def test_fctva_is_paid_after_the_delay(delay: int) -> None:
    a = Assumptions(fctva_delay_years=delay)
    b = _budget([1000.0, 0, 0, 500.0], 10.0, a)
    expected = np.zeros(4)
    expected[delay] += 1000 * a.fctva_rate
    if 3 + delay < 4:
        expected[3 + delay] += 500 * a.fctva_rate
    assert np.allclose(b.fctva_eur, expected)
    assert b.fctva_after_horizon_eur == pytest.approx(0 if delay == 0 else 500 * a.fctva_rate)
    assert b.total_eur == pytest.approx(b.net_eur.sum())
    assert b.total_eur == pytest.approx(1500 + 40 - b.fctva_eur.sum())


def test_fctva_can_be_disabled_and_npv_discounts() -> None:
    a = Assumptions(fctva_enabled=False, discount_rate=0.1)
    b = _budget([0, 0, 0, 0], 110.0, a)
    assert not b.fctva_eur.any()
    assert b.npv_eur == pytest.approx(sum(110 / 1.1**t for t in range(4)))


def test_comparison_savings_sum_and_payback() -> None:
    a = Assumptions(fctva_enabled=False)
    scenario = _budget([300.0, 0, 0, 0], 50.0, a)
    baseline = _budget([0, 0, 0, 0], 200.0, a, name="keep")
    c = compare_budgets(scenario=scenario, baseline=baseline)
    assert c.savings_eur.tolist() == [-150.0, 150.0, 150.0, 150.0]
    assert c.payback_year == 2027
    assert c.total_savings_eur == pytest.approx(sum(v.sum() for v in c.savings_by_line.values()))
    worse = compare_budgets(scenario=_budget([1e6, 0, 0, 0], 50.0, a), baseline=baseline)
    assert worse.payback_year is None


def test_budget_from_option_spends_tca_in_first_year() -> None:
    a = Assumptions()
    option = offer_fleet_tco(
        offer=make_offer(),
        cpu_utilisation=np.full(3, 0.3),
        carries_windows=np.zeros(3, bool),
        assumptions=a,
        start_year=2026,
    )
    b = budget_from_option(option=option, assumptions=a)
    assert b.investissement_eur[0] == pytest.approx(option.tca_eur_ttc)
    assert b.fonctionnement_eur.sum() == pytest.approx(option.opex_eur.sum())


def test_bad_line_shape_raises() -> None:
    with pytest.raises(ValueError, match="energy_eur"):
        z = np.zeros(4)
        build_budget(
            name="x",
            years=YEARS,
            investissement_eur=z,
            energy_eur=np.zeros(3),
            maintenance_eur=z,
            licences_eur=z,
            staff_eur=z,
            rack_eur=z,
            assumptions=Assumptions(),
        )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 1e6), min_size=6, max_size=6),
    st.lists(st.floats(0, 1e5), min_size=6, max_size=6),
    st.integers(0, 2),
    st.booleans(),
    st.floats(0, 0.2),
)
def test_totals_equal_sum_of_lines(inv: list[float], opex: list[float], delay: int, fctva: bool, rate: float) -> None:
    a = Assumptions(fctva_delay_years=delay, fctva_enabled=fctva, discount_rate=rate)
    years = tuple(range(2026, 2032))
    z = np.zeros(6)
    b = build_budget(
        name="p",
        years=years,
        investissement_eur=np.array(inv),
        energy_eur=np.array(opex),
        maintenance_eur=z,
        licences_eur=np.array(opex),
        staff_eur=z,
        rack_eur=z,
        assumptions=a,
    )
    lines = b.investissement_eur - b.fctva_eur + b.fonctionnement_eur
    assert b.total_eur == pytest.approx(lines.sum(), rel=1e-9, abs=1e-6)
    assert b.npv_eur <= b.total_eur + 1e-6 or (b.net_eur < 0).any()
    recovered = b.fctva_eur.sum() + b.fctva_after_horizon_eur
    assert recovered == pytest.approx(sum(inv) * a.fctva_rate * fctva, rel=1e-9, abs=1e-6)


def test_licences_bought_are_investment_outside_the_fctva_base() -> None:
    a = Assumptions(fctva_delay_years=0)
    option = offer_fleet_tco(
        offer=make_offer(),
        cpu_utilisation=np.full(2, 0.3),
        carries_windows=np.array([True, False]),
        assumptions=a,
        start_year=2026,
    )
    b = budget_from_option(option=option, assumptions=a)
    assert b.investissement_eur[0] == pytest.approx(option.tca_eur_ttc)
    assert b.investissement_licences_eur is not None
    assert b.investissement_licences_eur[0] == pytest.approx(64 * 380 * 1.2)
    hardware_ttc = 2 * (18000 + 600) * 1.2
    assert b.fctva_eur[0] == pytest.approx(hardware_ttc * a.fctva_rate)


def test_default_discount_rate_is_real_4_5_percent() -> None:
    """Quinet 2013 real rate 4,5 %: 110 a year for 4 years is worth
    110 x (1 + 1/1.045 + 1/1.045^2 + 1/1.045^3) = 110 x (1 + 0.956938 + 0.915730 + 0.876297)
    = 110 x 3.748965 = 412.386 today."""
    b = _budget([0, 0, 0, 0], 110.0, Assumptions(fctva_enabled=False))
    assert b.npv_eur == pytest.approx(412.386, abs=0.01)


def test_energy_escalates_from_the_second_year() -> None:
    """5 % a year on 100: 100, 105, 110.25, 115.7625 (first year at today's price)."""
    b = _budget([0, 0, 0, 0], 100.0, Assumptions(energy_price_escalation_per_year=0.05))
    assert b.energy_eur.tolist() == pytest.approx([100.0, 105.0, 110.25, 115.7625])


def test_equal_budgets_have_no_payback() -> None:
    """Savings 0 every year: nothing to pay back, payback None (not the first year)."""
    a = Assumptions()
    c = compare_budgets(scenario=_budget([0, 0, 0, 0], 50.0, a), baseline=_budget([0, 0, 0, 0], 50.0, a))
    assert c.total_savings_eur == 0 and c.payback_year is None


def test_transition_line_and_residual_value() -> None:
    """Transition 372 in 2026 is fonctionnement: net 2026 = 0 + 10 + 372 = 382. Residual 1 000
    (scenario) vs 400 (baseline): +600 reported apart, out of the savings unless counted; counted,
    it is a receipt of 2029: net 2029 = 10 - 1 000 = -990."""
    from optimizer import with_end_of_horizon

    a = Assumptions(fctva_enabled=False)
    line = np.array([372.0, 0, 0, 0])
    scenario = with_end_of_horizon(_budget([0, 0, 0, 0], 10.0, a), transition_eur=line, residual_value_eur=1000.0)
    baseline = with_end_of_horizon(_budget([0, 0, 0, 0], 10.0, a), transition_eur=None, residual_value_eur=400.0)
    assert scenario.net_eur.tolist() == pytest.approx([382.0, 10.0, 10.0, 10.0])
    c = compare_budgets(scenario=scenario, baseline=baseline)
    assert c.total_savings_eur == pytest.approx(-372.0) and c.residual_value_savings_eur == pytest.approx(600.0)
    assert c.savings_by_line["transition_eur"].tolist() == pytest.approx([-372.0, 0, 0, 0])
    counted = Assumptions(fctva_enabled=False, residual_value_in_savings=True)
    s2 = with_end_of_horizon(_budget([0, 0, 0, 0], 10.0, counted), transition_eur=line, residual_value_eur=1000.0)
    b2 = with_end_of_horizon(_budget([0, 0, 0, 0], 10.0, counted), transition_eur=None, residual_value_eur=400.0)
    assert s2.net_eur[-1] == pytest.approx(-990.0)
    assert compare_budgets(scenario=s2, baseline=b2).total_savings_eur == pytest.approx(-372.0 + 600.0)
