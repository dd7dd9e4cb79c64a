"""Every page: renders on the demo estate in both languages, explains an empty database, hides secrets."""

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from inventory import estate_summary, make_engine, upgrade_database
from parcimonie.cli import app
from tests.conftest import TODAY
from tests.dashboard.conftest import PAGES, RunPage, texts, unescape_markdown

SECRET = "S3cr3t-Pa55"


@pytest.mark.parametrize("page", PAGES)
def test_uninitialised_database_explains_how_to_collect(run_page: RunPage, empty_url: str, page: str) -> None:
    at = run_page(page, empty_url)
    assert not at.exception
    shown = texts(at)
    assert "parcimonie demo --no-serve" in shown and "parcimonie init" in shown
    assert "Traceback" not in shown


@pytest.mark.parametrize("page", ["overview", "inventory", "consolidation", "finances"])
def test_initialised_but_empty_database(run_page: RunPage, empty_url: str, page: str) -> None:
    upgrade_database(make_engine(empty_url))
    at = run_page(page, empty_url, language="en")
    assert not at.exception
    assert "The inventory is empty" in texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_unreachable_database_never_shows_its_password(run_page: RunPage, page: str) -> None:
    url = f"postgresql+psycopg://parcimonie:{SECRET}@127.0.0.1:1/parcimonie?connect_timeout=2"
    at = run_page(page, url)
    assert not at.exception
    shown = texts(at) + "\n".join(unescape_markdown(str(el.value)) for el in at.sidebar.caption)
    assert SECRET not in shown
    assert "***" in shown
    assert any("inaccessible" in e.value for e in at.error)


def test_overview_figures_match_the_inventory(run_page: RunPage, demo_url: str) -> None:
    at = run_page("overview", demo_url)
    assert not at.exception
    with Session(make_engine(demo_url)) as session:
        summary = estate_summary(session, today=TODAY)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Hôtes"] == str(summary.n_hosts)
    assert metrics["VM"] == str(summary.n_vms)
    assert metrics["VM par hôte"] == f"{summary.vms_per_host:.1f}".replace(".", ",")
    opex = f"Coût de fonctionnement annuel {TODAY.year + 1}"  # the budget's first year, not a TCO
    assert metrics[opex].endswith("\u00a0€") and "\u202f" in metrics[opex]
    assert "Ni achat ni amortissement" in next(m.help for m in at.metric if m.label == opex)
    assert "serveurs physiques (sans hyperviseur) hors des plans" in texts(at)  # why plans count fewer hosts
    assert len(at.get("plotly_chart")) == 1


def test_language_switch_in_the_sidebar(run_page: RunPage, demo_url: str) -> None:
    at = run_page("overview", demo_url)
    assert "Vue d'ensemble du parc" in texts(at)
    at.sidebar.selectbox(key="language").set_value("en").run()
    assert not at.exception
    shown = texts(at)
    label = f"Yearly operating cost {TODAY.year + 1}"
    assert "Estate overview" in shown and label in shown
    assert any(m.value.startswith("€") for m in at.metric if m.label == label)


def test_overview_states_the_data_confidence_as_the_cli_does(run_page: RunPage, demo_url: str) -> None:
    at = run_page("overview", demo_url)
    assert not at.exception
    env = {"PARCIMONIE_DATABASE_URL": demo_url, "PARCIMONIE_LOG_LEVEL": "WARNING", "COLUMNS": "1000"}
    result = CliRunner().invoke(app, ["plan", "--method", "heuristic"], env=env)
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("Confiance dans les données : ")
    shown = [unescape_markdown(e.value) for e in [*at.info, *at.warning]]
    assert first in shown, (first, shown)
