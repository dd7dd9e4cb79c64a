"""The tornado: each candidate assumption ±20 %, the plan's saving at each end, ranked by swing.

Hand checks: energy costs are price × kWh and kWh are IT power × PUE, so moving the electricity
price or the PUE by ±20 % moves the plan's energy saving by ±20 %: a swing of 0,4 × the energy
saving. Staff costs are hours × hourly cost: the same 0,4 × the staff saving.
"""

from datetime import date

import pytest

from parcimonie.planning import EstateInputs, PlanRequest, run_plan
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.sensitivity import (
    CANDIDATES,
    OFFER_PRICE,
    bar_label,
    saving_without_licences_eur,
    tornado,
)
from tests.conftest import TODAY


def _run(inputs: EstateInputs, request: PlanRequest):  # type: ignore[no-untyped-def]
    return run_plan(inputs, request, today=date(2030, 6, 1))  # the reruns pin their own reference year


def test_swings_by_hand(demo_inputs: EstateInputs) -> None:
    outcome = run_plan(demo_inputs, PlanRequest(), today=TODAY)
    doc = outcome.document()
    assert doc.tornado == [] and doc.saving_without_licences_eur is None  # not asked for: nothing computed
    r = doc.replacement
    assert r is not None
    bars = {b.name: b for b in tornado(outcome, _run, top=len(CANDIDATES))}
    assert set(bars) == set(CANDIDATES)
    energy = r.savings_by_category_eur["energy_eur"] or 0.0
    staff = r.savings_by_category_eur["staff_eur"] or 0.0
    for name, line in (("electricity_eur_per_kwh", energy), ("pue", energy), ("staff_hours_per_host_per_year", staff)):
        bar = bars[name]
        assert bar.low_value == pytest.approx(0.8 * bar.base_value)
        assert bar.high_value == pytest.approx(1.2 * bar.base_value)
        assert bar.savings_high_eur is not None and bar.savings_low_eur is not None
        assert bar.savings_high_eur - bar.savings_low_eur == pytest.approx(0.4 * line, abs=0.05), name
        # Symmetric: the plan's own saving sits in the middle.
        assert (bar.savings_high_eur + bar.savings_low_eur) / 2 == pytest.approx(r.totals.savings_eur, abs=0.05)
    assert bars[OFFER_PRICE].base_value == outcome.target_offer.price_eur_ttc  # type: ignore[union-attr]
    assert (bars[OFFER_PRICE].savings_high_eur or 0) < (bars[OFFER_PRICE].savings_low_eur or 0)  # dearer: less saved
    assert bar_label(OFFER_PRICE) == "Prix du serveur de l'offre (€ TTC)"
    assert bar_label("pue", "en") == "Server room PUE"


def test_top_five_in_the_document(demo_inputs: EstateInputs) -> None:
    doc = run_plan(demo_inputs, PlanRequest(with_sensitivity=True), today=TODAY).document()
    assert doc.request.with_sensitivity
    swings = [b.swing_eur for b in doc.tornado]
    assert len(swings) == 5 and swings == sorted(swings, reverse=True) and swings[0] > 0
    assert PlanDocument.model_validate_json(doc.model_dump_json()) == doc
    r = doc.replacement
    assert r is not None
    # Hand check: the saving less the licence lines (running licences + perpetual licences not bought).
    bought = sum(
        (b.investissement_licences_eur or 0) - (s.investissement_licences_eur or 0)
        for b, s in zip(r.budget_baseline, r.budget_scenario, strict=True)
    )
    expected = (r.totals.savings_eur or 0) - (r.savings_by_category_eur["licences_eur"] or 0) - bought
    assert doc.saving_without_licences_eur == pytest.approx(expected, abs=0.01)
    assert saving_without_licences_eur(r) == doc.saving_without_licences_eur


def test_no_tornado_without_a_replacement_plan(demo_inputs: EstateInputs) -> None:
    doc = run_plan(demo_inputs, PlanRequest(with_replacement=False, with_sensitivity=True), today=TODAY).document()
    assert doc.replacement is None and doc.tornado == [] and doc.saving_without_licences_eur is None


@pytest.mark.parametrize("request_", [PlanRequest(), PlanRequest(yearly_investment_cap_eur=60_000.0)])
def test_recosting_gives_the_bars_of_packing_again_to_the_cent(
    demo_inputs: EstateInputs, request_: PlanRequest
) -> None:
    """Prices, rates, energy and staff leave the moves as they are: re-costing them gives the same
    savings, to the cent, as packing the whole estate again for each of the sixteen values."""
    outcome = run_plan(demo_inputs, request_, today=TODAY)
    calls: list[str] = []

    def counted(inputs: EstateInputs, request: PlanRequest):  # type: ignore[no-untyped-def]
        moved = [name for name in request.overrides if name != "reference_year"]
        calls.append(moved[0] if moved else OFFER_PRICE)
        return _run(inputs, request)

    fast = tornado(outcome, counted, top=len(CANDIDATES))
    repacked = len(calls)
    slow = tornado(outcome, counted, top=len(CANDIDATES), recost=False)
    assert len(calls) - repacked == 2 * len(CANDIDATES)  # the reference packs every time
    assert [b.model_dump() for b in fast] == [b.model_dump() for b in slow]
    assert all(b.savings_low_eur is not None and b.savings_high_eur is not None for b in fast)
    if request_.yearly_investment_cap_eur is None:
        # Only the support rate packs again: it changes the order in which due hosts are replaced.
        assert set(calls[:repacked]) <= {"support_rate_per_year"}
    else:  # under a cap, the prices decide what a year can buy: those pack again
        assert OFFER_PRICE in calls[:repacked] and "electricity_eur_per_kwh" not in calls[:repacked]
