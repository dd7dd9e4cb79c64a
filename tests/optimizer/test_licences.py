"""Licences as the authority pays them: vSphere models, owned Windows cores, saving without licences.

Every expectation is computed by hand in the docstring (HT prices x 1,2 VAT = TTC).
"""

import numpy as np
import pytest

from optimizer import (
    AssumptionError,
    Assumptions,
    FleetHardware,
    HostTable,
    Policy,
    ReplacementPlan,
    VmTable,
    build_budget,
    compare_budgets,
    keep_estate_tco,
    option_tco,
    plan_replacement,
)
from optimizer.fleet import OptionComparison, offer_fleet_tco
from optimizer.licences import licences_to_buy, vsphere_host_eur_ht
from optimizer.replacement_plan import savings_without_licences_eur
from optimizer.tco import OptionTco
from tests.optimizer.estates import GIB, make_estate, make_offer

#: Windows out of the way so that the licence line is vSphere alone.
NO_WINDOWS = {"windows_enabled": False}


def _licences(n_hosts: int, *, n_cores: int = 64, start_year: int = 2026, **overrides: object) -> np.ndarray:
    """Yearly licence line (TTC) of `n_hosts` new 2-socket hosts of `n_cores` cores, no Windows."""
    a = Assumptions(**{**NO_WINDOWS, **overrides})  # type: ignore[arg-type]
    offer = make_offer(n_cores=n_cores)
    option = option_tco(
        name="fleet",
        fleet=FleetHardware.of_offer(offer, np.full(n_hosts, start_year, dtype=np.int64)),
        cpu_utilisation=np.zeros(n_hosts),
        carries_windows=np.zeros(n_hosts, dtype=bool),
        tca_eur_ht=0.0,
        embodied_kgco2e=0.0,
        start_year=start_year,
        assumptions=a,
    )
    return option.licences_eur


# --- vSphere -----------------------------------------------------------------------------------


def test_per_core_counts_16_cores_per_cpu() -> None:
    """2 CPUs of 8 cores count 2 x 16 = 32 cores: 32 x 150 = 4 800 EUR HT a year; 2 CPUs of 32
    cores count 64: 9 600."""
    a = Assumptions()
    cost = vsphere_host_eur_ht(n_sockets=np.array([2, 2]), n_cores=np.array([16, 64]), year=2026, assumptions=a)
    assert cost.tolist() == [4800.0, 9600.0]


def test_per_core_above_the_order_minimum() -> None:
    """3 hosts of 2 x 8 cores: 3 x 32 = 96 licensed cores >= 72: 96 x 150 x 1,2 = 17 280 EUR TTC."""
    assert _licences(3, n_cores=16) == pytest.approx([17280.0] * 5)


def test_per_core_order_minimum_binds_a_tiny_estate() -> None:
    """1 host of 64 cores pays the 72-core order minimum: 72 x 150 x 1,2 = 12 960 EUR TTC (not
    64 x 150 x 1,2 = 11 520); 2 hosts, 128 cores: 128 x 150 x 1,2 = 23 040. Minimum 0: 11 520."""
    assert _licences(1) == pytest.approx([12960.0] * 5)
    assert _licences(2) == pytest.approx([23040.0] * 5)
    assert _licences(1, vsphere_min_cores_per_order=0) == pytest.approx([11520.0] * 5)


def test_order_minimum_applies_to_the_estate_kept() -> None:
    """Keeping 2 old hosts of 2 x 16 cores: 64 cores, below 72: 72 x 150 x 1,2 = 12 960 EUR TTC
    a year for vSphere (Windows off)."""
    hosts, vms = make_estate(n_hosts=2, vms_per_host=2)
    keep = keep_estate_tco(hosts=hosts, vms=vms, assumptions=Assumptions(**NO_WINDOWS), start_year=2026)
    assert keep.licences_eur == pytest.approx([12960.0] * 5)


