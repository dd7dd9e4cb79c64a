import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import (
    Assumptions,
    energy_price_sensitivity,
    host_power_w,
    keep_estate_tco,
    maintenance_eur_ht,
    offer_fleet_tco,
    vsphere_licensed_cores,
    windows_licensed_cores,
    yearly_energy_kwh,
)
from tests.optimizer.estates import make_estate, make_offer

NAN = np.nan


def test_linear_power_and_energy() -> None:
    p = host_power_w(
        power_idle_w=np.array([100.0]),
        power_max_w=np.array([300.0]),
        cpu_utilisation=np.array([0.25]),
    )
    assert p[0] == 150.0
    assert yearly_energy_kwh(power_w=p, pue=2.0)[0] == pytest.approx(150 * 8.76 * 2)


def test_licence_minimums() -> None:
    a = Assumptions()
    cores = vsphere_licensed_cores(n_sockets=np.array([2, 2]), n_cores=np.array([16, 64]), min_cores_per_cpu=16)
    assert cores.tolist() == [32, 64]
    win = windows_licensed_cores(n_sockets=np.array([1, 2, 2]), n_cores=np.array([4, 12, 40]), assumptions=a)
    assert win.tolist() == [16, 16, 40]


def test_maintenance_zero_under_warranty_then_rising() -> None:
    a = Assumptions(support_rate_per_year=0.1, support_rate_increase_per_year=0.02)
    kw = {
        "purchase_year": np.array([2020.0, 2020.0, 2020.0]),
        "purchase_price_eur_ttc": np.array([12000.0, 12000.0, NAN]),
        "warranty_end_year": np.array([2023.0, 2023.0, NAN]),
        "support_cost_eur_ttc_per_year": np.array([NAN, 840.0, NAN]),
        "assumptions": a,
    }
    assert maintenance_eur_ht(year=2022, **kw).tolist() == [0.0, 0.0, 0.0]
    later = maintenance_eur_ht(year=2025, **kw)
    assert later[0] == pytest.approx(10000 * (0.1 + 0.02 * 2))
    assert later[1] == pytest.approx(700.0)  # known contract wins (HT)
    assert later[2] == pytest.approx(a.default_server_price_eur * (0.1 + 0.02 * 2))


def test_cheaper_but_hungrier_server_has_higher_tco() -> None:
    a = Assumptions()
    util = np.full(10, 0.5)
    frugal = make_offer(name="frugal", price_eur_ttc=18000.0, power_idle_w=150.0, power_max_w=450.0)
    hungry = make_offer(name="hungry", price_eur_ttc=15600.0, power_idle_w=400.0, power_max_w=1200.0, warranty_years=1)
    t_f = offer_fleet_tco(offer=frugal, cpu_utilisation=util, carries_windows=util > 1, assumptions=a, start_year=2026)
    t_h = offer_fleet_tco(offer=hungry, cpu_utilisation=util, carries_windows=util > 1, assumptions=a, start_year=2026)
    assert t_h.tca_eur_ttc < t_f.tca_eur_ttc
    assert t_h.tco_eur > t_f.tco_eur
    assert t_f.tco_eur == pytest.approx(t_f.tca_eur_ttc + t_f.opex_eur.sum())


@settings(max_examples=25, deadline=None)
@given(st.floats(0.01, 1.0), st.floats(0.01, 1.0))
def test_tco_monotone_in_energy_price(p1: float, p2: float) -> None:
    hosts, vms = make_estate(n_hosts=5, vms_per_host=3)
    lo, hi = sorted((p1, p2))
    t_lo = keep_estate_tco(hosts=hosts, vms=vms, start_year=2026, assumptions=Assumptions(electricity_eur_per_kwh=lo))
    t_hi = keep_estate_tco(hosts=hosts, vms=vms, start_year=2026, assumptions=Assumptions(electricity_eur_per_kwh=hi))
    assert t_lo.tco_eur <= t_hi.tco_eur + 1e-6


def test_keep_estate_tco_lines_and_carbon() -> None:
    hosts, vms = make_estate(n_hosts=5, vms_per_host=3, purchase_year=2020)
    a = Assumptions()
    t = keep_estate_tco(hosts=hosts, vms=vms, assumptions=a, start_year=2026)
    assert t.years == tuple(range(2026, 2031)) and t.tca_eur_ttc == 0 and t.embodied_kgco2e == 0
    assert (np.diff(t.maintenance_eur) > 0).all()  # ageing hosts cost more to support
    assert np.allclose(t.operational_kgco2e, t.energy_kwh * a.grid_kgco2e_per_kwh)
    assert np.allclose(t.energy_eur, t.energy_kwh * a.electricity_eur_per_kwh)


def test_compare_options_keep_vs_offer_and_repack() -> None:
    from optimizer import compare_options, plan_consolidation

    hosts, vms = make_estate(n_hosts=20, vms_per_host=6, purchase_year=2018)
    a = Assumptions()
    offer = make_offer()
    result = plan_consolidation(hosts=hosts, vms=vms, offer=offer, assumptions=a)
    cmp = compare_options(hosts=hosts, vms=vms, result=result, offer=offer, assumptions=a, start_year=2026)
    assert cmp.keep.tca_eur_ttc == 0 and cmp.consolidated.tca_eur_ttc > 0
    assert cmp.tco_savings_eur == pytest.approx(cmp.keep.tco_eur - cmp.consolidated.tco_eur)
    assert cmp.embodied_kgco2e_added == result.n_hosts_after * a.embodied_kgco2e_per_server
    repack = plan_consolidation(hosts=hosts, vms=vms, offer=None, assumptions=a)
    cmp2 = compare_options(hosts=hosts, vms=vms, result=repack, offer=None, assumptions=a, start_year=2026)
    assert cmp2.consolidated.n_hosts == repack.n_hosts_after < hosts.n_hosts
    assert cmp2.tco_savings_eur > 0 and cmp2.consolidated.tca_eur_ttc == 0
    with pytest.raises(ValueError, match="offer_mismatch"):
        compare_options(hosts=hosts, vms=vms, result=repack, offer=offer, assumptions=a, start_year=2026)


