"""Key figures of the estate as it stands: what `parcimonie inventory` and the overview show."""

import math
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from inventory.enums import LifecycleStatus, PowerState
from inventory.limits import LIMITS, number_problem
from inventory.models import Cluster, Host, Site, VirtualMachine


@dataclass(frozen=True)
class EstateSummary:
    """Counts and ratios over present (not missing, not retired) assets.

    Sizes an older version stored out of ``inventory.limits`` (negative, NaN, infinite) count as
    unknown, so every figure is finite.
    """

    n_sites: int
    n_clusters: int
    n_hosts: int
    n_vms: int
    n_vms_powered_on: int
    n_templates: int
    vms_per_host: float | None
    average_host_age_years: float | None
    n_hosts_with_purchase_date: int
    share_out_of_warranty: float | None
    n_hosts_with_warranty_end: int
    total_cores: int
    total_memory_gib: float
    total_vcpus: int
    total_vm_memory_gib: float
    as_of: date

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures: finite numbers or None (never NaN nor infinity), dates as ISO text."""
        data = {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in asdict(self).items()}
        data["as_of"] = self.as_of.isoformat()
        return data


def _plausible(column: Any, field: str) -> Any:
    """``column`` where its value is within ``inventory.limits`` (NaN and infinities are not), else 0."""
    limit = LIMITS[field]
    return case((col(column).between(limit.min, limit.max), column), else_=0)


def _size(value: float | int | None, field: str, *, integer: bool = False) -> float:
    """A stored size as a summary counts it: 0 when unknown or impossible (see ``inventory.limits``)."""
    return 0.0 if value is None or number_problem(field, value, integer=integer) else float(value)


def _present_hosts() -> Any:
    return select(Host).where(
        col(Host.missing_since).is_(None),
        col(Host.status) != LifecycleStatus.RETIRED,
    )


def estate_summary(session: Session, *, today: date | None = None) -> EstateSummary:
    """Figures of the hosts and VMs currently present in the inventory."""
    as_of = today or date.today()
    hosts = list(session.scalars(_present_hosts()))
    vm_rows = session.execute(
        select(
            col(VirtualMachine.is_template),
            col(VirtualMachine.power_state),
            func.count(),
            func.coalesce(func.sum(_plausible(VirtualMachine.n_vcpus, "n_vcpus")), 0),
            func.coalesce(func.sum(_plausible(VirtualMachine.memory_mib, "memory_mib")), 0.0),
        )
        .where(col(VirtualMachine.missing_since).is_(None))
        .group_by(col(VirtualMachine.is_template), col(VirtualMachine.power_state))
    ).all()
    n_vms = sum(n for tpl, _, n, _, _ in vm_rows if not tpl)
    n_templates = sum(n for tpl, _, n, _, _ in vm_rows if tpl)
    n_on = sum(n for tpl, state, n, _, _ in vm_rows if not tpl and state == PowerState.ON)
    vcpus = int(sum(v for tpl, _, _, v, _ in vm_rows if not tpl))
    vm_mem = float(sum(m for tpl, _, _, _, m in vm_rows if not tpl))
    n_sites = session.scalar(select(func.count()).select_from(Site).where(col(Site.missing_since).is_(None)))
    n_clusters = session.scalar(select(func.count()).select_from(Cluster).where(col(Cluster.missing_since).is_(None)))
    ages = [(as_of - h.purchase_date).days / 365.25 for h in hosts if h.purchase_date]
    warranties = [h.warranty_end for h in hosts if h.warranty_end]
    return EstateSummary(
        n_sites=n_sites or 0,
        n_clusters=n_clusters or 0,
        n_hosts=len(hosts),
        n_vms=n_vms,
        n_vms_powered_on=n_on,
        n_templates=n_templates,
        vms_per_host=round(n_vms / len(hosts), 2) if hosts else None,
        average_host_age_years=round(sum(ages) / len(ages), 2) if ages else None,
        n_hosts_with_purchase_date=len(ages),
        share_out_of_warranty=(
            round(sum(end < as_of for end in warranties) / len(warranties), 4) if warranties else None
        ),
        n_hosts_with_warranty_end=len(warranties),
        total_cores=int(
            sum(
                _size(h.n_sockets, "n_sockets", integer=True)
                * _size(h.n_cores_per_socket, "n_cores_per_socket", integer=True)
                for h in hosts
            )
        ),
        total_memory_gib=round(sum(_size(h.memory_mib, "memory_mib") for h in hosts) / 1024, 1),
        total_vcpus=vcpus,
        total_vm_memory_gib=round(vm_mem / 1024, 1),
        as_of=as_of,
    )
