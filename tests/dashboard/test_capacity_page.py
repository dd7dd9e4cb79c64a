"""Capacité: the table of time remaining and the forecast chart, from the capacity history."""

from datetime import date
from pathlib import Path

from collectors.demo import generate_demo_estate
from inventory import make_engine, record_run, upgrade_database
from tests.conftest import TODAY
from tests.dashboard.conftest import RunPage, texts


def test_one_run_shows_the_table_and_says_growth_needs_more(run_page: RunPage, demo_url: str) -> None:
    at = run_page("capacity", demo_url)
    assert not at.exception
    shown = texts(at)
    assert "Capacité dans le temps" in shown and "Une seule date de collecte" in shown
    table = at.dataframe[0].value
    assert table["Groupe"].iloc[-1] == "Parc entier" and (table["Dates"] == 1).all()
    assert len(at.get("plotly_chart")) == 1


def test_growing_estate_in_english(run_page: RunPage, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    for n_vms, as_of in ((100, date(2025, 1, 1)), (150, date(2025, 7, 1)), (200, date(2026, 1, 1))):
        record_run(
            engine,
            source="demo",
            kind="demo",
            collect=lambda n=n_vms: generate_demo_estate(n_vms=n, today=TODAY),  # type: ignore[misc]
            as_of=as_of,
        )
    engine.dispose()
    at = run_page("capacity", url, language="en")
    assert not at.exception
    shown = texts(at)
    assert "Capacity over time" in shown and "A single collection date" not in shown
    table = at.dataframe[0].value
    # the estate has three dates; a cluster the smallest demo estate lacks has two
    assert table["Group"].iloc[-1] == "Whole estate" and table["Dates"].iloc[-1] == 3 and table["Dates"].min() >= 2
    at.radio(key="capacity_resource").set_value("memory").run()
    assert not at.exception and len(at.get("plotly_chart")) == 1


def test_empty_database_explains_how_to_collect(run_page: RunPage, empty_url: str) -> None:
    at = run_page("capacity", empty_url)
    assert not at.exception and "parcimonie demo --no-serve" in texts(at)


def test_measured_load_per_cluster_and_host(run_page: RunPage, demo_url: str) -> None:
    """The demo's hosts have profiles: one row per cluster and per profiled host, figures as the CLI's."""
    from sqlmodel import Session

    from parcimonie.planning.host_profiles import estate_load

    with Session(make_engine(demo_url)) as session:
        load = estate_load(session)
    at = run_page("capacity", demo_url, language="en")
    assert not at.exception and "Measured CPU load" in texts(at)
    clusters, hosts = at.dataframe[1].value, at.dataframe[2].value
    assert list(clusters["Cluster"]) == [c.cluster for c in load.clusters]
    assert len(hosts) == len(load.hosts) and (hosts["> 100 % day (min)"] >= 0).all()
    first = load.hosts[0]
    row = hosts[hosts["Host"] == first.name].iloc[0]
    assert row["> 80 % week (min)"] == round(first.load.minutes_over_80_week or 0)
    assert row["Day's peak"] == f"{round((first.load.peak_day or 0) * 100)}%"


def test_no_host_profile_says_how_to_get_some(run_page: RunPage, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    estate = generate_demo_estate(n_vms=30, today=TODAY).model_copy(update={"host_profiles": []})
    record_run(engine, source="demo", kind="demo", collect=lambda: estate)
    engine.dispose()
    at = run_page("capacity", url)
    assert not at.exception and "Aucun profil d'usage d'hôte" in texts(at)
