"""The cheapest fleet (`optimizer.fleet_mix.cheapest_fleet`) and its TCO lower bound, by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import Assumptions, HostTable, Offer, Policy, ReasonCode, VmTable, compare_offers, offer_fleet_tco
from optimizer.demand import offer_capacity
from optimizer.errors import PlanInputError
from optimizer.fleet_mix import FleetMix, cheapest_fleet
from tests.optimizer.estates import GIB, make_estate, make_offer

YEAR = 2027
#: No licences: the hand calculations below count hardware, staff and rack only.
NO_LICENCES = Assumptions(vsphere_model="none", windows_enabled=False)
EXACT = Policy(ceiling=1.0, ha_reserve_hosts=0, scope="estate")
#: One host over 5 years with these assumptions and no power drawn: 12 000 TTC + install
#: 600 HT x 1.2 = 720, + staff 20 h x 45 EUR = 900 and rack 1 U x 100 EUR = 100 a year (x 5),
#: no maintenance under the 5-year warranty: 12 720 + 5 000 = 17 720 EUR.
PER_HOST = 17_720.0


def _offer(name: str, *, cores: int, mhz: float, memory_gib: float, price: float = 12_000.0, **kw: object) -> Offer:
    fields: dict[str, object] = {"power_idle_w": 0.0, "power_max_w": 0.0, "price_eur_ttc": price}
    fields.update(kw)
    return make_offer(name=name, n_sockets=2, n_cores=cores, cpu_mhz=mhz, memory_mib=memory_gib * GIB, **fields)


def _estate(cpu: list[float], memory_gib: list[float], windows: list[bool] | None = None) -> tuple[HostTable, VmTable]:
    """VMs of exactly these sizes (reference MHz, GiB) on one source host scoring 1.0 per core."""
    hosts = HostTable.build(n_cores=[32], cpu_mhz=[2400.0], memory_mib=[512 * GIB], perf_per_core=[1.0])
    n = len(cpu)
    vms = VmTable.build(
        n_vcpus=np.full(n, 2),
        memory_mib=np.array(memory_gib) * GIB,
        host=np.zeros(n, dtype=np.int64),
        cpu_p95_mhz=np.array(cpu),
        is_windows=np.zeros(n, bool) if windows is None else np.array(windows),
    )
    return hosts, vms


CPU_RICH = _offer("cpu", cores=20, mhz=1000.0, memory_gib=32)  # 20 000 ref MHz, 32 GiB
MEM_RICH = _offer("mem", cores=10, mhz=1000.0, memory_gib=128, price=13_000.0)  # 10 000 ref MHz, 128 GiB
MEM_HOST = PER_HOST + 1000.0  # 1 000 EUR TTC dearer
#: 4 CPU-heavy VMs (9 000 MHz, 2 GiB) and 4 memory-heavy ones (500 MHz, 30 GiB).
MIXED = _estate([9000.0] * 4 + [500.0] * 4, [2.0] * 4 + [30.0] * 4)


def _mix(estate: tuple[HostTable, VmTable], offers: list[Offer], a: Assumptions, policy: Policy) -> FleetMix:
    hosts, vms = estate
    return cheapest_fleet(hosts=hosts, vms=vms, offers=offers, assumptions=a, policy=policy, start_year=YEAR)


def test_a_cpu_rich_and_a_memory_rich_offer_beat_each_alone_by_hand() -> None:
    mix = _mix(MIXED, [CPU_RICH, MEM_RICH], NO_LICENCES, EXACT)
    # CPU-rich alone: memory 4 x 2 + 4 x 30 = 128 GiB needs 128 / 32 = 4 hosts (one of each VM per
    # host: 9 500 MHz, 32 GiB). Memory-rich alone: a 9 000 MHz VM per host, so 4 hosts (the 500 MHz
    # ones two by two in the 1 000 MHz left). Mixed: the 4 CPU-heavy VMs on 2 CPU-rich hosts
    # (18 000 MHz, 4 GiB each), the 4 memory-heavy on 1 memory-rich host (2 000 MHz, 120 GiB):
    # 2 x 17 720 + 18 720 = 54 160 (1 CPU-rich + 2 memory-rich hosts also fit, at 55 160).
    assert mix.counts_by_offer == {"cpu": 2, "mem": 1}
    assert mix.tco_eur == pytest.approx(2 * PER_HOST + MEM_HOST)
    assert [o.tco_eur if o else None for o in mix.single_options] == pytest.approx([4 * PER_HOST, 4 * MEM_HOST])
    assert mix.savings_vs_single_eur == pytest.approx(2 * PER_HOST - MEM_HOST)
    # Bound: x CPU-rich + y memory-rich hosts, 20 000x + 10 000y >= 38 000 MHz, 32x + 128y >= 128 GiB,
    # x + y >= ceil(38 000 / 20 000) = 2. Both capacities tight: y = 1 - x/4, 17 500x = 28 000,
    # x = 1.6, y = 0.6 (x + y = 2.2 >= 2); the other vertices are infeasible or dearer (x = 4: 70 880;
    # y = 3.8: 71 136). 1.6 x 17 720 + 0.6 x 18 720 = 39 584 EUR (no energy: no power drawn).
    assert mix.lower_bound.value_eur == pytest.approx(39_584.0, rel=1e-8)
    assert mix.gap_eur == pytest.approx(54_160.0 - 39_584.0, rel=1e-6)
    # Every VM is placed, within its host's capacity.
    caps = np.array([offer_capacity(offer=o, ceiling=1.0) for o in mix.offers])[mix.host_offer]
    assert (mix.placement >= 0).all()
    assert (mix.cpu_utilisation <= 1.0 + 1e-12).all() and (mix.memory_utilisation <= 1.0 + 1e-12).all()
    assert caps.shape == (3, 2)


def test_per_core_licences_make_the_fewer_core_offer_win_with_more_hosts() -> None:
    many = _offer("many", cores=64, mhz=2000.0, memory_gib=512)  # 128 000 MHz, 64 cores
    few = _offer("few", cores=32, mhz=3000.0, memory_gib=384)  # 96 000 MHz, 32 cores
    estate = _estate([23_000.0] * 20, [64.0] * 20)
    per_core = Assumptions(windows_enabled=False)  # vSphere 150 EUR HT per core and year
    mix = _mix(estate, [many, few], per_core, EXACT)
    # "many" holds 5 VMs (115 000 MHz), so 4 hosts; "few" holds 4 (92 000 MHz), so 5 hosts.
    # vSphere over 5 years: 64 x 150 x 1.2 x 5 = 57 600 per "many" host, 28 800 per "few" host.
    # many: 4 x (17 720 + 57 600) = 301 280; few: 5 x (17 720 + 28 800) = 232 600 (256 and 160
    # cores: above the 72-core order minimum). Mixes (4 few + 1 many = 261 400) cost more.
    assert [o.tco_eur if o else None for o in mix.single_options] == pytest.approx([301_280.0, 232_600.0])
    assert mix.counts_by_offer == {"many": 0, "few": 5}
    assert mix.tco_eur == pytest.approx(232_600.0)
    # Without licences the larger host wins: 4 x 17 720 = 70 880 < 5 x 17 720.
    assert _mix(estate, [many, few], NO_LICENCES, EXACT).counts_by_offer == {"many": 4, "few": 0}


def test_the_bound_is_the_tco_when_vms_fill_hosts_exactly_energy_included() -> None:
    offer = _offer("o", cores=10, mhz=1000.0, memory_gib=16, power_idle_w=100.0, power_max_w=300.0)
    mix = _mix(_estate([5000.0] * 4, [8.0] * 4), [offer], NO_LICENCES, EXACT)
    # 2 hosts full (u = 1): energy 300 W x 8 760 h / 1000 x PUE 1.8 x 0.20 EUR = 946.08 EUR a year
    # each. The bound: 2 hosts at idle (100 W: 315.36 a year) + 20 000 MHz x (200 W / 10 000 MHz).
    energy = 2 * 300 * 8.76 * 1.8 * 0.20 * 5
    assert mix.tco_eur == pytest.approx(2 * PER_HOST + energy)
    assert mix.lower_bound.value_eur <= mix.tco_eur
    assert mix.lower_bound.value_eur == pytest.approx(mix.tco_eur, rel=1e-8)
    assert mix.lower_bound.dynamic_energy_eur == pytest.approx(2 * 200 * 8.76 * 1.8 * 0.20 * 5)


def test_windows_vms_get_their_own_licensed_hosts_when_it_pays() -> None:
    offer = _offer("o", cores=32, mhz=1000.0, memory_gib=64)  # 32 000 MHz, 64 GiB
    # Half a host of memory each; the others' 1 001 MHz put them first, one per host, in a packing
    # that ignores Windows (then each host takes a Windows VM).
    estate = _estate([1000.0] * 4 + [1001.0] * 4, [32.0] * 8, windows=[True] * 4 + [False] * 4)
    a = Assumptions(vsphere_model="none")
    mix = _mix(estate, [offer], a, EXACT)
    # 4 hosts of 2 VMs either way. Datacenter licence: 32 cores x 380 x 1.2 = 14 592 TTC, Software
    # Assurance 25 % of 12 160 HT x 1.2 x 5 years = 18 240: 32 832 per licensed host. Mixed packing
    # licenses all 4 hosts; Windows VMs on their own hosts license 2.
    assert mix.tco_eur == pytest.approx(4 * PER_HOST + 2 * 32_832.0)
    single = mix.best_single_option
    assert single is not None and single.tco_eur == pytest.approx(4 * PER_HOST + 4 * 32_832.0)
    windows_vm_hosts = set(mix.placement[estate[1].is_windows].tolist())
    assert len(windows_vm_hosts) == 2 and windows_vm_hosts.isdisjoint(mix.placement[~estate[1].is_windows].tolist())
    assert np.flatnonzero(mix.host_windows).tolist() == sorted(windows_vm_hosts)
    apart = cheapest_fleet(
        hosts=estate[0],
        vms=estate[1],
        offers=[offer],
        assumptions=a,
        policy=EXACT,
        start_year=YEAR,
        separate_windows=False,
    )
    assert apart.tco_eur == pytest.approx(single.tco_eur)


def test_the_ha_reserve_is_an_offer_covering_every_host_of_its_group() -> None:
    big = _offer("big", cores=20, mhz=1000.0, memory_gib=128, price=40_000.0)  # covers both
    policy = Policy(ceiling=1.0, ha_reserve_hosts=1, scope="estate")
    mix = _mix(MIXED, [CPU_RICH, MEM_RICH, big], NO_LICENCES, policy)
    _assert_reserves_cover(mix)
    assert mix.host_is_ha_reserve.sum() == 1
    # Without an offer covering both, a CPU-rich + memory-rich mix has no reserve: one offer alone.
    alone = _mix(MIXED, [CPU_RICH, MEM_RICH], NO_LICENCES, policy)
    assert sorted(alone.counts) == [0, 5]  # 4 working hosts + 1 reserve of the same offer
    _assert_reserves_cover(alone)


def _assert_reserves_cover(mix: FleetMix) -> None:
    caps = np.array([offer_capacity(offer=o, ceiling=1.0) for o in mix.offers])
    for g in np.unique(mix.host_group).tolist():
        here = mix.host_group == g
        working = caps[mix.host_offer[here & ~mix.host_is_ha_reserve]]
        for r in mix.host_offer[here & mix.host_is_ha_reserve].tolist():
            assert (caps[r] >= working.max(axis=0)).all()


def test_a_vm_larger_than_every_offer_is_reported_and_the_rest_placed() -> None:
    estate = _estate([500.0, 500.0, 500.0], [40.0, 40.0, 200.0])
    mix = _mix(estate, [CPU_RICH, MEM_RICH], NO_LICENCES, EXACT)
    assert [(vm, r.code) for vm, r in mix.unplaced] == [(2, ReasonCode.TOO_LARGE)]
    assert mix.placement.tolist()[:2] != [-1, -1] and mix.placement[2] == -1
    # The 40 GiB VMs fit only the memory-rich offer: no CPU-rich fleet carries every VM.
    assert mix.single_options[0] is None and mix.counts_by_offer == {"cpu": 0, "mem": 1}
    with pytest.raises(PlanInputError) as err:
        _mix(_estate([500.0], [200.0]), [CPU_RICH, MEM_RICH], NO_LICENCES, EXACT)
    assert err.value.code == "no_offer_fits"
    with pytest.raises(PlanInputError) as err:
        _mix(estate, [], NO_LICENCES, EXACT)
    assert err.value.code == "no_offer"
    hosts, vms = estate
    templates = VmTable.build(n_vcpus=vms.n_vcpus, memory_mib=vms.memory_mib, host=vms.host, is_template=[True] * 3)
    with pytest.raises(PlanInputError) as err:
        _mix((hosts, templates), [CPU_RICH, MEM_RICH], NO_LICENCES, EXACT)
    assert err.value.code == "nothing_to_place"


def test_vms_that_need_three_offers_get_all_three() -> None:
    tall = _offer("tall", cores=40, mhz=1000.0, memory_gib=16)  # 40 000 MHz, 16 GiB
    wide = _offer("wide", cores=8, mhz=1000.0, memory_gib=256)  # 8 000 MHz, 256 GiB
    both = _offer("both", cores=20, mhz=1000.0, memory_gib=100)  # 20 000 MHz, 100 GiB
    # One VM fits only "tall" (30 000 MHz), one only "wide" (200 GiB), one only "both" (15 000
    # MHz, 50 GiB): no pair holds all three, so every offer is used, one host each.
    mix = _mix(_estate([30_000.0, 1000.0, 15_000.0], [8.0, 200.0, 50.0]), [tall, wide, both], NO_LICENCES, EXACT)
    assert mix.counts == (1, 1, 1)
    assert mix.tco_eur == pytest.approx(3 * PER_HOST)
    assert mix.single_options == (None, None, None) and mix.best_single_option is None
    # With a reserve, no offer is at least as large as all three: refused with a code.
    with pytest.raises(PlanInputError) as err:
        _mix(
            _estate([30_000.0, 1000.0, 15_000.0], [8.0, 200.0, 50.0]),
            [tall, wide, both],
            NO_LICENCES,
            Policy(ceiling=1.0, scope="estate"),
        )
    assert err.value.code == "no_feasible_mix"


def test_a_single_offer_costs_what_compare_offers_says() -> None:
    hosts, vms = make_estate(n_hosts=12, vms_per_host=6, n_clusters=2)
    offers = [make_offer(), make_offer(name="small", n_cores=32, memory_mib=512 * GIB, price_eur_ttc=12_000.0)]
    policy = Policy()
    mix = cheapest_fleet(hosts=hosts, vms=vms, offers=offers, assumptions=Assumptions(), policy=policy, start_year=YEAR)
    compared = compare_offers(
        hosts=hosts,
        vms=vms,
        offers=offers,
        assumptions=Assumptions(),
        policy=policy,
        start_year=YEAR,
        method="heuristic",
    )
    assert [o.tco_eur if o else None for o in mix.single_options] == pytest.approx(list(compared.tco_by_offer.values()))
    assert mix.lower_bound.value_eur <= mix.tco_eur <= min(compared.tco_by_offer.values()) + 1e-6


_offers = st.lists(
    st.tuples(
        st.integers(8, 64),  # cores
        st.sampled_from([1800.0, 2400.0, 3000.0]),
        st.sampled_from([128, 256, 384, 512, 1024]),  # GiB
        st.floats(6000, 40000),  # price TTC
        st.floats(50, 300),  # idle W
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=40, deadline=None)
@given(
    offers=_offers,
    n_vms=st.integers(1, 30),
    seed=st.integers(0, 10_000),
    ha=st.integers(0, 2),
    scope=st.sampled_from(["estate", "cluster"]),
    licences=st.sampled_from(["per_core", "none", "contract", "owned"]),
)
def test_bound_below_the_mix_below_every_single_offer(
    offers: list[tuple[int, float, int, float, float]], n_vms: int, seed: int, ha: int, scope: str, licences: str
) -> None:
    rng = np.random.default_rng(seed)
    catalogue = [
        make_offer(name=f"o{i}", n_cores=c, cpu_mhz=f, memory_mib=g * GIB, price_eur_ttc=p, power_idle_w=w)
        for i, (c, f, g, p, w) in enumerate(offers)
    ]
    hosts = HostTable.build(n_cores=[32, 24], cpu_mhz=[2400.0, 2000.0], memory_mib=[512 * GIB] * 2, cluster=[0, 1])
    host = rng.integers(0, 2, n_vms)
    vcpus = rng.choice([1, 2, 4, 8, 16], n_vms)
    vms = VmTable.build(
        n_vcpus=vcpus,
        memory_mib=rng.choice([4, 16, 64, 200], n_vms) * GIB,
        host=host,
        cluster=hosts.cluster[host],
        cpu_p95_mhz=vcpus * 2400.0 * rng.uniform(0.05, 0.9, n_vms),
        is_windows=rng.random(n_vms) < 0.5,
    )
    a = {
        "per_core": Assumptions(),
        "none": Assumptions(vsphere_model="none", windows_enabled=False),
        "contract": Assumptions(vsphere_model="contract", vsphere_contract_eur_per_year=20_000.0),
        "owned": Assumptions(windows_licences_owned_cores=int(rng.integers(16, 400))),
    }[licences]
    policy = Policy(ha_reserve_hosts=ha, scope=scope)  # type: ignore[arg-type]
    try:
        mix = cheapest_fleet(hosts=hosts, vms=vms, offers=catalogue, assumptions=a, policy=policy, start_year=YEAR)
    except PlanInputError as err:
        assert err.code in ("no_offer_fits", "no_feasible_mix")
        return
    singles = [o.tco_eur for o in mix.single_options if o is not None]
    assert mix.lower_bound.value_eur <= mix.tco_eur
    assert all(mix.tco_eur <= s + 1e-6 for s in singles)
    placed = mix.placement >= 0
    too_large = {vm for vm, r in mix.unplaced if r.code == ReasonCode.TOO_LARGE}
    assert placed.sum() + len(too_large) == vms.n_vms
    assert (mix.cpu_utilisation <= policy.ceiling + 1e-9).all() and (
        mix.memory_utilisation <= policy.ceiling + 1e-9
    ).all()
    assert sum(mix.counts) == mix.option.n_hosts == mix.host_offer.size
    _assert_reserves_cover(mix)


def _partitions(items: list[int]) -> list[list[list[int]]]:
    """Every set partition of `items` (Bell(6) = 203 for six)."""
    if not items:
        return [[]]
    first, rest = items[0], items[1:]
    found = []
    for part in _partitions(rest):
        found.append([[first], *part])
        for i in range(len(part)):
            found.append([*part[:i], [first, *part[i]], *part[i + 1 :]])
    return found


def _brute_force_optimum(sizes: np.ndarray, windows: np.ndarray, offers: list[Offer], a: Assumptions) -> float:
    """The cheapest fleet of all (no reserve, one group): every partition of the VMs into hosts,
    each host the cheapest offer that holds its VMs, costed by `offer_fleet_tco` one host at a time
    (with no estate-wide term, costs add up)."""
    best = np.inf
    for part in _partitions(list(range(sizes.shape[0]))):
        total = 0.0
        for block in part:
            load = sizes[block].sum(axis=0)
            costs = [
                offer_fleet_tco(
                    offer=o,
                    cpu_utilisation=np.array([load[0] / offer_capacity(offer=o, ceiling=1.0)[0]]),
                    carries_windows=np.array([bool(windows[block].any())]),
                    assumptions=a,
                    start_year=YEAR,
                ).tco_eur
                for o in offers
                if (load <= offer_capacity(offer=o, ceiling=1.0) * (1 + 1e-12)).all()
            ]
            total += min(costs, default=np.inf)
        best = min(best, total)
    return float(best)


@settings(max_examples=25, deadline=None)
@given(
    cpu=st.lists(st.floats(500, 30_000), min_size=1, max_size=6),
    seed=st.integers(0, 10_000),
    offers=_offers,
    vsphere=st.sampled_from(["per_core", "none"]),
)
def test_bound_below_the_true_optimum_below_the_mix_on_tiny_estates(
    cpu: list[float], seed: int, offers: list[tuple[int, float, int, float, float]], vsphere: str
) -> None:
    rng = np.random.default_rng(seed)
    memory = rng.choice([8.0, 32.0, 100.0, 200.0], len(cpu)).tolist()
    windows = (rng.random(len(cpu)) < 0.5).tolist()
    catalogue = [
        make_offer(name=f"o{i}", n_cores=c, cpu_mhz=f, memory_mib=g * GIB, price_eur_ttc=p, power_idle_w=w)
        for i, (c, f, g, p, w) in enumerate(offers)
    ]
    a = Assumptions(vsphere_model=vsphere, vsphere_min_cores_per_order=0)
    estate = _estate(cpu, memory, windows)
    try:
        mix = _mix(estate, catalogue, a, EXACT)
    except PlanInputError:
        return
    if mix.unplaced:  # a VM too large for every offer: the enumeration would find nothing
        return
    sizes = np.column_stack([cpu, np.array(memory) * GIB])
    optimum = _brute_force_optimum(sizes, np.array(windows), catalogue, a)
    assert mix.lower_bound.value_eur <= optimum * (1 + 1e-9)
    assert optimum <= mix.tco_eur * (1 + 1e-9)


def test_the_vcpu_cap_binds_the_mix_too() -> None:
    # Eight 2-vCPU VMs of 100 MHz and 1 GiB: one CPU-rich host carries them all, but at half a vCPU
    # per core it takes 10 vCPUs (5 VMs) and the memory-rich one 5 (2 VMs): two CPU-rich hosts.
    estate = _estate([100.0] * 8, [1.0] * 8)
    assert _mix(estate, [CPU_RICH, MEM_RICH], NO_LICENCES, EXACT).counts_by_offer == {"cpu": 1, "mem": 0}
    capped = Policy(ceiling=1.0, ha_reserve_hosts=0, scope="estate", vcpu_ratio=0.5)
    mix = _mix(estate, [CPU_RICH, MEM_RICH], NO_LICENCES, capped)
    assert mix.counts_by_offer == {"cpu": 2, "mem": 0}
    assert mix.tco_eur == pytest.approx(2 * PER_HOST)
    vcpus = np.bincount(mix.placement, weights=estate[1].n_vcpus, minlength=mix.host_offer.size)
    cores = np.array([o.n_cores for o in mix.offers])[mix.host_offer]
    assert (vcpus <= 0.5 * cores).all()
