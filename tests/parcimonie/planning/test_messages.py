"""French wording of plan figures and reasons."""

from parcimonie.planning.messages import euros, num, reason_text, value_text


def test_french_numbers() -> None:
    assert euros(1234567.4) == "1\u202f234\u202f567 €"
    assert num(1234.56) == "1\u202f234,6"
    assert value_text(0.4) == "0,4" and value_text(None) == "—" and value_text(True) == "oui"


def test_known_reasons_are_translated_and_unknown_kept() -> None:
    text = reason_text("demand (70000 ref MHz, 1048576 MiB) exceeds the usable capacity of every target host")
    assert text.startswith("sa demande (70\u202f000 MHz de référence, 1\u202f048\u202f576 Mio)")
    assert reason_text("something new") == "something new"


def test_plan_warnings_flag_what_must_not_be_missed() -> None:
    from parcimonie.planning.messages import plan_warnings

    plan = {
        "request": {"yearly_investment_cap_eur": 100_000.0},
        "assumptions": {"ha_reserve_hosts": 1},
        "consolidation": {
            "unplaced": [{"vm": "big", "reason": "…"}],
            "targets": [{"cluster": 0}, {"cluster": 1}],
            "n_ha_reserve_hosts": 1,
        },
        "replacement": {
            "totals": {"savings_eur": -1000.0},
            "yearly": [{"year": 2031, "n_hosts_scenario": 12, "n_hosts_baseline": 10}],
        },
    }
    text = " ".join(plan_warnings(plan))
    assert "1 VM ne tiennent" in text and "Réserve HA incomplète : 1 hôte(s) sur 2" in text
    assert "coûte 1\u202f000 € de plus" in text and "plafond" in text and "En 2031" in text
    plan["consolidation"] |= {"unplaced": [], "n_ha_reserve_hosts": 2}
    plan["replacement"] = None
    assert plan_warnings(plan) == []
