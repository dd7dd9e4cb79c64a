"""Fewest-moves packing on many dimensions (profile slots): `_State.feasible` compares the whole
residual matrix at once beyond `_COLUMNS_MAX` dimensions, column by column below; both must agree."""

from __future__ import annotations

from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import optimizer.moves
from optimizer.constraints import PlacementRules, group_units
from optimizer.moves import pack_units

_Instance = tuple[np.ndarray, np.ndarray, list[list[int]], np.ndarray]


@st.composite
def _instances(draw: st.DrawFn) -> _Instance:
    m = draw(st.integers(2, 25))
    b = draw(st.integers(1, 8))
    d = draw(st.integers(1, 16))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 60, size=(m, d)).astype(float)
    sizes[rng.random((m, d)) < 0.2] = 0.0  # idle slots: ties in some dimensions
    caps = rng.integers(60, 120, size=(b, d)).astype(float)
    groups = draw(st.lists(st.lists(st.integers(0, m - 1), min_size=2, max_size=4, unique=True), max_size=2))
    home = rng.integers(-1, b, size=m).astype(np.int64)
    return sizes, caps, groups, home


def _pack(instance: _Instance, columns_max: int) -> np.ndarray:
    sizes, caps, groups, home = instance
    m = sizes.shape[0]
    rules = PlacementRules(anti_affinity=tuple((f"g{k}", np.array(g, dtype=np.int64)) for k, g in enumerate(groups)))
    pins = np.full(m, -1, dtype=np.int64)
    pins[: m // 5] = home[: m // 5]
    units = group_units(vm_index=np.arange(m, dtype=np.int64), sizes=sizes, rules=rules, fixed_bin=pins, home_bin=home)
    with mock.patch.object(optimizer.moves, "_COLUMNS_MAX", columns_max):
        p = pack_units(units=units, caps=caps)
    a = np.full(m, -1, dtype=np.int64)
    for u, members in enumerate(units.members):
        a[members] = p.assignment[u]
    return a


@settings(max_examples=120, deadline=None)
@given(_instances())
def test_whole_matrix_and_column_checks_pack_alike(instance: _Instance) -> None:
    sizes, caps, groups, _ = instance
    whole, columns = _pack(instance, 0), _pack(instance, 1_000)
    assert whole.tolist() == columns.tolist()
    load = np.zeros_like(caps)
    np.add.at(load, whole[whole >= 0], sizes[whole >= 0])
    assert (load <= caps + 1e-9).all()  # every dimension (slot) respected
    for g in groups:
        placed = whole[g][whole[g] >= 0]
        assert np.unique(placed).size == placed.size


def test_profile_wide_repack_respects_every_slot() -> None:
    """24 slots (above `_COLUMNS_MAX`): two VMs peaking at opposite ends share a host, not a third."""
    day = np.zeros((3, 24))
    day[0, :12], day[1, 12:], day[2, :] = 70.0, 70.0, 50.0
    sizes = np.column_stack([day, np.full(3, 10.0)])
    caps = np.full((3, 25), 100.0)
    a = _pack((sizes, caps, [], np.array([0, 1, 2], dtype=np.int64)), optimizer.moves._COLUMNS_MAX)
    assert a[0] == a[1] != a[2]
