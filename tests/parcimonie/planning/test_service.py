"""The planning service on the demo estate: consolidation, options, replacement, JSON, workbook."""

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from collectors.demo import generate_demo_estate
from inventory import ensure_default_catalogue, get_scenario, make_engine, record_run, session_scope
from optimizer import Policy
from parcimonie.cli import app
from parcimonie.planning import EXISTING, EstateInputs, PlanError, PlanRequest, load_estate, run_plan
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.workbook import workbook_bytes
from tests.conftest import TODAY

runner = CliRunner()


def test_default_plan_is_consistent(demo_inputs: EstateInputs) -> None:
    plan = run_plan(demo_inputs, PlanRequest(), today=TODAY).document()
    assert PlanDocument.model_validate_json(plan.model_dump_json()) == plan  # JSON round trip, no numpy left
    c = plan.consolidation
    assert c.lower_bound <= c.n_hosts_after < c.n_hosts_before == demo_inputs.hosts.n_hosts
    placed = {row.vm for row in c.placement}
    assert len(placed) + c.n_excluded_by_policy + len(c.unplaced) == demo_inputs.vms.n_vms
    assert sum(t.n_vms for t in c.targets) == len(c.placement)
    assert all(0 <= (t.cpu_utilisation or 0) <= 0.8 + 1e-9 for t in c.targets)
    assert plan.start_year == TODAY.year + 1
    r = plan.replacement
    assert r is not None and r.years[0] == TODAY.year + 1
    assert sum(row.net_eur or 0 for row in r.budget_scenario) == pytest.approx(r.totals.scenario_eur, abs=0.1)
    assert sum(y.savings_eur or 0 for y in r.yearly) == pytest.approx(r.totals.savings_eur, abs=0.1)
    keep, repack, *rest = plan.options
    offers = [o for o in rest if o.kind == "offer"]
    # The cheapest mix of offers comes last, when one was found.
    assert [o.kind for o in rest] == ["offer"] * len(offers) + (["mix"] if plan.fleet_mix else [])
    assert (keep.kind, repack.kind) == ("keep", "repack")
    assert keep.tca_eur_ttc == 0 == repack.tca_eur_ttc and all((o.tca_eur_ttc or 0) > 0 for o in offers)
    assert c.offer in c.tco_by_offer_eur and c.offer == r.offer
    # The cheapest option that places every VM wins, the repack onto the hosts owned included.
    cheapest = min([repack, *offers], key=lambda o: o.tco_eur or 0.0)
    assert plan.best_option == ("existing" if cheapest is repack else cheapest.name)
    if plan.best_option == "existing":
        assert any(w.code == "warning.repack_cheapest" for w in plan.warnings)
    # The best offer's TCO is the one its option carries: computed once.
    assert c.tco_by_offer_eur[c.offer] == next(o.tco_eur for o in offers if o.name == c.offer)


def test_sensitivity_is_the_energy_line_at_each_price(demo_inputs: EstateInputs) -> None:
    plan = run_plan(demo_inputs, PlanRequest(with_replacement=False), today=TODAY).document()
    at = {p.price_eur_per_kwh: p.tco_eur_by_option for p in plan.sensitivity}
    assert 0.20 in at  # the plan's own price (default 0,20 € TTC/kWh)
    for option in plan.options:
        assert at[0.20][option.name] == pytest.approx(option.tco_eur, abs=0.02)
        # Energy is linear in the price: 0,30 €/kWh costs 0,10 € more per kWh than 0,20 €/kWh.
        assert at[0.30][option.name] - at[0.20][option.name] == pytest.approx(0.10 * option.energy_kwh, abs=0.05)


def test_repack_on_existing_hosts_has_no_purchase(demo_inputs: EstateInputs) -> None:
    plan = run_plan(demo_inputs, PlanRequest(offers=(EXISTING,), policy=Policy(ceiling=0.4)), today=TODAY).document()
    assert plan.replacement is None and plan.consolidation.offer is None and plan.best_option == "existing"
    assert plan.consolidation.hosts_freed
    keep, repack = plan.options  # the repack is costed like any option: no purchase, fewer hosts running
    assert repack.kind == "repack" and repack.tca_eur_ttc == 0 and plan.target_option == repack
    assert repack.n_hosts == plan.consolidation.n_hosts_after < keep.n_hosts
    assert (repack.energy_eur or 0) < (keep.energy_eur or 0) and (repack.tco_eur or 0) < (keep.tco_eur or 0)


