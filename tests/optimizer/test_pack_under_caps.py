"""Packing under caps: the fast two-dimensional packing when the caps hold, all dimensions otherwise."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.limits import CapsRequest, pack_under_caps, pack_under_caps_many
from optimizer.packing import pack_vectors


def test_caps_that_do_not_bind_keep_the_demand_packing() -> None:
    # Four VMs of (CPU 30, memory 30, 2 vCPUs) on hosts of (100, 100, 16 vCPU slots): at most three
    # VMs a host (90) use 6 slots of 16, so the cap never binds. Demand needs ceil(120 / 100) = 2
    # hosts; the greedy opens both up front and spreads the VMs, two each (4 vCPUs).
    sizes = np.array([[30.0, 30.0, 2.0]] * 4)
    caps = np.tile([100.0, 100.0, 16.0], (4, 1))
    got = pack_under_caps(sizes=sizes, bin_capacities=caps)
    two = pack_vectors(sizes=sizes[:, :2], bin_capacities=caps[:, :2])
    assert (got.assignment == two.assignment).all() and got.n_bins == 2
    assert got.load.shape == (4, 3)
    assert got.load[got.bins_used, 2].tolist() == [4.0, 4.0]


def test_a_binding_cap_is_respected() -> None:
    # Same VMs with 8 vCPUs each and 16 slots per host: only two VMs a host (16 slots), so 2 hosts,
    # although demand alone would put three on one.
    sizes = np.array([[30.0, 30.0, 8.0]] * 4)
    caps = np.tile([100.0, 100.0, 16.0], (4, 1))
    got = pack_under_caps(sizes=sizes, bin_capacities=caps)
    assert got.n_bins == 2 and (got.load[:, 2] <= 16).all()
    assert (got.assignment >= 0).all()


@settings(max_examples=120, deadline=None)
@given(
    m=st.integers(1, 30),
    d=st.integers(3, 4),
    seed=st.integers(0, 2**31 - 1),
    tight=st.floats(0.2, 3.0),
)
def test_never_past_a_cap(m: int, d: int, seed: int, tight: float) -> None:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 60, (m, d)).astype(float)
    caps = np.tile(np.r_[[100.0, 100.0], np.full(d - 2, 60.0 * tight)], (m, 1))
    got = pack_under_caps(sizes=sizes, bin_capacities=caps)
    placed = got.assignment >= 0
    load = np.zeros(caps.shape)
    np.add.at(load, got.assignment[placed], sizes[placed])
    assert (load <= caps + 1e-6).all()
    assert np.allclose(load, got.load)
    full = pack_vectors(sizes=sizes, bin_capacities=caps)
    assert placed.sum() >= (full.assignment >= 0).sum()  # never places fewer than packing all dimensions


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 25), st.integers(2, 4), st.integers(0, 2**31 - 1), st.floats(0.2, 3.0)),
        min_size=1,
        max_size=6,
    )
)
def test_pack_under_caps_many_equals_pack_under_caps_on_each(specs: list[tuple[int, int, int, float]]) -> None:
    # Caps that bind (packed again on every dimension) and caps that do not, side by side.
    requests = []
    for m, d, seed, tight in specs:
        rng = np.random.default_rng(seed)
        sizes = rng.integers(1, 60, (m, d)).astype(float)
        caps = np.tile(np.r_[[100.0, 100.0], np.full(d - 2, 60.0 * tight)], (max(m, 1), 1))
        requests.append(CapsRequest(sizes, caps, min(seed % 3, caps.shape[0])))
    got = pack_under_caps_many(requests)
    for req, packing in zip(requests, got, strict=True):
        ref = pack_under_caps(sizes=req.sizes, bin_capacities=req.bin_capacities, n_preopened=req.n_preopened)
        assert np.array_equal(packing.assignment, ref.assignment)
        assert np.array_equal(packing.bins_used, ref.bins_used)
        assert np.array_equal(packing.load, ref.load)
        assert packing.unplaced == ref.unplaced
