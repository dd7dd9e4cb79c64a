"""A small demo estate with odd rows written straight into the tables, for the column readers' tests.

Missing sizes, zero sizes, templates, VMs on no host or on an unknown one, hosts without cluster,
servers running no hypervisor, retired and missing rows, usage windows and powered-off spans written
with other time zones than UTC (and naive on SQLite), memory signals, and the impossible values of
``bad_rows``. Written as SQL literals, so each backend stores them as it would an older version's.
"""

from sqlalchemy import Engine, text
from sqlmodel import Session

from collectors.demo import generate_demo_estate
from inventory import ensure_default_catalogue, record_run, session_scope
from tests.conftest import TODAY
from tests.inventory.bad_rows import corrupt

#: SQL assignments on the VM of each position (in id order), after ``bad_rows.corrupt`` (VMs 0 to 4).
VM_UPDATES: dict[int, str] = {
    5: "n_vcpus = NULL, memory_mib = NULL",
    6: "n_vcpus = 0",
    7: "host_id = NULL",
    8: "host_id = NULL, cluster_id = NULL",
    9: "cluster_id = NULL",
    10: "is_template = true",
    11: "usage_period_start = '2026-10-24 00:00:00+02:00'",
    12: "usage_period_start = '2026-10-24 00:00:00+02:00', usage_period_end = '2026-11-23 05:00:00.123456-03:00'",
    13: "usage_period_start = NULL",
    14: "usage_period_end = '2026-10-23 00:00:00'",
    15: "usage_source = 'sample'",
    16: "usage_source = NULL, cpu_usage_p95_mhz = NULL, memory_usage_p95_mib = NULL",
    17: "guest_os = 'Microsoft Windows Server 2022 (64-bit)'",
    18: "guest_os = NULL",
    19: "missing_since = '2026-11-01 00:00:00+00:00'",
    20: "power_state = 'unknown'",
    21: "power_state = 'off', powered_off_since = '2026-11-01 00:00:00+01:00', last_seen_at = '2026-11-20 00:00:00'",
    22: "power_state = 'off', powered_off_since = '2026-11-01 00:00:00', last_seen_at = '2026-11-20 00:00:00-05:00'",
    23: "power_state = 'off', powered_off_since = '2026-12-01 00:00:00', last_seen_at = '2026-11-20 00:00:00'",
    24: "memory_active_mib = 100, memory_ballooned_mib = 0",
    25: "memory_swapped_mib = 5",
    26: "memory_mib = 0",
}
#: The same on hosts, after ``bad_rows.corrupt`` (hosts 0 to 3).
HOST_UPDATES: dict[int, str] = {
    4: "cpu_mhz = NULL",
    5: "cluster_id = NULL",
    6: "status = 'retired'",
    7: "missing_since = '2026-11-01 00:00:00+00:00'",
    8: "rack_units = NULL, perf_per_core = NULL, power_idle_w = NULL, purchase_date = NULL, warranty_end = NULL",
    9: "cpu_usage_p95_mhz = -5, memory_usage_p95_mib = 1e300",
    10: "n_cores_per_socket = 0",
    11: "site_id = NULL, purchase_price_eur = NULL, support_cost_eur_per_year = NULL",
}
#: Hosts emptied of their VMs and turned into servers running no hypervisor (sized or not, sampled or not).
SERVER_UPDATES = (
    "hypervisor_version = NULL",
    "hypervisor_version = 'Ubuntu 22.04', usage_source = 'sample'",
    "hypervisor_version = 'Debian 12', cpu_mhz = NULL",
    "hypervisor_version = 'RHEL 9', n_sockets = -1",
)


def odd_estate(engine: Engine) -> None:
    """Record the demo estate of 120 VMs with the default offers, then write the odd rows."""
    with session_scope(engine) as session:
        ensure_default_catalogue(session)
    record_run(engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=120, today=TODAY))
    corrupt(engine)
    with Session(engine) as session:
        vm_ids = list(session.execute(text("SELECT id FROM virtual_machine ORDER BY id")).scalars())
        host_ids = list(session.execute(text("SELECT id FROM host ORDER BY id")).scalars())
        for position, assignments in VM_UPDATES.items():
            session.execute(text(f"UPDATE virtual_machine SET {assignments} WHERE id = {vm_ids[position]}"))
        for position, assignments in HOST_UPDATES.items():
            session.execute(text(f"UPDATE host SET {assignments} WHERE id = {host_ids[position]}"))
        servers = host_ids[12 : 12 + len(SERVER_UPDATES)]
        moved = ", ".join(map(str, servers))
        session.execute(text(f"UPDATE virtual_machine SET host_id = {host_ids[11]} WHERE host_id IN ({moved})"))
        for host_id, assignments in zip(servers, SERVER_UPDATES, strict=True):
            session.execute(text(f"UPDATE host SET {assignments} WHERE id = {host_id}"))
        session.commit()
