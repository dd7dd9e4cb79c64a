"""The planning service: reads the inventory into optimizer inputs, runs plans, shapes their document.

The CLI and the dashboard sit on top of this package; it sits on top of ``inventory`` and ``optimizer``.
"""

from parcimonie.planning.estate_inputs import EstateInputs, load_estate
from parcimonie.planning.service import (
    EXISTING,
    PlanError,
    PlanOutcome,
    PlanRequest,
    build_assumptions,
    estate_cost,
    run_plan,
)

__all__ = [
    "EXISTING",
    "EstateInputs",
    "PlanError",
    "PlanOutcome",
    "PlanRequest",
    "build_assumptions",
    "estate_cost",
    "load_estate",
    "run_plan",
]
