"""Impossible values written straight into the tables, as an older Parcimonie could store them.

They bypass the write path's checks (``inventory.limits``) on purpose: readers must survive them.
"""

import math

from sqlalchemy import Engine, select, update
from sqlmodel import Session

from inventory import Host, VirtualMachine

#: Host field → impossible value, one host each (NaN is stored as NULL by SQLite, as NaN by PostgreSQL).
BAD_HOST_VALUES: dict[str, float] = {"memory_mib": -1.0, "cpu_mhz": math.inf, "n_sockets": -2, "power_max_w": -math.inf}
#: VM field → impossible value, one VM each.
BAD_VM_VALUES: dict[str, float] = {
    "n_vcpus": -4,
    "memory_mib": math.inf,
    "cpu_usage_p95_mhz": -1.0,
    "memory_usage_p95_mib": 1e300,
}
NAN_VM_FIELD = "memory_mib"


def corrupt(engine: Engine) -> tuple[dict[str, str], dict[str, str], str]:
    """Store the bad values on the first present hosts and VMs; their names by field, and the NaN VM's name."""
    with Session(engine) as session:
        hosts = session.execute(
            select(Host.id, Host.name).where(Host.missing_since.is_(None)).order_by(Host.id)  # type: ignore[union-attr]
        ).all()
        vms = session.execute(
            select(VirtualMachine.id, VirtualMachine.name)
            .where(VirtualMachine.missing_since.is_(None))  # type: ignore[union-attr]
            .order_by(VirtualMachine.id)
        ).all()
        bad_hosts: dict[str, str] = {}
        for (host_id, name), (field, value) in zip(hosts, BAD_HOST_VALUES.items(), strict=False):
            session.execute(update(Host).where(Host.id == host_id).values({field: value}))  # type: ignore[arg-type]
            bad_hosts[field] = name
        bad_vms: dict[str, str] = {}
        for (vm_id, name), (field, value) in zip(vms, BAD_VM_VALUES.items(), strict=False):
            session.execute(update(VirtualMachine).where(VirtualMachine.id == vm_id).values({field: value}))  # type: ignore[arg-type]
            bad_vms[field] = name
        nan_id, nan_name = vms[len(BAD_VM_VALUES)]
        session.execute(
            update(VirtualMachine).where(VirtualMachine.id == nan_id).values({NAN_VM_FIELD: math.nan})  # type: ignore[arg-type]
        )
        session.commit()
    return bad_hosts, bad_vms, nan_name
