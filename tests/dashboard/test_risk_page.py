"""Profils et risque: both answers, the risk curve chart and table, from the demo's profiles."""

from tests.dashboard.conftest import RunPage, texts


def test_demo_shows_both_answers_and_the_curve(run_page: RunPage, demo_url: str) -> None:
    at = run_page("risk", demo_url)
    assert not at.exception
    shown = texts(at)
    assert "Consolidation alignée sur le temps" in shown and "Retenu : profils d'usage" in shown
    assert len(at.get("plotly_chart")) == 1
    table = at.dataframe[0].value
    assert len(table["ceiling"]) == 7 and table["ceiling"].iloc[0].startswith("40")
    hosts = [int(h) for h in table["hosts_profile"]]
    assert hosts == sorted(hosts, reverse=True)  # more headroom, more hosts


def test_in_english(run_page: RunPage, demo_url: str) -> None:
    at = run_page("risk", demo_url, language="en")
    assert not at.exception
    assert "Time-aligned consolidation" in texts(at)


def test_backtest_table_before_and_after_per_cluster(run_page: RunPage, demo_url: str) -> None:
    from sqlmodel import Session

    from inventory import make_engine
    from parcimonie.formatting import format_number
    from parcimonie.planning import PlanRequest, load_estate, run_plan
    from tests.conftest import TODAY

    at = run_page("risk", demo_url)
    assert not at.exception
    assert "Rejeu du plan par cluster" in texts(at)
    table = at.dataframe[1].value
    with Session(make_engine(demo_url)) as session:
        backtest = run_plan(load_estate(session), PlanRequest(with_replacement=False), today=TODAY).document().backtest
    assert backtest is not None
    # One row per cluster of the estate, then the estate's: the before side is the estate as it runs.
    assert len(table) == len(backtest.before) + 1 and table["cluster"].iloc[-1] == "Parc entier"
    total = backtest.before_total
    assert table["hosts_before"].iloc[-1] == format_number(total.n_hosts)
    minutes = total.minutes_above_capacity_total, total.minutes_above_capacity_per_host
    assert table["capacity_before"].iloc[-1] == f"{format_number(minutes[0])} ({format_number(minutes[1])} / hôte)"
    assert table["worst_before"].iloc[-1].startswith(f"{total.worst_host} (")
