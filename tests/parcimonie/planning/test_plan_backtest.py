"""The plan's own consolidation and the current estate replayed per cluster, checked by hand."""

from dataclasses import replace

import numpy as np
import pytest

from optimizer import HostTable, Offer, Policy, VmTable
from parcimonie.planning.estate_inputs import EstateInputs
from parcimonie.planning.plan_backtest import plan_backtest
from parcimonie.planning.profile_document import ClusterBacktest, PlanBacktest
from parcimonie.planning.profile_plan import VmProfiles
from parcimonie.planning.service import PlanOutcome, PlanRequest, run_plan
from tests.conftest import TODAY

# 3 cores x 1 000 MHz, perf 1.0: 3 000 reference MHz per new host; memory plentiful.
OFFER = Offer(
    name="T",
    n_sockets=1,
    n_cores=3,
    cpu_mhz=1000.0,
    memory_mib=1024.0 * 1024,
    perf_per_core=1.0,
    price_eur_ttc=10_000.0,
    power_idle_w=100.0,
    power_max_w=300.0,
)
# Held-out day: 4 slots of 5 minutes; a 30-day month is 43 200 min, so one slot of one host is
# 5 x 43 200 / 20 = 10 800 host-minutes a month.
SLOT_MONTH = 10_800.0
REPLAY = np.array(
    [
        [1200.0, 600.0, 600.0, 600.0],  # v1 on a1
        [1000.0, 200.0, 200.0, 200.0],  # v2 on a1
        [400.0, 400.0, 2400.0, 400.0],  # v3 on a2
        [600.0, 600.0, 600.0, 600.0],  # v4 on b1
        [np.nan] * 4,  # v5 on b1: no profile, flat at its P95 (1 000)
    ]
)


def _outcome() -> PlanOutcome:
    """Cluster 0: hosts a1, a2; cluster 1: host b1; each 2 cores x 1 000 MHz = 2 000 reference MHz."""
    hosts = HostTable.build(
        names=["a1", "a2", "b1"],
        cluster=[0, 0, 1],
        n_cores=[2, 2, 2],
        cpu_mhz=[1000.0] * 3,
        memory_mib=[256.0 * 1024] * 3,
        perf_per_core=[1.0] * 3,
        purchase_year=[2018.0] * 3,
    )
    vms = VmTable.build(
        ids=[str(i + 1) for i in range(5)],
        host=[0, 0, 1, 2, 2],
        cluster=[0, 0, 0, 1, 1],
        n_vcpus=[1] * 5,
        memory_mib=[1024.0] * 5,
        cpu_p95_mhz=[1000.0] * 5,
        usage_days=[30.0] * 5,
    )
    week = np.vstack([np.full((4, 52), 500.0), np.full((1, 52), np.nan)])  # fit: 4 slots x 30 min
    profiles = VmProfiles(ids=vms.ids, day=REPLAY.copy(), week=week, n_with=4)
    inputs = EstateInputs(hosts=hosts, vms=vms, offers=(OFFER,), host_row_ids=(1, 2, 3), profiles=profiles)
    request = PlanRequest(
        offers=("T",),
        policy=Policy(ceiling=0.8, ha_reserve_hosts=1),
        with_replacement=False,
        overrides={"cpu_comfort_factor": 1.0},
    )
    return run_plan(inputs, request, today=TODAY)


def _with_placement(outcome: PlanOutcome, **fields: object) -> PlanOutcome:
    return replace(outcome, consolidation=replace(outcome.consolidation, **fields))  # type: ignore[arg-type]


def _figures(c: ClusterBacktest) -> tuple[object, ...]:
    return (
        c.cluster,
        c.n_hosts,
        c.minutes_above_capacity_total,
        c.minutes_above_capacity_per_host,
        c.minutes_above_ceiling_total,
        c.minutes_above_ceiling_per_host,
        c.worst_host,
        pytest.approx(c.worst_utilisation),
    )


def _backtest(outcome: PlanOutcome) -> PlanBacktest:
    found = plan_backtest(outcome)
    assert found is not None
    return found


