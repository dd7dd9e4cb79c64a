"""The limits vSphere enforces, through the planning service, the plan document and `plan`."""

import json
from pathlib import Path

from typer.testing import CliRunner

from optimizer import Policy
from parcimonie.cli import app
from parcimonie.planning import EXISTING, EstateInputs, PlanRequest, run_plan
from parcimonie.planning.document import Consolidation, PolicyEcho
from parcimonie.planning.limits_doc import limits_message, limits_warnings
from parcimonie.planning.messages import text
from tests.conftest import TODAY

runner = CliRunner()


def _plan(inputs: EstateInputs, **policy: object):  # type: ignore[no-untyped-def]
    request = PlanRequest(offers=(EXISTING,), policy=Policy(**policy), with_replacement=False)  # type: ignore[arg-type]
    return run_plan(inputs, request, today=TODAY).document()


def test_caps_are_echoed_and_respected_on_every_host(demo_inputs: EstateInputs) -> None:
    doc = _plan(demo_inputs, vcpu_ratio=1.0, memory_overcommit=0.9, use_memory_p95=True)
    assert (doc.request.policy.vcpu_ratio, doc.request.policy.memory_overcommit) == (1.0, 0.9)
    loaded = [t for t in doc.consolidation.targets if not t.ha_reserve]
    assert loaded and all(t.vcpus_per_core is not None and t.vcpus_per_core <= 1.0 + 1e-9 for t in loaded)
    assert all(t.memory_allocated_ratio is not None and t.memory_allocated_ratio <= 0.9 + 1e-9 for t in loaded)
    assert all(t.limit in ("cpu", "memory", "vcpu_ratio", "memory_overcommit") for t in loaded)
    assert doc.consolidation.limiting_resource in ("cpu", "memory", "vcpu_ratio", "memory_overcommit")


def test_a_tight_vcpu_ratio_binds_the_plan(demo_inputs: EstateInputs) -> None:
    loose = _plan(demo_inputs, vcpu_ratio=None)
    tight = _plan(demo_inputs, vcpu_ratio=0.5)
    assert loose.request.policy.vcpu_ratio is None and loose.consolidation.limiting_resource in ("cpu", "memory")
    # Half a vCPU per core: allocation, not demand, decides, so the plan keeps more hosts.
    assert tight.consolidation.limiting_resource == "vcpu_ratio"
    assert tight.consolidation.n_hosts_after > loose.consolidation.n_hosts_after


def test_limits_message_and_warning_by_hand() -> None:
    c = Consolidation.model_validate(
        {
            "status": "FEASIBLE",
            "offer": None,
            "n_hosts_before": 3,
            "n_hosts_after": 2,
            "n_ha_reserve_hosts": 1,
            "lower_bound": 2,
            "bound_kinds": [],
            "gap_hosts": 0,
            "gap_pct": 0.0,
            "vms_per_host_before": 1.0,
            "vms_per_host_after": 1.5,
            "solver": "heuristic",
            "tco_by_offer_eur": {},
            "hosts_freed": [],
            "n_excluded_by_policy": 0,
            "unplaced": [],
            "targets": [
                {
                    "host": "a",
                    "existing": True,
                    "cluster": 0,
                    "ha_reserve": False,
                    "n_vms": 3,
                    "cpu_utilisation": 0.2,
                    "memory_utilisation": 0.3,
                    "vcpus_per_core": 3.5,
                    "memory_allocated_ratio": 0.3,
                    "limit": "vcpu_ratio",
                },
                {
                    "host": "b",
                    "existing": True,
                    "cluster": 0,
                    "ha_reserve": True,
                    "n_vms": 0,
                    "cpu_utilisation": 0.0,
                    "memory_utilisation": 0.0,
                    "vcpus_per_core": 9.0,
                    "memory_allocated_ratio": 0.0,
                    "limit": None,
                },
            ],
            "placement": [],
            "limiting_resource": "vcpu_ratio",
            "ha_reserve_uncovered": [0],
        }
    )
    policy = PolicyEcho(ceiling=0.8, ha_reserve_hosts=1, vcpu_ratio=4.0)
    message = limits_message(c, policy)
    assert message is not None
    fr = text(message.code, "fr", **message.params)
    assert "au plus 4,0 vCPU par cœur (atteint 3,50)" in fr  # the reserve host's figure is left out
    assert "surallocation mémoire au plus —" in fr and "ressource limitante vCPU par cœur" in fr
    en = text(message.code, "en", **message.params)
    assert "at most 4.0 vCPUs per core (reached 3.50)" in en
    [warning] = limits_warnings(c)
    assert "1 groupe(s)" in text(warning.code, "fr", **warning.params)


def test_cli_plan_takes_the_caps(tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    assert runner.invoke(app, ["demo", "--no-serve", "--vms", "120"], env=env).exit_code == 0
    args = ["plan", "--offer", "existing", "--vcpu-ratio", "2", "--memory-overcommit", "1.5"]
    result = runner.invoke(app, [*args, "--json"], env=env)
    assert result.exit_code == 0, result.output
    policy = json.loads(result.stdout)["request"]["policy"]
    assert (policy["vcpu_ratio"], policy["memory_overcommit"]) == (2.0, 1.5)
    result = runner.invoke(app, ["plan", "--offer", "existing", "--vcpu-ratio", "0", "--json"], env=env)
    assert json.loads(result.stdout)["request"]["policy"]["vcpu_ratio"] is None  # 0 lifts the cap
    result = runner.invoke(app, args, env=env, terminal_width=250)
    assert result.exit_code == 0 and "au plus 2,0 vCPU par cœur" in result.output
    result = runner.invoke(app, ["plan", "--vcpu-ratio", "-1"], env=env)
    assert result.exit_code == 2
