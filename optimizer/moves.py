"""Packing under placement rules, with the fewest VM moves at equal host count.

Works on the units of `optimizer.constraints.group_units` (kept-together VMs merged). Candidates,
each then improved by bin emptying (a bin is emptied when all its units fit elsewhere, rules
respected) and by moving units back home where their home bin is still used and has room:

1. repair: `pack_vectors` on the units (the strong heuristic), then every unit that breaks a rule
   (an anti-affinity neighbour on its bin, or away from its fixed bin) is taken out, fixed units
   are put on their bin (evicting free units if room is short) and the rest re-placed greedily;
2. home first (units with a home): fixed units, then units on their current host in decreasing
   size while they fit, then the rest greedily; once with every current host open (moves only
   what emptying needs), once with the repaired candidate's bins.

The winner has the fewest bins, then the fewest moves; with no rules the repaired candidate is the
heuristic's own packing, so the host count is never worse than without the move objective.
Greedy placement is a weighted dot-product fit over open bins (as `optimizer.packing`), bins
opened in the order given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.constraints import Units
from optimizer.fit import FIT_TOL as _FIT_TOL
from optimizer.fit import TOL as _TOL
from optimizer.packing import pack_vectors
from optimizer.work import Work

__all__ = ["RulePacking", "count_moves", "pack_units"]

#: Budget (seconds at `optimizer.work.CELLS_PER_S`) of moving guests aside to bring units home.
SWAP_BUDGET_S = 1.0
#: Cells per value a step here scans: plain comparisons, about 4x cheaper than the arithmetic of
#: the packing searches the rate was measured on (`bench/bench_moves.py`, CPU time).
_SCAN = 0.25
#: Up to this many dimensions `_State.feasible` compares column by column (a few numpy calls on
#: (b,) columns); beyond (profile slots) one comparison of the whole (b, d) residual is far cheaper:
#: 289 calls per unit were most of a 10 000-VM repack on profiles (7.4 s, now 2.2 s).
_COLUMNS_MAX = 8


@dataclass(frozen=True, eq=False)
class RulePacking:
    """Result of `pack_units`: bin per unit (-1 unplaced) and the moves it costs."""

    assignment: NDArray[np.int64]
    n_bins: int
    n_moves: int


class _State:
    """Residuals, open bins and anti-affinity occupancy of one packing (normalised units)."""

    def __init__(self, norm: NDArray[np.float64], capn: NDArray[np.float64], units: Units) -> None:
        self.norm, self.capn, self.units = norm, capn, units
        self.res = capn.copy()
        self.open = np.zeros(capn.shape[0], dtype=bool)
        self.anti = np.zeros((max(len(units.group_names), 1), capn.shape[0]), dtype=bool)
        self.at = np.full(norm.shape[0], -1, dtype=np.int64)
        share = norm.sum(axis=0)
        self.w = 0.1 + 0.9 * (share / share.sum() if share.sum() > 0 else np.full(norm.shape[1], 0.5))

    def feasible(self, u: int) -> NDArray[np.bool_]:
        """Bins (any, open or not) where unit u fits now, rules included."""
        need = self.norm[u] - _FIT_TOL
        ok: NDArray[np.bool_]
        if need.size > _COLUMNS_MAX:  # a profile's hundreds of slots: one (b, d) comparison
            ok = (self.res >= need).all(axis=1)
        else:  # column by column: cheaper than .all(axis=1) on (b, d) for a few dimensions
            ok = self.res[:, 0] >= need[0]
            for k in range(1, need.size):
                ok &= self.res[:, k] >= need[k]
        for g in self.units.groups[u]:
            ok &= ~self.anti[g]
        if self.units.fixed[u] >= 0:
            only = np.zeros_like(ok)
            only[self.units.fixed[u]] = ok[self.units.fixed[u]]
            ok = only
        return ok

    def fits_at(self, u: int, b: int) -> bool:
        """Whether unit u fits bin b now, rules included (one bin: cheaper than `feasible`)."""
        if self.units.fixed[u] >= 0 and self.units.fixed[u] != b:
            return False
        if any(self.anti[g, b] for g in self.units.groups[u]):
            return False
        return bool((self.res[b] >= self.norm[u] - _FIT_TOL).all())

    def put(self, u: int, b: int) -> None:
        self.at[u] = b
        self.res[b] -= self.norm[u]
        self.open[b] = True
        for g in self.units.groups[u]:
            self.anti[g, b] = True

    def take(self, u: int) -> None:
        b = int(self.at[u])
        self.at[u] = -1
        self.res[b] += self.norm[u]
        for g in self.units.groups[u]:
            self.anti[g, b] = False

    def place(self, u: int) -> bool:
        """Best dot-product fit among open bins, else the first bin (in order) that fits."""
        ok = self.feasible(u)
        cand = np.flatnonzero(ok & self.open)
        if cand.size:
            score = self.res[cand] @ (self.w * self.norm[u])
            self.put(u, int(cand[int(score.argmax())]))
            return True
        cand = np.flatnonzero(ok)
        if cand.size:
            self.put(u, int(cand[0]))
            return True
        return False

    def n_bins(self) -> int:
        return int(np.unique(self.at[self.at >= 0]).size)


def count_moves(assignment: NDArray[np.int64], home: NDArray[np.int64]) -> int:
    """Units placed away from their current bin (units without one count: they move too)."""
    placed = assignment >= 0
    return int((placed & (assignment != home)).sum())


def _order(norm: NDArray[np.float64], units: list[int]) -> list[int]:
    """Decreasing largest normalised size, then sum (stable)."""
    idx = np.asarray(units, dtype=np.int64)
    sub = norm[idx]
    return [int(u) for u in idx[np.lexsort((-sub.sum(axis=1), -sub.max(axis=1)))]] if idx.size else []


def _fill(st: _State, todo: list[int]) -> None:
    """Fixed units first, then the others, largest first; unplaceable ones stay at -1."""
    fixed = [u for u in todo if st.units.fixed[u] >= 0]
    for u in _order(st.norm, fixed) + _order(st.norm, [u for u in todo if st.units.fixed[u] < 0]):
        st.place(u)


def _repair(st: _State, start: NDArray[np.int64]) -> None:
    """Start from `start`; take out rule breakers, seat fixed units (evicting free ones), re-place."""
    out: list[int] = []
    for u in np.argsort(-st.norm.max(axis=1), kind="stable").tolist():
        b = int(start[u])
        fixed = int(st.units.fixed[u])
        if b < 0 or (fixed >= 0 and b != fixed) or any(st.anti[g, b] for g in st.units.groups[u]):
            out.append(u)
        else:
            st.put(u, b)
    for u in [u for u in out if st.units.fixed[u] >= 0]:
        b = int(st.units.fixed[u])
        evict = [v for v in np.flatnonzero(st.at == b).tolist() if st.units.fixed[v] < 0]
        for v in _order(st.norm, evict)[::-1]:
            if st.feasible(u)[b]:
                break
            st.take(v)
            out.append(v)
    _fill(st, out)


def _home_first(st: _State, opened: NDArray[np.bool_]) -> None:
    """Open `opened`; fixed units, then units at home (if open) while they fit, then the rest."""
    st.open[:] = opened
    u_all = list(range(st.norm.shape[0]))
    rest: list[int] = []
    for u in [u for u in u_all if st.units.fixed[u] >= 0]:
        if not st.place(u):
            rest.append(u)
    for u in _order(st.norm, [u for u in u_all if st.units.fixed[u] < 0]):
        h = int(st.units.home[u])
        if h >= 0 and opened[h] and st.fits_at(u, h):
            st.put(u, h)
        else:
            rest.append(u)
    st.open[:] = False
    st.open[np.unique(st.at[st.at >= 0])] = True
    _fill(st, [u for u in rest if st.at[u] < 0])


def _empty_bins(st: _State, work: Work, target: int) -> None:
    """Empty the least-loaded bins whose units all fit elsewhere (rules kept); bins with a fixed
    unit stay. Stops after a pass that empties nothing, at `target` bins, or when `work` is spent
    (a bin tried costs `_SCAN` x (units + its units x bins x dimensions) cells)."""
    st.open[:] = False
    st.open[np.unique(st.at[st.at >= 0])] = True
    changed = True
    while changed and not work.done:
        changed = False
        used = np.unique(st.at[st.at >= 0])
        load = (st.capn[used] - st.res[used]) @ st.w
        for b in used[np.argsort(load, kind="stable")].tolist():
            if work.done or st.n_bins() <= target:
                return
            inside = np.flatnonzero(st.at == b).tolist()
            work.spend(_SCAN * (st.at.size + len(inside) * st.res.size), steps=0)
            if any(st.units.fixed[u] >= 0 for u in inside):
                continue
            st.open[b] = False
            for u in inside:
                st.take(u)
            moved = []
            for u in _order(st.norm, inside):
                ok = st.feasible(u) & st.open
                cand = np.flatnonzero(ok)
                if cand.size == 0:
                    break
                left = ((st.res[cand] - st.norm[u]) ** 2) @ st.w  # best fit: tightest bin
                st.put(u, int(cand[int(left.argmin())]))
                moved.append(u)
            if len(moved) == len(inside):
                changed = True
                continue
            for u in moved:
                st.take(u)
            for u in inside:
                st.put(u, b)


def _go_home(st: _State) -> None:
    """Move units back to their home bin where it is used and has room (never opens a bin)."""
    for _ in range(3):
        moved = False
        for u in np.flatnonzero((st.at >= 0) & (st.units.home >= 0) & (st.at != st.units.home)).tolist():
            h = int(st.units.home[u])
            if st.units.fixed[u] >= 0 or not st.open[h] or not (st.at == h).any():
                continue
            b = int(st.at[u])
            st.take(u)
            if st.fits_at(u, h):
                st.put(u, h)
                moved = True
            else:
                st.put(u, b)
            if not (st.at == b).any():
                st.open[b] = False
        if not moved:
            return


def _make_room_home(st: _State, u: int, work: Work) -> bool:
    """Bring unit u home by moving guests of its home (units whose own home is elsewhere, so they
    move anyway) to other used bins, largest first; undone if u still does not fit. A guest moved
    costs `_SCAN` x bins x dimensions cells of `work`."""
    h, b = int(st.units.home[u]), int(st.at[u])
    st.take(u)
    moved: list[tuple[int, int]] = []
    guests = [g for g in np.flatnonzero(st.at == h).tolist() if st.units.home[g] != h and st.units.fixed[g] < 0]
    for g in _order(st.norm, guests):
        if st.fits_at(u, h) or work.done:
            break
        work.spend(_SCAN * st.res.size, steps=0)
        st.take(g)
        cand = np.flatnonzero(st.feasible(g) & st.open)
        cand = cand[cand != h]
        if cand.size == 0:
            st.put(g, h)
            continue
        left = ((st.res[cand] - st.norm[g]) ** 2) @ st.w
        st.put(g, int(cand[int(left.argmin())]))
        moved.append((g, h))
    if st.fits_at(u, h):
        st.put(u, h)
        return True
    for g, src in reversed(moved):
        st.take(g)
        st.put(g, src)
    st.put(u, b)
    return False


def _swap_home(st: _State, work: Work) -> None:
    """Every unit away from a used home bin tries `_make_room_home` (never opens a bin), each at a
    cost of `_SCAN` x units cells (its scans of the assignment), until `work` is spent."""
    for u in np.flatnonzero((st.at >= 0) & (st.units.home >= 0) & (st.at != st.units.home)).tolist():
        if work.done:
            return
        work.spend(_SCAN * st.at.size, steps=0)
        h = int(st.units.home[u])
        if st.units.fixed[u] < 0 and st.open[h] and (st.at == h).any():
            _make_room_home(st, u, work)


def _polish(units: Units, norm: NDArray[np.float64], capn: NDArray[np.float64], best: RulePacking) -> RulePacking:
    """The winner with guests moved aside to bring units home, within `SWAP_BUDGET_S`."""
    st = _State(norm, capn, units)
    for u in np.flatnonzero(best.assignment >= 0).tolist():
        st.put(u, int(best.assignment[u]))
    _swap_home(st, Work.of_seconds(SWAP_BUDGET_S))
    _go_home(st)
    found = RulePacking(st.at.copy(), st.n_bins(), count_moves(st.at, units.home))
    return found if _key(found) <= _key(best) else best


def _finish(st: _State, work: Work, target: int) -> RulePacking:
    _empty_bins(st, work, target)
    st.open[:] = False
    st.open[np.unique(st.at[st.at >= 0])] = True
    _go_home(st)
    return RulePacking(st.at.copy(), st.n_bins(), count_moves(st.at, st.units.home))


def pack_units(*, units: Units, caps: NDArray[np.float64], budget_s: float = 2.0, target: int = 0) -> RulePacking:
    """Pack `units` into bins `caps` (shape (b, d), in opening order) under their rules.

    Fewest bins first, then fewest moves (units away from `units.home`). A unit no bin can take
    under the rules stays at -1. `target` (a proven lower bound) stops bin emptying once reached;
    `budget_s` bounds the search (the move-back passes always run): half of it for the improvement
    of `pack_vectors`, all of it for the candidates' bin emptying (shared, in order), in work units
    at `optimizer.work.CELLS_PER_S` (no deadline: the result never depends on the machine's load).
    """
    work = Work.of_seconds(budget_s)
    ref = np.maximum(caps.max(axis=0), _TOL) if caps.size else np.ones(caps.shape[1])
    norm, capn = units.sizes / ref, caps / ref
    base = pack_vectors(sizes=units.sizes, bin_capacities=caps, improve_budget_s=budget_s / 2).assignment
    st = _State(norm, capn, units)
    _repair(st, base)
    best = _finish(st, work, target)
    if (units.home >= 0).any():
        current = np.zeros(capn.shape[0], dtype=bool)
        current[units.home[units.home >= 0]] = True
        kept = np.zeros(capn.shape[0], dtype=bool)
        kept[best.assignment[best.assignment >= 0]] = True
        for opened in (current, kept) if (current != kept).any() else (current,):
            st = _State(norm, capn, units)
            _home_first(st, opened)
            cand = _finish(st, work, target)
            if _key(cand) < _key(best):
                best = cand
        best = _polish(units, norm, capn, best)
    return best


def _key(p: RulePacking) -> tuple[int, int, int]:
    """Most units placed, then fewest bins, then fewest moves."""
    return (-int((p.assignment >= 0).sum()), p.n_bins, p.n_moves)
