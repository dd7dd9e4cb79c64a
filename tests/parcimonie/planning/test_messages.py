"""Wording of plan figures, reasons and warnings, from the one message table."""

from parcimonie.planning.build import plan_warnings
from parcimonie.planning.document import Consolidation, PolicyEcho, Replacement, RequestEcho, Target
from parcimonie.planning.messages import Message, euros, num, render, value_text


def test_french_numbers() -> None:
    assert euros(1234567.4) == "1\u202f234\u202f567\u00a0€"
    assert num(1234.56) == "1\u202f234,6"
    assert value_text(0.4) == "0,4" and value_text(None) == "—" and value_text(True) == "oui"
    assert value_text(0.4, "en") == "0.4" and value_text(True, "en") == "yes"


def test_reasons_read_in_both_languages() -> None:
    reason = Message(code="reason.too_large", params={"cpu_ref_mhz": 70000.0, "memory_mib": 1048576})
    assert render(reason).startswith("sa demande (70\u202f000 MHz de référence, 1\u202f048\u202f576 Mio)")
    assert render(reason, "en").startswith("its demand (70,000 reference MHz, 1,048,576 MiB)")


def _target(cluster: int) -> Target:
    return Target(
        host=f"h{cluster}",
        existing=False,
        cluster=cluster,
        ha_reserve=False,
        n_vms=1,
        cpu_utilisation=0.5,
        memory_utilisation=0.5,
    )


def test_plan_warnings_flag_what_must_not_be_missed() -> None:
    consolidation = Consolidation.model_construct(
        unplaced=[{"vm": "big", "reason": Message(code="reason.no_capacity_left")}],
        targets=[_target(0), _target(1)],
        n_ha_reserve_hosts=1,
    )
    request = RequestEcho(policy=PolicyEcho(ceiling=0.8, ha_reserve_hosts=1), yearly_investment_cap_eur=100_000.0)
    replacement = Replacement.model_construct(
        totals=type("T", (), {"savings_eur": -1000.0})(),
        yearly=[type("Y", (), {"year": 2031, "n_hosts_scenario": 12, "n_hosts_baseline": 10})()],
    )
    text = " ".join(render(w) for w in plan_warnings(consolidation, replacement, request))
    # 2 clusters × 1 reserve host asked for, 1 found.
    assert "1 VM ne tiennent" in text and "Réserve HA incomplète : 1 hôte(s) sur 2" in text
    assert "coûte 1\u202f000\u00a0€ de plus" in text and "plafond" in text and "En 2031" in text
    complete = consolidation.model_copy(update={"unplaced": [], "n_ha_reserve_hosts": 2})
    assert plan_warnings(complete, None, request) == []
