"""Deterministic work budgets: the packing searches stop on work done, never on the clock.

A search that stops on a wall-clock deadline does less on a loaded machine, and the same plan then
gives different host counts from one run to the next. Every improvement phase instead spends a
`Work` budget counted in *cells*: one cell is one (item, bin, dimension) value a step evaluates,
plus `STEP_CELLS` per step of a numpy-heavy search for its fixed (Python and numpy call) cost
(the light scans of `optimizer.moves` are charged a quarter cell per value, no step cost). The
same inputs always spend the same cells, so the answer is a pure function of the inputs and the
budget; a loaded machine only takes longer.

Budgets are still given in seconds at the public interfaces (`improve_budget_s`, `budget_s`): a
second is `CELLS_PER_S` cells, about the rate measured in CPU time (`time.process_time`, i.e. as on
an unloaded machine) on `bench/bench_packing.py` (0,9-1,4e8 cells/s) and `bench/bench_moves.py`
(0,6-1,4e8), so a default budget does about the work it did when it was a deadline on a quiet
machine.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CELLS_PER_S", "STEP_CELLS", "Work"]

#: Cells per second of budget (fixed: a property of the code, not of the machine it runs on).
CELLS_PER_S = 100_000_000.0
#: Cells charged per step on top of the values it evaluates (its fixed cost).
STEP_CELLS = 2_000


@dataclass
class Work:
    """A budget of cells; `spend` draws on it, `done` says when it is used up."""

    left: float

    @classmethod
    def of_seconds(cls, seconds: float) -> Work:
        """The budget worth `seconds` at the fixed rate `CELLS_PER_S`."""
        return cls(max(float(seconds), 0.0) * CELLS_PER_S)

    def spend(self, cells: float, steps: int = 1) -> None:
        """Charge `steps` steps (numpy-heavy: each costs `STEP_CELLS`) that evaluated `cells` values."""
        self.left -= float(cells) + steps * STEP_CELLS

    @property
    def done(self) -> bool:
        """True once the budget is used up."""
        return self.left <= 0.0
