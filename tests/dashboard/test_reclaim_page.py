"""Récupération: the ranked list and its totals, the same figures as `parcimonie reclaim`."""

from pathlib import Path

from inventory import ensure_default_catalogue, make_engine, session_scope, upgrade_database
from parcimonie.formatting import format_eur
from tests.dashboard.conftest import RunPage, texts
from tests.parcimonie.reclaim_estate import EXPECTED, TOTAL_EUR, write_reclaim_estate


def test_small_estate_shows_the_cli_figures(run_page: RunPage, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    write_reclaim_estate(engine)
    engine.dispose()
    at = run_page("reclaim", url)
    assert not at.exception
    shown = texts(at)
    assert "Récupération avant consolidation" in shown
    assert f"Euros libérés par an (TTC) {format_eur(TOTAL_EUR)}" in shown  # 1 272 EUR, as the CLI prints it
    assert "3 VM à récupérer" in shown and "VM zombie" in shown
    table = at.dataframe[0].value
    assert list(table["name"]) == ["old-off", "big", "idle"] and set(table["name"]) == set(EXPECTED)
    assert table["eur"].iloc[0] == format_eur(822.49)


def test_demo_estate_in_english(run_page: RunPage, demo_url: str) -> None:
    at = run_page("reclaim", demo_url, language="en")
    assert not at.exception
    shown = texts(at)
    assert "Reclamation before consolidation" in shown and "VMs to reclaim" in shown
    at.toggle(key="reclaim_powered_off").set_value(False).run()
    assert not at.exception


def test_plan_after_reclamation_beside_the_plan(run_page: RunPage, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    write_reclaim_estate(engine)
    with session_scope(engine) as session:
        ensure_default_catalogue(session)  # offers to pack on
    engine.dispose()
    at = run_page("reclaim", url)
    at.toggle(key="reclaim_compare").set_value(True).run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    # The zombie and the idle VM are removed before packing, as `plan --after-reclaim` does.
    assert metrics["VM retirées avant consolidation"] == "2"
    hosts = int(metrics["Hôtes nécessaires après récupération"])
    assert f"après : {hosts}" in texts(at)
