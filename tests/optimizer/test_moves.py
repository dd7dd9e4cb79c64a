"""Placement rules and fewest moves: hand-built instances, then invariants over random ones."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.constraints import PlacementRules, Units, group_units
from optimizer.moves import pack_units
from optimizer.packing import pack_vectors
from optimizer.reasons import ReasonCode
from optimizer.ruled import pack_ruled_group

ONE = np.ones((4, 2))  # four bins of capacity 1 x 1


def _units(
    sizes: list[float],
    *,
    anti: tuple[tuple[str, list[int]], ...] = (),
    together: tuple[tuple[str, list[int]], ...] = (),
    pins: dict[int, int] | None = None,
    home: list[int] | None = None,
) -> Units:
    """Units over VMs 0..n-1 of the given (square) sizes; pins: VM -> bin."""
    n = len(sizes)
    rules = PlacementRules(
        anti_affinity=tuple((name, np.array(v, dtype=np.int64)) for name, v in anti),
        together=tuple((name, np.array(v, dtype=np.int64)) for name, v in together),
    )
    fixed = np.full(n, -1, dtype=np.int64)
    for vm, b in (pins or {}).items():
        fixed[vm] = b
    return group_units(
        vm_index=np.arange(n, dtype=np.int64),
        sizes=np.repeat(np.array(sizes, dtype=float)[:, None], 2, axis=1),
        rules=rules,
        fixed_bin=fixed,
        home_bin=np.array(home if home is not None else [-1] * n, dtype=np.int64),
    )


def test_anti_affinity_forces_an_extra_host() -> None:
    # Two domain controllers of 0.3 fit one bin together; apart, they need two.
    assert pack_units(units=_units([0.3, 0.3]), caps=ONE).n_bins == 1
    ruled = pack_units(units=_units([0.3, 0.3], anti=(("dc", [0, 1]),)), caps=ONE)
    assert ruled.n_bins == 2 and ruled.assignment[0] != ruled.assignment[1]


def test_kept_together_vms_are_one_item_on_one_host() -> None:
    units = _units([0.4, 0.4, 0.4], together=(("app", [0, 2]),))
    assert [sorted(m) for m in units.members] == [[0, 2], [1]]
    assert units.sizes[0].tolist() == [0.8, 0.8]  # the sum of the two
    group = pack_ruled_group(units=units, caps=ONE, n_positions=3, identical=False, method="heuristic", time_limit_s=1)
    assert group.assignment[0] == group.assignment[2] != group.assignment[1]
    assert group.bound == 2  # 0.8 + 0.4 > 1: the merged item proves two hosts


def test_pinned_vm_goes_to_its_host() -> None:
    packing = pack_units(units=_units([0.2, 0.2], pins={1: 3}), caps=ONE)
    assert packing.assignment[1] == 3 and packing.assignment[0] == 3  # the other joins it: one host


def test_fewest_moves_keeps_vms_home_at_equal_host_count() -> None:
    # Bin 0 holds 0.1 today, bin 1 holds 0.6 and 0.3: one host suffices, and it should be bin 1
    # (one move) rather than the first bin (two moves).
    packing = pack_units(units=_units([0.1, 0.6, 0.3], home=[0, 1, 1]), caps=ONE)
    assert packing.n_bins == 1 and packing.assignment.tolist() == [1, 1, 1] and packing.n_moves == 1


def test_nothing_moves_when_no_host_can_be_freed() -> None:
    packing = pack_units(units=_units([0.7, 0.7, 0.7], home=[2, 0, 1]), caps=ONE)
    assert packing.assignment.tolist() == [2, 0, 1] and packing.n_moves == 0


def test_anti_affinity_group_larger_than_the_hosts_is_reported() -> None:
    units = _units([0.1] * 5, anti=(("dc", [0, 1, 2, 3, 4]),))
    group = pack_ruled_group(units=units, caps=ONE, n_positions=5, identical=False, method="heuristic", time_limit_s=1)
    assert int((group.assignment >= 0).sum()) == 4 and group.bound == 4
    (pos, reason), *_ = group.rejected
    assert reason.code == ReasonCode.ANTI_AFFINITY_TOO_FEW_HOSTS
    assert reason.params == {"group": "dc", "size": 5, "n_hosts": 4} and group.assignment[pos] == -1


def test_kept_together_anti_affine_vms_are_rejected_with_a_reason() -> None:
    units = _units([0.1, 0.1], anti=(("dc", [0, 1]),), together=(("app", [0, 1]),))
    assert not units.members and [r.code for _, r in units.rejected] == [ReasonCode.RULES_CONFLICT] * 2


def test_cp_sat_respects_the_rules_and_moves_least() -> None:
    units = _units([0.3, 0.3, 0.5, 0.1], anti=(("dc", [0, 1]),), home=[0, 1, 1, 3])
    group = pack_ruled_group(units=units, caps=ONE, n_positions=4, identical=False, method="exact", time_limit_s=5)
    a = group.assignment
    assert group.solver == "cp-sat:OPTIMAL" and a[0] != a[1]
    # Two hosts are needed (anti-affinity); keeping bins 0 and 1 moves only the 0.1 of bin 3.
    assert np.unique(a).size == 2 and a[:3].tolist() == [0, 1, 1] and a[3] in (0, 1)


@st.composite
def _instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, list[list[int]], np.ndarray]:
    m = draw(st.integers(2, 30))
    b = draw(st.integers(1, 12))
    sizes = np.array(draw(st.lists(st.tuples(st.integers(1, 60), st.integers(1, 60)), min_size=m, max_size=m)))
    caps = np.array(draw(st.lists(st.tuples(st.integers(60, 120), st.integers(60, 120)), min_size=b, max_size=b)))
    groups = draw(st.lists(st.lists(st.integers(0, m - 1), min_size=2, max_size=5, unique=True), max_size=3))
    home = np.array(draw(st.lists(st.integers(-1, b - 1), min_size=m, max_size=m)), dtype=np.int64)
    return sizes.astype(float), caps.astype(float), groups, home


@settings(max_examples=150, deadline=None)
@given(_instances())
def test_invariants(instance: tuple[np.ndarray, np.ndarray, list[list[int]], np.ndarray]) -> None:
    sizes, caps, groups, home = instance
    m = sizes.shape[0]
    rules = PlacementRules(anti_affinity=tuple((f"g{k}", np.array(g, dtype=np.int64)) for k, g in enumerate(groups)))
    free = np.full(m, -1, dtype=np.int64)
    pins = free.copy()
    pins[: m // 5] = home[: m // 5]  # some VMs pinned to their current bin (or free where none)
    units = group_units(vm_index=np.arange(m, dtype=np.int64), sizes=sizes, rules=rules, fixed_bin=pins, home_bin=home)
    p = pack_units(units=units, caps=caps)
    a = np.full(m, -1, dtype=np.int64)
    for u, members in enumerate(units.members):
        a[members] = p.assignment[u]
    for u in range(len(units.members)):  # a placed pinned unit is on its bin
        assert p.assignment[u] < 0 or units.fixed[u] < 0 or p.assignment[u] == units.fixed[u]
    for g in groups:  # no anti-affinity group shares a host
        placed = a[g][a[g] >= 0]
        assert np.unique(placed).size == placed.size
    load = np.zeros_like(caps)
    np.add.at(load, a[a >= 0], sizes[a >= 0])
    assert (load <= caps + 1e-9).all()
    assert p.n_moves <= int((p.assignment >= 0).sum()) <= int((a >= 0).sum())
    # Without rules, the move objective never costs a host over the plain heuristic.
    plain = group_units(
        vm_index=np.arange(m, dtype=np.int64), sizes=sizes, rules=PlacementRules(), fixed_bin=free, home_bin=home
    )
    with_moves = pack_units(units=plain, caps=caps)
    heur = pack_vectors(sizes=sizes, bin_capacities=caps)
    assert int((with_moves.assignment >= 0).sum()) >= int((heur.assignment >= 0).sum())
    if (heur.assignment >= 0).all():
        assert with_moves.n_bins <= heur.n_bins
