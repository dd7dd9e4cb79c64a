"""The plan's time-aligned section on an estate whose answers are known by hand."""

from dataclasses import replace

import numpy as np
import pytest

from optimizer import HostTable, Offer, Policy, VmTable
from parcimonie.planning.estate_inputs import EstateInputs
from parcimonie.planning.profile_document import ProfileComparison
from parcimonie.planning.profile_plan import VmProfiles, compare_profiles, fit_profiles
from parcimonie.planning.service import PlanRequest, run_plan
from tests.conftest import TODAY

# A 2-core 1 000 MHz offer (perf 1.0): 2 000 reference MHz per host, memory plentiful.
OFFER = Offer(
    name="T",
    n_sockets=1,
    n_cores=2,
    cpu_mhz=1000.0,
    memory_mib=1024.0 * 1024,
    perf_per_core=1.0,
    price_eur_ttc=10_000.0,
    power_idle_w=100.0,
    power_max_w=300.0,
)


def _inputs() -> EstateInputs:
    """4 day VMs (800 MHz in the first half of each day, 200 after) and 4 night VMs (the reverse).

    Week profiles (336 x 30 min) are the fit; the day profile (288 x 5 min) is the replay, where
    the day VMs reach 1 000 MHz in the first slot.
    """
    hosts = HostTable.build(
        n_cores=[20], cpu_mhz=[2000.0], memory_mib=[512.0 * 1024], perf_per_core=[1.0], purchase_year=[2018.0]
    )
    n = 8
    vms = VmTable.build(
        ids=[str(i + 1) for i in range(n)],
        host=[0] * n,
        n_vcpus=[2] * n,
        memory_mib=[4096.0] * n,
        cpu_p95_mhz=[800.0] * n,
        usage_days=[30.0] * n,
    )
    high = (np.arange(336) % 48) < 24
    day_vm, night_vm = np.where(high, 800.0, 200.0), np.where(high, 200.0, 800.0)
    week = np.vstack([np.tile(day_vm, (4, 1)), np.tile(night_vm, (4, 1))])
    first = np.arange(288) < 144
    day = np.vstack([np.tile(np.where(first, 800.0, 200.0), (4, 1)), np.tile(np.where(first, 200.0, 800.0), (4, 1))])
    day[:4, 0] = 1000.0
    profiles = VmProfiles(ids=vms.ids, day=day, week=week, n_with=n)
    vms = replace(vms, cpu_profile_mhz=fit_profiles(profiles))  # as estate_inputs attaches them
    return EstateInputs(hosts=hosts, vms=vms, offers=(OFFER,), host_row_ids=(1,), profiles=profiles)


def _section(ceiling: float) -> ProfileComparison:
    request = PlanRequest(offers=("T",), policy=Policy(ceiling=ceiling, ha_reserve_hosts=0), with_replacement=False)
    outcome = run_plan(_inputs(), request, today=TODAY)
    section = compare_profiles(outcome)
    assert section is not None
    return section


def test_profiles_halve_the_hosts_and_the_backtest_counts_the_spike() -> None:
    s = _section(1.0)
    p95, profile = s.answer("p95"), s.answer("profile")
    # P95: 800 each, two per 2 000 MHz host: 4 hosts. Profiles: two day + two night VMs make
    # 800 + 800 + 200 + 200 = 2 000 at every slot: 2 hosts, the per-slot bound (4 000 / 2 000 = 2).
    assert (p95.n_hosts, profile.n_hosts, profile.lower_bound) == (4, 2, 2)
    assert s.demand == "profile" and not s.p95_kept and s.held_out
    assert (s.fit_slots, s.fit_slot_minutes, s.replay_slots, s.replay_slot_minutes) == (288, 30.0, 288, 5.0)
    # Replay: in the first 5-minute slot each host carries 1 000 + 1 000 + 200 + 200 = 2 400 > 2 000,
    # i.e. 120 %: 2 hosts x 5 min in a 1 440-minute day, x 30 days = 300 host-minutes a month.
    assert profile.overflow_minutes_per_month == pytest.approx(300.0)
    assert profile.worst_host_utilisation == pytest.approx(1.2)
    # The P95 plan's hosts carry two VMs: at most 1 000 + 1 000 = 2 000, never above 100 %.
    assert p95.overflow_minutes_per_month == 0.0
    assert 0 < profile.tco_eur < p95.tco_eur


def test_risk_curve_by_hand_and_the_p95_choice() -> None:
    s = _section(0.5)
    at = {round(p.ceiling, 2): p for p in s.risk_curve}
    # 50 %: 1 000 usable: one VM per host on P95 (8), a day and a night VM on profiles (4), each
    # replayed at most 1 000 + 200 = 1 200 < 2 000: no overflow. 100 %: the 300 minutes above.
    assert (at[0.5].n_hosts_profile, at[0.5].n_hosts_p95, at[0.5].overflow_minutes_per_month_profile) == (4, 8, 0.0)
    assert (at[1.0].n_hosts_profile, at[1.0].n_hosts_p95) == (2, 4)
    assert at[1.0].overflow_minutes_per_month_profile == pytest.approx(300.0)
    assert at[0.5].tco_eur_profile < at[0.5].tco_eur_p95
    request = PlanRequest(
        offers=("T",), policy=Policy(ceiling=1.0, ha_reserve_hosts=0), with_replacement=False, demand="p95"
    )
    section = compare_profiles(run_plan(_inputs(), request, today=TODAY))
    assert section is not None and section.demand == "p95" and section.answer("profile").n_hosts == 2


def test_no_section_without_profiles() -> None:
    inputs = _inputs()
    outcome = run_plan(replace(inputs, profiles=None), PlanRequest(offers=("T",), with_replacement=False), today=TODAY)
    assert compare_profiles(outcome) is None and outcome.document().profiles is None


def test_workbook_sheet_reads_the_same_figures() -> None:
    from openpyxl import Workbook

    from parcimonie.planning.workbook_profiles import SHEET, profiles_sheet

    section = _section(1.0)
    book = Workbook()
    profiles_sheet(book, section)
    rows = [[c.value for c in row] for row in book[SHEET].iter_rows()]
    answers = {r[0]: r for r in rows if r[0] in ("P95 scalaire", "profils d'usage")}
    assert answers["P95 scalaire"][1:3] == [4, 4] and answers["profils d'usage"][1:3] == [2, 2]
    assert answers["profils d'usage"][4] == pytest.approx(300.0)
    curve = [r for r in rows if isinstance(r[0], float)]
    assert [r[0] for r in curve] == [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert curve[-1][1:3] == [2, 4] and curve[-1][5] == pytest.approx(300.0)


def test_cli_text_shows_both_answers() -> None:
    from io import StringIO

    from rich.console import Console

    from parcimonie.plan_profiles_text import print_profiles

    request = PlanRequest(offers=("T",), policy=Policy(ceiling=1.0, ha_reserve_hosts=0), with_replacement=False)
    document = run_plan(_inputs(), request, today=TODAY).document()
    out = StringIO()
    print_profiles(Console(file=out, width=300), document)
    shown = out.getvalue()
    assert "P95 scalaire : 4 hôtes (borne prouvée 4)" in shown
    assert "profils d'usage : 2 hôtes (borne prouvée 2)" in shown and "300 min/mois au-delà de 100 %" in shown
    assert "100\u202f% : 2 / 4 hôtes" in shown
