"""The licence model reaches a plan from `--set` and its errors read in both languages."""

from datetime import date

import pytest

from parcimonie.overrides import parse_override
from parcimonie.planning import PlanRequest, build_assumptions
from parcimonie.planning.messages import render
from parcimonie.planning.service import PlanError


def test_text_overrides_reach_the_assumptions() -> None:
    assert parse_override("vsphere_model=contract") == ("vsphere_model", "contract")
    assert parse_override("vsphere_enabled=false") == ("vsphere_enabled", False)
    assert parse_override("windows_licences_owned_cores=128") == ("windows_licences_owned_cores", 128)
    overrides = {"vsphere_model": "contract", "vsphere_contract_eur_per_year": 30000.0}
    a = build_assumptions(PlanRequest(overrides=overrides), today=date(2026, 1, 5))
    assert a.vsphere_model == "contract" and a.vsphere_contract_eur_per_year == 30000.0


def test_unknown_model_and_text_for_a_number_are_refused_in_words() -> None:
    with pytest.raises(PlanError) as err:
        build_assumptions(PlanRequest(overrides={"vsphere_model": "per_vm"}), today=date(2026, 1, 5))
    assert "per_core, per_host, per_socket, contract, none" in render(err.value.message)
    assert "expects one of" in render(err.value.message, "en")
    with pytest.raises(PlanError) as err:
        build_assumptions(PlanRequest(overrides={"pue": "high"}), today=date(2026, 1, 5))
    assert "nombre fini" in render(err.value.message)
