"""The vSphere collector against govmomi's simulator, written through ``record_run``."""

import logging
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from pyVim.task import WaitForTask
from pyVmomi import vim
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from collectors.runner import run_all, run_vsphere
from collectors.sources import VSphereSource
from collectors.vsphere import UsageOptions, VSphereClient, collect_vsphere
from inventory import (
    Cluster,
    CollectionRun,
    Host,
    HostRecord,
    RunStatus,
    Site,
    Snapshot,
    VirtualMachine,
    record_run,
)
from tests.support.vcsim import PASSWORD, Simulator

pytestmark = pytest.mark.vcsim
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_counts_and_fields_land_in_the_inventory(
    engine: Engine, vcsim: Callable[..., Simulator], vcsim_password: str
) -> None:
    sim = vcsim(n_datacenters=2, n_clusters=1, n_hosts=2, n_vms_per_host=2)
    run = run_vsphere(engine, sim.source(), usage_window_h=1)
    assert run.status == RunStatus.SUCCEEDED, run.error
    expected = sim.counts
    assert (run.n_sites, run.n_clusters, run.n_hosts, run.n_vms, run.n_datastores) == (
        expected["sites"],
        expected["clusters"],
        expected["hosts"],
        expected["vms"],
        expected["datastores"],
    )
    with Session(engine) as session:
        hosts = session.scalars(select(Host)).all()
        vms = session.scalars(select(VirtualMachine)).all()
        clusters = session.scalars(select(Cluster)).all()
    assert len(hosts) == 4 and len(vms) == 8 and len(clusters) == 2
    for host in hosts:
        assert host.source == "vsphere:vcsim"
        assert host.cpu_model and "Intel" in host.cpu_model
        assert host.n_sockets and host.n_cores_per_socket and host.n_threads and host.cpu_mhz
        assert host.memory_mib and 1000 < host.memory_mib < 10**7
        assert host.vendor and host.model and host.serial_number
        assert host.hypervisor_version and "ESXi" in host.hypervisor_version
        assert host.power_state == "on"
        assert host.cluster_id is not None and host.site_id is not None
        assert host.cpu_usage_p95_mhz is not None and host.cpu_usage_mean_mhz is not None
        assert host.cpu_usage_p95_mhz >= host.cpu_usage_mean_mhz * 0.999
    for vm in vms:
        assert UUID.match(vm.external_id), vm.external_id
        assert vm.n_vcpus == 1 and vm.memory_mib == 32
        assert vm.power_state == "on" and vm.is_template is False and vm.guest_os
        assert vm.host_id is not None and vm.cluster_id is not None
        assert vm.cpu_usage_p95_mhz is not None and vm.memory_usage_p95_mib is not None
        assert vm.usage_period_start is not None and vm.usage_period_end is not None
        period = vm.usage_period_end - vm.usage_period_start
        assert timedelta(minutes=55) <= period <= timedelta(minutes=61)
    assert {c.drs_enabled for c in clusters} == {True}


def test_same_estate_twice_then_a_vm_removed(
    engine: Engine, vcsim: Callable[..., Simulator], vcsim_password: str
) -> None:
    sim = vcsim(n_hosts=2, n_vms_per_host=2)
    source = sim.source()
    first = run_vsphere(engine, source, usage_window_h=0)
    second = run_vsphere(engine, source, usage_window_h=0)
    assert first.n_created == 1 + 1 + 2 + 1 + 4 and first.n_updated == 0
    assert second.n_created == 0 and second.n_updated == first.n_created
    assert second.n_marked_missing == 0
    with Session(engine) as session:
        ids_before = dict(session.execute(select(VirtualMachine.external_id, VirtualMachine.id)).all())
    with VSphereClient(source, password=source.read_password()) as client:
        victim = client.retrieve(vim.VirtualMachine, ["config.instanceUuid"])[0]
        vm = client.entity(vim.VirtualMachine, victim.ref)
        WaitForTask(vm.PowerOffVM_Task())
        WaitForTask(vm.Destroy_Task())
    third = run_vsphere(engine, source, usage_window_h=0)
    assert third.status == RunStatus.SUCCEEDED and third.n_vms == 3 and third.n_marked_missing == 1
    with Session(engine) as session:
        rows = session.scalars(select(VirtualMachine)).all()
    assert {r.external_id: r.id for r in rows} == ids_before  # nothing deleted, nothing re-created
    missing = [r.external_id for r in rows if r.missing_since is not None]
    assert missing == [victim.props["config.instanceUuid"]]


def test_collection_keeps_what_an_import_entered(
    sqlite_engine: Engine, vcsim: Callable[..., Simulator], vcsim_password: str
) -> None:
    sim = vcsim(n_hosts=1, n_vms_per_host=1)
    source = sim.source()
    run_vsphere(sqlite_engine, source, usage_window_h=0)
    with Session(sqlite_engine) as session:
        host = session.scalars(select(Host)).one()
    lifecycle = HostRecord(external_id=host.external_id, name=host.name, purchase_price_eur=8400.0)
    record_run(
        sqlite_engine,
        source=source.source,
        kind="csv",
        collect=lambda: Snapshot(hosts=[lifecycle], complete=False),
    )
    assert run_vsphere(sqlite_engine, source, usage_window_h=0).status == RunStatus.SUCCEEDED
    with Session(sqlite_engine) as session:
        host = session.scalars(select(Host)).one()
    assert host.purchase_price_eur == 8400.0 and host.cpu_model


