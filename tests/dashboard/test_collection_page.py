"""Collecte: latest run per source, failed runs with their error, no schedule."""

from inventory import SourceUnavailable, make_engine, record_run
from tests.dashboard.conftest import RunPage, texts


def _fail() -> None:
    raise SourceUnavailable("vcenter.ville.local:443 ne répond pas")


def test_runs_and_errors(run_page: RunPage, demo_url: str) -> None:
    record_run(make_engine(demo_url), source="vsphere:vc1", kind="vsphere", collect=_fail)  # type: ignore[arg-type]
    at = run_page("collection", demo_url)
    assert not at.exception
    shown = texts(at)
    assert "vsphere:vc1" in shown and "demo" in shown
    assert any("ne répond pas" in e.value for e in at.error)
    assert "Aucune collecte planifiée" in shown
    history = at.dataframe[0].value
    assert len(history) == 2 and set(history["status"]) == {"réussie", "échouée"}
    assert "None" not in history.to_string() and "—" in set(history["error"])  # no raw None
    assert all("." not in v for v in history["duration_s"])  # French decimal comma
    assert "\u202f" in history["n_vms"].iloc[-1] or len(history["n_vms"].iloc[-1]) <= 3
    at.multiselect(key="runs_status").select("failed").run()
    assert list(at.dataframe[0].value["source"]) == ["vsphere:vc1"]


def test_a_failed_first_run_is_not_an_empty_database(run_page: RunPage, empty_url: str) -> None:
    engine = make_engine(empty_url)
    from inventory import upgrade_database

    upgrade_database(engine)
    record_run(engine, source="vsphere:vc1", kind="vsphere", collect=_fail)  # type: ignore[arg-type]
    at = run_page("collection", empty_url, language="en")
    assert not at.exception
    assert any("ne répond pas" in e.value for e in at.error)
    assert "failed" in texts(at)
