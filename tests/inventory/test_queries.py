"""Read-only views for the dashboard, on SQLite and PostgreSQL: names joined, present rows, versions."""

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from inventory import (
    ClusterRecord,
    HostRecord,
    SiteRecord,
    Snapshot,
    SourceUnavailable,
    VirtualMachineRecord,
    record_run,
    save_scenario,
    session_scope,
)
from inventory.queries import (
    cluster_frame,
    host_frame,
    latest_run,
    run_frame,
    runs_version,
    scenarios_version,
    vm_frame,
)
from tests.conftest import TODAY

ESTATE = Snapshot(
    sites=[SiteRecord(external_id="s1", name="Mairie")],
    clusters=[ClusterRecord(external_id="c1", name="CL-PROD", site_external_id="s1")],
    hosts=[
        HostRecord(external_id="h1", name="esx1", cluster_external_id="c1", site_external_id="s1", n_sockets=2,
                   n_cores_per_socket=10, cpu_mhz=2000.0, memory_mib=262144.0, purchase_date=date(2016, 11, 23),
                   warranty_end=date(2021, 11, 23)),
        HostRecord(external_id="h2", name="esx2", n_sockets=1, n_cores_per_socket=8, cpu_mhz=2500.0,
                   memory_mib=131072.0, cpu_usage_p95_mhz=10000.0, memory_usage_p95_mib=65536.0),
    ],
    vms=[
        VirtualMachineRecord(external_id="v1", name="app1", host_external_id="h1", cluster_external_id="c1",
                             n_vcpus=4, memory_mib=8192.0, cpu_usage_p95_mhz=4000.0, memory_usage_p95_mib=4096.0),
        VirtualMachineRecord(external_id="v2", name="app2", host_external_id="h1", cluster_external_id="c1",
                             n_vcpus=2, memory_mib=4096.0, cpu_usage_p95_mhz=None, memory_usage_p95_mib=None),
        VirtualMachineRecord(external_id="t1", name="tpl", host_external_id="h1", is_template=True, n_vcpus=2,
                             memory_mib=4096.0, cpu_usage_p95_mhz=9999.0),
    ],
)  # fmt: skip


def _fail() -> Snapshot:
    raise SourceUnavailable("down")


def test_empty_inventory(engine: Engine) -> None:
    with Session(engine) as session:
        assert latest_run(session) is None
        assert runs_version(session) == (0, 0)
        assert scenarios_version(session) == (0, None)
        assert host_frame(session, today=TODAY).empty and vm_frame(session).empty
        assert run_frame(session).empty
        assert cluster_frame(host_frame(session, today=TODAY)).empty


def test_hosts_and_vms_with_their_names(engine: Engine) -> None:
    record_run(engine, source="csv", kind="csv", collect=lambda: ESTATE)
    with Session(engine) as session:
        vms = vm_frame(session)
        hosts = host_frame(session, today=TODAY).set_index("name")
    assert list(vms["name"]) == ["app1", "app2", "tpl"]
    assert list(vms["host"]) == ["esx1"] * 3 and list(vms["cluster"]) == ["CL-PROD", "CL-PROD", None]
    assert vms["memory_gib"].tolist() == [8.0, 4.0, 4.0] and vms["is_template"].tolist() == [False, False, True]
    esx1, esx2 = hosts.loc["esx1"], hosts.loc["esx2"]
    assert (esx1["cluster"], esx1["site"]) == ("CL-PROD", "Mairie") and esx2["cluster"] is None
    assert esx1["n_cores"] == 20 and esx1["n_vms"] == 2 and esx1["n_vcpus"] == 6  # template left out
    assert esx1["age_years"] == pytest.approx(10.0, abs=0.01) and esx1["out_of_warranty"] == 1.0
    assert esx1["cpu_utilisation"] == pytest.approx(4000 / 40000)  # VMs' P95, the template's excluded
    assert esx1["memory_utilisation"] == pytest.approx(4096 / 262144)
    assert esx2["n_vms"] == 0 and esx2["cpu_utilisation"] == pytest.approx(10000 / 20000)  # host's own P95
    assert esx2["memory_utilisation"] == pytest.approx(0.5) and esx2["out_of_warranty"] != esx2["out_of_warranty"]
    clusters = cluster_frame(host_frame(session, today=TODAY)).set_index("cluster")
    assert clusters.loc["CL-PROD", "n_vms"] == 2 and clusters.loc["—", "n_hosts"] == 1
    assert clusters.loc["CL-PROD", "cpu_utilisation"] == pytest.approx(0.1)


