"""Backtest split and risk curve, checked by hand."""

import numpy as np
import pytest

from optimizer.risk import backtest_split, risk_curve

RAW = np.array([2000.0, 1_000_000.0])


def test_week_is_fitted_on_six_days_and_replayed_on_the_day_profile() -> None:
    week, day = np.ones((3, 336)), np.full((3, 288), 2.0)
    split = backtest_split(day=day, week=week)
    assert split.fit.shape == (3, 288) and split.fit_slot_minutes == 30.0
    assert split.replay.shape == (3, 288) and split.replay_slot_minutes == 5.0 and split.held_out
    alone = backtest_split(day=None, week=week)
    assert alone.replay.shape == (3, 48) and alone.replay_slot_minutes == 30.0
    only_day = backtest_split(day=day, week=None)
    assert not only_day.held_out and only_day.replay is day or (only_day.replay == day).all()
    with pytest.raises(ValueError):
        backtest_split(day=None, week=None)


def test_risk_curve_by_hand() -> None:
    # Two VMs fitted flat at 500 MHz; on the replayed day (288 x 5 min) both reach 1 200 in slot 0.
    fit = np.full((2, 12), 500.0)
    replay = np.full((2, 288), 300.0)
    replay[:, 0] = 1200.0
    split = backtest_split(day=replay, week=None)
    split = type(split)(fit, 5.0, replay, 5.0, True)
    points = risk_curve(
        split=split, cpu_p95_ref_mhz=np.full(2, 500.0), memory_mib=np.ones(2), raw_capacity=RAW, ceilings=(0.4, 0.5)
    )
    at_40, at_50 = points
    # 40 %: 800 MHz usable, one VM per host: 2 hosts, each peaks at 1 200 / 2 000 = 60 %: no overflow.
    assert at_40.n_hosts_profile == 2 and at_40.overflow_minutes_profile == 0.0
    # ...but 1 200 > 800 (the 40 % ceiling) during one 5-minute slot per host: 2 x 5 min a day, x 30 a month.
    assert at_40.ceiling_minutes_profile == pytest.approx(2 * 5 * 30)
    # 50 %: 1 000 usable holds both (500 + 500): 1 host; slot 0 carries 2 400 > 2 000 for 5 minutes
    # of a 1 440-minute day: 5 x 30 = 150 minutes per month above 100 %.
    assert at_50.n_hosts_profile == 1 and at_50.n_hosts_p95 == 1 and at_50.bound_profile == 1
    assert at_50.overflow_minutes_profile == pytest.approx(150.0)
    assert at_50.overflow_minutes_p95 == pytest.approx(150.0)
    assert at_50.worst_utilisation_profile == pytest.approx(1.2)


def test_the_plans_own_packing_is_the_point_at_its_ceiling() -> None:
    from optimizer.profile_pack import pack_on_profiles

    fit = np.full((2, 12), 500.0)
    replay = np.full((2, 288), 300.0)
    replay[:, 0] = 1200.0
    split = type(backtest_split(day=replay, week=None))(fit, 5.0, replay, 5.0, True)
    p95, memory = np.full(2, 500.0), np.ones(2)
    plan = pack_on_profiles(cpu_slots_ref_mhz=fit, cpu_p95_ref_mhz=p95, memory_mib=memory, host_capacity=RAW * 0.5)
    # A plan that kept the VMs apart (2 hosts, as a time-budgeted improvement might leave them) is
    # what the curve reads at 50 %, not a new packing (1 host), and its replay is that placement's.
    apart = type(plan)(**{**plan.__dict__, "assignment_profile": np.array([0, 1]), "n_hosts_profile": 2})
    at_40, at_50 = risk_curve(
        split=split, cpu_p95_ref_mhz=p95, memory_mib=memory, raw_capacity=RAW, ceilings=(0.4, 0.5),
        plan=apart, plan_ceiling=0.5,
    )  # fmt: skip
    assert at_50.n_hosts_profile == 2 and at_50.overflow_minutes_profile == 0.0  # 1 500 / 2 000 per host
    assert at_40.n_hosts_profile == 2
    with pytest.raises(ValueError):
        risk_curve(split=split, cpu_p95_ref_mhz=p95, memory_mib=memory, raw_capacity=RAW, plan=plan)
