"""The cheapest mix of offers in a plan: one option among the others, the same figures on every surface."""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from typer.testing import CliRunner

from parcimonie.cli import app
from parcimonie.formatting import format_eur
from parcimonie.planning import EstateInputs, PlanRequest, run_plan
from parcimonie.planning import fleet_mix as fleet_mix_module
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.messages import render
from parcimonie.planning.workbook import workbook_bytes
from tests.conftest import TODAY

runner = CliRunner()


def _plan(inputs: EstateInputs, **request: object) -> PlanDocument:
    return run_plan(inputs, PlanRequest(method="heuristic", **request), today=TODAY).document()  # type: ignore[arg-type]


def test_mix_is_an_option_held_against_its_bound(demo_inputs: EstateInputs) -> None:
    plan = _plan(demo_inputs)
    mix = plan.fleet_mix
    assert mix is not None and len(demo_inputs.offers) >= 2
    option = plan.options[-1]
    assert (option.kind, option.name, option.tco_eur) == ("mix", mix.name, mix.tco_eur)
    assert option.n_hosts == mix.n_hosts == sum(mix.hosts_by_offer.values())
    # Compared with the cheapest single offer of the plan's own table, carrying every VM alone.
    singles = {o.name: o.tco_eur for o in plan.options if o.kind == "offer"}
    assert mix.best_single_offer in singles
    assert mix.best_single_tco_eur == singles[mix.best_single_offer]
    assert mix.savings_vs_single_eur == pytest.approx(singles[mix.best_single_offer] - mix.tco_eur, abs=0.01)
    # The bound holds below the mix; the gap is the difference, relative to the bound.
    assert 0 < mix.lower_bound_eur <= mix.tco_eur
    assert mix.gap_eur == pytest.approx(mix.tco_eur - mix.lower_bound_eur, abs=0.02)
    assert mix.gap_pct == pytest.approx(100 * mix.gap_eur / mix.lower_bound_eur, abs=0.01)
    # The mix's curve is in the electricity-price sensitivity with the other options.
    assert all(mix.name in point.tco_eur_by_option for point in plan.sensitivity)


def test_single_offer_and_reruns_search_no_mix(demo_inputs: EstateInputs) -> None:
    one = demo_inputs.offers[0].name
    assert _plan(demo_inputs, offers=(one,)).fleet_mix is None
    assert _plan(demo_inputs, with_fleet_mix=False).fleet_mix is None


def test_large_estate_says_the_mix_was_not_searched(demo_inputs: EstateInputs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fleet_mix_module, "MIX_MAX_VMS", 10)
    plan = _plan(demo_inputs)
    assert plan.fleet_mix is None and all(o.kind != "mix" for o in plan.options)
    (note,) = [w for w in plan.warnings if w.code == "warning.fleet_mix_skipped"]
    assert note.params == {"n_vms": demo_inputs.vms.n_vms, "max": 10}
    assert "non recherché" in render(note)


def test_same_figures_in_cli_json_and_workbook(sqlite_engine: Engine, demo_inputs: EstateInputs) -> None:
    url = str(sqlite_engine.url)
    env = {"PARCIMONIE_DATABASE_URL": url}
    shown = runner.invoke(app, ["plan", "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    mix = PlanDocument.model_validate(json.loads(shown.output)).fleet_mix
    assert mix is not None
    text = runner.invoke(app, ["plan"], env=env, terminal_width=400)
    assert text.exit_code == 0, text.output
    line = re.sub(r"[ \n]+", " ", text.output)  # rich may wrap; the figures' own narrow spaces stay
    assert f"TCO {format_eur(mix.tco_eur)}" in line and f"moins de {format_eur(mix.lower_bound_eur)}" in line
    book = load_workbook(io.BytesIO(workbook_bytes(_plan(demo_inputs))), read_only=True)
    rows = {r[0]: r[1] for r in book["Synthèse"].iter_rows(values_only=True) if r and r[0]}
    assert rows["Flotte mixte la moins chère"] == mix.name
    assert rows["TCO de la flotte mixte (TTC)"] == pytest.approx(mix.tco_eur, abs=0.01)
    assert rows["Borne inférieure prouvée du TCO (TTC)"] == pytest.approx(mix.lower_bound_eur, abs=0.01)
