"""Usage profiles: quantised within 1/65 534 of the peak, replaced per VM and period, read back."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from inventory import HostRecord, Snapshot, VirtualMachineRecord, record_run
from inventory.models import UsageProfile, VirtualMachine
from inventory.profiles import ProfileRecord, decode, encode, load_profiles, store_profiles

START = datetime(2026, 11, 29, tzinfo=UTC)


def test_codec_by_hand() -> None:
    # Peak 65 534 MHz -> scale exactly 1 MHz per code; 1,4 rounds to 1, 2,6 to 3; NaN is code 65 535.
    scale, codes = encode(np.array([0.0, 1.4, 2.6, np.nan, 65_534.0]))
    assert scale == 1.0
    assert np.frombuffer(codes, dtype="<u2").tolist() == [0, 1, 3, 65_535, 65_534]
    back = decode(scale, codes)
    assert back[[0, 1, 2, 4]].tolist() == [0.0, 1.0, 3.0, 65_534.0] and np.isnan(back[3])
    assert len(codes) == 10  # two bytes a slot


@pytest.mark.parametrize("peak", [1e-3, 3.7, 2_400.0, 5e6])
def test_codec_error_is_within_half_a_step(peak: float) -> None:
    rng = np.random.default_rng(1)
    values = rng.uniform(0, peak, 288)
    values[7] = peak
    scale, codes = encode(values)
    assert np.abs(decode(scale, codes) - values).max() <= scale / 2 + 1e-12
    assert scale == pytest.approx(peak / 65_534)


def test_codec_refuses_negative_or_infinite() -> None:
    for bad in (np.array([1.0, -1.0]), np.array([np.inf])):
        with pytest.raises(ValueError, match="finite values >= 0"):
            encode(bad)
    scale, codes = encode(np.array([np.nan, np.nan]))  # no sample at all: still storable
    assert np.isnan(decode(scale, codes)).all()


def _estate() -> Snapshot:
    host = HostRecord(external_id="h1", name="esx1", n_sockets=2, n_cores_per_socket=8, cpu_mhz=2000, memory_mib=65536)
    vms = [
        VirtualMachineRecord(external_id=f"vm{i}", name=f"vm{i}", host_external_id="h1", n_vcpus=2, memory_mib=4096)
        for i in range(3)
    ]
    return Snapshot(hosts=[host], vms=vms)


def test_store_replace_and_load(engine: Engine) -> None:
    record_run(engine, source="vc", kind="vsphere", collect=_estate)
    with Session(engine) as session:
        ids = [v.id for v in session.exec(select(VirtualMachine).order_by(VirtualMachine.name))]
        day = np.linspace(100.0, 387.0, 288)
        written = store_profiles(
            session,
            [
                ProfileRecord(vm_id=ids[0], period="day", start_at=START, cpu_mhz=day, memory_mib=np.full(288, 2048.0)),
                ProfileRecord(vm_id=ids[1], period="week", start_at=START, cpu_mhz=np.full(336, 50.0)),
            ],
            source="vc",
        )
        session.commit()
    assert written == 2
    with Session(engine) as session:
        # A second collection replaces the day profile of vm0 instead of adding a row.
        store_profiles(
            session, [ProfileRecord(vm_id=ids[0], period="day", start_at=START, cpu_mhz=day * 2)], source="vc"
        )
        session.commit()
    with Session(engine) as session:
        assert len(session.exec(select(UsageProfile)).all()) == 2
        days = load_profiles(session, "day")
        weeks = load_profiles(session, "week")
    assert set(days) == {ids[0]} and set(weeks) == {ids[1]}
    got = days[ids[0]]
    assert got.slot_seconds == 300 and got.memory_mib is None
    assert np.abs(got.cpu_mhz - day * 2).max() <= 774.0 / 65_534 / 2 + 1e-9
    assert got.start_at == START
    assert weeks[ids[1]].slot_seconds == 1800 and weeks[ids[1]].cpu_mhz.size == 336


def test_bad_records_are_refused(engine: Engine) -> None:
    record_run(engine, source="vc", kind="vsphere", collect=_estate)
    with Session(engine) as session:
        vm_id = session.exec(select(VirtualMachine.id)).first()
        assert vm_id is not None
        with pytest.raises(ValueError, match="unknown profile period"):
            store_profiles(
                session, [ProfileRecord(vm_id=vm_id, period="hour", start_at=START, cpu_mhz=np.ones(3))], source="x"
            )
        with pytest.raises(ValueError, match="as many slots"):
            store_profiles(
                session,
                [ProfileRecord(vm_id=vm_id, period="day", start_at=START, cpu_mhz=np.ones(3), memory_mib=np.ones(2))],
                source="x",
            )
