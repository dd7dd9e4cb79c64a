"""The fast readers (raw SOAP + ElementTree) against pyVmomi's deserialiser, and their failures."""

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from pyVmomi import vim
from pyVmomi.SoapAdapter import SoapResponseDeserializer
from sqlalchemy import Engine, select
from sqlmodel import Session

import collectors.vsphere.client as client_module
from collectors.runner import run_vsphere
from collectors.vsphere import VSphereClient
from collectors.vsphere.mapping import (
    CLUSTER_PATHS,
    DATASTORE_EXTRA_PATHS,
    DATASTORE_FIELDS,
    HOST_EXTRA_PATHS,
    HOST_FIELDS,
    VM_EXTRA_PATHS,
    VM_FIELDS,
    paths_of,
)
from collectors.vsphere.samples import read_samples
from collectors.vsphere.soap import UnreadableResponse, _method_info, read_properties
from collectors.vsphere.usage import COUNTERS, CPU_USAGE, MEMORY_CONSUMED, samples_of, usage_of
from inventory import RunStatus, VirtualMachine
from tests.support.vcsim import Simulator

QUERY_PERF = _method_info(vim.PerformanceManager, "QueryPerf")


def _pyvmomi(client: VSphereClient, body: bytes) -> list[Any]:
    """The reference: pyVmomi's own deserialiser on the same bytes."""
    return list(SoapResponseDeserializer(client._stub).Deserialize(io.BytesIO(body), QUERY_PERF.result) or ())


def _query_body(client: VSphereClient, kind: type, refs: list[str], *, fmt: str = "csv") -> bytes:
    counters = client.counter_ids([c.name for c in COUNTERS])
    end = client.server_time()
    metric_ids = [vim.PerformanceManager.MetricId(counterId=key, instance="") for key in counters.values()]
    specs = [
        vim.PerformanceManager.QuerySpec(
            entity=client.entity(kind, ref),
            metricId=metric_ids,
            intervalId=20,
            startTime=end - timedelta(hours=1),
            endTime=end,
            maxSample=180,
            format=fmt,
        )
        for ref in refs
    ]
    body: bytes = client.raw("QueryPerf", client.content.perfManager, "QueryPerf", [specs], lambda s: s.read())
    return body


def test_properties_match_pyvmomi(vcsim: Callable[..., Simulator], vcsim_password: str) -> None:
    sim = vcsim(n_hosts=2, n_vms_per_host=3)
    source = sim.source()
    queries: list[tuple[type, list[str], dict[type, Any] | None]] = [
        (vim.Datacenter, ["name", "parent"], None),
        (vim.Folder, ["parent"], None),
        (vim.ComputeResource, ["name", "parent"], {vim.ClusterComputeResource: CLUSTER_PATHS}),
        (vim.HostSystem, paths_of(HOST_FIELDS, HOST_EXTRA_PATHS), None),
        (vim.Datastore, paths_of(DATASTORE_FIELDS, DATASTORE_EXTRA_PATHS), None),
        (vim.VirtualMachine, paths_of(VM_FIELDS, VM_EXTRA_PATHS), None),
    ]
    with VSphereClient(source, password=source.read_password()) as client:
        for kind, paths, extra in queries:
            fast = client.retrieve(kind, paths, extra=extra)
            reference = client.retrieve(kind, paths, extra=extra, sdk=True)
            assert fast and fast == reference, kind
            # paging: two objects per page gives the same result
            assert client.retrieve(kind, paths, extra=extra, page_size=2) == reference


def test_usage_figures_match_pyvmomi(vcsim: Callable[..., Simulator], vcsim_password: str) -> None:
    sim = vcsim(n_hosts=2, n_vms_per_host=3)
    source = sim.source()
    with VSphereClient(source, password=source.read_password()) as client:
        counters = client.counter_ids([c.name for c in COUNTERS])
        keys = {"cpu_key": counters[CPU_USAGE.name], "mem_key": counters[MEMORY_CONSUMED.name], "period_s": 20}
        refs = [vm.ref for vm in client.retrieve(vim.VirtualMachine, ["name"])]
        # The simulator adds random noise to every query: compare both readers on the same bytes.
        body = _query_body(client, vim.VirtualMachine, refs)
        reference = [usage_of(samples_of(metric), **keys) for metric in _pyvmomi(client, body)]
        fast = [usage_of(samples, **keys) for samples in read_samples(io.BytesIO(body))]
        assert len(fast) == len(refs) and all(u is not None for u in fast)
        assert fast == reference
        first = read_samples(io.BytesIO(body))[0]
        assert len(first.timestamps) == 180 and first.values[keys["cpu_key"]].shape == (180,)


