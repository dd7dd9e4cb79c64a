"""Consolidation, Scénarios, Finances: controls change results, bad values are refused, saving works."""

from inventory import HostRecord, Snapshot, make_engine, record_run, upgrade_database
from tests.dashboard.conftest import RunPage, texts


def _metric(at, label: str) -> str:  # type: ignore[no-untyped-def]
    return next(m.value for m in at.metric if m.label == label)


def test_consolidation_controls_change_the_proposal(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    assert not at.exception
    before = int(_metric(at, "Hôtes avant"))
    after = int(_metric(at, "Hôtes après"))
    assert after < before and int(_metric(at, "Borne inférieure")) <= after
    at.button(key="cons_preset").click().run()  # the sources' 40 % ceiling
    assert at.number_input(key="cons_ceiling").value == 40
    cautious = int(_metric(at, "Hôtes après"))
    assert cautious >= after
    at.number_input(key="cons_ha").set_value(0).run()
    at.radio(key="cons_scope").set_value("estate").run()
    pooled = int(_metric(at, "Hôtes après"))
    assert pooled < cautious
    assert not at.exception


def test_consolidation_review_host_by_host(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    targets = at.dataframe[0].value if len(at.dataframe) and "host" in at.dataframe[0].value else None
    hosts = at.selectbox(key="cons_review").options
    assert len(hosts) == int(_metric(at, "Hôtes après"))
    at.selectbox(key="cons_review").set_value(hosts[1]).run()
    assert f"placées sur {hosts[1]}" in texts(at)
    del targets


def test_consolidation_repack_and_empty_offer_choice(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    at.radio(key="cons_target").set_value("existing").run()
    assert not at.exception
    assert "hôtes libérés" in texts(at)
    at.radio(key="cons_target").set_value("new").run()
    at.multiselect(key="cons_offers").set_value([]).run()
    assert not at.exception
    assert any("au moins une offre" in w.value for w in at.warning)


def test_out_of_range_values_are_refused_by_the_controls(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    after = _metric(at, "Hôtes après")
    at.number_input(key="cons_ha").set_value(-3).run()
    at.number_input(key="cons_ceiling").set_value(0).run()
    assert not at.exception
    assert at.number_input(key="cons_ha").value == 1
    assert 5 <= at.number_input(key="cons_ceiling").value <= 100
    assert int(_metric(at, "Hôtes après")) >= int(after)


def test_optimizer_refusal_is_a_message(run_page: RunPage, empty_url: str) -> None:
    engine = make_engine(empty_url)
    upgrade_database(engine)
    hosts_only = Snapshot(hosts=[HostRecord(external_id="h1", name="esx1", n_sockets=2,
                                            n_cores_per_socket=8, cpu_mhz=2100.0,
                                            memory_mib=131072.0)])
    record_run(engine, source="csv", kind="csv", collect=lambda: hosts_only)
    at = run_page("consolidation", empty_url)
    assert any("au moins une offre" in w.value for w in at.warning)  # no catalogue in this base
    at.radio(key="cons_target").set_value("existing").run()
    assert not at.exception
    assert any("Paramètres refusés" in e.value and "inventaire est vide" in e.value for e in at.error)
    at.sidebar.selectbox(key="language").set_value("en").run()  # the planning layer's French, translated
    assert any(e.value.startswith("Parameters refused: the inventory is empty") for e in at.error)
    at = run_page("finances", empty_url)  # the planning layer's refusal, not a traceback
    assert not at.exception
    assert any("inventaire est vide" in e.value for e in at.error)


def test_plan_errors_and_reasons_are_translated(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dashboard.messages import plan_error, unplaced_reason
    from parcimonie.planning import PlanError

    monkeypatch.setenv("PARCIMONIE_LANGUAGE", "en")
    assert plan_error(PlanError("offre(s) inconnue(s) : X ; connues : A, B")) == (
        "Parameters refused: unknown offer(s): X; known: A, B")
    assert plan_error(PlanError("hypothèses invalides : bad")) == "Parameters refused: invalid assumptions: bad"
    assert plan_error(PlanError("ceiling must be in (0, 1]")) == "Parameters refused: ceiling must be in (0, 1]"
    assert unplaced_reason("template excluded by policy (include_templates=False)") == (
        "template, excluded by policy")
    monkeypatch.setenv("PARCIMONIE_LANGUAGE", "fr")
    assert unplaced_reason("no target host left with enough free capacity") == (
        "plus aucun hôte cible n'a assez de capacité libre")
    assert unplaced_reason("demand (5200 ref MHz, 65536 MiB) exceeds the usable capacity of every target host") == (
        "la demande (5200 MHz de réf., 65536 Mio) dépasse la capacité utilisable de chaque hôte cible")
    assert unplaced_reason("something new") == "something new"


def _amount(text: str) -> float:
    return float(text.replace("\u202f", "").replace("\u00a0€", "").replace(",", "."))


def test_consolidation_defaults_to_one_offer_and_compares_all_on_demand(run_page: RunPage,
                                                                        demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    offers = at.multiselect(key="cons_offers")
    assert len(offers.value) == 1 and len(offers.options) > 1
    assert not at.dataframe[0].value.columns.tolist() == ["offer", "tco"]
    at.button(key="cons_all").click().run()
    assert not at.exception
    assert at.multiselect(key="cons_offers").value == offers.options
    by_offer = at.dataframe[0].value
    assert list(by_offer.columns) == ["offer", "tco"] and len(by_offer) == len(offers.options)
    assert all(v.endswith("\u00a0€") for v in by_offer["tco"])


def test_save_then_compare_scenarios_and_headline(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    at.button(key="cons_save").click().run()
    assert any("enregistré" in s.value for s in at.success)
    at.button(key="cons_save").click().run()  # same name twice is refused, not a traceback
    assert any("existe déjà" in e.value for e in at.error)
    at.checkbox(key="cons_replace").check().run()
    at.button(key="cons_save").click().run()
    assert any("enregistré" in s.value for s in at.success)
    at.number_input(key="cons_ceiling").set_value(50).run()
    at.button(key="cons_save").click().run()
    at.radio(key="cons_target").set_value("existing").run()  # a repack is saved too
    at.button(key="cons_save").click().run()
    assert not at.exception and any("enregistré" in s.value for s in at.success)
    at.switch_page("app_pages/scenarios.py").run()
    assert not at.exception
    summary = at.dataframe[0].value
    assert len(summary) == 3
    costed = summary[summary["offer"].notna()]
    assert len(costed) == 2 and all(_amount(v) > 0 for v in costed["total_savings_eur"])
    repack = summary[summary["offer"].isna()].iloc[0]
    assert repack["total_savings_eur"] == "—" and int(repack["n_hosts_freed"]) > 0
    assert len(at.get("plotly_chart")) == 2
    at.multiselect(key="scen_pick").set_value([costed["scenario"].iloc[0]]).run()
    assert len(at.dataframe[0].value) == 1
    at.switch_page("app_pages/overview.py").run()
    assert _metric(at, "Économie du meilleur scénario").endswith("\u00a0€")
    assert "Meilleur scénario" in texts(at)


def test_a_plan_saved_by_the_cli_shows_everywhere(run_page: RunPage, demo_url: str) -> None:
    from sqlmodel import Session

    from inventory import save_scenario, session_scope
    from parcimonie.estate_inputs import load_estate
    from parcimonie.planning import PlanRequest, run_plan
    from tests.conftest import TODAY

    engine = make_engine(demo_url)
    request = PlanRequest(method="heuristic")  # what `parcimonie plan --scenario CLI` runs
    with Session(engine) as session:
        result = run_plan(load_estate(session), request, today=TODAY).to_dict()
    with session_scope(engine) as session:
        save_scenario(session, name="Plan CLI", kind="plan", parameters=request.to_dict(), results=result)
    at = run_page("scenarios", demo_url)
    assert not at.exception
    summary = at.dataframe[0].value
    assert list(summary["scenario"]) == ["Plan CLI"]
    row = summary.iloc[0]
    assert row["offer"] == result["consolidation"]["offer"]
    assert int(row["n_hosts_after"]) == result["consolidation"]["n_hosts_after"]
    assert _amount(row["total_savings_eur"]) == round(result["replacement"]["totals"]["savings_eur"])
    assert len(at.get("plotly_chart")) == 2
    at.switch_page("app_pages/overview.py").run()
    assert "Plan CLI" in texts(at)
    at.switch_page("app_pages/finances.py").run()
    at.selectbox(key="fin_source").set_value("Plan CLI").run()
    assert not at.exception
    assert at.number_input(key="fin_price").disabled
    options = at.dataframe[0].value
    assert list(options["label"])[1:] == [o["name"] for o in result["options"][1:]]


def test_scenarios_page_without_scenarios(run_page: RunPage, demo_url: str) -> None:
    at = run_page("scenarios", demo_url, language="en")
    assert not at.exception
    assert "No saved scenario" in texts(at)


def test_finances_tco_tca_budget_and_energy_price(run_page: RunPage, demo_url: str) -> None:
    at = run_page("finances", demo_url)
    assert not at.exception
    options = at.dataframe[0].value
    assert options["label"].iloc[0] == "Garder le parc actuel" and len(options) > 2
    assert all(_amount(v) > 0 for v in options["tca_eur_ttc"].iloc[1:])
    assert options["tca_eur_ttc"].iloc[0] == "0\u00a0€"
    budget = at.dataframe[1].value
    assert "Investissement (achats, 2183)" in budget.index and "FCTVA perçu (recette)" in budget.index
    assert budget.loc["Investissement (achats, 2183)"].iloc[0].endswith("\u00a0€")
    keep_before = _amount(options["tco_eur"].iloc[0])
    at.number_input(key="fin_price").set_value(0.40).run()  # in the form: nothing recomputed yet
    assert _amount(at.dataframe[0].value["tco_eur"].iloc[0]) == keep_before
    at.number_input(key="fin_price").set_value(0.40)
    at.button(key="fin_apply").click().run()  # submitted with the form
    assert _amount(at.dataframe[0].value["tco_eur"].iloc[0]) > keep_before
    assert any("0,40 €/kWh" in c.value for c in at.caption)
    at.selectbox(key="fin_option").set_value("baseline").run()
    assert not at.exception
    at.number_input(key="fin_price").set_value(-1.0).run()
    assert not at.exception and 0.01 <= at.number_input(key="fin_price").value <= 2.0


def test_finances_offers_the_budget_workbook(run_page: RunPage, demo_url: str) -> None:
    at = run_page("finances", demo_url)
    at.toggle(key="fin_prepare").set_value(True).run()
    assert not at.exception and not at.error
    assert [b.key for b in at.get("download_button")] == ["fin_download"]


def test_placement_table_is_paged_and_filtered_by_target_host(run_page: RunPage, demo_url: str,
                                                              monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("dashboard.tables.PAGE_ROWS", 100)

    def placement():  # type: ignore[no-untyped-def]
        return [d.value for d in at.dataframe if list(d.value.columns) == ["vm", "from_host", "cluster", "to_host"]][-1]

    at = run_page("consolidation", demo_url)
    assert not at.exception
    tab = next(tab.label for tab in at.tabs if tab.label.startswith("Placement"))
    n_vms = int(tab.split("(")[1].split()[0])
    assert n_vms > 200 and len(placement()) == 100
    assert f"VM 1 à 100 sur {n_vms}" in texts(at)
    at.number_input(key="cons_page").set_value(3).run()
    assert f"VM 201 à {min(300, n_vms)} sur {n_vms}" in texts(at)
    hosts = at.selectbox(key="cons_to_host").options
    at.selectbox(key="cons_to_host").set_value(hosts[1]).run()  # back to page 1 of this host's VMs
    assert not at.exception and at.number_input(key="cons_page").value == 1
    shown = placement()
    assert 0 < len(shown) < 100 and set(shown["to_host"]) == {hosts[1]}
    assert f"VM 1 à {len(shown)} sur {len(shown)}" in texts(at)
    at.text_input(key="cons_search").input("nothing-matches-this").run()
    assert "Aucune VM ne correspond." in texts(at) and len(placement()) == 0
