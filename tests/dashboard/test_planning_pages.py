"""Consolidation, Scénarios, Finances: controls change results, bad values are refused, saving works."""

from inventory import HostRecord, Snapshot, make_engine, record_run, upgrade_database
from tests.dashboard.conftest import RunPage, open_section, section_label, texts, unescape_markdown

PLACEMENT_COLUMNS = ["vm", "from_host", "cluster", "to_host", "n_vcpus", "memory_gib", "cpu_p95_mhz"]


def _metric(at, label: str) -> str:  # type: ignore[no-untyped-def]
    return next(m.value for m in at.metric if m.label == label)


def test_consolidation_controls_change_the_proposal(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    assert not at.exception
    offers = at.multiselect(key="cons_offers")
    offers.set_value(offers.options[:1]).run()  # one offer: host counts compare (the cheapest may change)
    before = int(_metric(at, "Hôtes avant"))
    after = int(_metric(at, "Hôtes, cible de consolidation"))
    assert after < before and int(_metric(at, "Borne inférieure")) <= after
    at.button(key="cons_preset").click().run()  # the sources' 40 % ceiling
    assert at.number_input(key="cons_ceiling").value == 40
    cautious = int(_metric(at, "Hôtes, cible de consolidation"))
    assert cautious >= after
    at.number_input(key="cons_ha").set_value(0).run()
    at.radio(key="cons_scope").set_value("estate").run()
    pooled = int(_metric(at, "Hôtes, cible de consolidation"))
    assert pooled < cautious
    assert not at.exception


def test_consolidation_review_host_by_host(run_page: RunPage, demo_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = run_page("consolidation", demo_url)
    assert not at.get("selectbox") or all(s.key != "cons_review" for s in at.selectbox)  # drawn when opened
    n_after = int(_metric(at, "Hôtes, cible de consolidation"))
    open_section(at, "after")
    hosts = at.selectbox(key="cons_review").options
    assert len(hosts) == n_after
    at.selectbox(key="cons_review").set_value(hosts[1]).run()
    assert f"placées sur {hosts[1]}" in texts(at)
    monkeypatch.setattr("dashboard.consolidation_detail.HOST_CHOICES", 3)  # a long list: the first ones offered
    at.run()
    assert len(at.selectbox(key="cons_review").options) == 3
    assert f"3 hôtes proposés sur {n_after}" in texts(at)
    at.text_input(key="cons_host_find").input(hosts[-1].upper()).run()  # a search finds any host, any case
    assert hosts[-1] in at.selectbox(key="cons_review").options
    table = next(d.value for d in at.dataframe if "host_limit" in d.value.columns)
    assert all(
        hosts[-1].lower() in h.lower() or hosts[-1].lower() in c.lower()
        for h, c in zip(table["host"], table["cluster"], strict=True)
    )
    at.text_input(key="cons_host_find").input("nothing-matches-this").run()
    assert not at.exception and "Aucun hôte ne correspond." in texts(at)


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
    after = _metric(at, "Hôtes, cible de consolidation")
    at.number_input(key="cons_ha").set_value(-3).run()
    at.number_input(key="cons_ceiling").set_value(0).run()
    assert not at.exception
    assert at.number_input(key="cons_ha").value == 1
    assert 5 <= at.number_input(key="cons_ceiling").value <= 100
    assert int(_metric(at, "Hôtes, cible de consolidation")) >= int(after)


def test_optimizer_refusal_is_a_message(run_page: RunPage, empty_url: str) -> None:
    engine = make_engine(empty_url)
    upgrade_database(engine)
    hosts_only = Snapshot(
        hosts=[
            HostRecord(
                external_id="h1",
                name="esx1",
                n_sockets=2,
                n_cores_per_socket=8,
                cpu_mhz=2100.0,
                memory_mib=131072.0,
                hypervisor_version="VMware ESXi 7.0.3",  # a hypervisor carrying no VM yet
            )
        ]
    )
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
    from dashboard.messages import plan_error, say
    from parcimonie.planning import PlanError
    from parcimonie.planning.messages import Message

    monkeypatch.setenv("PARCIMONIE_LANGUAGE", "en")
    assert unescape_markdown(plan_error(PlanError("error.unknown_offers", unknown=["X"], known=["A", "B"]))) == (
        "Parameters refused: unknown offer(s): X; known: A, B"
    )
    assert plan_error(PlanError("error.assumption.negative", name="assumption.pue", value="-1")) == (
        "Parameters refused: invalid assumptions: Server room PUE must be zero or more, got -1"
    )
    assert plan_error(ValueError("anything else")) == "Parameters refused: anything else"
    assert say(Message(code="reason.template")) == "template, excluded by policy"
    monkeypatch.setenv("PARCIMONIE_LANGUAGE", "fr")
    assert say(Message(code="reason.no_capacity_left")) == "plus aucun hôte cible n'a assez de capacité libre"
    assert say(Message(code="reason.too_large", params={"cpu_ref_mhz": 5200, "memory_mib": 65536})) == (
        "sa demande (5\u202f200 MHz de référence, 65\u202f536 Mio) dépasse la capacité utilisable de tous les "
        "hôtes cibles"
    )


def _amount(text: str) -> float:
    return float(text.replace("\u202f", "").replace("\u00a0€", "").replace(",", "."))


def test_consolidation_compares_every_offer_on_a_small_estate(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)  # 300 VMs: as the CLI and Finances, every offer competes
    offers = at.multiselect(key="cons_offers")
    assert len(offers.options) > 1 and offers.value == offers.options
    assert "Offre retenue" in texts(at) and "Offre étudiée" not in texts(at)


def test_consolidation_defaults_to_one_offer_and_compares_all_on_demand(
    run_page: RunPage, demo_url: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("dashboard.plans.COMPARE_ALL_MAX_VMS", 10)  # a "large" estate
    at = run_page("consolidation", demo_url)
    offers = at.multiselect(key="cons_offers")
    assert len(offers.value) == 1 and len(offers.options) > 1
    assert not at.dataframe[0].value.columns.tolist() == ["offer", "tco"]
    assert "Offre étudiée" in texts(at) and "Offre retenue" not in texts(at)  # it won no comparison
    at.button(key="cons_all").click().run()
    assert not at.exception
    assert at.multiselect(key="cons_offers").value == offers.options
    assert "Offre retenue" in texts(at)
    by_offer = at.dataframe[0].value
    assert list(by_offer.columns) == ["offer", "tco"] and len(by_offer) == len(offers.options)
    assert all(v.endswith("\u00a0€") for v in by_offer["tco"])


def test_consolidation_words_its_own_sentences(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    shown = texts(at)
    assert "VM placées sur" in shown and "borne inférieure" in shown
    assert " VMs on " not in shown and "lower bound" not in shown  # the optimizer's English message
    gap_help = next(m.help for m in at.metric if m.label == "Écart à la borne")
    assert _metric(at, "Écart à la borne") != "—" or "%" not in gap_help  # no "(0,0 %)" beside a "—"
    excluded = next(c.value for c in at.caption if "écartées par la politique" in c.value)
    assert "modèles de VM" in excluded and "éteintes" not in excluded  # powered-off VMs are planned by default
    n_excluded = int(excluded.split()[0].replace("\u202f", ""))
    tab = section_label(at, "VM non placées")
    assert int(tab.split("(")[1].rstrip(")").replace("\u202f", "")) >= n_excluded > 0
    open_section(at, "unplaced")
    listed = next(d.value for d in at.dataframe if list(d.value.columns) == ["vm", "host", "reason"])
    assert (listed["reason"] == "modèle de VM, exclu par la politique").sum() == n_excluded


def test_freed_hosts_keep_no_unplaced_vm() -> None:
    import pandas as pd

    from dashboard.consolidation_frames import consolidation_frames

    hosts = pd.DataFrame(
        {
            "id": [1, 2],
            "name": ["esx1", "esx2"],
            "cluster": ["A", "A"],
            "n_cores": [8, 8],
            "memory_gib": [64.0, 64.0],
            "purchase_year": [2016, 2017],
            "n_vms": [1, 1],
        }
    )
    vms = pd.DataFrame(
        {"name": ["big", "small"], "host": ["esx1", "esx2"], "is_template": [False, False], "power_state": ["on", "on"]}
    )
    from parcimonie.planning.document import Consolidation, Move, PlanDocument, PolicyEcho, RequestEcho, Unplaced
    from parcimonie.planning.messages import Message

    plan = PlanDocument.model_construct(
        request=RequestEcho(policy=PolicyEcho(ceiling=0.8, ha_reserve_hosts=1)),
        consolidation=Consolidation.model_construct(
            targets=[],
            placement=[Move(vm="small", from_host="esx2", to_host="nouveau-001")],
            hosts_freed=["esx1", "esx2"],
            unplaced=[Unplaced(vm="big", reason=Message(code="reason.no_capacity_left"))],
        ),
    )
    frames = consolidation_frames(plan, hosts=hosts, clusters={}, vms=vms)
    assert list(frames.freed["host"]) == ["esx2"] and frames.n_kept_by_unplaced == 1
    assert list(frames.unplaced["host"]) == ["esx1"] and frames.excluded.empty


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
    repacked = summary["offer"] == "Hôtes existants (resserrer)"  # never a raw None
    costed = summary[~repacked]
    # A figure either way (a tight ceiling may cost more than keeping the estate), never a dash.
    assert len(costed) == 2 and all(_amount(v) != 0 for v in costed["total_savings_eur"])
    assert all(int(v) > 0 for v in costed["plan_n_hosts"])
    assert all(_amount(v) > 0 for v in costed["plan_investment_eur"])
    repack = summary[repacked].iloc[0]
    assert repack["total_savings_eur"] == "—" and int(repack["n_hosts_freed"]) > 0
    assert repack["plan_n_hosts"] == "—"
    assert "None" not in summary.to_string()
    assert len(at.get("plotly_chart")) == 3  # cumulative, savings split, two scenarios year by year
    at.multiselect(key="scen_pick").set_value([costed["scenario"].iloc[0]]).run()
    assert len(at.dataframe[0].value) == 1
    at.switch_page("app_pages/overview.py").run()
    best = next(m for m in at.metric if m.label.startswith("Meilleur scénario : économie en "))
    assert best.value.endswith("\u00a0€") and "dernière année de son plan" in best.help
    assert "Meilleur scénario" in texts(at)


def test_a_plan_saved_by_the_cli_shows_everywhere(run_page: RunPage, demo_url: str) -> None:
    from sqlmodel import Session

    from inventory import session_scope
    from optimizer import Policy
    from parcimonie.planning import PlanRequest, load_estate, run_plan
    from parcimonie.planning.scenarios import save_plan
    from tests.conftest import TODAY

    engine = make_engine(demo_url)
    request = PlanRequest(
        method="heuristic",
        policy=Policy(ceiling=0.4, scope="estate"),
        yearly_investment_cap_eur=100000,
        overrides={"electricity_eur_per_kwh": 0.30},
    )  # `parcimonie plan --scenario CLI …`
    with Session(engine) as session:
        result = run_plan(load_estate(session), request, today=TODAY).document()
    with session_scope(engine) as session:
        save_plan(session, result, name="Plan CLI", snapshot_at=None, actor="test")
    at = run_page("scenarios", demo_url)
    assert not at.exception
    summary = at.dataframe[0].value
    assert list(summary["scenario"]) == ["Plan CLI"]
    row = summary.iloc[0]
    assert row["offer"] == result.consolidation.offer
    assert int(row["n_hosts_after"]) == result.consolidation.n_hosts_after
    replacement = result.replacement
    assert replacement is not None
    assert int(row["plan_n_hosts"]) == replacement.yearly[-1].n_hosts_scenario  # the saved plan's end
    assert _amount(row["plan_investment_eur"]) == round(
        sum(r.investissement_eur or 0 for r in replacement.budget_scenario)
    )
    assert _amount(row["total_savings_eur"]) == round(replacement.totals.savings_eur or 0)
    assert len(at.get("plotly_chart")) == 2
    at.switch_page("app_pages/overview.py").run()
    assert "Plan CLI" in texts(at)
    assert not any(m.label.startswith("Meilleur scénario : économie en") for m in at.metric)  # other assumptions
    assert "Non comparés" in texts(at) and "Prix de l'électricité (€ TTC/kWh) = 0,3" in texts(at)
    at.switch_page("app_pages/finances.py").run()
    at.selectbox(key="fin_source").set_value("Plan CLI").run()
    assert not at.exception
    form = {n.label: n for n in at.number_input}
    price, ceiling = form["Prix de l'électricité (c€/kWh TTC)"], form["Plafond d'utilisation (%)"]
    assert price.disabled and price.value == 30 and ceiling.value == 40  # the scenario's, not the defaults
    assert at.radio[0].value == "estate"
    assert any("Plan « Plan CLI » calculé à 0,30 €/kWh" in c.value and "100\u202f000" in c.value for c in at.caption)
    options = at.dataframe[0].value
    assert list(options["label"])[1:] == [o.name for o in result.options[1:]]
    at.selectbox(key="fin_source").set_value("").run()  # back to the form: its own values
    assert at.number_input(key="fin_price").value == 20 and not at.number_input(key="fin_price").disabled


def test_scenarios_page_without_scenarios(run_page: RunPage, demo_url: str) -> None:
    at = run_page("scenarios", demo_url, language="en")
    assert not at.exception
    assert "No saved scenario" in texts(at)


def test_finances_tco_tca_budget_and_energy_price(run_page: RunPage, demo_url: str) -> None:
    at = run_page("finances", demo_url)
    assert not at.exception
    options = at.dataframe[0].value
    assert options["label"].iloc[0] == "Garder le parc actuel" and len(options) > 3
    assert options["label"].iloc[1] == "Consolider sur les hôtes existants"
    assert all(_amount(v) > 0 for v in options["tca_eur_ttc"].iloc[2:])
    assert options["tca_eur_ttc"].iloc[0] == "0\u00a0€" == options["tca_eur_ttc"].iloc[1]
    assert "tco_gap_eur" in options and "licence_purchase_eur_ttc" in options  # TCO gap, not the plan's saving
    assert any(m.label == "Économie du plan" for m in at.metric)
    # The cheapest mix of offers is the last option, and its sentence gives the same TCO and the bound
    # (the text is Markdown-escaped).
    mix_tco = options["tco_eur"].iloc[-1]
    (mix_line,) = [i.value.replace("\\", "") for i in at.info if "en mélangeant les offres" in i.value]
    assert options["label"].iloc[-1] in mix_line and f"TCO {mix_tco}" in mix_line and "borne prouvée" in mix_line
    budget = at.dataframe[1].value
    assert "FCTVA perçu (recette)" in budget.index and "Investissement (achats, 2183)" not in budget.index
    invest, hardware, licences = (
        budget.loc[line].map(_amount)
        for line in ("Investissement (achats)", "dont matériel (2183)", "dont licences perpétuelles (2051)")
    )
    assert (abs(hardware + licences - invest) <= 1).all() and licences.sum() > 0
    assert "licences perpétuelles Windows Datacenter (2051)" in texts(at)
    keep_before = _amount(options["tco_eur"].iloc[0])
    assert at.number_input(key="fin_price").value == 20  # c€/kWh: no decimal point in French
    at.number_input(key="fin_price").set_value(40).run()  # in the form: nothing recomputed yet
    assert _amount(at.dataframe[0].value["tco_eur"].iloc[0]) == keep_before
    at.number_input(key="fin_price").set_value(40)
    at.button(key="fin_apply").click().run()  # submitted with the form
    assert _amount(at.dataframe[0].value["tco_eur"].iloc[0]) > keep_before
    assert any("0,40 €/kWh" in c.value for c in at.caption)
    at.selectbox(key="fin_option").set_value("baseline").run()
    assert not at.exception
    at.number_input(key="fin_price").set_value(-1).run()
    assert not at.exception and 1 <= at.number_input(key="fin_price").value <= 200


def test_finances_offers_the_budget_workbook(run_page: RunPage, demo_url: str) -> None:
    at = run_page("finances", demo_url)
    at.toggle(key="fin_prepare").set_value(True).run()
    assert not at.exception and not at.error
    assert [b.key for b in at.get("download_button")] == ["fin_download"]


def test_placement_table_is_paged_and_filtered_by_target_host(run_page: RunPage, demo_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("dashboard.tables.PAGE_ROWS", 100)

    def placement():  # type: ignore[no-untyped-def]
        return [d.value for d in at.dataframe if list(d.value.columns) == PLACEMENT_COLUMNS][-1]

    at = run_page("consolidation", demo_url)
    assert not at.exception
    tab = section_label(at, "Placement")
    n_vms = int(tab.split("(")[1].split()[0])
    assert not [d for d in at.dataframe if list(d.value.columns) == PLACEMENT_COLUMNS]  # drawn when opened
    open_section(at, "placement")
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
    at.text_input(key="cons_to_host_find").input(hosts[2]).run()  # the target host found by a search
    assert hosts[2] in at.selectbox(key="cons_to_host").options and not at.exception
    at.text_input(key="cons_search").input("nothing-matches-this").run()
    assert "Aucune VM ne correspond." in texts(at) and len(placement()) == 0


def test_freed_hosts_and_unplaced_vms_are_paged_and_searched(run_page: RunPage, demo_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("dashboard.tables.PAGE_ROWS", 5)
    at = run_page("consolidation", demo_url)
    n_freed = int(section_label(at, "Hôtes libérés").split("(")[1].rstrip(")").replace("\u202f", ""))
    assert n_freed > 5
    open_section(at, "freed")
    freed = next(d.value for d in at.dataframe if "n_vms_before" in d.value.columns)
    assert len(freed) == 5 and f"Hôtes 1 à 5 sur {n_freed}" in texts(at)
    at.number_input(key="cons_freed_page").set_value(2).run()
    second = next(d.value for d in at.dataframe if "n_vms_before" in d.value.columns)
    assert not set(second["host"]) & set(freed["host"]) and f"Hôtes 6 à {min(10, n_freed)} sur {n_freed}" in texts(at)
    at.text_input(key="cons_freed_search").input(freed["host"].iloc[0]).run()  # back to page 1 of the matches
    found = next(d.value for d in at.dataframe if "n_vms_before" in d.value.columns)
    assert freed["host"].iloc[0] in set(found["host"]) and at.number_input(key="cons_freed_page").value == 1
    n_unplaced = int(section_label(at, "VM non placées").split("(")[1].rstrip(")").replace("\u202f", ""))
    open_section(at, "unplaced")
    listed = next(d.value for d in at.dataframe if list(d.value.columns) == ["vm", "host", "reason"])
    assert len(listed) == min(5, n_unplaced) and f"VM 1 à {min(5, n_unplaced)} sur {n_unplaced}" in texts(at)
    assert listed["reason"].map(lambda r: isinstance(r, str) and len(r) > 0).all()  # put into words


def test_finances_shows_both_baselines_and_capacity(run_page: RunPage, demo_url: str) -> None:
    at = run_page("finances", demo_url)
    assert not at.exception
    baselines = next(d.value for d in at.dataframe if "Base de comparaison" in d.value.columns)
    assert list(baselines["Base de comparaison"]) == [
        "Conserver le parc tel quel",
        "Renouveler à l'identique (chaque hôte à l'âge de remplacement)",
    ]
    assert any("Capacité libérée, hors budget" in c.value for c in at.caption)
    assert any(m.label == "Valeur résiduelle en fin d'horizon" for m in at.metric)