def test_missing_assets_are_left_out(engine: Engine) -> None:
    record_run(engine, source="csv", kind="csv", collect=lambda: ESTATE)
    smaller = ESTATE.model_copy(update={"hosts": ESTATE.hosts[:1], "vms": ESTATE.vms[:1]})
    record_run(engine, source="csv", kind="csv", collect=lambda: smaller)
    with Session(engine) as session:
        assert list(vm_frame(session)["name"]) == ["app1"]
        assert list(host_frame(session, today=TODAY)["name"]) == ["esx1"]


def test_runs_and_versions(engine: Engine) -> None:
    record_run(engine, source="csv", kind="csv", collect=lambda: ESTATE)
    with Session(engine) as session:
        first = latest_run(session)
    record_run(engine, source="vsphere:vc1", kind="vsphere", collect=_fail)  # type: ignore[arg-type]
    with Session(engine) as session:
        latest = latest_run(session)
        assert first is not None and latest is not None
        assert (latest.run_id, latest.finished_at) == (first.run_id, first.finished_at)  # a failed run is not content
        assert (first.n_runs, latest.n_runs) == (1, 2)
        assert runs_version(session)[1] == 2
        runs = run_frame(session)
        assert list(runs["source"]) == ["vsphere:vc1", "csv"] and list(runs["status"]) == ["failed", "succeeded"]
        assert runs["duration_s"].iloc[1] >= 0 and runs["error"].iloc[0]
        assert len(run_frame(session, limit=1)) == 1
    with session_scope(engine) as session:
        save_scenario(session, name="a", kind="plan", parameters={}, results={})
    with Session(engine) as session:
        count, updated = scenarios_version(session)
    assert count == 1 and updated is not None


def test_next_run_times_read_the_plain_schedule_never_the_legacy_job_store(engine: Engine) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import Column, Float, LargeBinary, MetaData, String, Table, insert

    from inventory import SCHEDULER_JOBS_TABLE, next_run_times
    from inventory.schedule_store import record_fire, save_schedule

    assert next_run_times(engine) == {}
    jobs = Table(
        SCHEDULER_JOBS_TABLE,
        MetaData(),
        Column("id", String(191), primary_key=True),
        Column("next_run_time", Float),
        Column("job_state", LargeBinary),
    )
    jobs.create(engine)
    when = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(jobs), [{"id": "legacy", "next_run_time": when.timestamp(), "job_state": b"x"}])
    assert next_run_times(engine) == {}
    save_schedule(
        engine, name="collect-all", cron="0 2 * * *", timezone="Europe/Paris", sources="all", misfire_grace_s=60
    )
    assert next_run_times(engine) == {}
    record_fire(engine, "collect-all", fire_at=None, next_run_at=when)
    assert next_run_times(engine) == {"collect-all": when}


def test_unknown_usage_stays_unknown(engine: Engine) -> None:
    idle = HostRecord(
        external_id="h3",
        name="esx3",
        cluster_external_id="c1",
        site_external_id="s1",
        n_sockets=2,
        n_cores_per_socket=10,
        cpu_mhz=2000.0,
        memory_mib=262144.0,
    )  # no P95, no VM
    estate = ESTATE.model_copy(update={"hosts": [*ESTATE.hosts, idle]})
    record_run(engine, source="csv", kind="csv", collect=lambda: estate)
    with Session(engine) as session:
        hosts = host_frame(session, today=TODAY).set_index("name")
    esx3 = hosts.loc["esx3"]
    assert esx3["cpu_utilisation"] != esx3["cpu_utilisation"]  # NaN, not 0 %
    assert esx3["memory_utilisation"] != esx3["memory_utilisation"]
    assert hosts["cpu_utilisation"].median() == pytest.approx((0.1 + 0.5) / 2)  # esx3 left out
    clusters = cluster_frame(hosts.reset_index()).set_index("cluster")
    assert clusters.loc["CL-PROD", "n_hosts"] == 2
    assert clusters.loc["CL-PROD", "cpu_utilisation"] == pytest.approx(0.1)  # esx3's capacity not counted