def test_per_host() -> None:
    """Per host: 3 hosts x 4 800 (default) x 1,2 = 17 280 EUR TTC; at 5 000: 3 x 5 000 x 1,2 = 18 000."""
    assert _licences(3, vsphere_model="per_host") == pytest.approx([17280.0] * 5)
    assert _licences(3, vsphere_model="per_host", vsphere_eur_per_host_per_year=5000.0) == pytest.approx([18000.0] * 5)


def test_per_socket() -> None:
    """Per socket: 3 hosts x 2 sockets x 2 400 (default) x 1,2 = 17 280 EUR TTC; at 2 000:
    3 x 2 x 2 000 x 1,2 = 14 400. The order minimum is a per-core rule: 1 host, 2 x 2 000 x 1,2 = 4 800."""
    assert _licences(3, vsphere_model="per_socket") == pytest.approx([17280.0] * 5)
    assert _licences(3, vsphere_model="per_socket", vsphere_eur_per_socket_per_year=2000.0) == pytest.approx(
        [14400.0] * 5
    )
    assert _licences(1, vsphere_model="per_socket", vsphere_eur_per_socket_per_year=2000.0) == pytest.approx(
        [4800.0] * 5
    )


def test_contract_before_and_after_its_end() -> None:
    """Contract of 30 000 EUR HT a year through 2027, horizon 2026-2028: 30 000 x 1,2 = 36 000 EUR
    TTC in 2026 and 2027 whatever the fleet (3 hosts or 1: consolidation saves nothing on it);
    2028 per core: 3 hosts of 2 x 8 cores, 96 x 150 x 1,2 = 17 280; 1 host of 64 cores, order
    minimum 72 x 150 x 1,2 = 12 960."""
    contract = {"vsphere_model": "contract", "vsphere_contract_eur_per_year": 30000.0}
    contract |= {"vsphere_contract_end_year": 2027, "horizon_years": 3}
    assert _licences(3, n_cores=16, **contract) == pytest.approx([36000.0, 36000.0, 17280.0])
    assert _licences(1, **contract) == pytest.approx([36000.0, 36000.0, 12960.0])


def test_none_and_the_old_switch() -> None:
    """Model none: 0. `vsphere_enabled=False` is still none whatever the model."""
    assert _licences(3, vsphere_model="none") == pytest.approx([0.0] * 5)
    assert _licences(3, vsphere_model="per_host", vsphere_enabled=False) == pytest.approx([0.0] * 5)
    assert Assumptions().with_overrides(vsphere_enabled=False).vsphere_enabled is False


def test_bad_model_and_contract_without_amount_are_refused() -> None:
    with pytest.raises(AssumptionError) as err:
        Assumptions().with_overrides(vsphere_model="per_vm")
    assert err.value.code == "not_choice" and "per_core" in err.value.choices
    with pytest.raises(AssumptionError) as err:
        Assumptions(vsphere_model="contract")
    assert err.value.code == "out_of_range" and err.value.name == "vsphere_contract_eur_per_year"
    with pytest.raises(AssumptionError):
        Assumptions(vsphere_model=1)  # type: ignore[arg-type]


# --- Windows Server licences owned -------------------------------------------------------------


def test_licences_to_buy_uses_owned_first() -> None:
    """Needs 64, 64, 64, 64 with 128 owned: cumulative 64, 128, 192, 256; minus 128, floored at 0:
    0, 0, 64, 128; bought 0, 0, 64, 64. Nothing owned: everything bought."""
    assert licences_to_buy(needed=np.full(4, 64.0), owned=128).tolist() == [0.0, 0.0, 64.0, 64.0]
    assert licences_to_buy(needed=np.full(4, 64.0), owned=0).tolist() == [64.0] * 4
    assert licences_to_buy(needed=np.full(2, 64.0), owned=1000).tolist() == [0.0, 0.0]


def _four_windows_hosts(owned: int) -> OptionTco:
    return offer_fleet_tco(
        offer=make_offer(),
        cpu_utilisation=np.zeros(4),
        carries_windows=np.ones(4, dtype=bool),
        assumptions=Assumptions(windows_licences_owned_cores=owned),
        start_year=2026,
    )