def _csv_body() -> bytes:
    """A QueryPerf answer in the CSV format (what a real vCenter returns; the simulator ignores it)."""
    series = "".join(
        f"<value><id><counterId>{key}</counterId><instance></instance></id><value>{values}</value></value>"
        for key, values in ((6, "120,-1,300,250,90"), (98, "2048,4096,1024,-1,3072"))
    )
    stamps = ",".join(f"300,2026-01-05T10:{m:02d}:00Z" for m in (5, 10, 15, 20, 25))
    entity = (
        '<returnval xsi:type="PerfEntityMetricCSV"><entity type="VirtualMachine">vm-42</entity>'
        f"<sampleInfoCSV>{stamps}</sampleInfoCSV>{series}</returnval>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
        'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<soapenv:Body><QueryPerfResponse xmlns="urn:vim25">{entity}</QueryPerfResponse>'
        "</soapenv:Body></soapenv:Envelope>"
    ).encode()


def test_csv_format_matches_pyvmomi() -> None:
    from pyVmomi.SoapAdapter import SoapStubAdapter

    stub = SoapStubAdapter(host="127.0.0.1", port=-1, version="vim.version.version9")
    body = _csv_body()
    reference = SoapResponseDeserializer(stub).Deserialize(io.BytesIO(body), QUERY_PERF.result)
    (fast,) = read_samples(io.BytesIO(body))
    keys = {"cpu_key": 6, "mem_key": 98, "period_s": 300}
    assert usage_of(fast, **keys) == usage_of(samples_of(reference[0]), **keys)
    usage = usage_of(fast, **keys)
    assert usage is not None and usage.cpu_mean_mhz == pytest.approx((120 + 300 + 250 + 90) / 4)
    assert usage.period_end - usage.period_start == timedelta(minutes=25)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_csv_body()[:-200], "malformed XML"),
        (_csv_body().replace(b"120,-1", b"12O,-1"), "not a number"),
        (b"<html><body>Service Unavailable</body></html>", "no QueryPerfResponse"),
    ],
)
def test_unreadable_perf_response(body: bytes, message: str) -> None:
    with pytest.raises(UnreadableResponse, match=message):
        read_samples(io.BytesIO(body))


def test_unreadable_properties_response() -> None:
    with pytest.raises(UnreadableResponse, match="RetrievePropertiesEx: malformed XML"):
        read_properties(
            io.BytesIO(b"<soapenv:Envelope><RetrievePropertiesExResponse><returnval>"), "RetrievePropertiesEx"
        )


class _Truncated(io.RawIOBase):
    """A response stream cut after ``limit`` bytes, as when a proxy drops the connection cleanly."""

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream, self._left = stream, limit

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        chunk: bytes = self._stream.read(min(self._left, size if size > 0 else self._left))
        self._left -= len(chunk)
        return chunk


def test_truncated_perf_response_fails_the_run_and_keeps_inventory(
    engine: Engine, vcsim: Callable[..., Simulator], vcsim_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = vcsim(n_hosts=2, n_vms_per_host=2)
    source = sim.source()
    assert run_vsphere(engine, source, usage_window_h=0).status == RunStatus.SUCCEEDED
    monkeypatch.setattr(client_module, "read_samples", lambda stream: read_samples(_Truncated(stream, 2000)))
    run = run_vsphere(engine, source, usage_window_h=1)
    assert run.status == RunStatus.FAILED
    error = run.error or ""
    assert "vsphere:vcsim (127.0.0.1:" in error and "QueryPerf(" in error
    assert "unreadable response" in error and "malformed XML" in error
    with Session(engine) as session:
        vms = session.scalars(select(VirtualMachine)).all()
    assert len(vms) == 4 and all(v.missing_since is None and v.cpu_usage_p95_mhz is None for v in vms)


def test_vcenter_dropping_mid_queryperf_fails_the_run_and_keeps_inventory(
    engine: Engine, vcsim: Callable[..., Simulator], vcsim_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = vcsim(n_hosts=2, n_vms_per_host=4)
    source = sim.source()
    assert run_vsphere(engine, source, usage_window_h=0).status == RunStatus.SUCCEEDED
    original = VSphereClient.query_samples
    calls: list[int] = []

    def drop_on_second_call(self: VSphereClient, specs: Any) -> Any:
        calls.append(len(specs))
        if len(calls) == 2:
            sim.kill()
        return original(self, specs)

    monkeypatch.setattr(VSphereClient, "query_samples", drop_on_second_call)
    run = run_vsphere(engine, source, usage_window_h=1, max_query_metrics=4)
    assert run.status == RunStatus.FAILED
    assert "QueryPerf(" in (run.error or "") and "failed after 2 attempt" in (run.error or "")
    with Session(engine) as session:
        vms = session.scalars(select(VirtualMachine)).all()
    assert len(vms) == 8 and all(v.missing_since is None and v.cpu_usage_p95_mhz is None for v in vms)
