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
