"""The demand chosen once (usage profiles or P95) sizes the whole plan, and every surface says so."""

import json
from dataclasses import replace
from io import BytesIO, StringIO
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

from optimizer import Policy, VmTable, plan_consolidation
from parcimonie.cli import app
from parcimonie.plan_text import print_plan
from parcimonie.planning import EstateInputs, PlanRequest, run_plan
from parcimonie.planning.demand_choice import choose_demand, demand_line, profile_coverage
from parcimonie.planning.messages import render
from parcimonie.planning.profile_plan import compare_profiles
from tests.conftest import TODAY


def test_auto_takes_profiles_when_more_than_half_the_placed_vms_have_one() -> None:
    assert choose_demand("auto", n_with_profile=6, n_vms=10) == "profile"
    assert choose_demand("auto", n_with_profile=5, n_vms=10) == "p95"  # half is not more than half
    assert choose_demand("p95", n_with_profile=10, n_vms=10) == "p95"
    assert choose_demand("profile", n_with_profile=0, n_vms=10) == "profile"
    # A template is not placed: it does not count.
    vms = VmTable.build(
        n_vcpus=[1, 1, 1],
        memory_mib=[1024.0] * 3,
        host=[-1] * 3,
        is_template=[False, False, True],
        cpu_profile_mhz=np.array([[1.0, 2.0], [np.nan, np.nan], [3.0, 4.0]]),
    )
    assert profile_coverage(vms, Policy()) == (1, 2)


def test_demo_auto_plans_on_profiles_and_the_section_agrees(demo_inputs: EstateInputs) -> None:
    outcome = run_plan(demo_inputs, PlanRequest(with_replacement=False), today=TODAY)
    doc = outcome.document()
    c = doc.consolidation
    assert c.demand == "profile" and doc.request.policy.demand == "profile" and doc.request.demand == "auto"
    assert c.demand_profile_share is not None and c.demand_profile_share > 0.5
    section = compare_profiles(outcome)
    assert section is not None and outcome.target_offer is not None
    assert section.offer == c.offer == outcome.target_offer.name
    # The chosen answer is the plan's consolidation on its target offer: same hosts, same bound.
    chosen = section.answer(section.demand)
    assert section.demand == "profile" and (chosen.n_hosts, chosen.lower_bound) == (c.n_hosts_after, c.lower_bound)
    # Never worse than the P95, HA reserve included in both.
    assert chosen.n_hosts <= section.answer("p95").n_hosts
    option = next(o for o in doc.options if o.name == c.offer)
    assert chosen.tco_eur == pytest.approx(option.tco_eur, abs=0.01)  # costed like the plan's option (rounded to cents)


def test_demo_p95_ignores_the_profiles(demo_inputs: EstateInputs) -> None:
    assert demo_inputs.vms.cpu_profile_mhz is not None  # the demo's VMs carry their fitted profiles
    outcome = run_plan(demo_inputs, PlanRequest(with_replacement=False, demand="p95"), today=TODAY)
    assert outcome.consolidation.demand == "p95" and outcome.consolidation.p95_kept_groups == ()
    assert outcome.target_offer is not None
    # The plan as it was before profiles could drive it: the same VMs without profiles.
    bare = replace(demo_inputs.vms, cpu_profile_mhz=None)
    before = plan_consolidation(
        hosts=demo_inputs.hosts, vms=bare, offer=outcome.target_offer, policy=Policy(), time_limit_s=10.0
    )
    assert outcome.consolidation.n_hosts_after == before.n_hosts_after
    assert (outcome.consolidation.placement == before.placement).all()
    assert outcome.document().consolidation.demand == "p95"


def test_cli_text_json_and_workbook_say_what_sized_the_plan(tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--no-serve", "--vms", "200"], env=env).exit_code == 0
    result = runner.invoke(app, ["plan", "--json", "--demand", "p95"], env=env)
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["consolidation"]["demand"] == "p95" and plan["request"]["demand"] == "p95"
    result = runner.invoke(app, ["plan", "--json"], env=env)
    plan = json.loads(result.stdout)
    assert plan["consolidation"]["demand"] == "profile" and plan["request"]["policy"]["demand"] == "profile"
    share = plan["consolidation"]["demand_profile_share"]
    result = runner.invoke(app, ["plan"], env=env)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "Dimensionné sur les profils d'usage (" in flat and "pic des sommes, pas somme des P95" in flat
    assert f"{round(100 * share)}\u202f% des VMs" in flat or f"{round(100 * share)} % des VMs" in flat


def test_one_sentence_on_every_surface(demo_inputs: EstateInputs) -> None:
    from openpyxl import load_workbook

    from parcimonie.planning.workbook import workbook_bytes

    doc = run_plan(demo_inputs, PlanRequest(with_replacement=False), today=TODAY).document()
    line = render(demand_line(doc.consolidation))
    out = StringIO()
    print_plan(Console(file=out, width=400), doc)
    assert line in out.getvalue()
    book = load_workbook(BytesIO(workbook_bytes(doc, title="T")))
    summary = {row[0]: row[1] for row in book["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert summary["Demande dimensionnée"] == line
    english = render(demand_line(doc.consolidation), "en")
    assert english.startswith("Sized on usage profiles (")
