"""`parcimonie reclaim` and `plan --after-reclaim` on a small estate, by hand; no traceback when empty."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inventory import make_engine
from parcimonie.cli import app
from parcimonie.formatting import format_eur
from tests.parcimonie.reclaim_estate import EXPECTED, TOTAL_EUR, write_reclaim_estate, write_run_without

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    return env


@pytest.fixture
def estate(env: dict[str, str]) -> dict[str, str]:
    engine = make_engine(env["PARCIMONIE_DATABASE_URL"])
    write_reclaim_estate(engine)
    engine.dispose()
    return env


def test_json_lists_each_rule_with_its_savings(estate: dict[str, str]) -> None:
    result = runner.invoke(app, ["reclaim", "--json"], env=estate)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    rows = {v["name"]: v for v in report["vms"]}
    assert set(rows) == set(EXPECTED)  # new-off (off for 0 days) and busy are kept
    assert [v["name"] for v in report["vms"]] == ["old-off", "big", "idle"]  # most euros first
    for name, (category, share, eur) in EXPECTED.items():
        assert rows[name]["category"] == category
        assert rows[name]["host_share"] == pytest.approx(share, abs=1e-6)
        assert rows[name]["eur_per_year"] == pytest.approx(eur, abs=0.005)
    assert rows["old-off"]["reason"] == {"code": "reclaim.reason.powered_off", "params": {"days": 40.0}}
    assert rows["big"]["recommended_memory_mib"] == 6144.0 and rows["big"]["vcpus_freed"] == 0
    assert report["totals"]["eur_per_year"] == pytest.approx(TOTAL_EUR, abs=0.005)
    assert report["totals"]["vcpus_freed"] == 4 + 2 and report["by_category"]["zombie"]["n_vms"] == 1


def test_text_shows_the_same_total(estate: dict[str, str]) -> None:
    result = runner.invoke(app, ["reclaim"], env=estate)
    assert result.exit_code == 0, result.output
    assert "3 VM à récupérer" in result.output
    assert f"{format_eur(TOTAL_EUR)} par an" in result.output  # 1 272 EUR
    assert "VM zombie : 1 VM, 4 vCPU" in result.output and "old-off" in result.output


def test_thresholds_are_overridable(estate: dict[str, str]) -> None:
    result = runner.invoke(app, ["reclaim", "--json", "--set", "reclaim_powered_off_days=60"], env=estate)
    assert result.exit_code == 0, result.output
    assert "old-off" not in {v["name"] for v in json.loads(result.output)["vms"]}


def test_bad_override_is_a_clear_error(estate: dict[str, str]) -> None:
    result = runner.invoke(app, ["reclaim", "--set", "idle_cpu_share=5"], env=estate)
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "VM inactive : CPU P95 sous" in result.output


def test_empty_database_says_so(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["reclaim"], env=env)
    assert result.exit_code == 0, result.output
    assert "Aucune VM à récupérer" in result.output and "Traceback" not in result.output
    data = json.loads(runner.invoke(app, ["reclaim", "--json"], env=env).output)
    assert data["vms"] == [] and data["totals"]["eur_per_year"] == 0


def test_plan_after_reclaim_records_what_it_removed(estate: dict[str, str]) -> None:
    base = ["plan", "--offer", "existing", "--json"]
    before = json.loads(runner.invoke(app, base, env=estate).output)
    result = runner.invoke(app, [*base, "--after-reclaim"], env=estate)
    assert result.exit_code == 0, result.output
    after = json.loads(result.output)
    assert before["reclaimed"] is None and after["request"]["after_reclaim"] is True
    assert after["reclaimed"] == {
        "n_vms_removed": 2,
        "n_vms_resized": 1,
        "vcpus_removed": 6,
        "memory_mib_removed": 8192.0 + 4096.0 + 10240.0,
    }
    assert after["estate"]["n_vms"] == before["estate"]["n_vms"] - 2
    text = runner.invoke(app, ["plan", "--offer", "existing", "--after-reclaim"], env=estate)
    assert "Plan après récupération : 2 VM retirées" in text.output


def test_a_vm_gone_from_its_source_is_a_zombie_that_frees_no_demand(estate: dict[str, str]) -> None:
    engine = make_engine(estate["PARCIMONIE_DATABASE_URL"])
    write_run_without(engine, "busy")
    engine.dispose()
    args = ["reclaim", "--json", "--set", "vm_licence_eur_per_vcpu_per_year=100"]
    result = runner.invoke(app, args, env=estate)
    assert result.exit_code == 0, result.output
    rows = {v["name"]: v for v in json.loads(result.output)["vms"]}
    busy = rows["busy"]
    assert busy["category"] == "zombie" and busy["reason"]["code"] == "reclaim.reason.missing"
    # in no plan: no demand, no share of host; its 2 vCPUs x 100 EUR HT x 1.2 of per-vCPU licences
    assert busy["host_share"] == 0 and busy["cpu_mhz_freed"] == 0 and busy["eur_per_year"] == 240.0
    assert busy["vcpus_freed"] == 2 and busy["memory_mib_freed"] == 4096.0


def test_plan_after_reclaiming_every_vm_says_so(estate: dict[str, str]) -> None:
    # Every VM idle under these thresholds: nothing left to place, and the inventory is not empty.
    everything = [
        *("--set", "idle_cpu_share=1", "--set", "idle_cpu_mhz=100000", "--set", "idle_memory_share=1"),
        *("--set", "reclaim_powered_off_days=0"),
    ]
    result = runner.invoke(app, ["plan", "--offer", "existing", "--after-reclaim", *everything], env=estate)
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "l'inventaire est vide" not in result.output
    assert "la récupération retire toutes les VM" in result.output


def test_a_value_out_of_its_interval_shows_both_bounds_apart(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["reclaim", "--set", "rightsize_headroom=0"], env=env)
    assert result.exit_code == 2
    assert "doit être dans [1 ; 5], reçu 0.0" in result.output  # not "[1 5]"
