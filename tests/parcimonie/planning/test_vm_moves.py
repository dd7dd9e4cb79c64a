"""A document without its per-VM lists (``vm_lists=False``) and the columns read instead (``vm_moves``):
the same rows, order and figures as the full document, on new hosts, on a repack and with servers to
virtualise."""

import pytest

from optimizer import Policy
from parcimonie.planning import EXISTING, EstateInputs, PlanRequest, run_plan
from parcimonie.planning.document import Target
from parcimonie.planning.vm_moves import placement_columns
from tests.conftest import TODAY

REQUESTS = {
    "new hosts": PlanRequest(method="heuristic", with_replacement=False),
    "repack": PlanRequest(offers=(EXISTING,), method="heuristic", with_replacement=False),
    "repack, servers to virtualise": PlanRequest(
        offers=(EXISTING,), method="heuristic", with_replacement=False, p2v=True
    ),
    "estate scope at 40 %": PlanRequest(
        method="heuristic", with_replacement=False, policy=Policy(ceiling=0.4, scope="estate")
    ),
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_columns_and_light_document_match_the_full_document(demo_inputs: EstateInputs, name: str) -> None:
    outcome = run_plan(demo_inputs, REQUESTS[name], today=TODAY)
    full, light = outcome.document(), outcome.document(vm_lists=False)
    c = full.consolidation
    assert c.placement and c.migrations  # the demo moves VMs in every case
    columns = placement_columns(outcome)
    assert columns == {
        "vm": [m.vm for m in c.placement],
        "from_host": [m.from_host for m in c.placement],
        "to_host": [m.to_host for m in c.placement],
    }
    assert light.consolidation.placement == [] and light.consolidation.migrations == []
    assert light.consolidation.n_migrations == c.n_migrations == len(c.migrations)
    lists = {"consolidation": {"placement", "migrations"}}
    assert light.model_dump(exclude=lists) == full.model_dump(exclude=lists)  # every other figure the same
    if REQUESTS[name].p2v:
        assert None in columns["from_host"]  # a server to virtualise has no source host


@pytest.mark.parametrize("name", list(REQUESTS))
def test_targets_built_without_validation_validate_to_themselves(demo_inputs: EstateInputs, name: str) -> None:
    targets = run_plan(demo_inputs, REQUESTS[name], today=TODAY).document().consolidation.targets
    assert targets
    for target in targets:
        assert Target.model_validate(target.model_dump()) == target
        assert all(type(v) in (str, int, float, bool, type(None)) for v in target.model_dump().values())
