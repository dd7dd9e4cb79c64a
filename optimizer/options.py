"""TCO vs TCA side by side: keeping the estate against a consolidation plan.

Source texts: "TCA and TCO are too often confused; only the latter is relevant" — a cheaper server with
higher power and support costs can have the higher TCO, so both are shown per option.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.assumptions import Assumptions
from optimizer.consolidation_result import ConsolidationResult
from optimizer.estate import HostTable, Offer, VmTable, complete_host_estimates
from optimizer.fleet import keep_estate_tco, offer_fleet_tco
from optimizer.tco import OptionTco, option_tco

__all__ = ["OptionComparison", "compare_options", "consolidated_tco"]


def consolidated_tco(
    *,
    hosts: HostTable,
    vms: VmTable,
    result: ConsolidationResult,
    offer: Offer | None,
    assumptions: Assumptions,
    start_year: int,
) -> OptionTco:
    """TCO of the target fleet of `result` (new hosts of `offer`, or the existing hosts kept).

    Args:
        hosts: the existing hosts, shape (n,).
        vms: the VMs, shape (m,).
        result: a plan from `plan_consolidation` made with this `offer` (None: repack).
        offer: the offer of `result`, or None when it repacked onto existing hosts.
        assumptions: figures used.
        start_year: first year of the horizon (purchases happen in that year).
    """
    if (offer is None) != (result.offer_name is None) or (offer is not None and offer.name != result.offer_name):
        raise ValueError("offer must be the one `result` was planned with (None for a repack)")
    t = result.target_existing_host.size
    windows = np.zeros(t, dtype=bool)
    on_win = (result.placement >= 0) & vms.is_windows
    if offer is not None:
        windows[result.placement[on_win]] = True
        return offer_fleet_tco(
            offer=offer,
            cpu_utilisation=result.cpu_utilisation,
            carries_windows=windows,
            assumptions=assumptions,
            start_year=start_year,
            name=f"consolidate on {offer.name}",
        )
    done, _ = complete_host_estimates(hosts=hosts)
    keep = result.target_existing_host
    slot = {int(h): k for k, h in enumerate(keep.tolist())}
    for vm_host in result.placement[on_win].tolist():
        windows[slot[vm_host]] = True
    return option_tco(
        name="repack on existing hosts",
        n_sockets=done.n_sockets[keep],
        n_cores=done.n_cores[keep],
        power_idle_w=done.power_idle_w[keep],
        power_max_w=done.power_max_w[keep],
        cpu_utilisation=result.cpu_utilisation,
        carries_windows=windows,
        rack_units=done.rack_units[keep],
        purchase_year=done.purchase_year[keep],
        purchase_price_eur=done.purchase_price_eur[keep],
        warranty_end_year=done.warranty_end_year[keep],
        support_cost_eur_per_year=done.support_cost_eur_per_year[keep],
        tca_eur_ht=0.0,
        embodied_kgco2e=0.0,
        start_year=start_year,
        assumptions=assumptions,
    )


@dataclass(frozen=True, eq=False)
class OptionComparison:
    """Keep vs consolidate: both TCOs, TCAs and the difference (positive = consolidation saves)."""

    keep: OptionTco
    consolidated: OptionTco
    tco_savings_eur: float
    tca_difference_eur: float
    operational_kgco2e_savings: float
    embodied_kgco2e_added: float


def compare_options(
    *,
    hosts: HostTable,
    vms: VmTable,
    result: ConsolidationResult,
    offer: Offer | None,
    assumptions: Assumptions,
    start_year: int,
) -> OptionComparison:
    """Compare keeping the estate with the consolidation `result` over the horizon.

    Args: as `consolidated_tco`.
    """
    keep = keep_estate_tco(hosts=hosts, vms=vms, assumptions=assumptions, start_year=start_year)
    new = consolidated_tco(
        hosts=hosts,
        vms=vms,
        result=result,
        offer=offer,
        assumptions=assumptions,
        start_year=start_year,
    )
    return OptionComparison(
        keep=keep,
        consolidated=new,
        tco_savings_eur=keep.tco_eur - new.tco_eur,
        tca_difference_eur=new.tca_eur_ttc - keep.tca_eur_ttc,
        operational_kgco2e_savings=float(keep.operational_kgco2e.sum() - new.operational_kgco2e.sum()),
        embodied_kgco2e_added=new.embodied_kgco2e,
    )
