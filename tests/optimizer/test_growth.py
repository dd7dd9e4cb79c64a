"""Theil–Sen growth and time remaining, checked by hand on small synthetic histories."""

from datetime import date, timedelta

import pytest

from optimizer.growth import hosts_needed, theil_sen, trend_of, usable_capacity, years_remaining

START = date(2024, 1, 1)


def test_steady_growth_gives_the_exact_slope_and_a_zero_width_band() -> None:
    # +0.5 per day, every 30 days: 0.5 x 365.25 = 182.625 per year; every pairwise slope is the same
    dates = [START + timedelta(days=30 * k) for k in range(12)]
    trend = trend_of(dates, [1000 + 0.5 * (d - START).days for d in dates])
    assert trend.slope_per_year == pytest.approx(182.625)
    assert trend.low_per_year == pytest.approx(182.625) and trend.high_per_year == pytest.approx(182.625)
    assert trend.level == pytest.approx(1000 + 0.5 * 330) and trend.last == dates[-1] and trend.n_points == 12


def test_a_one_off_step_does_not_move_the_median() -> None:
    # 10 runs growing 0.1 a day, run 5 double-counted (+500): 9 of the 45 pairs are off, 36 keep
    # the slope 0.1 x 365.25 = 36.525, so the median is exactly it; the band widens
    dates = [START + timedelta(days=30 * k) for k in range(10)]
    values = [100 + 0.1 * (d - START).days + (500 if k == 5 else 0) for k, d in enumerate(dates)]
    trend = trend_of(dates, values)
    assert trend.slope_per_year == pytest.approx(36.525)
    assert trend.low_per_year is not None and trend.high_per_year is not None
    # 4 pairs after the spike are steeply negative (sorted ranks 0-3), 5 before it steeply positive
    # (ranks 40-44): P10 sits at rank 4.4, still 36.525; P90 at rank 39.6 reaches into the spike's pairs
    assert trend.low_per_year == pytest.approx(36.525) and trend.high_per_year > 36.525
    # the level is the clean line's, not the outlier's: 100 + 0.1 x 270
    assert trend.level == pytest.approx(127.0)


def test_noisy_series_by_hand() -> None:
    # t = 0,1,2,3 years, y = 10,13,14,17. Pairwise slopes: 3, 2, 7/3, 1, 2, 3 -> sorted 1, 2, 2, 7/3, 3, 3
    # median (2 + 7/3) / 2 = 13/6; P10 = 1 + 0.5 x (2 - 1) = 1.5; P90 = 3 (linear interpolation)
    # intercept = median(10, 13 - 13/6, 14 - 26/6, 17 - 39/6) = median(10, 10.833, 9.667, 10.5) = 10.25
    trend = theil_sen([0, 1, 2, 3], [10, 13, 14, 17])
    assert trend.slope_per_year == pytest.approx(13 / 6)
    assert trend.low_per_year == pytest.approx(1.5) and trend.high_per_year == pytest.approx(3.0)
    assert trend.level == pytest.approx(10.25 + 3 * 13 / 6)  # 16.75
    # limit 30: (30 - 16.75) / (13/6) = 6.115 years; with the band's high slope 3: 13.25 / 3
    assert years_remaining(trend, 30) == pytest.approx(13.25 * 6 / 13)
    assert years_remaining(trend, 30, slope=trend.high_per_year) == pytest.approx(13.25 / 3)
    assert years_remaining(trend, 16) == 0.0  # already above


def test_shrinking_estate_never_reaches_the_ceiling() -> None:
    trend = theil_sen([0, 1, 2], [300, 250, 200])
    assert trend.slope_per_year == pytest.approx(-50) and trend.level == pytest.approx(200)
    assert years_remaining(trend, 400) is None
    assert trend.at(2) == pytest.approx(100)


def test_a_single_run_means_no_growth() -> None:
    trend = trend_of([START], [42.0])
    assert (trend.slope_per_year, trend.low_per_year, trend.high_per_year, trend.level) == (0.0, None, None, 42.0)
    assert years_remaining(trend, 100) is None
    # two runs the same day are not two dated points
    same_day = trend_of([START, START], [40.0, 44.0])
    assert same_day.slope_per_year == 0.0 and same_day.low_per_year is None
    assert trend_of([], []).n_points == 0


def test_usable_capacity_and_hosts_needed_by_hand() -> None:
    # 4 hosts of 32 000 MHz at 80 %, one host held for HA: 128 000 x 0.8 - 32 000 = 70 400 MHz
    assert usable_capacity(128_000, 32_000, ceiling=0.8, ha_reserve_hosts=1) == pytest.approx(70_400)
    # 70 000 MHz on hosts of 32 000 x 0.8 = 25 600: 2.73 -> 3 hosts, plus 1 for HA
    assert hosts_needed(70_000, 32_000, ceiling=0.8, ha_reserve_hosts=1) == 4
    assert hosts_needed(51_200, 32_000, ceiling=0.8, ha_reserve_hosts=1) == 3  # exactly 2 hosts' worth
    assert hosts_needed(0, 32_000, ceiling=0.8, ha_reserve_hosts=2) == 2
    assert hosts_needed(10, 0, ceiling=0.8, ha_reserve_hosts=1) is None