def _hand_placed() -> PlanOutcome:
    return _with_placement(
        _outcome(),
        offer_name="T",
        placement=np.array([0, 0, 0, 2, 2]),
        target_cluster=np.array([0, 0, 1]),
        target_existing_host=np.array([-1, -1, -1]),
        target_is_ha_reserve=np.array([False, True, False]),
    )


def test_before_and_after_per_cluster_by_hand() -> None:
    # New hosts: t0 (cluster 0) carries v1, v2, v3; t1 is cluster 0's HA reserve; t2 (cluster 1) v4, v5.
    b = _backtest(_hand_placed())
    assert (b.ceiling, b.n_vms, b.n_vms_with_profile, b.replay_slots, b.replay_slot_minutes) == (0.8, 5, 4, 4, 5.0)
    assert b.held_out
    # Before. a1 = v1 + v2 = [2 200, 800, 800, 800] / 2 000: 110 % in slot 1 (above 100 % and 80 %).
    # a2 = v3 = [400, 400, 2 400, 400] / 2 000: 120 % in slot 3. b1 = v4 + v5 (flat 1 000) = 1 600
    # every slot: exactly 80 %, not above the ceiling.
    assert [_figures(c) for c in b.before] == [
        (0, 2, 2 * SLOT_MONTH, SLOT_MONTH, 2 * SLOT_MONTH, SLOT_MONTH, "a2", pytest.approx(1.2)),
        (1, 1, 0.0, 0.0, 0.0, 0.0, "b1", pytest.approx(0.8)),
    ]
    assert _figures(b.before_total) == (
        None,
        3,
        2 * SLOT_MONTH,
        2 * SLOT_MONTH / 3,
        2 * SLOT_MONTH,
        2 * SLOT_MONTH / 3,
        "a2",
        pytest.approx(1.2),
    )
    # After. t0 (3 000) = [2 600, 1 200, 3 200, 1 200]: 86,7 % in slot 1 (above the ceiling), 106,7 % in
    # slot 3 (above both); the reserve t1 carries nothing; t2 = 1 600 / 3 000 = 53,3 %.
    assert [_figures(c) for c in b.after] == [
        (0, 2, SLOT_MONTH, SLOT_MONTH / 2, 2 * SLOT_MONTH, SLOT_MONTH, "nouveau-001", pytest.approx(3200 / 3000)),
        (1, 1, 0.0, 0.0, 0.0, 0.0, "nouveau-003", pytest.approx(1600 / 3000)),
    ]
    assert _figures(b.after_total) == (
        None,
        3,
        SLOT_MONTH,
        SLOT_MONTH / 3,
        2 * SLOT_MONTH,
        2 * SLOT_MONTH / 3,
        "nouveau-001",
        pytest.approx(3200 / 3000),
    )


def test_cli_text_and_workbook_read_the_same_lines() -> None:
    from io import StringIO

    from openpyxl import Workbook
    from rich.console import Console

    from parcimonie.plan_profiles_text import print_backtest
    from parcimonie.planning.workbook_profiles import SHEET, profiles_sheet

    b = _backtest(_hand_placed())
    out = StringIO()
    print_backtest(Console(file=out, width=400), b)
    lines = [line.strip().replace("\u202f", " ") for line in out.getvalue().splitlines() if line.strip()]
    assert lines[0].startswith("Rejeu du plan, par cluster, sur 4 créneaux de 5 min non vus")
    assert lines[1] == (
        "cluster 0, avant : 2 hôtes ; au-delà de 100 % : 21 600 min/mois (10 800 par hôte) ; au-delà du plafond : "
        "21 600 (10 800 par hôte) ; hôte le plus chargé a2 (120 %)"
    )
    assert lines[2].startswith("cluster 0, après : 2 hôtes ; au-delà de 100 % : 10 800 min/mois (5 400 par hôte)")
    assert [line.split(" :")[0] for line in lines[3:]] == [
        "cluster 1, avant",
        "cluster 1, après",
        "parc entier, avant",
        "parc entier, après",
    ]
    book = Workbook()
    profiles_sheet(book, None, b)
    rows = [[c.value for c in row] for row in book[SHEET].iter_rows()]
    table = [r for r in rows if r[1] in ("avant", "après")]
    assert [r[:3] for r in table] == [
        ["cluster 0", "avant", 2],
        ["cluster 0", "après", 2],
        ["cluster 1", "avant", 1],
        ["cluster 1", "après", 1],
        ["parc entier", "avant", 3],
        ["parc entier", "après", 3],
    ]
    assert table[1][3:] == [
        SLOT_MONTH,
        SLOT_MONTH / 2,
        2 * SLOT_MONTH,
        SLOT_MONTH,
        "nouveau-001",
        pytest.approx(3200 / 3000),
    ]


