"""TCO of whole fleets: the estate kept as it is, or n hosts of one offer carrying placed VMs, and
the choice between offers.

Energy uses CPU utilisation. For existing hosts, a measured `cpu_usage_mean_mhz` is used when known,
else the P95-based demand of the VMs they carry; for new hosts, the P95-based demand placed on them.
P95 overstates the mean, so the new fleet's energy is overstated: savings are conservative.

TCA and TCO are often confused; only the latter is relevant — a cheaper server with higher power
and support costs can have the higher TCO, so both are shown per option.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.consolidation import plan_consolidation
from optimizer.consolidation_result import ConsolidationResult
from optimizer.constraints import PlacementRules
from optimizer.demand import compute_demand, host_capacity
from optimizer.errors import PlanInputError
from optimizer.estate import HostTable, Offer, VmTable, complete_host_estimates
from optimizer.policy import Policy
from optimizer.tco import FleetHardware, OptionTco, offer_unit_eur_ht, option_tco

__all__ = [
    "OfferComparison",
    "OptionComparison",
    "compare_offers",
    "compare_options",
    "current_cpu_utilisation",
    "keep_estate_tco",
    "offer_fleet_tco",
    "repack_tco",
    "target_windows",
]

#: Only powered-on, non-template VMs load the hosts today.
_RUNNING = Policy(include_powered_off=False, include_templates=False)


def current_cpu_utilisation(*, hosts: HostTable, vms: VmTable, assumptions: Assumptions) -> NDArray[np.float64]:
    """CPU utilisation of each existing host today, shape (n,), in [0, 1]."""
    demand = compute_demand(hosts=hosts, vms=vms, assumptions=assumptions, policy=_RUNNING)
    raw = host_capacity(hosts=hosts, ceiling=1.0)[:, 0]
    load = np.zeros(hosts.n_hosts)
    src = vms.host[demand.vm_index]
    ok = src >= 0
    np.add.at(load, src[ok], demand.cpu_ref_mhz[ok])
    from_vms = load / raw
    measured = hosts.cpu_usage_mean_mhz / (hosts.n_cores * hosts.cpu_mhz)
    return np.clip(np.where(np.isnan(measured), from_vms, measured), 0.0, 1.0)


def _windows_hosts(*, vms: VmTable, n_hosts: int) -> NDArray[np.bool_]:
    carries = np.zeros(n_hosts, dtype=bool)
    on = vms.is_windows & (vms.host >= 0) & ~vms.is_template
    carries[vms.host[on]] = True
    return carries


def keep_estate_tco(
    *,
    hosts: HostTable,
    vms: VmTable,
    assumptions: Assumptions,
    start_year: int,
    name: str = "keep estate",
) -> OptionTco:
    """TCO of running every existing host over the horizon, buying nothing."""
    done, _ = complete_host_estimates(hosts=hosts)
    return option_tco(
        name=name,
        fleet=FleetHardware.of_hosts(done),
        cpu_utilisation=current_cpu_utilisation(hosts=hosts, vms=vms, assumptions=assumptions),
        carries_windows=_windows_hosts(vms=vms, n_hosts=hosts.n_hosts),
        tca_eur_ht=0.0,
        embodied_kgco2e=0.0,
        start_year=start_year,
        assumptions=assumptions,
    )


def offer_fleet_tco(
    *,
    offer: Offer,
    cpu_utilisation: NDArray[np.float64],
    carries_windows: NDArray[np.bool_],
    assumptions: Assumptions,
    start_year: int,
    name: str | None = None,
) -> OptionTco:
    """TCO of n new hosts of `offer` bought in `start_year` (arrays shape (n,): one per host).

    Each host pays purchase + install (HT in the TCA), plus its Windows Server Datacenter licence
    when it carries Windows VMs, once the `windows_licences_owned_cores` reassigned to the new hosts
    are used up; warranty `offer.warranty_years` from purchase.
    """
    n = int(np.asarray(cpu_utilisation).shape[0])
    a = assumptions
    embodied = a.embodied_kgco2e_per_server if offer.embodied_kgco2e is None else offer.embodied_kgco2e
    return option_tco(
        name=name or offer.name,
        fleet=FleetHardware.of_offer(offer, np.full(n, start_year, dtype=np.int64)),
        cpu_utilisation=cpu_utilisation,
        carries_windows=carries_windows,
        tca_eur_ht=n * offer_unit_eur_ht(offer=offer, assumptions=a),
        embodied_kgco2e=n * embodied,
        start_year=start_year,
        assumptions=a,
        buys_windows_licences=True,
    )


def target_windows(result: ConsolidationResult, vms: VmTable) -> NDArray[np.bool_]:
    """Shape (t,): targets of `result` licensed for Windows Server Datacenter.

    A target carrying a Windows VM, and every HA reserve host of a cluster that has one: a reserve
    host runs the VMs of a failed host, so it is licensed like the rest of its cluster.
    """
    carries = np.zeros(result.n_hosts_after, dtype=bool)
    on = (result.placement >= 0) & vms.is_windows
    if result.offer_name is not None:
        carries[result.placement[on]] = True
    else:
        slot = {int(h): k for k, h in enumerate(result.target_existing_host.tolist())}
        for vm_host in result.placement[on].tolist():
            carries[slot[vm_host]] = True
    windows_clusters = np.unique(result.target_cluster[carries])
    return carries | (result.target_is_ha_reserve & np.isin(result.target_cluster, windows_clusters))


@dataclass(frozen=True, eq=False)
class OfferComparison:
    """One consolidation per offer, its TCO, and the best (fewest unplaced VMs, then lowest TCO)."""

    results: tuple[ConsolidationResult, ...]
    options: tuple[OptionTco, ...]
    best: int

    @property
    def best_result(self) -> ConsolidationResult:
        """The consolidation on the best offer."""
        return self.results[self.best]

    @property
    def best_option(self) -> OptionTco:
        """The TCO of the best offer."""
        return self.options[self.best]

    @property
    def tco_by_offer(self) -> dict[str, float]:
        """Offer name -> TCO EUR TTC over the horizon."""
        return {r.offer_name or "": o.tco_eur for r, o in zip(self.results, self.options, strict=True)}


def compare_offers(
    *,
    hosts: HostTable,
    vms: VmTable,
    offers: Sequence[Offer],
    assumptions: Assumptions,
    policy: Policy,
    start_year: int,
    method: Literal["auto", "heuristic", "exact"] = "auto",
    time_limit_s: float = 10.0,
    rules: PlacementRules | None = None,
) -> OfferComparison:
    """Consolidate onto each offer alone, cost each new fleet over the horizon, pick the best.

    Mixed fleets are not searched. `rules`: anti-affinity and kept-together groups (pins and stays
    mean nothing on new hosts). Raises `PlanInputError("no_offer")` for an empty sequence.
    """
    if not offers:
        raise PlanInputError("no_offer")
    results = tuple(
        plan_consolidation(
            hosts=hosts,
            vms=vms,
            offer=o,
            assumptions=assumptions,
            policy=policy,
            method=method,
            time_limit_s=time_limit_s,
            rules=rules,
        )
        for o in offers
    )
    options = tuple(
        offer_fleet_tco(
            offer=o,
            cpu_utilisation=r.cpu_utilisation,
            carries_windows=target_windows(r, vms),
            assumptions=assumptions,
            start_year=start_year,
        )
        for o, r in zip(offers, results, strict=True)
    )
    best = min(range(len(offers)), key=lambda i: (len(results[i].unplaced), options[i].tco_eur))
    return OfferComparison(results=results, options=options, best=best)


def _consolidated_tco(
    *, hosts: HostTable, vms: VmTable, result: ConsolidationResult, offer: Offer | None, a: Assumptions, year: int
) -> OptionTco:
    """TCO of the target fleet of `result` (new hosts of `offer`, or the existing hosts kept)."""
    if (offer is None) != (result.offer_name is None) or (offer is not None and offer.name != result.offer_name):
        raise PlanInputError("offer_mismatch", {"offer": "" if offer is None else offer.name})
    windows = target_windows(result, vms)
    if offer is not None:
        name = f"consolidate on {offer.name}"
        return offer_fleet_tco(
            offer=offer,
            cpu_utilisation=result.cpu_utilisation,
            carries_windows=windows,
            assumptions=a,
            start_year=year,
            name=name,
        )
    done, _ = complete_host_estimates(hosts=hosts)
    return option_tco(
        name="repack on existing hosts",
        fleet=FleetHardware.of_hosts(done).subset(result.target_existing_host),
        cpu_utilisation=result.cpu_utilisation,
        carries_windows=windows,
        tca_eur_ht=0.0,
        embodied_kgco2e=0.0,
        start_year=year,
        assumptions=a,
    )


def repack_tco(
    *,
    hosts: HostTable,
    vms: VmTable,
    result: ConsolidationResult,
    assumptions: Assumptions,
    start_year: int,
    name: str = "repack on existing hosts",
) -> OptionTco:
    """TCO of repacking onto the hosts the authority owns (`result` of a plan with no offer).

    No investment: the hosts kept cost energy, support, licences, staff and rack space; the freed
    ones stop costing them from the first year.
    """
    option = _consolidated_tco(hosts=hosts, vms=vms, result=result, offer=None, a=assumptions, year=start_year)
    return dataclasses.replace(option, name=name)


@dataclass(frozen=True, eq=False)
class OptionComparison:
    """Keep vs consolidate: both TCOs, TCAs and the difference (positive = consolidation saves)."""

    keep: OptionTco
    consolidated: OptionTco
    tco_savings_eur: float
    tca_difference_eur: float
    operational_kgco2e_savings: float
    embodied_kgco2e_added: float

    @property
    def tco_savings_without_licences_eur(self) -> float:
        """`tco_savings_eur` with every licence line zeroed in both options (yearly licences and
        licences bought): how much of the saving the licences make."""
        return self.keep.tco_without_licences_eur - self.consolidated.tco_without_licences_eur


def compare_options(
    *,
    hosts: HostTable,
    vms: VmTable,
    result: ConsolidationResult,
    offer: Offer | None,
    assumptions: Assumptions,
    start_year: int,
) -> OptionComparison:
    """Compare keeping the estate with the consolidation `result` (made with `offer`, None for a
    repack onto existing hosts) over the horizon starting `start_year`."""
    keep = keep_estate_tco(hosts=hosts, vms=vms, assumptions=assumptions, start_year=start_year)
    new = _consolidated_tco(hosts=hosts, vms=vms, result=result, offer=offer, a=assumptions, year=start_year)
    return OptionComparison(
        keep=keep,
        consolidated=new,
        tco_savings_eur=keep.tco_eur - new.tco_eur,
        tca_difference_eur=new.tca_eur_ttc - keep.tca_eur_ttc,
        operational_kgco2e_savings=float(keep.operational_kgco2e.sum() - new.operational_kgco2e.sum()),
        embodied_kgco2e_added=new.embodied_kgco2e,
    )