def test_consolidation_option_uses_owned_windows_cores() -> None:
    """4 new Windows hosts of 64 cores, 128 cores owned: (256 - 128) x 380 = 48 640 EUR HT,
    x 1,2 = 58 368 TTC, instead of 256 x 380 x 1,2 = 116 736. 96 owned: 160 x 380 = 60 800 HT.
    Software Assurance goes on for every licensed host: 4 x 64 x 380 x 0,25 x 1,2 = 29 184, plus
    vSphere 256 x 150 x 1,2 = 46 080: 75 264 a year either way."""
    owned, bought = _four_windows_hosts(128), _four_windows_hosts(0)
    assert owned.licence_purchase_eur_ht == pytest.approx(48640.0)
    assert owned.licence_purchase_eur_ttc == pytest.approx(58368.0)
    assert bought.licence_purchase_eur_ttc == pytest.approx(116736.0)
    assert _four_windows_hosts(96).licence_purchase_eur_ht == pytest.approx(60800.0)
    assert owned.licences_eur == pytest.approx([75264.0] * 5)
    assert bought.licences_eur == pytest.approx([75264.0] * 5)


def _four_host_estate() -> tuple[HostTable, VmTable]:
    """4 old hosts (2018) each carrying one Windows VM of 600 GiB: each needs its own new host
    (1 TiB x 0,8 ceiling = 819 GiB holds one)."""
    hosts = HostTable.build(
        n_cores=np.full(4, 32),
        cpu_mhz=np.full(4, 2400.0),
        memory_mib=np.full(4, 640 * GIB),
        purchase_year=np.full(4, 2018.0),
        purchase_price_eur_ttc=np.full(4, 10800.0),
    )
    vms = VmTable.build(
        n_vcpus=np.full(4, 4),
        memory_mib=np.full(4, 600 * GIB),
        host=np.arange(4),
        cpu_p95_mhz=np.full(4, 1000.0),
        is_windows=np.ones(4, dtype=bool),
    )
    return hosts, vms


def _plan(owned: int, cap: float | None = None) -> ReplacementPlan:
    hosts, vms = _four_host_estate()
    return plan_replacement(
        hosts=hosts,
        vms=vms,
        offers=make_offer(),
        assumptions=Assumptions(windows_licences_owned_cores=owned),
        policy=Policy(ha_reserve_hosts=0, scope="estate"),
        start_year=2026,
        yearly_investment_cap_eur=cap,
    )


def test_replacement_plan_buys_only_the_cores_not_owned() -> None:
    """4 new Windows hosts of 64 cores bought in 2026, 128 cores owned: 2 x 64 x 380 x 1,2 =
    58 368 EUR TTC of licences instead of 4 x 64 x 380 x 1,2 = 116 736. The saving grows by the
    difference, 58 368 (licences are outside the FCTVA base); without licences it is the same."""
    owned, bought = _plan(128), _plan(0)
    assert owned.new_hosts_per_year.tolist() == [4, 0, 0, 0, 0]
    assert owned.scenario.investissement_licences_eur is not None
    assert bought.scenario.investissement_licences_eur is not None
    assert owned.scenario.investissement_licences_eur.tolist() == pytest.approx([58368.0, 0, 0, 0, 0])
    assert bought.scenario.investissement_licences_eur.tolist() == pytest.approx([116736.0, 0, 0, 0, 0])
    gain = owned.comparison.total_savings_eur - bought.comparison.total_savings_eur
    assert gain == pytest.approx(58368.0)
    assert owned.savings_without_licences_eur == pytest.approx(bought.savings_without_licences_eur)


def test_investment_cap_counts_owned_licences() -> None:
    """One new host: 21 600 TTC + 600 x 1,2 install = 22 320 EUR; its licence 64 x 380 x 1,2 =
    29 184. Cap 150 000 a year. Owned 128 cores (2 hosts' worth): 4 hosts cost 4 x 22 320 +
    2 x 29 184 = 147 648 <= 150 000, all 4 replaced in 2026. Nothing owned: k hosts cost
    k x 51 504; 3 = 154 512 > 150 000, so 2 in 2026."""
    assert _plan(128, cap=150000.0).new_hosts_per_year[0] == 4
    assert _plan(0, cap=150000.0).new_hosts_per_year[0] == 2


