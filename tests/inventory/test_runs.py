"""A collection run lands whole or not at all, and is recorded either way."""

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from collectors.demo import generate_demo_estate
from inventory import (
    RunStatus,
    Snapshot,
    SourceUnavailable,
    VirtualMachine,
    recent_runs,
    record_run,
)
from tests.conftest import TODAY


def test_successful_run_records_counts(engine: Engine) -> None:
    run = record_run(engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=100, today=TODAY))
    assert run.status == RunStatus.SUCCEEDED
    assert run.n_vms == 100 and run.n_created > 100 and run.error is None
    assert run.finished_at is not None and run.started_at is not None
    assert run.finished_at >= run.started_at


def test_failed_collection_keeps_previous_inventory(engine: Engine) -> None:
    record_run(engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=100, today=TODAY))

    def dropped() -> Snapshot:
        raise SourceUnavailable("vc1.ville.local: connection reset while reading VMs")

    run = record_run(engine, source="demo", kind="demo", collect=dropped)
    assert run.status == RunStatus.FAILED
    assert run.error == "vc1.ville.local: connection reset while reading VMs"
    with Session(engine) as session:
        assert (
            session.scalar(
                select(func.count()).select_from(VirtualMachine).where(VirtualMachine.missing_since.is_(None))
            )
            == 100
        )
        runs = recent_runs(session)
    assert [r.status for r in runs] == [RunStatus.FAILED, RunStatus.SUCCEEDED]


def test_unexpected_error_is_recorded_and_raised(engine: Engine) -> None:
    def broken() -> Snapshot:
        raise ZeroDivisionError("bug")

    with pytest.raises(ZeroDivisionError):
        record_run(engine, source="x", kind="demo", collect=broken)
    with Session(engine) as session:
        (run,) = recent_runs(session)
    assert run.status == RunStatus.FAILED and "internal error" in (run.error or "")


def test_run_times_are_ordered(sqlite_engine: Engine) -> None:
    run = record_run(
        sqlite_engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=20, today=TODAY)
    )
    assert run.finished_at - run.started_at < timedelta(minutes=1)  # type: ignore[operator]
