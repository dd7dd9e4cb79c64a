"""Issue #12: per-cluster before/after and VM sizes (Consolidation), hardware search (Inventaire),
saving from Finances, comparing two scenarios year by year (Scénarios)."""

import math

import pandas as pd
from sqlmodel import Session, select

from dashboard.consolidation_frames import cluster_before_after
from inventory import Host, make_engine
from parcimonie.planning.document import PolicyEcho
from tests.dashboard.conftest import RunPage, open_section, section_label, texts


def _metric(at, label: str) -> str:  # type: ignore[no-untyped-def]
    return next(m.value for m in at.metric if m.label == label)


def _frame(at, column: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The table holding ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_cluster_before_after_names_the_limiting_resource() -> None:
    targets = pd.DataFrame(
        {
            "host": ["a", "b", "c", "d"],
            "cluster": ["X", "X", "X", "Y"],
            "kind": ["new", "new", "ha", "existing"],
            "n_vms": [10, 6, 0, 3],
            "cpu_utilisation": [0.6, 0.4, 0.0, None],
            "memory_utilisation": [0.7, 0.5, 0.0, 0.2],
        }
    )
    frame = cluster_before_after(targets, {"X": 5, "Z": 2})
    by = frame.set_index("cluster")
    assert list(by.index) == ["X", "Y", "Z"]
    assert by.loc["X", "n_hosts_before"] == 5 and by.loc["X", "n_hosts_after"] == 3 and by.loc["X", "n_vms"] == 16
    assert math.isclose(by.loc["X", "cpu_utilisation"], 0.5) and math.isclose(by.loc["X", "memory_utilisation"], 0.6)
    assert by.loc["X", "limit"] == "memory"  # the HA reserve host is not in the means
    assert by.loc["Y", "limit"] == "memory" and by.loc["Y", "n_hosts_before"] == 0
    assert by.loc["Z", "n_hosts_after"] == 0 and by.loc["Z", "limit"] is None


def test_cluster_limit_weighs_each_cap() -> None:
    targets = pd.DataFrame(
        {
            "host": ["a", "b", "c"],
            "cluster": ["X", "X", "Y"],
            "kind": ["existing", "existing", "existing"],
            "n_vms": [4, 4, 2],
            "cpu_utilisation": [0.4, 0.2, 0.6],
            "memory_utilisation": [0.2, 0.2, 0.1],
            "vcpus_per_core": [3.0, 3.4, 1.0],
            "memory_allocated_ratio": [0.5, 0.5, 0.1],
        }
    )
    policy = PolicyEcho(ceiling=0.8, ha_reserve_hosts=1, vcpu_ratio=4.0)
    by = cluster_before_after(targets, {"X": 2, "Y": 1}, policy).set_index("cluster")
    # X: CPU 0.3 / 0.8 = 0.375, memory 0.25, vCPUs 3.2 / 4 = 0.8: the vCPU cap binds.
    assert by.loc["X", "limit"] == "vcpu_ratio"
    # Y: CPU 0.6 / 0.8 = 0.75 against 1 / 4 = 0.25 vCPUs: demand binds.
    assert by.loc["Y", "limit"] == "cpu"
    # No cap: only CPU and memory compete.
    free = PolicyEcho(ceiling=0.8, ha_reserve_hosts=1)
    assert cluster_before_after(targets, {}, free).set_index("cluster").loc["X", "limit"] == "cpu"


def test_consolidation_per_cluster_and_vm_sizes(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    assert not at.exception
    clusters = _frame(at, "limit")
    assert clusters["n_hosts_before"].sum() == int(_metric(at, "Hôtes avant"))
    assert clusters["n_hosts_after"].sum() == int(_metric(at, "Hôtes, cible de consolidation"))
    assert set(clusters["limit"]) <= {"CPU", "Mémoire", "vCPU par cœur", "Surallocation mémoire", "—"}
    loaded = clusters[(clusters["n_vms"] > 0) & clusters["limit"].isin(["CPU", "Mémoire"])]
    higher = [
        "CPU" if c >= m else "Mémoire"
        for c, m in zip(loaded["cpu_utilisation"], loaded["memory_utilisation"], strict=True)
    ]
    assert list(loaded["limit"]) == higher
    assert section_label(at, "Par cluster (")  # the part open by default
    open_section(at, "after")
    hosts_after = _frame(at, "host_limit")
    assert set(hosts_after["host_limit"]) <= {"CPU", "Mémoire", "vCPU par cœur", "Surallocation mémoire", "—"}
    assert (hosts_after["vcpus_per_core"].dropna() <= 4.0 + 1e-9).all()  # the default cap
    assert "Ressource limitante" in texts(at) or any("ressource limitante" in c.value.lower() for c in at.caption)
    placement = [d.value for d in at.dataframe if "cpu_p95_mhz" in d.value.columns][-1]
    assert {"n_vcpus", "memory_gib", "cpu_p95_mhz"} <= set(placement.columns)
    assert placement["n_vcpus"].notna().all() and (placement["n_vcpus"] > 0).all()
    assert (placement["memory_gib"] > 0).all()
    at.radio(key="cons_scope").set_value("estate").run()  # pooled: one row for the whole estate
    assert not at.exception
    open_section(at, "clusters")
    pooled = _frame(at, "limit")
    assert list(pooled["cluster"]) == ["Parc entier (périmètre parc)"]
    assert pooled["n_hosts_before"].iloc[0] == int(_metric(at, "Hôtes avant"))
    assert pooled["n_hosts_after"].iloc[0] == int(_metric(at, "Hôtes, cible de consolidation"))


def test_consolidation_per_cluster_in_english(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url, language="en")
    assert not at.exception
    assert section_label(at, "By cluster (")
    assert set(_frame(at, "limit")["limit"]) <= {"CPU", "Memory", "vCPUs per core", "Memory overcommit", "—"}


def test_inventory_search_matches_vendor_model_and_cpu(run_page: RunPage, demo_url: str) -> None:
    engine = make_engine(demo_url)
    with Session(engine) as session:
        hosts = [(h.name, h.vendor, h.model, h.cpu_model) for h in session.exec(select(Host)).all()]
    engine.dispose()
    name, vendor, model, cpu = hosts[0]
    assert vendor and model and cpu
    at = run_page("inventory", demo_url)
    at.text_input(key="inv_search").input(vendor.lower()).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == sum(1 for h in hosts if vendor.lower() in f"{h[1]} {h[2]} {h[3]}".lower())
    assert name in set(shown["name"])
    vms = at.dataframe[1].value
    assert len(vms) > 0 and set(vms["host"]) <= set(shown["name"])  # the VMs of the hosts found
    at.text_input(key="inv_search").input(f"{vendor} {model}").run()
    shown = at.dataframe[0].value
    assert len(shown) > 0 and set(shown["model"]) == {f"{vendor} {model}"}
    at.text_input(key="inv_search").input(cpu).run()
    shown = at.dataframe[0].value
    assert name in set(shown["name"]) and len(shown) == sum(1 for h in hosts if cpu.lower() in (h[3] or "").lower())
    at.text_input(key="inv_search").input(name).run()  # names still match
    assert list(at.dataframe[0].value["name"]) == [name]


def _save_name(at):  # type: ignore[no-untyped-def]
    return next(w for w in at.text_input if str(w.key).startswith("fin_save_name"))


def test_finances_saves_the_plan_shown(run_page: RunPage, demo_url: str) -> None:
    at = run_page("finances", demo_url)
    assert not at.exception
    assert len(at.selectbox(key="fin_source").options) == 1  # nothing saved yet
    name = _save_name(at).value
    assert name.startswith("Finances — ")
    at.button(key="fin_save").click().run()
    assert not at.exception and not at.error
    assert f"Scénario « {name} » enregistré." in texts(at)
    assert name in at.selectbox(key="fin_source").options  # the page lists it at once
    at.button(key="fin_save").click().run()  # the same name again: refused
    assert any("existe déjà" in e.value for e in at.error)
    _save_name(at).input("   ").run()
    at.button(key="fin_save").click().run()
    assert any("doit avoir un nom" in e.value for e in at.error)
    _save_name(at).input("Budget 2027").run()
    at.button(key="fin_save").click().run()
    assert not at.error and "Budget 2027" in texts(at)
    at.selectbox(key="fin_source").set_value("Budget 2027").run()  # a saved scenario: nothing to save
    assert not at.exception and not [b for b in at.button if b.key == "fin_save"]
    scenarios = run_page("scenarios", demo_url)
    assert set(scenarios.dataframe[0].value["scenario"]) == {name, "Budget 2027"}


def _amount(text: str) -> float:
    return float(text.replace("\u202f", "").replace("\u00a0€", "").replace(",", ".").replace("−", "-"))


def _save_two_plans(run_page: RunPage, demo_url: str) -> None:
    at = run_page("finances", demo_url)
    _save_name(at).input("A 80").run()
    at.button(key="fin_save").click().run()
    at.number_input(key="fin_ceiling").set_value(50)
    at.button(key="fin_apply").click().run()
    _save_name(at).input("B 50").run()
    at.button(key="fin_save").click().run()
    assert not at.exception and not at.error


def test_scenarios_compare_two_year_by_year(run_page: RunPage, demo_url: str) -> None:
    at = run_page("scenarios", demo_url)
    assert not at.exception  # nothing saved: the page says so
    _save_two_plans(run_page, demo_url)
    at = run_page("consolidation", demo_url)
    at.radio(key="cons_target").set_value("existing").run()  # a repack: no budget to compare
    at.button(key="cons_save").click().run()
    at = run_page("scenarios", demo_url)
    assert not at.exception
    first, second = at.selectbox(key="scen_first"), at.selectbox(key="scen_second")
    assert set(first.options) == {"A 80", "B 50"} and first.value != second.value
    first.set_value("A 80").run()
    at.selectbox(key="scen_second").set_value("B 50").run()
    table = _frame(at, "Budget net : A 80")
    assert list(table.columns) == ["Année", "Budget net : A 80", "Budget net : B 50", "Écart (B 50 − A 80)"]
    assert len(table) >= 1 and all(y.isdigit() for y in table["Année"])
    for _, row in table.iterrows():
        a, b = _amount(row["Budget net : A 80"]), _amount(row["Budget net : B 50"])
        assert abs(_amount(row["Écart (B 50 − A 80)"]) - (b - a)) <= 1
    charts = [c for c in at.get("plotly_chart") if "Budget net par ann" in str(c.proto)]
    assert len(charts) == 1
    at.selectbox(key="scen_second").set_value("A 80").run()
    assert not at.exception and "Choisissez deux scénarios différents." in texts(at)


def test_scenarios_compare_in_english(run_page: RunPage, demo_url: str) -> None:
    _save_two_plans(run_page, demo_url)
    at = run_page("scenarios", demo_url, language="en")
    assert not at.exception
    assert "Compare two scenarios, year by year" in texts(at)
    assert any(c.startswith("Difference (") for d in at.dataframe for c in d.value.columns)


def test_scenarios_renamed_and_deleted_from_the_page(run_page: RunPage, demo_url: str) -> None:
    _save_two_plans(run_page, demo_url)
    at = run_page("scenarios", demo_url)
    at.selectbox(key="scen_manage").set_value("A 80").run()
    (new_name,) = [w for w in at.text_input if w.key and w.key.startswith("scen_new_")]
    new_name.input("B 50").run()  # already used: refused, nothing renamed
    at.button(key="scen_rename").click().run()
    assert not at.exception and any("B 50" in e.value for e in at.error)
    (new_name,) = [w for w in at.text_input if w.key and w.key.startswith("scen_new_")]
    new_name.input("A 80 (comité)").run()
    at.button(key="scen_rename").click().run()
    assert not at.exception and "« A 80 » renommé en « A 80 (comité) »." in texts(at)
    assert set(at.selectbox(key="scen_manage").options) == {"A 80 (comité)", "B 50"}
    # Deleting needs the box ticked first.
    at.selectbox(key="scen_manage").set_value("B 50").run()
    assert at.button(key="scen_delete").disabled
    (sure,) = [c for c in at.checkbox if c.key and c.key.startswith("scen_sure_")]  # one box per scenario
    sure.check().run()
    at.button(key="scen_delete").click().run()
    assert not at.exception and "« B 50 » supprimé." in texts(at)
    assert at.selectbox(key="scen_manage").options == ["A 80 (comité)"]


def test_consolidation_caps_set_on_the_page(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    before = int(_metric(at, "Hôtes, cible de consolidation"))
    at.number_input(key="cons_vcpu_ratio").set_value(0.5).run()  # half a vCPU per core
    assert not at.exception
    assert int(_metric(at, "Hôtes, cible de consolidation")) > before
    assert "vCPU par cœur" in set(_frame(at, "limit")["limit"])
    assert any("au plus 0,5 vCPU par cœur" in c.value for c in at.caption)
    open_section(at, "after")
    hosts_after = _frame(at, "host_limit")
    assert (hosts_after["vcpus_per_core"].dropna() <= 0.5 + 1e-9).all()


def test_consolidation_p2v_switch_lists_the_servers_apart(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    assert not any(s.value == "Serveurs physiques à virtualiser" for s in at.subheader)
    at.checkbox(key="cons_p2v").check().run()
    assert not at.exception
    assert any(s.value == "Serveurs physiques à virtualiser" for s in at.subheader)
    servers = _frame(at, "savings_eur_per_year")
    assert len(servers) >= 1 and servers["to_host"].notna().all()
    assert (servers["savings_eur_per_year"] > 0).all()
    assert any("À virtualiser" in m.value for m in at.markdown)
