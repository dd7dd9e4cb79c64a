"""Hosts' measured load from their profiles: peaks and minutes above 80 % and 100 %, checked by hand."""

from datetime import UTC, datetime

import numpy as np
import pytest
from sqlmodel import Session

from parcimonie.planning.estate_inputs import EstateInputs
from parcimonie.planning.host_profiles import HostProfiles, estate_load, measured_load

NAN = np.nan


def _four_slots() -> HostProfiles:
    """Four day slots (5 min) and two week slots (30 min) for hosts a, b (cluster C), c (no capacity), d."""
    day = np.array(
        [
            [1000.0, 1700.0, 2100.0, NAN],  # a: 50 %, 85 %, 105 %, no sample
            [1000.0, 100.0, 100.0, 100.0],  # b: 50 %, 5 %, 5 %, 5 %
            [1.0, 1.0, 1.0, 1.0],  # c: capacity unknown
            [NAN, NAN, NAN, NAN],  # d: no profile
        ]
    )
    week = np.array([[1900.0, 1500.0], [NAN, NAN], [NAN, NAN], [NAN, NAN]])
    start = datetime(2026, 11, 29, tzinfo=UTC)
    return HostProfiles(ids=("1", "2", "3", "4"), day=day, week=week, day_start=start, week_start=start, n_with=3)


def test_host_and_cluster_figures_by_hand() -> None:
    load = measured_load(_four_slots(), ["a", "b", "c", "d"], ["C", "C", "C", None], [2000.0, 2000.0, NAN, 2000.0])
    by_name = {h.name: h.load for h in load.hosts}
    assert set(by_name) == {"a", "b"} and load.no_capacity == ["c"]  # d has no profile: not listed
    a = by_name["a"]
    # a: peak 2 100 / 2 000 = 105 %; above 80 %: two 5-minute slots; above 100 %: one.
    assert a.peak_day == pytest.approx(1.05)
    assert (a.minutes_over_80_day, a.minutes_over_100_day) == (10.0, 5.0)
    # Week: 95 % then 75 %: one 30-minute slot above 80 %, none above 100 %.
    assert a.peak_week == pytest.approx(0.95) and (a.minutes_over_80_week, a.minutes_over_100_week) == (30.0, 0.0)
    b = by_name["b"]
    assert b.peak_day == pytest.approx(0.5) and b.minutes_over_80_day == 0.0 and b.peak_week is None
    (cluster,) = load.clusters
    # C pools a and b: 2 000/4 000, 1 800/4 000, 2 200/4 000, then only b has a sample: 100/2 000.
    assert (cluster.cluster, cluster.n_hosts, cluster.capacity_mhz) == ("C", 2, 4000.0)
    assert cluster.load.peak_day == pytest.approx(0.55) and cluster.load.minutes_over_80_day == 0.0
    # The week: only a has samples, so the cluster reads a's 95 % and 75 %.
    assert cluster.load.peak_week == pytest.approx(0.95) and cluster.load.minutes_over_80_week == 30.0
    doc = load.to_dict()
    assert doc["hosts"][0]["load"]["peak_day"] == 1.05 and doc["clusters"][0]["load"]["peak_week"] == 0.95
    assert doc["hosts"][1]["load"]["peak_week"] is None and doc["day_start"] == "2026-11-29T00:00:00+00:00"


def test_demo_estate_loads_host_profiles_on_its_rows(demo_inputs: EstateInputs) -> None:
    profiles = demo_inputs.host_profiles
    assert profiles is not None and profiles.ids == demo_inputs.hosts.ids
    assert profiles.day is not None and profiles.day.shape == (demo_inputs.hosts.n_hosts, 288)
    assert profiles.week is not None and profiles.week.shape[1] == 336
    # Every host carrying a powered-on VM has a profile, and it is at least the 5 % overhead.
    carrying = np.unique(demo_inputs.vms.host[(demo_inputs.vms.host >= 0) & demo_inputs.vms.powered_on])
    raw = demo_inputs.hosts.n_cores * demo_inputs.hosts.cpu_mhz
    assert profiles.n_with >= carrying.size
    assert (np.nanmin(profiles.day[carrying], axis=1) >= 0.05 * raw[carrying] - 0.1).all()


def test_estate_load_of_the_demo(demo_inputs: EstateInputs, sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    with Session(sqlite_engine) as session:
        load = estate_load(session)
    assert demo_inputs.host_profiles is not None
    assert len(load.hosts) == demo_inputs.host_profiles.n_with and load.no_capacity == []
    assert load.clusters and all(c.load.peak_day is not None and c.load.peak_day > 0.05 for c in load.clusters)
    assert sum(c.n_hosts for c in load.clusters) == len([h for h in load.hosts if h.cluster is not None])