def test_lower_ceiling_needs_more_hosts(demo_inputs: EstateInputs) -> None:
    offers = (demo_inputs.offers[0].name,)
    loose = run_plan(demo_inputs, PlanRequest(policy=Policy(ceiling=0.8), offers=offers), today=TODAY)
    tight = run_plan(demo_inputs, PlanRequest(policy=Policy(ceiling=0.4), offers=offers), today=TODAY)
    assert tight.consolidation.n_hosts_after > loose.consolidation.n_hosts_after


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (PlanRequest(offers=("nope",)), "offre\\(s\\) inconnue\\(s\\) : nope"),
        (PlanRequest(overrides={"no_such_figure": 1}), "hypothèse inconnue no_such_figure"),
        (PlanRequest(overrides={"pue": -1.0}), "PUE de la salle"),
    ],
)
def test_bad_requests_are_plan_errors(demo_inputs: EstateInputs, request_: PlanRequest, message: str) -> None:
    with pytest.raises(PlanError, match=message) as err:
        run_plan(demo_inputs, request_, today=TODAY)
    assert err.value.message.code.startswith("error.")


def test_empty_estate_is_a_plan_error(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        inputs = load_estate(session)
    with pytest.raises(PlanError, match="vide"):
        run_plan(inputs, PlanRequest(), today=date(2026, 1, 1))


def test_workbook_has_the_budget_sheets(demo_inputs: EstateInputs, tmp_path: Path) -> None:
    plan = run_plan(demo_inputs, PlanRequest(), today=TODAY).document()
    path = tmp_path / "budget.xlsx"
    path.write_bytes(workbook_bytes(plan, title="Test"))
    book = load_workbook(path)
    assert book.sheetnames == [
        "Synthèse",
        "Budget M57",
        "AP-CP",
        "TCO vs TCA",
        "Placement",
        "Migrations",
        "Hôtes à retirer",
        "Hypothèses",
    ]  # no "Sensibilité": the tornado was not asked for
    header = next(book["Budget M57"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert header[5:8] == (f"{TODAY.year + 1} HT", f"{TODAY.year + 1} TVA", f"{TODAY.year + 1} TTC")
    assert book["Placement"].max_row == len(plan.consolidation.placement) + 1
    tco = [row for row in book["TCO vs TCA"].iter_rows(min_row=2, values_only=True)]
    assert tco[0][0] == "Conserver le parc" and len(tco) == len(plan.options)
    # The same figure on every surface: the workbook's savings are the document's, to the cent.
    summary = {row[0]: row[1] for row in book["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert plan.replacement is not None
    assert summary["Économies sur l'horizon (TTC)"] == plan.replacement.totals.savings_eur


def test_cli_plan_scenario_and_report(tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    assert runner.invoke(app, ["demo", "--no-serve", "--vms", "200"], env=env).exit_code == 0
    result = runner.invoke(app, ["plan", "--ceiling", "0.4", "--scenario", "Prudent 40 %", "--json"], env=env)
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["format"] == 2 and plan["request"]["policy"]["ceiling"] == 0.4
    result = runner.invoke(app, ["plan", "--set", "electricity_eur_per_kwh=0,30"], env=env)
    assert result.exit_code == 0 and "TCO vs TCA" in result.output
    assert "Face à « renouveler à l'identique »" in result.output and "Capacité libérée" in result.output
    assert "Prudent 40 %" in runner.invoke(app, ["scenarios"], env=env).output
    with Session(make_engine(env["PARCIMONIE_DATABASE_URL"])) as session:
        saved = get_scenario(session, "Prudent 40 %")
        assert saved is not None and saved.snapshot_at is not None and saved.parameters["policy"]["ceiling"] == 0.4
    xlsx = tmp_path / "budget.xlsx"
    result = runner.invoke(app, ["report", "--xlsx", str(xlsx), "--scenario", "Prudent 40 %"], env=env)
    assert result.exit_code == 0, result.output
    assert load_workbook(xlsx)["Synthèse"]["B2"].value == "Prudent 40 %"
    result = runner.invoke(app, ["report", "--xlsx", str(xlsx), "--scenario", "absent"], env=env)
    assert result.exit_code == 2 and "scénario inconnu" in result.output
    result = runner.invoke(app, ["plan", "--set", "pue"], env=env)
    assert result.exit_code == 2 and "NOM=VALEUR" in result.output


def test_interactive_plan_skips_the_replacement(demo_inputs: EstateInputs) -> None:
    full = run_plan(demo_inputs, PlanRequest(), today=TODAY)
    quick = run_plan(demo_inputs, PlanRequest(with_replacement=False), today=TODAY)
    assert full.replacement is not None and quick.replacement is None
    assert quick.consolidation.n_hosts_after == full.consolidation.n_hosts_after
    assert quick.document().replacement is None


def test_physical_servers_and_unsized_vms_stay_out_of_plans(sqlite_engine: Engine) -> None:
    """A file server with no hypervisor is neither licensed for vSphere nor retired; a VM without size is named."""
    from inventory import HostRecord, Snapshot, VirtualMachineRecord, upsert_observations

    estate = generate_demo_estate(n_vms=100, today=TODAY)
    estate.hosts.append(
        HostRecord(
            external_id="srv-fichiers",
            name="srv-fichiers",
            hypervisor_version="Microsoft Windows Server 2019",
            n_sockets=1,
            n_cores_per_socket=8,
            cpu_mhz=2100.0,
            memory_mib=65536.0,
        )
    )
    estate.vms.append(VirtualMachineRecord(external_id="vm-x", name="vm-sans-taille", host_external_id="host-1000"))
    with session_scope(sqlite_engine) as session:
        ensure_default_catalogue(session)
        upsert_observations(session=session, source="demo", snapshot=Snapshot.model_validate(estate.model_dump()))
    with Session(sqlite_engine) as session:
        inputs = load_estate(session)
    assert "srv-fichiers" in inputs.physical_hosts and "srv-fichiers" not in inputs.hosts.names
    assert inputs.unsized_vms == ("vm-sans-taille",) and "vm-sans-taille" not in inputs.vms.names
    plan = run_plan(inputs, PlanRequest(), today=TODAY).document()
    assert plan.replacement is not None
    assert "srv-fichiers" not in [r.host for r in plan.replacement.retirements]
    assert plan.estate.physical_hosts and plan.estate.unsized_vms == ["vm-sans-taille"]


def test_tables_hold_ttc_and_the_plan_takes_vat_out_once(demo_inputs: EstateInputs, sqlite_engine: Engine) -> None:
    from sqlalchemy import select

    from inventory import Host

    with Session(sqlite_engine) as session:
        ttc = {h.name: h.support_cost_eur_per_year for h in session.scalars(select(Host))}
    i = next(k for k, name in enumerate(demo_inputs.hosts.names) if ttc.get(name))
    assert demo_inputs.hosts.support_cost_eur_ttc_per_year[i] == pytest.approx(ttc[demo_inputs.hosts.names[i]])
    # Whatever the VAT rate, new hardware costs what the catalogue says TTC.
    offer = demo_inputs.offers[0]
    for vat in (0.2, 0.1):
        request = PlanRequest(offers=(offer.name,), with_replacement=False, overrides={"vat_rate": vat})
        option = run_plan(demo_inputs, request, today=TODAY).options[0]
        hardware_ttc = option.tca_eur_ttc - option.licence_purchase_eur_ttc
        assert hardware_ttc == pytest.approx(option.n_hosts * (offer.price_eur_ttc + (offer.install_eur_ttc or 0.0)))
        assert option.tca_eur_ttc == pytest.approx(option.tca_eur_ht * (1 + vat))


def test_policy_is_echoed_with_the_plan(demo_inputs: EstateInputs) -> None:
    policy = Policy(ceiling=0.4, ha_reserve_hosts=2)
    plan = run_plan(demo_inputs, PlanRequest(policy=policy, with_replacement=False), today=TODAY)
    # The demo's VMs have usage profiles: "auto" resolves the policy's demand to "profile".
    resolved = replace(policy, demand="profile")
    assert plan.consolidation.policy == resolved and plan.request.policy == resolved
    echo = plan.document().request.policy
    assert (echo.ceiling, echo.ha_reserve_hosts, echo.demand) == (0.4, 2, "profile")


def test_workbook_assumptions_are_numbers_and_name_the_cheapest_option(
    demo_inputs: EstateInputs, tmp_path: Path
) -> None:
    plan = run_plan(demo_inputs, PlanRequest(overrides={"discount_rate": 0.04}), today=TODAY).document()
    path = tmp_path / "budget.xlsx"
    path.write_bytes(workbook_bytes(plan, title="Test"))
    book = load_workbook(path)
    rows = {row[0]: row[1] for row in book["Hypothèses"].iter_rows(min_row=2, values_only=True)}
    assert rows["Taux d'actualisation"] == 0.04 and rows["Plafond d'utilisation"] == 0.8
    assert rows["Horizon (années)"] == 5 and rows["FCTVA récupéré"] == "oui"
    summary = {row[0]: row[1] for row in book["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert plan.replacement is not None
    like = next(c for c in plan.replacement.comparisons if c.baseline == "like_for_like")
    assert summary["Économies face à « renouveler à l'identique » (TTC)"] == like.savings_eur
    assert plan.replacement.capacity is not None
    assert summary["Heures d'exploitation libérées sur l'horizon (hors budget)"] == (
        plan.replacement.capacity.staff_hours_freed_total
    )
    best = plan.best_option
    assert summary["Option la moins chère sur l'horizon"] == (
        "Consolider sur les hôtes existants" if best == "existing" else best
    )


def test_plan_survives_impossible_stored_values(engine: Engine) -> None:
    """Rows an older version stored with negative, NaN or infinite sizes are left out of the plan and named."""
    import numpy as np

    from tests.inventory.bad_rows import BAD_HOST_VALUES, BAD_VM_VALUES, corrupt

    with session_scope(engine) as session:
        ensure_default_catalogue(session)
    record_run(engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=200, today=TODAY))
    bad_hosts, bad_vms, nan_vm = corrupt(engine)
    assert set(bad_hosts) == set(BAD_HOST_VALUES) and set(bad_vms) == set(BAD_VM_VALUES)
    with Session(engine) as session:
        inputs = load_estate(session)
    invalid_hosts, invalid_vms = dict(inputs.invalid_hosts), dict(inputs.invalid_vms)
    assert set(invalid_hosts) == set(bad_hosts.values())
    for field, name in bad_hosts.items():
        assert invalid_hosts[name].startswith(f"{field} = ") and "attendu" in invalid_hosts[name]
        assert name not in inputs.hosts.names
    for field, name in bad_vms.items():
        assert invalid_vms[name].startswith(f"{field} = ")
        assert name not in inputs.vms.names and name in inputs.unsized_vms
    assert nan_vm not in inputs.vms.names and nan_vm in inputs.unsized_vms  # NULL on SQLite, NaN on PostgreSQL
    for column in (inputs.hosts.n_cores, inputs.hosts.cpu_mhz, inputs.hosts.memory_mib, inputs.vms.memory_mib):
        assert np.isfinite(column).all() and (column >= 0).all()
    assert (inputs.vms.n_vcpus > 0).all()
    plan = run_plan(inputs, PlanRequest(), today=TODAY).document()
    assert set(bad_hosts.values()) <= set(plan.estate.skipped_hosts) | set(plan.estate.physical_hosts)
    assert set(bad_vms.values()) | {nan_vm} <= set(plan.estate.unsized_vms)
    json.loads(plan.model_dump_json(), parse_constant=lambda name: pytest.fail(f"{name} in the plan"))


def test_cli_inventory_json_with_impossible_stored_values(tmp_path: Path) -> None:
    """D03/D04/G10: `inventory --json` printed Infinity/NaN (invalid JSON) over bad stored rows."""
    from tests.inventory.bad_rows import corrupt

    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    assert runner.invoke(app, ["demo", "--no-serve", "--vms", "60"], env=env).exit_code == 0
    engine = make_engine(env["PARCIMONIE_DATABASE_URL"])
    corrupt(engine)
    engine.dispose()
    result = runner.invoke(app, ["inventory", "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    assert data["total_memory_gib"] >= 0 and data["total_vcpus"] >= 0
    result = runner.invoke(app, ["plan", "--json"], env=env)
    assert result.exit_code == 0, result.output
    json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in the plan"))


def test_plan_document_reports_both_baselines_and_capacity(demo_inputs: EstateInputs) -> None:
    """Issue #8: savings against keeping and against renewing like for like, each named; residual
    value, capacity and transition lines; the keep baseline's flags."""
    plan = run_plan(demo_inputs, PlanRequest(), today=TODAY).document()
    r = plan.replacement
    assert r is not None
    keep, like = r.comparisons
    assert (keep.baseline, like.baseline) == ("keep", "like_for_like")
    assert keep.savings_eur == r.totals.savings_eur and keep.payback_year == r.payback_year
    like_total = sum(row.net_eur or 0 for row in r.budget_like_for_like)
    assert like.baseline_eur == pytest.approx(like_total, abs=0.1)
    assert like.savings_eur == pytest.approx(like_total - (r.totals.scenario_eur or 0), abs=0.1)
    assert sum(y.savings_vs_like_for_like_eur or 0 for y in r.yearly) == pytest.approx(like.savings_eur, abs=0.1)
    assert set(r.like_for_like_renewals) <= set(demo_inputs.hosts.names)
    # Staff and rack are capacity by default: the same lines as keeping the estate.
    assert r.capacity is not None and not r.capacity.staff_savings_are_cash
    assert r.savings_by_category_eur["staff_eur"] == 0 and r.savings_by_category_eur["rack_eur"] == 0
    assert r.capacity.staff_hours_freed_total == pytest.approx(sum(y.staff_hours_freed or 0 for y in r.yearly))
    # Transition lines add up to the budget's transition line; residual value apart.
    for y, b in zip(r.yearly, r.budget_scenario, strict=True):
        assert (y.disposal_eur or 0) + (y.migration_eur or 0) + (y.training_eur or 0) == pytest.approx(
            b.transition_eur or 0, abs=0.02
        )
    assert r.residual_value is not None and not r.residual_value.counted_in_savings
    flags = r.keep_flags
    assert flags is not None and set(flags.out_of_warranty_first_year) <= set(flags.out_of_warranty_by_last_year)
    if flags.out_of_warranty_first_year or flags.past_replacement_age_first_year:
        assert any(w.code == "warning.keep_out_of_support" for w in plan.warnings)


def test_a_cap_too_low_to_buy_has_no_payback(demo_inputs: EstateInputs) -> None:
    """`--cap 1`: nothing bought, nothing retired: savings 0, payback None ("au-delà de l'horizon")."""
    plan = run_plan(demo_inputs, PlanRequest(yearly_investment_cap_eur=1.0), today=TODAY).document()
    r = plan.replacement
    assert r is not None and sum(y.new_hosts for y in r.yearly) == 0
    assert r.totals.savings_eur == 0 and r.payback_year is None
    assert all(c.payback_year is None for c in r.comparisons)


def test_a_cap_that_leaves_more_hosts_warns() -> None:
    """A cap that buys a host and its HA reserve but retires one old host: 2 old + 2 new = 3 + 1
    hosts at the end, more than the 3 of today -> warning.more_hosts_at_end (the warning reads the
    last year of the document)."""
    from parcimonie.planning.build import plan_warnings
    from parcimonie.planning.document import Consolidation, Replacement, RequestEcho

    row = {
        "n_hosts_baseline": 3,
        "new_hosts": 0,
        "savings_eur": -10.0,
        "cumulative_savings_eur": -10.0,
        **dict.fromkeys(
            (
                "energy_kwh_scenario",
                "energy_kwh_baseline",
                "operational_kgco2e_scenario",
                "operational_kgco2e_baseline",
                "embodied_kgco2e_purchased",
                "carbon_savings_kgco2e",
            ),
            0.0,
        ),
    }
    drivers = {
        "n_hosts_replaced": 1,
        "n_hosts_new": 2,
        "n_hosts_reserve": 1,
        "binding_resource": "cpu",
        "main_driver": "utilisation",
        **dict.fromkeys(
            (
                "ratio",
                "vms_per_host_before",
                "vms_per_host_after",
                "cpu_utilisation_before",
                "cpu_utilisation_after",
                "per_core_perf_gain",
                "core_count_gain",
            ),
            None,
        ),
    }
    r = Replacement.model_validate(
        {
            "status": "OK",
            "offer": "x",
            "years": [2027],
            "yearly": [{"year": 2027, "n_hosts_scenario": 4, **row}],
            "budget_scenario": [],
            "budget_baseline": [],
            "totals": dict.fromkeys(
                ("scenario_eur", "baseline_eur", "savings_eur", "npv_savings_eur", "fctva_after_horizon_eur"), 0.0
            ),
            "savings_by_category_eur": {},
            "payback_year": None,
            "carbon_payback_year": None,
            "retirements": [],
            "unplaced": [],
            "drivers": drivers,
        }
    )
    c = Consolidation.model_construct(unplaced=[], targets=[], n_ha_reserve_hosts=0)
    echo = RequestEcho.model_validate(
        {"policy": {"ceiling": 0.8, "ha_reserve_hosts": 0}, "yearly_investment_cap_eur": 1e4}
    )
    codes = [w.code for w in plan_warnings(c, r, echo)]
    assert "warning.more_hosts_at_end" in codes


@pytest.mark.parametrize("cap", [1.0, 70_000.0, 80_000.0, 90_000.0, 120_000.0])
def test_real_caps_warn_when_they_leave_more_hosts(demo_inputs: EstateInputs, cap: float) -> None:
    """On the demo estate: whenever a capped plan runs more hosts than today in any year (both fleets
    side by side), it says so."""
    plan = run_plan(demo_inputs, PlanRequest(yearly_investment_cap_eur=cap), today=TODAY).document()
    r = plan.replacement
    assert r is not None
    more = any(y.n_hosts_scenario > y.n_hosts_baseline for y in r.yearly)
    assert more == any(w.code == "warning.more_hosts_at_end" for w in plan.warnings)
    if sum(y.new_hosts for y in r.yearly) == 0:
        assert r.payback_year is None
