import numpy as np
import pytest

from optimizer import (
    CAUTIOUS_CEILING,
    GENERATION_CATALOGUE,
    AssumptionError,
    Assumptions,
    Policy,
    estimate_generation_figures,
)


def test_defaults_match_domain_notes() -> None:
    a = Assumptions()
    assert a.horizon_years == 5 and a.pue == 1.8 and a.discount_rate == 0.045  # real rate, Quinet 2013
    assert a.electricity_eur_per_kwh == 0.20 and a.grid_kgco2e_per_kwh == 0.052
    assert a.fctva_rate == pytest.approx(0.16404) and a.vat_rate == 0.20
    assert a.vsphere_min_cores_per_cpu == 16 and a.windows_min_cores_per_server == 16
    p = Policy()
    assert p.ceiling == 0.8 and CAUTIOUS_CEILING == 0.40 and p.ha_reserve_hosts == 1


def test_with_overrides_returns_copy_and_echoes() -> None:
    a = Assumptions()
    b = a.with_overrides(pue=1.3, electricity_eur_per_kwh=0.3)
    assert a.pue == 1.8 and b.pue == 1.3
    assert b.to_dict()["electricity_eur_per_kwh"] == 0.3
    assert set(a.to_dict()) >= {"pue", "fctva_delay_years", "cpu_comfort_factor"}


@pytest.mark.parametrize(
    "kw, word",
    [
        ({"not_a_figure": 1}, "unknown"),
        ({"pue": 0.9}, "pue"),
        ({"cpu_comfort_factor": 0.0}, "cpu_comfort_factor"),
        ({"electricity_eur_per_kwh": -0.1}, "electricity_eur_per_kwh"),
        ({"fctva_delay_years": 3}, "fctva_delay_years"),
        ({"horizon_years": 0}, "horizon_years"),
    ],
)
def test_bad_overrides_raise_naming_the_figure(kw: dict[str, float], word: str) -> None:
    with pytest.raises(ValueError, match=word):
        Assumptions().with_overrides(**kw)


def test_generation_catalogue_is_ordered_and_estimates_interpolate() -> None:
    assert (np.diff(GENERATION_CATALOGUE[:, 0]) > 0).all()
    assert (np.diff(GENERATION_CATALOGUE[:, 1]) > 0).all()
    perf, idle, peak = estimate_generation_figures(
        year=np.array([2012.0, 2024.0, np.nan, 1990.0]), n_sockets=np.array([2, 2, 1, 2])
    )
    assert perf[1] == pytest.approx(1.0) and perf[0] < perf[1]
    assert (peak >= idle).all() and idle[2] < idle[0]
    assert perf[3] == GENERATION_CATALOGUE[0, 1]  # clamped


@pytest.mark.parametrize(
    "kw, word",
    [
        ({"horizon_years": 2.5}, "horizon_years"),
        ({"depreciation_years": 1.5}, "depreciation_years"),
        ({"reference_year": 2026.5}, "reference_year"),
        ({"horizon_years": True}, "horizon_years"),
        ({"fctva_enabled": 1}, "fctva_enabled"),
        ({"windows_enabled": "yes"}, "windows_enabled"),
        ({"pue": True}, "pue"),
        ({"pue": "1.8"}, "pue"),
    ],
)
def test_wrong_types_raise_naming_the_figure(kw: dict[str, object], word: str) -> None:
    with pytest.raises(ValueError, match=word):
        Assumptions().with_overrides(**kw)


def test_whole_floats_become_ints_and_ints_floats() -> None:
    a = Assumptions().with_overrides(horizon_years=2.0, depreciation_years=np.int64(2), pue=2, fctva_enabled=np.True_)
    assert a.horizon_years == 2 and type(a.horizon_years) is int
    assert type(a.depreciation_years) is int and type(a.pue) is float and a.fctva_enabled is True
    assert list(range(a.horizon_years)) == [0, 1]


@pytest.mark.parametrize(
    "kw, code, name",
    [
        ({"not_a_figure": 1}, "unknown", "not_a_figure"),
        ({"fctva_enabled": 1}, "not_bool", "fctva_enabled"),
        ({"pue": "1.8"}, "not_finite", "pue"),
        ({"pue": float("nan")}, "not_finite", "pue"),
        ({"horizon_years": 2.5}, "not_integer", "horizon_years"),
        ({"electricity_eur_per_kwh": -0.1}, "negative", "electricity_eur_per_kwh"),
        ({"pue": 0.9}, "out_of_range", "pue"),
        ({"fctva_delay_years": 3}, "out_of_range", "fctva_delay_years"),
    ],
)
def test_assumption_errors_carry_a_code(kw: dict[str, object], code: str, name: str) -> None:
    with pytest.raises(AssumptionError) as err:
        Assumptions().with_overrides(**kw)
    assert (err.value.code, err.value.name) == (code, name) and name in str(err.value)


def test_out_of_range_carries_its_bounds() -> None:
    with pytest.raises(AssumptionError) as err:
        Assumptions().with_overrides(fctva_delay_years=3)
    assert (err.value.low, err.value.high, err.value.value) == (0, 2, 3)


@pytest.mark.parametrize(
    "name, value, low, high",
    [
        ("vat_rate", 5, 0, 1),
        ("fctva_rate", 16.404, 0, 1),
        ("discount_rate", 7, 0, 1),
        ("support_rate_per_year", 1.5, 0, 1),
        ("support_rate_increase_per_year", 2, 0, 1),
        ("windows_software_assurance_rate", 25, 0, 1),
        ("cpu_unknown_fraction", 1.01, 0, 1),
        ("electricity_eur_per_kwh", 20, 0, 5),
        ("pue", 18, 1, 3),
        ("horizon_years", 16, 1, 15),
        ("reference_year", 99999, 2000, 2100),
    ],
)
def test_typing_mistakes_are_out_of_range(name: str, value: float, low: float, high: float) -> None:
    with pytest.raises(AssumptionError) as err:
        Assumptions().with_overrides(**{name: value})
    assert (err.value.code, err.value.name, err.value.low, err.value.high) == ("out_of_range", name, low, high)


def test_bounds_themselves_are_accepted() -> None:
    a = Assumptions().with_overrides(
        vat_rate=1, cpu_unknown_fraction=0, electricity_eur_per_kwh=5, pue=3, horizon_years=15
    )
    assert (a.vat_rate, a.pue, a.horizon_years) == (1.0, 3.0, 15)
