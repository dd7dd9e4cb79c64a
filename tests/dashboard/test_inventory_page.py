"""Inventaire: filters change the tables; charts render; English labels on demand."""

from sqlmodel import Session, select

from inventory import Host, make_engine
from tests.dashboard.conftest import RunPage, texts


def _rows(at, index: int) -> int:  # type: ignore[no-untyped-def]
    return len(at.dataframe[index].value)


def test_tables_and_charts_render(run_page: RunPage, demo_url: str) -> None:
    at = run_page("inventory", demo_url)
    assert not at.exception
    engine = make_engine(demo_url)
    with Session(engine) as session:
        n_hosts = len(session.exec(select(Host)).all())
    assert _rows(at, 0) == n_hosts
    assert "Inventaire" in texts(at)
    assert len(at.get("plotly_chart")) == 3
    assert f"{n_hosts} hôtes affichés sur {n_hosts}." in texts(at)


def test_search_filters_hosts_and_vms(run_page: RunPage, demo_url: str) -> None:
    at = run_page("inventory", demo_url)
    hosts_before, vms_before = _rows(at, 0), _rows(at, 1)
    at.text_input(key="inv_search").input("esxhdv001").run()
    assert not at.exception
    assert _rows(at, 0) == 1
    assert at.dataframe[0].value.iloc[0]["name"].startswith("esxhdv001")
    vms = at.dataframe[1].value
    assert 0 < len(vms) < vms_before and set(vms["host"]) == {at.dataframe[0].value.iloc[0]["name"]}
    at.text_input(key="inv_search").input("nothing-matches-this").run()
    assert _rows(at, 0) == 0 and _rows(at, 1) == 0
    assert hosts_before > 1


def test_cluster_and_status_filters(run_page: RunPage, demo_url: str) -> None:
    at = run_page("inventory", demo_url)
    total = _rows(at, 0)
    at.multiselect(key="inv_clusters").select("CL-DMZ").run()
    hosts = at.dataframe[0].value
    assert 0 < len(hosts) < total and set(hosts["cluster"]) == {"CL-DMZ"}
    assert set(at.dataframe[1].value["cluster"]) <= {"CL-DMZ"}
    at.multiselect(key="inv_clusters").unselect("CL-DMZ").run()
    at.multiselect(key="inv_status").select("to_retire").run()
    hosts = at.dataframe[0].value
    assert 0 < len(hosts) < total and set(hosts["status"]) == {"À retirer"}


def _vm_tab(at) -> int:  # type: ignore[no-untyped-def]
    label = next(tab.label for tab in at.tabs if tab.label.startswith("VM ("))
    return int(label.split("(")[1].rstrip(")").replace("\u202f", ""))


def test_templates_toggle_adds_templates(run_page: RunPage, demo_url: str) -> None:
    at = run_page("inventory", demo_url)
    without = _rows(at, 1)
    assert _vm_tab(at) == without  # the tab counts what the table shows: templates hidden
    at.toggle(key="inv_templates").set_value(True).run()
    assert _rows(at, 1) > without and _vm_tab(at) == _rows(at, 1)


def test_english(run_page: RunPage, demo_url: str) -> None:
    at = run_page("inventory", demo_url, language="en")
    assert not at.exception
    assert "Inventory" in texts(at) and "hosts shown of" in texts(at)


def test_filter_placeholders_follow_the_language(run_page: RunPage, demo_url: str) -> None:
    at = run_page("inventory", demo_url, language="en")
    assert at.multiselect(key="inv_clusters").placeholder == "Every cluster"
    assert at.multiselect(key="inv_status").placeholder == "Every status"
    at.sidebar.selectbox(key="language").set_value("fr").run()
    assert at.multiselect(key="inv_clusters").placeholder == "Tous les clusters"
