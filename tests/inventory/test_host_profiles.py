"""Host usage profiles: stored with a run, replaced per host and period, read back; hosts matched by key."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Engine
from sqlmodel import Session, select

from inventory import HostProfileSeries, HostRecord, RunStatus, Snapshot, record_run
from inventory.host_profiles import HostProfileRecord, load_host_profile_rows, match_hosts, store_host_profiles
from inventory.models import Host, HostUsageProfile

START = datetime(2026, 11, 29, tzinfo=UTC)


def _host(ext: str, name: str) -> HostRecord:
    return HostRecord(external_id=ext, name=name, n_sockets=2, n_cores_per_socket=8, cpu_mhz=2000, memory_mib=65536)


def _estate(*series: HostProfileSeries) -> Snapshot:
    return Snapshot(hosts=[_host("h1", "esx1"), _host("h2", "esx2")], host_profiles=list(series))


def test_stored_with_the_run_and_replaced(engine: Engine) -> None:
    day = [1000.0, 2000.0, np.nan] + [500.0] * 285
    first = HostProfileSeries(host_external_id="h1", period="day", start_at=START, cpu_mhz=day, memory_mib=[8.0] * 288)
    record_run(engine, source="vc", kind="vsphere", collect=lambda: _estate(first))
    again = HostProfileSeries(host_external_id="h1", period="day", start_at=START, cpu_mhz=[700.0] * 288)
    record_run(engine, source="vc", kind="vsphere", collect=lambda: _estate(again))
    with Session(engine) as session:
        (h1,) = session.exec(select(Host.id).where(Host.name == "esx1")).all()
        assert len(session.exec(select(HostUsageProfile)).all()) == 1  # replaced, not added
        stored = load_host_profile_rows(session, "day")
        assert load_host_profile_rows(session, "week") == {}
    assert list(stored) == [h1]
    assert stored[h1].slot_seconds == 300 and stored[h1].memory_mib is None
    assert np.allclose(stored[h1].cpu_mhz, 700.0, rtol=1 / 65_534)


def test_round_trip_within_half_a_step(engine: Engine) -> None:
    record_run(engine, source="vc", kind="vsphere", collect=_estate)
    week = np.linspace(0.0, 51_200.0, 336)
    week[5] = np.nan
    with Session(engine) as session:
        h2 = session.exec(select(Host.id).where(Host.name == "esx2")).one()
        assert h2 is not None
        rec = HostProfileRecord(host_id=h2, period="week", start_at=START, cpu_mhz=week, memory_mib=week / 2)
        assert store_host_profiles(session, [rec], source="vc") == 1
        session.commit()
        back = load_host_profile_rows(session, "week", host_ids=[h2])[h2]
    step = 51_200.0 / 65_534
    assert np.isnan(back.cpu_mhz[5]) and back.slot_seconds == 1800
    assert np.nanmax(np.abs(back.cpu_mhz - week)) <= step / 2 + 1e-9
    assert back.memory_mib is not None and np.nanmax(np.abs(back.memory_mib - week / 2)) <= step / 4 + 1e-9


def test_unknown_host_rolls_the_run_back(engine: Engine) -> None:
    bad = HostProfileSeries(host_external_id="h9", period="day", start_at=START, cpu_mhz=[1.0] * 288)
    run = record_run(engine, source="vc", kind="vsphere", collect=lambda: _estate(bad))
    assert run.status == RunStatus.FAILED and "unknown host 'h9'" in (run.error or "")
    with Session(engine) as session:
        assert session.exec(select(Host)).all() == []
        assert session.exec(select(HostUsageProfile)).all() == []


def test_match_hosts_by_id_or_unique_name(engine: Engine) -> None:
    record_run(engine, source="vc", kind="vsphere", collect=_estate)
    record_run(engine, source="vc2", kind="vsphere", collect=lambda: Snapshot(hosts=[_host("x", "esx2")]))
    with Session(engine) as session:
        ids = {h.name + "@" + h.source: h.id for h in session.exec(select(Host))}
        matched, ambiguous = match_hosts(session, ["H1", "ESX1", "esx2", "nope"])
    assert matched == {"H1": ids["esx1@vc"], "ESX1": ids["esx1@vc"]}
    assert ambiguous == {"esx2"}  # two present hosts of that name: the import must refuse it
