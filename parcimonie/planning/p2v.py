"""Physical servers to virtualise (``plan --p2v``): appended to the VMs to place, then listed apart.

The servers with known sizes (``EstateInputs.physical_servers``) become VMs (``optimizer.p2v``)
added after the estate's VMs, so the consolidation places them like any other; the plan document
lists them apart ("à virtualiser") with where each goes and the yearly hardware costs its
retirement saves.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from optimizer import Assumptions, HostTable, OptionTco
from optimizer.p2v import p2v_candidates, p2v_running_costs, p2v_yearly_savings
from optimizer.vm_rows import concat_vms
from parcimonie.planning.document import P2vSection, P2vServer
from parcimonie.planning.estate_inputs import EstateInputs
from parcimonie.planning.messages import Message

if TYPE_CHECKING:
    from parcimonie.planning.service import PlanOutcome

__all__ = ["keep_with_servers", "n_p2v_vms", "p2v_section", "p2v_summary", "with_p2v"]


def keep_with_servers(keep: OptionTco, inputs: EstateInputs, *, start_year: int, assumptions: Assumptions) -> OptionTco:
    """The "keep the estate" option with the physical servers running too: the servers' energy,
    maintenance, staff and rack are then what every other option saves by virtualising them."""
    servers = inputs.physical_servers
    if servers is None or servers.n_hosts == 0:
        return keep
    lines = p2v_running_costs(servers=servers, start_year=start_year, assumptions=assumptions)
    return replace(
        keep,
        n_hosts=keep.n_hosts + servers.n_hosts,
        **{k: getattr(keep, k) + v for k, v in lines.items()},
    )


def _sampled(inputs: EstateInputs) -> NDArray[np.bool_] | None:
    """Which servers' usage is a point-in-time sample (None when not known)."""
    servers = inputs.physical_servers
    if servers is None or len(inputs.physical_sampled) != servers.n_hosts:
        return None
    return np.array(inputs.physical_sampled, dtype=bool)


def with_p2v(inputs: EstateInputs) -> EstateInputs:
    """The inputs with each physical server of known size appended to the VMs to place."""
    servers = inputs.physical_servers
    if servers is None or servers.n_hosts == 0:
        return inputs
    p2v = p2v_candidates(servers=servers, hosts=inputs.hosts, sampled=_sampled(inputs))
    return replace(inputs, vms=concat_vms(inputs.vms, p2v.vms))


def n_p2v_vms(outcome: PlanOutcome) -> int:
    """How many of the plan's VMs stand for physical servers (0 unless ``--p2v``)."""
    servers = outcome.inputs.physical_servers
    return servers.n_hosts if outcome.request.p2v and servers is not None else 0


def p2v_section(outcome: PlanOutcome) -> P2vSection | None:
    """The servers virtualised by the plan, where each goes and what it saves; None unless asked."""
    servers, result = outcome.inputs.physical_servers, outcome.consolidation
    if not outcome.request.p2v or servers is None:
        return None
    p2v = p2v_candidates(servers=servers, hosts=outcome.inputs.hosts, sampled=_sampled(outcome.inputs))
    savings = p2v_yearly_savings(servers=servers, year=outcome.start_year, assumptions=outcome.assumptions)
    vms = outcome.inputs.vms
    start = vms.n_vms - servers.n_hosts
    rows = []
    for k, name in enumerate(servers.names):
        dst = int(result.placement[start + k])
        to_host = (
            None if dst < 0 else (f"nouveau-{dst + 1:03d}" if result.offer_name else outcome.inputs.hosts.names[dst])
        )
        cpu = float(p2v.cpu_ref_mhz[k])
        rows.append(
            P2vServer(
                name=name,
                cpu_ref_mhz=None if np.isnan(cpu) else cpu,
                memory_mib=float(p2v.vms.memory_mib[k]),
                cpu_estimated=bool(p2v.cpu_estimated[k]),
                memory_estimated=bool(p2v.memory_estimated[k]),
                to_host=to_host,
                savings_eur_per_year=float(savings[k]),
            )
        )
    placed = [k for k, r in enumerate(rows) if r.to_host is not None]
    lines = p2v_running_costs(
        servers=_subset(servers, placed), start_year=outcome.start_year, assumptions=outcome.assumptions
    )
    return P2vSection(
        servers=rows,
        n_placed=len(placed),
        savings_eur_per_year=float(sum(rows[k].savings_eur_per_year for k in placed)),
        savings_over_horizon_eur=float(
            sum(lines[k].sum() for k in ("energy_eur", "maintenance_eur", "staff_eur", "rack_eur"))
        ),
    )


def _subset(servers: HostTable, keep: list[int]) -> HostTable:
    """The servers at positions `keep`."""
    idx = np.array(keep, dtype=np.int64)
    return replace(
        servers,
        ids=tuple(servers.ids[i] for i in keep),
        names=tuple(servers.names[i] for i in keep),
        **{f.name: getattr(servers, f.name)[idx] for f in fields(servers) if f.name not in ("ids", "names")},
    )


def p2v_summary(section: P2vSection) -> Message:
    """One line: servers virtualised, placed, and what they save a year and over the horizon."""
    return Message(
        code="p2v.summary",
        params={
            "n": len(section.servers),
            "placed": section.n_placed,
            "yearly_eur": section.savings_eur_per_year,
            "horizon_eur": section.savings_over_horizon_eur,
        },
    )