# --- Saving without licences --------------------------------------------------------------------


def test_savings_without_licences_of_two_budgets() -> None:
    """Baseline: licences 1 000, energy 500 a year. Scenario: investissement 1 200 in year 1 of
    which 200 licences, licences 200, energy 300; FCTVA 16,404 % x (1 200 - 200) = 164,04 in year 2.
    Savings: baseline 1 500, 1 500; scenario 1 200 + 200 + 300 = 1 700, 200 + 300 - 164,04 = 335,96:
    -200, 1 164,04. Licences zeroed: baseline 500, 500; scenario 1 000 + 300 = 1 300,
    300 - 164,04 = 135,96: -800, 364,04 (total -435,96)."""
    a = Assumptions()
    years = (2026, 2027)
    zero = np.zeros(2)
    base = build_budget(
        name="keep",
        years=years,
        investissement_eur=zero,
        energy_eur=np.full(2, 500.0),
        maintenance_eur=zero,
        licences_eur=np.full(2, 1000.0),
        staff_eur=zero,
        rack_eur=zero,
        assumptions=a,
    )
    scen = build_budget(
        name="replace",
        years=years,
        investissement_eur=np.array([1200.0, 0.0]),
        investissement_licences_eur=np.array([200.0, 0.0]),
        energy_eur=np.full(2, 300.0),
        maintenance_eur=zero,
        licences_eur=np.full(2, 200.0),
        staff_eur=zero,
        rack_eur=zero,
        assumptions=a,
    )
    comparison = compare_budgets(scenario=scen, baseline=base)
    assert comparison.savings_eur == pytest.approx([-200.0, 1164.04])
    assert savings_without_licences_eur(comparison) == pytest.approx([-800.0, 364.04])


def test_option_saving_without_licences() -> None:
    """4 new hosts with Windows, horizon 5 years, idle: hardware 4 x 22 320 = 89 280; energy
    250 W x 8 760 h / 1 000 x 1,8 PUE x 0,20 = 788,4 EUR per host-year, x 4 x 5 = 15 768; staff
    20 h x 45 x 4 x 5 = 18 000; rack 1 U x 100 x 4 x 5 = 2 000; maintenance 0 (5-year warranty):
    125 048 EUR without licences, with 128 owned cores or none. The option with owned cores saves
    58 368 on the other, all of it licences: 0 without them."""
    owned, bought = _four_windows_hosts(128), _four_windows_hosts(0)
    assert owned.tco_without_licences_eur == pytest.approx(125048.0)
    comparison = OptionComparison(
        keep=bought,
        consolidated=owned,
        tco_savings_eur=bought.tco_eur - owned.tco_eur,
        tca_difference_eur=owned.tca_eur_ttc - bought.tca_eur_ttc,
        operational_kgco2e_savings=0.0,
        embodied_kgco2e_added=0.0,
    )
    assert comparison.tco_savings_eur == pytest.approx(58368.0)
    assert comparison.tco_savings_without_licences_eur == pytest.approx(0.0)


def test_plan_saving_without_licences_is_the_saving_less_the_licence_lines() -> None:
    """Per year: savings - (baseline - scenario) licences - (baseline - scenario) licences bought;
    the total is their sum."""
    plan = _plan(0)
    c = plan.comparison
    assert plan.scenario.investissement_licences_eur is not None
    licence_lines = c.savings_by_line["licences_eur"] - plan.scenario.investissement_licences_eur
    assert plan.yearly_savings_without_licences_eur == pytest.approx(c.savings_eur - licence_lines)
    assert plan.savings_without_licences_eur == pytest.approx(float((c.savings_eur - licence_lines).sum()))
    discounted = (c.savings_eur - licence_lines) / (1 + Assumptions().discount_rate) ** np.arange(5)
    assert plan.npv_savings_without_licences_eur == pytest.approx(float(discounted.sum()))
