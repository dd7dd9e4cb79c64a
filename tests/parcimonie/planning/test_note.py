"""The committee note (`report --pdf`): a 2-4 page French PDF whose figures read as the CLI prints them,
and whose collected names print as typed (never as Typst markup)."""

import re
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from collectors.demo import generate_demo_estate
from inventory import Snapshot, ensure_default_catalogue, session_scope, upsert_observations
from parcimonie.cli import app
from parcimonie.planning import PlanRequest, load_estate, run_plan
from parcimonie.planning.messages import euros
from parcimonie.planning.note import average_host_age_years, note_pdf, solver_name
from tests.conftest import TODAY

NAMES = ('#eval("x")', "*bold*", "[a]_b_$c$@d<e>\\f")


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_note_of_the_demo_plan(sqlite_engine: Engine) -> None:
    estate = generate_demo_estate(n_vms=120, today=TODAY)
    for i, host in enumerate(estate.hosts):
        host.name = f"{NAMES[i % len(NAMES)]}{i}"
    for i, vm in enumerate(estate.vms):
        vm.name = f"{NAMES[i % len(NAMES)]}v{i}"
    with session_scope(sqlite_engine) as session:
        ensure_default_catalogue(session)
        upsert_observations(session=session, source="demo", snapshot=Snapshot.model_validate(estate.model_dump()))
    with Session(sqlite_engine) as session:
        inputs = load_estate(session)
    plan = run_plan(inputs, PlanRequest(with_sensitivity=True), today=TODAY).document()
    r = plan.replacement
    assert r is not None and plan.tornado and r.retirements
    age = average_host_age_years(inputs, TODAY)
    assert age is not None and 0 < age < 20
    pages, text = _text(note_pdf(plan, title='Scénario *bold* #eval("x")', today=TODAY, average_host_age_years=age))
    assert 2 <= pages <= 4
    flat = re.sub(r"[ \n]+", " ", text)  # lines wrap at plain spaces, never at NNBSP or NBSP
    for figure in (
        euros(r.totals.savings_eur),
        euros(r.investment_eur),
        euros(r.totals.npv_savings_eur),
        *(euros(c.savings_eur) for c in r.comparisons),
        *(euros(y.savings_eur) for y in r.yearly),
    ):
        assert figure in flat, figure
    assert "\u202f" in euros(r.investment_eur)  # French format: thin space between thousands
    assert 'Scénario *bold* #eval("x")' in flat
    retired = {x.host for x in r.retirements}
    shown = [name for name in retired if f"{name} (" in flat]
    assert shown, "the retired hosts are listed by name"
    assert any(n.startswith('#eval("x")') for n in shown) or any(n.startswith("*bold*") for n in shown)
    for heading in ("Contexte", "La proposition", "Économies par année budgétaire", "Carbone", "Risques et hypothèses"):
        assert heading in text
    assert "heuristic" not in text


def test_solver_names_in_french() -> None:
    assert solver_name("heuristic") == "heuristique"
    assert solver_name("OPTIMAL, heuristic") == "CP-SAT (optimal), heuristique"
    assert solver_name("heuristic", "en") == "heuristic"


def test_report_pdf_from_the_cli(tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--no-serve", "--vms", "150"], env=env).exit_code == 0
    note = tmp_path / "note.pdf"
    result = runner.invoke(app, ["report", "--pdf", str(note)], env=env)
    assert result.exit_code == 0, result.output
    assert "Note écrite" in result.output
    pages, text = _text(note.read_bytes())
    assert 2 <= pages <= 4 and "Plan par défaut" in text
    refused = runner.invoke(app, ["report"], env=env)
    assert refused.exit_code != 0
    wrong = runner.invoke(app, ["report", "--pdf", str(tmp_path / "note.txt")], env=env)
    assert wrong.exit_code != 0
