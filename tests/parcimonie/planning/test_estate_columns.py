"""``load_estate`` reads columns; its tables are those the rows read one by one give, odd rows included.

The reference below is the former reader: ORM entities of present hosts and VMs, each checked and
converted on its own. Both backends, with timestamps written in other zones (and naive on SQLite).
"""

from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from inventory import Host, LifecycleStatus, PowerState, VirtualMachine
from inventory.enums import UsageSource
from parcimonie.planning import load_estate
from parcimonie.planning.estate_inputs import HOST_FIGURES, HYPERVISOR, VM_FIGURES, impossible_value
from tests.inventory.odd_estate import odd_estate

SOURCES = {UsageSource.MEASURED_P95: 0, UsageSource.SAMPLE: 1}


def _year(value: date | None) -> float:
    return float("nan") if value is None else value.year + (value.timetuple().tm_yday - 1) / 365.25


def _nan(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _reference(session: Session) -> dict[str, Any]:
    """What the former row-by-row reader made of the estate."""
    hosts = session.exec(
        select(Host)
        .where(col(Host.missing_since).is_(None), col(Host.status) != LifecycleStatus.RETIRED)
        .order_by(col(Host.id))
    ).all()
    vms = session.exec(
        select(VirtualMachine).where(col(VirtualMachine.missing_since).is_(None)).order_by(col(VirtualMachine.id))
    ).all()
    carrying = {v.host_id for v in vms if v.host_id is not None}

    def hypervisor(h: Host) -> bool:
        return h.id in carrying or bool(HYPERVISOR.search(h.hypervisor_version or ""))

    def sized(h: Host) -> bool:
        return bool(h.n_sockets and h.n_cores_per_socket and h.cpu_mhz and h.memory_mib)

    host_why = [impossible_value(h, HOST_FIGURES) for h in hosts]
    valid = [h for h, why in zip(hosts, host_why, strict=True) if why is None]
    kept = [h for h in valid if sized(h) and hypervisor(h)]
    clusters = sorted({h.cluster_id for h in kept if h.cluster_id is not None})
    cluster_index = {c: i for i, c in enumerate(clusters)}
    host_index = {h.id: i for i, h in enumerate(kept)}
    vm_why = [impossible_value(v, VM_FIGURES) for v in vms]
    invalid_vms = [(v.name, why) for v, why in zip(vms, vm_why, strict=True) if why is not None]
    vm_valid = [v for v, why in zip(vms, vm_why, strict=True) if why is None]
    planned = [v for v in vm_valid if v.n_vcpus and v.memory_mib]

    def days(v: VirtualMachine) -> float:
        if v.usage_period_start is None or v.usage_period_end is None:
            return float("nan")
        return max((v.usage_period_end - v.usage_period_start).total_seconds() / 86_400, 0.0)

    def off(v: VirtualMachine) -> float:
        if v.powered_off_since is None or v.last_seen_at is None:
            return float("nan")
        return max(0.0, (v.last_seen_at - v.powered_off_since).total_seconds() / 86_400)

    servers = [h for h in valid if sized(h) and not hypervisor(h)]
    return {
        "host_row_ids": tuple(h.id for h in kept),
        "hosts.names": tuple(h.name for h in kept),
        "hosts.cluster": [cluster_index.get(h.cluster_id, -1) for h in kept],  # type: ignore[arg-type]
        "hosts.n_cores": [h.n_sockets * h.n_cores_per_socket for h in kept],  # type: ignore[operator]
        "hosts.cpu_mhz": [h.cpu_mhz for h in kept],
        "hosts.memory_mib": [h.memory_mib for h in kept],
        "hosts.perf_per_core": [_nan(h.perf_per_core) for h in kept],
        "hosts.power_idle_w": [_nan(h.power_idle_w) for h in kept],
        "hosts.purchase_year": [_year(h.purchase_date) for h in kept],
        "hosts.warranty_end_year": [_year(h.warranty_end) for h in kept],
        "hosts.purchase_price_eur_ttc": [_nan(h.purchase_price_eur) for h in kept],
        "hosts.rack_units": [1.0 if h.rack_units is None else float(h.rack_units) for h in kept],
        "skipped_hosts": tuple(h.name for h in valid if hypervisor(h) and not sized(h))
        + tuple(h.name for h, why in zip(hosts, host_why, strict=True) if why is not None and hypervisor(h)),
        "physical_hosts": tuple(h.name for h in valid if not hypervisor(h)),
        "physical_servers.ids": tuple(str(h.id) for h in servers),
        "physical_sampled": tuple(h.usage_source == UsageSource.SAMPLE for h in servers),
        "invalid_hosts": tuple((h.name, why) for h, why in zip(hosts, host_why, strict=True) if why is not None),
        "invalid_vms": tuple(invalid_vms),
        "unsized_vms": tuple(v.name for v in vm_valid if not (v.n_vcpus and v.memory_mib))
        + tuple(n for n, _ in invalid_vms),
        "vms.ids": tuple(str(v.id) for v in planned),
        "vms.names": tuple(v.name for v in planned),
        "vms.host": [host_index.get(v.host_id, -1) for v in planned],  # type: ignore[arg-type]
        "vms.cluster": [cluster_index.get(v.cluster_id, -1) for v in planned],  # type: ignore[arg-type]
        "vms.n_vcpus": [v.n_vcpus for v in planned],
        "vms.memory_mib": [v.memory_mib for v in planned],
        "vms.cpu_p95_mhz": [_nan(v.cpu_usage_p95_mhz) for v in planned],
        "vms.memory_p95_mib": [_nan(v.memory_usage_p95_mib) for v in planned],
        "vms.powered_on": [v.power_state == PowerState.ON for v in planned],
        "vms.is_template": [bool(v.is_template) for v in planned],
        "vms.is_windows": ["windows" in (v.guest_os or "").lower() for v in planned],
        "vms.usage_source": [SOURCES.get(v.usage_source, 0) for v in planned],  # type: ignore[call-overload]
        "vms.usage_days": [days(v) for v in planned],
        "vm_signals.powered_off_days": [off(v) for v in planned],
    }


def test_tables_are_those_of_the_rows_read_one_by_one(engine: Engine) -> None:
    odd_estate(engine)
    with Session(engine) as session:
        expected = _reference(session)
        inputs = load_estate(session)
    for key, value in expected.items():
        got: Any = inputs
        for part in key.split("."):
            got = getattr(got, part)
        if isinstance(value, tuple):
            assert got == value, key
        else:
            np.testing.assert_array_equal(got, np.array(value, dtype=np.asarray(got).dtype), err_msg=key)
    # The odd rows are there: each kind of row the reader must sort.
    assert len(inputs.invalid_hosts) == 5 and len(inputs.invalid_vms) >= 4  # NaN: NULL on SQLite
    assert inputs.physical_hosts and any(inputs.physical_sampled) and inputs.skipped_hosts
    assert -1 in inputs.vms.host and -1 in inputs.vms.cluster and inputs.vms.is_template.any()
    assert np.isnan(inputs.vms.usage_days).any() and (inputs.vms.usage_days == 0).any()
    assert (np.nan_to_num(inputs.vm_signals.powered_off_days) > 0).any()  # type: ignore[union-attr]
    assert np.unique(inputs.vms.usage_days[~np.isnan(inputs.vms.usage_days)]).size >= 3  # zones read as such
