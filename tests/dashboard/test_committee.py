"""What a committee needs on screen (issue #12): the recommended plan on the first screen, the yearly
budget side by side and the note on Finances, solver names and carbon in words, the language kept."""

from io import BytesIO

import pandas as pd
import pytest
from pypdf import PdfReader
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from collectors.demo import generate_demo_estate
from inventory import Snapshot, SourceUnavailable, make_engine, record_run
from parcimonie.formatting import format_eur
from parcimonie.planning import PlanRequest, load_estate, run_plan
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.note import note_pdf
from parcimonie.planning.scenarios import saved_plans
from parcimonie.planning.sensitivity import bar_label
from tests.conftest import TODAY
from tests.dashboard.conftest import RunPage, texts


def _metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def _demo_plan(url: str, *, with_sensitivity: bool = False) -> PlanDocument:
    with Session(make_engine(url)) as session:
        inputs = load_estate(session)
    return run_plan(inputs, PlanRequest(method="heuristic", with_sensitivity=with_sensitivity), today=TODAY).document()


def test_first_screen_shows_the_recommended_plan_without_saving(run_page: RunPage, demo_url: str) -> None:
    at = run_page("overview", demo_url)
    assert not at.exception
    plan = _demo_plan(demo_url, with_sensitivity=True)
    r = plan.replacement
    assert r is not None and plan.tornado
    shown = texts(at)
    assert "Plan recommandé" in shown
    assert _metric(at, f"Économie sur {plan.horizon_years} ans (trésorerie)") == format_eur(r.totals.savings_eur)
    assert _metric(at, "Économies actualisées (VAN)") == format_eur(r.totals.npv_savings_eur)
    assert (
        _metric(at, "Hôtes aujourd'hui → fin du plan") == f"{plan.consolidation.n_hosts_before} → {plan.n_hosts_at_end}"
    )
    assert _metric(at, "Retour sur investissement") == str(r.payback_year or "au-delà de l'horizon")
    assert any(m.label == "Carbone évité sur l'horizon" for m in at.metric)
    drivers = next(md.value for md in at.markdown if "font le plus varier" in md.value)
    for bar in plan.tornado[:3]:
        assert bar_label(bar.name) in drivers.replace("\\", "")
    assert bar_label(plan.tornado[3].name) not in drivers.replace("\\", "")
    carbon = sum(y.carbon_savings_kgco2e or 0.0 for y in r.yearly)
    assert ("fabrication des nouveaux hôtes dépasse" in shown) == (carbon < 0)
    with Session(make_engine(demo_url)) as session:
        assert saved_plans(session) == []  # shown without saving anything
    at.run()  # a rerun reads the cached plan
    assert not at.exception


def test_first_screen_in_english(run_page: RunPage, demo_url: str) -> None:
    at = run_page("overview", demo_url, language="en")
    assert not at.exception
    assert "Recommended plan" in texts(at)
    assert any(m.label == "Discounted savings (NPV)" for m in at.metric)


def test_failed_collection_warns_on_the_first_screen(run_page: RunPage, demo_url: str) -> None:
    at = run_page("overview", demo_url)
    assert not any("a échoué" in w.value for w in at.warning)

    def fail() -> None:
        raise SourceUnavailable("vcenter.ville.local:443 ne répond pas")

    record_run(make_engine(demo_url), source="vsphere:vc1", kind="vsphere", collect=fail)  # type: ignore[arg-type]
    at = run_page("overview", demo_url)
    assert not at.exception
    warning = next(w.value for w in at.warning if "a échoué" in w.value)
    assert "vsphere:vc1" in warning and "ne répond pas" in warning
    record_run(make_engine(demo_url), source="demo", kind="demo", collect=_demo_snapshot)
    at = run_page("overview", demo_url)
    assert any("vsphere:vc1" in w.value for w in at.warning)  # still the latest run of vsphere:vc1


def _demo_snapshot() -> Snapshot:
    return generate_demo_estate(n_vms=300, today=TODAY)


def test_finances_npv_payback_and_years_side_by_side(run_page: RunPage, demo_url: str) -> None:
    at = run_page("finances", demo_url)
    assert not at.exception
    labels = {m.label for m in at.metric}
    assert {"Économies actualisées (VAN)", "Retour financier (année)"} <= labels
    years = next(df.value for df in at.dataframe if "Parc actuel (net)" in df.value.columns)
    assert list(years.columns) == ["Année", "Parc actuel (net)", "Plan (net)", "Différence (économie)", "Cumul"]
    assert len(years) >= 3 and years["Année"].iloc[0].isdigit()

    def euros(value: str) -> float:
        return float(value.replace("\u202f", "").replace("\u00a0€", "").replace(",", "."))

    for _, row in years.iterrows():  # the difference is the estate minus the plan, to the euro
        gap = euros(row["Parc actuel (net)"]) - euros(row["Plan (net)"]) - euros(row["Différence (économie)"])
        assert abs(gap) <= 1.01
    assert isinstance(years, pd.DataFrame)


def test_finances_offers_the_committee_note(run_page: RunPage, demo_url: str) -> None:
    at = run_page("finances", demo_url)
    at.toggle(key="fin_note_prepare").set_value(True).run()
    assert not at.exception
    assert "Note au comité (PDF)" in texts(at)
    assert at.get("download_button")  # the PDF is offered
    plan = _demo_plan(demo_url)
    reader = PdfReader(BytesIO(note_pdf(plan, title="Plan par défaut", today=TODAY)))
    assert 2 <= len(reader.pages) <= 4


def test_solver_names_in_french(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    assert not at.exception
    shown = texts(at)
    assert "Méthode : heuristique" in shown and "heuristic" not in shown


def test_language_kept_in_the_address(run_page: RunPage, demo_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = run_page("overview", demo_url)
    assert at.query_params.get("lang") in ("fr", ["fr"])
    at.sidebar.selectbox[0].set_value("en").run()
    assert at.query_params.get("lang") in ("en", ["en"])
    monkeypatch.setenv("PARCIMONIE_DATABASE_URL", demo_url)
    reloaded = AppTest.from_file(str(at._script_path), default_timeout=60)  # a reload: a new session
    reloaded.query_params["lang"] = "en"
    reloaded.run()
    assert not reloaded.exception
    assert "Estate overview" in texts(reloaded)


def test_drivers_on_demand_above_the_comparison_size(
    run_page: RunPage, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dashboard.plans.COMPARE_ALL_MAX_VMS", 100)  # the 300-VM demo counts as large
    at = run_page("overview", demo_url)
    assert not at.exception
    assert not any("font le plus varier" in md.value for md in at.markdown)  # sixteen replans not run
    assert _metric(at, "Économies actualisées (VAN)")  # the plan's figures are there
    at.button(key="overview_drivers").click().run()
    assert any("font le plus varier" in md.value for md in at.markdown)
    at.run()  # kept for the session
    assert any("font le plus varier" in md.value for md in at.markdown)
