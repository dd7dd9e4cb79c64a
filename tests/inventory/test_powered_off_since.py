"""The write path dates how long a VM has been powered off: set when first seen off, kept, cleared."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlmodel import Session

from inventory import PowerState, Snapshot, VirtualMachine, VirtualMachineRecord, session_scope, upsert_observations

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def _snapshot(**states: PowerState | None) -> Snapshot:
    vms = []
    for ext, state in states.items():
        record = VirtualMachineRecord(external_id=ext, name=ext, n_vcpus=1, memory_mib=1024.0)
        if state is not None:
            record.power_state = state
        vms.append(record)
    return Snapshot(vms=vms)


def _since(engine: Engine) -> dict[str, datetime | None]:
    with Session(engine) as session:
        return {vm.external_id: vm.powered_off_since for vm in session.scalars(select(VirtualMachine))}


def _write(engine: Engine, snapshot: Snapshot, at: datetime) -> None:
    with session_scope(engine) as session:
        upsert_observations(session=session, source="vc1", snapshot=snapshot, now=at)


def test_first_seen_off_is_dated_kept_while_off_and_cleared_when_on(engine: Engine) -> None:
    _write(engine, _snapshot(a=PowerState.OFF, b=PowerState.ON, c=PowerState.OFF), T0)
    assert _since(engine) == {"a": T0, "b": None, "c": T0}
    t1 = T0 + timedelta(days=10)
    _write(engine, _snapshot(a=PowerState.OFF, b=PowerState.OFF, c=PowerState.ON), t1)
    assert _since(engine) == {"a": T0, "b": t1, "c": None}  # a kept, b newly off, c back on
    t2 = T0 + timedelta(days=40)
    # A source that does not report the state (unset) or reports it unknown keeps what was known.
    _write(engine, _snapshot(a=None, b=PowerState.UNKNOWN, c=PowerState.OFF), t2)
    assert _since(engine) == {"a": T0, "b": t1, "c": t2}


def test_another_source_does_not_touch_the_dates(engine: Engine) -> None:
    _write(engine, _snapshot(a=PowerState.OFF), T0)
    with session_scope(engine) as session:
        upsert_observations(session=session, source="vc2", snapshot=_snapshot(a=PowerState.ON), now=T0 + timedelta(1))
    with Session(engine) as session:
        rows = {vm.source: vm.powered_off_since for vm in session.scalars(select(VirtualMachine))}
    assert rows == {"vc1": T0, "vc2": None}