def test_windows_licences_of_new_hosts_are_investment_and_sa_is_yearly() -> None:
    # M57 (docs/assumptions.md): perpetual licences are investissement (2051); the yearly part is Software
    # Assurance. Regression: the licence price / 5 was booked as a yearly operating line.
    a = Assumptions()
    win = np.array([True, True, False])
    licence_ht = 64 * 380.0  # 2 x 32 cores, above the 16-core minimum
    option = offer_fleet_tco(
        offer=make_offer(), cpu_utilisation=np.full(3, 0.3), carries_windows=win, assumptions=a, start_year=2026
    )
    hardware_ht = 3 * (18000 + 600)
    assert option.licence_purchase_eur_ht == pytest.approx(2 * licence_ht)
    assert option.tca_eur_ht == pytest.approx(hardware_ht + 2 * licence_ht)
    assert option.tca_eur_ttc == pytest.approx(option.tca_eur_ht * 1.2)
    assert option.licence_purchase_eur_ttc == pytest.approx(2 * licence_ht * 1.2)
    vsphere = 3 * 64 * 150.0
    sa = 2 * licence_ht * a.windows_software_assurance_rate
    assert option.licences_eur == pytest.approx(np.full(5, (vsphere + sa) * 1.2))
    assert option.tco_eur == pytest.approx(option.tca_eur_ttc + option.opex_eur.sum())
    none = a.with_overrides(windows_enabled=False)
    off = offer_fleet_tco(
        offer=make_offer(), cpu_utilisation=np.full(3, 0.3), carries_windows=win, assumptions=none, start_year=2026
    )
    assert off.licence_purchase_eur_ht == 0 and off.licences_eur == pytest.approx(np.full(5, vsphere * 1.2))


def test_existing_hosts_windows_licences_are_sunk() -> None:
    a = Assumptions()
    hosts, vms = make_estate(n_hosts=4, vms_per_host=6)
    keep = keep_estate_tco(hosts=hosts, vms=vms, assumptions=a, start_year=2026)
    assert keep.tca_eur_ttc == 0 and keep.licence_purchase_eur_ht == 0
    n_win = np.unique(vms.host[vms.is_windows]).size
    vsphere = 4 * 32 * 150.0
    sa = n_win * 32 * 380.0 * a.windows_software_assurance_rate
    assert keep.licences_eur[0] == pytest.approx((vsphere + sa) * 1.2)


def test_energy_price_sensitivity_by_hand() -> None:
    # 2 hosts at 30 % of 250-800 W: 415 W each, 830 W, x 8.76 x PUE 1.8 = 13 087.44 kWh a year.
    a = Assumptions()
    option = offer_fleet_tco(
        offer=make_offer(),
        cpu_utilisation=np.full(2, 0.3),
        carries_windows=np.zeros(2, bool),
        assumptions=a,
        start_year=2026,
    )
    kwh_year = 830 * 8.76 * 1.8
    assert option.energy_kwh == pytest.approx(np.full(5, kwh_year))
    at = energy_price_sensitivity(option, [0.0, 0.2, 0.5])
    without_energy = option.tco_eur - 5 * kwh_year * 0.2
    assert at == pytest.approx([without_energy, option.tco_eur, without_energy + 5 * kwh_year * 0.5])
    assert at.shape == (3,)


def test_support_contract_starts_when_the_warranty_ends_pro_rata() -> None:
    """Finance review: a warranty ending on 20/02/2028 paid nothing in 2028. By hand, a 12 000 EUR TTC
    host (10 000 HT), contract 10 % a year + 2 points per further year: the warranty ends at
    2028 + 50/365,25 = 2028,1369; 2027: 0; 2028: 10 000 x 0,10 x (1 - 0,1369) = 863,1 EUR HT;
    2029: 10 000 x (0,10 + 0,02 x 0,8631) = 1 172,6 EUR HT."""
    from datetime import date

    from optimizer import maintenance_eur_ht

    end = date(2028, 2, 20)
    w_end = end.year + (end.timetuple().tm_yday - 1) / 365.25

    def cost(year: int, known: float = float("nan")) -> float:
        return float(
            maintenance_eur_ht(
                year=year,
                purchase_year=np.array([2023.1]),
                purchase_price_eur_ttc=np.array([12000.0]),
                warranty_end_year=np.array([w_end]),
                support_cost_eur_ttc_per_year=np.array([known]),
                assumptions=Assumptions(),
            )[0]
        )

    assert cost(2027) == 0.0
    assert cost(2028) == pytest.approx(10000 * 0.10 * (1 - 50 / 365.25), abs=0.01)
    assert cost(2028) == pytest.approx(863.1, abs=0.05)
    assert cost(2029) == pytest.approx(10000 * (0.10 + 0.02 * (1 - 50 / 365.25)), abs=0.01)
    # A known contract (2 400 EUR TTC a year) is paid pro rata too: 2 000 HT x 0,8631.
    assert cost(2028, known=2400.0) == pytest.approx(2000 * (1 - 50 / 365.25), abs=0.01)