def test_a_plan_across_clusters_has_only_the_estate_after() -> None:
    outcome = _hand_placed()
    policy = replace(outcome.request.policy, scope="estate")
    b = _backtest(replace(outcome, request=replace(outcome.request, policy=policy)))
    assert b.after == [] and b.after_total.n_hosts == 3 and len(b.before) == 2


def test_a_repack_maps_existing_hosts_to_their_targets() -> None:
    # Repack: v1, v2, v3 onto a2 (host 1), a1 (host 0) the reserve, v4, v5 stay on b1 (host 2);
    # targets listed in another order than the hosts.
    outcome = _with_placement(
        _outcome(),
        offer_name=None,
        placement=np.array([1, 1, 1, 2, 2]),
        target_cluster=np.array([0, 0, 1]),
        target_existing_host=np.array([1, 0, 2]),
        target_is_ha_reserve=np.array([False, True, False]),
    )
    b = _backtest(replace(outcome, target_offer=None))
    # a2 (2 000) = [2 600, 1 200, 3 200, 1 200]: 130 % and 160 %, both slots above 100 % and 80 %.
    assert [_figures(c) for c in b.after] == [
        (0, 2, 2 * SLOT_MONTH, SLOT_MONTH, 2 * SLOT_MONTH, SLOT_MONTH, "a2", pytest.approx(1.6)),
        (1, 1, 0.0, 0.0, 0.0, 0.0, "b1", pytest.approx(0.8)),
    ]


def test_the_plan_itself_is_replayed_and_documented() -> None:
    doc = _outcome().document()
    assert doc.backtest is not None
    assert doc.backtest.before_total.minutes_above_capacity_total == 2 * SLOT_MONTH
    # Whatever the packer chose, every VM is placed and the after side covers the plan's targets.
    assert doc.backtest.after_total.n_hosts == doc.consolidation.n_hosts_after


def test_no_profiles_no_backtest() -> None:
    outcome = _outcome()
    assert plan_backtest(replace(outcome, inputs=replace(outcome.inputs, profiles=None))) is None


def test_lines_name_their_cluster_when_the_inventory_does() -> None:
    from io import StringIO

    from rich.console import Console

    from parcimonie.plan_profiles_text import print_backtest

    b = _backtest(_hand_placed()).model_copy(update={"cluster_names": ["CL-PROD", "CL-DMZ"]})
    out = StringIO()
    print_backtest(Console(file=out, width=400), b)
    lines = [line.strip() for line in out.getvalue().splitlines() if line.strip()]
    heads = [line.split(" :")[0] for line in lines[1:]]
    assert heads == ["CL-PROD, avant", "CL-PROD, après", "CL-DMZ, avant", "CL-DMZ, après", "parc entier, avant",
                     "parc entier, après"]  # fmt: skip


def test_the_estate_names_its_clusters(demo_inputs: EstateInputs) -> None:
    names = demo_inputs.cluster_names
    assert len(names) == int(demo_inputs.hosts.cluster.max()) + 1 and all(n.startswith("CL-") for n in names)
    doc = run_plan(demo_inputs, PlanRequest(with_replacement=False), today=TODAY).document()
    assert doc.estate.cluster_names == list(names)
    assert doc.backtest is not None and doc.backtest.cluster_names == list(names)
