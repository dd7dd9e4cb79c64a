"""Every packing is a pure function of its inputs: the same instance packed again while other
processes load every core gives the same assignment. Each budget below binds (a larger one does
better), so a search stopped by the clock would stop at different points from run to run."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from optimizer.constraints import PlacementRules, group_units
from optimizer.exact import pack_vectors_exact
from optimizer.moves import pack_units
from optimizer.packing import pack_vectors
from optimizer.profile_pack import pack_on_profiles
from optimizer.work import CELLS_PER_S, Work
from tests.support.cpu_load import cpu_load

RUNS = 3


def _triplets(n_bins: int, seed: int = 0) -> NDArray[np.float64]:
    """Three items of a quarter to a half of a 100 x 100 bin fill each of `n_bins` bins exactly."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_bins):
        dims = []
        for _dim in range(2):
            while True:
                pair = rng.integers(26, 50, size=2)
                if 25 < 100 - int(pair.sum()) < 50:
                    break
            dims.append([int(pair[0]), int(pair[1]), 100 - int(pair.sum())])
        rows.extend(zip(*dims, strict=True))
    sizes = np.array(rows, dtype=float)
    rng.shuffle(sizes)
    return sizes


def _same(runs: list[NDArray[np.int64]]) -> bool:
    return all(np.array_equal(runs[0], r) for r in runs[1:])


def _n_bins(assignment: NDArray[np.int64]) -> int:
    return int(np.unique(assignment[assignment >= 0]).size)


def test_work_budget_counts_cells_and_steps() -> None:
    work = Work(left=3000.0)
    work.spend(500, steps=0)
    assert not work.done
    work.spend(500)  # and one step: 2 000 cells more
    assert work.done
    assert Work.of_seconds(1.0).left == CELLS_PER_S
    assert Work.of_seconds(-1.0).done


def test_improvement_phase_gives_the_same_packing_under_load() -> None:
    sizes = _triplets(200)
    caps = np.full((sizes.shape[0], 2), 100.0)
    short = 0.01
    with cpu_load():
        runs = [pack_vectors(sizes=sizes, bin_capacities=caps, improve_budget_s=short).assignment for _ in range(RUNS)]
    assert _same(runs)
    longer = pack_vectors(sizes=sizes, bin_capacities=caps, improve_budget_s=5.0)
    assert longer.n_bins < _n_bins(runs[0])  # the short budget binds


def _repack_units(n: int = 1200, seed: int = 1):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    sizes = rng.uniform(0.02, 0.3, size=(n, 2))
    home = rng.integers(0, n // 4, size=n)
    rules = PlacementRules()
    units = group_units(
        vm_index=np.arange(n), sizes=sizes, rules=rules, fixed_bin=np.full(n, -1, np.int64), home_bin=home
    )
    return units, np.ones((n // 4, 2))


def test_fewest_moves_repack_gives_the_same_packing_under_load() -> None:
    units, caps = _repack_units()
    short = 0.1
    with cpu_load():
        runs = [pack_units(units=units, caps=caps, budget_s=short) for _ in range(RUNS)]
    assert _same([r.assignment for r in runs])
    longer = pack_units(units=units, caps=caps, budget_s=5.0)
    assert (longer.n_bins, longer.n_moves) < (runs[0].n_bins, runs[0].n_moves)  # the budget binds


def test_cp_sat_gives_the_same_assignment_under_load() -> None:
    sizes = _triplets(24, seed=3)
    hint = pack_vectors(sizes=sizes, bin_capacities=np.full((28, 2), 100.0), improve=False)
    caps = np.full((hint.n_bins, 2), 100.0)
    with cpu_load():
        runs = [
            pack_vectors_exact(sizes=sizes, bin_capacities=caps, hint=hint.assignment, time_limit_s=0.3)
            for _ in range(RUNS)
        ]
    assert _same([r.assignment for r in runs])
    assert {r.det_time_s for r in runs} == {0.3} and runs[0].status == "FEASIBLE"  # the budget binds


def test_profile_packing_gives_the_same_packing_under_load() -> None:
    rng = np.random.default_rng(5)
    slots = rng.uniform(200.0, 900.0, size=(300, 24))
    memory = rng.uniform(1.0, 40.0, size=300) * 1024.0
    kw = {"cpu_p95_ref_mhz": slots.max(axis=1), "memory_mib": memory, "host_capacity": np.array([2000.0, 256 * 1024.0])}
    with cpu_load():
        runs = [pack_on_profiles(cpu_slots_ref_mhz=slots, improve_budget_s=0.01, **kw) for _ in range(RUNS)]  # type: ignore[arg-type]
    assert _same([r.assignment for r in runs])
    assert len({(r.n_hosts_profile, r.n_hosts_p95) for r in runs}) == 1
