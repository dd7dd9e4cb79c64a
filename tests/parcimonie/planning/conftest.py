"""Fixtures of the planning service's tests: the demo estate (300 VMs) with the default offers."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from collectors.demo import generate_demo_estate
from inventory import ensure_default_catalogue, record_run, session_scope
from parcimonie.planning import EstateInputs, load_estate
from tests.conftest import TODAY


@pytest.fixture
def demo_inputs(sqlite_engine: Engine) -> EstateInputs:
    """The demo estate of 300 VMs recorded in a fresh SQLite inventory, as a plan reads it."""
    with session_scope(sqlite_engine) as session:
        ensure_default_catalogue(session)
    record_run(sqlite_engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=300, today=TODAY))
    with Session(sqlite_engine) as session:
        return load_estate(session)
