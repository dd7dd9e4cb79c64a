"""plan_frames: baselines per assumptions, licences split out of investment, comparable scenarios."""

from dashboard.plan_frames import assumption_differences, best_scenario, budget_frame, cumulative_costs, savings_split
from parcimonie.planning.document import BudgetRow, Consolidation, PlanDocument, Replacement, Totals, YearRow
from parcimonie.planning.scenarios import SavedPlan


def _year(year: int, savings: float) -> YearRow:
    return YearRow.model_construct(year=year, savings_eur=savings, n_hosts_scenario=4, n_hosts_baseline=10)


def _scenario(name: str, *, baseline_net: float, licences: float = 0.0) -> SavedPlan:
    budget = [
        BudgetRow(
            year=y,
            investissement_eur=1000.0,
            investissement_licences_eur=licences,
            fctva_eur=0.0,
            energy_eur=0.0,
            maintenance_eur=0.0,
            licences_eur=0.0,
            staff_eur=0.0,
            rack_eur=0.0,
            fonctionnement_eur=0.0,
            net_eur=1000.0,
        )
        for y in (2027, 2028)
    ]
    baseline = [
        row.model_copy(update={"investissement_eur": 0.0, "investissement_licences_eur": 0.0, "net_eur": baseline_net})
        for row in budget
    ]
    replacement = Replacement.model_construct(
        budget_scenario=budget,
        budget_baseline=baseline,
        years=[2027, 2028],
        yearly=[_year(2027, 5.0), _year(2028, 7.0)],
        totals=Totals.model_construct(savings_eur=12.0),
        savings_by_category_eur={"investissement_eur": -2000.0},
    )
    document = PlanDocument.model_construct(
        replacement=replacement, consolidation=Consolidation.model_construct(n_hosts_before=10, n_hosts_after=4)
    )
    return SavedPlan(name, None, None, None, document)


def test_one_baseline_per_distinct_assumptions() -> None:
    curves = cumulative_costs(
        [_scenario("a", baseline_net=500.0), _scenario("b", baseline_net=500.0), _scenario("c", baseline_net=900.0)]
    )
    baselines = curves[curves["is_baseline"]]
    assert list(baselines["scenario"].unique()) == ["a · b", "c"]
    assert baselines[baselines["scenario"] == "c"]["cumulative"].tolist() == [900.0, 1800.0]


def test_perpetual_licences_are_split_out_of_investment() -> None:
    budget = budget_frame(_scenario("a", baseline_net=0.0, licences=300.0).document, which="scenario")
    assert budget.loc["investissement_materiel_eur", "2027"] == 700.0
    assert budget.loc["investissement_licences_eur", "2027"] == 300.0
    split = savings_split([_scenario("a", baseline_net=0.0, licences=300.0)]).iloc[0]
    assert split["investissement_licences_eur"] == -600.0 and split["investissement_materiel_eur"] == -1400.0


def test_only_scenarios_with_the_same_assumptions_compare() -> None:
    defaults = {"electricity_eur_per_kwh": 0.2, "horizon_years": 5}
    assert assumption_differences(dict(defaults), defaults) == {}
    assert assumption_differences({**defaults, "electricity_eur_per_kwh": 0.3}, defaults) == {
        "electricity_eur_per_kwh": 0.3
    }
    best = best_scenario([_scenario("a", baseline_net=100.0)])
    assert best is not None and best.year == 2028 and best.saving_eur_per_year == 7.0