def test_wrong_password_fails_the_run_and_writes_nothing(
    engine: Engine,
    vcsim: Callable[..., Simulator],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim = vcsim(n_hosts=1, n_vms_per_host=1)
    monkeypatch.setenv("PARCIMONIE_VSPHERE_PASSWORD", "not-the-password-42")
    with caplog.at_level(logging.DEBUG):
        run = run_vsphere(engine, sim.source(), usage_window_h=0)
    assert run.status == RunStatus.FAILED
    assert run.error and "login refused" in run.error and "parcimonie@vsphere.local" in run.error
    assert "not-the-password-42" not in run.error and "not-the-password-42" not in caplog.text
    assert _count(engine, Host) == 0 and _count(engine, VirtualMachine) == 0 and _count(engine, Site) == 0


def test_password_file_and_missing_password(
    sqlite_engine: Engine, vcsim: Callable[..., Simulator], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = vcsim(n_hosts=1, n_vms_per_host=1)
    monkeypatch.delenv("PARCIMONIE_VSPHERE_PASSWORD", raising=False)
    run = run_vsphere(sqlite_engine, sim.source(), usage_window_h=0)
    assert run.status == RunStatus.FAILED and "set PARCIMONIE_VSPHERE_PASSWORD" in (run.error or "")
    secret = tmp_path / "vc.pwd"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    run = run_vsphere(sqlite_engine, sim.source(password_file=secret), usage_window_h=0)
    assert run.status == RunStatus.SUCCEEDED, run.error


def test_tls_is_verified_unless_told_otherwise(
    sqlite_engine: Engine,
    vcsim: Callable[..., Simulator],
    vcsim_password: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim = vcsim(n_hosts=1, n_vms_per_host=1)
    run = run_vsphere(sqlite_engine, sim.source(ca_file=None), usage_window_h=0)
    assert run.status == RunStatus.FAILED
    assert "TLS certificate not trusted" in (run.error or "") and "ca_file" in (run.error or "")
    assert _count(sqlite_engine, Host) == 0
    with caplog.at_level(logging.WARNING):
        run = run_vsphere(sqlite_engine, sim.source(ca_file=None, insecure=True), usage_window_h=0)
    assert run.status == RunStatus.SUCCEEDED
    assert "TLS verification is OFF" in caplog.text
    assert run_vsphere(sqlite_engine, sim.source(), usage_window_h=0).status == RunStatus.SUCCEEDED


def test_plain_http_simulator(sqlite_engine: Engine, vcsim: Callable[..., Simulator], vcsim_password: str) -> None:
    sim = vcsim(n_hosts=1, n_vms_per_host=2, tls=False)
    run = run_vsphere(sqlite_engine, sim.source(), usage_window_h=0)
    assert run.status == RunStatus.SUCCEEDED and run.n_vms == 2


def test_simulator_killed_mid_run_leaves_previous_inventory(
    engine: Engine, vcsim: Callable[..., Simulator], vcsim_password: str
) -> None:
    sim = vcsim(n_hosts=2, n_vms_per_host=2)
    source = sim.source()
    assert run_vsphere(engine, source, usage_window_h=0).status == RunStatus.SUCCEEDED

    def kill_before_statistics(message: str) -> None:
        if "statistiques" in message:
            sim.kill()

    run = run_vsphere(engine, source, usage_window_h=1, progress=kill_before_statistics)
    assert run.status == RunStatus.FAILED
    assert "vsphere:vcsim (127.0.0.1:" in (run.error or "") and "failed after 2 attempt" in (run.error or "")
    with Session(engine) as session:
        vms = session.scalars(select(VirtualMachine)).all()
        runs = session.scalars(select(CollectionRun).order_by(CollectionRun.id)).all()  # type: ignore[arg-type]
    assert len(vms) == 4 and all(v.missing_since is None for v in vms)
    assert all(v.cpu_usage_p95_mhz is None for v in vms)
    assert [r.status for r in runs] == [RunStatus.SUCCEEDED, RunStatus.FAILED]


def test_one_vcenter_down_does_not_stop_the_others(
    sqlite_engine: Engine, vcsim: Callable[..., Simulator], vcsim_password: str
) -> None:
    up = vcsim(n_hosts=1, n_vms_per_host=3)
    down = vcsim(n_hosts=1, n_vms_per_host=1)
    down.stop()
    runs = run_all(
        sqlite_engine,
        sources=[down.source(name="down"), up.source(name="up")],
        usage_window_h=0,
    )
    assert [(r.source, r.status) for r in runs] == [
        ("vsphere:down", RunStatus.FAILED),
        ("vsphere:up", RunStatus.SUCCEEDED),
    ]
    assert "Connection refused" in (runs[0].error or "")
    assert _count(sqlite_engine, VirtualMachine) == 3


def test_usage_batches_respect_max_query_metrics(
    vcsim: Callable[..., Simulator], vcsim_password: str, caplog: pytest.LogCaptureFixture
) -> None:
    sim = vcsim(n_hosts=3, n_vms_per_host=3)
    with caplog.at_level(logging.DEBUG, logger="collectors.vsphere.usage"):
        snapshot = collect_vsphere(sim.source(), usage=UsageOptions(window_h=0.5, max_query_metrics=4))
    # 3 hosts + 9 VMs, 2 counters each, 4 metrics per call: 2 entities per call, 6 calls.
    assert "usage of 12/12 objects at 20 s over 1800 s in 6 calls" in caplog.text
    assert all(vm.cpu_usage_mean_mhz is not None for vm in snapshot.vms)
    assert isinstance(snapshot.datastores[0].capacity_gib, float)


def test_source_config_rejects_unknown_keys() -> None:
    with pytest.raises(ValueError, match="extra"):
        VSphereSource(name="x", host="h", user="u", passwd="oops")  # type: ignore[call-arg]
