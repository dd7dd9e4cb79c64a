"""Growth of a dated series and the time left before a cluster reaches its ceiling. Pure.

The trend is the Theil–Sen estimate: the slope is the median of the slopes between every pair of
points (in units per year), so one odd run (a double-counted import, a cluster briefly moved) does
not move it; its band is the 10th–90th percentile of the same pairwise slopes. The level is the
fitted value at the last date (the intercept is the median of ``y - slope * t``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DAYS_PER_YEAR",
    "Trend",
    "hosts_needed",
    "theil_sen",
    "trend_of",
    "usable_capacity",
    "years_remaining",
]

DAYS_PER_YEAR = 365.25
#: Percentiles of the pairwise slopes that bound the growth band.
BAND_PERCENTILES = (10.0, 90.0)


@dataclass(frozen=True)
class Trend:
    """A robust linear trend of a series.

    Attributes:
        slope_per_year: Theil–Sen slope, units per year (0 with fewer than 2 dated points).
        low_per_year, high_per_year: 10th and 90th percentiles of the pairwise slopes (None with
            fewer than 2 dated points).
        level: fitted value at the last date (the last value with fewer than 2 dated points).
        last: the last date of the series (None when empty).
        n_points: number of points used.
    """

    slope_per_year: float
    low_per_year: float | None
    high_per_year: float | None
    level: float
    last: date | None
    n_points: int

    def at(self, years: float, slope: float | None = None) -> float:
        """The value ``years`` after the last date, growing at ``slope`` (default: the trend's)."""
        return self.level + (self.slope_per_year if slope is None else slope) * years


def _pairwise_slopes(t: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Slopes between every pair of points with distinct times."""
    i, j = np.triu_indices(len(t), k=1)
    dt = t[j] - t[i]
    keep = dt != 0
    slopes: NDArray[np.float64] = (y[j][keep] - y[i][keep]) / dt[keep]
    return slopes


def theil_sen(t_years: Sequence[float], values: Sequence[float], *, last: date | None = None) -> Trend:
    """Theil–Sen trend of ``values`` observed at times ``t_years`` (in years, any origin)."""
    t = np.asarray(t_years, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    if t.shape != y.shape or t.ndim != 1:
        raise ValueError("t_years and values must be 1-D sequences of the same length")
    finite = np.isfinite(t) & np.isfinite(y)
    t, y = t[finite], y[finite]
    if len(t) == 0:
        return Trend(0.0, None, None, 0.0, last, 0)
    slopes = _pairwise_slopes(t, y)
    if len(slopes) == 0:
        return Trend(0.0, None, None, float(y[np.argmax(t)]), last, len(t))
    slope = float(np.median(slopes))
    low, high = (float(v) for v in np.percentile(slopes, BAND_PERCENTILES))
    intercept = float(np.median(y - slope * t))
    return Trend(slope, low, high, intercept + slope * float(t.max()), last, len(t))


def trend_of(dates: Sequence[date], values: Sequence[float]) -> Trend:
    """Theil–Sen trend of a dated series; time in years (365.25 days) from the first date."""
    if len(dates) != len(values):
        raise ValueError("dates and values must have the same length")
    if not dates:
        return Trend(0.0, None, None, 0.0, None, 0)
    first = min(dates)
    t = [(d - first).days / DAYS_PER_YEAR for d in dates]
    return theil_sen(t, values, last=max(dates))


def usable_capacity(capacity: float, largest_host: float, *, ceiling: float, ha_reserve_hosts: int) -> float:
    """What demand may reach: ``capacity x ceiling`` minus the HA reserve (largest host x reserve hosts)."""
    return capacity * ceiling - largest_host * ha_reserve_hosts


def years_remaining(trend: Trend, limit: float, slope: float | None = None) -> float | None:
    """Years from the last date until the trend reaches ``limit``.

    0 when the level is already at or above it; None when it never does (no growth, or shrinking).
    ``slope`` replaces the trend's slope (to read the band's bounds).
    """
    growth = trend.slope_per_year if slope is None else slope
    if trend.level >= limit:
        return 0.0
    if growth <= 0:
        return None
    return (limit - trend.level) / growth


def hosts_needed(demand: float, host_capacity: float, *, ceiling: float, ha_reserve_hosts: int) -> int | None:
    """Hosts of ``host_capacity`` that carry ``demand`` under the ceiling, plus the HA reserve.

    None when the host capacity is unknown (0 or less).
    """
    per_host = host_capacity * ceiling
    if per_host <= 0 or not math.isfinite(per_host):
        return None
    return max(0, math.ceil(max(demand, 0.0) / per_host - 1e-9)) + ha_reserve_hosts
